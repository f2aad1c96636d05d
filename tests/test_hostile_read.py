"""Hostile and odd inputs on the reading side (issue 17): Unicode line separators, non-Chinese text,
whitespace-only input, FIFOs and directories, and .docx/.pdf files that expand far past their bytes.

Hostile files are built here with ``zipfile``/bytes (nothing large on disk); the costly ones are read in
a subprocess whose peak memory (``RUSAGE_CHILDREN``) and time are bounded.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from govtext.docx import MAX_LABEL_CHARS, MAX_MEMBERS, MAX_NUMBER_CHARS, read_docx
from govtext.errors import InputError
from govtext.model import Document
from govtext.readers import read_document
from govtext.review import check_document
from govtext.text import LINE_END, LineIndex, line_end_style

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpora" / "seeds" / "2019_party_building_summary.txt"
SEPARATORS = {"LS": "\u2028", "PS": "\u2029", "NEL": "\x85", "VT": "\x0b", "FF": "\x0c"}


def _records(review) -> dict:
    """The check record without what legitimately differs between two line-end styles."""

    def strip(o):
        if isinstance(o, dict):
            return {k: strip(v) for k, v in o.items() if k not in ("path", "context")}
        if isinstance(o, list):
            return [strip(x) for x in o]
        return o

    return strip(review.to_dict("en"))


# --------------------------------------------------------------------------- line separators


@pytest.fixture(scope="module")
def seed_lf():
    text = SEED.read_text(encoding="utf-8")
    return text, _records(check_document(Document.from_text(text, path="seed.txt")))


@pytest.mark.parametrize("name", sorted(SEPARATORS))
def test_unicode_line_separators_split_like_lf(seed_lf, name):
    text, expected = seed_lf
    sep = SEPARATORS[name]
    doc = Document.from_text(text.replace("\n", sep), path="seed.txt")
    lf = Document.from_text(text, path="seed.txt")
    assert len(doc.paragraphs) == len(lf.paragraphs) == 42
    assert [(p.start, p.end) for p in doc.paragraphs] == [(p.start, p.end) for p in lf.paragraphs]
    assert doc.lines.starts == lf.lines.starts
    review = check_document(doc)
    assert len(review.outline.sections) == 36  # was 13 with U+2028 read as part of one line
    assert _records(review) == expected  # same sections, parts, findings, placeholders, offsets, lines
    for f in review.placeholders:
        line, col = doc.line_col(f.start_char)
        assert (f.line, f.col) == (line, col)
        assert doc.text[f.start_char : f.end_char] == f.match


def test_line_index_counts_every_separator_once():
    text = "一\r\n二\r三\n四\x0b五\x0c六\x85七\u2028八\u2029九"
    idx = LineIndex(text)
    assert len(idx.starts) == 9
    for k, ch in enumerate("一二三四五六七八九"):
        at = text.index(ch)
        assert idx.line_col(at) == (k + 1, 1)
        assert idx.offset(k + 1, 1) == at
    assert [m.group() for m in LINE_END.finditer(text)] == ["\r\n", "\r", "\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]


def test_line_end_style_names_unicode_separators():
    assert line_end_style("一\u2028二\u2028") == "LS"
    assert line_end_style("一\u2029二") == "PS"
    assert line_end_style("一\x85二") == "NEL"
    assert line_end_style("一\n二\u2028三") == "mixed"
    assert line_end_style("一\n\f\n二") == "LF"  # a page break is not a line-end style
    assert line_end_style("一\f二\f") == "FF"  # unless form feeds are the only line ends


# --------------------------------------------------------------------------- hostile .docx files

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
    'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main'
    '+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_DOC_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/numbering" Target="numbering.xml"/></Relationships>'
)
DOC_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>'.encode()
DOC_TAIL = b"</w:body></w:document>"
PARA = "<w:p><w:r><w:t>{}</w:t></w:r></w:p>"
NUMBERED = '<w:p><w:pPr><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'


def _segment(data: bytes, final: bool = False) -> bytes:
    """Raw deflate of ``data`` from a fresh compressor, byte-aligned: segments concatenate into one stream."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def _zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip from (name, deflated bytes, crc, declared size, method) — the sizes are whatever we say."""
    out = bytearray()
    central = bytearray()
    for name, raw, crc, size, method in members:
        n = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(raw), size, len(n), 0)
        out += n + raw
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(raw), size, len(n), 0, 0, 0, 0, 0,
            offset,
        )
        central += n
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


