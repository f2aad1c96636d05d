"""spaCy component ``govtext_sections`` (importing this module registers it; it imports spaCy).

It only stores what :func:`govtext.sections.extract_sections` returns:
``doc.spans["govtext_sections"]`` holds one span per section heading (label = style; widened to token
boundaries), ``doc.spans["govtext_structure_findings"]`` one span per structural finding (label = code),
and ``doc.user_data["govtext_sections"]`` / ``["govtext_structure_findings"]`` the exact records
(level, number, parent, marker, offsets …) so :func:`outline_from_doc` rebuilds the outline from a
saved Doc.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .model import Document, Finding, Outline, Section
from .sections import extract_sections

SPANS_KEY = "govtext_sections"
FINDINGS_KEY = "govtext_structure_findings"


@Language.component(SPANS_KEY, assigns=["doc.spans"])
def govtext_sections(doc: Doc) -> Doc:
    """Extracts the numbered hierarchy of ``doc.text`` and stores it as span groups."""
    outline = extract_sections(Document(text=doc.text, path=None, source_format="string"))
    doc.spans[SPANS_KEY] = [
        span
        for s in outline.sections
        if (span := doc.char_span(s.start_char, s.end_char, label=s.style, alignment_mode="expand"))
        is not None
    ]
    doc.spans[FINDINGS_KEY] = [
        span
        for f in outline.findings
        if (span := doc.char_span(f.start_char, f.end_char, label=f.code, alignment_mode="expand"))
        is not None
    ]
    doc.user_data[SPANS_KEY] = [
        {k: v for k, v in s.to_dict().items() if k != "children"} for s in outline.sections
    ]
    doc.user_data[FINDINGS_KEY] = [f.to_dict() for f in outline.findings]
    return doc


def outline_from_doc(doc: Doc) -> Outline:
    """The outline stored by the component (children recomputed from the parents)."""
    rows = doc.user_data.get(SPANS_KEY, [])
    children: dict[int, list[int]] = {}
    for r in rows:
        if r["parent"] is not None:
            children.setdefault(r["parent"], []).append(r["index"])
    sections = tuple(Section(**r, children=tuple(children.get(r["index"], []))) for r in rows)
    findings = tuple(Finding(**f) for f in doc.user_data.get(FINDINGS_KEY, []))
    return Outline(sections=sections, findings=findings)
