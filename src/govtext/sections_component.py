"""spaCy component ``govtext_sections`` (registered through the ``spacy_factories`` entry point, so
``spacy.load`` of a saved pipeline finds it without importing govtext first; it imports spaCy).

It runs the ``sections`` stage of :func:`govtext.analyze` and stores the result:
``doc._.govtext_outline`` is the exact ``Outline`` (sections and GT1xx findings, see
:mod:`govtext.doc_component`), ``doc.spans["govtext_sections"]`` one span per section heading
(label = style; widened to token boundaries) and ``doc.spans["govtext_structure_findings"]`` one span
per structural finding (label = code).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .analysis import analyze
from .doc_component import char_spans, document_of, store_analysis
from .model import Outline

SPANS_KEY = "govtext_sections"
FINDINGS_KEY = "govtext_structure_findings"


class SectionsComponent:
    """Extracts the numbered hierarchy of a ``Doc`` and stores it."""

    def __call__(self, doc: Doc) -> Doc:
        analysis = analyze(document_of(doc), stages=("sections",))
        outline = analysis.outline
        assert outline is not None
        store_analysis(doc, analysis, ("sections",))
        doc.spans[SPANS_KEY] = char_spans(doc, outline.sections, lambda s: s.style)
        doc.spans[FINDINGS_KEY] = char_spans(doc, outline.findings, lambda f: f.code)
        return doc


@Language.factory(SPANS_KEY, assigns=["doc.spans", "doc._.govtext_outline"])
def make_sections_component(nlp: Language, name: str) -> SectionsComponent:
    """Factory: ``nlp.add_pipe("govtext_sections")``."""
    return SectionsComponent()


def outline_from_doc(doc: Doc) -> Outline:
    """The outline the component stored on ``doc`` (empty when it did not run)."""
    return doc._.govtext_outline or Outline(sections=(), findings=())
