"""The text model: folds one-for-one, line/column index, paragraphs of flattened and lined texts."""

from __future__ import annotations

import re

import pytest

from conftest import GWR
from govtext import read_document
from govtext.model import Document
from govtext.text import LineIndex, TextView, fold, line_end_style, split_paragraphs, text_layout


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


def test_text_ideographic_indent_with_spaces_is_a_break():
    """Flattened reports also start a paragraph with U+3000 plus ASCII spaces or NBSP, or two spaces plus
    U+3000 (``。\u3000\xa0 （四）``): one split for every module, sections included."""
    text = "乡村债务。\u3000\xa0 （四）加快转变发展方式。\u3000  二、今年安排。  \u3000三、建议。\u3000一句"
    paras = split_paragraphs(text)
    assert [p.text for p in paras] == ["乡村债务。", "（四）加快转变发展方式。", "二、今年安排。", "三、建议。\u3000一句"]
    for p in paras:
        assert text[p.start : p.end] == p.text


def test_text_tab_then_indent_after_a_lone_marker_is_not_a_break():
    """The TAB after a lone marker takes the blanks after it: ``一、\t\u3000 总体要求`` stays one paragraph."""
    assert [p.text for p in split_paragraphs("一、\t\u3000 总体要求\n正文。")] == ["一、\t\u3000 总体要求", "正文。"]


def test_text_2002_report_salutation_is_its_own_paragraph():
    """gwr_2002: ``国务院总理朱镕基\u3000\xa0 各位代表：\u3000\u3000现在`` holds three paragraphs."""
    doc = read_document(GWR / "gwr_2002_national.txt")
    texts = [p.text for p in doc.paragraphs[:5]]
    assert texts[2:5] == ["国务院总理朱镕基", "各位代表：", texts[4]] and texts[4].startswith("现在，我代表国务院")


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


# ----------------------------------------------------------------------------- hard wraps and page residue

_LINE_END = re.compile(r"\r\n|\r|\n")


def _lines_only(text: str) -> list[tuple[int, int]]:
    """The paragraphs as split before wraps and residue existed: lines, TAB and U+3000 U+3000 breaks."""
    from govtext.text import _split_lines

    out = []
    for a, e, *_ in _split_lines(text):
        t = text[a:e]
        lead = len(t) - len(t.lstrip(" \t\u3000\u00a0\ufeff\u200b"))
        trail = len(t) - len(t.rstrip(" \t\u3000\u00a0\ufeff\u200b"))
        if e - trail > a + lead:
            out.append((a + lead, e - trail))
    return out


def test_text_reports_and_seed_have_no_wraps_or_residue(gwr_docs, seed_doc):
    """Line-per-paragraph and flattened texts give exactly the paragraphs they always gave."""
    for name, doc in [*gwr_docs.items(), ("seed", seed_doc)]:
        layout = text_layout(doc.text)
        assert layout.residue == () and layout.wrap_width is None, name
        assert [(p.start, p.end) for p in layout.paragraphs] == _lines_only(doc.text), name


def _wrapped_seed(indent: str, eol: str, width: int = 30) -> tuple[str, list[str]]:
    src = (GWR.parent / "seeds" / "2019_party_building_summary.txt").read_text(encoding="utf-8")
    paras = [p.text for p in split_paragraphs(src)]
    lines = []
    for p in paras:
        t = indent + p
        lines += [t[i : i + width] for i in range(0, len(t), width)]
    return eol.join(lines), paras


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_text_hard_wrapped_text_gets_its_paragraphs_back(eol):
    """The seed cut every 30 characters: with indented paragraph starts every paragraph comes back;
    without indents only a paragraph whose last line nearly fills the width runs into the next."""
    text, paras = _wrapped_seed("\u3000\u3000", eol)
    layout = text_layout(text)
    assert layout.wrap_width == 60
    assert [_bare(p.text) for p in layout.paragraphs] == [_bare(p) for p in paras]
    for p in layout.paragraphs:
        assert text[p.start : p.end] == p.text
    text, paras = _wrapped_seed("", eol)
    got = [_bare(p.text) for p in split_paragraphs(text)]
    assert len(got) == len(paras) - 1
    merged = next(i for i, (g, e) in enumerate(zip(got, paras, strict=False)) if g != _bare(e))
    assert got[merged] == _bare(paras[merged]) + _bare(paras[merged + 1])
    assert len(paras[merged]) % 30 >= 27  # its last line (27 characters, a full stop) nearly fills 30


def test_text_heading_broken_across_a_wrap_is_one_paragraph():
    body = "坚持以上率下，把学习习近平新时代中国特色社会主义思想作为首要内容，健全中心组学习制度。" * 3
    lines = [
        "\u3000\u3000三是准确把握主题教育目标要求，不折不扣落实各项重点措",
        "施。认真学习贯彻习近平总书记重要指示精神和中央、省委、市委",
    ]
    text = "\n".join(lines + [body[i : i + 30] for i in range(0, len(body), 30)] * 3)
    first = split_paragraphs(text)[0]
    assert first.text.startswith("三是准确把握") and "重点措\n施。" in first.text