def _member(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    return name, _segment(data, final=True), zlib.crc32(data), len(data), zipfile.ZIP_DEFLATED


def docx_package(document: tuple[str, bytes, int, int, int], numbering: str | None = None) -> bytes:
    members = [_member("[Content_Types].xml", _CT.encode()), _member("_rels/.rels", _RELS.encode()), document]
    if numbering is not None:
        members += [
            _member("word/_rels/document.xml.rels", _DOC_RELS.encode()),
            _member("word/numbering.xml", numbering.encode()),
        ]
    return _zip(members)


def repeated_document(unit: bytes, copies: int, *, declared: int | None = None) -> tuple[str, bytes, int, int, int]:
    """word/document.xml = head + ``copies`` × ``unit`` + tail, deflated by repeating one segment (a
    1 MB unit compresses to about 1 KB). ``declared``: the size the headers claim, with the CRC of that
    many first bytes (a member lying about its size whose CRC still matches what a reader stops at)."""
    raw = _segment(DOC_HEAD) + _segment(unit) * copies + _segment(DOC_TAIL, final=True)
    if declared is None:
        crc = zlib.crc32(DOC_HEAD)
        for _ in range(copies):
            crc = zlib.crc32(unit, crc)
        return "word/document.xml", raw, zlib.crc32(DOC_TAIL, crc), len(DOC_HEAD) + len(unit) * copies + len(DOC_TAIL), 8
    prefix = (DOC_HEAD + unit * (declared // len(unit) + 1))[:declared]
    return "word/document.xml", raw, zlib.crc32(prefix), declared, zipfile.ZIP_DEFLATED


def simple_docx(body: str, numbering: str | None = None) -> bytes:
    data = DOC_HEAD + body.encode() + DOC_TAIL
    return docx_package(_member("word/document.xml", data), numbering)


def numbering_xml(levels: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="{W_NS}"><w:abstractNum w:abstractNumId="0">'
        f'{levels}</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
    )


def level_xml(ilvl: int, fmt: str, text: str, start: int = 1) -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:suff w:val="nothing"/></w:lvl>'
    )


BLANK_1MB = b" " * (1 << 20)  # whitespace between elements: deflates 1000 to 1, as a zip bomb does
UNIT_1MB = (PARA.format("我们坚持以人民为中心的发展思想。") * 20000)[: 1 << 20].rsplit("</w:p>", 1)[0].encode() + b"</w:p>"

_PROBE = """
import json, resource, subprocess, sys, time
t = time.monotonic()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=120)
print(json.dumps({"rc": p.returncode, "out": p.stdout, "err": p.stderr, "seconds": time.monotonic() - t,
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def probe(path: Path, *args: str, env: dict | None = None) -> dict:
    """``govtext info FILE`` in a fresh process: exit code, output, wall time and peak memory (MB).

    A wrapper process runs it, so ``RUSAGE_CHILDREN`` holds this one child only.
    """
    cmd = [sys.executable, "-c", _PROBE, sys.executable, "-m", "govtext", "info", str(path), *args]
    run_env = {**os.environ, "GOVTEXT_LANG": "en", **(env or {})}
    out = subprocess.run(cmd, capture_output=True, text=True, env=run_env, timeout=180, check=True)
    return json.loads(out.stdout)


def assert_bounded(result: dict) -> None:
    assert result["peak_mb"] < 300, result
    assert result["seconds"] < 10, result


def test_docx_member_lying_about_its_size_is_stopped_at_the_cap(tmp_path):
    """document.xml declares 2 KB (its CRC matching those 2 KB) and inflates to 1.1 GB: refused at 64 MB
    of actual bytes, naming the limit, without ever holding more than a chunk."""
    data = docx_package(repeated_document(BLANK_1MB, 1100, declared=2048))
    assert len(data) < 1_200_000  # the 1.1 MB file
    path = tmp_path / "liar.docx"
    path.write_bytes(data)
    r = probe(path)
    assert (r["rc"], r["out"]) == (2, "")
    assert r["err"] == f"govtext: {path}: document.xml expands past 64 MB (the limit for a .docx)\n"
    assert_bounded(r)


def test_docx_honest_100_mb_document_refused_at_64_mb(tmp_path):
    path = tmp_path / "big.docx"
    path.write_bytes(docx_package(repeated_document(BLANK_1MB, 100)))
    r = probe(path)
    assert r["rc"] == 2 and r["err"].endswith("document.xml expands past 64 MB (the limit for a .docx)\n")
    assert "corrupt" not in r["err"]
    assert_bounded(r)
    # configurable: with GOVTEXT_DOCX_MAX_XML_MB=1 a 3 MB document.xml is refused at 1 MB, in-process too
    small = docx_package(repeated_document(UNIT_1MB, 3))
    with pytest.raises(InputError, match=r"^s\.docx: document\.xml expands past 2 MB \(the limit"):
        read_docx(small, "s.docx", max_xml=2 * 1024 * 1024)
    r = probe(path, env={"GOVTEXT_DOCX_MAX_XML_MB": "1"})
    assert r["err"].endswith("document.xml expands past 1 MB (the limit for a .docx)\n")


def test_docx_under_the_cap_is_read_whole(tmp_path):
    text, _ = read_docx(docx_package(repeated_document(UNIT_1MB, 3)), "ok.docx")
    assert text.count("我们坚持以人民为中心的发展思想。") == text.count("\n") + 1 > 3 * 20000 // 2


def test_docx_damaged_or_lying_but_small_member_is_corrupt():
    """A member whose bytes differ from its header within the limits is corrupt (not over a limit)."""
    name, raw, crc, size, method = _member("word/document.xml", DOC_HEAD + PARA.format("正文").encode() + DOC_TAIL)
    with pytest.raises(InputError, match=r"corrupt \.docx \(damaged member word/document\.xml: CRC or size"):
        read_docx(docx_package((name, raw, crc, size - 5, method)), "d.docx")


def test_docx_text_limit(tmp_path):
    data = docx_package(repeated_document(UNIT_1MB, 2))
    with pytest.raises(InputError, match=r"^t\.docx: text extracted from the \.docx is over the 1\.0 MB limit$"):
        read_docx(data, "t.docx", max_text=1024 * 1024)
    path = tmp_path / "t.docx"
    path.write_bytes(data)
    with pytest.raises(InputError, match="over the 500.0 KB limit"):
        read_document(path, max_bytes=500 * 1024)  # the readers' limit bounds the text a .docx gives too


def test_docx_numbering_bomb_lower_letter_start_1e8(tmp_path):
    """lowerLetter from 10^8 with nine %1 was ~692 M characters; now a bounded label per paragraph."""
    levels = level_xml(0, "lowerLetter", "%1" * 9 + "、", start=10**8)
    body = "".join(NUMBERED.format(lvl=0, text=f"第{i}项工作") for i in range(1, 201))
    data = simple_docx(body, numbering_xml(levels))
    text, _ = read_docx(data, "n.docx")
    lines = text.split("\n")
    assert len(lines) == 200
    assert lines[0] == "32767" * 9 + "、第1项工作"  # start clamped to Word's 32767; letters past 16 → decimal
    assert lines[1] == "32768" * 9 + "、第2项工作"
    assert max(len(line) for line in lines) <= MAX_LABEL_CHARS + len("第200项工作")
    path = tmp_path / "n.docx"
    path.write_bytes(data)
    assert_bounded(probe(path))


@pytest.mark.parametrize("start", [10**6, 10**8, -5, 2**70])
def test_docx_numbering_values_bounded(start):
    levels = level_xml(0, "lowerLetter", "%1.", start=start)
    text, _ = read_docx(simple_docx(NUMBERED.format(lvl=0, text="正文"), numbering_xml(levels)), "n.docx")
    label = text.removesuffix("正文")
    assert len(label) <= MAX_NUMBER_CHARS + 1
    if start < 0:
        assert label == "0."  # clamped to 0
    else:
        assert label == "32767."


def test_docx_long_lvl_text_is_cut():
    levels = level_xml(0, "decimal", "第%1" + "长" * 5000)
    text, _ = read_docx(simple_docx(NUMBERED.format(lvl=0, text="正文"), numbering_xml(levels)), "n.docx")
    assert text == ("第1" + "长" * 5000)[:MAX_LABEL_CHARS] + "正文"


@pytest.mark.parametrize(
    ("ilvl", "middle", "last"),
    [
        ("9", "越界的级别", "二、重点任务"),  # clamped to 8: no level 8 defined (the ilvl 9 definition is ignored)
        ("12", "越界的级别", "二、重点任务"),
        ("99999999999999999999", "越界的级别", "二、重点任务"),
        ("-1", "二、越界的级别", "三、重点任务"),  # clamped to 0
    ],
)
def test_docx_out_of_range_level_never_index_error(ilvl, middle, last):
    levels = level_xml(0, "chineseCounting", "%1、") + level_xml(1, "decimal", "%2.") + level_xml(9, "decimal", "X%10")
    body = "".join(NUMBERED.format(lvl=lvl, text=t) for lvl, t in (("0", "总体要求"), (ilvl, "越界的级别"), ("0", "重点任务")))
    text, _ = read_docx(simple_docx(body, numbering_xml(levels)), "l.docx")
    assert text.split("\n") == ["一、总体要求", middle, last]


def test_docx_entity_expansion_refused():
    """A billion-laughs DTD in document.xml (Word never writes a DTD) is refused before parsing."""
    ents = '<!ENTITY a0 "哈哈哈哈哈哈哈哈哈哈">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{ents}]><w:document xmlns:w="{W_NS}"><w:body>'
        "<w:p><w:r><w:t>&a9;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    with pytest.raises(InputError, match=r"^l\.docx: document\.xml declares a DTD \(<!DOCTYPE>, entity expansion\)"):
        read_docx(docx_package(_member("word/document.xml", doc)), "l.docx")


def test_docx_too_many_members():
    members = [_member("[Content_Types].xml", _CT.encode())] + [
        _member(f"word/media/m{i}.xml", b"<a/>") for i in range(MAX_MEMBERS + 1)
    ]
    with pytest.raises(InputError, match=rf"is a zip of {MAX_MEMBERS + 2} members, over the {MAX_MEMBERS}-member"):
        read_docx(_zip(members), "many.docx")


def test_docx_bomb_in_a_part_never_read_costs_nothing(tmp_path):
    """An image (or any part the text does not need) inflating to 1 GB is not inflated at all."""
    bomb = ("word/media/image1.png", _segment(b"\0" * (1 << 20)) * 1000 + _segment(b"", final=True), 0, 0, 8)
    data = _zip([
        _member("[Content_Types].xml", _CT.encode()), _member("_rels/.rels", _RELS.encode()),
        _member("word/document.xml", DOC_HEAD + PARA.format("正文内容").encode() + DOC_TAIL), bomb,
    ])
    assert read_docx(data, "img.docx")[0] == "正文内容"
    path = tmp_path / "img.docx"
    path.write_bytes(data)
    r = probe(path)
    assert r["rc"] == 0
    assert_bounded(r)


# --------------------------------------------------------------------------- hostile PDFs


def pdf_bytes(contents: list[bytes], page_refs: list[int] | None = None) -> bytes:
    """A minimal PDF: one FlateDecode stream object per entry of ``contents`` (already compressed) and
    one page per entry of ``page_refs`` (the stream each page shows; default one page per stream)."""
    refs = page_refs if page_refs is not None else list(range(len(contents)))
    first_page = 4 + len(contents)
    kids = " ".join(f"{first_page + i} 0 R" for i in range(len(refs)))
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(refs)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    objs += [f"<< /Length {len(raw)} /Filter /FlateDecode >>\nstream\n".encode() + raw + b"\nendstream" for raw in contents]
    objs += [
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
        f"/Contents {4 + r} 0 R >>".encode()
        for r in refs
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def flate_repeat(unit: bytes, copies: int, head: bytes = b"") -> bytes:
    """A zlib stream of ``head`` + ``copies`` × ``unit``, built by repeating one compressed segment."""
    adler = zlib.adler32(head)
    for _ in range(copies):
        adler = zlib.adler32(unit, adler)
    return b"\x78\xda" + _segment(head) + _segment(unit) * copies + _segment(b"", final=True) + adler.to_bytes(4, "big")


TEXT_OPS = b"BT /F1 12 Tf 72 712 Td (Hello) Tj ET\n"


def test_pdf_builder_makes_a_readable_pdf():
    from govtext.pdf import read_pdf_text

    assert read_pdf_text(pdf_bytes([flate_repeat(TEXT_OPS, 1)] * 2), "ok.pdf") == "Hello\n\f\nHello"


def test_pdf_stream_bomb_refused_naming_the_limit(tmp_path):
    """A 100 KB PDF whose one content stream inflates to 100 MB: refused at 16 MB, not 'corrupt'."""
    path = tmp_path / "bomb.pdf"
    path.write_bytes(pdf_bytes([flate_repeat(b" " * (1 << 20), 100, head=TEXT_OPS)]))
    r = probe(path)
    assert r["rc"] == 2
    assert r["err"] == f"govtext: {path}: a stream in the PDF decompresses past 16 MB (the limit for a PDF, page 1)\n"
    assert_bounded(r)


def test_pdf_page_content_and_total_content_bounded(tmp_path):
    from govtext.pdf import read_pdf_text

    drawing = b"0 0 m 1 1 l S\n" * 75000  # ~1 MB of line drawing: no text, costly for pypdf to parse
    path = tmp_path / "heavy.pdf"
    path.write_bytes(pdf_bytes([flate_repeat(drawing, 10)]))
    r = probe(path)
    assert r["rc"] == 2 and r["err"].endswith("page 1's contents decompress past 8 MB (the limit for a PDF page)\n")
    assert_bounded(r)
    # one stream shown on 50 pages counts on each page: the total is bounded too
    shared = pdf_bytes([flate_repeat(TEXT_OPS + b" " * (1 << 20), 1)], page_refs=[0] * 50)
    with pytest.raises(InputError, match=r"page contents decompress past 10 MB \(the limit for a PDF, at page 10\)"):
        read_pdf_text(shared, "shared.pdf", max_content=10 * 1024 * 1024)


def test_pdf_text_limit_still_applies():
    from govtext.pdf import read_pdf_text

    data = pdf_bytes([flate_repeat(TEXT_OPS, 1)] * 30)
    with pytest.raises(InputError, match=r"text extracted from the PDF is over the 100 bytes limit \(at page 13\)"):
        read_pdf_text(data, "t.pdf", max_bytes=100)


# --------------------------------------------------------------------------- odd plain text and paths


def _read(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return read_document(path)


def test_latin1_text_is_not_read_as_cp1250(tmp_path):
    data = "Résumé: café crème, naïve façade, £100 à Zürich — très bien.\n".encode("latin-1", "replace")
    with pytest.raises(InputError, match=r"latin\.txt: is not UTF-8 or GB18030 and has no Chinese characters \(it reads as "):
        _read(tmp_path, "latin.txt", data)


@pytest.mark.parametrize("text", ["plain ASCII notes, nothing Chinese\n", "Ünïcödé but no CJK\n"])
def test_text_without_cjk_is_named_as_such(tmp_path, text):
    with pytest.raises(InputError, match=r"has no Chinese characters \(no CJK text\)"):
        _read(tmp_path, "en.txt", text.encode("utf-8"))
    from govtext.readers import document_from_bytes

    doc = document_from_bytes(text.encode("utf-8"), "en.txt", require_cjk=False)  # a caller may allow it
    assert doc.text == text


@pytest.mark.parametrize("blank", [b"   \n\t\n", "\u3000\u3000\r\n".encode("utf-8"), b"\n\x0c\n", "\u2028 \u00a0".encode()])
def test_whitespace_only_gets_one_answer(tmp_path, blank, monkeypatch):
    """File, stdin and in-memory bytes (what the web's paste and upload use) refuse blank text alike."""
    import io

    from govtext.readers import decode_bytes, document_from_bytes

    message = "holds only whitespace, no text"
    with pytest.raises(InputError, match=f"blank.txt: {message}$"):
        _read(tmp_path, "blank.txt", blank)
    with pytest.raises(InputError, match=f"up.txt: {message}$"):
        document_from_bytes(blank, "up.txt")
    with pytest.raises(InputError, match=f"pasted: {message}$"):
        decode_bytes(blank, "pasted")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(blank)))
    with pytest.raises(InputError, match=f"<stdin>: {message}$"):
        read_document("-")


def test_cli_blank_file_and_stdin_agree(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_bytes(b" \n\n\t")
    cmd = [sys.executable, "-m", "govtext", "check"]
    env = {**os.environ, "GOVTEXT_LANG": "en"}
    by_file = subprocess.run([*cmd, str(path)], capture_output=True, text=True, env=env)
    by_stdin = subprocess.run([*cmd, "-"], input=" \n\n\t", capture_output=True, text=True, env=env)
    assert (by_file.returncode, by_file.stdout, by_file.stderr) == (2, "", f"govtext: {path}: holds only whitespace, no text\n")
    assert (by_stdin.returncode, by_stdin.stdout, by_stdin.stderr) == (2, "", "govtext: <stdin>: holds only whitespace, no text\n")


def test_fifo_and_directory_named_never_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"pipe\.txt: is a FIFO \(named pipe\), not a file$"):
        read_document(fifo)  # returns at once: a FIFO is never opened (no writer would block it)
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(InputError, match=r"folder\.txt: is a directory, not a file$"):
        read_document(folder)
    (tmp_path / "dead.txt").symlink_to(tmp_path / "gone.txt")
    with pytest.raises(InputError, match=r"dead\.txt: is a broken symbolic link$"):
        read_document(tmp_path / "dead.txt")
    with pytest.raises(InputError, match=r"missing\.txt: no such file$"):
        read_document(tmp_path / "missing.txt")
    r = subprocess.run([sys.executable, "-m", "govtext", "outline", str(fifo)], capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stderr) == (2, f"govtext: {fifo}: is a FIFO (named pipe), not a file\n")


def test_placeholder_linter_takes_files_without_chinese(tmp_path):
    """The linter reads a folder's English README as a file without placeholders, not as an error;
    check/outline refuse such a file (above)."""
    (tmp_path / "README.md").write_text("# Notes\n\nSome English text, XX and all.\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("今年共发展了X名党员。\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "govtext", "placeholders", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 1 and "a.txt:1:7: GT201" in r.stdout
    assert r.stderr == "Found 1 placeholder (1 error) in 2 files.\n"  # the summary; no error line


def test_web_paste_and_upload_answer_blank_and_non_chinese_alike():
    """What the web should do (issue 17): the CLI's line as a 422, for a paste and an upload alike."""
    from fastapi.testclient import TestClient

    from govtext.web.app import create_app

    client = TestClient(create_app())
    for text, problem in ((" \n\t\u3000", "holds only whitespace, no text"), ("only English here", "has no Chinese characters")):
        pasted = client.post("/api/check", json={"text": text})
        uploaded = client.post("/api/check", files={"file": ("a.txt", text.encode())})
        assert (pasted.status_code, uploaded.status_code) == (422, 422)
        assert problem in pasted.json()["detail"] and problem in uploaded.json()["detail"]
