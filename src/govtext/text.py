"""The text model: original text kept untouched, lines/columns, paragraphs, and a folded view.

Every offset govtext reports is a 0-based code-point offset into the *original* text; lines and
columns are 1-based and counted in characters. Line ends are ``\\r\\n``, ``\\r`` or ``\\n``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_LINE_END = re.compile(r"\r\n|\r|\n")

# One-to-one folds only: each listed character becomes exactly one other character, so a position in
# the folded view is the same position in the original. NFKC is never used (it turns ① into 1).
_FOLD = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},  # ０-９
        "（": "(",
        "）": ")",
        "．": ".",
        "\u00a0": " ",  # NBSP
        "\u3000": " ",  # ideographic space
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u200b": " ",  # zero-width space kept as one char so offsets stay aligned
        "\ufeff": " ",
    }
)


def fold(text: str) -> str:
    """Fold full-width digits, brackets and dots and odd spaces, one character for one.

    The result has the same length as ``text``; position ``i`` in it is position ``i`` in ``text``.
    """
    return text.translate(_FOLD)


@dataclass(frozen=True)
class TextView:
    """A normalised view of a text with a map from view positions back to original positions."""

    text: str
    offsets: tuple[int, ...] | None = None  # None: identity map (one-to-one fold)

    def to_original(self, i: int) -> int:
        """Original offset of view position ``i`` (``i == len(text)`` maps to the original end)."""
        if self.offsets is None:
            return i
        return self.offsets[i]

    @classmethod
    def folded(cls, original: str) -> TextView:
        """The one-to-one folded view of ``original`` (identity offset map)."""
        return cls(fold(original), None)


def line_end_style(text: str) -> str:
    """``"LF"``, ``"CRLF"``, ``"CR"``, ``"mixed"`` (more than one kind) or ``"none"`` (a single line)."""
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [name for name, n in (("CRLF", crlf), ("LF", lf), ("CR", cr)) if n]
    if not kinds:
        return "none"
    return kinds[0] if len(kinds) == 1 else "mixed"


class LineIndex:
    """Maps 0-based character offsets to 1-based (line, col) and back."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _LINE_END.finditer(text)]
        self.length = len(text)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset``."""
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def offset(self, line: int, col: int) -> int:
        """0-based offset of 1-based ``line``/``col``."""
        return self.starts[line - 1] + col - 1


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: ``text`` is ``original[start:end]`` with surrounding whitespace excluded."""

    start: int
    end: int
    text: str


_SPACE = " \t\u3000\u00a0\ufeff\u200b"
# A paragraph boundary inside a line: a TAB, or a run of two or more U+3000 (the flattened national
# reports join paragraphs on one line and mark each start with an ideographic-space indent).
_INLINE_BREAK = re.compile(r"\t+[\u3000 \u00a0]*|[\u3000]{2,}")
# A TAB right after a lone numbering marker (``一、\t总体要求``, as Word exports list items) separates
# the marker from its heading; it is not a paragraph break.
_LONE_MARKER = re.compile(
    r"(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百\d０-９]+[）)]、?|[\d０-９]+[.．、)）]?"
    r"|[①-⑳⑴-⒇⒈-⒛㈠-㈩]|第[一二三四五六七八九十百\d]+[章节部分条篇]|[a-zA-Z][.)])"
)


def split_paragraphs(text: str) -> list[Paragraph]:
    """Split ``text`` into non-empty paragraphs with offsets into ``text``.

    Works on one-paragraph-per-line texts (any line end) and on flattened texts whose paragraphs
    were joined on one line with TAB or U+3000 U+3000 marking each start. A TAB after a lone
    numbering marker (``一、\t总体要求``) is kept inside its paragraph.
    """
    out: list[Paragraph] = []
    pos = 0
    for m in list(_LINE_END.finditer(text)) + [None]:
        line_end = m.start() if m else len(text)
        seg_start = pos
        for b in _INLINE_BREAK.finditer(text, pos, line_end):
            if text[b.start()] == "\t" and _LONE_MARKER.fullmatch(text[seg_start : b.start()].strip(_SPACE)):
                continue
            _add_paragraph(text, seg_start, b.start(), out)
            seg_start = b.end()
        _add_paragraph(text, seg_start, line_end, out)
        if m is None:
            break
        pos = m.end()
    return out


def _add_paragraph(text: str, start: int, end: int, out: list[Paragraph]) -> None:
    while start < end and text[start] in _SPACE:
        start += 1
    while end > start and text[end - 1] in _SPACE:
        end -= 1
    if end > start:
        out.append(Paragraph(start, end, text[start:end]))
