"""``govtext corpus analyze|compare|trends``: a whole corpus as tidy tables, comparisons, theme trends.

Thin commands over ``govtext.corpus``; pandas, DuckDB, Dask and matplotlib are imported inside the
commands so that ``govtext --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..errors import GovtextError, InputError, UsageError
from ..extras import require
from ..render import emit, render, to_csv
from .group import cli, format_option


def _default_jobs() -> int:
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _show_progress(flag: bool | None) -> bool:
    """A progress bar on a terminal, never in CI (``CI`` set) unless asked for."""
    if flag is not None:
        return flag
    return sys.stderr.isatty() and not os.environ.get("CI")


def _store_options(func):
    func = click.option("--parquet", "parquet", type=click.Path(file_okay=False), default=None,
                        help="Parquet directory (one <table>.parquet each) instead of DuckDB.")(func)
    func = click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
                        help="DuckDB file holding the tables [analyze default: corpus.duckdb].")(func)
    return func


def _load_store(db: str | None, parquet: str | None):
    from ..corpus import read_duckdb, read_parquet

    if db and parquet:
        raise UsageError("give either --db or --parquet, not both")
    if not db and not parquet:
        raise UsageError("name the stored corpus with --db FILE (or --parquet DIR); "
                         "create it with `govtext corpus analyze PATH --db FILE`")
    return read_duckdb(db) if db else read_parquet(parquet)


@cli.group("corpus")
def corpus() -> None:
    """Analyse a whole corpus into tables (DuckDB/Parquet), compare documents or years, chart trends."""


@corpus.command("analyze")
@click.argument("paths", nargs=-1, required=True)
@_store_options
@click.option("--path-column", default=None, metavar="NAME",
              help="Manifest column holding document paths [default: path, else file].")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (local engine) or local Dask workers [default: all CPUs].")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: process pool on this machine; dask: a Dask distributed cluster.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler address (tcp://host:8786); without it --engine dask starts a local cluster.")
@click.option("--segmenter", type=click.Choice(["jieba", "rjieba"]), default="rjieba", show_default=True,
              help="Word segmenter for the terms table (rjieba: the Rust port, much faster).")
@click.option("--lexicon", "lexicons", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Extra theme lexicon (TOML, as for `govtext themes`). Repeatable.")
@click.option("--only-lexicon", is_flag=True, help="Use only the --lexicon file(s), not the shipped lexicon.")
@click.option("--fresh", is_flag=True, help="Ignore stored results and analyse every document again.")
@click.option("--batch-size", type=click.IntRange(min=1), default=500, show_default=True, metavar="N",
              help="Documents per batch written to the store (memory is bounded by the batch, not the corpus).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar [default: on a terminal, off when CI is set].")
@format_option(("text", "json"), "text")
def analyze(paths, db, parquet, path_column, jobs, engine, scheduler, segmenter, lexicons, only_lexicon, fresh,
            batch_size, progress, fmt) -> None:
    """Analyse every document under PATH… (directories, manifest CSVs or files) into tables.

    Writes the tables documents, sections, placeholders, themes, parts, findings and terms to a
    DuckDB file (default corpus.duckdb) or a Parquet directory. Documents unchanged since the last
    run (same content, metadata and lexicon/outline/govtext versions) reuse their stored rows.
    A document that cannot be read is recorded with its error and the run goes on.
    """
    require("corpus", "govtext corpus analyze")
    if engine == "dask":
        require("dask", "govtext corpus analyze --engine dask")
    from ..corpus import AnalysisOptions, analyze_to_store, load_corpus

    if db and parquet:
        raise UsageError("give either --db or --parquet, not both")
    if not parquet:
        db = db or "corpus.duckdb"
    sources = load_corpus(list(paths), path_column=path_column)
    if not sources:
        raise InputError(", ".join(paths), "no .txt, .md or .docx documents found")
    jobs = jobs or _default_jobs()
    options = AnalysisOptions(segmenter=segmenter).with_lexicons(lexicons, only=only_lexicon)
    run = dict(db=db, parquet=parquet, batch_size=batch_size, fresh=fresh, jobs=jobs, engine=engine,
               scheduler=scheduler, options=options)
    if _show_progress(progress):
        info = _with_progress_bar(lambda cb: analyze_to_store(sources, **run, on_progress=cb))
    else:
        info = analyze_to_store(sources, **run)
    for e in info["first_errors"]:
        click.echo(f"govtext: {e['path']}: {e['error']} (recorded, skipped)", err=True)
    if info["errors"] > len(info["first_errors"]):
        click.echo(f"govtext: … and {info['errors'] - len(info['first_errors'])} more unreadable documents "
                   "(see documents.error)", err=True)
    emit(render(info, fmt, text=_analyze_text))
    if info["errors"] == info["documents"]:
        first = info["first_errors"][0]
        raise GovtextError(f"no document could be analysed (first error: {first['path']}: {first['error']})")


def _analyze_text(info: dict) -> str:
    rows = ", ".join(f"{n} {c}" for n, c in info["rows"].items())
    return (f"{info['documents']} documents: {info['analyzed']} analysed, {info['reused']} reused, "
            f"{info['errors']} unreadable; {info['seconds']:.1f} s ({info['engine']}, {info['jobs']} jobs)\n"
            f"wrote {info['store']}: {rows}\n")


def _with_progress_bar(run):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("analysing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("analyse", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return run(update)


@corpus.command("compare")
@click.argument("a")
@click.argument("b")
@_store_options
@click.option("--max-level", type=click.IntRange(min=1), default=2, show_default=True,
              help="Compare sections down to this heading level.")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True,
              help="Distinctive terms listed for each side.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Least title similarity for two sections to count as one renamed section.")
@click.option("--segmenter", type=click.Choice(["jieba", "rjieba"]), default="rjieba", show_default=True,
              help="Word segmenter for the distinctive terms of documents given as files.")
@format_option(("text", "json"), "text")
def compare_cmd(a, b, db, parquet, max_level, top, threshold, segmenter, fmt) -> None:
    """Compare A with B: sections added/removed/renamed, themes gained/lost, distinctive terms.

    A and B are documents (or folders/manifests, compared as groups); with --db/--parquet they are
    selectors of stored documents, e.g. `year=2021`, `year=2015..2018`, `issuer=国务院,year=2022`,
    `doc_id=gwr_2021_national.txt`.
    """
    if db or parquet:
        require("corpus", "govtext corpus compare --db/--parquet")
    from ..corpus import compare, select_documents

    if db or parquet:
        stored = _load_store(db, parquet)
        side_a, side_b = select_documents(stored, a), select_documents(stored, b)
    else:
        side_a, side_b = (_analyze_side(p, segmenter) for p in (a, b))
    result = compare(side_a, side_b, max_level=max_level, top=top, threshold=threshold)
    emit(render(result, fmt, text=_compare_text))


def _analyze_side(path: str, segmenter: str):
    from ..corpus import AnalysisOptions, analyze_corpus

    tables = analyze_corpus(path, options=AnalysisOptions(segmenter=segmenter))
    bad = tables.documents[tables.documents["error"].notna()]
    if len(bad) == len(tables.documents):
        row = bad.iloc[0]
        raise InputError(str(row["path"]), str(row["error"]))
    return tables


def _compare_text(r: dict) -> str:
    out = [f"A: {r['a']['documents']} document(s)   B: {r['b']['documents']} document(s)"]

    def block(title: str, items: list, fmt) -> None:
        out.append(f"\n{title} ({len(items)})")
        out.extend("  " + fmt(x) for x in items) if items else out.append("  (none)")

    block("sections removed (in A only)", r["sections_removed"], lambda s: f"[{s['level']}] {s['marker']}{s['title']}")
    block("sections added (in B only)", r["sections_added"], lambda s: f"[{s['level']}] {s['marker']}{s['title']}")
    block("sections renamed", r["sections_renamed"], lambda s: f"{s['from']} → {s['to']}  ({s['similarity']:.2f})")
    block("themes gained", r["themes_gained"], lambda t: f"{t['label']} ({t['theme']}) weight {t['weight_b']:.3f}")
    block("themes lost", r["themes_lost"], lambda t: f"{t['label']} ({t['theme']}) weight {t['weight_a']:.3f}")
    for side in ("a", "b"):
        terms = r["distinctive_terms"][side]
        out.append(f"\ndistinctive terms of {side.upper()}: " + ("、".join(t["term"] for t in terms) or "(none)"))
    return "\n".join(out) + "\n"


@corpus.command("trends")
@_store_options
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Directory for trends.csv and trends.png.")
@click.option("--where", default=None, metavar="SELECTOR",
              help="Only documents matching a selector, e.g. issuer=国务院 or year=2000..2022.")
@click.option("--top", type=click.IntRange(min=1), default=8, show_default=True,
              help="Themes drawn in the chart (the most frequent).")
@click.option("--theme", "themes", multiple=True, metavar="ID",
              help="Chart these themes (repeatable, e.g. --theme poverty_alleviation) instead of the top ones.")
@format_option(("text", "csv", "json"), "text")
def trends(db, parquet, out_dir, where, top, themes, fmt) -> None:
    """Theme-by-year table (trends.csv) and chart (trends.png, Chinese labels in a CJK font)."""
    require("corpus", "govtext corpus trends")
    from ..corpus import TREND_COLUMNS, find_cjk_font, plot_trends, select_documents, theme_trends

    stored = _load_store(db, parquet)
    font = find_cjk_font()
    if font is None:
        raise GovtextError("no CJK font found for the chart's Chinese labels (looked for Noto Sans CJK in "
                           "matplotlib's fonts and `fc-list :lang=zh`); install fonts-noto-cjk with "
                           "`make system-deps`, or set GOVTEXT_CJK_FONT=/path/to/font.otf")
    if where:
        stored = select_documents(stored, where)
    table = theme_trends(stored)
    if table.empty:
        raise UsageError("no theme counts for documents with a year; nothing to chart")
    unknown = sorted(set(themes) - set(table["theme"]))
    if unknown:
        raise UsageError(f"unknown theme {unknown[0]!r}; the table has e.g. {', '.join(sorted(set(table['theme']))[:6])}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "trends.csv", index=False)
    plot_trends(table, out / "trends.png", font=font, top=top, themes=themes or None)
    records = table.to_dict("records")
    summary = {"csv": str(out / "trends.csv"), "png": str(out / "trends.png"), "font": str(font),
               "years": sorted({int(y) for y in table["year"]}), "rows": len(table)}
    if fmt == "csv":
        emit(to_csv(records, TREND_COLUMNS))
    elif fmt == "json":
        emit(render({**summary, "trends": records}, "json"))
    else:
        emit(_trends_text(table, summary, top, themes))


def _trends_text(table, summary: dict, top: int, themes: tuple[str, ...]) -> str:
    if themes:
        labels = [table.loc[table["theme"] == t, "label"].iloc[0] for t in themes]
    else:
        totals = table.groupby("label")["count"].sum().sort_values(ascending=False, kind="stable")
        labels = [t for t in totals.index if totals[t] > 0][:top]
    pivot = table[table["label"].isin(labels)].pivot_table(index="year", columns="label", values="per_10k_chars")
    lines = [f"wrote {summary['csv']} ({summary['rows']} rows) and {summary['png']} (font {summary['font']})",
             "per 10,000 characters:", pivot.reindex(columns=labels).round(2).to_string()]
    return "\n".join(lines) + "\n"
