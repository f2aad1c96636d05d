"""Instruction placeholders: bracketed instructions left in a template (（文字描述）, （此处……）, 【……】).

Each is reported once, brackets included, typed by what it asks for; real bracketed notes of official
documents (（以下简称《条例》）, （国令第711号）, （2024年）, （试行）, （一）) stay silent, in built
cases and in the real reports of ``corpora/gwr`` and ``corpora/annual``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govtext import read_document
from govtext.placeholders import find_placeholders, load_rules

ROOT = Path(__file__).resolve().parents[1]
OPEN = "（(【[［〔〖"

TEMPLATE = (
    "（单位名称）2023年政府信息公开工作年度报告\n"
    "一、总体情况\n"
    "（文字描述）\n"
    "二、主动公开政府信息情况\n"
    "本年度主动公开政府信息（填写数量）条，于××××年××月更新公开目录。\n"
    "三、存在的主要问题及改进情况\n"
    "【此处填写存在的问题】\n"
    "四、其他需要报告的事项\n"
    "【……】\n"
)


def _triples(text: str) -> list[tuple[str, str, str]]:
    return [(f.code, f.kind, f.match) for f in find_placeholders(text)]


def test_instruction_template_gives_each_slot_once_with_its_full_span() -> None:
    findings = find_placeholders(TEMPLATE)
    assert [(f.code, f.severity, f.kind, f.match) for f in findings] == [
        ("GT206", "error", "organisation", "（单位名称）"),
        ("GT208", "error", "text", "（文字描述）"),
        ("GT201", "error", "count", "（填写数量）"),
        ("GT203", "error", "date", "××××年××月"),
        ("GT208", "error", "text", "【此处填写存在的问题】"),
        ("GT208", "warning", "text", "【……】"),
    ]
    for f in findings:
        assert TEMPLATE[f.start_char : f.end_char] == f.match
        assert (f.line, f.col) == (TEMPLATE.count("\n", 0, f.start_char) + 1,
                                   f.start_char - (TEMPLATE.rfind("\n", 0, f.start_char) + 1) + 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("会议于（此处填写会议时间）召开", [("GT203", "date", "（此处填写会议时间）")]),
        ("会议于（填写××××年××月××日）召开", [("GT203", "date", "（填写××××年××月××日）")]),
        ("于（××××年××月）完成", [("GT203", "date", "（××××年××月）")]),
        ("（填写日期：XXXX年XX月XX日）", [("GT203", "date", "（填写日期：XXXX年XX月XX日）")]),
        ("【此处填写XX单位名称】2023年工作总结", [("GT206", "organisation", "【此处填写XX单位名称】")]),
        ("（姓名）同志", [("GT205", "person", "（姓名）")]),
        ("共投入（具体金额）万元", [("GT202", "money", "（具体金额）")]),
        ("（文字说明，200字以内）", [("GT208", "text", "（文字说明，200字以内）")]),
        ("（说明，300字左右）", [("GT208", "text", "（说明，300字左右）")]),
        ("主要做法：（简述）", [("GT208", "text", "（简述）")]),
    ],
)
def test_instruction_is_typed_by_what_it_asks_for(text: str, expected: list) -> None:
    assert _triples(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求",
        "《中华人民共和国政府信息公开条例》（国令第711号）",
        "全省城镇新增就业（2024年）",
        "《政务公开工作规范（试行）》",
        "《条例（草案）》",
        "（一）主动公开政府信息情况",
        "（牵头单位：民政厅）",
        "（包括村办工业）",
        "（新华社北京3月12日电）",
        "（说明）",
        "（单位：万元）",
        "（下同）",
    ],
)
def test_instruction_real_bracketed_notes_stay_silent(text: str) -> None:
    assert find_placeholders(text) == []


def test_instruction_real_reports_have_no_bracketed_finding() -> None:
    """Every bracket in 93 government work reports and the annual reports is a real note."""
    paths = sorted((ROOT / "corpora" / "gwr").glob("*.txt")) + sorted((ROOT / "corpora" / "annual").glob("*.txt"))
    assert len(paths) >= 100
    brackets = 0
    for path in paths:
        doc = read_document(path)
        brackets += len(re.findall(r"[（(【\[［〔〖][^）)】\]］〕〗\n]{1,30}[）)】\]］〕〗]", doc.text))
        bad = [f for f in find_placeholders(doc) if f.match[0] in OPEN]
        assert bad == [], (path.name, [(f.match, f.line) for f in bad])
    assert brackets > 1500  # the test really saw brackets (1782 at the time of writing)


def test_instruction_wording_is_data(tmp_path) -> None:
    """The instruction verbs live in the rules file: without 描述 there, （文字描述） is not an instruction."""
    shipped = (ROOT / "models" / "placeholders" / "rules.toml").read_text(encoding="utf-8")
    assert '"描述"' in shipped
    own = tmp_path / "rules.toml"
    own.write_text(shipped.replace('"描述", "简述"', '"简述"').replace('"描述" = "text"\n', ""), encoding="utf-8")
    rules = load_rules(own)
    assert "描述" not in rules.instruction_verbs
    from govtext.lint_config import LintConfig

    assert find_placeholders("（文字描述）", config=LintConfig(rules=str(own))) == []
    assert _triples("（文字描述）") == [("GT208", "text", "（文字描述）")]


def test_instruction_ellipsis_in_brackets_is_a_warning_only() -> None:
    """（……） may also mark an omission in a quotation, so it is graded below the certain forms."""
    (f,) = find_placeholders("工作成效：（……）")
    assert (f.severity, f.match, f.context) == ("warning", "（……）", "工作成效：[（……）]")
    assert find_placeholders("（ ）")[0].severity == "error"  # empty brackets keep their own form
