"""``govtext segment FILE…``: the words of each file, cut with govtext's domain dictionary."""

from __future__ import annotations

from typing import Any

import click

from ..segmenters import DEFAULT_SEGMENTER, SEGMENTERS
from .group import cli, format_option


def _line_breaks(token: str) -> int:
    """How many line ends a whitespace token holds (CRLF counts once)."""
    return token.count("\n") + token.count("\r") - token.count("\r\n")


def _text(results: list[dict[str, Any]]) -> str:
    """Words separated by spaces, one output line per line of the file; whitespace tokens dropped."""
    out: list[str] = []
    for r in results:
        if len(results) > 1:
            out.append(f"==> {r['path']} <==")
        line: list[str] = []
        for tok in r["tokens"]:
            word = tok["text"]
            if not word.isspace():
                line.append(word)
            elif _line_breaks(word) and line:
                out.append(" ".join(line))
                line = []
        if line:
            out.append(" ".join(line))
    return "\n".join(out) + "\n" if out else ""


@cli.command("segment")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--engine",
    type=click.Choice(SEGMENTERS),
    default=DEFAULT_SEGMENTER,
    show_default=True,
    help="Segmentation engine (both use govtext's domain dictionary).",
)
@format_option(("text", "json", "jsonl"))
def segment_command(files: tuple[str, ...], engine: str, fmt: str) -> None:
    """Cut each FILE (.txt, .md, .docx; "-" for stdin) into words.

    text: the words separated by spaces, line by line (whitespace dropped). json: a list with one
    object per file, {"path", "tokens": [{"text", "start_char", "end_char"}]}, where the offsets are
    0-based code points into the file's text and whitespace tokens are kept; jsonl: one such object
    per line.
    """
    from ..readers import read_document
    from ..render import emit, render
    from ..segment import segment_spans

    results = []
    for f in files:
        doc = read_document(f)
        words = segment_spans(doc.text, engine=engine)
        results.append({"path": doc.display_path, "tokens": [w.to_dict() for w in words]})
    emit(render(results, fmt, text=_text, rows=lambda rs: rs))
