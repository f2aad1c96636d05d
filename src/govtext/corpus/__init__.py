"""Many documents → tidy pandas DataFrames; comparisons across documents and years; theme trends.

One per-document function, :func:`analyze_document`, runs every stage (sections, placeholders,
themes, completeness, term counts) on one document and returns plain row lists; every engine (in
process, a local process pool, a Dask cluster) calls the same function through :func:`analyze_source`
and :func:`analyze_corpus` assembles the rows into DataFrames with fixed columns, ``doc_id`` first,
sorted by ``doc_id`` so that every engine gives the same frames row for row. :func:`analyze_to_store`
writes the same tables into DuckDB or Parquet batch by batch, so memory holds a batch, not the corpus.

One concern per module, imported in this order (each imports only those before it):

- ``schema``: table names, fixed columns and dtype names (no pandas);
- ``sources``: :class:`Source` records and :func:`load_corpus` (directories, manifests, files, texts);
- ``options``: :class:`AnalysisOptions`, :func:`analysis_version`, :func:`analysis_key` (result reuse);
- ``duplicates``, ``evidence``: MinHash signatures and their LSH grouping; the ``theme_hits`` rows
  (both used by ``analyze``; the grouping runs where the tables are assembled);
- ``analyze``: the per-document analysis (what every engine runs);
- ``engines``: in process, a process pool or Dask, results in input order;
- ``tables``: :class:`CorpusTables` (pandas), typing and assembling rows, :func:`select_documents`;
- ``store``: the DuckDB and Parquet stores (staged batches, atomic swap) and their readers/writers;
- ``run``: :func:`analyze_corpus` (in memory) and :func:`analyze_to_store` (streamed);
- ``comparison``, ``trends``, ``plot``: :func:`compare`, the theme-by-year table (pooled or per
  issuer/level), its chart (``comparison``, not ``compare``: a submodule named like the function
  would shadow it here);
- ``reuse``: how much of one text repeats another, and the per-issuer table over the years.

Names are re-exported here lazily: ``from govtext.corpus import AnalysisOptions`` loads neither
pandas nor DuckDB, pyarrow, Dask or matplotlib; each is imported by the module (or function) that
needs it.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name → the module of this package that defines it
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(("SCHEMAS", "TABLES", "STR", "INT", "FLOAT", "BOOL"), "schema"),
    **dict.fromkeys(("Source", "load_corpus"), "sources"),
    **dict.fromkeys(("AnalysisOptions", "DEFAULT_OPTIONS", "analysis_version", "analysis_key"), "options"),
    **dict.fromkeys(("count_terms", "analyze_document", "analyze_source"), "analyze"),
    **dict.fromkeys(("ENGINES", "Progress", "POOL_WINDOW_PER_JOB", "ordered_window"), "engines"),
    **dict.fromkeys(("DuplicateFinder", "Duplicate", "find_duplicates", "signature"), "duplicates"),
    **dict.fromkeys(("theme_hit_rows", "sentence_spans", "theme_evidence"), "evidence"),
    **dict.fromkeys(("CorpusTables", "assemble", "conform", "empty_tables", "select_documents", "dedupe",
                     "duplicate_ids", "issuer_level", "issuer_levels"), "tables"),
    **dict.fromkeys(("DuckDBStore", "ParquetStore", "write_duckdb", "read_duckdb", "write_parquet",
                     "read_parquet"), "store"),
    **dict.fromkeys(("analyze_corpus", "analyze_to_store", "DEFAULT_BATCH_SIZE"), "run"),
    **dict.fromkeys(("compare", "title_similarity", "align_sections", "distinctive_terms", "theme_rates"),
                    "comparison"),
    **dict.fromkeys(("TREND_COLUMNS", "SERIES_COLUMNS", "theme_trends", "choose_themes", "theme_slopes"), "trends"),
    **dict.fromkeys(("find_cjk_font", "plot_trends", "chart_bytes"), "plot"),
    **dict.fromkeys(("text_reuse", "reuse_report", "reuse_table", "plot_reuse", "Reuse", "REUSE_COLUMNS"), "reuse"),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
