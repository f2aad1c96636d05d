"""Statistics tables found in plain, web and PDF text: rows are table cells, never report sections."""

from __future__ import annotations

import random

import pytest

from conftest import CORPORA, DATA, GWR_FILES, SEED
from govtext import read_document
from govtext.model import Document
from govtext.sections import extract_sections
from govtext.tables import detect_tables, merge_spans

# Row labels of the mandated 政府信息公开工作年度报告 tables, and the report's own part headings.
ROW_LABELS = [
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "（一）予以公开",
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "1.本机关不掌握相关政府信息",
    "四、结转下年度继续办理",
    "行政规范性文件",
    "行政事业性收费",
]
PART_HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
FORMS = ["tables_disclosure_lines.txt", "tables_disclosure_flat.txt", "pdf/disclosure_tables.pdf"]


def _offset(doc: Document, label: str) -> int:
    """Offset of ``label`` in the text, allowing a PDF's line breaks inside the label."""
    import re

    pattern = r"\s*".join(re.escape(c) for c in label)
    m = re.search(pattern, doc.text)
    assert m, label
    return m.start()


@pytest.mark.parametrize("name", FORMS)
def test_tables_disclosure_rows_are_table_cells_headings_are_not(name):
    """One cell per line, flattened on one line (a crawler's page), or a printed PDF table."""
    doc = read_document(DATA / name)
    assert 2 <= len(doc.tables) <= 4
    for label in ROW_LABELS:
        assert doc.in_table(_offset(doc, label)), label
    for heading in PART_HEADINGS:
        assert not doc.in_table(_offset(doc, heading)), heading
    for a, b in doc.tables:  # a table starts at a row label and ends at a number
        assert doc.text[b - 1].isdigit()
        assert not doc.text[a].isspace()


def test_tables_pdf_table_rows_are_not_sections():
    """The printed tables' numbered row labels do not enter the outline: it is the report's six parts."""
    from govtext.sections import extract_sections

    pdf = read_document(DATA / "pdf" / "disclosure_tables.pdf")
    lines = read_document(DATA / "tables_disclosure_lines.txt")
    top = [s.marker + s.title for s in extract_sections(pdf).sections if s.level == 1]
    assert top == PART_HEADINGS
    assert top == [s.marker + s.title for s in extract_sections(lines).sections if s.level == 1]


def test_tables_real_pipe_tables_in_annual_reports():
    """Two real 政府信息公开年报 excerpts keep their tables as ``label | n | n |`` lines."""
    for name in ("ia_2022_yangling_shenji.txt", "ia_2023_zhanjiang_difangzhi.txt"):
        doc = read_document(CORPORA / "annual" / name)
        a, b = doc.tables[0]
        assert doc.text[a:b].startswith("规章 | 0 | 0 | 0")
        assert doc.text[a:b].endswith("行政事业性收费 | 0")
    # 湛江's second table (cut off by the excerpt): its rows carry 一、 二、 and a group label before （一）
    doc = read_document(CORPORA / "annual" / "ia_2023_zhanjiang_difangzhi.txt")
    assert len(doc.tables) == 2
    a, b = doc.tables[1]
    assert doc.text[a:b].startswith("一、本年新收政府信息公开申请数量 | 0")
    assert doc.text[a:b].endswith("三、本年度办理结果 | (一)予以公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0")
    titles = [s.title for s in extract_sections(doc).sections]
    assert not any(t.startswith(("本年新收", "上年结转", "本年度办理结果")) for t in titles)


def test_tables_none_in_the_reports_and_the_seed():
    """Prose paragraphs with numbers (``完成235.2亿元，同比增长18.5%``) are never tables: on the 93
    reports and the seed nothing is detected."""
    found = {p.name: detect_tables(read_document(p)) for p in [*GWR_FILES, SEED]}
    assert len(found) == 94
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.parametrize(
    "text",
    [
        "全年地区生产总值完成235.2亿元，同比增长18.5%；地方财政总收入完成20.67亿元。\n城镇新增就业1352万人。\n",
        "一、工作回顾\n过去一年，我们完成了3项任务。\n二、存在问题\n一是 2 个方面\n三、下一步打算\n",
        "较 快 增 长 。 粮 食 产 量 1.33 万 亿 斤 。 常 住 人 口 城 镇 化 率 首 次 超 过 60%，重大区域战略深入实施。",
        "规章 0 0 0\n行政规范性文件 6 2 41\n",  # two rows are not yet a table
    ],
)
def test_tables_prose_with_numbers_is_not_a_table(text):
    assert detect_tables(text) == ()


def test_tables_cells_split_across_lines_and_pipes():
    lines = "申请人情况\n一、本年新收政府信息公开申请数量\n48\n5\n55\n（一）予以公开\n20\n2\n23\n（二）部分\n公开\n6\n1\n7\n"
    (span,) = detect_tables(lines)
    assert lines[span[0] : span[1]].startswith("一、本年新收") and lines[span[0] : span[1]].endswith("7")
    piped = "| 规章 | 0 | 0 | 0 |\n| 行政规范性文件 | 6 | 2 | 41 |\n| 行政许可 | 3280 |\n"
    (span,) = detect_tables(piped)
    assert piped[span[0] : span[1]] == "规章 | 0 | 0 | 0 |\n| 行政规范性文件 | 6 | 2 | 41 |\n| 行政许可 | 3280"


def test_tables_merge_spans():
    assert merge_spans([(10, 20), (0, 5), (15, 30), (30, 31), (40, 41)]) == ((0, 5), (10, 31), (40, 41))
    assert merge_spans([]) == ()


def test_tables_in_table_is_binary_search_over_merged_spans():
    rng = random.Random(7)
    spans = tuple(sorted({(a, a + rng.randint(1, 30)) for a in rng.sample(range(0, 5000, 7), 120)}))
    doc = Document(text="x" * 5200, table_spans=spans)
    merged = doc.tables
    assert merged == merge_spans(spans)
    for off in [*range(0, 5200, 3), 5199, 0]:
        assert doc.in_table(off) == any(a <= off < b for a, b in spans), off
