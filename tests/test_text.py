"""The text model: folds one-for-one, line/column index, paragraphs of flattened and lined texts."""

from __future__ import annotations

import re

import pytest

from conftest import GWR
from govtext.text import LineIndex, TextView, fold, line_end_style, split_paragraphs


def _bare(s: str) -> str:
    return re.sub(r"\s", "", s)


def test_text_flattened_and_lined_2022_reports_split_alike():
    """The one-line national 2022 report and its one-paragraph-per-line copy give the same paragraphs."""
    flat = (GWR / "gwr_2022_national.txt").read_bytes().decode("utf-8")
    lined = (GWR / "gwr_2022_national_lines.txt").read_bytes().decode("utf-8")
    assert "\n" not in flat and "\r\n" in lined
    a = [_bare(p.text) for p in split_paragraphs(flat)]
    b = [_bare(p.text) for p in split_paragraphs(lined)]
    # The two copies differ only outside the speech: the lined copy opens with title, dateline and
    # speaker; the flattened one ends with a 新华社 source line and the 人民日报 page citation.
    assert b[:3] == [
        "政府工作报告",
        "——2022年3月5日在第十三届全国人民代表大会第五次会议上",
        "国务院总理李克强",
    ]
    assert a[-2:] == ["（新华社北京3月12日电）", "《人民日报》（2022年03月13日01版）"]
    a, b = a[:-2], b[3:]
    assert len(a) == len(b) == 96
    # one source difference: 中国—东盟 (em dash) vs 中国－东盟 (full-width hyphen)
    assert [s.replace("－", "—") for s in a] == [s.replace("－", "—") for s in b]
    assert a[0] == "各位代表：" and a[1].startswith("现在，我代表国务院")


def test_text_split_paragraphs_markers():
    text = "\u3000\u3000各位代表：\u3000\u3000现在，我代表国务院。\t一、工作回顾\t\u3000\u3000过去一年。\r\n\r\n末段 \n"
    paras = split_paragraphs(text)
    assert [p.text for p in paras] == [
        "各位代表：",
        "现在，我代表国务院。",
        "一、工作回顾",
        "过去一年。",
        "末段",
    ]
    for p in paras:
        assert text[p.start : p.end] == p.text


@pytest.mark.parametrize("marker", ["一、", "（一）", "1.", "１．", "①", "第一章", "（3）"])
def test_text_tab_after_a_lone_marker_is_not_a_break(marker):
    """Word exports list items as ``一、<TAB>总体要求``: the marker stays with its heading."""
    text = f"{marker}\t总体要求\n正文。\t下一段。"
    assert [p.text for p in split_paragraphs(text)] == [f"{marker}\t总体要求", "正文。", "下一段。"]


def test_text_single_ideographic_space_is_not_a_break():
    """One U+3000 inside a line (国务院总理　李克强) does not split a paragraph."""
    assert [p.text for p in split_paragraphs("国务院总理\u3000李克强")] == ["国务院总理\u3000李克强"]


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_text_line_index_every_line_end(eol):
    lines = ["一、主要工作", "（一）加强学习", "", "二、存在问题"]
    text = eol.join(lines)
    idx = LineIndex(text)
    for n, line in enumerate(lines, start=1):
        if not line:
            continue
        off = text.index(line)
        assert idx.line_col(off) == (n, 1)
        assert idx.line_col(off + 2) == (n, 3)
        assert idx.offset(n, 3) == off + 2
    assert idx.line_col(len(text)) == (len(lines), len(lines[-1]) + 1)


def test_text_line_end_style():
    assert line_end_style("a\nb\n") == "LF"
    assert line_end_style("a\r\nb\r\n") == "CRLF"
    assert line_end_style("a\rb") == "CR"
    assert line_end_style("a\r\nb\n") == "mixed"
    assert line_end_style("一行") == "none"


def test_text_fold_is_one_for_one():
    original = "（１）２０１９年\u3000ＸＸ\u00a0①⑴㈠．"
    folded = fold(original)
    assert folded == "(1)2019年 ＸＸ ①⑴㈠."  # circled/parenthesised numbers are never NFKC-folded
    assert len(folded) == len(original)
    view = TextView.folded(original)
    assert view.text == folded and view.to_original(3) == 3


def test_text_textview_offset_map():
    view = TextView("ab", (0, 2, 3))
    assert [view.to_original(i) for i in range(3)] == [0, 2, 3]


def test_text_corpus_paragraphs_never_contain_a_line_end(gwr_docs):
    for name, doc in gwr_docs.items():
        for p in doc.paragraphs:
            assert "\n" not in p.text and "\r" not in p.text, name
