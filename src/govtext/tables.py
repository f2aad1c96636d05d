"""Statistics tables in plain, web and PDF text: runs of short labelled rows followed by numbers.

Reports such as the 政府信息公开工作年度报告 carry mandated statistics tables whose row labels have
their own numbering (``一、本年新收政府信息公开申请数量``, ``（一）予以公开``, ``1.属于国家秘密``); those
labels must not become report sections or numbering faults. In text taken from a PDF or a web page
a table comes out in one of two forms, both recognised here:

* **one cell per line** — a label line followed by one or more lines holding only numbers
  (``52``, ``0``, ``-``), or a label and its numbers on one line separated by spaces/TABs;
* **flattened** — rows run together on one line: ``（一）予以公开 20 0 0 0 0 0 20 （二）部分公开 …``.

A table is at least ``MIN_ROWS`` rows (a label followed by number cells) with at most ``MAX_GAP``
label cells (column headers, a group label such as ``三、本年度办理结果``) between two rows; a longer
stretch of labels (a part heading and the next table's header block) ends the table. Numbers inside prose (``完成235.2亿元``, ``增长18.5%``)
are never cells: a cell is a number standing alone between spaces or on its own line, and a label
is a short stretch of text without sentence punctuation. Matching runs on ``Document.view`` (folded,
page residue blanked), so every span is an offset into the original text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .markers import CN, TABLE_LABEL_MARK
from .text import LINE_BREAKS, TextView, line_spans, parse_cn_number, text_layout

if TYPE_CHECKING:
    from .model import Document

__all__ = ["MIN_ROWS", "detect_tables", "merge_spans"]

MIN_ROWS = 3
MAX_LABEL = 40
MAX_GAP = 3  # label cells (column headers, group labels) allowed between two rows of one table

_NUM = r"(?:[-+]?\d+(?:[.,]\d+)*%?|[-—–/／]{1,2})"
_SEP = r"(?:[ \t\u3000]*[|｜][ \t\u3000|｜]*|[ \t\u3000]+)"  # spaces, TABs or pipes between cells
_EDGE = r"[ \t\u3000|｜]*"
_NUM_LINE = re.compile(rf"{_EDGE}{_NUM}(?:{_SEP}{_NUM})*{_EDGE}")
_SENTENCE = re.compile(r"[。；;！!？?]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# a label: an optional numbering marker, then text without spaces, digits or sentence punctuation
_LABEL = rf"{TABLE_LABEL_MARK}?[^\s\d|｜。；;！!？?]{{2,{MAX_LABEL}}}"
# a row line may hold a group label before its own (``三、本年度办理结果 | （一）予以公开 | 0 | 0 |``)
_ROW_LINE = re.compile(
    rf"{_EDGE}(?P<label>{_LABEL}(?:{_SEP}{_LABEL})?){_SEP}(?P<nums>{_NUM}(?:{_SEP}{_NUM})*){_EDGE}"
)
_FLAT_ROW = re.compile(rf"(?P<label>{_LABEL}){_SEP}(?P<nums>{_NUM}(?:{_SEP}{_NUM})*)(?=[ \t\u3000|｜]|$)")
_FLAT_GAP = re.compile(rf"{_EDGE}(?:[^\s|｜。；;！!？?]{{1,{MAX_LABEL}}}{_SEP}){{0,{MAX_GAP}}}")
_HAS_DIGIT = re.compile(r"\d")
# a number standing alone between separators (the one before it matched too: a pattern that starts
# with a character class is searched ~3× faster than one that starts with a look-behind), before a
# line end or the text's end: a flattened table has one per row at least
_LONE_NUMBER = re.compile(rf"[ \t\u3000|｜][-+]?\d+(?:[.,]\d+)*%?(?=[ \t\u3000|｜{LINE_BREAKS}]|\Z)")


def merge_spans(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sorted spans with overlapping or touching ones merged."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return tuple(out)


def detect_tables(document: Document | str) -> tuple[tuple[int, int], ...]:
    """Spans ``(start, end)`` of the statistics tables found in the text (cells one per line or flattened)."""
    starts = None
    if isinstance(document, str):  # the view Document.from_text(document) would have
        view = TextView.folded(document).blanked(text_layout(document).residue).text
    else:
        view = document.view.text
        if "\f" not in document.text:  # the view has the text's lines (blanked page residue holds no line end)
            starts = document.lines.starts
    if not _HAS_DIGIT.search(view):
        return ()
    lines = line_spans(view, starts)
    return merge_spans([*_line_tables(view, lines), *_flat_tables(view, lines)])


def _is_label(t: str) -> bool:
    """A label cell, or a piece of one wrapped inside its cell (one character is enough)."""
    return len(t) <= MAX_LABEL and not _SENTENCE.search(t) and _CJK.search(t) is not None


_TOP = re.compile(rf"[ \t\u3000|｜]*({CN})、")


def _top_number(label: str) -> int | None:
    """The number of a top-level ``一、`` marker opening ``label``, else None."""
    m = _TOP.match(label)
    return parse_cn_number(m.group(1)) if m else None


class _Sequence:
    """The ``一、 二、 …`` numbers a table's own rows carry: a label that does not continue them
    (``四、政府信息公开行政复议…`` after the row ``四、结转下年度继续办理``) is the report's next part."""

    def __init__(self) -> None:
        self.last: int | None = None

    def continues(self, label: str) -> bool:
        n = _top_number(label)
        return n is None or (self.last is not None and n == self.last + 1)

    def see(self, label: str) -> None:
        n = _top_number(label)
        if n is not None:
            self.last = n


