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
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

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

# ------------------------------------------------------------------------------------------ matching


_CHUNK = 1 << 20  # characters searched at once: bounds the automaton's list of raw matches


@dataclass(frozen=True)
class _Entry:
    themes: tuple[str, ...]  # themes this string is a term of
    excludes: tuple[str, ...]  # themes for which this string is an exclude phrase
    prefix_term: str | None  # for exclude phrases: the longest term that is a prefix of it


class ThemeMatcher:
    """Compiled lexicon: one Aho–Corasick automaton (``ahocorasick_rs``) over every term and exclude phrase."""

    def __init__(self, lexicon: Lexicon) -> None:
        import ahocorasick_rs

        self.lexicon = lexicon
        term_themes: dict[str, list[str]] = {}
        excl_themes: dict[str, list[str]] = {}
        for t in lexicon.themes:
            for term in t.terms:
                term_themes.setdefault(term, []).append(t.id)
            for phrase in t.exclude:
                excl_themes.setdefault(phrase, []).append(t.id)
        self.entries: dict[str, _Entry] = {}
        for s in set(term_themes) | set(excl_themes):
            prefix = None
            if s in excl_themes:
                prefixes = [w for w in term_themes if w != s and s.startswith(w)]
                prefix = max(prefixes, key=len) if prefixes else None
            self.entries[s] = _Entry(tuple(term_themes.get(s, ())), tuple(excl_themes.get(s, ())), prefix)
        self.words = tuple(self.entries)
        self.longest_word = max(map(len, self.words))
        self.automaton = ahocorasick_rs.AhoCorasick(self.words, matchkind=ahocorasick_rs.MatchKind.Standard)
        #: theme id → (lexicon position, Theme): counts are ordered and labelled without scanning the lexicon
        self.themes = {t.id: (i, t) for i, t in enumerate(lexicon.themes)}

    def _longest(self, text: str) -> dict[int, str]:
        """The longest entry starting at each position where one starts (what a greedy trie gives).

        The automaton reports every match, overlapping ones included; a long text is searched in
        chunks (each extended by the longest entry, a match counted in the chunk it starts in) so the
        list of raw matches stays small."""
        best: dict[int, tuple[int, int]] = {}  # start → (end, word index) of the longest entry there
        get = best.get
        find = self.automaton.find_matches_as_indexes
        n = len(text)
        for a in range(0, n, _CHUNK):
            b = min(a + _CHUNK, n)
            piece = text if (a, b) == (0, n) else text[a : min(b + self.longest_word - 1, n)]
            for i, s, e in find(piece, overlapping=True):
                s += a
                if s >= b:
                    continue
                cur = get(s)
                if cur is None or e + a > cur[0]:
                    best[s] = (e + a, i)
        words = self.words
        return {s: words[i] for s, (_e, i) in best.items()}

    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        """All counted hits as ``(start, end, term, theme)`` in text order."""
        if not text:
            return []
        best = self._longest(text)
        cands: list[tuple[int, int, str]] = []
        excl: list[tuple[int, int, tuple[str, ...]]] = []
        entries = self.entries
        for s in sorted(best):
            w = best[s]
            e = entries[w]
            if e.excludes:
                excl.append((s, s + len(w), e.excludes))
                if e.themes:
                    cands.append((s, s + len(w), w))
                elif e.prefix_term:
                    cands.append((s, s + len(e.prefix_term), e.prefix_term))
            else:
                cands.append((s, s + len(w), w))
        hits: list[tuple[int, int, str, str]] = []
        max_end = -1
        ex_i = 0
        active: list[tuple[int, int, tuple[str, ...]]] = []
        for s, end, w in cands:
            if end <= max_end:  # inside a longer, earlier-starting match
                continue
            max_end = end
            while ex_i < len(excl) and excl[ex_i][0] <= s:
                active.append(excl[ex_i])
                ex_i += 1
            if active:
                active = [a for a in active if a[1] > s]
            for theme in entries[w].themes:
                if active and any(a[0] <= s and end <= a[1] and theme in a[2] for a in active):
                    continue
                hits.append((s, end, w, theme))
        return hits


@cache
def _matcher(lexicon: Lexicon) -> ThemeMatcher:
    return ThemeMatcher(lexicon)


def find_theme_hits(document: Document | str, *, lexicon: Lexicon | None = None) -> list[ThemeHit]:
    """Every counted lexicon hit in ``document``, in text order."""
    doc = as_document(document)
    return _hits(doc, _matcher(lexicon or default_lexicon()))


