"""The .docx reader: Word automatic numbering rebuilt from numbering.xml, tables in reading order."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from govtext import read_document
from govtext.docx import format_number, read_docx, read_docx_text
from govtext.errors import InputError

# ----------------------------------------------------------------------------- building documents

# The official ladder (GB/T 9704): 一、 → （一） → 1. ; level 3 uses ① to cover enclosed numbers.
LEVELS = [
    ("chineseCounting", "%1、"),
    ("chineseCounting", "（%2）"),
    ("decimal", "%3."),
    ("decimalEnclosedCircle", "%4"),
]


def _abstract_num(abs_id: int, levels=LEVELS, start: int = 1) -> str:
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:suff w:val="nothing"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    return f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abs_id}">{lvls}</w:abstractNum>'


def _num(num_id: int, abs_id: int, start_override: dict[int, int] | None = None) -> str:
    overrides = "".join(
        f'<w:lvlOverride w:ilvl="{lvl}"><w:startOverride w:val="{v}"/></w:lvlOverride>'
        for lvl, v in (start_override or {}).items()
    )
    return f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abs_id}"/>{overrides}</w:num>'


def add_numbering(document, abstract_xml: str, nums_xml: list[str]) -> None:
    """Write list definitions into the document's numbering.xml (abstractNum before the w:num)."""
    numbering = document.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    abstract = parse_xml(abstract_xml)
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    for xml in nums_xml:
        numbering.append(parse_xml(xml))


def numbered(document, text: str, num_id: int, ilvl: int, style: str | None = None):
    """A paragraph carrying ``w:numPr`` directly."""
    p = document.add_paragraph(text, style=style)
    p._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )
    return p


def style_with_numbering(document, name: str, num_id: int, ilvl: int):
    """A paragraph style whose pPr carries the numbering (as Word's heading styles do)."""
    from docx.enum.style import WD_STYLE_TYPE

    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.element.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )
    return style


def to_bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def summary_docx() -> bytes:
    """A 工作总结 whose headings are numbered by Word, three levels deep, with a restart."""
    d = docx.Document()
    add_numbering(d, _abstract_num(90), [_num(90, 90), _num(91, 90, {0: 1}), _num(92, 90, {2: 5})])
    h1 = style_with_numbering(d, "GT Heading 1", 90, 0)
    d.add_paragraph("2019年党建工作总结")
    d.add_paragraph("今年来，市X局按照市委的统一部署，扎实开展机关党建工作。")
    d.add_paragraph("主要工作", style=h1)  # numbering from the paragraph style
    numbered(d, "坚守初心强党性活动", 90, 1)
    numbered(d, "强化思想武装", 90, 2)
    numbered(d, "加强组织建设", 90, 2)
    numbered(d, "开展主题教育", 90, 1)
    d.add_paragraph("存在问题", style=h1)
    numbered(d, "学习不够深入", 90, 1)  # level 1 restarts under the new level-0 item
    numbered(d, "示范引领不足", 90, 2)  # level 2 restarts too
    numbered(d, "①级条目", 90, 3)
    numbered(d, "②级条目", 90, 3)
    p = d.add_paragraph("不编号的段落（样式有编号，numId 0 关掉）", style=h1)
    p._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>')
    )
    d.add_paragraph("下一步打算", style=h1)
    numbered(d, "第二个列表实例从一重新开始", 91, 0)  # startOverride 1 on a new w:num
    numbered(d, "从五开始的三级", 92, 2)  # startOverride 5 at level 2
    return to_bytes(d)


# ----------------------------------------------------------------------------- numbering


def test_docx_numbering_rebuilt_in_paragraph_text(summary_docx):
    lines = read_docx_text(summary_docx, "summary.docx").split("\n")
    assert lines == [
        "2019年党建工作总结",
        "今年来，市X局按照市委的统一部署，扎实开展机关党建工作。",
        "一、主要工作",
        "（一）坚守初心强党性活动",
        "1.强化思想武装",
        "2.加强组织建设",
        "（二）开展主题教育",
        "二、存在问题",
        "（一）学习不够深入",
        "1.示范引领不足",
        "①①级条目",
        "②②级条目",
        "不编号的段落（样式有编号，numId 0 关掉）",
        "三、下一步打算",
        "一、第二个列表实例从一重新开始",
        "5.从五开始的三级",
    ]


def test_docx_read_document_gives_numbered_document(tmp_path, summary_docx):
    path = tmp_path / "summary.docx"
    path.write_bytes(summary_docx)
    doc = read_document(path)
    assert doc.source_format == "docx"
    assert doc.encoding is None
    assert doc.title == "2019年党建工作总结"
    assert doc.year == 2019
    for marker in ("一、主要工作", "（一）坚守初心强党性活动", "1.强化思想武装", "二、存在问题"):
        start = doc.text.index(marker)
        assert doc.text[start : start + len(marker)] == marker
    assert [p.text for p in doc.paragraphs][2:4] == ["一、主要工作", "（一）坚守初心强党性活动"]


