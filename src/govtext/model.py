"""Frozen records that every stage returns. Offsets are 0-based into the original text."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, fields
from functools import cache, cached_property

from .errors import InputError
from .text import (
    Layout,
    LineIndex,
    Paragraph,
    TextView,
    blank_spans,
    mark_context,
    surrogate_problem,
    text_layout,
)


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _record(obj: object) -> dict:
    """A record's fields as a dict. Every record's values are plain (str, numbers, None, tuples of
    them), so this equals ``dataclasses.asdict``, without its recursive deep copy (~10× slower)."""
    return {name: getattr(obj, name) for name in _field_names(type(obj))}


@dataclass(frozen=True)
class Document:
    """A document as read: the original ``text`` (never modified) and what is known about it.

    ``path`` is the source path as the user gave it (``"-"`` for stdin, ``None`` for a string).
    ``title_span`` is where the title stands (``docmeta.title_text(text, title_span) == title``: the
    characters, a line break inside a wrapped title squashed); None when the title is not in the text.
    """

    text: str
    path: str | None = None
    encoding: str | None = None
    title: str | None = None
    year: int | None = None
    source_format: str = "txt"  # txt | md | docx | pdf | stdin | string
    # Spans (start, end) of tables the reader saw as tables (.docx ``w:tbl``); see ``tables``.
    table_spans: tuple[tuple[int, int], ...] = ()
    # Where the title stands: (start, end) into ``text`` (see above).
    title_span: tuple[int, int] | None = None

    @cached_property
    def lines(self) -> LineIndex:
        """Offset ↔ line/column index of the original text."""
        return LineIndex(self.text)

    @cached_property
    def layout(self) -> Layout:
        """Paragraphs, page residue and wrap width (``text.text_layout``)."""
        return text_layout(self.text)

    @property
    def paragraphs(self) -> list[Paragraph]:
        """Non-empty paragraphs with offsets, the one paragraph split every stage reads (also split on
        TAB, U+3000 U+3000 and U+3000 + spaces in flattened texts; wrapped lines joined and page residue
        left out in hard-wrapped texts such as PDF text)."""
        return self.layout.paragraphs

    @property
    def residue(self) -> tuple[tuple[int, int], ...]:
        """Sorted spans of page residue (page numbers, running headers/footers, form feeds)."""
        return self.layout.residue

    @cached_property
    def view(self) -> TextView:
        """The one-to-one folded view (full-width digits/brackets/dots, odd spaces), page residue
        blanked to spaces so that pattern matching never sees it."""
        return TextView.folded(self.text).blanked(self.residue)

    @cached_property
    def tables(self) -> tuple[tuple[int, int], ...]:
        """Sorted, merged spans of statistics tables: their cells are never sections, headings or findings.

        The spans the reader declared (``table_spans``, .docx tables) and those ``tables.detect_tables``
        finds in the text (labelled rows followed by numbers).
        """
        from .tables import detect_tables, merge_spans

        return merge_spans([*self.table_spans, *detect_tables(self)])

    @cached_property
    def _table_starts(self) -> list[int]:
        return [s for s, _ in self.tables]

    def in_table(self, offset: int) -> bool:
        """Whether ``offset`` lies inside one of ``tables`` (binary search)."""
        i = bisect.bisect_right(self._table_starts, offset) - 1
        return i >= 0 and offset < self.tables[i][1]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based (line, col) of a 0-based offset."""
        return self.lines.line_col(offset)

    @property
    def display_path(self) -> str:
        """What to print as the document's name."""
        return self.path if self.path is not None else "<text>"

    @staticmethod
    def blank_residue(text: str, residue: tuple[tuple[int, int], ...]) -> str:
        """``text`` with page residue spans (running headers, page numbers) blanked to spaces, offsets kept."""
        return blank_spans(text, residue)

    @classmethod
    def from_text(cls, text: str, path: str | None = None, **kw: object) -> Document:
        """A document from a string; title (and its span) and year are detected unless given.

        A title given without ``title_span`` is looked for in the head of the text (``docmeta.locate_title``).
        A text holding a surrogate code point (not Unicode text) raises ``InputError`` saying where.
        """
        from .docmeta import detect_year, find_title, locate_title

        problem = surrogate_problem(text)
        if problem is not None:  # no stage could encode it (nor a report show it)
            raise InputError(path or "text", problem)
        layout = text_layout(text)
        seen = cls.blank_residue(text, layout.residue)  # title and year are read with running headers blanked
        title = kw.pop("title", None)
        span = kw.pop("title_span", None)
        if title:
            span = span or locate_title(seen, str(title))
        else:
            found = find_title(seen)
            title, span = (found[0], found[1:]) if found else (None, None)
        year = kw.pop("year", None) or detect_year(seen, title)  # type: ignore[arg-type]
        doc = cls(text=text, path=path, title=title, year=year, title_span=span, **kw)  # type: ignore[arg-type]
        doc.__dict__["layout"] = layout  # computed once
        return doc


