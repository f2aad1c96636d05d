"""Headings in text whose paragraph breaks were lost (govtext issue 11).

Metamorphic check on every real file in corpora/: joining all lines with no separator, with one space,
or removing the indentation gives the outline of the line copy, except for the documented cases in
tests/data/sections_flat_exceptions.toml; and every section's offsets point at its marker and title.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

import pytest

from govtext.model import Document
from govtext.readers import read_document
from govtext.sections import extract_sections
from govtext.text import Paragraph

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
FILES = sorted([*CORPORA.glob("gwr/*.txt"), *CORPORA.glob("seeds/*.txt")])
EXCEPTIONS = {
    e["file"]: e
    for e in tomllib.loads(
        (Path(__file__).parent / "data" / "sections_flat_exceptions.toml").read_text("utf-8")
    )["exception"]
}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
VARIANTS = ("joined", "space", "dedented")


def _variant(text: str, name: str) -> str:
    lines = _LINE_BREAK.split(text)
    if name == "joined":
        return "".join(lines)
    if name == "space":
        return " ".join(lines)
    return "\n".join(line.lstrip(" \u3000\t\u00a0") for line in lines)


def _shape(outline) -> list[tuple]:
    return [(s.level, s.number, s.style, s.title) for s in outline.sections]


@cache
def _line_copy(path: Path) -> tuple[str, list[tuple]]:
    text = read_document(path).text
    return text, _shape(extract_sections(text))


def _squash(s: str) -> str:
    return re.sub(r"[\s\u3000\u00a0]+", "", s)


def _check_offsets(text: str, outline) -> None:
    for s in outline.sections:
        seg = text[s.start_char : s.end_char]
        assert seg.startswith(s.marker), (s.marker, seg)
        assert _squash(seg).endswith(_squash(s.title)), (s.title, seg)
        assert "\n" not in s.title and "\r" not in s.title


def test_flat_corpus_files_listed():
    assert len(FILES) == 94
    assert set(EXCEPTIONS) <= {str(p.relative_to(CORPORA)) for p in FILES}
    for e in EXCEPTIONS.values():
        assert e["reason"].strip() and set(e["variants"]) <= {"joined", "space"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_flat_variants_give_the_line_copy_outline(path):
    text, ref = _line_copy(path)
    listed = set(EXCEPTIONS.get(str(path.relative_to(CORPORA)), {}).get("variants", ()))
    for name in VARIANTS:
        flat = _variant(text, name)
        outline = extract_sections(flat)
        _check_offsets(flat, outline)
        if name in listed:
            assert _shape(outline) != ref, f"{path.name} {name} now agrees: drop it from the exceptions"
        else:
            assert _shape(outline) == ref, f"{path.name} {name} differs from the line copy"


def test_flat_equal_file_counts():
    """The measured rates quoted in docs/sections.md."""
    joined = sum(1 for e in EXCEPTIONS.values() if "joined" in e["variants"])
    space = sum(1 for e in EXCEPTIONS.values() if "space" in e["variants"])
    assert (len(FILES) - joined, len(FILES) - space) == (68, 91)


def test_flat_dev_annotations_hold_when_joined():
    """The annotated dev-set headings of outline_dev.json that are not listed exceptions, joined."""
    import json

    data = json.loads((CORPORA / "eval" / "outline_dev.json").read_text("utf-8"))
    for case in data["cases"]:
        path = ROOT / case["file"]
        text, ref = _line_copy(path)
        got = _shape(extract_sections(_variant(text, "space")))
        listed = "space" in EXCEPTIONS.get(case["file"].removeprefix("corpora/"), {}).get("variants", ())
        assert (got == ref) != listed
        for h in case["headings"]:  # every annotated heading is found in the space-joined copy
            assert any(
                (lv, n, st) == (h["level"], h["number"], h["style"])
                and _squash(t).startswith(_squash(h["title_prefix"]))
                for lv, n, st, t in got
            ), h


def test_flat_unnumbered_part_titles_are_a_documented_exception():
    """Gansu's and Inner Mongolia's unnumbered part titles exist only as lines of their own."""
    for name, parts in (("gwr_2026_gansu.txt", 3), ("gwr_2026_neimenggu.txt", 2)):
        text, ref = _line_copy(CORPORA / "gwr" / name)
        assert sum(1 for t in ref if t[2] == "unnumbered") == parts
        assert "unnumbered" in EXCEPTIONS[f"gwr/{name}"]["reason"]
        for variant in ("joined", "space"):
            got = _shape(extract_sections(_variant(text, variant)))
            assert not any(t[2] == "unnumbered" for t in got)
            assert [t[1] for t in got if t[2] == "cn-paren"][:3] == [1, 2, 3]  # numbered headings still found


def test_flat_appendix_opener_after_the_closing_words():
    """附件1 / 名词解释 run on after the report's last sentence still open an appendix part."""
    text, ref = _line_copy(CORPORA / "gwr" / "gwr_2026_guangdong.txt")
    got = _shape(extract_sections(_variant(text, "joined")))
    assert [t for t in got if t[2] == "appendix"] == [t for t in ref if t[2] == "appendix"]
    assert [t[:3] for t in got] == [t[:3] for t in ref]