def _hits(doc: Document, matcher: ThemeMatcher) -> list[ThemeHit]:
    starts = doc.lines.starts  # hits come in text order: walk the line starts alongside them
    last = len(starts) - 1
    li = 0
    out = []
    for s, e, w, theme in matcher.find(doc.text):
        while li < last and starts[li + 1] <= s:
            li += 1
        out.append(ThemeHit(theme, w, s, e, li + 1, s - starts[li] + 1))
    return out


# ------------------------------------------------------------------------------------------ tagging


class _HitIndex:
    """The hits of one document, counted per theme over any span in about log time.

    A span counts the hits whose whole extent lies inside it: those starting in it, less the few that
    start within a term's length of its end and run past it.
    """

    _DIRECT = 64  # spans holding at most this many hit starts are counted directly

    def __init__(self, hits: list[ThemeHit], longest: int) -> None:
        self.starts = [h.start_char for h in hits]
        self.ends = [h.end_char for h in hits]
        self.names = [h.theme for h in hits]
        self.longest = longest
        self.by_theme: dict[str, list[int]] = {}
        for h in hits:
            self.by_theme.setdefault(h.theme, []).append(h.start_char)

    def count(self, start: int, end: int) -> dict[str, int]:
        """Theme → number of hits lying inside ``[start, end)``."""
        starts = self.starts
        lo = bisect.bisect_left(starts, start)
        hi = bisect.bisect_left(starts, end)
        if hi - lo <= self._DIRECT:
            c = Counter(self.names[lo:hi])
        else:
            c = Counter()
            for theme, at in self.by_theme.items():
                n = bisect.bisect_left(at, end) - bisect.bisect_left(at, start)
                if n:
                    c[theme] = n
        k = hi - 1
        while k >= lo and starts[k] > end - self.longest:  # only these can run past the end
            if self.ends[k] > end:
                c[self.names[k]] -= 1
            k -= 1
        return c


def _counts(c: dict[str, int], length: int, themes: dict[str, tuple[int, Theme]]) -> tuple[ThemeCount, ...]:
    """Per-theme counts, most frequent first (ties in lexicon order); ``themes`` is ``ThemeMatcher.themes``."""
    out = []
    for tid, n in sorted(c.items(), key=lambda kv: (-kv[1], themes[kv[0]][0])):
        if n <= 0:
            continue
        t = themes[tid][1]
        out.append(ThemeCount(tid, t.label, t.category, n, round(n * 1000 / max(length, 1), 3)))
    return tuple(out)


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
) -> ThemeResult:
    """Tag ``document`` with the lexicon's themes per paragraph, per section and for the whole.

    ``outline`` defaults to ``extract_sections(document)``. With ``distinctive=True`` the result also
    carries the document's and each section's most distinctive terms against the reference corpus
    (``govtext.discovery``; needs the fitted model shipped in ``models/fitted``).
    """
    doc = as_document(document)
    matcher = _matcher(lexicon or default_lexicon())
    themes = matcher.themes
    hits = _hits(doc, matcher)
    index = _HitIndex(hits, matcher.longest_word)
    if outline is None:
        outline = _outline_of(doc)
    paragraphs = []
    for i, p in enumerate(doc.paragraphs):
        paragraphs.append(SpanThemes(i, p.start, p.end, _counts(index.count(p.start, p.end), p.end - p.start, themes)))
    section_terms: dict[int, tuple] = {}
    doc_terms: tuple = ()
    if distinctive:
        from .discovery import distinctive_terms_for_spans

        spans = [(0, len(doc.text))] + [(s.start_char, s.body_end) for s in outline.sections]
        found = distinctive_terms_for_spans(doc.text, spans, top=top_terms)
        doc_terms = found[0]
        section_terms = {s.index: found[i + 1] for i, s in enumerate(outline.sections)}
    sections = []
    for s in outline.sections:
        inside = index.count(s.start_char, s.body_end)
        sections.append(
            SpanThemes(
                s.index,
                s.start_char,
                s.body_end,
                _counts(inside, s.body_end - s.start_char, themes),
                section_terms.get(s.index, ()),
            )
        )
    return ThemeResult(
        path=doc.path,
        document=_counts(Counter(index.names), len(doc.text), themes),
        sections=tuple(sections),
        paragraphs=tuple(paragraphs),
        evidence=tuple(hits),
        distinctive_terms=doc_terms,
        findings=tuple(find_stale_references(doc)),
    )


# ------------------------------------------------------------------------------------------ findings

_STUDY = re.compile(
    r"(?:学习|贯彻|落实|领会|宣传|宣讲)[^，,。；;！!？?\s]{0,8}?(?:党的)?"
    r"(十[五六七八九]大|二十一?大)(?:会议)?(?:精神|报告)"
)


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
    if doc.year is None:
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
