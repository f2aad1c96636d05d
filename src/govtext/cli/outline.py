"""``govtext outline FILE…``: the numbered hierarchy of each file and its structural findings."""

from __future__ import annotations

from typing import Any

import click

from ..model import FAIL_ON as LEVELS
from .group import cli, format_option

FAIL_ON = (*reversed(LEVELS), "never")  # info, warning, error, never
COLUMNS = [
    "path",
    "index",
    "parent",
    "level",
    "style",
    "marker",
    "number",
    "title",
    "inline",
    "line",
    "col",
    "start_char",
    "end_char",
    "body_end",
]


def _text(results: list[dict[str, Any]]) -> str:
    """An indented tree with line numbers per file, then its findings as path:line:col: CODE (slug) message."""
    out: list[str] = []
    for r in results:
        path = r["path"]
        out.append(f"{path}: {len(r['sections'])} sections, {len(r['findings'])} findings")
        width = max((len(str(s["line"])) for s in r["sections"]), default=1)
        for s in r["sections"]:
            indent = "  " * (s["level"] - 1)
            title = s["title"] if len(s["title"]) <= 60 else s["title"][:59] + "…"
            flag = " [inline]" if s["inline"] else ""
            out.append(
                f"{s['line']:>{width}}  {indent}{s['marker'].strip()}{' ' if s['style'] == 'appendix' else ''}"
                f"{title}{flag}"
            )
        for f in r["findings"]:
            out.append(f"{path}:{f['line']}:{f['col']}: {f['code']} ({f['slug']}) {f['message']}")
    return "\n".join(out) + "\n" if out else ""


def _rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"path": r["path"], **s} for r in results for s in r["sections"]]


@cli.command("outline")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="error",
    show_default=True,
    help="Exit 1 when a finding of this severity or higher is reported (never: always exit 0).",
)
@format_option(("text", "json", "jsonl", "csv"))
@click.pass_context
def outline_command(ctx: click.Context, files: tuple[str, ...], fail_on: str, fmt: str) -> None:
    """Show the numbered hierarchy of each FILE (.txt, .md, .docx; "-" for stdin) and its structural faults.

    json: for one file one object {"path", "sections", "findings", "parts"}; for several, a list of
    them. jsonl: one such object per line. csv: one row per section. Exit codes: 0 no finding at or
    above --fail-on, 1 some, 2 bad input.
    """
    from ..analysis import analyze
    from ..model import SEVERITY_RANK
    from ..readers import read_document
    from ..render import emit, render, to_json, to_jsonl
    from ..sections import find_parts

    results = []
    worst = -1
    for f in files:
        doc = read_document(f)
        analysis = analyze(doc, stages=("sections",))
        assert analysis.outline is not None
        data = analysis.outline.to_dict(doc.display_path)
        data["parts"] = [p.to_dict() for p in find_parts(doc)]
        results.append(data)
        for finding in analysis.findings:
            worst = max(worst, SEVERITY_RANK.get(finding.severity, 0))
    if fmt == "json":
        emit(to_json(results[0] if len(results) == 1 else results) + "\n")
    elif fmt == "jsonl":
        emit(to_jsonl(results))
    else:
        emit(render(results, fmt, text=_text, rows=_rows, columns=COLUMNS))
    if fail_on != "never" and worst >= SEVERITY_RANK[fail_on]:
        ctx.exit(1)