def test_docx_default_template_list_number_style():
    d = docx.Document()
    d.add_paragraph("甲", style="List Number")
    d.add_paragraph("乙", style="List Number")
    d.add_paragraph("正文")
    assert read_docx_text(to_bytes(d), "x.docx") == "1.甲\n2.乙\n正文"


def test_docx_level_override_and_suffix_space():
    d = docx.Document()
    levels = [("decimalFullWidth", "%1．"), ("lowerLetter", "%2)")]
    abstract = _abstract_num(70, levels).replace('<w:suff w:val="nothing"/>', '<w:suff w:val="space"/>')
    add_numbering(d, abstract, [_num(70, 70, {0: 11})])
    numbered(d, "十一项", 70, 0)
    numbered(d, "子项", 70, 1)
    numbered(d, "十二项", 70, 0)
    assert read_docx_text(to_bytes(d), "x.docx").split("\n") == ["１１． 十一项", "a) 子项", "１２． 十二项"]


@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (11, "chineseCounting", "十一"),
        (20, "chineseCounting", "二十"),
        (23, "chineseCountingThousand", "二十三"),
        (105, "chineseCountingThousand", "一百零五"),
        (3, "decimal", "3"),
        (12, "decimalFullWidth", "１２"),
        (1, "decimalEnclosedCircle", "①"),
        (20, "decimalEnclosedCircle", "⑳"),
        (3, "decimalEnclosedParen", "⑶"),
        (2, "lowerLetter", "b"),
        (27, "lowerLetter", "aa"),
        (4, "upperRoman", "IV"),
        (9, "lowerRoman", "ix"),
        (1, "ideographTraditional", "甲"),  # what Word shows for this format (heavenly stems)
        (2, "chineseLegalSimplified", "贰"),
        (1, "ideographEnclosedCircle", "㊀"),
        (7, "somethingUnknown", "7"),
    ],
)
def test_docx_format_number(n, fmt, expected):
    assert format_number(n, fmt) == expected


# ----------------------------------------------------------------------------- tables and order


def test_docx_tables_kept_in_reading_order():
    d = docx.Document()
    d.add_paragraph("表格前的段落")
    t = d.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            t.cell(r, c).text = f"R{r}C{c}"
    t.cell(2, 0).merge(t.cell(2, 1))  # a merged cell is read once
    t.cell(2, 0).text = "合并单元格"
    inner = t.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "内表甲"
    inner.cell(0, 1).text = "内表乙"
    d.add_paragraph("表格后的段落")
    lines = read_docx_text(to_bytes(d), "t.docx").split("\n")
    assert lines == [
        "表格前的段落",
        "R0C0", "R0C1", "R0C2",
        "R1C0", "R1C1", "内表甲", "内表乙", "", "R1C2",
        "合并单元格", "R2C2",
        "表格后的段落",
    ]  # fmt: skip


def test_docx_tables_declare_their_spans():
    """Each table's text span is declared (nested ones inside their parent's); Document.tables has them."""
    d = docx.Document()
    d.add_paragraph("2023年政府信息公开工作年度报告")
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=3, cols=2)
    rows = [("一、本年新收政府信息公开申请数量", "52"), ("（一）予以公开", "20"), ("四、结转下年度继续办理", "3")]
    for r, (label, n) in enumerate(rows):
        t.cell(r, 0).text, t.cell(r, 1).text = label, n
    inner = t.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "内表甲", "7"
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    data = to_bytes(d)
    text, spans = read_docx(data, "t.docx")
    assert text == read_docx_text(data, "t.docx")
    outer_start = text.index("一、本年新收")
    outer_end = text.index("\n四、政府信息公开行政复议")
    inner_start = text.index("内表甲")
    assert spans == ((outer_start, outer_end), (inner_start, text.index("7\n", inner_start) + 1))
    doc = read_document_bytes(data)
    assert doc.table_spans == spans
    assert doc.tables == ((outer_start, outer_end),)  # merged: the nested table lies inside
    for label, _ in rows:
        assert doc.in_table(text.index(label))
    assert not doc.in_table(text.index("三、收到")) and not doc.in_table(text.index("四、政府信息公开"))
    assert not doc.in_table(outer_end)  # end is exclusive
    # the table's own numbering (一、 （一） 四、) gives no section and no finding: only the report's parts
    from govtext.sections import extract_sections

    outline = extract_sections(doc)
    assert [(s.level, s.marker) for s in outline.sections] == [(1, "三、"), (1, "四、")]
    # the one finding is the excerpt's own start at 三、; nothing from the table (一、 after 三、 would be
    # out of order, 四、 twice a repeat)
    assert [(f.code, f.match) for f in outline.findings] == [("GT101", "三、收到和处理政府信息公开申请情况")]


