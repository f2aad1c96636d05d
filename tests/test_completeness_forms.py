"""Completeness on the forms documents really come in (govtext issue 11).

The two mandated annual reports (政府信息公开工作年度报告, 法治政府建设年度报告) are detected and scored on
real published examples in ``corpora/annual/`` (see corpora/MANIFEST.md: six of them are the opening
of the page, as retrieved, not the whole report); a complete 法治政府建设年度报告 and an unnumbered
工作总结 were built from the public formats (tests/data/completeness_rule_of_law_built.txt,
tests/data/completeness_work_summary_list.txt) because no complete real one could be retrieved.
Each document is also read in its crawled form (every line break removed, as a crawler joins
paragraphs), the self-check of DOMAIN.md §6.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from govtext import read_document
from govtext.completeness import (
    BUILTIN_KINDS,
    builtin_outlines,
    detect_kind,
    document_title,
    score_completeness,
)
from govtext.model import Document

ROOT = Path(__file__).resolve().parents[1]
ANNUAL = ROOT / "corpora" / "annual"
DATA = ROOT / "tests" / "data"
IA = "information-disclosure-annual-report"
FZ = "rule-of-law-annual-report"
NEW_KINDS = (IA, FZ)
REAL = sorted(ANNUAL.glob("*.txt"))


def _kind_of(path: Path) -> str:
    return IA if path.name.startswith("ia_") else FZ


def _crawled(text: str) -> Document:
    """The crawled form: every line break removed (no TAB, no U+3000 left in their place)."""
    return Document.from_text(text.replace("\r", "").replace("\n", ""), path="<crawled>")


def _parts(c) -> dict:
    return {p.id: p for p in c.parts}


def test_forms_new_kinds_are_builtin_with_the_outline_schema() -> None:
    outlines = builtin_outlines()
    for kind in NEW_KINDS:
        assert kind in BUILTIN_KINDS
        o = outlines[kind]
        assert o.source == f"models/outlines/{kind}.toml"
    assert [p.id for p in outlines[IA].parts if p.required] == ["proactive", "requests", "review-litigation", "problems"]
    assert [p.id for p in outlines[FZ].parts if p.required] == ["main-work", "first-responsibility", "problems",
                                                                 "next-steps"]


def test_forms_real_files_are_the_ones_the_manifest_lists() -> None:
    manifest = (ROOT / "corpora" / "MANIFEST.md").read_text(encoding="utf-8")
    assert len(REAL) >= 7
    assert sum(p.name.startswith("ia_") for p in REAL) >= 3 and sum(p.name.startswith("fz_") for p in REAL) >= 3
    for path in REAL:
        assert f"annual/{path.name}" in manifest, path.name


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_forms_detect_kind_on_real_annual_reports(path: Path) -> None:
    guess = detect_kind(read_document(path))
    assert guess.kind == _kind_of(path), guess
    assert guess.confidence >= 0.5, guess


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_forms_detect_kind_on_the_crawled_form(path: Path) -> None:
    guess = detect_kind(_crawled(path.read_text(encoding="utf-8")))
    assert guess.kind == _kind_of(path), guess


def test_forms_no_existing_document_becomes_a_new_kind(gwr_docs, seed_doc) -> None:
    kinds = {name: detect_kind(d).kind for name, d in gwr_docs.items()}
    assert len(kinds) == 93
    assert not [p for p, k in kinds.items() if k in NEW_KINDS]
    assert detect_kind(seed_doc).kind == "party-building-summary"


def test_forms_old_five_part_disclosure_report_is_complete() -> None:
    """道县文广新局 2013: the pre-2019 five-part form, the whole report; its title wraps over two lines."""
    doc = read_document(ANNUAL / "ia_2013_daoxian_wenguangxin.txt")
    title, start, end = document_title(doc)
    assert "".join(doc.text[start:end].split()) == "道县文广新局2013年度信息公开工作年度报告"
    c = score_completeness(doc)
    assert c.kind.kind == IA and c.score == 100
    parts = _parts(c)
    for pid, heading in [
        ("proactive", "一、主动公开政府信息的情况"),
        ("requests", "二、依申请公开信息的情况和不予公开信息的情况"),
        ("fees", "三、信息公开的收费及减免情况"),
        ("review-litigation", "四、因信息公开申请行政复议、提起行政诉讼的情况"),
        ("problems", "五、信息公开工作存在的主要问题及改进情况"),
    ]:
        assert parts[pid].status == "present" and parts[pid].role == "heading"
        assert doc.text[parts[pid].start_char :].startswith(heading)
    assert parts["overview"].status == parts["other"].status == "missing"  # new-form parts, optional
    assert not [f for f in c.findings if f.code == "GT401"]


def test_forms_six_part_disclosure_report_parts_in_order() -> None:
    """湛江市地方志办 2023 (the page's opening: it stops inside part 三's table)."""
    doc = read_document(ANNUAL / "ia_2023_zhanjiang_difangzhi.txt")
    c = score_completeness(doc)
    parts = _parts(c)
    assert parts["opening"].status == "present" and parts["opening"].anchor.startswith("根据《中华人民共和国政府信息公开条例》")
    starts = []
    for pid, heading in [("overview", "一、总体情况"), ("proactive", "二、主动公开政府信息情况"),
                         ("requests", "三、收到和处理政府信息公开申请情况")]:
        assert parts[pid].status != "missing", pid
        assert doc.text[parts[pid].start_char :].startswith(heading)
        starts.append(parts[pid].start_char)
    assert starts == sorted(starts)
    # the excerpt ends inside part 三: 四 and 五 are reported missing, not found in the table rows
    assert parts["review-litigation"].status == parts["problems"].status == "missing"


def _with_tables(text: str) -> Document:
    """The document with its flattened statistics tables (runs of lines holding ``|`` cells) declared."""
    spans, pos, start = [], 0, None
    for line in text.splitlines(keepends=True):
        if "|" in line and start is None:
            start = pos
        elif "|" not in line and start is not None:
            spans.append((start, pos))
            start = None
        pos += len(line)
    if start is not None:
        spans.append((start, pos))
    return Document.from_text(text, table_spans=tuple(spans))


def test_forms_table_rows_are_never_parts() -> None:
    """A flattened table's rows carry their own numbering (一、本年新收政府信息公开申请数量 | 0 |…)."""
    text = (ANNUAL / "ia_2023_zhanjiang_difangzhi.txt").read_text(encoding="utf-8")
    doc = _with_tables(text)
    assert doc.tables and any("本年新收政府信息公开申请数量" in text[a:b] for a, b in doc.tables)
    c = score_completeness(doc, kind=IA)
    for p in c.parts:
        if p.start_char is not None:
            assert not doc.in_table(p.start_char), (p.id, p.anchor)
    assert _parts(c)["requests"].anchor.startswith("三、收到和处理政府信息公开申请情况")