@dataclass(frozen=True)
class Finding:
    """One finding (structure fault, placeholder, completeness problem): one immutable record.

    ``kind`` is the placeholder kind (``count``, ``money`` …) or None; ``context`` the line with the
    match marked.
    """

    code: str
    slug: str
    severity: str  # error | warning | info
    message: str
    start_char: int
    end_char: int
    match: str
    line: int
    col: int
    end_line: int
    end_col: int
    path: str | None = None
    kind: str | None = None
    context: str = ""
    suggestion: str | None = None

    def to_dict(self) -> dict:
        """Plain dict for JSON output."""
        return _record(self)

    @classmethod
    def at(
        cls,
        doc: Document,
        code: str,
        start: int,
        end: int,
        *,
        severity: str | None = None,
        kind: str | None = None,
        context: str | None = None,
        suggestion: str | None = None,
        **fmt: object,
    ) -> Finding:
        """The finding ``code`` at ``doc.text[start:end]``: slug, severity and message (formatted with
        ``fmt``) from the code catalogue, line/col from the document, and the context unless given: the
        clause around the match with the match marked (``text.mark_context``). Every stage builds its
        findings here.
        """
        from . import codes

        entry = codes.get(code)
        line, col = doc.line_col(start)
        end_line, end_col = doc.line_col(end)
        match = doc.text[start:end]
        try:
            message = entry.message.format(match=match, **fmt)
        except (KeyError, IndexError, ValueError):
            message = entry.message
        if context is None:
            context = mark_context(doc.text, start, end)
        return cls(
            code=code,
            slug=entry.slug,
            severity=severity or entry.severity,
            message=message,
            start_char=start,
            end_char=end,
            match=match,
            line=line,
            col=col,
            end_line=end_line,
            end_col=end_col,
            path=doc.path,
            kind=kind,
            context=context,
            suggestion=suggestion,
        )


SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
#: ``--fail-on`` levels, most severe first.
FAIL_ON = ("error", "warning", "info")


@dataclass(frozen=True)
class Section:
    """A numbered heading (or an unnumbered part title, or an appendix) and the part it governs.

    ``start_char``/``end_char`` cover the heading as written (marker and title);
    ``body_end`` is where the section's content (including its subsections) ends.
    """

    index: int
    parent: int | None
    level: int
    style: str
    marker: str
    number: int | None
    title: str
    inline: bool
    line: int
    col: int
    start_char: int
    end_char: int
    body_end: int
    children: tuple[int, ...] = field(default=())

    def to_dict(self) -> dict:
        """Plain dict for JSON output."""
        return _record(self)


@dataclass(frozen=True)
class Outline:
    """What ``extract_sections`` returns: the flat section list in document order and its findings."""

    sections: tuple[Section, ...]
    findings: tuple[Finding, ...]

    def to_dict(self, path: str | None = None) -> dict:
        """The ``govtext outline --format json`` object."""
        return {
            "path": path,
            "sections": [s.to_dict() for s in self.sections],
            "findings": [f.to_dict() for f in self.findings],
        }


def as_document(doc: Document | str) -> Document:
    """Accept a ``Document`` or a plain string (for notebook use)."""
    return doc if isinstance(doc, Document) else Document.from_text(doc, source_format="string")


# --- theme records (themes.py) ---


@dataclass(frozen=True, slots=True)  # one per hit / theme / paragraph: half the memory
class ThemeHit:
    """One lexicon term found in the text, counted for one theme (``text[start_char:end_char] == match``)."""

    theme: str
    match: str
    start_char: int
    end_char: int
    line: int
    col: int

    def to_dict(self) -> dict:
        """Plain dict for JSON output."""
        return _record(self)


@dataclass(frozen=True, slots=True)  # one per hit / theme / paragraph: half the memory
class ThemeCount:
    """A theme's presence in a span: ``count`` hits, ``weight`` = hits per 1,000 characters of the span."""

    theme: str
    label: str
    category: str
    count: int
    weight: float

    def to_dict(self) -> dict:
        """Plain dict for JSON output."""
        return _record(self)