@pytest.mark.parametrize(
    "number",
    ["- 3 -", "— 3 —", "－ 3 －", "-3-", "第3页", "第 3 页", "第 3 页 共 9 页", "第3页/共9页", "3/9", "Page 3 of 9", "—３—"],
)
def test_text_page_number_lines_are_residue(number):
    text = f"一、主要工作\n做了工作。\n{number}\n继续做工作。\n"
    layout = text_layout(text)
    start = text.index(number)
    assert layout.residue == ((start, start + len(number)),)
    assert [p.text for p in layout.paragraphs] == ["一、主要工作", "做了工作。", "继续做工作。"]
    doc = Document.from_text(text)
    assert doc.view.text[start : start + len(number)] == " " * len(number)
    assert len(doc.view.text) == len(text)


def test_text_bare_numbers_and_running_headers_at_page_breaks():
    body = "这一页的正文写到这里为止还没有结束这句话而且还要继续写下去"
    pages = [f"某县人民政府工作报告\n{body}{c}甲\n{body}{c}乙\n{body}{c}丙\n{n}" for n, c in zip((1, 2, 3), "东南西", strict=True)]
    text = "\n\f\n".join(pages)
    layout = text_layout(text)
    residue = [text[a:b] for a, b in layout.residue]
    assert residue == ["某县人民政府工作报告", "1", "\f", "某县人民政府工作报告", "2", "\f", "某县人民政府工作报告", "3"]
    assert not any("某县" in p.text and len(p.text) < 15 for p in layout.paragraphs)


def test_text_numbers_that_are_not_page_numbers_stay():
    """A lone 2.5, a table's number column and numbers counting 0, 1 inside a table are text."""
    text = "PM\n2.5\n浓度下降。\n规章\n0\n1\n2\n行政规范性文件\n6\n"
    assert text_layout(text).residue == ()
    numbered = "\n".join(f"第{i}段正文。\n{i}" for i in range(1, 4))  # counting up but one line apart
    assert text_layout(numbered).residue == ()


def test_text_form_feed_inside_a_line_is_residue():
    text = "第一页末尾。\f第二页开头。"
    assert text_layout(text).residue == ((6, 7),)
    assert Document.from_text(text).view.text == "第一页末尾。 第二页开头。"


# ----------------------------------------------------------------------------- wrapped real text, reference


def _wrap_reference(paras: list[str], width: int) -> tuple[str, list[tuple[int, int]]]:
    """``paras`` hard-wrapped as a PDF's text is (U+3000 U+3000 indent, ``width`` characters a line, a
    page number and a form feed every 40 lines), and the paragraph spans the layout rules give, built
    line by line: a wrapped line continues its paragraph unless it ends a sentence and the next line
    starts with a numbering marker."""
    from govtext.markers import WRAP_ITEM_START

    lines: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0

    def put(line: str) -> None:
        nonlocal pos
        lines.append(line)
        pos += len(line) + 1

    for para in paras:
        t = "\u3000\u3000" + para
        cur: list[int] | None = None
        prev = ""
        for i in range(0, len(t), width):
            line = t[i : i + width]
            if cur is not None and prev.rstrip("”’」』）)》〉】\"'")[-1:] in "。！？!?；;：:…" and WRAP_ITEM_START.match(line):
                spans.append((cur[0], cur[1]))
                cur = None
            cur = [pos + (2 if i == 0 else 0) if cur is None else cur[0], pos + len(line)]
            put(line)
            prev = line
            if len(lines) % 42 == 40:
                put(f"- {len(lines) // 42 + 1} -")
                put("\f")
        assert cur is not None
        spans.append((cur[0], cur[1]))
    return "\n".join(lines), spans


def test_text_wrapped_reports_give_the_reference_paragraphs(gwr_docs):
    """Each of the 93 reports, its paragraphs (inner blanks removed) cut at 36 characters with page
    numbers and form feeds between pages: the layout gives exactly the reference spans, each
    paragraph's text is the original's slice, and the page residue is the page-number lines."""
    for name, doc in gwr_docs.items():
        paras = ["".join(p.text.split()) for p in doc.paragraphs]
        text, spans = _wrap_reference(paras, 36)
        layout = text_layout(text)
        assert layout.wrap_width == 72, name
        assert [(p.start, p.end) for p in layout.paragraphs] == spans, name
        assert all(text[p.start : p.end] == p.text for p in layout.paragraphs), name
        assert [text[a:e] for a, e in layout.residue] == [
            x for x in text.split("\n") if x.startswith("- ") or x == "\f"
        ], name
