"""The corpus tables' fixed columns (in order) and pandas dtype names — plain data, no pandas import,
so the per-document analysis and the workers can name tables without loading the frames code."""

from __future__ import annotations

import operator
from collections.abc import Iterator, Sequence
from typing import overload

STR, INT, FLOAT, BOOL = "string", "Int64", "Float64", "boolean"

SCHEMAS: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": STR, "path": STR, "title": STR, "year": INT, "issuer": STR, "kind": STR, "detected_kind": STR,
        "source_format": STR, "encoding": STR, "chars": INT, "paragraphs": INT, "n_sections": INT,
        "n_placeholders": INT, "n_themes": INT, "n_findings": INT, "score": FLOAT, "error": STR,
        "content_hash": STR, "analysis_version": STR, "analysis_key": STR,
    },
    "sections": {
        "doc_id": STR, "index": INT, "parent": INT, "level": INT, "style": STR, "marker": STR, "number": INT,
        "title": STR, "inline": BOOL, "line": INT, "col": INT, "start_char": INT, "end_char": INT, "body_end": INT,
    },
    "placeholders": {
        "doc_id": STR, "start_char": INT, "end_char": INT, "line": INT, "col": INT, "end_line": INT, "end_col": INT,
        "code": STR, "slug": STR, "severity": STR, "kind": STR, "match": STR, "message": STR, "context": STR,
        "suggestion": STR,
    },
    "themes": {
        "doc_id": STR, "theme": STR, "label": STR, "category": STR, "count": INT, "weight": FLOAT,
    },
    "parts": {
        "doc_id": STR, "kind": STR, "part": STR, "parent": STR, "label": STR, "required": BOOL,
        "weight": FLOAT, "status": STR, "role": STR, "section_index": INT, "start_char": INT,
        "end_char": INT, "similarity": FLOAT, "cost": FLOAT, "reason": STR,
    },
    "findings": {
        "doc_id": STR, "stage": STR, "start_char": INT, "end_char": INT, "line": INT, "col": INT, "code": STR,
        "slug": STR, "severity": STR, "match": STR, "message": STR,
    },
    "terms": {"doc_id": STR, "term": STR, "count": INT},
    # one row per counted theme hit (the evidence behind ``themes.count``)
    "theme_hits": {
        "doc_id": STR, "theme": STR, "section_index": INT, "paragraph_index": INT, "start_char": INT,
        "end_char": INT, "term": STR, "sentence": STR, "sentence_start": INT,
    },
    # one row per readable document: its MinHash signature (duplicates.py)
    "signatures": {"doc_id": STR, "shingles": INT, "minhash": STR},
    # one row per document that (nearly) copies an earlier one, derived from the signatures
    "duplicates": {"doc_id": STR, "duplicate_of": STR, "similarity": FLOAT},
}
# tables derived from the per-document rows when the tables are assembled (not by the engines)
DERIVED = ("duplicates",)
TABLES = tuple(SCHEMAS)


class ColumnRows(Sequence[dict]):
    """Rows of one table held as columns (column → its values, all of one length): a sequence of row
    dicts to read, built without a dict per row. The large per-document tables (``terms``,
    ``theme_hits``) come this way: assembling takes the columns as they are, and they pickle smaller
    between processes."""

    __slots__ = ("columns", "_n")

    def __init__(self, columns: dict[str, list]) -> None:
        self.columns = columns
        self._n = len(next(iter(columns.values()))) if columns else 0

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> dict: ...
    @overload
    def __getitem__(self, i: slice) -> list[dict]: ...
    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._n))]
        if not -self._n <= i < self._n:
            raise IndexError("row index out of range")
        return {k: v[i] for k, v in self.columns.items()}

    def __iter__(self) -> Iterator[dict]:
        keys = tuple(self.columns)
        return (dict(zip(keys, values, strict=True)) for values in zip(*self.columns.values(), strict=True))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and len(self) == len(other) and all(map(operator.eq, self, other))

    def __repr__(self) -> str:
        return f"ColumnRows({len(self)} rows: {', '.join(self.columns)})"
