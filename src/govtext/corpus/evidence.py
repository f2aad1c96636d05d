"""Theme evidence: the ``theme_hits`` rows (every counted hit with its section, paragraph and
sentence), built from the hits the theme stage reported, and reading them back for a theme/year.

The rows are taken from ``ThemeResult.evidence`` as the analysis gives it (no second matching), so
per document and theme they number exactly the ``themes`` table's ``count``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from .schema import ColumnRows

# a sentence ends at these characters (kept with the sentence) or at a line break
_END = re.compile(r"[。！？；!?;]+[”’」』）)]*|[\r\n]+")
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
    sentence (within that paragraph) around it (as columns: a sequence of row dicts to read)."""
    starts = [p.start for p in paragraphs]
    innermost = _Innermost(sections)
    breaks: dict[int, _Breaks] = {}  # paragraph index → its sentence ends, found once per paragraph
    sentences: dict[tuple[int, int], str] = {}  # one string per sentence, however many hits it holds
    themes, section_index, paragraph_index, start_char, end_char, term, sentence_text, sentence_start = (
        [] for _ in range(8))
    for h in hits:
        i = bisect.bisect_right(starts, h.start_char) - 1
        para = paragraphs[i] if i >= 0 and h.start_char < paragraphs[i].end else None
        if para is None:
            s, e = sentence_around(text, h.start_char, h.end_char, 0, len(text))
        else:
            found = breaks.get(i)
            if found is None:
                found = breaks[i] = _Breaks(text, para.start, para.end)
            s, e = found.sentence_around(h.start_char, h.end_char)
        sentence = sentences.get((s, e))
        if sentence is None:
            sentence = sentences[s, e] = text[s:e]
        inner = innermost.at(h.start_char)
        themes.append(h.theme)
        section_index.append(None if inner is None else inner.index)
        paragraph_index.append(i if para is not None else None)
        start_char.append(h.start_char)
        end_char.append(h.end_char)
        term.append(h.match)
        sentence_text.append(sentence)
        sentence_start.append(s)
    return ColumnRows({
        "doc_id": [doc_id] * len(themes), "theme": themes, "section_index": section_index,
        "paragraph_index": paragraph_index, "start_char": start_char, "end_char": end_char, "term": term,
        "sentence": sentence_text, "sentence_start": sentence_start,
    })


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

    def at(self, pos: int):
        """The innermost section holding offset ``pos`` (None outside every section)."""
        j = bisect.bisect_right(self.bounds, pos) - 1
        return self.inner[j] if j >= 0 else None


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
