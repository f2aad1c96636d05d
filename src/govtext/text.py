"""The text model: original text kept untouched, lines/columns, paragraphs, and a folded view.

Every offset govtext reports is a 0-based code-point offset into the *original* text; lines and
columns are 1-based and counted in characters. Line ends are ``\\r\\n``, ``\\r``, ``\\n`` and the
other Unicode line separators (``LINE_BREAKS``: VT, FF, NEL, U+2028, U+2029), each one line end.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import accumulate

from .markers import LONE_MARKER, WRAP_ITEM_START

# Every line end, as str.splitlines() minus the file/group/record separators (U+001C–U+001E): CR LF
# counts once. A form feed ends a line too; a line it ends (or holds) is a page break.
LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
LINE_END = re.compile(r"\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
_LINE_END = LINE_END
# str.splitlines() also breaks at these (file, group and record separators); govtext does not.
_NOT_LINE_ENDS = ("\x1c", "\x1d", "\x1e")

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


_FOLD_PAIRS = tuple((chr(k), v) for k, v in _FOLD.items())

#: A run of two or more white-space characters: scikit-learn's char analyzer folds each to one space, and
#: so do both sides of the completeness TF-IDF (``completeness.char_ngrams``, ``tfidf.cosines``).
WHITE_RUNS = re.compile(r"\s\s+")


def squash(s: str) -> str:
    """``s`` with every white-space character taken out (``str.split``'s white space, which is the regex
    ``\\s``: U+3000 and U+00A0 included)."""
    return "".join(s.split())


#: A surrogate code point: what a decoder run with ``surrogateescape`` or ``surrogatepass`` leaves of
#: bytes it could not read as text (pypdf decodes a PDF's ToUnicode maps so); no encoding can write it.
SURROGATE = re.compile("[\ud800-\udfff]")


def surrogate_problem(text: str) -> str | None:
    """Why ``text`` is not Unicode text, if it holds a surrogate code point (which character, where);
    else None."""
    m = SURROGATE.search(text)
    if m is None:
        return None
    line, col = LineIndex(text).line_col(m.start())
    return f"holds a lone surrogate U+{ord(m.group()):04X} at line {line}, column {col}: not Unicode text"


def fold(text: str) -> str:
    """Fold full-width digits, brackets and dots and odd spaces, one character for one.

    The result has the same length as ``text``; position ``i`` in it is position ``i`` in ``text``.
    (One ``str.replace`` per character present, ~7× faster than ``str.translate`` on CJK text; no fold
    target is itself folded, so the order does not matter.)
    """
    for a, b in _FOLD_PAIRS:
        if a in text:
            text = text.replace(a, b)
    return text


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

    def blanked(self, spans: tuple[tuple[int, int], ...]) -> TextView:
        """This one-to-one view with ``spans`` (page residue) replaced by spaces."""
        if not spans:
            return self
        return TextView(blank_spans(self.text, spans), self.offsets)


def blank_spans(text: str, spans) -> str:
    """``text`` with each ``(start, end)`` span replaced by as many spaces (offsets kept), built from
    slices: no per-character list (a 19 MB text made one of ~1.5 GB)."""
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for a, b in sorted(spans):
        a = max(a, pos)
        if b <= a:
            continue
        out.append(text[pos:a])
        out.append(" " * (b - a))
        pos = b
    out.append(text[pos:])
    return "".join(out)


_CN_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def parse_cn_number(s: str) -> int | None:
    """Value of a well-formed Chinese numeral 1–99 (``十一`` = 11, ``二十`` = 20); None otherwise.

    ``五一`` or ``七一`` (holidays) are not numerals in this sense and give None.
    """
    if not s:
        return None
    if len(s) == 1:
        return 10 if s == "十" else _CN_DIGIT.get(s)
    if len(s) == 2:
        if s[0] == "十":
            d = _CN_DIGIT.get(s[1])
            return 10 + d if d else None
        if s[1] == "十" and _CN_DIGIT.get(s[0], 0) >= 2:
            return _CN_DIGIT[s[0]] * 10
        return None
    if len(s) == 3 and s[1] == "十" and _CN_DIGIT.get(s[0], 0) >= 2 and s[2] in _CN_DIGIT:
        return _CN_DIGIT[s[0]] * 10 + _CN_DIGIT[s[2]]
    return None


_OTHER_ENDS = (("NEL", "\x85"), ("LS", "\u2028"), ("PS", "\u2029"), ("VT", "\x0b"))


def line_end_style(text: str) -> str:
    """``"LF"``, ``"CRLF"``, ``"CR"``, ``"NEL"``, ``"LS"`` (U+2028), ``"PS"`` (U+2029), ``"VT"``,
    ``"mixed"`` (more than one kind) or ``"none"`` (a single line). Form feeds (page breaks between
    lines of another kind) are not a style; ``"FF"`` when they are the only line ends.
    """
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    counts = [("CRLF", crlf), ("LF", lf), ("CR", cr)] + [(name, text.count(ch)) for name, ch in _OTHER_ENDS]
    kinds = [name for name, n in counts if n]
    if not kinds:
        return "FF" if "\f" in text else "none"
    return kinds[0] if len(kinds) == 1 else "mixed"


def line_starts(text: str) -> list[int]:
    """Where each line starts: 0, then the end of every line end (``LINE_END``; ``\\r\\n`` counts once)."""
    if any(c in text for c in _NOT_LINE_ENDS):
        return [0, *(m.end() for m in _LINE_END.finditer(text))]
    # str.splitlines breaks at the same line ends (U+001C–U+001E excepted) ~4× faster than the regex
    pieces = text.splitlines(True)
    starts = [0, *accumulate(map(len, pieces))]
    if pieces and pieces[-1][-1] not in LINE_BREAKS:
        starts.pop()  # the last line has no line end: no line starts after it
    return starts


def line_spans(text: str, starts: list[int] | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of every line, its line end left out; a text ending in a line end (or empty)
    has an empty last line. ``starts``: ``line_starts(text)`` when the caller has it."""
    if starts is None:
        starts = line_starts(text)
    if "\r" in text:
        ends = [s - 2 if text[s - 2 : s] == "\r\n" else s - 1 for s in starts[1:]]
    else:
        ends = [s - 1 for s in starts[1:]]
    ends.append(len(text))
    return list(zip(starts, ends, strict=True))