ISSUE_TEXT = (
    "一、2025年工作情况各项工作取得明显成效。二、下一步工作打算（一）聚焦主责主业。一是完善制度，健全机制。"
    "二是强化监督，压实责任。（二）加强队伍建设。一是抓好培训。二是严格管理。"
)


def test_flat_issue_example_tree():
    o = extract_sections(ISSUE_TEXT)
    got = [(s.level, s.style, s.number, s.title) for s in o.sections]
    assert got == [
        (1, "cn-comma", 1, "2025年工作情况"),
        (1, "cn-comma", 2, "下一步工作打算"),
        (2, "cn-paren", 1, "聚焦主责主业"),
        (3, "cn-shi", 1, "完善制度，健全机制"),
        (3, "cn-shi", 2, "强化监督，压实责任"),
        (2, "cn-paren", 2, "加强队伍建设"),
        (3, "cn-shi", 1, "抓好培训"),
        (3, "cn-shi", 2, "严格管理"),
    ]
    assert o.findings == ()
    _check_offsets(ISSUE_TEXT, o)


def test_flat_title_ends_at_body_opener_and_space():
    joined = (
        "各位代表：现在我作报告。一、2025年工作回顾2025年是极不平凡的一年。二、2026年工作安排今年是开局之年。"
    )
    got = [(s.number, s.title) for s in extract_sections(joined).sections]
    assert got == [(1, "2025年工作回顾"), (2, "2026年工作安排")]
    spaced = "全年工作如下。 一、总体要求 坚持稳中求进。 二、重点任务 抓好落实。"
    got = [(s.number, s.title) for s in extract_sections(spaced).sections]
    assert got == [(1, "总体要求"), (2, "重点任务")]


def test_flat_shi_chain_after_unpunctuated_title_or_space():
    text = "一、主要工作情况 一是推进改革，成效明显。二是优化服务。三是防范风险。二、存在问题 一是基础薄弱。二是人才不足。"
    got = [(s.level, s.style, s.number, s.title) for s in extract_sections(text).sections]
    assert got == [
        (1, "cn-comma", 1, "主要工作情况"),
        (2, "cn-shi", 1, "推进改革，成效明显"),
        (2, "cn-shi", 2, "优化服务"),
        (2, "cn-shi", 3, "防范风险"),
        (1, "cn-comma", 2, "存在问题"),
        (2, "cn-shi", 1, "基础薄弱"),
        (2, "cn-shi", 2, "人才不足"),
    ]
    direct = "一、强化思想引领，加强政治建设一是强化思想武装。坚持学习。二是压实责任。二、加强组织建设一是抓好支部。二是严格管理。"
    got = [(s.level, s.style, s.number, s.title) for s in extract_sections(direct).sections]
    assert got[:2] == [(1, "cn-comma", 1, "强化思想引领，加强政治建设"), (2, "cn-shi", 1, "强化思想武装")]
    assert len(got) == 6


@pytest.mark.parametrize(
    "text",
    [
        "上半年经济平稳。一、二季度增速回升，二、三产业协调。",
        "全年完成投资1.5亿元。2.5万人受益。",
        "这是重点工作之一是抓好落实。统一是前提。",
        "我们第一时间响应。第一书记驻村。",
        "开展宣传。4.15国家安全日活动。",
        "接待游客（4.81、3.27万人次）。1-10月增长。",
        "报告分为三个部分：一、回顾；二、目标；三、任务。",
        "目录一、总体要求二、主要任务三、保障措施",
    ],
)
def test_flat_traps_stay_traps(text):
    assert extract_sections(text).sections == ()


def test_flat_table_cells_are_never_sections():
    text = (
        "一、工作情况\n全年依申请公开工作平稳。\n"
        "一、本年新收政府信息公开申请数量\n（一）予以公开\n1.属于国家秘密\n2.其他法律行政法规禁止公开\n"
        "四、结转下年度继续办理\n二、存在问题\n人员不足。\n"
    )
    start, end = text.index("一、本年"), text.index("二、存在")
    plain = extract_sections(text)
    assert len(plain.sections) > 3 and plain.findings  # untabled, the cells look like a broken outline
    o = extract_sections(Document(text=text, table_spans=((start, end),)))
    got = [(s.level, s.style, s.number, s.title) for s in o.sections]
    assert got == [(1, "cn-comma", 1, "工作情况"), (1, "cn-comma", 2, "存在问题")]
    assert o.findings == ()