def test_forms_main_work_is_never_a_table() -> None:
    """A summary told in paragraphs with a statistics table whose rows are numbered 一、二、三、: the main
    work is the paragraphs, not the table rows."""
    body = (DATA / "completeness_work_summary_list.txt").read_text(encoding="utf-8")
    table = (
        "主要指标完成情况 | 目标 | 完成 |\n一、地区生产总值（亿元） | 18 | 18.6 |\n"
        "二、新引进项目（个） | 6 | 7 |\n三、农村公路提档升级（公里） | 20 | 21 |\n"
    )
    at = body.index("工作中也存在")
    text = body[:at] + table + body[at:]
    doc = _with_tables(text)
    table_start = text.index(table)
    assert doc.in_table(table_start) and doc.in_table(text.index("三、农村公路"))
    c = score_completeness(doc, kind="work-summary")
    main = _parts(c)["main-work"]
    assert main.status == "weak" and main.role == "paragraphs"
    assert text[main.start_char :].startswith("全年完成地区生产总值18.6亿元")
    assert not doc.in_table(main.start_char) and main.end_char <= table_start
    assert not any(p.start_char is not None and doc.in_table(p.start_char) for p in c.parts)


@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ("石桥镇2023年工作总结\n在县委、县政府的坚强领导下，我镇2023年紧紧围绕年度目标任务，稳增长、惠民生，"
         "各项工作取得新成效。\n一、主要工作\n全年完成地区生产总值18.6亿元。新引进项目7个，总投资9.3亿元。"
         "改造老旧小区4个，惠及居民860户。新建村级养老服务站5个。\n二、存在问题\n项目储备不够充足。"
         "部分村集体经济收入偏低。\n三、下一步打算\n下一步，我们将继续抓项目促发展。进一步补齐民生短板。\n",
         "在县委、县政府的坚强领导下，我镇2023年"),
    ],
)
def test_forms_opening_without_a_formula_is_the_first_paragraph(text: str, anchor: str) -> None:
    c = score_completeness(Document.from_text(text), kind="work-summary")
    opening = _parts(c)["opening"]
    assert opening.status == "present" and opening.role == "lead"
    assert text[opening.start_char :].startswith(anchor)


def test_forms_a_first_paragraph_without_the_year_is_not_an_opening() -> None:
    text = ("石桥镇工作总结\n为全面做好各项工作，特作如下安排，请各村认真抓好落实并按时上报。\n"
            "一、主要工作\n全年完成地区生产总值18.6亿元。新引进项目7个。改造老旧小区4个。新建养老服务站5个。\n")
    c = score_completeness(Document.from_text(text), kind="work-summary")
    assert _parts(c)["opening"].status == "missing"


