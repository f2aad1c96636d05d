"""One analysis of one document: the contract every front end calls.

``analyze(doc, stages=...)`` runs the pure stage functions (no spaCy, no jieba) and returns a frozen
``Analysis``: the document, the section outline, the placeholders, the themes, the completeness, and
``findings`` — every finding of every requested stage (GT1xx–GT4xx and any future code), collected
generically from the stage results and sorted by position. ``govtext check``, ``outline``,
``placeholders``, ``themes``, the web API, corpus analysis and the spaCy components all build on it,
so no front end chooses which findings to keep.

Stage dependencies: ``themes`` and ``completeness`` need the section outline, so it is computed (and
kept in ``Analysis.outline``) when either is requested; its GT1xx findings are collected only when
``sections`` itself is requested.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UsageError
from .model import (
    THEME_DETAIL,
    Completeness,
    Document,
    Finding,
    Outline,
    ReferenceOutline,
    ThemeResult,
    as_document,
)

if TYPE_CHECKING:
    from .lint_config import LintConfig
    from .themes import Lexicon

#: Every stage, in the order they run.
STAGES = ("sections", "placeholders", "themes", "completeness")


@dataclass(frozen=True)
class Analysis:
    """What ``analyze`` returns; a stage that was not run is ``None``."""

    document: Document
    outline: Outline | None
    placeholders: tuple[Finding, ...] | None
    themes: ThemeResult | None
    completeness: Completeness | None
    findings: tuple[Finding, ...]

    @property
    def stages(self) -> tuple[str, ...]:
        """The stages whose results this analysis holds (``sections`` when the outline was computed)."""
        have = {
            "sections": self.outline is not None,
            "placeholders": self.placeholders is not None,
            "themes": self.themes is not None,
            "completeness": self.completeness is not None,
        }
        return tuple(s for s in STAGES if have[s])

    def codes(self) -> set[str]:
        """The distinct finding codes in ``findings``."""
        return {f.code for f in self.findings}


def finding_position(f: Finding) -> tuple:
    """Sort key of findings: by position, then code."""
    return (f.start_char, f.end_char, f.code)


def analyze(
    doc: Document | str,
    *,
    stages: Collection[str] = STAGES,
    kind: str | None = None,
    outline: ReferenceOutline | str | Path | None = None,
    config: LintConfig | None = None,
    sections: Outline | None = None,
    lexicon: Lexicon | None = None,
    distinctive: bool = False,
    top_terms: int = 15,
    theme_detail: Collection[str] = THEME_DETAIL,
) -> Analysis:
    """Analyse ``doc`` with the requested ``stages`` (a subset of ``STAGES``).

    ``kind`` (a built-in outline id) or ``outline`` (a reference outline, id or file) overrides kind
    detection for ``completeness``; ``config`` (a ``LintConfig``, e.g. from ``govtext.toml``) filters
    the placeholders and honours inline ``govtext: ignore``; ``sections`` reuses an outline already
    extracted for this document; ``lexicon`` replaces the shipped theme lexicon; ``distinctive`` adds
    the themes' TF-IDF distinctive terms (``top_terms`` per span; loads jieba and the fitted model, so
    ``govtext check`` never asks for it); ``theme_detail`` is what the themes stage counts beyond the
    document's totals (``THEME_DETAIL``, all by default; a review asks for none). Unknown stages, an
    unknown kind or a bad outline file raise a ``GovtextError``.
    """
    wanted = set(stages)
    unknown = wanted - set(STAGES)
    if unknown:
        raise UsageError(f"unknown stage(s) {', '.join(sorted(unknown))}; stages are {', '.join(STAGES)}")
    document = as_document(doc)
    collected: list[Finding] = []

    out_sections = sections
    if out_sections is None and wanted & {"sections", "themes", "completeness"}:
        from .sections import extract_sections

        out_sections = extract_sections(document)
    if "sections" in wanted and out_sections is not None:
        collected.extend(out_sections.findings)

    placeholders = None
    if "placeholders" in wanted:
        from .placeholders import find_placeholders

        placeholders = tuple(find_placeholders(document, config=config))
        collected.extend(placeholders)

    themes = None
    if "themes" in wanted:
        from .themes import tag_themes

        themes = tag_themes(document, outline=out_sections, lexicon=lexicon, distinctive=distinctive,
                            top_terms=top_terms, detail=theme_detail)
        collected.extend(themes.findings)

    completeness = None
    if "completeness" in wanted:
        from .completeness import score_completeness

        completeness = score_completeness(document, outline, kind=kind,
                                          sections=out_sections)
        collected.extend(completeness.findings)

    return Analysis(
        document=document,
        outline=out_sections,
        placeholders=placeholders,
        themes=themes,
        completeness=completeness,
        findings=tuple(sorted(collected, key=finding_position)),
    )