def read_document_bytes(data: bytes):
    from govtext.readers import document_from_bytes

    return document_from_bytes(data, "t.docx")


def test_docx_runs_tabs_and_breaks():
    d = docx.Document()
    p = d.add_paragraph("第一段")
    p.add_run("接续")
    r = p.add_run("换行前")
    r.add_break()
    p.add_run("换行后")
    assert read_docx_text(to_bytes(d), "r.docx") == "第一段接续换行前\n换行后"


# ----------------------------------------------------------------------------- bad files


def test_docx_not_a_zip():
    with pytest.raises(InputError, match="not a valid .docx"):
        read_docx_text(b"just some text, not a zip", "bad.docx")


def test_docx_truncated_zip(summary_docx):
    with pytest.raises(InputError, match=r"bad.docx: .*(corrupt|not a valid \.docx)"):
        read_docx_text(summary_docx[: len(summary_docx) // 2], "bad.docx")


def test_docx_damaged_member(summary_docx):
    data = bytearray(summary_docx)
    with zipfile.ZipFile(io.BytesIO(summary_docx)) as zf:
        info = zf.getinfo("word/document.xml")
    body = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    data[body : body + 8] = b"\x00" * 8  # damage the compressed bytes: CRC no longer matches
    with pytest.raises(InputError, match="corrupt"):
        read_docx_text(bytes(data), "bad.docx")


def test_docx_zip_without_document():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match="not a Word document"):
        read_docx_text(buf.getvalue(), "z.docx")


def fake_encrypted_docx() -> bytes:
    """The shape of a password-protected .docx: an OLE compound file holding EncryptedPackage."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entries = b"".join(
        n.encode("utf-16-le").ljust(128, b"\x00")
        for n in ("Root Entry", "EncryptionInfo", "EncryptedPackage")
    )
    return header + entries.ljust(512, b"\x00")


def test_docx_password_protected():
    with pytest.raises(InputError, match="password-protected"):
        read_docx_text(fake_encrypted_docx(), "secret.docx")


def test_docx_old_binary_doc():
    old = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 504
        + "WordDocument".encode("utf-16-le").ljust(512, b"\x00")
    )
    with pytest.raises(InputError, match=r"old binary Word \.doc"):
        read_docx_text(old, "old.docx")


def test_docx_heading_styles_linked_to_levels():
    """Word's multilevel list linked to heading styles: the style's numPr has only numId; the level
    is the one whose w:pStyle names the style."""
    from docx.enum.style import WD_STYLE_TYPE

    d = docx.Document()
    abstract = _abstract_num(80)
    for ilvl, sid in ((0, "GTH1"), (1, "GTH2")):
        abstract = abstract.replace(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/>',
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:pStyle w:val="{sid}"/>',
        )
    add_numbering(d, abstract, [_num(80, 80)])
    for sid in ("GTH1", "GTH2"):
        style = d.styles.add_style(sid, WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(qn("w:styleId"), sid)
        style.element.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="80"/></w:numPr>')
        )
    d.add_paragraph("总体要求", style="GTH1")
    d.add_paragraph("指导思想", style="GTH2")
    d.add_paragraph("主要目标", style="GTH2")
    d.add_paragraph("重点任务", style="GTH1")
    d.add_paragraph("稳增长", style="GTH2")
    assert read_docx_text(to_bytes(d), "h.docx").split("\n") == [
        "一、总体要求",
        "（一）指导思想",
        "（二）主要目标",
        "二、重点任务",
        "（一）稳增长",
    ]


def test_docx_numfmt_in_alternate_content():
    """Word 2010+ writes custom formats as mc:AlternateContent with a standard fallback."""
    d = docx.Document()
    abstract = _abstract_num(60).replace(
        '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>',
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<mc:Choice Requires="w14"><w:numFmt w:val="custom" w:format="一, 二, 三, ..."/></mc:Choice>'
        '<mc:Fallback><w:numFmt w:val="chineseCounting"/></mc:Fallback></mc:AlternateContent>'
        '<w:lvlText w:val="%1、"/>',
        1,
    )
    assert "mc:Fallback" in abstract and abstract.count("w:numFmt") == len(LEVELS) + 1
    add_numbering(d, abstract, [_num(60, 60)])
    numbered(d, "总体要求", 60, 0)
    numbered(d, "重点任务", 60, 0)
    assert read_docx_text(to_bytes(d), "a.docx") == "一、总体要求\n二、重点任务"


def test_docx_other_office_package():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InputError, match=r"is an Excel workbook \(\.xlsx\), not a Word document"):
        read_docx_text(buf.getvalue(), "book.docx")
