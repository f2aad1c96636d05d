"""Theme tagging: which campaigns and duties a document, each section and each paragraph mentions.

The lexicon (``models/themes/lexicon.toml``) lists themes with their terms. Terms are matched on the
raw text with one compiled trie-shaped regular expression, probed at every position, so:

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
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .errors import DataFileError, UsageError
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
from .resources import load_toml, model_path

CATEGORIES = (
    "party",
    "economy",
    "reform",
    "rural",
    "livelihood",
    "ecology",
    "safety",
    "governance",
    "culture",
    "defence",
    "external",
)
_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
_THEME_HEADER = re.compile(r"^\s*\[\[\s*theme\s*\]\]")
_KEYS = {"id", "label", "category", "terms", "exclude", "since", "until"}


@dataclass(frozen=True)
class Theme:
    """One lexicon entry. ``source``/``line`` tell where it was defined (for error messages)."""

    id: str
    label: str
    category: str
    terms: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    since: int | None = None
    until: int | None = None
    source: str = field(default="", compare=False)
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Lexicon:
    """An ordered set of themes; ``version`` and ``sources`` say where it came from."""

    version: str
    themes: tuple[Theme, ...]
    sources: tuple[str, ...] = ()

    def get(self, theme_id: str) -> Theme:
        """The theme with ``theme_id`` (KeyError if absent)."""
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise KeyError(theme_id)

    @property
    def ids(self) -> tuple[str, ...]:
        """Theme ids in lexicon order."""
        return tuple(t.id for t in self.themes)

    def extended(self, other: Lexicon) -> Lexicon:
        """This lexicon with ``other``'s themes added; a theme with an existing id replaces it."""
        replaced = {t.id: t for t in other.themes}
        kept = [replaced.pop(t.id, t) for t in self.themes]
        kept.extend(t for t in other.themes if t.id in replaced)
        version = f"{self.version}+{'+'.join(Path(s).name for s in other.sources) or 'user'}"
        return Lexicon(version, tuple(kept), self.sources + other.sources)


def default_lexicon_path() -> Path:
    """The shipped lexicon."""
    return model_path("themes", "lexicon.toml")


def parse_lexicon(path: str | Path, *, require_version: bool = True) -> Lexicon:
    """Read and validate a lexicon TOML file; any problem raises ``DataFileError`` naming file and line."""
    path = Path(path)
    data = _load_toml_with_line(path)
    raw = path.read_text(encoding="utf-8-sig")
    headers = [i + 1 for i, line in enumerate(raw.splitlines()) if _THEME_HEADER.match(line)]
    entries = data.get("theme")
    if not isinstance(entries, list) or not entries:
        raise DataFileError(str(path), "no [[theme]] tables found")
    if len(headers) != len(entries):  # inline-array form: no per-table header to point at
        headers = [None] * len(entries)
    version = data.get("version")
    if version is None and require_version:
        raise DataFileError(str(path), "missing top-level 'version'", 1)
    unknown_top = set(data) - {"version", "theme"}
    if unknown_top:
        raise DataFileError(str(path), f"unknown top-level key(s): {', '.join(sorted(unknown_top))}", 1)
    themes: list[Theme] = []
    seen: set[str] = set()
    for entry, line in zip(entries, headers, strict=True):
        theme = _parse_theme(entry, str(path), line)
        if theme.id in seen:
            raise DataFileError(str(path), f"duplicate theme id {theme.id!r}", line)
        seen.add(theme.id)
        themes.append(theme)
    return Lexicon(str(version or "user"), tuple(themes), (str(path),))


def _load_toml_with_line(path: Path) -> dict:
    """``load_toml``, but a syntax error always names a line (Python < 3.14 only puts it in the message)."""
    try:
        return load_toml(path)
    except DataFileError as exc:
        if exc.line is not None or not exc.problem.startswith("invalid TOML"):
            raise
        m = re.search(r"\(at line (\d+), column \d+\)", exc.problem)
        if m:
            line = int(m.group(1))
        else:  # "(at end of document)"
            line = max(1, len(path.read_text(encoding="utf-8-sig", errors="replace").splitlines()))
        problem = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", exc.problem)
        raise DataFileError(str(path), problem, line) from None


def _parse_theme(entry: object, path: str, line: int | None) -> Theme:
    def bad(problem: str) -> DataFileError:
        return DataFileError(path, problem, line)

    if not isinstance(entry, dict):
        raise bad("a [[theme]] entry must be a table")
    unknown = set(entry) - _KEYS
    if unknown:
        raise bad(f"unknown key(s) in theme: {', '.join(sorted(unknown))}")
    tid = entry.get("id")
    if not isinstance(tid, str) or not _ID.match(tid):
        raise bad("theme needs an 'id' of lower-case letters, digits and '_' (e.g. \"river_chief\")")
    for key in ("label", "category"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise bad(f"theme {tid!r} needs a non-empty string '{key}'")
    if entry["category"] not in CATEGORIES:
        raise bad(f"theme {tid!r}: unknown category {entry['category']!r} (one of: {', '.join(CATEGORIES)})")
    terms = _string_list(entry.get("terms"), f"theme {tid!r} 'terms'", bad, required=True)
    exclude = _string_list(entry.get("exclude", []), f"theme {tid!r} 'exclude'", bad, required=False)
    for phrase in exclude:
        if not any(t in phrase for t in terms):
            raise bad(f"theme {tid!r}: exclude phrase {phrase!r} contains none of its terms")
    years = []
    for key in ("since", "until"):
        value = entry.get(key)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not 1900 <= value <= 2100
        ):
            raise bad(f"theme {tid!r}: '{key}' must be a year")
        years.append(value)
    return Theme(
        tid, entry["label"].strip(), entry["category"], terms, exclude, years[0], years[1], path, line
    )


