"""The table of a batch review: one row per uploaded file (title, kind, score, missing parts, placeholders,
faults), and the same table as CSV and as an Excel workbook for the reviewer's records.

Cells that a spreadsheet would run as a formula (text starting with ``=``, ``+``, ``-``, ``@``) are
written as text: a document title never becomes a formula in the reviewer's Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..i18n import N_
from .view import data_url, data_url_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The columns, in order: (msgid of the heading, BatchRow attribute).
COLUMNS = (
    (N_("File"), "name"),
    (N_("Title"), "title"),
    (N_("Kind"), "kind_label"),
    (N_("Score"), "score"),
    (N_("Missing parts"), "missing_text"),
    (N_("Placeholders"), "placeholders"),
    (N_("Faults"), "faults"),
    (N_("Problem"), "problem"),
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class BatchRow:
    """One submission of a batch: its review's figures, or the one line saying why it was not reviewed."""

    number: int
    name: str
    title: str = ""
    kind: str = ""
    kind_label: str = ""
    score: int | None = None
    missing: tuple[str, ...] = ()
    placeholders: int | None = None
    faults: int | None = None
    problem: str | None = None

    @property
    def prefix(self) -> str:
        """The anchor prefix of this document's review on the batch page (``d1-``)."""
        return f"d{self.number}-"

    @property
    def missing_text(self) -> str:
        return "、".join(self.missing)


def rows(items: Sequence[Any], reviews: Sequence[Any]) -> list[BatchRow]:
    """A row per ``items`` entry (``intake.BatchItem``) from its Review, or from its problem when it was
    not read (``reviews`` holds None then) or not reviewed (a message)."""
    out = []
    for n, (item, review) in enumerate(zip(items, reviews, strict=True), 1):
        if item.problem is not None or review is None or isinstance(review, str):
            out.append(BatchRow(n, item.name, problem=item.problem or str(review)))
            continue
        c = review.completeness
        out.append(BatchRow(
            n, item.name,
            title=review.document.title or "",
            kind=c.kind.kind,
            kind_label=c.kind.label,
            score=c.score,
            missing=tuple(p.label for p in c.missing_required),
            placeholders=len(review.placeholders),
            # structural faults, stale references, slips: the missing parts have their own column
            faults=sum(1 for f in review.findings if not f.code.startswith("GT4")),
        ))
    return out


def table(batch_rows: Sequence[BatchRow], gettext: Callable[[str], str]) -> list[list[Any]]:
    """The table as a list of rows, headings first (in the page's language)."""
    out: list[list[Any]] = [[gettext(msgid) for msgid, _ in COLUMNS]]
    for row in batch_rows:
        out.append([_cell(getattr(row, attr)) for _, attr in COLUMNS])
    return out


def to_csv(batch_rows: Sequence[BatchRow], gettext: Callable[[str], str]) -> str:
    """The table as CSV text (the UTF-8 BOM lets Excel read the Chinese right)."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(table(batch_rows, gettext))
    return buf.getvalue()


def to_xlsx(batch_rows: Sequence[BatchRow], gettext: Callable[[str], str]) -> bytes:
    """The table as an Excel workbook (one sheet; every text cell stored as text, never as a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = gettext(N_("Submissions"))[:31]
    for r, values in enumerate(table(batch_rows, gettext), 1):
        for c, value in enumerate(values, 1):
            cell = ws.cell(row=r, column=c)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would take "=…" for a formula
            if r == 1:
                cell.font = Font(bold=True)
    widths = (28, 36, 16, 8, 30, 8, 8, 40)
    for c, width in enumerate(widths, 1):
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def downloads(batch_rows: Sequence[BatchRow], gettext: Callable[[str], str]) -> dict[str, tuple[str, str]]:
    """``csv``/``xlsx`` → (file name, ``data:`` URL) of the table."""
    stem = gettext(N_("batch-review"))
    return {
        "csv": (f"{stem}.csv", data_url(to_csv(batch_rows, gettext), "text/csv")),
        "xlsx": (f"{stem}.xlsx", data_url_bytes(to_xlsx(batch_rows, gettext), XLSX_TYPE)),
    }


def _cell(value: Any) -> Any:
    """A table cell: numbers as numbers, None as empty, text defused for CSV (a leading ``'``)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
