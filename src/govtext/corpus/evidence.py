"""Theme evidence: the ``theme_hits`` rows (every counted hit with its section, paragraph and
sentence), built from the hits the theme stage reported, and reading them back for a theme/year.

The rows are taken from ``ThemeResult.evidence`` as the analysis gives it (no second matching), so
per document and theme they number exactly the ``themes`` table's ``count``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from functools import cache

from .schema import ColumnRows

# a sentence ends at these characters (kept with the sentence) or at a line break
_STOPS, _CLOSERS, _BREAKS = "。！？；!?;", "”’」』）)", "\r\n"
_END = re.compile(f"[{_STOPS}]+[{_CLOSERS}]*|[{_BREAKS}]+")
_BLANK = " \t\r\n\u3000\u00a0\ufeff\u200b"


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as ``(start, end)`` offsets into ``text``: split after
    。！？；!?; (with a closing quote or bracket that follows) and at line breaks, surrounding blanks
    left out, empty pieces dropped."""
    end = len(text) if end is None else end
    out = []
    pos = start
    for m in _END.finditer(text, start, end):
        _append_trimmed(text, pos, _closes_at(m), out)
        pos = m.end()
    _append_trimmed(text, pos, end, out)
    return out


def _append_trimmed(text: str, a: int, b: int, out: list[tuple[int, int]]) -> None:
    while a < b and text[a] in _BLANK:
        a += 1
    while b > a and text[b - 1] in _BLANK:
        b -= 1
    if b > a:
        out.append((a, b))