class LineIndex:
    """Maps 0-based character offsets to 1-based (line, col) and back."""

    def __init__(self, text: str) -> None:
        self.starts = line_starts(text)
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
# A paragraph boundary inside a line: a TAB, or an indent of U+3000 followed by more blanks (U+3000,
# ASCII space or NBSP), or two ASCII spaces before a U+3000. The flattened national reports join
# paragraphs on one line and mark each start with such an indent (``。\u3000\u3000（四）``,
# ``。\u3000  (四)加快``); a single U+3000 (``国务院总理\u3000李克强``) is not a break. A TAB right after
# a lone numbering marker (``一、\t总体要求``, markers.LONE_MARKER) is not one either.
# (Every alternative starts with a literal, ``\t\t*`` not ``\t+``: the regex engine then skips to the
# next TAB, U+3000 or space instead of trying the pattern at every character, ~5× faster.)
_INLINE_BREAK = re.compile(r"\t\t*[\u3000 \u00a0]*|\u3000[ \u3000\u00a0]+|  +\u3000[ \u3000]*")



def split_paragraphs(text: str) -> list[Paragraph]:
    """Split ``text`` into non-empty paragraphs with offsets into ``text``.

    Works on one-paragraph-per-line texts (any line end), on flattened texts whose paragraphs were
    joined on one line with a TAB or a U+3000 indent (U+3000 U+3000, U+3000 plus spaces, two spaces
    plus U+3000) marking each start (a TAB after a lone numbering
    marker, ``一、\t总体要求``, is kept inside its paragraph), and on hard-wrapped texts (PDF text):
    there wrapped lines are joined into one paragraph and page residue is left out (``text_layout``).
    """
    return text_layout(text).paragraphs


