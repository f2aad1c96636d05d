"""Theme tagging: which campaigns and duties a document, each section and each paragraph mentions.

The lexicon (``models/themes/lexicon.toml``) lists themes with their terms. Terms are matched on the
raw text with one Aho–Corasick automaton (built once per lexicon) that reports every entry found; at
each position only the longest entry starting there is kept, so:

* at each position the **longest** entry wins (``党风廉政建设`` rather than ``廉政建设``);
* a match lying **inside** a longer match does not count again (``扶贫`` inside ``精准扶贫`` counts once;
  a term that should count for two themes is listed in both);
* partly overlapping matches both count (``创文`` … ``文化强省``);
* a match inside one of its theme's ``exclude`` phrases does not count for that theme.

Counting rules: a paragraph or section counts the hits whose whole span lies inside it. A section's
span runs from its heading (``start_char``) to ``body_end``, so a parent's count **includes** its
subsections' text; nothing propagates downwards — a child carries only what its own span mentions.
The document view aggregates every hit. ``weight`` = hits per 1,000 characters of the span.

When only the document's totals are wanted (a review: ``detail=()``), :meth:`ThemeMatcher.count` applies
the same rules to the text's UTF-8 bytes and counts per theme, listing no hit.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, fields
from functools import cache, cached_property
from operator import itemgetter
from typing import TYPE_CHECKING, AnyStr

from .errors import UsageError
from .lexicon import (  # noqa: F401 (the lexicon's API, re-exported where it always was)
    CATEGORIES,
    Lexicon,
    Theme,
    default_lexicon,
    default_lexicon_path,
    load_lexicon,
    parse_lexicon,
)
from .model import (
    THEME_DETAIL,
    Document,
    Finding,
    Outline,
    SpanThemes,
    ThemeCount,
    ThemeHit,
    ThemeResult,
    as_document,
)
from .resources import Key, data_file, model_path

if TYPE_CHECKING:
    import ahocorasick_rs

_CHUNK = 1 << 20  # characters (bytes for count) searched at once: bounds the list of raw matches


@dataclass(slots=True)
class _Hits:
    """The counted hits of a text in text order, as parallel lists (no object per hit).

    Starts and ends both ascend: a hit inside an earlier, longer one is never counted, and a term of
    several themes gives one hit per theme at the same place. ``themes`` holds lexicon positions.
    """

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    themes: list[int] = field(default_factory=list)


class ThemeMatcher:
    """Compiled lexicon: Aho–Corasick automata (``ahocorasick_rs``) over every term and exclude phrase, one
    over ``str`` for :meth:`scan` and one over UTF-8 ``bytes`` for :meth:`count`, each built when first used.

    Everything the scan needs about an automaton entry is precomputed per entry index: the term it
    counts as (itself, or for an exclude phrase that is no term the longest term it starts with), that
    term's themes, and the themes it is an exclude phrase of (themes as lexicon positions).
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        #: (id, label, category) of each theme, by lexicon position
        self.meta = tuple((t.id, t.label, t.category) for t in lexicon.themes)
        term_themes: dict[str, list[int]] = {}
        excl_themes: dict[str, list[int]] = {}
        for p, t in enumerate(lexicon.themes):
            for term in t.terms:
                term_themes.setdefault(term, []).append(p)
            for phrase in t.exclude:
                excl_themes.setdefault(phrase, []).append(p)
        self.words = tuple(dict.fromkeys([*term_themes, *excl_themes]))
        self.longest_word = max(map(len, self.words))
        self.longest_bytes = max(len(w.encode()) for w in self.words)
        #: per entry index: the term counted when this entry is the longest at a position (or None)
        self.counted: list[str | None] = []
        #: per entry index: the counted term's themes
        self.counted_themes: list[tuple[int, ...]] = []
        #: per entry index: the themes this entry is an exclude phrase of
        self.excludes: list[tuple[int, ...]] = []
        for s in self.words:
            term = s
            if s not in term_themes:
                term = max((w for w in term_themes if s.startswith(w)), key=len, default=None)
            self.counted.append(term)
            self.counted_themes.append(tuple(term_themes[term]) if term else ())
            self.excludes.append(tuple(excl_themes.get(s, ())))
        #: per entry index: the counted term's length in UTF-8 bytes (0: no term), for :meth:`count`
        self.counted_bytes = [len(term.encode()) if term else 0 for term in self.counted]

    @cached_property
    def automaton(self) -> ahocorasick_rs.AhoCorasick:
        """The entries' automaton over ``str`` (offsets in characters), for :meth:`scan`."""
        import ahocorasick_rs

        return ahocorasick_rs.AhoCorasick(self.words, matchkind=ahocorasick_rs.MatchKind.Standard)

    @cached_property
    def bytes_automaton(self) -> ahocorasick_rs.BytesAhoCorasick:
        """The entries' automaton over UTF-8 ``bytes``, for :meth:`count`. A DFA (~4 MiB, built in ~7 ms):
        with the text's encoding it searches the 94 bench texts in ~0.029 s of CPU, where the ``str``
        automaton (a contiguous NFA that also turns byte offsets into characters) takes ~0.042 s."""
        import ahocorasick_rs

        return ahocorasick_rs.BytesAhoCorasick(
            [w.encode() for w in self.words],
            matchkind=ahocorasick_rs.MatchKind.Standard,
            implementation=ahocorasick_rs.Implementation.DFA,
        )

    def scan(self, text: str) -> _Hits:
        """The counted hits of ``text``: at each position the longest entry starting there (what a
        greedy trie gives), less those inside a longer, earlier-starting hit or inside an exclude phrase
        of their theme."""
        counted, counted_themes, excludes = self.counted, self.counted_themes, self.excludes
        hits = _Hits()
        max_end = -1
        phrases: list[tuple[int, tuple[int, ...]]] = []  # (end, themes) of exclude phrases still open
        for i, s, end in _longest_at_each_start(_search(self.automaton, text, self.longest_word)):
            if excludes[i]:
                phrases.append((end, excludes[i]))
            term = counted[i]
            if term is None:
                continue
            e = s + len(term)
            if e <= max_end:  # inside a longer, earlier-starting match
                continue
            max_end = e
            if phrases:
                phrases = [p for p in phrases if p[0] > s]
            for theme in counted_themes[i]:
                if phrases and any(e <= b and theme in ts for b, ts in phrases):
                    continue
                hits.starts.append(s)
                hits.ends.append(e)
                hits.terms.append(term)
                hits.themes.append(theme)
        return hits

    def count(self, text: str) -> dict[int, int]:
        """Lexicon position → number of that theme's hits in ``text`` (none: left out): the hits of
        :meth:`scan`, counted without listing them (~0.053 s of CPU for the 94 bench texts, where
        ``scan``, ``_Tally`` and its whole-text span take ~0.074 s).

        The rules of :meth:`scan`, run on the text's UTF-8 bytes (the DFA of :attr:`bytes_automaton`):
        an entry matches there only at character boundaries, and byte offsets are in the order of the
        characters', so comparing them decides the same hits. The text keeps no UTF-8 copy (the ``str``
        automaton leaves one cached on it, 1.5× its own size)."""
        counted_bytes, counted_themes, excludes = self.counted_bytes, self.counted_themes, self.excludes
        themes: list[int] = []  # the theme of each counted hit
        max_end = -1
        phrases: list[tuple[int, tuple[int, ...]]] = []  # (end, themes) of exclude phrases still open
        data = text.encode()  # a lone surrogate fails here as it does in the str automaton
        for i, s, end in _longest_at_each_start(_search(self.bytes_automaton, data, self.longest_bytes)):
            if excludes[i]:
                phrases.append((end, excludes[i]))
            if not counted_bytes[i]:  # an exclude phrase that starts with no term
                continue
            e = s + counted_bytes[i]
            if e <= max_end:  # inside a longer, earlier-starting match
                continue
            max_end = e
            if phrases:
                phrases = [p for p in phrases if p[0] > s]
            if phrases:
                themes += [t for t in counted_themes[i] if not any(e <= b and t in ts for b, ts in phrases)]
            else:  # the usual case: no exclude phrase around, every theme of the term counts
                themes += counted_themes[i]
        return Counter(themes)

    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        """All counted hits as ``(start, end, term, theme id)`` in text order."""
        h = self.scan(text)
        ids = self.lexicon.ids
        return [(s, e, w, ids[p]) for s, e, w, p in zip(h.starts, h.ends, h.terms, h.themes, strict=True)]


