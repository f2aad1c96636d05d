"""One review of a submitted document: outline, structural faults, placeholders, completeness, themes.

``check_document`` runs the pure stage functions (no spaCy) and combines their results in a frozen
``Review``; ``Review.to_dict()`` is the ``govtext check --format json`` object and
``govtext.report`` renders it as text or a self-contained HTML page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .completeness import score_completeness
from .errors import UsageError
from .model import SEVERITY_RANK, Completeness, Document, Finding, Outline, ReferenceOutline, as_document

FAIL_ON = ("error", "warning", "info")
#: How many of the document's themes the review lists (the most frequent first).
MAIN_THEMES = 10


@dataclass(frozen=True)
class Review:
    """Everything a reviewer needs about one document. ``exit_code`` follows ``--fail-on``."""

    document: Document
    completeness: Completeness
    outline: Outline
    placeholders: tuple[Finding, ...]
    themes: Any  # govtext.model.ThemeResult, or None when the themes stage is unavailable
    fail_on: str = "error"

    @property
    def path(self) -> str:
        """The document's display path."""
        return self.document.display_path

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Structural and completeness findings, sorted by position (placeholders are listed apart)."""
        return tuple(sorted((*self.outline.findings, *self.completeness.findings), key=_position))

    @property
    def all_findings(self) -> tuple[Finding, ...]:
        """Findings and placeholders together, sorted by position."""
        return tuple(sorted((*self.findings, *self.placeholders), key=_position))

    @property
    def main_themes(self) -> list:
        """The document's most frequent themes (``ThemeCount`` records)."""
        if self.themes is None:
            return []
        return list(self.themes.document[:MAIN_THEMES])

    @property
    def failed(self) -> bool:
        """A required part is missing, or a finding (placeholders included) reaches ``fail_on``."""
        if self.completeness.missing_required:
            return True
        limit = SEVERITY_RANK[self.fail_on]
        return any(SEVERITY_RANK.get(f.severity, 0) >= limit for f in self.all_findings)

    @property
    def exit_code(self) -> int:
        """1 when ``failed``, else 0."""
        return 1 if self.failed else 0

    def to_dict(self) -> dict:
        """The ``govtext check --format json`` object."""
        c = self.completeness
        return {
            "path": self.path,
            "kind": c.kind.kind,
            "kind_label": c.kind.label,
            "kind_confidence": c.kind.confidence,
            "kind_reasons": list(c.kind.reasons),
            "outline": c.outline.to_dict(),
            "score": c.score,
            "score_breakdown": [b.to_dict() for b in c.breakdown],
            "parts": [p.to_dict() for p in c.parts],
            "sections": [s.to_dict() for s in self.outline.sections],
            "findings": [f.to_dict() for f in self.findings],
            "placeholders": [f.to_dict() for f in self.placeholders],
            "themes": [t.to_dict() for t in self.main_themes],
            "fail_on": self.fail_on,
            "exit_code": self.exit_code,
        }


def _position(f: Finding) -> tuple:
    return (f.start_char, f.end_char, f.code)


def check_document(
    document: Document | str,
    *,
    kind: str | None = None,
    outline: ReferenceOutline | str | Path | None = None,
    fail_on: str = "error",
) -> Review:
    """Review ``document``: sections, placeholders, completeness against its outline, main themes.

    ``kind`` (a built-in outline id) or ``outline`` (an outline, id or file) overrides kind detection;
    an unknown kind or a bad outline file raises a ``GovtextError`` (exit 2).
    """
    if fail_on not in FAIL_ON:
        raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    doc = as_document(document)
    sections = _sections(doc)
    completeness = score_completeness(doc, outline, kind=kind, sections=sections)
    placeholders = tuple(_placeholders(doc))
    themes = _themes(doc, sections)
    return Review(doc, completeness, sections, placeholders, themes, fail_on)


def _sections(doc: Document) -> Outline:
    from .sections import extract_sections

    return extract_sections(doc)


def _placeholders(doc: Document) -> list[Finding]:
    from .placeholders import find_placeholders

    return find_placeholders(doc)


def _themes(doc: Document, sections: Outline):  # -> ThemeResult
    from .themes import tag_themes

    # lexicon tagging only: the distinctive-terms discovery (jieba + fitted model) is not part of a review
    return tag_themes(doc, outline=sections)