@dataclass(frozen=True)
class DistinctiveTerm:
    """A term that sets a span apart from the reference corpus (TF-IDF ``score``)."""

    term: str
    score: float

    def to_dict(self) -> dict:
        """Plain dict for JSON output."""
        return _record(self)


@dataclass(frozen=True, slots=True)  # one per hit / theme / paragraph: half the memory
class SpanThemes:
    """Themes of one paragraph or section: ``index`` is the paragraph index or the outline index."""

    index: int
    start_char: int
    end_char: int
    themes: tuple[ThemeCount, ...]
    distinctive_terms: tuple[DistinctiveTerm, ...] = ()


#: What ``tag_themes`` can count beyond the document's totals: per section, per paragraph, each hit.
THEME_DETAIL = ("sections", "paragraphs", "evidence")


@dataclass(frozen=True)
class ThemeResult:
    """What ``tag_themes`` returns: document totals, per-section and per-paragraph themes, evidence (the
    ``THEME_DETAIL`` asked for; empty otherwise)."""

    path: str | None
    document: tuple[ThemeCount, ...]
    sections: tuple[SpanThemes, ...]
    paragraphs: tuple[SpanThemes, ...]
    evidence: tuple[ThemeHit, ...]
    distinctive_terms: tuple[DistinctiveTerm, ...] = ()
    findings: tuple[Finding, ...] = ()

    def to_dict(self, path: str | None = None) -> dict:
        """The ``govtext themes --format json`` object."""
        return {
            "path": path if path is not None else self.path,
            "document": [t.to_dict() for t in self.document],
            "sections": [
                {
                    "section_index": s.index,
                    "themes": [t.to_dict() for t in s.themes],
                    "distinctive_terms": [d.to_dict() for d in s.distinctive_terms],
                }
                for s in self.sections
            ],
            "paragraphs": [
                {
                    "paragraph_index": p.index,
                    "start_char": p.start_char,
                    "end_char": p.end_char,
                    "themes": [t.to_dict() for t in p.themes],
                }
                for p in self.paragraphs
                if p.themes
            ],
            "evidence": [h.to_dict() for h in self.evidence],
            "distinctive_terms": [d.to_dict() for d in self.distinctive_terms],
            "findings": [f.to_dict() for f in self.findings],
        }


# --- completeness records (completeness.py) ---


@dataclass(frozen=True)
class OutlinePart:
    """One part of a reference outline (``models/outlines/*.toml``): how a reviewer recognises it.

    Wordings are regular expressions per role: ``heading`` (a numbered heading's title), ``lead``
    (the start of an unnumbered paragraph), ``inline`` (a sentence inside a paragraph), ``title``
    (the document title). ``roles`` lists the roles that may realise the part (``body`` = the
    numbered top-level sections no other part claims); ``full_roles`` those that earn full credit.
    """

    id: str
    label: str
    required: bool
    weight: float
    roles: tuple[str, ...]
    full_roles: tuple[str, ...]
    heading: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    inline: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    position: str = "any"  # any | start | end
    extent: str = "section"  # a lead's text runs to its section's end, or only to its paragraph's
    within: tuple[str, ...] = ("*",)  # parts whose section this part may sit inside ("*": any)
    window: int = 40
    min_chars: int = 0
    min_sentences: int = 0
    subparts: tuple[OutlinePart, ...] = ()
    line: int | None = None

    def to_dict(self) -> dict:
        """Plain dict (the outline as data)."""
        d = _record(self)
        d["subparts"] = [s.to_dict() for s in self.subparts]
        return d


@dataclass(frozen=True)
class ReferenceOutline:
    """A versioned reference outline: the parts one kind of document is expected to have."""

    id: str
    label: str
    version: str
    description: str
    parts: tuple[OutlinePart, ...]
    detect_title: tuple[str, ...] = ()
    detect_opening: tuple[str, ...] = ()
    detect_body: tuple[str, ...] = ()
    order_before: tuple[tuple[str, str], ...] = ()
    near_end: tuple[str, ...] = ()
    end_fraction: float = 0.4
    order_penalty: float = 5.0
    source: str = ""

    def part(self, part_id: str) -> OutlinePart:
        """The part with id ``part_id``."""
        for p in self.parts:
            if p.id == part_id:
                return p
        raise KeyError(part_id)

    def to_dict(self) -> dict:
        """Summary used in JSON output (id, label, version, source)."""
        return {"id": self.id, "label": self.label, "version": self.version, "source": self.source}


