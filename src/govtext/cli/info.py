"""``govtext info FILE…``: what the reader made of each file (format, encoding, title, year, size)."""

from __future__ import annotations

import click

from .group import cli, format_option

COLUMNS = ["path", "format", "encoding", "title", "year", "chars", "lines", "paragraphs", "line_ends"]


def _text(rows: list[dict]) -> str:
    out = []
    for r in rows:
        out.append(r["path"])
        for key in COLUMNS[1:]:
            value = r[key]
            out.append(f"  {key + ':':<12}{'-' if value is None else value}")
    return "\n".join(out) + "\n"


@cli.command("info")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--max-size",
    "max_size",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="MB",
    help="Refuse files larger than this many megabytes (default: $GOVTEXT_MAX_BYTES bytes, else 20).",
)
@format_option(("text", "json", "jsonl", "csv"))
def info_command(files: tuple[str, ...], max_size: float | None, fmt: str) -> None:
    """Show what was read from each FILE (.txt, .md, .docx; "-" for stdin).

    Path, format, encoding, title, year, characters, lines, paragraphs and line-end style.
    JSON is always a list of objects, one per file, in the order given.
    """
    from ..readers import document_info, read_document
    from ..render import emit, render

    max_bytes = int(max_size * 1024 * 1024) if max_size is not None else None
    rows = [document_info(read_document(f, max_bytes=max_bytes)) for f in files]
    emit(render(rows, fmt, text=lambda _: _text(rows), rows=lambda _: rows, columns=COLUMNS))
