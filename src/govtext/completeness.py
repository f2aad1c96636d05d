"""Completeness: is every part a reviewer expects there, and where?

A document is compared with a versioned reference outline (``models/outlines/<kind>.toml``). Each part
is looked for by *role* — a numbered heading at any level, a lead sentence opening an unnumbered
paragraph, a run-in statement inside a paragraph (the seed's closing paragraph), or, for the body of
the document, the numbered top-level sections no other part claims — using the outline's wordings
plus TF-IDF character n-gram similarity to the part's wordings and examples. A single keyword
anywhere in the body never counts: wordings are anchored to headings, paragraph starts or sentence
patterns, and their position is checked.

Each part ends up ``present``, ``weak`` (thin, out of place, unnumbered, or only implied — the
result says which) or ``missing``; the score (0–100) is the weighted share of parts found, minus
ordering penalties, and explains itself (``Completeness.breakdown``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from itertools import chain
from operator import add, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .docmeta import PAGE_LABEL, find_title, locate_title
from .docmeta import TITLE_SKIP as _TITLE_SKIP
from .errors import DataFileError, UsageError
from .i18n import N_
from .markers import CIRCLED, CIRCLED_RANGES, CLOSE, CN, CN_DIGITS, OPEN
from .model import (
    Completeness,
    Document,
    Finding,
    KindGuess,
    Outline,
    OutlinePart,
    PartResult,
    ReferenceOutline,
    ScoreItem,
    as_document,
)
from .prefilter import Prefilter
from .resources import models_dir, parse_toml, read_data_text
from .text import WHITE_RUNS, squash

if TYPE_CHECKING:
    from ahocorasick_rs import BytesAhoCorasick

    from .tfidf import PhraseIndex

BUILTIN_KINDS = (
    "work-summary",
    "party-building-summary",
    "government-work-report",
    "debrief-report",
    "information-disclosure-annual-report",
    "rule-of-law-annual-report",
)
ROLES = ("heading", "lead", "inline", "body", "title")
ROLE_RANK = {"heading": 4, "lead": 3, "body": 2, "inline": 2, "paragraphs": 1.5, "title": 1, "implied": 0}
CREDIT = {"present": 1.0, "weak": 0.5, "missing": 0.0}
#: Minimum TF-IDF similarity for an unmatched heading to count as a near-miss wording of a part.
HEADING_SIMILARITY = 0.34
#: Minimum TF-IDF similarity for a paragraph to count as implying a missing part (status weak).
IMPLIED_SIMILARITY = 0.30


#: One piece of a reason: an ``N_()``-marked English template and its ``(field, value)`` pairs.
ReasonItem = tuple[str, tuple[tuple[str, object], ...]]


# --------------------------------------------------------------------------------------------------
# Reference outlines: loading and validation


def outline_path(kind: str) -> Path:
    """Path of the built-in outline for ``kind``."""
    return models_dir() / "outlines" / f"{kind}.toml"


@cache
def builtin_outlines() -> dict[str, ReferenceOutline]:
    """Every outline shipped in ``models/outlines/``, keyed by id."""
    out: dict[str, ReferenceOutline] = {}
    for path in sorted((models_dir() / "outlines").glob("*.toml")):
        # the shipped wordings' regexes are checked by the tests (every built-in outline parses with the
        # full checks), not compiled here: detection would compile five outlines' wordings for nothing
        text = read_data_text(path).removeprefix("\ufeff")
        data = parse_toml(text, str(path))
        o = replace(_build_outline(data, str(path), _LineFinder(text.split("\n")), check_regex=False),
                    source=f"models/outlines/{path.name}")
        out[o.id] = o
    return out


def get_outline(kind: str) -> ReferenceOutline:
    """The built-in outline with id ``kind``; an unknown kind is a usage error (exit 2)."""
    outlines = builtin_outlines()
    if kind not in outlines:
        raise UsageError(f"unknown kind {kind!r}; choose one of: {', '.join(sorted(outlines))}")
    return outlines[kind]


_PART_KEYS = {
    "id", "label", "required", "weight", "roles", "full_roles", "heading", "lead", "inline", "title",
    "examples", "position", "window", "min_chars", "min_sentences", "subparts", "extent", "within",
}
_SUB_KEYS = {"id", "label", "heading", "lead", "inline", "examples", "weight", "required"}
_TOP_KEYS = {"schema", "id", "label", "version", "description", "detect", "order", "parts"}


def load_outline(path: str | Path) -> ReferenceOutline:
    """Load and check a reference outline file; every problem names the file and line."""
    return parse_outline(read_data_text(path), str(path))


def parse_outline(text: str, name: str) -> ReferenceOutline:
    """Parse and check a reference outline given as TOML text (an upload, say; nothing is written).

    ``name`` is what error messages call the outline (a file name) and becomes its ``source``;
    every problem is a ``DataFileError`` naming ``name`` and the line, as ``load_outline`` reports.
    """
    text = text.removeprefix("\ufeff")
    data = parse_toml(text, name)
    return _build_outline(data, name, _LineFinder(text.split("\n")))


class _LineFinder:
    """Finds the line of the n-th ``[[parts]]`` table and of keys inside it, for error messages."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.part_lines = [i + 1 for i, ln in enumerate(lines) if ln.strip() == "[[parts]]"]
        self.sub_lines = [i + 1 for i, ln in enumerate(lines) if ln.strip() == "[[parts.subparts]]"]

    def key(self, key: str, start: int = 1, end: int | None = None) -> int | None:
        end = end or len(self.lines)
        pat = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(max(start, 1) - 1, min(end, len(self.lines))):
            if pat.match(self.lines[i]):
                return i + 1
        return None

    def part(self, n: int) -> tuple[int | None, int | None]:
        if n < len(self.part_lines):
            start = self.part_lines[n]
            end = self.part_lines[n + 1] if n + 1 < len(self.part_lines) else len(self.lines)
            return start, end
        return None, None

    def text(self, needle: str, start: int = 1, end: int | None = None) -> int | None:
        end = end or len(self.lines)
        for i in range(max(start, 1) - 1, min(end, len(self.lines))):
            if needle in self.lines[i]:
                return i + 1
        return None


