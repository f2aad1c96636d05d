"""The ``Doc`` side of govtext's spaCy components: ``Doc._`` extensions and the ``Document`` of a ``Doc``.

Every component runs :func:`govtext.analysis.analyze` on the ``Document`` of the ``Doc`` (title and
year from ``doc._.govtext_title``/``doc._.govtext_year`` when set, else detected as ``read_document``
does, so GT301 fires in the pipeline too) and stores each stage's result under
``doc._.govtext_results`` as plain data (msgpack-safe, so ``Doc.to_bytes``/``DocBin`` keep it).
The typed records are read back through getters:

* ``doc._.govtext_outline`` → ``Outline`` (sections and GT1xx findings)
* ``doc._.govtext_placeholders`` → ``tuple[Finding, ...]``
* ``doc._.govtext_themes`` → ``ThemeResult``
* ``doc._.govtext_findings`` → every stored finding of every stage, sorted by position

Importing this module registers the extensions (it imports spaCy).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from spacy.tokens import Doc, Span

from . import model
from .analysis import Analysis, finding_position
from .model import Document, Finding, Outline, ThemeResult

RESULTS = "govtext_results"
_TYPE = "__govtext__"
#: stage → the ``Analysis`` attribute a component stores.
_STAGE_ATTR = {"sections": "outline", "placeholders": "placeholders", "themes": "themes",
               "completeness": "completeness"}
_STAGES = tuple(_STAGE_ATTR)


def to_data(obj: Any) -> Any:
    """A record (nested frozen dataclasses, tuples) as plain msgpack/JSON data, typed by class name."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {_TYPE: type(obj).__name__,
                **{f.name: to_data(getattr(obj, f.name)) for f in dataclasses.fields(obj)}}
    if isinstance(obj, (tuple, list)):
        return [to_data(v) for v in obj]
    return obj


def from_data(data: Any) -> Any:
    """The record ``to_data`` encoded (lists come back as the tuples the records hold)."""
    if isinstance(data, dict) and _TYPE in data:
        cls = getattr(model, data[_TYPE])
        return cls(**{k: from_data(v) for k, v in data.items() if k != _TYPE})
    if isinstance(data, list):
        return tuple(from_data(v) for v in data)
    return data


def document_of(doc: Doc) -> Document:
    """The ``Document`` a component analyses: ``doc.text`` with the title and year set on the Doc
    (``doc._.govtext_title``, ``doc._.govtext_year``) or else detected from the text."""
    return Document.from_text(doc.text, title=doc._.govtext_title, year=doc._.govtext_year,
                              source_format="string")


def char_spans(doc: Doc, records: Iterable[Any], label: Callable[[Any], str]) -> list[Span]:
    """Spans of ``doc`` over each record's ``start_char:end_char`` (widened to whole tokens), labelled
    ``label(record)``; a record no token overlaps is left out."""
    return [
        span
        for r in records
        if (span := doc.char_span(r.start_char, r.end_char, label=label(r), alignment_mode="expand"))
        is not None
    ]


def store(doc: Doc, results: dict[str, Any]) -> None:
    """Keep ``results`` (stage → its record: ``Outline``, placeholder findings, ``ThemeResult`` …) on
    ``doc``, replacing earlier results of the same stages."""
    kept = dict(doc._.get(RESULTS) or {})
    for stage, record in results.items():
        if stage not in _STAGES:
            raise ValueError(f"unknown stage {stage!r}")
        kept[stage] = to_data(record)
    doc._.set(RESULTS, kept)


def store_analysis(doc: Doc, analysis: Analysis, stages: tuple[str, ...]) -> None:
    """Keep the results of ``stages`` of ``analysis`` on ``doc``."""
    store(doc, {stage: getattr(analysis, _STAGE_ATTR[stage]) for stage in stages})


def stored(doc: Doc, stage: str) -> Any:
    """The stored result of ``stage`` (a record), or None when that component did not run."""
    data = (doc._.get(RESULTS) or {}).get(stage)
    return None if data is None else from_data(data)


def _outline(doc: Doc) -> Outline | None:
    return stored(doc, "sections")


def _placeholders(doc: Doc) -> tuple[Finding, ...] | None:
    return stored(doc, "placeholders")


def _themes(doc: Doc) -> ThemeResult | None:
    return stored(doc, "themes")


def _findings(doc: Doc) -> tuple[Finding, ...]:
    """Every stored finding, collected generically from each stage's result."""
    out: list[Finding] = []
    for stage in _STAGE_ATTR:
        result = stored(doc, stage)
        if result is None:
            continue
        out.extend(result if isinstance(result, tuple) else result.findings)
    return tuple(sorted(out, key=finding_position))


def register_extensions() -> None:
    """Register govtext's ``Doc._`` attributes (idempotent)."""
    values = {"govtext_title": None, "govtext_year": None, RESULTS: None}
    for name, default in values.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    getters = {"govtext_outline": _outline, "govtext_placeholders": _placeholders,
               "govtext_themes": _themes, "govtext_findings": _findings}
    for name, getter in getters.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, getter=getter)


register_extensions()
