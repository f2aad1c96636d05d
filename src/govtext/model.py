"""Frozen records that every stage returns. Offsets are 0-based into the original text."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cached_property

from .text import LineIndex, Paragraph, TextView, split_paragraphs


@dataclass(frozen=True)
class Document:
    """A document as read: the original ``text`` (never modified) and what is known about it.

    ``path`` is the source path as the user gave it (``"-"`` for stdin, ``None`` for a string).
    """

    text: str
    path: str | None = None
    encoding: str | None = None
    title: str | None = None
    year: int | None = None
    source_format: str = "txt"  # txt | md | docx | stdin | string

    @cached_property
    def lines(self) -> LineIndex:
        """Offset ↔ line/column index of the original text."""
        return LineIndex(self.text)

    @cached_property
    def paragraphs(self) -> list[Paragraph]:
        """Non-empty paragraphs with offsets (also split on TAB / U+3000 U+3000 in flattened texts)."""
        return split_paragraphs(self.text)

    @cached_property
    def view(self) -> TextView:
        """The one-to-one folded view (full-width digits/brackets/dots, odd spaces)."""
        return TextView.folded(self.text)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based (line, col) of a 0-based offset."""
        return self.lines.line_col(offset)

    @property
    def display_path(self) -> str:
        """What to print as the document's name."""
        return self.path if self.path is not None else "<text>"

    @classmethod
    def from_text(cls, text: str, path: str | None = None, **kw: object) -> Document:
        """A document from a string; title and year are detected unless given."""
        from .readers import detect_title, detect_year

        title = kw.pop("title", None) or detect_title(text)
        year = kw.pop("year", None) or detect_year(text, title)
        return cls(text=text, path=path, title=title, year=year, **kw)  # type: ignore[arg-type]


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
        return asdict(self)


SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Section:
    """A numbered (or appendix) heading and the part of the document it governs.

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
        return asdict(self)


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


@dataclass(frozen=True)
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
        return asdict(self)


@dataclass(frozen=True)
class ThemeCount:
    """A theme's presence in a span: ``count`` hits, ``weight`` = hits per 1,000 characters of the span."""

    theme: str
    label: str
    category: str
    count: int
    weight: float

    def to_dict(self) -> dict:
        """Plain dict for JSON output."""
        return asdict(self)


@dataclass(frozen=True)
class DistinctiveTerm:
    """A term that sets a span apart from the reference corpus (TF-IDF ``score``)."""

    term: str
    score: float

    def to_dict(self) -> dict:
        """Plain dict for JSON output."""
        return asdict(self)


@dataclass(frozen=True)
class SpanThemes:
    """Themes of one paragraph or section: ``index`` is the paragraph index or the outline index."""

    index: int
    start_char: int
    end_char: int
    themes: tuple[ThemeCount, ...]
    distinctive_terms: tuple[DistinctiveTerm, ...] = ()


@dataclass(frozen=True)
class ThemeResult:
    """What ``tag_themes`` returns: document totals, per-section and per-paragraph themes, evidence."""

    path: str | None
    document: tuple[ThemeCount, ...]
    sections: tuple[SpanThemes, ...]
    paragraphs: tuple[SpanThemes, ...]
    evidence: tuple[ThemeHit, ...]
    distinctive_terms: tuple[DistinctiveTerm, ...] = ()

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
        }


# --- completeness records (completeness.py) ---
