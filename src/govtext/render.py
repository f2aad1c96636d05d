"""Renderers shared by every command: one ``--format`` choice, one place that prints."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import click


def to_json(data: Any, *, indent: int | None = 2) -> str:
    """JSON with Chinese kept readable (``ensure_ascii=False``)."""
    return json.dumps(data, ensure_ascii=False, indent=indent, default=_default)


def to_jsonl(rows: Iterable[Mapping[str, Any]]) -> str:
    """One JSON object per line."""
    return "".join(json.dumps(r, ensure_ascii=False, default=_default) + "\n" for r in rows)


def to_csv(rows: Iterable[Mapping[str, Any]], columns: list[str] | None = None) -> str:
    """CSV with a header row; ``columns`` fixes the order (and keeps the header for no rows)."""
    rows = list(rows)
    cols = columns or (list(rows[0].keys()) if rows else [])
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: _cell(r.get(k)) for k in cols})
    return buf.getvalue()


def emit(text: str, *, err: bool = False) -> None:
    """Write ``text`` to stdout (or stderr) as is."""
    click.echo(text, nl=not text.endswith("\n"), err=err)


def render(
    data: Any,
    fmt: str,
    *,
    text: Callable[[Any], str] | None = None,
    rows: Callable[[Any], list[Mapping[str, Any]]] | None = None,
    columns: list[str] | None = None,
) -> str:
    """Render ``data`` in ``fmt``: ``json`` as is, ``jsonl``/``csv`` from ``rows(data)``, ``text`` via ``text``."""
    if fmt == "json":
        return to_json(data) + "\n"
    if fmt in ("jsonl", "csv"):
        if rows is None:
            raise click.UsageError(f"--format {fmt} is not available for this command")
        r = rows(data)
        return to_jsonl(r) if fmt == "jsonl" else to_csv(r, columns)
    if fmt == "text" and text is not None:
        return text(data)
    raise click.UsageError(f"--format {fmt} is not available for this command")


def _default(o: Any) -> Any:
    if hasattr(o, "to_dict"):
        return o.to_dict()
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    raise TypeError(f"cannot serialise {type(o).__name__}")


def _cell(v: Any) -> Any:
    if isinstance(v, (list, dict, tuple)):
        return json.dumps(v, ensure_ascii=False, default=_default)
    return "" if v is None else v