class _WrappedDocument(Document):
    """A Document whose reader keeps a hard-wrapped heading in one paragraph (as PDF text comes in)."""

    @property
    def paragraphs(self) -> list[Paragraph]:
        t = self.text
        first = t.index("\n\n")
        return [Paragraph(0, first, t[:first]), Paragraph(first + 2, len(t), t[first + 2 :])]


def test_flat_title_drops_line_breaks_of_a_wrapped_heading():
    text = "（一）深入落实城市总体规划，推动京津\n    冀协同发展\n\n（二）推进改革\n"
    doc = _WrappedDocument(text=text)
    s = extract_sections(doc).sections[0]
    assert s.title == "深入落实城市总体规划，推动京津冀协同发展"
    assert text[s.start_char : s.end_char] == "（一）深入落实城市总体规划，推动京津\n    冀协同发展"


def test_flat_two_megabyte_single_line_finishes():
    text, _ = _line_copy(CORPORA / "gwr" / "gwr_2026_zhejiang.txt")
    one = _variant(text, "joined")
    big = one * (2_000_000 // len(one) + 1)
    o = extract_sections(big)
    assert len(o.sections) > 1000


# The real crawled annual reports of corpora/annual (政府信息公开 and 法治政府建设 pages as retrieved):
# short texts with half-width punctuation, page labels and pipe tables. Listed: the variants that differ.
ANNUAL_DIFFER = {
    # a page excerpt whose only part heading `一、…职责情况` has no second part and no sub-heading left to
    # vouch for it once joined: a lone mid-line `一、` is never taken on its own (一、二季度)
    "fz_2023_jinghai.txt": {"joined", "space"},
    # `三、收到和处理政府信息公开申请情况` is followed by the table's header cell `(本列数据的勾稽关系为:…)`,
    # which a joined title cannot be told from (情况(…) carries titles on elsewhere)
    "ia_2022_yangling_shenji.txt": {"joined"},
    # 湛江 too; and its excerpt ends inside a table row, `(二)部分公开(区分处理的,只`, which the line copy
    # reads as a heading line of its own and the joined copy leaves in the table's run
    "ia_2023_zhanjiang_difangzhi.txt": {"joined", "space"},
}


@pytest.mark.parametrize("path", sorted(CORPORA.glob("annual/*.txt")), ids=lambda p: p.name)
def test_flat_crawled_annual_reports(path: Path):
    text, ref = _line_copy(path)
    assert ref, "the line copy has headings"
    for name in ("joined", "space"):
        flat = _variant(text, name)
        outline = extract_sections(flat)
        _check_offsets(flat, outline)
        got = _shape(outline)
        if name in ANNUAL_DIFFER.get(path.name, ()):
            assert got != ref, f"{path.name} {name} now agrees: drop it from ANNUAL_DIFFER"
            # the tree still stands: same headings in the same places
            if path.name == "ia_2022_yangling_shenji.txt":
                assert [g[:3] for g in got] == [r[:3] for r in ref]
        else:
            assert got == ref, name


def test_flat_crawled_page_rules():
    # the document title runs straight on to the first part; a half-width `.` ends a sentence after a
    # Chinese character; `情况:正文` is a title, a colon and a one-clause body, not a contents list
    text = (
        "某县2023年政府信息公开工作年度报告一、总体情况:2023年度主动公开信息12条;二、主动公开政府信息情况"
        "全年未收到申请事项.三、存在的主要问题及改进情况一是更新不及时.二是解读不够."
    )
    got = [(s.level, s.marker, s.title) for s in extract_sections(text).sections]
    assert got == [
        (1, "一、", "总体情况:"),
        (1, "二、", "主动公开政府信息情况"),
        (1, "三、", "存在的主要问题及改进情况"),
        (2, "一是", "更新不及时"),
        (2, "二是", "解读不够"),
    ]
    # a lone first part vouched for by its own first sub-heading; a run whose 一、 was never written
    lone = "王河镇2025年法治政府建设的报告2025年,我镇推进依法行政。一、主要举措和成效(一)坚持理论学习。学法3次。(二)强化组织领导。召开会议。"
    got = [(s.level, s.marker) for s in extract_sections(lone).sections]
    assert got == [(1, "一、"), (2, "(一)"), (2, "(二)")]
    tail = "前文略。二、存在的不足和原因。人员不足。三、下一年度工作安排。加强培训。"
    assert [s.marker for s in extract_sections(tail).sections] == ["二、", "三、"]
    # the traps stay traps
    for trap in ("全市一、二季度经济运行平稳。", "投资1.5亿元.完成", "这是之一是关键。", "第一时间到场。",
                 "4.15国家安全日活动。", "共（4.81、3.27万人次）。", "1-10月完成。"):
        assert extract_sections(trap).sections == (), trap