def _string_list(value: object, what: str, bad, *, required: bool) -> tuple[str, ...]:
    if value is None or (required and value == []):
        raise bad(f"{what} missing or empty: list the terms that signal this theme")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad(f"{what} must be a list of strings")
    out = []
    for v in value:
        if not v or v != v.strip() or any(ch.isspace() for ch in v):
            raise bad(f"{what}: {v!r} is empty or contains whitespace")
        if v not in out:
            out.append(v)
    return tuple(out)


@cache
def _default_lexicon() -> Lexicon:
    return parse_lexicon(default_lexicon_path())


def load_lexicon(*extra: str | Path, replace: bool = False) -> Lexicon:
    """The shipped lexicon extended by ``extra`` files (or only the files if ``replace``)."""
    if replace and not extra:
        raise UsageError("--only-lexicon needs at least one --lexicon FILE")
    if replace:
        lex = parse_lexicon(extra[0], require_version=False)
        rest = extra[1:]
    else:
        lex = _default_lexicon()
        rest = extra
    for p in rest:
        lex = lex.extended(parse_lexicon(p, require_version=False))
    return lex


# ------------------------------------------------------------------------------------------ matching


@dataclass(frozen=True)
class _Entry:
    themes: tuple[str, ...]  # themes this string is a term of
    excludes: tuple[str, ...]  # themes for which this string is an exclude phrase
    prefix_term: str | None  # for exclude phrases: the longest term that is a prefix of it


class ThemeMatcher:
    """Compiled lexicon: one trie-shaped regex over every term and exclude phrase."""

    def __init__(self, lexicon: Lexicon) -> None:
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
        self.regex = re.compile("(?=(" + _trie_pattern(self.entries) + "))")

    def find(self, text: str) -> list[tuple[int, int, str, str]]:
        """All counted hits as ``(start, end, term, theme)`` in text order."""
        cands: list[tuple[int, int, str]] = []
        excl: list[tuple[int, int, tuple[str, ...]]] = []
        entries = self.entries
        for m in self.regex.finditer(text):
            s = m.start()
            w = m.group(1)
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
                if any(a[0] <= s and end <= a[1] and theme in a[2] for a in active):
                    continue
                hits.append((s, end, w, theme))
        return hits


def _trie_pattern(words) -> str:
    """A regex matching any of ``words``, shaped as a trie so it is greedy (longest word first)."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


@cache
def _matcher(lexicon: Lexicon) -> ThemeMatcher:
    return ThemeMatcher(lexicon)


def find_theme_hits(document: Document | str, *, lexicon: Lexicon | None = None) -> list[ThemeHit]:
    """Every counted lexicon hit in ``document``, in text order."""
    doc = as_document(document)
    matcher = _matcher(lexicon or _default_lexicon())
    out = []
    for s, e, w, theme in matcher.find(doc.text):
        line, col = doc.line_col(s)
        out.append(ThemeHit(theme, w, s, e, line, col))
    return out


# ------------------------------------------------------------------------------------------ tagging


def _counts(hits: list[ThemeHit], length: int, lexicon: Lexicon) -> tuple[ThemeCount, ...]:
    """Per-theme counts, most frequent first (ties in lexicon order)."""
    c = Counter(h.theme for h in hits)
    order = {tid: i for i, tid in enumerate(lexicon.ids)}
    out = []
    for tid, n in sorted(c.items(), key=lambda kv: (-kv[1], order.get(kv[0], 0))):
        t = lexicon.get(tid)
        out.append(ThemeCount(tid, t.label, t.category, n, round(n * 1000 / max(length, 1), 3)))
    return tuple(out)


def _in_span(hits: list[ThemeHit], starts: list[int], start: int, end: int) -> list[ThemeHit]:
    lo = bisect.bisect_left(starts, start)
    hi = bisect.bisect_left(starts, end)
    return [h for h in hits[lo:hi] if h.end_char <= end]


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
    lex = lexicon or _default_lexicon()
    hits = find_theme_hits(doc, lexicon=lex)
    starts = [h.start_char for h in hits]
    if outline is None:
        outline = _outline_of(doc)
    paragraphs = []
    for i, p in enumerate(doc.paragraphs):
        inside = _in_span(hits, starts, p.start, p.end)
        paragraphs.append(SpanThemes(i, p.start, p.end, _counts(inside, p.end - p.start, lex)))
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
        inside = _in_span(hits, starts, s.start_char, s.body_end)
        sections.append(
            SpanThemes(
                s.index,
                s.start_char,
                s.body_end,
                _counts(inside, s.body_end - s.start_char, lex),
                section_terms.get(s.index, ()),
            )
        )
    return ThemeResult(
        path=doc.path,
        document=_counts(hits, len(doc.text), lex),
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


@cache
def _congresses() -> tuple[tuple[str, int], ...]:
    path = model_path("themes", "congresses.toml")
    rows = load_toml(path).get("congress", [])
    try:
        out = tuple(sorted(((str(r["name"]), int(r["held"])) for r in rows), key=lambda r: r[1]))
    except (KeyError, TypeError, ValueError):
        raise DataFileError(str(path), "each [[congress]] needs a name and a year 'held'") from None
    return out


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