def test_forms_next_steps_list_is_judged_by_the_list() -> None:
    text = (DATA / "completeness_work_summary_list.txt").read_text(encoding="utf-8")
    c = score_completeness(read_document(DATA / "completeness_work_summary_list.txt"))
    nxt = _parts(c)["next-steps"]
    assert nxt.status == "present" and nxt.role == "lead" and nxt.anchor == "下一步，我们将重点抓好以下工作："
    assert text[: nxt.end_char].endswith("常态化开展安全隐患排查整治。")  # the list, not the lead line
    # the same lead line with no list after it is thin
    alone = text[: text.index("1.抓项目")]
    weak = _parts(score_completeness(Document.from_text(alone), kind="work-summary"))["next-steps"]
    assert weak.status == "weak" and "thin" in weak.weak_because


def test_forms_unnumbered_summary_scores_as_complete() -> None:
    """Main work told in paragraphs, problems in a lead, next steps as a list: not ~10/100."""
    c = score_completeness(read_document(DATA / "completeness_work_summary_list.txt"))
    parts = _parts(c)
    assert c.kind.kind == "work-summary"
    assert parts["main-work"].role == "paragraphs" and parts["main-work"].weak_because == ("unnumbered",)
    assert {pid: parts[pid].status for pid in ("title", "opening", "problems", "next-steps")} == dict.fromkeys(
        ("title", "opening", "problems", "next-steps"), "present")
    assert c.score == 90
    assert [b.item for b in c.breakdown] == ["main-work"]


def test_forms_built_rule_of_law_report_is_complete() -> None:
    doc = read_document(DATA / "completeness_rule_of_law_built.txt")
    c = score_completeness(doc)
    parts = _parts(c)
    assert c.kind.kind == FZ and c.score == 100
    assert parts["main-work"].anchor == "一、推进法治政府建设的主要举措和成效"
    assert parts["problems"].anchor == "二、存在的不足和原因"
    assert parts["first-responsibility"].anchor.startswith("三、党政主要负责人履行推进法治建设第一责任人职责情况")
    assert parts["opening"].role == "lead" and parts["opening"].anchor.startswith("2023年，青石县")
    nxt = parts["next-steps"]
    assert nxt.role == "lead" and doc.text[: nxt.end_char].endswith("营造尊法学法守法用法的良好氛围。")


@pytest.mark.parametrize(
    ("name", "opening", "main", "first"),
    [
        ("fz_2025_wanghe.txt", "2025年,在县委", "一、主要举措和成效", None),
        ("fz_2025_wangu.txt", "2025年,万古镇", "一、2025年法治政府建设主要工作及成效", "3.压实第一责任人职责"),
        ("fz_2023_jinghai.txt", "2023年,静海区", None, "一、区政府主要负责同志履行推进法治建设第一责任人职责情况"),
    ],
)
def test_forms_real_rule_of_law_openings(name: str, opening: str, main: str | None, first: str | None) -> None:
    """The real reports' first parts: the opening paragraph, the measures and the 第一责任人 part, in
    either order (the pages are cut after them, so later parts are not asserted)."""
    doc = read_document(ANNUAL / name)
    parts = _parts(score_completeness(doc))
    assert parts["opening"].status == "present" and doc.text[parts["opening"].start_char :].startswith(opening)
    if main:
        assert parts["main-work"].status == "present" and doc.text[parts["main-work"].start_char :].startswith(main)
    if first:
        assert parts["first-responsibility"].status == "present"
        assert doc.text[parts["first-responsibility"].start_char :].startswith(first)


def test_forms_page_labels_are_not_the_title() -> None:
    doc = read_document(ANNUAL / "fz_2023_jinghai.txt")
    title, start, end = document_title(doc)
    assert doc.text[start:end] == "静海区2023年度法治政府建设情况报告"
    # a reader that took a page label for the title: completeness does not
    labelled = Document(text=doc.text, title="来源:静海区人民政府办公室 发布时间:2024-03-28 09:18")
    title, start, end = document_title(labelled)
    assert doc.text[start:end] == "静海区2023年度法治政府建设情况报告"
    parts = _parts(score_completeness(labelled))
    assert parts["title"].anchor == "静海区2023年度法治政府建设情况报告"


def test_forms_title_label_of_a_crawled_page_gives_the_value() -> None:
    text = ("标题:青石县2023年度法治政府建设情况报告发布时间:2024-03-01来源:县司法局"
            + (DATA / "completeness_rule_of_law_built.txt").read_text(encoding="utf-8").split("\n", 2)[2])
    doc = Document(text=text.replace("\n", ""))
    title, start, end = document_title(doc)
    assert title == doc.text[start:end] == "青石县2023年度法治政府建设情况报告"
    assert start == 3
    assert _parts(score_completeness(doc, kind=FZ))["title"].status == "present"