def _line_tables(view: str, line_bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Tables whose cells stand one per line (or one row per line); ``line_bounds`` are ``view``'s lines."""
    spans: list[tuple[int, int]] = []
    lines: list[tuple[int, int, str]] = []  # (start, end, kind) with kind num | row | label | blank | other
    for pos, end in line_bounds:
        if _SENTENCE.search(view, pos, end):  # prose: no number, row or label line holds sentence punctuation
            lines.append((pos, end, "other"))  # (an "other" line's span is never read)
            continue
        raw = view[pos:end]
        t = raw.strip(" \t\u3000\f|｜")
        if not t:
            kind = "blank"
        elif _NUM_LINE.fullmatch(raw) and _HAS_DIGIT.search(t):
            kind = "num"
        elif _ROW_LINE.fullmatch(raw) and _HAS_DIGIT.search(t):
            kind = "row"
        elif _is_label(t):
            kind = "label"
        else:
            kind = "other"
        lead = len(raw) - len(raw.lstrip(" \t\u3000\f|｜"))
        lines.append((pos + lead, pos + lead + len(t), kind))
    i = 0
    n = len(lines)
    while i < n:
        if lines[i][2] in ("other", "blank"):
            i += 1
            continue
        j = i
        blanks = 0
        while j < n and lines[j][2] != "other":
            blanks = blanks + 1 if lines[j][2] == "blank" else 0
            if blanks > 1:
                break
            j += 1
        run = lines[i:j]
        rows: list[tuple[int, int]] = []  # (start, end) of each row of the current table
        gap: list[tuple[int, int]] = []  # the label lines since the last row
        seq = _Sequence()
        k = 0
        while k < len(run):
            kind = run[k][2]
            label = view[run[k][0] : run[k][1]]
            if rows and kind in ("row", "label") and not seq.continues(label):
                _close(rows, 0, spans)  # the report's next numbered part, not a row label
                rows, gap, seq = [], [], _Sequence()
            if kind in ("row", "label") and (kind == "row" or (k + 1 < len(run) and run[k + 1][2] == "num")):
                e = k
                while e + 1 < len(run) and run[e + 1][2] == "num":
                    e += 1
                if rows and len(gap) > MAX_GAP:
                    _close(rows, 0, spans)
                    rows, seq = [], _Sequence()
                rows.append((gap[0][0] if rows and gap else run[k][0], run[e][1]))
                for a, b in gap:
                    seq.see(view[a:b])
                seq.see(label)
                gap = []
                k = e + 1
                continue
            if kind == "label":
                gap.append((run[k][0], run[k][1]))
            k += 1
        _close(rows, 0, spans)
        i = max(j, i + 1)
    return spans


def _flat_tables(view: str, line_bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Tables whose rows run together on one line: ``label n n n label n n n …``.

    Only windows around clusters of lone numbers (``MIN_ROWS`` or more on one line of ``line_bounds``,
    each within ``_ROW_REACH`` characters of the next) are searched: a flattened report of 30,000
    characters costs one scan for lone numbers, not a row match at every position.
    """
    numbers = [m.start() + 1 for m in _LONE_NUMBER.finditer(view)]  # + 1: the separator before it
    if len(numbers) < MIN_ROWS:
        return []
    spans: list[tuple[int, int]] = []
    lo = 0
    for pos, end in line_bounds:
        lo = bisect.bisect_left(numbers, pos, lo)
        hi = bisect.bisect_left(numbers, end, lo)  # a lone number never crosses a line end
        if hi - lo >= MIN_ROWS and end - pos > 20:
            for a, b in _windows(numbers[lo:hi], pos, end):
                _flat_run(view, a, b, spans)
        lo = hi
    return spans


_ROW_REACH = 2 * MAX_LABEL + 20


def _windows(numbers: list[int], start: int, end: int) -> list[tuple[int, int]]:
    """Stretches of ``start:end`` around clusters of ``MIN_ROWS`` lone numbers or more."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] - numbers[j] <= _ROW_REACH:
            j += 1
        if j - i + 1 >= MIN_ROWS:
            out.append((max(start, numbers[i] - _ROW_REACH), min(end, numbers[j] + 20)))
        i = j + 1
    return out


def _flat_run(view: str, lo: int, hi: int, spans: list[tuple[int, int]]) -> None:
    """Rows found in ``view[lo:hi]``, grouped into tables."""
    run: list[tuple[int, int]] = []
    seq = _Sequence()
    for r in _FLAT_ROW.finditer(view, lo, hi):
        if not _CJK.search(r.group("label")):
            continue
        gap = view[run[-1][1] : r.start()] if run else ""
        if run and (
            not _FLAT_GAP.fullmatch(view, run[-1][1], r.start())
            or not all(seq.continues(t) for t in gap.split())
            or not seq.continues(r.group("label"))
        ):
            _close(run, 0, spans)
            run, seq = [], _Sequence()
        for t in gap.split():
            seq.see(t)
        seq.see(r.group("label"))
        run.append((r.start(), r.end()))
    _close(run, 0, spans)


def _close(run: list[tuple[int, int]], base: int, spans: list[tuple[int, int]]) -> None:
    """Record the run of rows as a table if it has ``MIN_ROWS`` rows."""
    if len(run) >= MIN_ROWS:
        spans.append((base + run[0][0], base + run[-1][1]))