def _split_lines(
    text: str, residue_lines: set[int] | None = None, lines: list[tuple[int, int]] | None = None
) -> list[tuple[int, int, int, bool, bool]]:
    """Segments ``(start, end, line, first_in_line, last_in_line)`` of every line, split at inline breaks
    (``lines``: ``line_spans(text)`` when the caller has it)."""
    segs: list[tuple[int, int, int, bool, bool]] = []
    for line, (pos, line_end) in enumerate(line_spans(text) if lines is None else lines):
        if not residue_lines or line not in residue_lines:
            seg_start = pos
            first = True
            pieces: list[tuple[int, int]] = []
            for b in _INLINE_BREAK.finditer(text, pos, line_end):
                if text[b.start()] == "\t" and LONE_MARKER.fullmatch(text[seg_start : b.start()].strip(_SPACE)):
                    continue
                pieces.append((seg_start, b.start()))
                seg_start = b.end()
            pieces.append((seg_start, line_end))
            for k, (a, e) in enumerate(pieces):
                segs.append((a, e, line, first and k == 0, k == len(pieces) - 1))
    return segs


# --------------------------------------------------------------------------- hard wraps and page residue


@dataclass(frozen=True)
class Layout:
    """How a text is laid out: its paragraphs, the page residue left out of them, and the wrap width.

    ``residue`` holds sorted ``(start, end)`` spans of page numbers, running headers/footers and form
    feeds; ``wrap_width`` is the common line width (in columns, CJK = 2; or in characters × 2 when
    only that measure shows the wrap) when the text is hard-wrapped, else None.
    """

    paragraphs: list[Paragraph]
    residue: tuple[tuple[int, int], ...] = ()
    wrap_width: int | None = None


_DASHES = "-—–－―─~～_"
# Whole lines that are page numbers: - 3 -, — 3 —, 第3页, 第 3 页 共 9 页, 3/9, Page 3 of 9.
_PAGE_NUMBER = re.compile(
    rf"[{_DASHES}]+\s*[0-9０-９]{{1,4}}\s*[{_DASHES}]+"
    r"|第\s*[0-9０-９]{1,4}\s*页(?:\s*[,，/、]?\s*共\s*[0-9０-９]{1,4}\s*页)?"
    r"|共\s*[0-9０-９]{1,4}\s*页\s*[,，/、]?\s*第\s*[0-9０-９]{1,4}\s*页"
    r"|[0-9０-９]{1,4}\s*/\s*[0-9０-９]{1,4}"
    r"|(?i:page)\s*[0-9]{1,4}(?:\s*(?i:of)\s*[0-9]{1,4})?"
)
_BARE_NUMBER = re.compile(r"[0-9０-９]{1,4}")
_SENTENCE_END = "。！？!?；;：:…"
_CLOSE = "”’」』）)》〉】\"'"
_MIN_WRAP_LINES = 6
_MIN_WRAP_WIDTH = 30  # columns (15 CJK characters)
_WRAP_SLACK = 6  # columns: narrow digits and Latin letters make filled lines differ in width
_PAGE_LINES = 15  # a page holds at least this many lines


_NARROW = re.compile("[\x00-\u10ff\uff61-\uffdc]+")


def _width(s: str) -> int:
    """Display columns: CJK and full-width characters count 2, others 1."""
    return 2 * len(s) - sum(map(len, _NARROW.findall(s)))


def _page_break(text: str, a: int, e: int) -> bool:
    """Whether line ``text[a:e]`` is a page break: a form feed ends it (or, in a line span, sits in it)."""
    return text[e : e + 1] == "\f" or "\f" in text[a:e]