@dataclass(frozen=True)
class KindGuess:
    """Which kind of document this is, how sure, and why."""

    kind: str
    label: str
    confidence: float
    reasons: tuple[str, ...] = ()
    scores: tuple[tuple[str, float], ...] = ()
    explicit: bool = False
    # one (template, params) per reason: ``template.format(**dict(params)) == reasons[i]``; the template is
    # an ``N_()``-marked English msgid, so a report can translate it and fill in the same values
    reason_items: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()

    def to_dict(self) -> dict:
        """Plain dict for JSON output."""
        return {
            "kind": self.kind,
            "label": self.label,
            "confidence": self.confidence,
            "explicit": self.explicit,
            "reasons": list(self.reasons),
            "scores": dict(self.scores),
        }


@dataclass(frozen=True)
class PartResult:
    """How one outline part is realised in a document.

    ``status`` is ``present``, ``weak`` or ``missing``; ``role`` how it was found (``heading``,
    ``lead``, ``inline``, ``body``, ``title``, ``implied`` or None); the evidence is the section index
    and/or the character span ``start_char:end_char`` of the part's text; ``cost`` the score points
    this part loses.
    """

    id: str
    label: str
    required: bool
    weight: float
    status: str
    reason: str
    role: str | None = None
    start_char: int | None = None
    end_char: int | None = None
    section_index: int | None = None
    anchor: str = ""
    weak_because: tuple[str, ...] = ()
    similarity: float | None = None
    cost: float = 0.0
    subparts: tuple[PartResult, ...] = ()
    also: tuple[tuple[int, int], ...] = ()  # other spans stating the same part
    # the pieces of ``reason`` as (template, params), joined by "; ": ``template.format(**dict(params))``
    # gives each piece; the template is an ``N_()``-marked English msgid for translated reports
    reason_items: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()

    @property
    def evidence(self) -> dict:
        """``{"section_index"?, "start_char", "end_char", "anchor"}`` or ``{}`` when missing."""
        ev: dict = {}
        if self.section_index is not None:
            ev["section_index"] = self.section_index
        if self.start_char is not None:
            ev["start_char"] = self.start_char
            ev["end_char"] = self.end_char
        if self.anchor:
            ev["anchor"] = self.anchor
        if self.also:
            ev["also"] = [list(a) for a in self.also]
        return ev

    def to_dict(self) -> dict:
        """The ``parts[]`` entry of ``govtext check --format json``."""
        d = {
            "id": self.id,
            "label": self.label,
            "required": self.required,
            "status": self.status,
            "weight": self.weight,
            "evidence": self.evidence,
            "reason": self.reason,
            "role": self.role,
            "weak_because": list(self.weak_because),
            "similarity": self.similarity,
            "cost": self.cost,
        }
        if self.subparts:
            d["subparts"] = [s.to_dict() for s in self.subparts]
        return d


@dataclass(frozen=True)
class ScoreItem:
    """One line of the score's explanation: what cost how many points."""

    item: str
    points: float
    reason: str

    def to_dict(self) -> dict:
        """Plain dict for JSON output."""
        return _record(self)


@dataclass(frozen=True)
class Completeness:
    """What ``score_completeness`` returns: kind, parts with evidence, the score and its explanation."""

    path: str | None
    kind: KindGuess
    outline: ReferenceOutline
    score: int
    parts: tuple[PartResult, ...]
    breakdown: tuple[ScoreItem, ...]
    findings: tuple[Finding, ...]

    @property
    def missing_required(self) -> tuple[PartResult, ...]:
        """Required parts with status ``missing``."""
        return tuple(p for p in self.parts if p.required and p.status == "missing")

    def part(self, part_id: str) -> PartResult:
        """The result for part ``part_id``."""
        for p in self.parts:
            if p.id == part_id:
                return p
        raise KeyError(part_id)

    def to_dict(self) -> dict:
        """Plain dict: kind, outline, score, parts, score breakdown, findings."""
        return {
            "path": self.path,
            "kind": self.kind.kind,
            "kind_label": self.kind.label,
            "kind_confidence": self.kind.confidence,
            "kind_reasons": list(self.kind.reasons),
            "outline": self.outline.to_dict(),
            "score": self.score,
            "score_breakdown": [b.to_dict() for b in self.breakdown],
            "parts": [p.to_dict() for p in self.parts],
            "findings": [f.to_dict() for f in self.findings],
        }