def sentence_around(text: str, start: int, end: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    """The span of the sentence of ``text[lo:hi]`` holding ``text[start:end]`` (extended over
    several sentences if the match crosses a boundary)."""
    hi = len(text) if hi is None else hi
    a = lo
    for m in _END.finditer(text, lo, start):
        a = m.end()
    return _trimmed(text, a, _end_after(text, end, hi), start, end)


def _closes_at(m: re.Match[str]) -> int:
    """Where the sentence an ``_END`` match closes ends: before a line break, after punctuation."""
    return m.start() if m.group().startswith(("\r", "\n")) else m.end()


def _end_after(text: str, end: int, hi: int) -> int:
    """The end of the sentence of ``text[:hi]`` running on at ``end`` (``hi`` if none closes it)."""
    m = _END.search(text, end, hi)
    return hi if m is None else _closes_at(m)


def _trimmed(text: str, a: int, b: int, start: int, end: int) -> tuple[int, int]:
    """``(a, b)`` without the blanks at its edges, never past ``start`` nor back over ``end``."""
    while a < start and text[a] in _BLANK:
        a += 1
    while b > end and text[b - 1] in _BLANK:
        b -= 1
    return a, b


def theme_hit_rows(doc_id: str, text: str, hits: Sequence, sections: Sequence,
                   paragraphs: Sequence) -> ColumnRows:
    """One ``theme_hits`` row per hit: the innermost section and the paragraph holding it, and the
    sentence (within that paragraph) around it (as columns: a sequence of row dicts to read).

    All hits are placed at once by bisecting arrays (numpy): the paragraphs' starts, the sentence ends
    of the whole text (the ``_END`` matches, found as runs of character classes), the section
    boundaries and the runs of blanks.
    The few hits for which a paragraph's own sentence ends could differ from the whole text's (an end
    runs across the paragraph's start or end), or that end past their paragraph or inside a sentence
    end, or lie outside every paragraph, are placed one by one (:class:`_Breaks`,
    :func:`sentence_around`); every span is the one ``sentence_around`` gives within the paragraph.
    """
    import numpy as np

    n = len(hits)
    starts = np.fromiter((h.start_char for h in hits), dtype=np.int64, count=n)
    ends = np.fromiter((h.end_char for h in hits), dtype=np.int64, count=n)
    # the paragraphs' spans, then an empty one past the text (what index -1 reads)
    p_lo = np.array([p.start for p in paragraphs] + [len(text) + 1], dtype=np.int64)
    p_hi = np.array([p.end for p in paragraphs] + [len(text) + 1], dtype=np.int64)
    para = np.searchsorted(p_lo[:-1], starts, side="right") - 1  # the paragraph holding each hit's start
    inside = para >= 0
    inside[inside] = starts[inside] < p_hi[para[inside]]
    para[~inside] = -1
    lo = np.where(inside, p_lo[para], 0)
    hi = np.where(inside, p_hi[para], len(text))
    chars = _Chars(text)
    ends_of = chars.sentence_ends()  # closed by an empty span past the text: every index below is in range
    first = np.searchsorted(ends_of.starts, lo)  # the paragraph's first sentence end
    stop = np.searchsorted(ends_of.starts, hi)  # and one past its last
    k = np.searchsorted(ends_of.ends, starts, side="right")  # sentence ends closed by the hit's start
    j = np.searchsorted(ends_of.starts, ends)  # sentence ends starting before the hit's end
    ends_inside = j > first
    ends_inside[ends_inside] = ends_of.ends[j[ends_inside] - 1] > ends[ends_inside]
    one_by_one = ~inside | (ends > hi) | ends_inside | ends_of.across(lo) | ends_of.across(hi)
    # the sentence starts after the last sentence end before the hit (at the hit if one runs over it)
    over = k < stop
    over[over] = ends_of.starts[k[over]] < starts[over]
    a = np.where(over, starts, np.where(k > first, ends_of.ends[k - 1], lo))
    # and ends where the next sentence end closes it (before a line break, after punctuation: as
    # _closes_at), else with the paragraph
    b = np.where(j < stop, ends_of.closes[j], hi)
    blanks = chars.runs(_BLANK)
    a, b = blanks.skip_forward(a, starts).tolist(), blanks.skip_back(b, ends).tolist()
    para_index: list = para.tolist()
    breaks: dict[int, _Breaks] = {}
    for i in np.flatnonzero(one_by_one).tolist():
        h, p = hits[i], para_index[i]
        if p < 0:
            para_index[i] = None
            a[i], b[i] = sentence_around(text, h.start_char, h.end_char, 0, len(text))
        else:
            found = breaks.get(p) or breaks.setdefault(p, _Breaks(text, paragraphs[p].start, paragraphs[p].end))
            a[i], b[i] = found.sentence_around(h.start_char, h.end_char)
    sentences: dict[tuple[int, int], str] = {}  # one string per sentence, however many hits it holds
    sentence = [sentences.get(span) or sentences.setdefault(span, text[span[0]:span[1]])
                for span in zip(a, b, strict=True)]
    return ColumnRows({
        "doc_id": [doc_id] * n, "theme": [h.theme for h in hits],
        "section_index": _Innermost(sections).indexes_at(starts), "paragraph_index": para_index,
        "start_char": starts.tolist(), "end_char": ends.tolist(), "term": [h.match for h in hits],
        "sentence": sentence, "sentence_start": a,
    })


class _Chars:
    """The characters of a text by class (sentence stops, closing quotes, line breaks, blanks: bits of
    a numpy array), to find runs of a class at once."""

    def __init__(self, text: str) -> None:
        import numpy as np

        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        self.classes = _class_table()[np.minimum(codes, 0xFFFF)]  # every class is in the BMP, U+FFFF in none

    def _in(self, chars: str):
        return (self.classes & _CLASS_BITS[chars]) != 0

    def runs(self, chars: str) -> _Spans:
        """The maximal runs of ``chars``."""
        return _Spans(*_runs(self._in(chars)))

    def sentence_ends(self) -> _Spans:
        """The ``_END`` matches of the whole text (what ``_END.finditer`` finds): each run of sentence
        stops with the run of closing quotes or brackets right after it, and each run of line breaks."""
        import numpy as np

        stop_at, stop_end = _runs(self._in(_STOPS))
        close_at, close_end = _runs(self._in(_CLOSERS))
        i = np.minimum(np.searchsorted(close_at, stop_end), len(close_at) - 1)
        if len(close_at):
            stop_end = np.where(close_at[i] == stop_end, close_end[i], stop_end)
        break_at, break_end = _runs(self._in(_BREAKS))
        starts = np.concatenate([stop_at, break_at])
        order = np.argsort(starts, kind="stable")
        ends = np.concatenate([stop_end, break_end])[order]
        newline = np.concatenate([np.zeros(len(stop_at), dtype=bool), np.ones(len(break_at), dtype=bool)])[order]
        return _Spans(starts[order], ends, newline)


_CLASS_BITS = {_STOPS: 1, _CLOSERS: 2, _BREAKS: 4, _BLANK: 8}


@cache
def _class_table():
    """Each BMP code point's class bits (:data:`_CLASS_BITS`)."""
    import numpy as np

    table = np.zeros(0x10000, dtype=np.uint8)
    for chars, bit in _CLASS_BITS.items():
        for c in chars:
            table[ord(c)] |= bit
    return table


def _runs(mask):
    """(starts, ends) of the maximal runs of True in a boolean array."""
    import numpy as np

    edges = np.diff(mask.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


class _Spans:
    """Non-overlapping spans in text order as arrays (``starts``, ``ends``, and ``closes``: where the
    sentence a sentence end closes ends, its start for a line break, else its end), closed by an empty
    span past the text, which every search for a position in the text finds in range."""

    def __init__(self, starts, ends, newline=None) -> None:
        import numpy as np

        past = np.array([np.iinfo(np.int64).max], dtype=np.int64)
        self.starts = np.concatenate([starts, past])
        self.ends = np.concatenate([ends, past])
        self.closes = self.ends if newline is None else np.concatenate([np.where(newline, starts, ends), past])

    def across(self, pos):
        """For each of ``pos``: whether a span runs across it (starts before, ends after)."""
        import numpy as np

        return self.starts[np.searchsorted(self.ends, pos, side="right")] < pos

    def skip_forward(self, pos, limit):
        """Each of ``pos`` moved past the span it lies in, never past ``limit``."""
        import numpy as np

        i = np.searchsorted(self.ends, pos, side="right")  # the first span ending after pos
        return np.minimum(np.where(self.starts[i] <= pos, self.ends[i], pos), limit)

    def skip_back(self, pos, limit):
        """Each of ``pos`` moved back before the span its preceding character lies in, never back
        over ``limit``."""
        import numpy as np

        i = np.searchsorted(self.starts, pos) - 1  # the last span starting before pos
        back = (i >= 0) & (self.ends[i] >= pos)
        return np.maximum(np.where(back, self.starts[i], pos), limit)


class _Breaks:
    """The sentence ends (``_END`` matches) of ``text[lo:hi]``, found once, so that the sentence
    around each hit is found by bisection instead of a scan from the paragraph's start: the same
    span as :func:`sentence_around` with this ``lo`` and ``hi``."""

    def __init__(self, text: str, lo: int, hi: int) -> None:
        self.text, self.lo, self.hi = text, lo, hi
        bounds = [x for m in _END.finditer(text, lo, hi) for x in m.span()]
        self.starts, self.ends = bounds[0::2], bounds[1::2]

    def sentence_around(self, start: int, end: int) -> tuple[int, int]:
        text, starts, ends = self.text, self.starts, self.ends
        k = bisect.bisect_right(ends, start)  # the matches ending at or before ``start``: [:k]
        if k < len(starts) and starts[k] < start:
            a = start  # a match runs over ``start``: its part before ``start`` ends a sentence there
        else:
            a = ends[k - 1] if k else self.lo
        j = bisect.bisect_left(starts, end)  # the first match starting at or after ``end``
        if end > self.hi or (j and ends[j - 1] > end):  # past the paragraph, or a match runs over ``end``
            b = _end_after(text, end, max(self.hi, end))
        elif j < len(starts):  # the sentence ends before a line break, after punctuation (as _closes_at)
            b = starts[j] if text[starts[j]] in "\r\n" else ends[j]
        else:
            b = self.hi
        return _trimmed(text, a, b, start, end)


class _Innermost:
    """The innermost section at an offset, as the scan ``for sec in sections: if sec.start_char <=
    pos < max(sec.body_end, sec.end_char) and (inner is None or sec.level >= inner.level): inner =
    sec`` finds it, computed once for each stretch between section boundaries and then bisected."""

    def __init__(self, sections: Sequence) -> None:
        opened: dict[int, list[int]] = {}
        closed: dict[int, list[int]] = {}
        for i, sec in enumerate(sections):
            a, b = sec.start_char, max(sec.body_end, sec.end_char)
            if a < b:
                opened.setdefault(a, []).append(i)
                closed.setdefault(b, []).append(i)
        self.bounds = sorted(opened.keys() | closed.keys())
        self.inner: list = []  # the innermost section from bounds[j] up to bounds[j + 1]
        active: set[int] = set()
        for pos in self.bounds:
            active.difference_update(closed.get(pos, ()))
            active.update(opened.get(pos, ()))
            inner = None
            for i in sorted(active):
                if inner is None or sections[i].level >= inner.level:
                    inner = sections[i]
            self.inner.append(inner)

    def indexes_at(self, positions) -> list:
        """The index of the innermost section holding each of ``positions`` (a numpy array of
        offsets; None outside every section)."""
        import numpy as np

        index = np.array([-1 if sec is None else sec.index for sec in self.inner] + [-1], dtype=np.int64)
        found = index[np.searchsorted(self.bounds, positions, side="right") - 1].tolist()  # before all: -1
        return [None if i < 0 else i for i in found]


def theme_evidence(tables, theme: str, *, selector: str | None = None, year: int | None = None,
                   keep_duplicates: bool = False):
    """The ``theme_hits`` rows of ``theme`` (an id, a label, one part of a label such as ``精准扶贫``
    of ``精准扶贫/脱贫攻坚``, or a matched term) in the documents
    matching ``selector``/``year`` (duplicates left out unless ``keep_duplicates``), with each
    document's year, issuer and title and the heading of the hit's section; a DataFrame sorted by
    year, doc_id and offset."""
    from ..errors import UsageError
    from .tables import dedupe, select_documents

    if selector:
        tables = select_documents(tables, selector)
    if year is not None:
        tables = select_documents(tables, f"year={year}")
    if not keep_duplicates:
        tables = dedupe(tables)
    if tables.theme_hits.empty and not tables.themes.empty:
        raise UsageError("this store has theme counts but no theme_hits rows (written by an older govtext); "
                         "run `govtext corpus analyze` on the corpus again")
    themes = tables.themes.drop_duplicates("theme")
    known = dict(zip(themes["theme"], themes["label"], strict=True))
    hits = tables.theme_hits
    ids = {theme} if theme in set(hits["theme"]) or theme in known else {t for t, lab in known.items() if lab == theme}
    if not ids:  # one part of a label such as 精准扶贫/脱贫攻坚, else a matched term
        ids = {t for t, lab in known.items() if theme in re.split(r"[/、／（）()]", str(lab))}
    if not ids:
        ids = set(hits.loc[hits["term"] == theme, "theme"])
    if not ids:
        labels = sorted({str(v) for v in known.values() if v is not None})[:8]
        raise UsageError(f"no theme {theme!r} in these documents; e.g. {', '.join(labels) or '(none)'}")
    rows = hits[hits["theme"].isin(ids)]
    docs = tables.documents.set_index("doc_id")
    secs = tables.sections.set_index(["doc_id", "index"])
    rows = rows.assign(
        year=rows["doc_id"].map(docs["year"]), issuer=rows["doc_id"].map(docs["issuer"]),
        label=rows["theme"].map(known),
        section=[_heading(secs, d, i) for d, i in zip(rows["doc_id"], rows["section_index"], strict=True)],
    )
    return rows.sort_values(["year", "doc_id", "start_char"], kind="stable").reset_index(drop=True)


def _heading(secs, doc_id: str, index) -> str | None:
    import pandas as pd

    if index is None or pd.isna(index):
        return None
    try:
        r = secs.loc[(doc_id, int(index))]
    except KeyError:
        return None
    return f"{r['marker'] or ''}{r['title'] or ''}"
