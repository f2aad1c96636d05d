"""``govtext.analyze``: one analysis of a document, every stage's findings collected generically."""

from __future__ import annotations

import dataclasses

import pytest

import govtext
from govtext.analysis import STAGES, Analysis, analyze
from govtext.errors import UsageError
from govtext.model import Document, Finding


def test_analysis_holds_every_stage_and_every_finding(seed_doc):
    a = analyze(seed_doc)
    assert isinstance(a, Analysis)
    assert a.stages == STAGES
    assert a.document is seed_doc
    expected = [*a.outline.findings, *a.placeholders, *a.themes.findings, *a.completeness.findings]
    assert sorted(map(id, a.findings)) == sorted(map(id, expected))
    assert [(f.start_char, f.end_char) for f in a.findings] == sorted((f.start_char, f.end_char) for f in a.findings)
    assert {"GT103", "GT108", "GT201", "GT301", "GT402"} <= a.codes()
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.findings = ()  # type: ignore[misc]


def test_gt301_points_at_the_stale_study_formula(seed_doc):
    (f,) = [f for f in analyze(seed_doc, stages=("themes",)).findings if f.code == "GT301"]
    assert seed_doc.text[f.start_char : f.end_char] == f.match == "学习贯彻党的十八大精神"
    assert (f.line, f.col) == seed_doc.line_col(f.start_char)
    assert "2019" in f.message and "十九大" in f.message
    assert f.context == "扎实组织X系统深入[学习贯彻党的十八大精神]"


def test_stages_choose_what_runs_and_what_is_collected(seed_doc):
    only = analyze(seed_doc, stages=("placeholders",))
    assert only.outline is None and only.themes is None and only.completeness is None
    assert only.findings and {f.code[:3] for f in only.findings} == {"GT2"}
    themes = analyze(seed_doc, stages=("themes",))
    assert themes.outline is not None  # computed for the themes stage ...
    assert {f.code for f in themes.findings} == {"GT301"}  # ... but its GT1xx findings were not asked for
    with pytest.raises(UsageError):
        analyze(seed_doc, stages=("sections", "spelling"))


def test_string_input_and_kind(seed_doc):
    a = govtext.analyze(seed_doc.text, stages=("completeness",), kind="work-summary")
    assert a.document.year == 2019 and a.completeness.kind.kind == "work-summary"
    assert govtext.Analysis is Analysis


def test_finding_at_fills_position_message_and_context():
    doc = Document.from_text("一、总体情况\n各单位要认真学习贯彻党的十八大精神，推动工作。\n", path="x.txt", year=2020)
    start = doc.text.index("学习")
    end = doc.text.index("，")
    f = Finding.at(doc, "GT301", start, end, year=2020, successor="十九大", successor_year=2017, congress="十八大")
    assert f.match == "学习贯彻党的十八大精神" and f.path == "x.txt"
    assert (f.line, f.col, f.end_line, f.end_col) == (2, 7, 2, 18)
    assert f.severity == "warning" and f.slug
    assert f.context == "各单位要认真[学习贯彻党的十八大精神]"
    assert "十九大" in f.message