def _page_residue_lines(lines: list[tuple[int, int]], text: str) -> set[int]:
    """Indices of lines that are page residue: form feeds, page numbers, running headers/footers."""
    stripped = [text[a:e].strip(_SPACE + "\f") for a, e in lines]
    residue = {i for i, (a, e) in enumerate(lines) if _page_break(text, a, e) and not stripped[i]}
    residue |= {i for i, t in enumerate(stripped) if t and _PAGE_NUMBER.fullmatch(t)}
    breaks = sorted(i for i, (a, e) in enumerate(lines) if _page_break(text, a, e))
    if breaks:
        # pages: line ranges between form feeds; look at the first and last two content lines of each
        bounds = [-1, *breaks, len(lines)]
        edges: list[list[int]] = []
        for a, b in zip(bounds, bounds[1:], strict=False):
            content = [i for i in range(a + 1, b) if stripped[i] and i not in residue]
            edges.append(content[:2] + content[-2:] if len(content) > 4 else content)
        for page_edges in edges:  # a bare number at a page's top or bottom is its page number
            for i in page_edges[:1] + page_edges[-1:]:
                if _BARE_NUMBER.fullmatch(stripped[i]):
                    residue.add(i)
        counts: dict[str, set[int]] = {}
        for pno, page_edges in enumerate(edges):
            for i in page_edges:
                t = stripped[i]
                if 0 < len(t) <= 40:
                    counts.setdefault(re.sub(r"[0-9０-９]+", "#", squash(t)), set()).add(pno)
        need = max(2, (len(edges) + 1) // 2)
        repeated = {k for k, pages in counts.items() if len(pages) >= need}
        if repeated:
            for page_edges in edges:
                for i in page_edges:
                    if re.sub(r"[0-9０-９]+", "#", squash(stripped[i])) in repeated:
                        residue.add(i)
    else:
        # no form feeds: lone bare numbers counting up page by page (1, 2, 3 …, each at least
        # _PAGE_LINES lines after the one before, none next to another number line) are page numbers
        def lone(i: int) -> bool:
            return all(not (0 <= k < len(stripped) and _BARE_NUMBER.fullmatch(stripped[k])) for k in (i - 1, i + 1))

        bare = [(i, int(fold(t))) for i, t in enumerate(stripped) if _BARE_NUMBER.fullmatch(t) and lone(i)]
        chain: list[tuple[int, int]] = []
        for i, v in bare:
            if chain and v == chain[-1][1] + 1 and i - chain[-1][0] >= _PAGE_LINES:
                chain.append((i, v))
            elif len(chain) < 3:
                chain = [(i, v)] if v >= 1 else []
        if len(chain) >= 3:
            residue.update(i for i, _ in chain)
    return residue


def _wrap_width(widths: list[int], ends_open: list[bool]) -> int | None:
    """The common maximum line width of a hard-wrapped text, or None when lines are not wrapped.

    The width is the widest cluster of ``_MIN_WRAP_LINES`` lines within ``_WRAP_SLACK`` columns.
    Hard-wrapped: the width is at least ``_MIN_WRAP_WIDTH`` columns, at least ``_MIN_WRAP_LINES``
    lines fill it and end without sentence punctuation, they are at
    least half of the lines that fill it, and lines running past the width hold at most a tenth of
    the text (in a text with one paragraph per line, long paragraphs do).
    """
    long = sorted(w for w in widths if w >= 20)
    if len(long) < _MIN_WRAP_LINES:
        return None
    # the widest cluster of lines (within _WRAP_SLACK columns) holding _MIN_WRAP_LINES lines or more
    # (counted by bisection in the sorted widths: a scan per distinct width grows with lines × widths)
    best = next(
        (
            w
            for w in sorted(set(long), reverse=True)
            if bisect.bisect_right(long, w) - bisect.bisect_left(long, w - _WRAP_SLACK) >= _MIN_WRAP_LINES
        ),
        None,
    )
    if best is None:
        return None
    full = [o for w, o in zip(widths, ends_open, strict=True) if best - _WRAP_SLACK <= w <= best + 2]
    full_open = sum(full)
    total = sum(widths)
    over = sum(w for w in widths if w > best + 2)
    if best < _MIN_WRAP_WIDTH or full_open < _MIN_WRAP_LINES or full_open * 2 < len(full) or over * 10 > total:
        return None
    return best


def text_layout(text: str) -> Layout:
    """Paragraphs, page residue and wrap width of ``text`` (offsets into ``text``, never rewritten).

    Residue (form feeds, page-number lines ``- 3 -`` ``— 3 —`` ``第3页`` ``第 3 页 共 9 页``, a bare number
    at a page's top or bottom, a line repeated at the page boundaries) is found in any text; it is
    never part of a paragraph. When the text is hard-wrapped (``_wrap_width``), a line that fills
    the width continues its paragraph on the next content line (across page residue), unless it
    ends a sentence and the next line starts with a numbering marker.
    """
    lines = line_spans(text)
    residue_lines: set[int] = set()
    if len(lines) > 1 or "\f" in text:
        residue_lines = _page_residue_lines(lines, text)
    residue = _residue_spans(text, lines, residue_lines)
    segs = _split_lines(text, residue_lines, lines)
    width = None
    cont: dict[int, int] = {}
    if len(lines) >= _MIN_WRAP_LINES:
        stripped = [
            "" if i in residue_lines else text[a:e].strip(_SPACE + "\f") for i, (a, e) in enumerate(lines)
        ]
        ends_open = [bool(t) and t.rstrip(_CLOSE)[-1:] not in _SENTENCE_END for t in stripped]
        # two measures of a line: display columns (a PDF wraps by width) and characters counted as
        # CJK (a plain-text wrapper cuts every N characters, digits included)
        measures = []
        for values in ([_width(t) for t in stripped], [2 * len(t) for t in stripped]):
            w = _wrap_width(values, ends_open)
            if w is not None:
                measures.append((values, w))
        if measures:
            width = measures[0][1]
            cont = _continuations(text, lines, stripped, measures, residue_lines)
    # (start, end) of each paragraph; a wrapped line only moves the last end, and every paragraph's
    # text is cut once at the end (rebuilding it per joined line made hard-wrapped text quadratic)
    bounds: list[list[int]] = []
    tail: tuple[int, bool] | None = None  # (line, last segment of its line) of what ended bounds[-1]
    for a, e, line, first, last in segs:
        if bounds and first and tail is not None and tail[1] and cont.get(tail[0]) == line:
            bounds[-1][1] = _trim_end(text, bounds[-1][0], e)
            tail = (line, last)
            continue
        while a < e and text[a] in _SPACE:
            a += 1
        e = _trim_end(text, a, e)
        if e > a:
            bounds.append([a, e])
            tail = (line, last)
    out = [Paragraph(a, e, text[a:e]) for a, e in bounds]
    return Layout(out, residue, width)


def _continuations(
    text: str,
    spans: list[tuple[int, int]],
    stripped: list[str],
    measures: list[tuple[list[int], int]],
    residue_lines: set[int],
) -> dict[int, int]:
    """For each line that wraps: the content line its paragraph continues on.

    A line wraps when it fills the width by one of the ``measures`` (line lengths and the width
    they wrap at): within ``_WRAP_SLACK`` + 4 columns (a paragraph's first
    line is indented by two characters), within ``_WRAP_SLACK`` if it ends a sentence and the text
    shows no paragraph indents. When paragraphs start indented (three indented lines or more), an
    indented line never continues the line before it. The next content line is the following
    non-empty line; blank lines and residue are skipped only inside a page break (a form
    feed among them), otherwise a blank line ends the paragraph. A filled line that ends a sentence
    does not wrap into a line that starts with a numbering marker.
    """
    out: dict[int, int] = {}
    n = len(spans)
    indent = [_indent(text, a, e) for a, e in spans]
    base_counts: dict[int, int] = {}
    for i in range(n):
        if stripped[i]:
            base_counts[indent[i]] = base_counts.get(indent[i], 0) + 1
    base = max(base_counts, key=lambda k: (base_counts[k], -k)) if base_counts else 0
    indented = sum(1 for i in range(n) if stripped[i] and indent[i] > base)
    by_indent = indented >= 3  # paragraphs start indented: that, not punctuation, ends a paragraph
    for i in range(n):
        ends_sentence = stripped[i].rstrip(_CLOSE)[-1:] in _SENTENCE_END
        # an open line may be a paragraph's indented first line (2 characters) plus slack for narrow
        # glyphs and line-start rules; without indents a line ending a sentence must fill the width
        slack = _WRAP_SLACK if ends_sentence and not by_indent else _WRAP_SLACK + 4
        if not stripped[i] or all(values[i] < width - slack for values, width in measures):
            continue
        j = i + 1
        page_break = False
        blank = False
        while j < n and not stripped[j]:
            a, e = spans[j]
            if _page_break(text, a, e):
                page_break = True
            elif j not in residue_lines:
                blank = True
            j += 1
        if j >= n or (blank and not page_break):
            continue
        if by_indent and indent[j] > base:
            continue
        if ends_sentence and WRAP_ITEM_START.match(stripped[j]):
            continue
        out[i] = j
    return out


def _indent(text: str, a: int, e: int) -> int:
    """Leading blank columns of a line (U+3000 and TAB count 2, other spaces 1)."""
    n = 0
    for c in text[a:e]:
        if c in "\u3000\t":
            n += 2
        elif c in " \u00a0":
            n += 1
        else:
            break
    return n


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _SPACE:
        end -= 1
    return end


def _residue_spans(text: str, spans: list[tuple[int, int]], lines: set[int]) -> tuple[tuple[int, int], ...]:
    out = []
    for i in sorted(lines):
        a, e = spans[i]
        if e > a:
            out.append((a, e))
    starts = [a for a, _ in out]  # sorted, disjoint line spans: bisect, not a scan per form feed
    extra = []
    for m in re.finditer("\f+", text) if "\f" in text else ():  # form feeds inside content lines
        k = bisect.bisect_right(starts, m.start()) - 1
        if k < 0 or m.start() >= out[k][1]:
            extra.append((m.start(), m.end()))
    return tuple(sorted(out + extra))


def append_paragraph(text: str, start: int, end: int, out: list[Paragraph]) -> None:
    """Append ``text[start:end]``, surrounding spaces left out, to ``out`` unless nothing is left."""
    while start < end and text[start] in _SPACE:
        start += 1
    while end > start and text[end - 1] in _SPACE:
        end -= 1
    if end > start:
        out.append(Paragraph(start, end, text[start:end]))


# --- the context shown with a finding ---------------------------------------------------------

_CONTEXT_STOP = set("。！？；!?;，,\t\r\n")
_CONTEXT_WIDTH = 16
_CONTEXT_SPACES = " \t\u3000\u00a0"


def mark_context(text: str, start: int, end: int, width: int = _CONTEXT_WIDTH) -> str:
    """The clause around ``text[start:end]`` with the match marked: ``共培养发展了[X]名预备党员``.

    The clause ends at sentence or clause punctuation (。，；！？), a line end or a TAB; at most
    ``width`` characters are shown on each side, with ``…`` where the clause was cut.
    """
    a = start
    while a > 0 and start - a < width and text[a - 1] not in _CONTEXT_STOP:
        a -= 1
    b = end
    while b < len(text) and b - end < width and text[b] not in _CONTEXT_STOP:
        b += 1
    left = text[a:start].lstrip(_CONTEXT_SPACES)
    right = text[end:b].rstrip(_CONTEXT_SPACES)
    cut_left = "…" if a > 0 and text[a - 1] not in _CONTEXT_STOP else ""
    cut_right = "…" if b < len(text) and text[b] not in _CONTEXT_STOP else ""
    return f"{cut_left}{left}[{text[start:end]}]{right}{cut_right}"
