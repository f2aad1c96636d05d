"""govtext.markers: the one numbering-marker grammar and the narrower/looser sets built from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govtext import markers
from govtext.markers import BODY_HEADING, LONE_MARKER, START_PATTERNS, TABLE_LABEL_MARK, WRAP_ITEM_START
from govtext.text import fold, parse_cn_number

SRC = Path(markers.__file__).parent


def _style(s: str) -> str | None:
    """The first reference style matching at the start of the folded ``s``."""
    folded = fold(s)
    return next((style for style, rx in START_PATTERNS if rx.match(folded)), None)


@pytest.mark.parametrize(
    ("marker", "style"),
    [
        ("（一）", "cn-paren"),
        ("（ 十二 ）", "cn-paren"),
        ("（１）", "arabic-paren"),
        ("(3)", "arabic-paren"),
        ("一是", "cn-shi"),
        ("二要", "cn-yao"),
        ("其三，", "qi-ordinal"),
        ("第四，", "di-ordinal"),
        ("二十三、", "cn-comma"),
        ("１．", "arabic-dot"),
        ("12.", "arabic-dot"),
        ("3、", "arabic-comma"),
        ("4）", "arabic-half-paren"),
        ("⑤", "circled"),
        ("㈢", "circled"),
        ("首先，", "sequence-word"),
    ],
)
def test_markers_reference_styles(marker, style):
    assert _style(marker + "加强党的建设") == style


def test_markers_reference_reads_raw_and_folded_alike():
    """The pieces accept the full-width forms, so the raw text and its folded view give the same match."""
    for raw in ("（一）总体要求", "１．完善制度", "（２）加强", "3）推进"):
        got = [(s, rx.match(raw)) for s, rx in START_PATTERNS]
        want = [(s, rx.match(fold(raw))) for s, rx in START_PATTERNS]
        assert [(s, m.span() if m else None) for s, m in got] == [(s, m.span() if m else None) for s, m in want]


def test_markers_yao_words_are_not_items():
    assert _style("一要加强") == "cn-yao"
    for word in ("一要求", "三要素", "二要点"):
        assert _style(word) is None


def test_markers_circled_class_covers_the_four_ranges():
    circled = re.compile(markers.CIRCLED)
    for first, last in (("①", "⑳"), ("⑴", "⒇"), ("⒈", "⒛"), ("㈠", "㈩")):
        assert all(circled.fullmatch(chr(c)) for c in range(ord(first), ord(last) + 1))
    assert not circled.fullmatch("⓪") and not circled.fullmatch("㉑")


def test_markers_cn_numeral_is_what_parse_cn_number_reads():
    cn = re.compile(markers.CN)
    for s in ("一", "十", "十二", "二十", "九十九"):
        assert cn.fullmatch(s) and parse_cn_number(s) is not None
    assert not cn.fullmatch("一百") and not cn.fullmatch("")


@pytest.mark.parametrize("lone", ["一、", "十一．", "（三）", "(２)、", "1", "12.", "３）", "②", "第二章", "第3部分", "a.", "B)"])
def test_markers_lone_marker_accepts(lone):
    assert LONE_MARKER.fullmatch(lone)


@pytest.mark.parametrize("not_lone", ["一是", "总体要求", "一、总体要求", "（一）总体", "1.5亿"])
def test_markers_lone_marker_rejects(not_lone):
    assert not LONE_MARKER.fullmatch(not_lone)


def test_markers_wrap_item_start():
    for line in ("一、总体要求", "二是加强", "（三）推进", "(4)落实", "１．完善", "⑥深化", "第二，坚持", "\u3000\u3000三、"):
        assert WRAP_ITEM_START.match(line), line
    for line in ("1.5亿元", "2019.11", "一季度", "其次，", "首先，"):
        assert not WRAP_ITEM_START.match(line), line


def test_markers_table_label_mark_on_the_folded_view():
    label = re.compile(rf"{TABLE_LABEL_MARK}(?P<rest>.+)")
    for cell, rest in (("三、本年度办理结果", "本年度办理结果"), ("（一）予以公开", "予以公开"), ("1.政府信息", "政府信息")):
        m = label.fullmatch(fold(cell))
        assert m and m.group("rest") == rest
    assert not re.match(TABLE_LABEL_MARK, "一是加强")


def test_markers_body_heading():
    for line in ("一、总体", "一 、总体", "（ 1 ）加强", "２、推进", "三是落实", "第一，坚持"):
        assert BODY_HEADING.match(line), line
    for line in ("1.5亿元", "一季度经济", "2026年政府工作报告", "其一，"):
        assert not BODY_HEADING.match(line), line


def test_markers_narrower_sets_are_reference_markers():
    """What the wrap rule, the table labels and the title scan take for a marker, sections does too."""
    samples = ["一、", "十二、", "（一）", "（12）", "1.", "１．", "3、", "②", "一是", "第一，"]
    for s in samples:
        text = s + "加强"
        if WRAP_ITEM_START.match(text) or BODY_HEADING.match(text) or re.match(TABLE_LABEL_MARK, fold(text)):
            assert _style(text) is not None, s


@pytest.mark.parametrize("module", ["text.py", "tables.py", "docmeta.py", "sections.py", "completeness.py"])
def test_markers_grammar_is_not_written_again(module):
    """The marker forms come from markers.py: no module spells a numeral class with a marker again."""
    src = (SRC / module).read_text(encoding="utf-8")
    assert "[一二三四五六七八九十" not in src
    assert "[①-⑳" not in src