@pytest.mark.parametrize(
    ("name", "minimum"),
    [("completeness_rule_of_law_built.txt", 80), ("completeness_work_summary_list.txt", 50)],
)
def test_forms_crawled_copies_keep_title_main_work_and_next_steps(name: str, minimum: int) -> None:
    """Every line break removed: the title runs into the body, headings stand mid-line."""
    text = (DATA / name).read_text(encoding="utf-8")
    doc = _crawled(text)
    c = score_completeness(doc)
    parts = _parts(c)
    assert c.kind.kind == (FZ if "rule_of_law" in name else "work-summary")
    assert parts["title"].status == "present" and doc.text[: parts["title"].end_char] == text.split("\n")[0]
    assert parts["main-work"].status != "missing" and parts["next-steps"].status != "missing"
    assert c.score >= minimum


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("来源:静海区人民政府办公室 发布时间:2024-03-28 09:18", True),
        ("• 索 引 号:wanghe/2026-00009", True),
        ("索 引 号 | 014416330/2018-04736 | 分 类 | 政府信息公开年报", True),
        ("| 索引号 | 6207250034/2026-00051 | 发文字号 | |", True),
        ("今天是:2019年10月31日 星期三", True),
        ("无障碍 简体| 繁体", True),
        ("分类施策，精准发力，推动各项工作落地见效。", False),
        ("来源于群众的意见建议全部办结。", False),
        ("作者队伍不断壮大。", False),
    ],
)
def test_forms_page_label_lines(line: str, label: bool) -> None:
    """A label needs its colon or cell bar: a body sentence starting with 分类/来源/作者 is not one."""
    from govtext.completeness import PAGE_LABEL

    assert bool(PAGE_LABEL.match(line)) is label


def test_forms_part_heading_nested_under_another_part_gives_way() -> None:
    """杨凌 2022: 一、总体情况 has （一）主动公开政府信息情况 and （二）依申请公开情况 as its own sub-points;
    the parts are 二、 and 三、, which stand on their own."""
    doc = read_document(ANNUAL / "ia_2022_yangling_shenji.txt")
    parts = _parts(score_completeness(doc))
    assert parts["overview"].anchor == "一、总体情况" and parts["overview"].status == "present"
    assert doc.text[parts["proactive"].start_char :].startswith("二、主动公开政府信息情况")
    assert doc.text[parts["requests"].start_char :].startswith("三、收到和处理政府信息公开申请情况")


def test_forms_heading_of_its_own_beats_a_sub_point_of_another_part() -> None:
    """（一）主动公开政府信息情况 matches the wording exactly but sits under 一、总体情况; the part is 二、
    even though its heading says more (…情况统计)."""
    text = ("某局2023年政府信息公开工作年度报告\n一、总体情况\n2023年，我局认真贯彻政府信息公开条例，全年公开信息120条。\n"
            "（一）主动公开政府信息情况\n全年主动公开政府信息120条，其中工作动态80条。\n"
            "（二）依申请公开情况\n全年未收到政府信息公开申请。\n"
            "二、本机关2023年度主动公开政府信息情况统计\n规章0件，行政规范性文件2件。\n"
            "三、本机关收到和处理政府信息公开申请情况统计\n本年新收申请0件。\n"
            "四、政府信息公开行政复议、行政诉讼情况\n本年无行政复议和行政诉讼。\n"
            "五、存在的主要问题及改进情况\n公开内容还不够全面，政策解读形式单一。下一步将加强培训，规范发布审核工作。\n"
            "六、其他需要报告的事项\n无其他需要报告的事项。\n")
    parts = _parts(score_completeness(Document.from_text(text)))
    assert parts["proactive"].anchor == "二、本机关2023年度主动公开政府信息情况统计"
    assert parts["requests"].anchor == "三、本机关收到和处理政府信息公开申请情况统计"
    assert parts["overview"].status == "present"


def test_joined_reports_keep_their_kind():
    """Every line break removed (a crawled page): the 93 reports are still 政府工作报告, but 海拉尔 2019
    whose letter-spaced title (政 府 工 作 报 告) stands beside blank lines only."""
    from conftest import GWR_FILES
    from govtext.completeness import detect_kind

    lost = []
    for path in GWR_FILES:
        doc = read_document(path)
        joined = Document.from_text(doc.text.replace("\r", "").replace("\n", ""))
        if detect_kind(joined).kind != detect_kind(doc).kind:
            lost.append(path.name)
    assert lost == ["gwr_2019_hailar_district.txt"]
