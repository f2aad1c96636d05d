"""The spaCy component govtext_sections: spans in doc.spans, outline rebuilt from a saved Doc."""

from __future__ import annotations

import pytest

from govtext.sections import extract_sections

spacy = pytest.importorskip("spacy")


@pytest.fixture(scope="module")
def nlp():
    from govtext import pipeline

    return pipeline.build(components=["govtext_sections"])


def test_sections_component_stores_spans(nlp, seed_doc):
    doc = nlp(seed_doc.text)
    outline = extract_sections(seed_doc)
    spans = doc.spans["govtext_sections"]
    assert len(spans) == len(outline.sections) == 36
    for span, s in zip(spans, outline.sections, strict=True):
        assert span.label_ == s.style
        assert span.start_char <= s.start_char and span.end_char >= s.end_char
    assert [sp.label_ for sp in doc.spans["govtext_structure_findings"]] == ["GT108", "GT103"]


def test_sections_component_outline_survives_serialisation(nlp, seed_doc):
    from spacy.tokens import Doc

    from govtext.sections_component import outline_from_doc

    doc = nlp(seed_doc.text)
    restored = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert len(restored.spans["govtext_sections"]) == 36
    rebuilt = outline_from_doc(restored)
    original = extract_sections(seed_doc)
    assert rebuilt.sections == original.sections
    assert [f.code for f in rebuilt.findings] == [f.code for f in original.findings]


def test_sections_component_in_pipeline_analysis():
    from govtext import pipeline

    assert "govtext_sections" in pipeline.COMPONENTS
    nlp = pipeline.build(components=["govtext_sections"])
    analysis = nlp.analyze_pipes()
    assert "doc.spans" in analysis["summary"]["govtext_sections"]["assigns"]