def _search(automaton: ahocorasick_rs.AhoCorasick | ahocorasick_rs.BytesAhoCorasick, text: AnyStr,
            longest: int) -> list[tuple[int, int, int]]:
    """Every ``(entry index, start, end)`` ``automaton`` reports in ``text``, overlapping ones included
    (offsets in ``text``'s units; ``longest``: the longest entry in them).

    A long text is searched in chunks (each extended by the longest entry, a match counted in the chunk
    it starts in) so the list of raw matches stays small."""
    n = len(text)
    if n <= _CHUNK:
        return automaton.find_matches_as_indexes(text, overlapping=True) if n else []
    raw = []
    for a in range(0, n, _CHUNK):
        b = min(a + _CHUNK, n)
        piece = text[a : min(b + longest - 1, n)]
        found = automaton.find_matches_as_indexes(piece, overlapping=True)
        raw += [(i, s + a, e + a) for i, s, e in found if s + a < b]
    return raw


def _longest_at_each_start(raw: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Of the ``(entry index, start, end)`` matches ``raw``, the longest starting at each position, in
    text order."""
    raw.sort(key=_END)  # as the automaton reports them already (in one pass over a sorted list)
    longest = dict(zip(map(_START, raw), raw, strict=True))  # start → its last, longest match
    return sorted(longest.values(), key=_START)


_START = itemgetter(1)
_END = itemgetter(2)


@cache
def _matcher(lexicon: Lexicon | None = None) -> ThemeMatcher:
    """The matcher of ``lexicon`` (default: the shipped one), built once. The default's key is ``None``:
    hashing a ``Lexicon`` walks all its themes and terms (~15 µs)."""
    return ThemeMatcher(lexicon or default_lexicon())


def find_theme_hits(document: Document | str, *, lexicon: Lexicon | None = None) -> list[ThemeHit]:
    """Every counted lexicon hit in ``document``, in text order."""
    doc = as_document(document)
    matcher = _matcher(lexicon)
    return _evidence(doc, matcher.scan(doc.text), matcher.lexicon.ids)


def _evidence(doc: Document, hits: _Hits, ids: Sequence[str]) -> list[ThemeHit]:
    """``ThemeHit`` records of ``hits`` (``ids``: theme id by lexicon position), with line and column
    (built by :func:`_records`)."""
    line_starts = doc.lines.starts
    new, (theme_, match_, start_, end_, line_, col_) = _records(ThemeHit)
    out = []
    for s, e, term, p in zip(hits.starts, hits.ends, hits.terms, hits.themes, strict=True):
        line = bisect_right(line_starts, s)
        h = new(ThemeHit)
        theme_(h, ids[p])
        match_(h, term)
        start_(h, s)
        end_(h, e)
        line_(h, line)
        col_(h, s - line_starts[line - 1] + 1)
        out.append(h)
    return out


@cache
def _records(cls: type) -> tuple[Callable, tuple[Callable, ...]]:
    """A bare instance maker and each field's setter, in field order, for a frozen, slotted dataclass.

    A document gives tens of thousands of ``ThemeHit`` and ``ThemeCount`` records. The frozen dataclass
    ``__init__`` sets each field with ``object.__setattr__(self, name, value)``; calling the slots'
    descriptors directly builds the same record in about half the time. Only for classes without
    ``__post_init__`` or defaults to apply (each field must be set).
    """
    return object.__new__, tuple(cls.__dict__[f.name].__set__ for f in fields(cls))


# ------------------------------------------------------------------------------------------ tagging


class _Tally:
    """The hits of one document, counted per theme over any span.

    A span counts the hits whose whole extent lies inside it. As starts and ends both ascend, the hits
    inside ``[start, end)`` are one run of consecutive hits: from the first starting at or after
    ``start`` to the last ending at or before ``end``. Short runs are counted hit by hit, long ones (a
    document, a top section) by bisecting each theme's list of hits.
    """

    _DIRECT = 256  # runs of at most this many hits are counted one by one

    def __init__(self, hits: _Hits, meta: Sequence[tuple[str, str, str]]) -> None:
        self.hits = hits
        self.meta = meta  # (id, label, category) by lexicon position: ThemeMatcher.meta
        self.by_theme: dict[int, list[int]] = {}  # lexicon position → indexes of its hits
        for k, p in enumerate(hits.themes):
            self.by_theme.setdefault(p, []).append(k)

    def count(self, start: int, end: int) -> dict[int, int]:
        """Lexicon position → number of that theme's hits lying inside ``[start, end)`` (none: left out)."""
        lo = bisect_left(self.hits.starts, start)
        hi = bisect_right(self.hits.ends, end)
        c: dict[int, int] = {}
        if hi - lo <= self._DIRECT:
            for p in self.hits.themes[lo:hi]:
                c[p] = c.get(p, 0) + 1
        else:
            for p, at in self.by_theme.items():
                if n := bisect_left(at, hi) - bisect_left(at, lo):
                    c[p] = n
        return c

    def span(self, start: int, end: int) -> tuple[ThemeCount, ...]:
        """Themes of ``[start, end)`` (see :func:`_ranked`)."""
        return _ranked(self.count(start, end), end - start, self.meta)


def _ranked(counts: dict[int, int], size: int, meta: Sequence[tuple[str, str, str]]) -> tuple[ThemeCount, ...]:
    """``ThemeCount`` records of a span of ``size`` characters from its hits per lexicon position, most
    frequent first (ties in lexicon order); ``weight`` = hits per 1,000 characters of the span. ``meta``:
    (id, label, category) by lexicon position."""
    if not counts:
        return ()
    size = max(size, 1)
    ranked = sorted(counts.items())
    ranked.sort(key=_COUNT, reverse=True)  # stable: equal counts stay in lexicon order
    new, (theme_, label_, category_, count_, weight_) = _records(ThemeCount)
    out = []
    for p, n in ranked:
        t = new(ThemeCount)
        tid, label, category = meta[p]
        theme_(t, tid)
        label_(t, label)
        category_(t, category)
        count_(t, n)
        weight_(t, round(n * 1000 / size, 3))
        out.append(t)
    return tuple(out)


_COUNT = itemgetter(1)


def _outline_of(doc: Document) -> Outline:
    from .sections import extract_sections

    return extract_sections(doc)


def tag_themes(
    document: Document | str,
    *,
    outline: Outline | None = None,
    lexicon: Lexicon | None = None,
    distinctive: bool = False,
    top_terms: int = 15,
    detail: Collection[str] = THEME_DETAIL,
) -> ThemeResult:
    """Tag ``document`` with the lexicon's themes per paragraph, per section and for the whole.

    ``outline`` defaults to ``extract_sections(document)``. With ``distinctive=True`` the result also
    carries the document's and each section's most distinctive terms against the reference corpus
    (``govtext.discovery``; needs the fitted model shipped in ``models/fitted``). ``detail`` names what
    is counted beyond the document's totals and stale references (``THEME_DETAIL``: per ``sections``,
    per ``paragraphs``, the ``evidence`` hits; all by default): what is not asked for stays empty (a
    review reports only the document's totals).
    """
    unknown = set(detail) - set(THEME_DETAIL)
    if unknown:
        raise UsageError(f"unknown theme detail {', '.join(sorted(unknown))}; it is one of {', '.join(THEME_DETAIL)}")
    doc = as_document(document)
    matcher = _matcher(lexicon)
    if detail:  # per-span counts or evidence: every hit listed
        hits = matcher.scan(doc.text)
        tally = _Tally(hits, matcher.meta)
        totals = tally.span(0, len(doc.text))
    else:  # the document's totals only (a review): the hits counted per theme, none listed
        totals = _ranked(matcher.count(doc.text), len(doc.text), matcher.meta)
    if outline is None and ("sections" in detail or distinctive):
        outline = _outline_of(doc)
    paragraphs = tuple(
        SpanThemes(i, p.start, p.end, tally.span(p.start, p.end)) for i, p in enumerate(doc.paragraphs)
    ) if "paragraphs" in detail else ()
    sections_of = outline.sections if outline is not None and ("sections" in detail or distinctive) else ()
    section_terms: dict[int, tuple] = {}
    doc_terms: tuple = ()
    if distinctive:
        from .discovery import distinctive_terms_for_spans

        spans = [(0, len(doc.text))] + [(s.start_char, s.body_end) for s in sections_of]
        found = distinctive_terms_for_spans(doc.text, spans, top=top_terms)
        doc_terms = found[0]
        section_terms = {s.index: found[i + 1] for i, s in enumerate(sections_of)}
    sections = tuple(
        SpanThemes(
            s.index,
            s.start_char,
            s.body_end,
            tally.span(s.start_char, s.body_end) if "sections" in detail else (),
            section_terms.get(s.index, ()),
        )
        for s in sections_of
    )
    return ThemeResult(
        path=doc.path,
        document=totals,
        sections=sections,
        paragraphs=paragraphs,
        evidence=tuple(_evidence(doc, hits, matcher.lexicon.ids)) if "evidence" in detail else (),
        distinctive_terms=doc_terms,
        findings=tuple(find_stale_references(doc)),
    )


# ------------------------------------------------------------------------------------------ findings

_STUDY = re.compile(
    r"(?:学习|贯彻|落实|领会|宣传|宣讲)[^，,。；;！!？?\s]{0,8}?(?:党的)?"
    r"(十[五六七八九]大|二十一?大)(?:会议)?(?:精神|报告)"
)
#: the end every ``_STUDY`` match has: searched first, as most documents have none (``_STUDY`` tries
#: each 学, 落, 宣… of a text; this, each 大: 0.7 ms rather than 7 ms over the 94 bench texts)
_STUDY_END = re.compile(r"大(?:会议)?(?:精神|报告)")


_CONGRESS = {"name": Key(pattern=r"[十二][一二三四五六七八九十]*大"), "held": Key(types=(int,))}


@cache
def _congresses() -> tuple[tuple[str, int], ...]:
    """(name, year held) of each congress in ``models/themes/congresses.toml``, oldest first."""
    f = data_file(model_path("themes", "congresses.toml"))
    rows = f.data.get("congress")
    if not isinstance(rows, list) or not rows:
        raise f.fail("no [[congress]] tables found")
    out = []
    for i, row in enumerate(rows):
        entry = f.table(row, _CONGRESS, what="congress", line=f.line_of_table("congress", i))
        out.append((entry["name"], entry["held"]))
    return tuple(sorted(out, key=lambda r: r[1]))


def find_stale_references(document: Document | str) -> list[Finding]:
    """GT301: "study the spirit of congress N" in a document dated ≥ 2 years after congress N+1."""
    doc = as_document(document)
    if doc.year is None or not _STUDY_END.search(doc.text):
        return []
    order = _congresses()
    successor = {order[i][0]: order[i + 1] for i in range(len(order) - 1)}
    out = []
    for m in _STUDY.finditer(doc.text):
        congress = m.group(1)
        nxt = successor.get(congress)
        if nxt is None or doc.year < nxt[1] + 2:
            continue
        out.append(
            Finding.at(
                doc, "GT301", m.start(), m.end(),
                year=doc.year, successor=nxt[0], successor_year=nxt[1], congress=congress,
            )
        )
    return out