def _build_outline(data: dict, name: str, lf: _LineFinder, *, check_regex: bool = True) -> ReferenceOutline:
    def fail(problem: str, line: int | None = None) -> DataFileError:
        return DataFileError(name, problem, line)

    unknown = set(data) - _TOP_KEYS
    if unknown:
        k = sorted(unknown)[0]
        raise fail(f"unknown key {k!r} (expected one of: {', '.join(sorted(_TOP_KEYS))})", lf.key(k))
    for key in ("id", "label"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise fail(f"missing or empty {key!r} (a string)", lf.key(key))
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", data["id"]):
        raise fail(f"id {data['id']!r} must be lower-case kebab-case (a-z, 0-9, -)", lf.key("id"))
    parts_raw = data.get("parts")
    if not isinstance(parts_raw, list) or not parts_raw:
        raise fail("an outline needs at least one [[parts]] table", lf.key("parts"))
    parts: list[OutlinePart] = []
    seen: set[str] = set()
    for n, raw in enumerate(parts_raw):
        start, end = lf.part(n)
        part = _build_part(raw, name, lf, start, end, sub=False, check_regex=check_regex)
        if part.id in seen:
            raise fail(f"duplicate part id {part.id!r}", lf.key("id", start or 1, end) or start)
        seen.add(part.id)
        parts.append(part)
    for n, p in enumerate(parts):
        for w in p.within:
            if w != "*" and w not in seen:
                start, end = lf.part(n)
                raise fail(f"part {p.id!r}: within names unknown part {w!r}", lf.key("within", start or 1, end) or start)
    if not any(p.required for p in parts):
        raise fail("no part is required; mark at least one part with required = true", lf.part(0)[0])
    detect = data.get("detect", {})
    if not isinstance(detect, dict):
        raise fail("[detect] must be a table", lf.key("detect"))
    dline = lf.text("[detect]")
    det = {}
    for key in ("title", "opening", "body"):
        det[key] = _patterns(detect.get(key, []), key, name, lf.key(key, dline or 1) if dline else None, check_regex)
    order = data.get("order", {})
    if not isinstance(order, dict):
        raise fail("[order] must be a table", lf.key("order"))
    oline = lf.text("[order]") or 1
    before: list[tuple[str, str]] = []
    for pair in order.get("before", []):
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
            raise fail("order.before must be a list of [first, second] part-id pairs", lf.key("before", oline))
        for pid in pair:
            if pid not in seen:
                raise fail(f"order.before names unknown part {pid!r}", lf.key("before", oline))
        before.append((pair[0], pair[1]))
    near_end = order.get("near_end", [])
    if not isinstance(near_end, list) or any(p not in seen for p in near_end):
        raise fail("order.near_end must list known part ids", lf.key("near_end", oline))
    end_fraction = order.get("end_fraction", 0.4)
    if not isinstance(end_fraction, (int, float)) or not 0 < end_fraction <= 1:
        raise fail("order.end_fraction must be a number in (0, 1]", lf.key("end_fraction", oline))
    penalty = order.get("penalty", 5)
    if not isinstance(penalty, (int, float)) or penalty < 0:
        raise fail("order.penalty must be a non-negative number", lf.key("penalty", oline))
    return ReferenceOutline(
        id=data["id"],
        label=data["label"],
        version=str(data.get("version", "0")),
        description=str(data.get("description", "")),
        parts=tuple(parts),
        detect_title=det["title"],
        detect_opening=det["opening"],
        detect_body=det["body"],
        order_before=tuple(before),
        near_end=tuple(near_end),
        end_fraction=float(end_fraction),
        order_penalty=float(penalty),
        source=name,
    )


def _build_part(
    raw: dict, name: str, lf: _LineFinder, start: int | None, end: int | None, *, sub: bool, check_regex: bool = True
) -> OutlinePart:
    where = start or 1

    def line_of(key: str) -> int | None:
        return lf.key(key, where, end) or start

    def fail(problem: str, key: str | None = None) -> DataFileError:
        return DataFileError(name, problem, line_of(key) if key else start)

    if not isinstance(raw, dict):
        raise fail("each part must be a table")
    allowed = _SUB_KEYS if sub else _PART_KEYS
    unknown = set(raw) - allowed
    if unknown:
        k = sorted(unknown)[0]
        raise fail(f"unknown key {k!r} in a {'sub-part' if sub else 'part'}", k)
    pid = raw.get("id")
    if not isinstance(pid, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", pid):
        raise fail("part id must be a kebab-case string", "id")
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        raise fail(f"part {pid!r} needs a label", "label")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise fail(f"part {pid!r}: required must be true or false", "required")
    weight = raw.get("weight", 0 if sub else 10)
    if not isinstance(weight, (int, float)) or isinstance(weight, bool) or weight < 0:
        raise fail(f"part {pid!r}: weight must be a non-negative number", "weight")
    if required and weight <= 0:
        raise fail(f"part {pid!r}: a required part needs a positive weight", "weight")
    wordings = {k: _patterns(raw.get(k, []), k, name, line_of(k), check_regex) for k in ("heading", "lead", "inline", "title")}
    default_roles = [r for r in ("heading", "lead", "inline", "title") if wordings[r]]
    roles = raw.get("roles", default_roles)
    if not isinstance(roles, list) or not roles or any(r not in ROLES for r in roles):
        raise fail(f"part {pid!r}: roles must be a non-empty list of {', '.join(ROLES)}", "roles")
    for r in roles:
        if r != "body" and not wordings[r]:
            raise fail(f"part {pid!r}: role {r!r} needs a {r} = [...] list of wordings", "roles")
    full_roles = raw.get("full_roles", [r for r in roles if r != "inline"] or roles)
    if not isinstance(full_roles, list) or any(r not in roles for r in full_roles):
        raise fail(f"part {pid!r}: full_roles must be a subset of roles", "full_roles")
    examples = raw.get("examples", [])
    if not isinstance(examples, list) or any(not isinstance(e, str) for e in examples):
        raise fail(f"part {pid!r}: examples must be a list of strings", "examples")
    position = raw.get("position", "any")
    if position not in ("any", "start", "end"):
        raise fail(f"part {pid!r}: position must be any, start or end", "position")
    within = raw.get("within", ["*"])
    if not isinstance(within, list) or any(not isinstance(w, str) for w in within):
        raise fail(f"part {pid!r}: within must be a list of part ids (or \"*\")", "within")
    extent = raw.get("extent", "section")
    if extent not in ("section", "paragraph"):
        raise fail(f"part {pid!r}: extent must be section or paragraph", "extent")
    ints = {}
    for key, default in (("window", 40), ("min_chars", 0), ("min_sentences", 0)):
        v = raw.get(key, default)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise fail(f"part {pid!r}: {key} must be a non-negative integer", key)
        ints[key] = v
    subs: list[OutlinePart] = []
    sub_lines = [ln for ln in lf.sub_lines if where <= ln < (end or 10**9)]
    raw_subs = raw.get("subparts", []) if not sub else []
    if not isinstance(raw_subs, list):
        raise fail(f"part {pid!r}: subparts must be [[parts.subparts]] tables", "subparts")
    for i, s in enumerate(raw_subs):
        sline = sub_lines[i] if i < len(sub_lines) else start
        sub_end = sub_lines[i + 1] if i + 1 < len(sub_lines) else end
        if not isinstance(s, dict) or not s.get("heading"):
            raise DataFileError(name, "each sub-part needs heading = [...] wordings", sline)
        subs.append(_build_sub(s, name, lf, sline, sub_end, check_regex))
    return OutlinePart(
        id=pid,
        label=label,
        required=required,
        weight=float(weight),
        roles=tuple(roles),
        full_roles=tuple(full_roles),
        heading=wordings["heading"],
        lead=wordings["lead"],
        inline=wordings["inline"],
        title=wordings["title"],
        examples=tuple(examples),
        position=position,
        extent=extent,
        within=tuple(within),
        window=ints["window"],
        min_chars=ints["min_chars"],
        min_sentences=ints["min_sentences"],
        subparts=tuple(subs),
        line=start,
    )


def _build_sub(
    raw: dict, name: str, lf: _LineFinder, start: int | None, end: int | None, check_regex: bool = True
) -> OutlinePart:
    allowed = _SUB_KEYS
    unknown = set(raw) - allowed
    if unknown:
        k = sorted(unknown)[0]
        raise DataFileError(name, f"unknown key {k!r} in a sub-part", lf.key(k, start or 1, end) or start)
    pid, label = raw.get("id"), raw.get("label")
    if not isinstance(pid, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", pid):
        raise DataFileError(name, "sub-part id must be a kebab-case string", lf.key("id", start or 1, end) or start)
    if not isinstance(label, str) or not label.strip():
        raise DataFileError(name, f"sub-part {pid!r} needs a label", start)
    heading = _patterns(raw.get("heading", []), "heading", name, lf.key("heading", start or 1, end) or start,
                        check_regex)
    examples = raw.get("examples", [])
    if not isinstance(examples, list) or any(not isinstance(e, str) for e in examples):
        raise DataFileError(name, f"sub-part {pid!r}: examples must be a list of strings", start)
    return OutlinePart(
        id=pid, label=label, required=False, weight=0.0, roles=("heading",), full_roles=("heading",),
        heading=heading, examples=tuple(examples), line=start,
    )


def _patterns(value: object, key: str, name: str, line: int | None, check_regex: bool = True) -> tuple[str, ...]:
    if not isinstance(value, list) or any(not isinstance(v, str) or not v for v in value):
        raise DataFileError(name, f"{key} must be a list of non-empty strings (regular expressions)", line)
    for v in value if check_regex else ():
        try:
            re.compile(v)
        except re.error as exc:
            raise DataFileError(name, f"bad regular expression {v!r} in {key}: {exc}", line) from None
    return tuple(value)


@cache
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# --------------------------------------------------------------------------------------------------
# TF-IDF over character n-grams: the outlines' phrasings are counted once (shipped in
# models/outlines/vectors/, or counted when a user's outline is loaded); a document adds its headings
# and paragraphs and weights both sides with the IDF of that collection, as scikit-learn's
# ``TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True)`` fitted on it would
# (the document side is counted with numpy in govtext.tfidf, imported at the first review).

NGRAMS = (2, 3)
#: Where the outlines' phrase vectors are shipped (``scripts/build_outline_vectors.py`` writes them).
VECTORS_DIR = ("outlines", "vectors")

GramCounts = tuple[tuple[str, int], ...]


def char_ngrams(text: str) -> Counter[str]:
    """The character 2- and 3-grams of ``text`` with their counts (white-space runs folded to one space),
    as scikit-learn's char analyzer takes them: how an outline's phrasings are counted."""
    t = WHITE_RUNS.sub(" ", text)
    bigrams = list(map(add, t, t[1:]))  # t[i:i+2] for every i, built in C
    return Counter(chain(bigrams, map(add, bigrams, t[2:])))


@dataclass(frozen=True)
class OutlineVectors:
    """An outline's phrasings as character n-gram counts, per part: what headings (``heading``) and
    paragraphs (``paragraph``) realising each part may say. Counted once per outline; the IDF weights
    are applied per document (they depend on the document's own headings and paragraphs)."""

    outline: str
    heading: tuple[tuple[GramCounts, ...], ...]  # [part][phrase] -> (n-gram, count) pairs
    paragraph: tuple[tuple[GramCounts, ...], ...]
    heading_texts: tuple[tuple[str, ...], ...] = ()
    paragraph_texts: tuple[tuple[str, ...], ...] = ()

    @cached_property
    def indexed(self) -> PhraseIndex:
        """The phrasings indexed for the document-side computation (``govtext.tfidf``; imports numpy),
        built once per vectors object (not a field: no part of equality)."""
        from .tfidf import PhraseIndex

        return PhraseIndex.build(self.heading, self.paragraph)

    @classmethod
    def from_phrases(
        cls, outline: str, heading: Sequence[Sequence[str]], paragraph: Sequence[Sequence[str]]
    ) -> OutlineVectors:
        """Count the n-grams of every phrase (``heading[j]``/``paragraph[j]`` are part ``j``'s phrases)."""

        def count(groups: Sequence[Sequence[str]]) -> tuple[tuple[GramCounts, ...], ...]:
            return tuple(tuple(tuple(char_ngrams(x).items()) for x in g) for g in groups)

        return cls(outline, count(heading), count(paragraph), tuple(map(tuple, heading)), tuple(map(tuple, paragraph)))

    @classmethod
    def of(cls, ref: ReferenceOutline) -> OutlineVectors:
        """The vectors of ``ref``'s parts' phrasings (:func:`heading_phrases`, :func:`paragraph_phrases`)."""
        parts = ref.parts
        return cls.from_phrases(ref.id, [heading_phrases(p) for p in parts], [paragraph_phrases(p) for p in parts])

    def to_json(self, source_sha256: str, version: str) -> str:
        """The shipped form: one JSON object, one line per part and side (stable, diffable)."""

        def side(groups, texts) -> str:
            rows = [json.dumps([{"text": t, "ngrams": dict(v)} for t, v in zip(ts, g, strict=True)],
                               ensure_ascii=False, separators=(",", ":")) for g, ts in zip(groups, texts, strict=True)]
            return "[\n" + ",\n".join(rows) + "\n]"

        head = json.dumps({"schema": 1, "outline": self.outline, "version": version, "source_sha256": source_sha256,
                           "ngram_range": list(NGRAMS)}, ensure_ascii=False)
        return (head[:-1] + ',\n"heading": ' + side(self.heading, self.heading_texts)
                + ',\n"paragraph": ' + side(self.paragraph, self.paragraph_texts) + "}\n")

    @classmethod
    def from_json(cls, data: dict) -> OutlineVectors:
        """Read the shipped form (see :meth:`to_json`)."""

        def side(key: str) -> tuple[tuple[tuple[GramCounts, ...], ...], tuple[tuple[str, ...], ...]]:
            groups = data[key]
            return (tuple(tuple(tuple(ph["ngrams"].items()) for ph in g) for g in groups),
                    tuple(tuple(ph["text"] for ph in g) for g in groups))

        (h, ht), (p, pt) = side("heading"), side("paragraph")
        return cls(data["outline"], h, p, ht, pt)


def outline_vectors_path(kind: str) -> Path:
    """Where the shipped phrase vectors of the built-in outline ``kind`` are."""
    return models_dir().joinpath(*VECTORS_DIR, f"{kind}.json")


def outline_sha256(kind: str) -> str:
    """SHA-256 of the built-in outline file ``kind`` (its vectors file records the one it was built from)."""
    import hashlib  # (not at import: a review's cold start)

    return hashlib.sha256(outline_path(kind).read_bytes()).hexdigest()


@cache
def _shipped_vectors(kind: str) -> OutlineVectors | None:
    """The shipped vectors of a built-in outline, or None when absent or built from another version of it."""
    path = outline_vectors_path(kind)
    if not path.is_file():
        return None
    try:
        data = json.loads(read_data_text(path))
        if (data.get("schema") != 1 or data.get("outline") != kind or data.get("ngram_range") != list(NGRAMS)
                or data.get("source_sha256") != outline_sha256(kind)):
            return None  # stale (tests/test_outline_vectors.py keeps the shipped ones current): count afresh
        return OutlineVectors.from_json(data)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataFileError(str(path), f"not a valid outline vectors file ({exc}); rebuild it with "
                            "scripts/build_outline_vectors.py") from None


@lru_cache(maxsize=64)
def outline_vectors(ref: ReferenceOutline) -> OutlineVectors:
    """``ref``'s phrase vectors: shipped for a built-in outline, counted (once, cached) for any other."""
    if builtin_outlines().get(ref.id) == ref:
        shipped = _shipped_vectors(ref.id)
        if shipped is not None:
            return shipped
    return OutlineVectors.of(ref)


def similarities(
    headings: Sequence[str],
    paragraphs: Sequence[str],
    heading_profiles: Sequence[Sequence[str]],
    paragraph_profiles: Sequence[Sequence[str]],
) -> tuple[list[list[float]], list[list[float]]]:
    """Similarity of every heading and every paragraph to every part, in bulk.

    The TF-IDF model is that of ``TfidfVectorizer(analyzer="char", ngram_range=NGRAMS,
    sublinear_tf=True)`` fitted on the headings, the paragraphs and all the parts' phrasings together; a
    heading's similarity to part ``j`` is its highest cosine with one of ``heading_profiles[j]`` (0 when
    the part has none), and likewise for paragraphs and ``paragraph_profiles``. Returns two row lists:
    ``[heading][part]`` and ``[paragraph][part]``. (Matching uses :class:`Similarities` with the
    outline's vectors counted once.)
    """
    return vector_similarities(headings, paragraphs, OutlineVectors.from_phrases("", heading_profiles, paragraph_profiles))


def vector_similarities(
    headings: Sequence[str], paragraphs: Sequence[str], vectors: OutlineVectors
) -> tuple[list[list[float]], list[list[float]]]:
    """:func:`similarities` with the parts' phrasings given as counted :class:`OutlineVectors`."""
    from .tfidf import cosines

    return cosines(headings, paragraphs, vectors.indexed)


class Similarities:
    """TF-IDF cosine similarities of one document's headings and paragraphs to an outline's parts.

    The collection is the headings, the paragraphs and every phrase of the outline (each phrase one
    text, as often as it occurs), weighted as scikit-learn's ``TfidfVectorizer(analyzer="char",
    ngram_range=(2, 3), sublinear_tf=True)`` fitted on it would; a text's similarity to part ``j`` is its
    highest cosine with one of the part's phrases (0 when it has none). Computed for every text at once
    by :func:`govtext.tfidf.cosines`.
    """

    def __init__(self, headings: Sequence[str], paragraphs: Sequence[str], vectors: OutlineVectors) -> None:
        self._headings, self._paragraphs = vector_similarities(headings, paragraphs, vectors)

    def heading(self, i: int) -> list[float]:
        """Similarity of heading ``i`` to each part (its best heading phrasing)."""
        return self._headings[i]

    def paragraph(self, i: int) -> list[float]:
        """Similarity of paragraph ``i`` to each part (its best paragraph phrasing)."""
        return self._paragraphs[i]


@cache
def wording_variants(pattern: str, limit: int = 60) -> tuple[str, ...]:
    """The literal phrasings a wording pattern stands for: ``(存在|面临)(的)?问题`` → 存在问题, 存在的问题, ….

    Alternatives and optional groups are expanded; other regex syntax (``.{0,30}``, classes,
    look-arounds, anchors) separates phrases. Used as the documents a heading or paragraph is compared
    with in the TF-IDF model; cached, as the outlines' wordings recur in every document.
    """
    p = re.sub(r"\(\?[=!<]+[^()]*(\([^()]*\)[^()]*)*\)", "", pattern)  # look-arounds
    p = re.sub(r"\\[dswDSW]|\.(\{\d*,?\d*\}|[*+?])?|\[[^\]]*\](\{\d*,?\d*\}|[*+?])?|[\^$]", " ", p)

    def expand(seq: str) -> list[str]:
        out = [""]
        i = 0
        while i < len(seq):
            ch = seq[i]
            if ch == "(":
                depth, j = 1, i + 1
                while j < len(seq) and depth:
                    depth += {"(": 1, ")": -1}.get(seq[j], 0)
                    j += 1
                inner = seq[i + 1 : j - 1]
                alts = [v for a in _split_top(inner) for v in expand(a)]
                if j < len(seq) and seq[j] == "?":
                    alts.append("")
                    j += 1
                out = [o + a for o in out for a in alts][:limit]
                i = j
            elif i + 1 < len(seq) and seq[i + 1] == "?":  # one optional character: 取得的?成效
                out = [o + a for o in out for a in (ch, "")][:limit]
                i += 2
            else:
                out = [o + ch for o in out]
                i += 1
        return out

    variants = [v for alt in _split_top(p) for v in expand(alt)]
    phrases = {x for v in variants for x in re.split(r"\s+", v) if len(x) >= 3 and re.search(r"[\u4e00-\u9fff]", x)}
    return tuple(sorted(phrases)[:limit])


def _split_top(s: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch == "|" and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += {"(": 1, ")": -1}.get(ch, 0)
        cur += ch
    parts.append(cur)
    return parts


def heading_phrases(part: OutlinePart) -> list[str]:
    """What a part's heading may say: the phrasings of its heading wordings (or its label)."""
    return sorted({part.label, *(v for w in part.heading for v in wording_variants(w))})


def paragraph_phrases(part: OutlinePart) -> list[str]:
    """What a paragraph realising the part says: its examples and its lead/run-in phrasings."""
    return [*part.examples, *sorted({v for w in (*part.lead, *part.inline) for v in wording_variants(w) if len(v) >= 4})]


# --------------------------------------------------------------------------------------------------
# Kind detection

def _squashed_prefix(text: str, start: int, end: int, n: int) -> str:
    """At least the first ``n`` characters of ``squash(text[start:end])`` (all of it when shorter),
    without squashing a long paragraph whole."""
    stop = min(end, start + 2 * n)
    head = squash(text[start:stop])
    while len(head) < n and stop < end:
        stop = min(end, start + 2 * (stop - start))
        head = squash(text[start:stop])
    return head


def document_title(document: Document) -> tuple[str | None, int | None, int | None]:
    """The document's title and its span ``(title, start, end)``; Nones when it has none.

    The title read once with the document (``Document.title``/``title_span``, :func:`govtext.docmeta.find_title`).
    A title that is a page label (``来源：…``, given by a reader that took it for one) is ignored; a
    document built without a span has its given title located, or, without a title, found in its text.
    """
    if document.title and not PAGE_LABEL.match(document.title):
        if document.title_span is not None:
            return document.title, *document.title_span
        span = locate_title(Document.blank_residue(document.text, document.residue), document.title)
        return (document.title, *span) if span else (document.title, None, None)
    found = find_title(Document.blank_residue(document.text, document.residue))
    return found if found else (None, None, None)


def _title_line_end(units: _Units, start: int | None, end: int | None) -> int | None:
    """Where the title's line ends: a title line (at most 80 characters, with its dateline or subtitle) is
    no part's lead or statement; a title run into its body (breaks lost) ends at the title."""
    if start is None or end is None:
        return end
    i = units.para_of(start)
    if i is not None and len(units.paragraphs[i].text) <= 80:
        return max(end, units.paragraphs[i].end)
    return end


def detect_kind(document: Document | str, outlines: Sequence[ReferenceOutline] | None = None) -> KindGuess:
    """Guess the kind of document from its title, opening formula and body vocabulary.

    Each outline's ``[detect]`` wordings score: title match 3 (4 for a kind more specific than
    工作总结), opening formula 2, body vocabulary up to 2 (term density). Confidence grows with the
    margin over the runner-up and with a title or opening match.
    """
    doc = as_document(document)
    outlines = list(outlines) if outlines is not None else list(builtin_outlines().values())
    if not outlines:
        raise UsageError("no outlines to choose a kind from")
    title, _, _ = document_title(doc)
    title_s = squash(title or "")
    head = [(p.text, squash(p.text)[:80]) for p in doc.paragraphs[:12]]
    body = doc.view.text
    kchars = max(len(body), 1) / 1000
    term_counts = _term_counts([t for o in outlines for t in o.detect_body], body)
    scored: list[tuple[float, ReferenceOutline, list[ReasonItem], bool]] = []
    for o in outlines:
        s, strong = 0.0, False
        why: list[ReasonItem] = []
        if title_s and any(_rx(p).search(title_s) for p in o.detect_title):
            bonus = 3.0 if o.id == "work-summary" else 4.0
            s += bonus
            why.append(_ri(N_("title “{title}” names a {label}"), title=title, label=o.label))
            strong = True
        op = next((h for h, hs in head for p in o.detect_opening if _rx(p).search(hs)), None)
        if op is not None:
            s += 2.0
            why.append(_ri(N_("opening formula “{opening}”"), opening=op[:20]))
            strong = True
        hits = sum(term_counts[t] for t in o.detect_body)
        density = hits / kchars
        b = min(2.0, density / 4.0)
        if b > 0.05:
            s += b
            why.append(_ri(N_("{hits} body terms of a {label} ({density:.1f} per 1000 characters)"),
                           hits=hits, label=o.label, density=density))
        scored.append((s, o, why, strong))
    scored.sort(key=lambda t: -t[0])
    best, o, why, strong = scored[0]
    second = scored[1][0] if len(scored) > 1 else 0.0
    table = tuple((x[1].id, round(x[0], 2)) for x in scored)
    if best < 1.0:
        fallback = next((x for x in scored if x[1].id == "work-summary"), scored[0])
        items = (_ri(N_("no title, opening formula or body vocabulary recognised; assuming {label}"),
                     label=fallback[1].label),)
        return KindGuess(
            kind=fallback[1].id, label=fallback[1].label, confidence=0.2,
            reasons=tuple(_render(i) for i in items), scores=table, reason_items=items,
        )
    margin = (best - second) / best
    conf = min(0.99, (0.45 if strong else 0.15) + 0.55 * margin)
    return KindGuess(kind=o.id, label=o.label, confidence=round(conf, 2), reasons=tuple(_render(i) for i in why),
                     scores=table, reason_items=tuple(why))


def _is_regex(t: str) -> bool:
    return any(c in t for c in "\\^$.*+?()[]{}|")


def _term_counts(terms: Sequence[str], text: str) -> dict[str, int]:
    """How many times each of ``terms`` occurs in ``text``, counted as ``findall`` would (its
    non-overlapping occurrences). The literal terms that cannot overlap themselves are found in one pass
    of an Aho–Corasick automaton, where each occurrence of each counts; the others one at a time."""
    automaton, literal, rest = _term_automaton(tuple(dict.fromkeys(terms)))
    # (over the UTF-8 bytes: a term matches there only where it does in the text, as a character's first
    # byte is never another's inner one, and the text keeps no cached UTF-8 copy)
    found = Counter(map(itemgetter(0), automaton.find_matches_as_indexes(text.encode(), overlapping=True))
                    ) if automaton else {}
    counts = {t: found.get(i, 0) for i, t in enumerate(literal)}
    counts.update((t, len(_rx(t).findall(text)) if _is_regex(t) else text.count(t)) for t in rest)
    return counts


@lru_cache(maxsize=16)
def _term_automaton(terms: tuple[str, ...]) -> tuple[BytesAhoCorasick | None, tuple[str, ...], tuple[str, ...]]:
    """The automaton of the terms :func:`_term_counts` finds in one pass, those terms, and the others
    (regex terms, the empty one, and those with a prefix that is also a suffix: 哈哈 occurs once in
    哈哈哈 for ``findall``, twice for an overlapping search)."""
    from ahocorasick_rs import BytesAhoCorasick  # (not at import: a review's cold start)

    def one_pass(t: str) -> bool:
        return bool(t) and not _is_regex(t) and not any(t[:k] == t[-k:] for k in range(1, len(t)))

    literal = tuple(t for t in terms if one_pass(t))
    automaton = BytesAhoCorasick([t.encode() for t in literal]) if literal else None
    return automaton, literal, tuple(t for t in terms if not one_pass(t))


# --------------------------------------------------------------------------------------------------
# Units of a document: headings (from extract_sections), paragraphs and sentences

_SENT_END = re.compile(r"[。！？；!?;]+[”’」』）)]*")
#: A sentence (up to and with its end, or the rest of its paragraph) and the blanks after it: the first
#: sentence of a paragraph starts where it starts, the next ones after those blanks.
_SENTENCE = re.compile(r"([^。！？；!?;]*[。！？；!?;]+[”’」』）)]*|[^。！？；!?;]+)[ \t\u3000]*")
@dataclass(frozen=True)
class _Heading:
    index: int | None  # section index when it comes from extract_sections
    level: int
    title: str  # Section.title (no marker; a run-in heading's up to its stop), folded and squashed
    start: int
    title_end: int
    body_end: int
    inline: bool
    appendix: bool = False  # in an appendix part (sections.py: an ``appendix`` entry or under one)


class _Sentence(NamedTuple):  # (a tuple: tens of thousands per document, built at a third of a dataclass's cost)
    start: int
    end: int
    para: int  # paragraph number
    first: bool  # first sentence of its paragraph


@dataclass(frozen=True)
class _Candidate:
    part: str
    role: str
    start: int
    anchor_end: int
    region_end: int
    section_index: int | None
    strength: float
    sim: float | None = None
    anchor_key: tuple = ()
    by_similarity: bool = False  # a heading taken for its similarity alone (no wording matched)


class _Units:
    """The pieces a matcher looks at, built once per document."""

    def __init__(self, doc: Document, sections: Outline) -> None:
        self.doc = doc
        self.text = doc.text
        self.view = doc.view.text
        self.n = max(len(self.text), 1)
        self.paragraphs = doc.paragraphs
        self.headings = self._headings(sections)

    @cached_property
    def sentences(self) -> list[_Sentence]:
        """Every sentence outside statistics tables, in order (built when first asked for)."""
        return [s for i in range(len(self.paragraphs)) for s in self.sentences_in(i)]

    def sentences_in(self, i: int) -> Iterator[_Sentence]:
        """The sentences of paragraph ``i`` as they are read (none in a statistics table: its rows are never
        a part's lead, statement or body)."""
        p = self.paragraphs[i]
        if self.in_table(p.start):
            return
        first = True
        for m in _SENTENCE.finditer(self.text, p.start, p.end):
            yield _Sentence(m.start(), m.end(1), i, first)
            first = False

    def para_of(self, offset: int) -> int | None:
        """Index of the paragraph containing ``offset`` (None between paragraphs)."""
        for i, p in enumerate(self.paragraphs):
            if p.start <= offset < p.end:
                return i
        return None

    def in_table(self, offset: int) -> bool:
        """Whether ``offset`` lies in a statistics table (``Document.tables``)."""
        return bool(self.doc.tables) and self.doc.in_table(offset)

    def _headings(self, sections: Outline) -> list[_Heading]:
        out = []
        appendix: set[int] = set()  # the appendix parts sections.py set apart, and every section under one
        for s in sections.sections:
            if s.style == "appendix" or (s.parent is not None and s.parent in appendix):
                appendix.add(s.index)
            if self.in_table(s.start_char):
                continue  # a table row's own numbering (一、本年新收…申请数量) is not a heading of the report
            title = squash(_fold_title(s.title))
            out.append(_Heading(s.index, s.level, title, s.start_char, s.end_char, s.body_end, s.inline,
                                s.index in appendix))
        return out

    def rel(self, offset: int) -> float:
        return offset / self.n

    def innermost_end(self, offset: int) -> int:
        """End of the innermost heading's body containing ``offset`` (the document end if none)."""
        best = None
        for h in self.headings:
            if h.start <= offset < h.body_end and (best is None or h.start >= best.start):
                best = h
        if best is not None:
            return best.body_end
        after = [h.start for h in self.headings if h.start > offset and not h.inline]  # outside every section: up to the next
        return min(after) if after else len(self.text)


def _fold_title(t: str) -> str:
    from .text import fold

    return fold(t)


#: A list marker opening a paragraph or sentence, passed over when a lead or run-in wording is looked for.
_LEAD_STRIP = re.compile(rf"\s*(?:第?{CN}(?:、|是|，)|{OPEN}[{CN_DIGITS}\d]{{1,3}}{CLOSE}、?|\d{{1,2}}[.、．](?!\d))")


def _strip_lead(s: str) -> str:
    """``s`` without the list marker opening it (see ``_LEAD_STRIP``)."""
    m = _LEAD_STRIP.match(s)
    return s[m.end():] if m else s


# --------------------------------------------------------------------------------------------------
# Matching


def score_completeness(
    document: Document | str,
    outline: ReferenceOutline | str | Path | None = None,
    *,
    kind: str | None = None,
    sections: Outline | None = None,
) -> Completeness:
    """Compare ``document`` with a reference outline and score it.

    ``outline`` is a ``ReferenceOutline``, a built-in kind id or a path to an outline file; else
    ``kind`` (a built-in id) is used; else the kind is detected. ``sections`` is the document's
    section outline (``govtext.sections.extract_sections``); computed when not given.
    """
    doc = as_document(document)
    guess: KindGuess
    if outline is not None and kind is not None:
        ref = _resolve_outline(outline)
        if ref.id != kind and kind in builtin_outlines():
            raise UsageError(f"--kind {kind} and --outline {ref.id} disagree; give one of them")
    if outline is not None:
        ref = _resolve_outline(outline)
        item = _ri(N_("outline given: {outline}"), outline=ref.source or ref.id)
        guess = KindGuess(ref.id, ref.label, 1.0, (_render(item),), explicit=True, reason_items=(item,))
    elif kind is not None:
        ref = get_outline(kind)
        item = _ri(N_("kind given: {kind}"), kind=kind)
        guess = KindGuess(ref.id, ref.label, 1.0, (_render(item),), explicit=True, reason_items=(item,))
    else:
        guess = detect_kind(doc)
        ref = get_outline(guess.kind)
    if sections is None:
        sections = _sections(doc)
    units = _Units(doc, sections)
    chosen, others = _match(units, ref)
    parts, breakdown, score, findings = _score(units, ref, chosen, others, doc)
    return Completeness(
        path=doc.path, kind=guess, outline=ref, score=score, parts=tuple(parts),
        breakdown=tuple(breakdown), findings=tuple(findings),
    )


def _resolve_outline(outline: ReferenceOutline | str | Path) -> ReferenceOutline:
    if isinstance(outline, ReferenceOutline):
        return outline
    s = str(outline)
    if isinstance(outline, str) and s in builtin_outlines():
        return builtin_outlines()[s]
    p = Path(s)
    if not p.exists():
        raise UsageError(f"outline {s!r} is neither a file nor a known kind ({', '.join(sorted(builtin_outlines()))})")
    return load_outline(p)


def _sections(doc: Document) -> Outline:
    from .sections import extract_sections

    return extract_sections(doc)


def _match(units: _Units, ref: ReferenceOutline) -> tuple[dict[str, _Candidate | None], dict[str, list[_Candidate]]]:
    """Candidates for every part by role, then the best per part (see ``_assign``)."""
    view = units.view
    parts = list(ref.parts)
    cands: list[_Candidate] = []

    # TF-IDF model over this document's headings and paragraphs plus every part's profile
    heading_units = list(units.headings)
    heading_titles = [h.title for h in heading_units]
    similar = Similarities(heading_titles, [squash(p.text) for p in units.paragraphs], outline_vectors(ref))

    def hsim(hi: int, j: int) -> float:
        return similar.heading(hi)[j]

    def psim(pi: int, j: int) -> float:
        return similar.paragraph(pi)[j]

    # 1. headings: wording match, else a near-miss by similarity
    n_numbered = len(units.headings)
    heading_words = _wordings(tuple(p.heading if "heading" in p.roles else () for p in parts))
    for hi, h in enumerate(heading_units):
        title = h.title
        if not title:
            continue
        matched = False
        # a run-in heading (一是…，…) or a long one is a whole sentence: its wording must come first
        said = title[:12] if h.inline else title if len(title) <= 30 else title[:20]
        found = heading_words.prefilter.ends(said)
        for j, p in enumerate(parts):
            if not found:
                break
            if "heading" not in p.roles:
                continue
            m = heading_words.first_match(j, said, found)
            if m is not None:
                matched = True
                sim = hsim(hi, j)
                strength = ROLE_RANK["heading"] + min(len(m), 8) / 10 - h.level * 0.05 + sim / 2
                cands.append(_Candidate(p.id, "heading", h.start, h.title_end, h.body_end, h.index, strength,
                                        round(sim, 2), anchor_key=("h", h.start)))
        if not matched and h.level <= 2 and not h.inline and hi < n_numbered:
            sims = [(hsim(hi, j), j) for j, p in enumerate(parts) if "heading" in p.roles]
            if sims:
                sim, j = max(sims)
                if sim >= HEADING_SIMILARITY:
                    cands.append(_Candidate(parts[j].id, "heading", h.start, h.title_end, h.body_end, h.index,
                                            ROLE_RANK["heading"] - 0.5 + sim / 10, round(sim, 2), ("h", h.start),
                                            by_similarity=True))

    # a heading inside the section of a heading naming only the same part is a piece of it and ranks below
    # it (三要依法行政 under （五）切实转变工作作风，全面加强政府自身建设, an exact wording though it is); a
    # heading naming several parts (“十五五”时期主要目标和2026年重点工作) leaves them to its subsections
    heads = [c for c in cands if c.role == "heading"]
    named = Counter(c.start for c in heads)
    for k, c in enumerate(cands):
        outer = [o.strength for o in heads
                 if o.part == c.part and named[o.start] == 1 and o.start < c.start < o.region_end]
        if outer and c.strength >= min(outer):
            cands[k] = replace(c, strength=min(outer) - 0.001)

    # 2. leads (paragraph starts) and 3. inline statements (any sentence); never the title or a page label
    title, tstart, title_end = document_title(units.doc)
    tend = _title_line_end(units, tstart, title_end)
    heading_starts = {h.start for h in units.headings if not h.inline}
    title_s = squash(title) if title else None
    window = max((p.window for p in parts), default=0) + 16  # (a marker _LEAD_STRIP takes off is shorter)
    lead_words = _wordings(tuple(p.lead if "lead" in p.roles else () for p in parts))
    inline_words = _wordings(tuple(p.inline if "inline" in p.roles else () for p in parts))
    # a run-in wording is found in a sentence only where the text it requires (prefilter.py) is in its
    # paragraph, and one that looks at nothing around its match only where it is found in the paragraph:
    # a paragraph without one is passed over but for its opening sentence
    by_paragraph = not any(_CONTEXT.search(w) for w in inline_words.prefilter.patterns)
    # every paragraph's text and opening (squashed, its marker off, as long as any part's window), and
    # the wordings whose required text each holds: one automaton pass per role over them all
    skip = [units.in_table(p.start) for p in units.paragraphs]  # (a table's rows have no sentences)
    squashed = ["" if no else squash(view[p.start : p.end]) for p, no in zip(units.paragraphs, skip, strict=True)]
    heads = ["" if no else _strip_lead(_squashed_prefix(view, p.start, p.end, window))
             for p, no in zip(units.paragraphs, skip, strict=True)]
    inline_found = inline_words.prefilter.ends_each(squashed)
    lead_found = lead_words.prefilter.ends_each(heads)
    for i, para in enumerate(units.paragraphs):
        maybe = None
        for s in units.sentences_in(i):
            if tstart is not None and tend is not None and tstart <= s.start < tend:
                if s.end <= tend or not s.first:
                    continue
                s = s._replace(start=tend)  # a title run into its body (breaks lost): the body starts after it
            if s.first:
                ptext = para.text
                if PAGE_LABEL.match(ptext) or (title_s is not None and (not title_s or ptext.lstrip()[:1] == title_s[:1])
                                               and squash(ptext) == title_s):  # the title repeated on a page
                    continue
            if s.start in heading_starts:
                continue  # a numbered heading's line is looked at as a heading only
            if maybe is None:  # whether some part's run-in wording may match in the paragraph
                maybe = bool(found := inline_found[i])
                if maybe and by_paragraph:
                    maybe = any(inline_words.compiled[k].search(squashed[i]) is not None for k in found)
            if not maybe and not s.first:
                break  # (nor in the paragraph's other sentences)
            stripped = _strip_lead(squash(view[s.start : s.end])) if maybe else ""
            said = inline_words.prefilter.ends(stripped) if maybe else {}  # the wordings that may match
            if not said and not s.first:
                continue
            leads = {}  # the paragraph's opening and the lead wordings that may match in it
            if s.first and s.start == para.start:
                lead_head, leads = heads[i], lead_found[i]
            elif s.first:  # (the body after a title run into it)
                lead_head = _strip_lead(_squashed_prefix(view, s.start, para.end, window))
                leads = lead_words.prefilter.ends(lead_head)
            if not leads and not said:
                continue
            for j, p in enumerate(parts):
                if leads and "lead" in p.roles:
                    m = lead_words.first_match(j, lead_head[: p.window], leads, p.window)
                    if m is not None:
                        region = units.innermost_end(s.start) if p.extent == "section" else para.end
                        region = max(region, _list_end(units, s) or 0)
                        sim = psim(s.para, j)
                        cands.append(_Candidate(p.id, "lead", s.start, s.end, region, None,
                                                ROLE_RANK["lead"] + min(len(m), 8) / 40 + sim / 2, round(sim, 2),
                                                anchor_key=("s", s.start)))
                        continue
                if said and "inline" in p.roles:
                    m = inline_words.first_match(j, stripped, said)
                    if m is not None:
                        sim = psim(s.para, j)
                        region = max(para.end, _list_end(units, s) or 0)
                        cands.append(_Candidate(p.id, "inline", s.start, s.end, region, None,
                                                ROLE_RANK["inline"] + min(len(m), 8) / 40 + sim / 2, round(sim, 2),
                                                anchor_key=("s", s.start)))

    # 3b. the opening: without a 现将……如下 formula, the first body paragraph stating the year's situation
    opening = next((p for p in parts if p.id == "opening" and "lead" in p.roles), None)
    if opening is not None and not any(c.part == "opening" for c in cands):
        first = _first_body_paragraph(units, tend)
        if first is not None:
            para = units.paragraphs[first]
            end = next((x.end for x in units.sentences_in(first)), para.end)
            sim = psim(first, parts.index(opening))
            cands.append(_Candidate("opening", "lead", para.start, end, para.end, None, ROLE_RANK["lead"] - 0.5 + sim / 2,
                                    round(sim, 2), anchor_key=("s", para.start)))

    # 4. title
    if title and tstart is not None:
        title_words = _wordings(tuple(p.title if "title" in p.roles else () for p in parts))
        found = title_words.prefilter.ends(title_s)
        for j, p in enumerate(parts):
            if "title" in p.roles and title_words.first_match(j, title_s, found) is not None:
                cands.append(_Candidate(p.id, "title", tstart, title_end, tend, None, ROLE_RANK["title"], anchor_key=("t", 0)))

    chosen, others = _assign(cands, units, ref)

    # 5. body: the numbered top-level sections no other part claims
    for p in parts:
        if "body" in p.roles:
            body = _body_candidate(p, units, chosen, ref)
            if chosen.get(p.id) is None:
                chosen[p.id] = body
            elif body is not None:  # found by heading or lead, and its sections follow: they belong to it too
                others[p.id].append(body)

    # 6. implied: a paragraph that reads like a missing part (similarity only)
    for j, p in enumerate(parts):
        if chosen.get(p.id) is not None:
            continue
        best: tuple[float, int] | None = None
        taken = [(c.start, c.region_end) for c in chosen.values() if c is not None]
        for k, para in enumerate(units.paragraphs):
            if len(para.text) < 20 or any(a <= para.start < b for a, b in taken):
                continue
            if not _position_ok(p, ref, units, para.start):
                continue
            sims = similar.paragraph(k)
            sim = sims[j]
            if sim >= IMPLIED_SIMILARITY and sim >= max(sims) and (best is None or sim > best[0]):
                best = (sim, k)
        if best is not None:
            para = units.paragraphs[best[1]]
            chosen[p.id] = _Candidate(p.id, "implied", para.start, para.end, para.end, None, 0.0, round(best[0], 2))
    return chosen, others


#: The year a paragraph speaks of: an opening paragraph states the year's situation.
_YEAR_WORDS = re.compile(r"(19|20)\d\d年|今年|一年来|本年度|全年|年初以来|过去一年|上半年|下半年")
#: A list item's marker: its family (for a run of items) and its number.
_ITEM = re.compile(
    rf"^\s*(?:(?P<cn>{CN})(?P<cnsep>[、是]|，)|{OPEN}(?P<pcn>{CN}){CLOSE}|"
    rf"{OPEN}(?P<pd>\d{{1,2}}){CLOSE}|(?P<d>\d{{1,2}})(?P<dsep>[.、．)）])(?!\d)|第(?P<ord>{CN})[，,、]|"
    rf"(?P<circ>{CIRCLED}))"
)
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)}


def _cn_number(s: str) -> int:
    if s == "十":
        return 10
    if "十" in s:
        a, _, b = s.partition("十")
        return (_CN_DIGITS.get(a, 1) if a else 1) * 10 + (_CN_DIGITS.get(b, 0) if b else 0)
    return _CN_DIGITS.get(s, 0)


def _item(text: str) -> tuple[str, int] | None:
    """(family, number) of a paragraph that starts with a list marker (一是, （二）, 3., ④), else None."""
    m = _ITEM.match(text)
    if m is None:
        return None
    if m["cn"]:
        return "cn" + m["cnsep"], _cn_number(m["cn"])
    if m["pcn"]:
        return "pcn", _cn_number(m["pcn"])
    if m["pd"]:
        return "pd", int(m["pd"])
    if m["d"]:
        return "d" + m["dsep"].replace("．", "."), int(m["d"])
    if m["ord"]:
        return "ord", _cn_number(m["ord"])
    c = ord(m["circ"])
    first, last, name = next(r for r in CIRCLED_RANGES if r[0] <= c <= r[1])
    return "circ" + name, c - first + 1


def _list_end(units: _Units, s: _Sentence) -> int | None:
    """End of the list a lead-in sentence announces (``下一步，重点抓好以下工作：`` then 1. 2. 3.).

    The sentence must end its paragraph with a colon (or announce 以下/如下/几个方面); the list is the
    run of following paragraphs numbered 1, 2, 3 … in one marker family, so the part is judged by the
    list rather than by its one-line lead. None when no such list follows.
    """
    para = units.paragraphs[s.para]
    lead = units.text[s.start : para.end].rstrip()
    if not (lead.endswith(("：", ":")) or re.search(r"(以下|如下|下列|几个方面|几方面)", lead[-30:])):
        return None
    if units.text[s.end : para.end].strip() and not lead.endswith(("：", ":")):
        return None
    end, want = None, None
    for q in units.paragraphs[s.para + 1 :]:
        it = _item(q.text)
        if it is None or units.in_table(q.start):
            break
        family, n = it
        if want is None:
            if n != 1:
                break
        elif family != want[0] or n != want[1] + 1:
            break
        want = (family, n)
        end = q.end
    return end if want is not None and want[1] >= 2 else None


def _first_body_paragraph(units: _Units, title_end: int | None) -> int | None:
    """Index of the opening paragraph: the first body paragraph, before any numbered heading, that
    states the year's situation (a year word, at least two sentences' worth). Title, page labels,
    salutations, tables and short lines are passed over; None when the body opens otherwise.
    """
    first_heading = min((h.start for h in units.headings if not h.inline and h.level == 1), default=len(units.text))
    for i, p in enumerate(units.paragraphs):
        if p.start >= first_heading or units.rel(p.start) > 0.3:
            return None
        if (title_end is not None and p.start < title_end) or units.in_table(p.start):
            continue
        t = p.text
        if PAGE_LABEL.match(t) or _TITLE_SKIP.match(t) or len(t) < 30 or t.endswith(("：", ":")):
            continue
        if _item(t) is not None:
            return None
        return i if _YEAR_WORDS.search(t[:80]) and _SENT_END.search(t) else None
    return None


#: What makes a regex look around its match (anchors, word boundaries, look-arounds).
_CONTEXT = re.compile(r"\^|\$|\\[bBAZ]|\(\?<?[=!]")


@dataclass(frozen=True)
class _Wordings:
    """One role's wordings (lead, inline or heading) of every part of an outline, compiled, with the
    prefilter that tells which of them may match a text (``govtext.prefilter``)."""

    prefilter: Prefilter  # over the wordings of all parts, in part order
    compiled: tuple[re.Pattern[str], ...]
    spans: tuple[range, ...]  # per part: its wordings' indexes

    def first_match(self, part: int, s: str, found: dict[int, int], limit: int | None = None) -> str | None:
        """The longest of part ``part``'s wordings' first matches in ``s`` (an empty one as " "), None when
        none matches; only the wordings ``found`` are tried (the prefilter's answer for ``s``, or for a
        longer text of which ``s`` is the first ``limit`` characters)."""
        best = None
        for k in self.spans[part]:
            end = found.get(k)
            if end is None or (limit is not None and end > limit):
                continue
            m = self.compiled[k].search(s)
            if m is not None and (best is None or len(m.group()) > len(best)):
                best = m.group() or " "
        return best


@cache
def _wordings(by_part: tuple[tuple[str, ...], ...]) -> _Wordings:
    """The :class:`_Wordings` of these parts' wordings (one tuple per part, empty for a part without the role)."""
    flat = tuple(w for words in by_part for w in words)
    spans, k = [], 0
    for words in by_part:
        spans.append(range(k, k + len(words)))
        k += len(words)
    return _Wordings(Prefilter(flat), _compiled(flat), tuple(spans))


@cache
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """``patterns`` compiled (one cache lookup for a part's wordings, not one per wording)."""
    return tuple(map(_rx, patterns))


def _position_ok(part: OutlinePart, ref: ReferenceOutline, units: _Units, start: int) -> bool:
    r = units.rel(start)
    if part.position == "start":
        return r <= 0.5
    if part.position == "end" or part.id in ref.near_end:
        return r >= 1 - ref.end_fraction - 0.1
    return True


def _assign(
    cands: list[_Candidate], units: _Units, ref: ReferenceOutline
) -> tuple[dict[str, _Candidate | None], dict[str, list[_Candidate]]]:
    """Give each part its best candidate; one heading or sentence realises at most one part.

    Also returns, per part, the other candidates no part chose (further places stating it).
    """
    by_id = {p.id: p for p in ref.parts}

    def key(c: _Candidate) -> tuple:
        p = by_id[c.part]
        fit = 1 if _position_ok(p, ref, units, c.start) else 0
        # among equals, prefer: closing parts the latest, the others the earliest
        late = p.position == "end" or p.id in ref.near_end
        order = c.start if late else -c.start
        return (fit, c.strength, order)

    chosen: dict[str, _Candidate | None] = {p.id: None for p in ref.parts}
    taken: set[tuple] = set()
    order = {p.id: i for i, p in enumerate(ref.parts)}

    def nested_wrongly(c: _Candidate) -> bool:
        """Whether ``c`` sits inside another part's section where it cannot be.

        Inside the section of a part the outline puts *before* it, a part may sit only if its
        ``within`` names that part (问题与不足 inside 工作回顾). Inside a part put *after* it, only
        the section's preamble is allowed (``二、2015年工作安排`` states the 总体要求 before its
        ``（一）…（十）`` tasks).
        """
        if c.role == "heading":
            return False
        within = by_id[c.part].within
        for o in chosen.values():
            if o is None or o.role != "heading" or o.part == c.part or not o.start <= c.start < o.region_end:
                continue
            if order[o.part] < order[c.part]:
                if "*" not in within and o.part not in within:
                    return True
            elif any(o.start < h.start <= c.start < h.body_end for h in units.headings if not h.inline):
                return True
        return False

    def heading_inside_other(c: _Candidate) -> bool:
        """A part's heading nested under another part's heading that its ``within`` does not allow
        (（一）主动公开政府信息情况 under 一、总体情况, when 二、主动公开政府信息情况 exists)."""
        within = by_id[c.part].within
        if c.role != "heading" or "*" in within:
            return False
        return any(o is not None and o.role == "heading" and o.part != c.part and o.part not in within
                   and o.start < c.start < o.region_end for o in chosen.values())

    ranked = sorted(cands, key=key, reverse=True)
    for c in ranked:
        if chosen[c.part] is None and c.anchor_key not in taken and not nested_wrongly(c):
            chosen[c.part] = c
            taken.add(c.anchor_key)
    # a heading chosen inside another part's section gives way to one of its own standing (same fit)
    for pid, c in list(chosen.items()):
        if c is None or not heading_inside_other(c):
            continue
        alt = next((d for d in ranked if d.part == pid and d is not c and d.role == "heading"
                    and d.anchor_key not in taken and key(d)[0] >= key(c)[0]
                    and not nested_wrongly(d) and not heading_inside_other(d)), None)
        if alt is not None:
            taken.discard(c.anchor_key)
            chosen[pid] = alt
            taken.add(alt.anchor_key)
    # the other places that realise a part (a report may state its targets twice)
    others: dict[str, list[_Candidate]] = {p.id: [] for p in ref.parts}
    for c in ranked:
        if c.anchor_key not in taken and _position_ok(by_id[c.part], ref, units, c.start) and not nested_wrongly(c):
            others[c.part].append(c)
            taken.add(c.anchor_key)
    return chosen, others


def _body_candidate(
    p: OutlinePart, units: _Units, chosen: dict[str, _Candidate | None], ref: ReferenceOutline
) -> _Candidate | None:
    """The numbered top-level sections no part claims, between the parts before and after ``p``.

    When the part before ``p`` opens a section's preamble (``三、…`` starting with the 预期目标), the
    subsections that follow it in that section are taken instead.
    """
    claimed = [(c.start, c.region_end) for q, c in chosen.items() if c is not None and c.role in ("heading", "body")]
    ids = [q.id for q in ref.parts]
    k = ids.index(p.id)
    own = chosen.get(p.id)
    lo = max((c.start for q, c in chosen.items() if c is not None and ids.index(q) < k and c.role != "title"), default=0)
    if own is not None:
        lo = max(lo, own.start)
    hi = min((c.start for q, c in chosen.items() if c is not None and ids.index(q) > k and c.start > lo),
             default=len(units.text))
    tops = [h for h in units.headings if not h.inline and not h.appendix]  # appendices are no part's body
    if not tops:
        return None
    top_level = min(h.level for h in tops)
    free = [h for h in tops if h.level == top_level and lo <= h.start < hi
            and not any(a <= h.start < b for a, b in claimed)]
    if not free and lo > 0:
        inside = [h for h in tops if h.start <= lo < h.body_end]
        if inside:
            box = max(inside, key=lambda h: h.start)
            kids = [h for h in tops if lo < h.start < min(hi, box.body_end) and h.level > box.level]
            if kids:
                lvl = min(h.level for h in kids)
                free = [h for h in kids if h.level == lvl and not any(a <= h.start < b for a, b in claimed)]
    if not free:
        return _body_paragraphs(p, units, chosen, ref, hi)
    first, last = free[0], free[-1]
    end = min(last.body_end, hi)
    for q, c in chosen.items():  # stop where another part begins
        if c is not None and q != p.id and first.start < c.start < end:
            end = c.start
    return _Candidate(p.id, "body", first.start, first.title_end, end, first.index, ROLE_RANK["body"],
                      anchor_key=("h", first.start))


def _body_paragraphs(
    p: OutlinePart, units: _Units, chosen: dict[str, _Candidate | None], ref: ReferenceOutline, hi: int
) -> _Candidate | None:
    """A body told without numbered sections: the text between the parts before ``p`` and the next part.

    When a summary has no numbered sections before its next part, its main work is the run of
    paragraphs after the opening and before the next part found (存在问题, say) — or, where paragraph
    breaks were lost (a crawled page), the run of sentences. Never a table, a page label, the title or
    a sentence another part stands on; at least 60 characters. Role ``paragraphs``: weak as unnumbered
    (and thin under the part's ``min_chars``).
    """
    if any(not h.inline for h in units.headings if h.start < hi):
        return None  # numbered sections exist before the next part: the body is theirs or nobody's
    ids = [q.id for q in ref.parts]
    k = ids.index(p.id)
    others = [c for c in chosen.values() if c is not None]
    lo = max((c.region_end for c in others if c.role == "title"), default=0)
    for q, c in chosen.items():
        if c is None or ids.index(q) >= k or c.role == "title":
            continue
        i = units.para_of(c.start)
        if c.role in ("lead", "inline", "implied") and i is not None:
            para = units.paragraphs[i]
            shared = any(o is not c and para.start <= o.start < para.end for o in others)
            lo = max(lo, c.anchor_end if shared else para.end)  # one paragraph holding several parts: its sentences
        else:
            lo = max(lo, c.region_end)
    anchors = {c.start for c in others}
    sents = [
        x for x in units.sentences
        if lo <= x.start < hi and x.start not in anchors and not units.in_table(x.start)
        and not (x.first and PAGE_LABEL.match(units.paragraphs[x.para].text))
    ]
    if not sents or sum(len(squash(units.text[x.start : x.end])) for x in sents) < 60:
        return None  # (fewer than min_chars make it thin, as for any part)
    first, last = sents[0], sents[-1]
    return _Candidate(p.id, "paragraphs", first.start, first.end, last.end, None, ROLE_RANK["body"] - 0.5,
                      anchor_key=("s", first.start))


# --------------------------------------------------------------------------------------------------
# Statuses, score, findings

#: What each weakness costs, as a share of the part's weight (a weak part keeps at least a quarter).
WEAKNESS_COST = {"unnumbered": 0.25, "thin": 0.25, "out-of-place": 0.25, "implied": 0.5}


def _credit(status: str, because: Sequence[str]) -> float:
    if status != "weak":
        return CREDIT[status]
    return max(0.25, 1.0 - sum(WEAKNESS_COST.get(b, 0.25) for b in because))


def _span_end(c: _Candidate, starts: Sequence[int], text: str) -> int:
    """A candidate's text ends at its region's end or where the next found part begins."""
    end = c.region_end
    for s in starts:
        if c.start < s < end:
            end = s
    return _rstrip(text, c.start, end)


def _score(
    units: _Units,
    ref: ReferenceOutline,
    chosen: dict[str, _Candidate | None],
    others: dict[str, list[_Candidate]],
    doc: Document,
):
    text = units.text
    starts = sorted(c.start for c in chosen.values() if c is not None)
    all_starts = sorted({*starts, *(c.start for cs in others.values() for c in cs)})
    results: list[PartResult] = []
    for p in ref.parts:
        c = chosen.get(p.id)
        if c is None:
            item = _missing_reason(p)
            results.append(PartResult(p.id, p.label, p.required, p.weight, "missing", _render(item),
                                      reason_items=(item,)))
            continue
        end = _span_end(c, starts, text)
        also = [(o.start, _span_end(o, all_starts, text), o) for o in others.get(p.id, []) if not c.start <= o.start < end]
        # a part realised in several places (履职 under 一、二、三) is as thick as all of them together
        nchars = nsent = 0
        for cand, cend in ((c, end), *((o, oend) for _, oend, o in also)):
            content = text[cand.anchor_end : cend] if cand.role in ("heading", "body") else text[cand.start : cend]
            nchars += len(squash(content))
            nsent += len(_SENT_END.findall(content)) + (1 if content.strip() and not _SENT_END.search(content[-3:]) else 0)
        because: list[str] = []
        anchor = text[c.start : c.anchor_end].strip()
        items = [_found_reason(c, anchor, units)]
        if c.role == "implied":
            because.append("implied")
            items.append(_ri(N_("only implied: no wording of its own, but a paragraph reads like it "
                                "(similarity {similarity:.2f})"), similarity=c.sim))
        elif c.role == "paragraphs":
            because.append("unnumbered")
            items.append(_ri(N_("told in unnumbered paragraphs, without a heading or lead sentence of its own")))
        elif c.role not in p.full_roles:
            because.append("unnumbered")
            items.append(_ri(N_("stated inside a paragraph, without a heading or lead sentence of its own")))
        if p.min_chars and nchars < p.min_chars or p.min_sentences and nsent < p.min_sentences:
            because.append("thin")
            items.append(_ri(N_("thin: {sentences} sentence(s), {chars} characters"), sentences=nsent, chars=nchars))
        if p.position != "any" and not _position_ok(p, ref, units, c.start) and c.role != "title":
            because.append("out-of-place")
            if p.position == "start":
                tpl = N_("out of place: starts at {at:.0%} of the text, expected near the beginning")
            else:
                tpl = N_("out of place: starts at {at:.0%} of the text, expected near the end")
            items.append(_ri(tpl, at=units.rel(c.start)))
        status = "weak" if because else "present"
        subs = _subparts(p, units) if p.subparts else ()
        results.append(PartResult(
            p.id, p.label, p.required, p.weight, status, "; ".join(map(_render, items)), role=c.role,
            start_char=c.start, end_char=end, section_index=c.section_index, anchor=_short(anchor),
            weak_because=tuple(because), similarity=c.sim, subparts=subs,
            also=tuple((a, b) for a, b, _ in also), reason_items=tuple(items),
        ))

    # score: weighted share of the parts found; optional parts count only when the document has them
    active = [r for r in results if r.required or r.status != "missing"]
    total = sum(r.weight for r in active) or 1.0
    breakdown: list[ScoreItem] = []
    scored: list[PartResult] = []
    lost = 0.0
    for r in results:
        if r.required or r.status != "missing":
            cost = round(100 * r.weight / total * (1 - _credit(r.status, r.weak_because)), 1)
        else:
            cost = 0.0
        if cost:
            why = "missing" if r.status == "missing" else "weak (" + ", ".join(r.weak_because) + ")"
            breakdown.append(ScoreItem(r.id, -cost, f"{r.label} {why}: weight {r.weight:g} of {total:g}"))
        lost += cost
        scored.append(replace(r, cost=cost))
    findings: list[Finding] = []
    by_id = {r.id: r for r in scored}
    for a, b in ref.order_before:
        ra, rb = by_id[a], by_id[b]
        if ra.start_char is not None and rb.start_char is not None and ra.start_char > rb.start_char:
            lost += ref.order_penalty
            breakdown.append(ScoreItem(f"order:{a}<{b}", -ref.order_penalty, f"{ra.label} comes after {rb.label}"))
            findings.append(_finding(doc, "GT403", ra.start_char, _anchor_end(ra, text), first=ra.label, second=rb.label))
    for pid in ref.near_end:
        r = by_id[pid]
        if r.start_char is not None and units.rel(r.start_char) < 1 - ref.end_fraction:
            lost += ref.order_penalty
            breakdown.append(ScoreItem(f"near-end:{pid}", -ref.order_penalty,
                                       f"{r.label} starts at {units.rel(r.start_char):.0%} of the text"))
            findings.append(_finding(doc, "GT404", r.start_char, _anchor_end(r, text), label=r.label))
    score = max(0, min(100, round(100 - lost)))
    prev_end = 0
    for r in scored:
        if r.status == "missing":
            if r.required:
                findings.append(_finding(doc, "GT401", prev_end, prev_end, label=r.label))
        else:
            if r.status == "weak":
                findings.append(_finding(doc, "GT402", r.start_char, _anchor_end(r, text), label=r.label,
                                         because=", ".join(r.weak_because)))
            prev_end = max(prev_end, r.end_char or 0)
        for s in r.subparts:
            if s.status == "missing":
                at = r.start_char or 0
                findings.append(_finding(doc, "GT405", at, at, label=s.label))
    findings.sort(key=lambda f: (f.start_char, f.code))
    return scored, breakdown, score, findings


def _subparts(p: OutlinePart, units: _Units) -> tuple[PartResult, ...]:
    """Map each sub-part (党建 dimension) to the most specific heading that names it."""
    out = []
    titles = [h.title for h in units.headings]
    # where in each title each dimension is named; the last one named is the title's main subject
    # (``强化思想引领，加强政治建设`` is about 政治建设)
    named: list[dict[str, int]] = []
    for t in titles:
        pos = {}
        for s in p.subparts:
            found = [m.start() for pat in s.heading if (m := _rx(pat).search(t))]
            if found:
                pos[s.id] = min(found)
        named.append(pos)
    for s in p.subparts:
        best = None
        for h, t, pos in zip(units.headings, titles, named, strict=True):
            if s.id in pos:
                main = pos[s.id] == max(pos.values())
                key = (0 if main else 1, h.level, h.start)
                if best is None or key < best[0]:
                    best = (key, h, t)
        if best is None:
            item = _ri(N_("no heading names {label}"), label=s.label)
            out.append(PartResult(s.id, s.label, False, s.weight, "missing", _render(item), reason_items=(item,)))
            continue
        _, h, t = best
        # the line, not the section's 0-based index: the reviewer finds a line, "section 0" means nothing
        item = _ri(N_("heading “{anchor}” (line {line})"), anchor=_short(t), line=units.doc.line_col(h.start)[0])
        out.append(PartResult(
            s.id, s.label, False, s.weight, "present", _render(item), role="heading",
            start_char=h.start, end_char=h.body_end, section_index=h.index, anchor=_short(t), reason_items=(item,),
        ))
    return tuple(out)


def _anchor_end(r: PartResult, text: str) -> int:
    """End of the part's anchor (its heading or lead sentence) for a finding's span."""
    assert r.start_char is not None and r.end_char is not None
    stop = _SENT_END.search(text, r.start_char, r.end_char)
    nl = min((i for c in "\n\x0b\x0c\x85\u2028\u2029" if (i := text.find(c, r.start_char, r.end_char)) >= 0),
             default=-1)  # the first line end (text.LINE_BREAKS; a CR before LF stays in, as before)
    ends = [x for x in (stop.end() if stop else None, nl if nl >= 0 else None, r.end_char) if x is not None]
    return max(r.start_char, min(ends))


def _finding(doc: Document, code: str, start: int, end: int, **fmt: str) -> Finding:
    return Finding.at(doc, code, start, end, **fmt)


def _ri(template: str, **params: object) -> ReasonItem:
    """One reason piece: an ``N_()``-marked English template and the values of its ``{fields}``."""
    return template, tuple(params.items())


def _render(item: ReasonItem) -> str:
    """The English text of a reason piece (``PartResult.reason`` joins a part's pieces with ``; ``)."""
    template, params = item
    return template.format(**dict(params))


def _found_reason(c: _Candidate, anchor: str, units: _Units) -> ReasonItem:
    line = units.doc.line_col(c.start)[0]
    a = _short(anchor)
    if c.role == "heading":
        if c.by_similarity:
            return _ri(N_("heading “{anchor}” (line {line}, no wording but similar phrasing {similarity:.2f})"),
                       anchor=a, line=line, similarity=c.sim)
        return _ri(N_("heading “{anchor}” (line {line})"), anchor=a, line=line)
    if c.role == "lead":
        return _ri(N_("paragraph opening “{anchor}” (line {line})"), anchor=a, line=line)
    if c.role == "inline":
        return _ri(N_("run-in statement “{anchor}” (line {line})"), anchor=a, line=line)
    if c.role == "body":
        return _ri(N_("numbered sections from “{anchor}” (line {line})"), anchor=a, line=line)
    if c.role == "paragraphs":
        return _ri(N_("unnumbered paragraphs from “{anchor}” (line {line})"), anchor=a, line=line)
    if c.role == "title":
        return _ri(N_("title “{anchor}”"), anchor=a)
    return _ri(N_("paragraph at line {line}"), line=line)


#: How each role realises a part, for the reason of a missing one (the words are msgids themselves).
_ROLE_WAYS = {"heading": N_("heading"), "lead": N_("lead sentence"), "inline": N_("run-in statement"),
              "body": N_("numbered sections"), "title": N_("title")}


def _missing_reason(p: OutlinePart) -> ReasonItem:
    """``how`` is the English list of ways; ``ways`` (unused by the English template) gives them one by
    one as msgids, so a translated report can translate each and join them its own way."""
    ways = tuple(_ROLE_WAYS[r] for r in p.roles)
    return _ri(N_("not found: no {how} or similar paragraph realises it"), how=", ".join(ways), ways=ways)


def _short(s: str, n: int = 40) -> str:
    s = re.sub(r"\s+", " ", s).strip()
    return s if len(s) <= n else s[: n - 1] + "…"


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t\r\n\x0b\x0c\x85\u2028\u2029\u3000\u00a0":
        end -= 1
    return end
