"""One review of a submitted document: outline, structural faults, placeholders, completeness, themes.

``check_document`` is a thin layer over ``govtext.analysis.analyze`` (every stage, no spaCy): a frozen
``Review`` holds the ``Analysis`` and the ``--fail-on`` level. ``Review.findings`` is every finding of
every stage except the placeholders (listed apart), so a new code reaches the review without a change
here; ``Review.to_dict()`` is the ``govtext check --format json`` object and ``govtext.report``
renders it as text or a self-contained HTML page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .analysis import Analysis, analyze, finding_position
from .errors import UsageError
from .model import (
    FAIL_ON,
    SEVERITY_RANK,
    Completeness,
    Document,
    Finding,
    Outline,
    ReferenceOutline,
    ThemeResult,
)

if TYPE_CHECKING:
    from .lint_config import LintConfig

#: How many of the document's themes the review lists (the most frequent first).
MAIN_THEMES = 10


@dataclass(frozen=True)
class Review:
    """Everything a reviewer needs about one document. ``exit_code`` follows ``--fail-on``."""

    analysis: Analysis
    fail_on: str = "error"

    @property
    def document(self) -> Document:
        """The document reviewed."""
        return self.analysis.document

    @property
    def outline(self) -> Outline:
        """The section outline."""
        assert self.analysis.outline is not None
        return self.analysis.outline

    @property
    def completeness(self) -> Completeness:
        """Completeness against the reference outline."""
        assert self.analysis.completeness is not None
        return self.analysis.completeness

    @property
    def placeholders(self) -> tuple[Finding, ...]:
        """The unfilled placeholders (GT2xx), sorted by position."""
        return self.analysis.placeholders or ()

    @property
    def themes(self) -> ThemeResult | None:
        """The themes stage's result: the document's totals and stale references (no per-span detail)."""
        return self.analysis.themes

    @property
    def path(self) -> str:
        """The document's display path."""
        return self.document.display_path

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every stage's findings except the placeholders (listed apart), sorted by position."""
        holes = set(map(id, self.placeholders))
        return tuple(f for f in self.analysis.findings if id(f) not in holes)

    @property
    def all_findings(self) -> tuple[Finding, ...]:
        """Findings and placeholders together, sorted by position."""
        return self.analysis.findings

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

    def headline(self, lang: str | None = None) -> str:
        """The one-line summary a reviewer acts on (``govtext.report.headline``), in ``lang``."""
        from .report import headline

        return headline(self, lang)

    def to_dict(self, lang: str | None = None) -> dict:
        """The ``govtext check --format json`` object; ``headline`` is in ``lang`` (keys stay English)."""
        c = self.completeness
        return {
            "path": self.path,
            "headline": self.headline(lang),
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


_position = finding_position


def check_document(
    document: Document | str,
    *,
    kind: str | None = None,
    outline: ReferenceOutline | str | Path | None = None,
    fail_on: str = "error",
    config: LintConfig | None = None,
) -> Review:
    """Review ``document``: every stage of ``analyze`` (sections, placeholders, themes, completeness).
    The themes are the document's totals and stale references, what a review reports (per section, per
    paragraph and each hit: ``analyze`` or ``tag_themes``).

    ``kind`` (a built-in outline id) or ``outline`` (an outline, id or file) overrides kind detection;
    ``config`` (``govtext.toml``) filters the placeholders as ``govtext placeholders`` does. An unknown
    kind or a bad outline file raises a ``GovtextError`` (exit 2).
    """
    if fail_on not in FAIL_ON:
        raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    return Review(analyze(document, kind=kind, outline=outline, config=config, theme_detail=()), fail_on)
