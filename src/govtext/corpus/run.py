"""Whole-corpus runs: :func:`analyze_corpus` (tables in memory) and :func:`analyze_to_store`
(batches streamed into DuckDB or Parquet), reusing the still valid results of an earlier run."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from ..errors import GovtextError, UsageError
from ..model import Document
from .duplicates import DuplicateFinder
from .engines import Progress, check_run, run_engine
from .options import DEFAULT_OPTIONS, AnalysisOptions, analysis_key
from .schema import SCHEMAS, TABLES
from .sources import Source, load_corpus
from .store import DuckDBStore, ParquetStore, Store
from .tables import CorpusTables, assemble, documents_columns, plain


def analyze_corpus(
    paths: str | Path | Iterable[str | Path] | Mapping[str, str | Document] | list[Source],
    *,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    previous: CorpusTables | None = None,
    path_column: str | None = None,
    options: AnalysisOptions = DEFAULT_OPTIONS,
    on_progress: Progress | None = None,
    allow_outside: bool = False,
) -> CorpusTables:
    """Analyse a corpus into :class:`CorpusTables`.

    ``paths``: see :func:`load_corpus` (or a list of Sources). ``engine="local"`` runs ``jobs``
    worker processes (1: in this process); ``engine="dask"`` submits the same per-document function
    to the Dask scheduler at ``scheduler`` (``tcp://host:8786``), or to a new local cluster of
    ``jobs`` workers when no address is given. ``previous`` tables (from an earlier run) supply
    the rows of every document whose content, metadata and analysis version are unchanged.
    ``options`` set the analysis (:class:`AnalysisOptions`). ``on_progress(done, total)`` is
    called as documents finish. ``allow_outside``: a manifest may name files outside its folder.
    The tables are held in memory; :func:`analyze_to_store` streams them into a store instead.
    """
    check_run(engine, jobs, scheduler, options)
    t0 = time.perf_counter()
    sources = _sources(paths, path_column, allow_outside)
    reused, todo = _split_reusable(sources, previous, options)
    # consumed as the documents finish: each one's rows are turned into columns, not all held as dicts
    tables = assemble(run_engine(todo, options, engine, scheduler, jobs, on_progress), reused=reused)
    errors = int(tables.documents["error"].notna().sum())
    info = {"engine": engine, "jobs": jobs, "documents": len(sources), "analyzed": len(todo),
            "reused": len(sources) - len(todo), "errors": errors, "seconds": time.perf_counter() - t0}
    return CorpusTables(**tables.tables(), info=info)


def _sources(paths, path_column: str | None, allow_outside: bool) -> list[Source]:
    if isinstance(paths, list) and paths and all(isinstance(s, Source) for s in paths):
        return sorted(paths, key=lambda s: s.doc_id)
    return load_corpus(paths, path_column=path_column, allow_outside=allow_outside)


def _input_files(paths, sources: list[Source]) -> list[str]:
    """Every file a run reads: its documents, the manifests given, a folder's manifest.csv."""
    files = [s.path for s in sources if s.data is None]
    files += sorted({s.manifest for s in sources if s.manifest})
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if not isinstance(paths, Mapping):
        for item in paths:
            if isinstance(item, (str, Path)):
                p = Path(item)
                files.append(str(p / "manifest.csv" if p.is_dir() else p))
    return files


def _guard_store(db, parquet, paths, sources: list[Source]) -> None:
    """Refuse a --db file, or a --parquet table file, that is one of the run's inputs (links included)."""
    from ..outputs import guard_output

    inputs = _input_files(paths, sources)
    if db is not None:
        guard_output(db, inputs, option="--db")
    else:
        for name in TABLES:
            guard_output(Path(parquet) / f"{name}.parquet", inputs, option="--parquet")


def _split_reusable(sources: list[Source], previous: CorpusTables | None, options: AnalysisOptions):
    """(rows of previous results still valid, sources to analyse)."""
    if previous is None or previous.documents.empty or "analysis_key" not in previous.documents:
        return None, list(sources)
    prev = previous.documents
    valid = prev[prev["error"].isna()].set_index("doc_id")["analysis_key"].to_dict()
    keep, todo = [], []
    for s in sources:
        key = analysis_key(s, options)
        if key is not None and valid.get(s.doc_id) == key:
            keep.append(s.doc_id)
        else:
            todo.append(s)
    return (previous.select(keep) if keep else None), todo


DEFAULT_BATCH_SIZE = 500  # documents per batch written by analyze_to_store


def analyze_to_store(
    paths: str | Path | Iterable[str | Path] | Mapping[str, str | Document] | list[Source],
    *,
    db: str | Path | None = None,
    parquet: str | Path | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    fresh: bool = False,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    path_column: str | None = None,
    options: AnalysisOptions = DEFAULT_OPTIONS,
    on_progress: Progress | None = None,
    allow_outside: bool = False,
) -> dict:
    """Analyse a corpus straight into a DuckDB file (``db``) or Parquet directory (``parquet``),
    ``batch_size`` documents at a time, so memory is bounded by the batch, not the corpus.

    The stored tables equal :func:`analyze_corpus`'s, row for row (same columns, same order by
    ``doc_id``). Documents whose stored rows are still valid (same content hash, metadata and
    analysis version; not with ``fresh``) are reused, read back batch by batch. Batches go into
    staging tables (a ``.govtext-staging`` folder for Parquet) that replace the stored corpus at the
    end, in one transaction for DuckDB; a run that fails leaves the previous store as it was, and
    a store it created is removed. A run in which no document could be read fails
    (``GovtextError``) without touching the store. A ``db`` (or Parquet table file) that is one of the inputs —
    a document or a manifest, through a link too — is refused before anything is written.
    Returns the run summary (engine, documents, analyzed, reused, errors, seconds, rows per table,
    batches, the first 20 failed documents).
    """
    check_run(engine, jobs, scheduler, options)
    if batch_size < 1:
        raise UsageError(f"--batch-size must be at least 1 (got {batch_size})")
    if (db is None) == (parquet is None):
        raise UsageError("give either --db or --parquet, not both" if db is not None else "give --db or --parquet")
    t0 = time.perf_counter()
    sources = _sources(paths, path_column, allow_outside)
    _guard_store(db, parquet, paths, sources)
    store: Store = DuckDBStore(db) if db is not None else ParquetStore(parquet)  # type: ignore[arg-type]
    rows = {n: 0 for n in TABLES}
    errors, first_errors, batches = 0, [], 0
    try:
        reuse = _reusable_ids(sources, {} if fresh else store.previous_keys(), options)
        todo = [s for s in sources if s.doc_id not in reuse]
        extra = _extra_columns(sources)
        store.begin(extra)
        results = run_engine(todo, options, engine, scheduler, jobs, on_progress)
        try:
            for batch in _batches(sources, reuse, results, batch_size, store.previous_rows, extra):
                store.write(batch)
                batches += 1
                for name, df in batch.tables().items():
                    rows[name] += len(df)
                bad = batch.documents[batch.documents["error"].notna()]
                errors += len(bad)
                first_errors += bad[["doc_id", "path", "error"]].head(20 - len(first_errors)).to_dict("records")
            for _ in results:  # also runs an engine that had nothing to do (Dask checks its workers)
                raise RuntimeError("the engine returned more results than documents")
        finally:
            results.close()
        if sources and errors == len(sources):  # nothing to store: keep the previous store, or none
            first = first_errors[0]
            raise GovtextError(f"no document could be analysed (first error: {first['path']}: {first['error']})")
        store.commit()
    except BaseException:
        store.abort()
        raise
    return {"engine": engine, "jobs": jobs, "documents": len(sources), "analyzed": len(todo),
            "reused": len(reuse), "errors": errors, "seconds": time.perf_counter() - t0,
            "store": str(db if db is not None else parquet), "batch_size": batch_size, "batches": batches,
            "rows": rows, "first_errors": [{k: plain(v) for k, v in e.items()} for e in first_errors]}


def _reusable_ids(sources: list[Source], keys: Mapping[str, str], options: AnalysisOptions) -> set[str]:
    """Ids of the sources whose stored analysis key (of an error-free result) is still theirs."""
    if not keys:
        return set()
    return {s.doc_id for s in sources if (k := analysis_key(s, options)) is not None and keys.get(s.doc_id) == k}


def _extra_columns(sources: Iterable[Source]) -> list[str]:
    """The documents table's metadata columns beyond the fixed ones (as :func:`assemble` makes them)."""
    fixed = SCHEMAS["documents"]
    return sorted({k for s in sources for k, _ in s.meta if k not in fixed})


def _batches(sources: list[Source], reuse: set[str], results: Iterator[dict], batch_size: int,
             previous_rows: Callable[[list[str]], CorpusTables], extra: list[str]) -> Iterator[CorpusTables]:
    """Consecutive runs of ``batch_size`` sources (in doc_id order) as tables: reused documents'
    rows read back from the store, the others' rows taken from ``results`` (in the same order)."""
    finder = DuplicateFinder()  # one across the batches: duplicates are found in doc_id order
    for start in range(0, len(sources), batch_size):
        chunk = sources[start:start + batch_size]
        old_ids = [s.doc_id for s in chunk if s.doc_id in reuse]
        new = _rows_of([s for s in chunk if s.doc_id not in reuse], results)
        tables = assemble(new, reused=previous_rows(old_ids) if old_ids else None, duplicates=finder)
        yield replace(tables, documents=documents_columns(tables.documents, extra))


def _rows_of(chunk: list[Source], results: Iterator[dict]) -> Iterator[dict]:
    """The next ``len(chunk)`` results, checked against ``chunk``'s ids, one at a time: assemble turns
    each document's rows into columns as it comes, so a batch's rows are never all held as dicts."""
    for s in chunk:
        rows = next(results)
        got = rows["documents"][0]["doc_id"]
        if got != s.doc_id:  # pragma: no cover - the engines keep the order
            raise RuntimeError(f"engine returned {got!r} where {s.doc_id!r} was expected")
        yield rows
