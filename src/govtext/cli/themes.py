"""``govtext themes``: theme tagging (``govtext themes FILE…``) and discovery (``fit``, ``topics``).

``govtext themes FILE…`` is short for ``govtext themes tag FILE…``.
"""

from __future__ import annotations

import click

from .group import cli, format_option

CSV_COLUMNS = ["path", "scope", "index", "theme", "label", "category", "count", "weight"]


class _DefaultToTag(click.Group):
    """A group whose first argument, when it is not a subcommand, is a FILE for ``tag``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["tag", *args]
        return super().parse_args(ctx, args)


@cli.group("themes", cls=_DefaultToTag)
def themes_group() -> None:
    """Tag the themes each section mentions; discover distinctive terms and candidate themes.

    \b
    govtext themes FILE…            tag files (same as `govtext themes tag FILE…`)
    govtext themes fit [CORPUS_DIR] refit the discovery models (TF-IDF + NMF)
    govtext themes topics [PATH…]   show candidate themes (NMF topics)
    govtext themes lexicon          list the themes (and validate --lexicon files)
    """


def _rows(result: dict) -> list[dict]:
    path = result["path"]
    rows = [{"path": path, "scope": "document", "index": None, **t} for t in result["document"]]
    for s in result["sections"]:
        rows += [{"path": path, "scope": "section", "index": s["section_index"], **t} for t in s["themes"]]
    for p in result["paragraphs"]:
        rows += [
            {"path": path, "scope": "paragraph", "index": p["paragraph_index"], **t} for t in p["themes"]
        ]
    return rows


def _text(results: list[dict], outlines: list) -> str:
    out = []
    for res, outline in zip(results, outlines, strict=True):
        out.append(f"{res['path']}")
        if not res["document"]:
            out.append("  no lexicon themes found")
        else:
            out.append("  document: " + "，".join(f"{t['label']} {t['count']}" for t in res["document"][:12]))
        by_index = {s.index: s for s in outline.sections}
        for s in res["sections"]:
            sec = by_index[s["section_index"]]
            if not s["themes"]:
                continue
            head = f"{sec.marker}{sec.title}"[:30]
            indent = "  " * sec.level
            labels = "，".join(f"{t['label']} {t['count']}" for t in s["themes"][:8])
            out.append(f"{indent}[{s['section_index']}] {head} (line {sec.line}): {labels}")
        for f in res.get("findings", []):
            out.append(f"{res['path']}:{f['line']}:{f['col']}: {f['code']} ({f['slug']}) {f['message']}")
        if res["distinctive_terms"]:
            out.append("  distinctive terms: " + " ".join(d["term"] for d in res["distinctive_terms"]))
    return "\n".join(out) + "\n"


@themes_group.command("tag")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--lexicon",
    "lexicons",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Extra theme lexicon (TOML, same format); a theme with an existing id replaces it. Repeatable.",
)
@click.option("--only-lexicon", is_flag=True, help="Use only the --lexicon file(s), not the shipped lexicon.")
@click.option(
    "--distinctive/--no-distinctive",
    default=True,
    show_default=True,
    help="Add TF-IDF distinctive terms against the reference corpus.",
)
@click.option(
    "--top", type=click.IntRange(1, 200), default=15, show_default=True, help="Distinctive terms per span."
)
@format_option(("text", "json", "jsonl", "csv"))
def tag_command(
    files: tuple[str, ...],
    lexicons: tuple[str, ...],
    only_lexicon: bool,
    distinctive: bool,
    top: int,
    fmt: str,
) -> None:
    """Tag each FILE with lexicon themes per paragraph, section and document.

    JSON: one object per file ({"path", "document", "sections", "paragraphs", "evidence",
    "distinctive_terms"}); a list of them when several files are given. CSV/JSONL: one row per
    theme per scope (document, section, paragraph).
    """
    from ..analysis import analyze
    from ..readers import read_document
    from ..render import emit, render
    from ..themes import load_lexicon

    lex = load_lexicon(*lexicons, replace=only_lexicon)
    results, outlines = [], []
    for f in files:
        doc = read_document(f)
        analysis = analyze(doc, stages=("themes",), lexicon=lex, distinctive=distinctive, top_terms=top)
        assert analysis.themes is not None
        results.append(analysis.themes.to_dict(doc.display_path))
        outlines.append(analysis.outline)
    data = results[0] if len(results) == 1 else results
    emit(
        render(
            data,
            fmt,
            text=lambda _: _text(results, outlines),
            rows=lambda _: [r for res in results for r in _rows(res)],
            columns=CSV_COLUMNS,
        )
    )


@themes_group.command("fit")
@click.argument("corpus_dir", required=False, type=click.Path(file_okay=False))
@click.option(
    "--out", type=click.Path(file_okay=False), default=None, help="Output directory (default: models/fitted)."
)
@click.option(
    "--topics", "n_topics", type=click.IntRange(1, 200), default=None, help="NMF topics (default 24)."
)
def fit_command(corpus_dir: str | None, out: str | None, n_topics: int | None) -> None:
    """Refit the discovery models (TF-IDF + NMF) on CORPUS_DIR (default: the shipped corpora/gwr).

    Uses the files listed in CORPUS_DIR/manifest.csv, else every *.txt. Writes tfidf.joblib,
    nmf.joblib and discovery.json (versions, corpus, date).
    """
    from pathlib import Path

    from ..discovery import fit_corpus_dir, fitted_dir
    from ..errors import UsageError
    from ..render import emit

    if corpus_dir is None:
        default = Path(__file__).resolve().parents[3] / "corpora" / "gwr"
        if not default.is_dir():
            raise UsageError("no CORPUS_DIR given and the source checkout's corpora/gwr is not here")
        corpus_dir = str(default)
    params = {"n_topics": n_topics} if n_topics else {}
    target = Path(out) if out else fitted_dir()
    if target.is_dir():  # the files the fit writes must not be files of the corpus it reads
        from ..outputs import guard_output

        inputs = [p for p in Path(corpus_dir).rglob("*") if p.is_file()]
        for name in ("tfidf.joblib", "nmf.joblib", "discovery.json"):
            guard_output(target / name, inputs, option="--out")
    model = fit_corpus_dir(corpus_dir, **params)
    model.save(target)
    m = model.metadata
    emit(
        f"fitted on {len(m['documents'])} documents ({m['paragraphs']} paragraphs); "
        f"vocabulary {m['vocabulary_size']}, {m['params']['n_topics']} topics; saved to {target}\n"
    )


@themes_group.command("topics")
@click.argument("paths", nargs=-1)
@click.option(
    "--topics",
    "n_topics",
    type=click.IntRange(1, 100),
    default=12,
    show_default=True,
    help="Topics to fit when PATHs are given.",
)
@click.option(
    "--top", type=click.IntRange(1, 100), default=12, show_default=True, help="Top terms per topic."
)
@format_option(("text", "json", "jsonl"))
def topics_command(paths: tuple[str, ...], n_topics: int, top: int, fmt: str) -> None:
    """Candidate themes: NMF topics with their top terms (* = already a lexicon term).

    Without PATHs: the topics of the shipped model (fitted on the reference corpus). With PATHs
    (files or directories of .txt): an NMF model fitted now over their paragraphs.
    """

    from ..discovery import load_discovery, propose_topics
    from ..errors import UsageError
    from ..readers import read_document
    from ..render import emit, render
    from ..sources import expand_paths

    if paths:
        files = expand_paths(paths)
        if not files:
            raise UsageError("no readable files in the given directories")
        texts = {str(f): read_document(str(f)).text for f in files}
        topics = propose_topics(texts, n_topics=n_topics, top=top)
    else:
        topics = load_discovery().topics(top)
    rows = [t.to_dict() for t in topics]
    rows.sort(key=lambda r: -r["novelty"])

    def text(_: object) -> str:
        lines = []
        for r in rows:
            terms = " ".join(t["term"] + ("*" if t["in_lexicon"] else "") for t in r["terms"])
            lines.append(f"topic {r['topic']:>2} (new {r['novelty']:.0%}): {terms}")
        return "\n".join(lines) + "\n"

    emit(render(rows, fmt, text=text, rows=lambda _: rows))


@themes_group.command("lexicon")
@click.option(
    "--lexicon",
    "lexicons",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Extra theme lexicon to merge in (validated); repeatable.",
)
@click.option("--only-lexicon", is_flag=True, help="Show only the --lexicon file(s).")
@format_option(("text", "json", "jsonl", "csv"))
def lexicon_command(lexicons: tuple[str, ...], only_lexicon: bool, fmt: str) -> None:
    """List the themes (id, label, category, terms, exclusions, years); validates --lexicon files."""
    from ..render import emit, render
    from ..themes import load_lexicon

    lex = load_lexicon(*lexicons, replace=only_lexicon)
    rows = [
        {
            "theme": t.id,
            "label": t.label,
            "category": t.category,
            "terms": list(t.terms),
            "exclude": list(t.exclude),
            "since": t.since,
            "until": t.until,
            "source": t.source,
        }
        for t in lex.themes
    ]

    def text(_: object) -> str:
        lines = [f"lexicon {lex.version}: {len(rows)} themes"]
        for r in rows:
            years = f" [{r['since'] or ''}–{r['until'] or ''}]" if r["since"] or r["until"] else ""
            lines.append(f"{r['theme']:<32} {r['category']:<11} {r['label']}{years}: {'、'.join(r['terms'])}")
        return "\n".join(lines) + "\n"

    data = {"version": lex.version, "themes": rows}
    emit(
        render(
            data,
            fmt,
            text=text,
            rows=lambda _: [
                {**r, "terms": " ".join(r["terms"]), "exclude": " ".join(r["exclude"])} for r in rows
            ],
            columns=["theme", "label", "category", "terms", "exclude", "since", "until", "source"],
        )
    )
