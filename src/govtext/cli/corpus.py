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
from ..segmenters import SEGMENTERS, TERMS_SEGMENTER
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
@click.option("--segmenter", type=click.Choice(SEGMENTERS), default=TERMS_SEGMENTER, show_default=True,
              help="Word segmenter for the terms table (rjieba: the Rust port, much faster).")
@click.option("--lexicon", "lexicons", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Extra theme lexicon (TOML, as for `govtext themes`). Repeatable.")
@click.option("--only-lexicon", is_flag=True, help="Use only the --lexicon file(s), not the shipped lexicon.")
@click.option("--fresh", is_flag=True, help="Ignore stored results and analyse every document again.")
@click.option("--batch-size", type=click.IntRange(min=1), default=500, show_default=True, metavar="N",
              help="Documents per batch written to the store (memory is bounded by the batch, not the corpus).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar [default: on a terminal, off when CI is set].")
@click.option("--allow-outside", is_flag=True, help="Let a manifest name files outside its folder (../, absolute).")
@format_option(("text", "json"), "text")
def analyze(paths, db, parquet, path_column, jobs, engine, scheduler, segmenter, lexicons, only_lexicon, fresh,
            batch_size, progress, allow_outside, fmt) -> None:
    """Analyse every document under PATH… (directories, manifest CSVs or files) into tables.

    Writes the tables documents, sections, placeholders, themes, parts, findings, terms, theme_hits,
    signatures and duplicates to a DuckDB file (default corpus.duckdb) or a Parquet directory. Documents unchanged since the last
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
    sources = load_corpus(list(paths), path_column=path_column, allow_outside=allow_outside)
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
@click.option("--segmenter", type=click.Choice(SEGMENTERS), default=TERMS_SEGMENTER, show_default=True,
              help="Word segmenter for the distinctive terms of documents given as files.")
@click.option("--keep-duplicates", is_flag=True,
              help="Count every copy of a duplicated document (default: each duplicate group once).")
@format_option(("text", "json"), "text")
def compare_cmd(a, b, db, parquet, max_level, top, threshold, segmenter, keep_duplicates, fmt) -> None:
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
    result = compare(side_a, side_b, max_level=max_level, top=top, threshold=threshold,
                     keep_duplicates=keep_duplicates)
    for side, sel in (("a", a), ("b", b)):
        n = result[side]["documents"]
        if n > 1:
            ids = ", ".join(result[side]["doc_ids"][:8]) + (" …" if n > 8 else "")
            click.echo(f"govtext: warning: {side.upper()} ({sel}) matches {n} documents, compared as a group: {ids}",
                       err=True)
    emit(render(result, fmt, text=_compare_text))


def _analyze_side(path: str, segmenter: str):
    from ..corpus import AnalysisOptions, analyze_corpus

    tables = analyze_corpus(path, options=AnalysisOptions(segmenter=segmenter))
    bad = tables.documents[tables.documents["error"].notna()]
    if len(bad) == len(tables.documents):
        row = bad.iloc[0]
        raise InputError(str(row["path"]), str(row["error"]))
    return tables


def _pad(text: str, cells: int) -> str:
    """``text`` padded with spaces to ``cells`` display cells (CJK characters take two)."""
    import unicodedata

    width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(cells - width, 0)


def _compare_text(r: dict, *, themes: int = 12) -> str:
    out = []
    for side in ("a", "b"):
        info = r[side]
        ids = "、".join(info["doc_ids"][:8]) + (" …" if info["documents"] > 8 else "")
        warn = "  ⚠ 多份文件按一组比较 (several documents, compared as a group)" if info["documents"] > 1 else ""
        out.append(f"{side.upper()}: {info['documents']} document(s): {ids}{warn}")
    for d in r.get("duplicates_left_out", []):
        out.append(f"  重复件只计一次 (duplicate counted once): {d['doc_id']} = {d['duplicate_of']}; --keep-duplicates to count it")

    def path(p: list, marker, title) -> str:
        return " › ".join([*p, f"{marker or ''}{title}"])

    def block(title: str, items: list, fmt) -> None:
        out.append(f"\n{title} ({len(items)})")
        out.extend("  " + fmt(x) for x in items) if items else out.append("  (none)")

    moved = [t for t in r.get("themes_by_change", []) if t["rate_a"] != t["rate_b"]][:themes]
    block("主题变化最大（每万字出现次数 A → B） themes whose rate changed most (per 10,000 characters)", moved,
          lambda t: f"{_pad(t['label'] or t['theme'], 24)} {t['rate_a']:7.2f} → {t['rate_b']:7.2f}  "
                    f"({t['count_a']} → {t['count_b']} hits)")
    block("sections renamed (A ↔ B, with their parents)", r["sections_renamed"],
          lambda s: f"{path(s.get('path_from', []), s.get('marker_from'), s['from'])}  ↔  "
                    f"{path(s.get('path_to', []), s.get('marker_to'), s['to'])}  ({s['similarity']:.2f})")
    block("sections removed (in A only)", r["sections_removed"],
          lambda s: f"[{s['level']}] {path(s.get('path', []), s['marker'], s['title'])}")
    block("sections added (in B only)", r["sections_added"],
          lambda s: f"[{s['level']}] {path(s.get('path', []), s['marker'], s['title'])}")
    for side in ("a", "b"):
        terms = r["distinctive_terms"][side]
        out.append(f"\ndistinctive terms of {side.upper()}: " + ("、".join(t["term"] for t in terms) or "(none)"))
    return "\n".join(out) + "\n"


def _trends_formats(ctx, param, value: str) -> tuple[str, tuple[str, ...]]:
    """``--format``: one of text/csv/json for stdout and/or chart formats png,svg,pdf (comma-separated)."""
    from ..corpus.plot import FORMATS

    items = [v.strip().lower() for v in (value or "").split(",") if v.strip()]
    out = [v for v in items if v in ("text", "csv", "json")]
    charts = tuple(dict.fromkeys(v for v in items if v in FORMATS))
    bad = [v for v in items if v not in ("text", "csv", "json") and v not in FORMATS]
    if bad or len(out) > 1:
        raise click.BadParameter(f"{value!r}: expected one of text, csv, json and/or chart formats png,svg,pdf "
                                 "(e.g. --format png,svg,pdf or --format json,svg)")
    return (out[0] if out else "text"), (charts or ("png",))


@corpus.command("trends")
@_store_options
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Directory for trends.csv and the chart (trends.png, .svg, .pdf).")
@click.option("--where", default=None, metavar="SELECTOR",
              help="Only documents matching a selector, e.g. issuer=国务院 or year=2000..2022.")
@click.option("--by", type=click.Choice(["auto", "issuer", "level", "none"]), default="auto", show_default=True,
              help="One series per issuer or per issuer level (national/provincial/municipal/district); "
                   "auto: per issuer up to 6 issuers, else per level; none: one pooled series.")
@click.option("--top", type=click.IntRange(min=1), default=6, show_default=True,
              help="Themes charted: the strongest risers and fallers.")
@click.option("--theme", "themes", multiple=True, metavar="ID",
              help="Chart these themes (repeatable, e.g. --theme poverty_alleviation) instead of the risers/fallers.")
@click.option("--keep-duplicates", is_flag=True,
              help="Count every copy of a duplicated document (default: each duplicate group once).")
@click.option("--format", "--output-format", "fmt", default="text", show_default=True, callback=_trends_formats,
              metavar="text|csv|json[,png,svg,pdf]",
              help="Output on stdout (text, csv, json) and/or chart formats (png at 300 dpi, svg, pdf; default png).")
def trends(db, parquet, out_dir, where, by, top, themes, keep_duplicates, fmt) -> None:
    """Theme-by-year table (trends.csv) and chart (trends.png/.svg/.pdf, Chinese labels in a CJK font).

    One series per issuer or issuer level, no line across years without documents, documents per
    year under the chart; each duplicate group counted once unless --keep-duplicates.
    """
    require("corpus", "govtext corpus trends")
    from ..corpus import find_cjk_font, select_documents, theme_trends
    from ..corpus.plot import chart_bytes, plot_trends
    from ..corpus.tables import duplicate_ids
    from ..corpus.trends import SERIES_COLUMNS, TREND_COLUMNS, choose_themes, resolve_by
    from ..outputs import guard_output, write_output

    out_fmt, charts = fmt
    stored = _load_store(db, parquet)
    if where:
        stored = select_documents(stored, where)
    by_ = resolve_by(stored, None if by == "none" else by)
    table = theme_trends(stored, by=by_, keep_duplicates=keep_duplicates)
    if table.empty:
        raise UsageError("no theme counts for documents with a year; nothing to chart")
    unknown = sorted(set(themes) - set(table["theme"]))
    if unknown:
        raise UsageError(f"unknown theme {unknown[0]!r}; the table has e.g. {', '.join(sorted(set(table['theme']))[:6])}")
    dropped = {} if keep_duplicates else duplicate_ids(stored)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "exists and is not a directory")
    inputs = [db, parquet]
    for name in ("trends.csv", *(f"trends.{c}" for c in charts)):
        guard_output(out / name, inputs, option="--out")
    out.mkdir(parents=True, exist_ok=True)
    write_output(out / "trends.csv", table.to_csv(index=False), inputs=inputs, option="--out")
    chosen = list(themes) or choose_themes(table, top)
    font = find_cjk_font()
    if font is None:
        raise GovtextError(f"wrote {out / 'trends.csv'}, but no CJK font was found for the chart's Chinese labels "
                           "(looked for Noto Sans CJK in matplotlib's fonts and `fc-list :lang=zh`); install "
                           "fonts-noto-cjk with `make system-deps` (Debian: apt-get install fonts-noto-cjk), "
                           "or set GOVTEXT_CJK_FONT=/path/to/font.otf")
    by_text = {"issuer": "每个发文机关一条线", "level": "按发文机关层级（国家/省级/市级/区县级）分线",
               None: "所有文件合为一条线"}[by_]
    dup_text = (f"重复件只计一次（去掉 {len(dropped)} 份：{'、'.join(sorted(dropped))}）" if dropped
                else "重复件计入" if keep_duplicates else "无重复件")
    caption = f"{by_text}；{dup_text}；无文件的年份不连线；下方柱为每年文件数" + (f"；筛选：{where}" if where else "")
    fig = plot_trends(table, font=font, themes=chosen, title_filter=where, caption=caption)
    written = {}
    for c in charts:
        write_output(out / f"trends.{c}", chart_bytes(fig, c), inputs=inputs, option="--out")
        written[c] = str(out / f"trends.{c}")
    records = table.to_dict("records")
    summary = {"csv": str(out / "trends.csv"), "charts": written, "font": str(font), "by": by_ or "none",
               "where": where, "themes": chosen, "series": sorted(set(table["series"])) if by_ else [],
               "duplicates_left_out": [{"doc_id": k, "duplicate_of": v} for k, v in sorted(dropped.items())],
               "years": sorted({int(y) for y in table["year"]}), "rows": len(table)}
    if "png" in written:
        summary["png"] = written["png"]
    if out_fmt == "csv":
        emit(to_csv(records, SERIES_COLUMNS if by_ else TREND_COLUMNS))
    elif out_fmt == "json":
        emit(render({**summary, "trends": records}, "json"))
    else:
        emit(_trends_text(table, summary, chosen))


def _trends_text(table, summary: dict, chosen: list[str]) -> str:
    files = ", ".join(summary["charts"].values())
    lines = [f"wrote {summary['csv']} ({summary['rows']} rows) and {files} (font {summary['font']})"]
    for d in summary["duplicates_left_out"]:
        lines.append(f"duplicate counted once: left out {d['doc_id']} (copy of {d['duplicate_of']}); "
                     "--keep-duplicates counts it")
    t = table[table["theme"].isin(chosen)]
    labels = [t.loc[t["theme"] == c, "label"].iloc[0] for c in chosen if (t["theme"] == c).any()]
    groups = t.groupby("series", sort=False) if "series" in t else [(None, t)]
    lines.append("per 10,000 characters (the charted themes: strongest risers and fallers unless --theme):")
    for name, sub in groups:
        if name is not None:
            n = int(sub.drop_duplicates("year")["documents"].sum())
            lines.append(f"\n{name} ({n} documents)")
        pivot = sub.pivot_table(index="year", columns="label", values="per_10k_chars")
        docs = sub.drop_duplicates("year").set_index("year")["documents"]
        pivot = pivot.reindex(columns=labels).round(2)
        pivot.insert(0, "documents", docs.reindex(pivot.index))
        lines.append(pivot.to_string())
    return "\n".join(lines) + "\n"


@corpus.command("reuse")
@click.argument("a", required=False)
@click.argument("b", required=False)
@_store_options
@click.option("--where", default=None, metavar="SELECTOR",
              help="Whole-corpus table (no A and B): only documents matching this selector.")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False),
              help="Whole-corpus table: directory for reuse.csv and the reuse-over-years chart.")
@click.option("--chart", "chart", default="png", show_default=True, metavar="png,svg,pdf",
              help="Formats of the reuse-over-years chart written with --out.")
@click.option("--pairs", "n_pairs", type=click.IntRange(min=0), default=10, show_default=True,
              help="Aligned paragraph pairs shown side by side in the text output.")
@click.option("--width", type=click.IntRange(min=10), default=40, show_default=True,
              help="Width of each column of the side-by-side text (display cells).")
@click.option("--keep-duplicates", is_flag=True,
              help="Whole-corpus table: keep every copy of a duplicated document.")
@click.option("--root", default=None, type=click.Path(file_okay=False, exists=True),
              help="With --db: the folder the stored paths are relative to (where `analyze` ran) "
                   "[default: the current folder, then the store's folder].")
@click.option("-o", "--output-file", "output", default=None, type=click.Path(dir_okay=False),
              help="Write the output (e.g. the HTML page) to this file instead of stdout.")
@format_option(("text", "json", "html", "csv"), "text")
def reuse_cmd(a, b, db, parquet, where, out_dir, chart, n_pairs, width, keep_duplicates, root, output, fmt) -> None:
    """How much of B repeats A: share of B's characters in exact and near-exact sentences of A, and
    the aligned paragraph pairs (offsets in both), side by side with changes marked.

    A and B are files, or with --db/--parquet selectors matching one document each (e.g.
    `issuer=国务院,year=2021` `issuer=国务院,year=2022`). Without A and B, with --db: the whole
    corpus's reuse table (each issuer's documents against its previous year) and chart (--out DIR).
    """
    from ..corpus.reuse import reuse_html, reuse_report, reuse_text
    from ..outputs import write_output

    if (a is None) != (b is None):
        raise UsageError("give two documents (A and B), or neither for the whole corpus's table with --db")
    if a is None:
        return _reuse_corpus(db, parquet, where, out_dir, chart, keep_duplicates, root, output, fmt)
    if fmt == "csv":
        raise UsageError("--format csv is for the whole corpus's table; use text, json or html for A and B")
    if db or parquet:
        require("corpus", "govtext corpus reuse --db/--parquet")
        stored = _load_store(db, parquet)
        doc_a, label_a = _stored_one(stored, a, _base(db, parquet, root))
        doc_b, label_b = _stored_one(stored, b, _base(db, parquet, root))
    else:
        from ..readers import read_document

        doc_a, doc_b, label_a, label_b = read_document(a), read_document(b), a, b
    report = reuse_report(doc_a, doc_b, label_a=label_a, label_b=label_b)
    if fmt == "html":
        text = reuse_html(report)
    elif fmt == "json":
        text = render(report, "json")
    else:
        text = reuse_text(report, width=width, pairs=n_pairs)
    if output:
        write_output(output, text, inputs=[a, b, db, parquet], option="-o")
    else:
        emit(text)


def _base(db, parquet, root) -> list[str]:
    """Folders a stored relative path may be relative to, in order."""
    if root:
        return [root]
    return [".", str(Path(db or parquet).resolve().parent)]


def _stored_one(stored, selector: str, base: list[str]):
    """The one document (duplicates counted once) a selector names, read again from its path."""
    from ..corpus import select_documents
    from ..corpus.reuse import stored_document
    from ..corpus.tables import dedupe

    side = dedupe(select_documents(stored, selector))
    docs = side.documents
    if len(docs) != 1:
        if docs.empty:
            raise UsageError(f"{selector!r} matches no document")
        ids = ", ".join(docs["doc_id"].head(8)) + (", …" if len(docs) > 8 else "")
        raise UsageError(f"{selector!r} matches {len(docs)} documents ({ids}); name one, e.g. doc_id={docs['doc_id'].iloc[0]}")
    row = docs.iloc[0].to_dict()
    return stored_document(row, base), f"{row['doc_id']} ({selector})"


def _reuse_corpus(db, parquet, where, out_dir, chart, keep_duplicates, root, output, fmt) -> None:
    require("corpus", "govtext corpus reuse --db")
    from ..corpus import find_cjk_font, select_documents
    from ..corpus.plot import chart_bytes, chart_formats
    from ..corpus.reuse import REUSE_COLUMNS, plot_reuse, reuse_table
    from ..outputs import guard_output, write_output

    if fmt == "html":
        raise UsageError("--format html is for two documents; the whole corpus's table is text, csv or json")
    charts = chart_formats(chart)
    stored = _load_store(db, parquet)
    if where:
        stored = select_documents(stored, where)
    table = reuse_table(stored, keep_duplicates=keep_duplicates, base=_base(db, parquet, root))
    inputs = [db, parquet]
    written = {}
    if out_dir:
        out = Path(out_dir)
        if out.exists() and not out.is_dir():
            raise InputError(str(out), "exists and is not a directory")
        for name in ("reuse.csv", *(f"reuse.{c}" for c in charts)):
            guard_output(out / name, inputs, option="--out")
        out.mkdir(parents=True, exist_ok=True)
        write_output(out / "reuse.csv", table.to_csv(index=False), inputs=inputs, option="--out")
        written["csv"] = str(out / "reuse.csv")
        if not table.empty:
            font = find_cjk_font()
            if font is None:
                raise GovtextError(f"wrote {out / 'reuse.csv'}, but no CJK font was found for the chart's Chinese "
                                   "labels; install fonts-noto-cjk with `make system-deps`, or set "
                                   "GOVTEXT_CJK_FONT=/path/to/font.otf")
            fig = plot_reuse(table, font=font, title_filter=where)
            for c in charts:
                write_output(out / f"reuse.{c}", chart_bytes(fig, c), inputs=inputs, option="--out")
                written[c] = str(out / f"reuse.{c}")
    records = [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in table.to_dict("records")]
    if fmt == "csv":
        text = to_csv(records, REUSE_COLUMNS)
    elif fmt == "json":
        text = render({"written": written, "reuse": records}, "json")
    else:
        lines = [f"{len(table)} consecutive pairs (each issuer's document against its previous year with one)"]
        if written:
            lines.append("wrote " + ", ".join(written.values()))
        if not table.empty:
            show = table[["issuer", "year_a", "year_b", "share", "exact_share", "near_share", "pairs"]].copy()
            lines.append(show.to_string(index=False))
        text = "\n".join(lines) + "\n"
    if output:
        write_output(output, text, inputs=inputs, option="-o")
    else:
        emit(text)


@corpus.command("evidence")
@_store_options
@click.option("--theme", required=True, metavar="ID|LABEL", help="Theme id or label, e.g. 精准扶贫 or poverty_alleviation.")
@click.option("--year", type=int, default=None, help="Only documents of this year.")
@click.option("--where", default=None, metavar="SELECTOR", help="Only documents matching a selector, e.g. issuer=国务院.")
@click.option("--limit", type=click.IntRange(min=0), default=0, show_default=True,
              help="At most this many sentences in the text output (0: all).")
@click.option("--keep-duplicates", is_flag=True, help="Keep every copy of a duplicated document.")
@format_option(("text", "json", "csv"), "text")
def evidence_cmd(db, parquet, theme, year, where, limit, keep_duplicates, fmt) -> None:
    """The sentences behind a theme's counts (the theme_hits table): document, section, paragraph,
    offsets, matched term and sentence."""
    require("corpus", "govtext corpus evidence")
    from ..corpus.evidence import theme_evidence
    from ..corpus.tables import plain

    stored = _load_store(db, parquet)
    rows = theme_evidence(stored, theme, selector=where, year=year, keep_duplicates=keep_duplicates)
    cols = ["doc_id", "year", "issuer", "theme", "label", "section_index", "section", "paragraph_index",
            "start_char", "end_char", "term", "sentence", "sentence_start"]
    records = [{c: plain(r[c]) for c in cols} for r in rows.to_dict("records")]
    if fmt == "json":
        emit(render({"theme": theme, "year": year, "where": where, "hits": len(records), "evidence": records}, "json"))
        return
    if fmt == "csv":
        emit(to_csv(records, cols))
        return
    docs = len({r["doc_id"] for r in records})
    out = [f"{theme}: {len(records)} hits in {docs} document(s)" + (f", {year}" if year else "")]
    for r in records[:limit or None]:
        s, k = r["sentence"], r["start_char"] - r["sentence_start"]
        out.append(f"\n{r['doc_id']} ({r['year']}) ¶{r['paragraph_index']} [{r['start_char']}:{r['end_char']}] "
                   f"{r['section'] or '(before the first heading)'}")
        out.append(f"  {s[:k]}【{s[k:k + len(r['term'])]}】{s[k + len(r['term']):]}")
    if limit and len(records) > limit:
        out.append(f"\n… {len(records) - limit} more (--limit 0 for all)")
    emit("\n".join(out) + "\n")
