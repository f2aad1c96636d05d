"""Readers on real text: every corpus file reads back exactly; encodings, line ends, bad input."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import docx
import pytest

from conftest import DATA, GWR, GWR_FILES, SEED, gwr_manifest
from govtext import InputError, read_document
from govtext.cli import main
from govtext.readers import decode_bytes, detect_title, detect_year, document_from_bytes, document_info

ALL_FILES = [*GWR_FILES, SEED]
MANIFEST_YEAR = {row["file"]: int(row["year"]) for row in gwr_manifest()}


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``govtext`` in-process through ``main()`` (which maps errors to one line + exit 2)."""
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def snapshot(path: Path) -> tuple[int, bytes]:
    return path.stat().st_mtime_ns, path.read_bytes()


# ----------------------------------------------------------------------------- real corpora


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_readers_corpus_reads_back_identical_with_offsets(path):
    data = path.read_bytes()
    doc = read_document(path)
    assert doc.text == data.decode("utf-8")
    assert doc.encoding == "utf-8"
    assert doc.source_format == "txt"
    paragraphs = doc.paragraphs
    assert paragraphs
    last_end = 0
    for p in paragraphs:
        assert p.text == doc.text[p.start : p.end]
        assert p.text == p.text.strip(" \t\r\n\u3000\u00a0")
        assert p.start >= last_end
        last_end = p.end
    if doc.title is not None:
        assert doc.title in doc.text


def test_readers_corpus_years_agree_with_manifest():
    missing = []
    for path in GWR_FILES:
        doc = read_document(path)
        if doc.year is None:
            missing.append(path.name)
        else:
            assert doc.year == MANIFEST_YEAR[path.name], path.name
    # these three open with 各位代表 and review 过去五年: no year is given, so None is right
    assert missing == ["gwr_2008_national.txt", "gwr_2013_national.txt", "gwr_2018_national.txt"]


@pytest.mark.parametrize(
    ("name", "title", "year"),
    [
        ("gwr_2026_beijing.txt", "2026年北京市政府工作报告", 2026),  # after 下载/打印/全屏… residue
        ("gwr_2026_ningxia.txt", "2026年宁夏回族自治区政府工作报告", 2026),  # after 当前位置：首页 > …
        ("gwr_2026_shaanxi.txt", "陕西省2026年政府工作报告", 2026),
        ("gwr_2026_guizhou.txt", "政府工作报告", 2026),  # photo caption skipped; year from dateline
        ("gwr_2026_guangdong.txt", "政府工作报告", 2026),
        ("gwr_2016_hailar_district.txt", "政 府 工 作 报 告", 2016),  # as written, letter-spaced
        ("gwr_2017_hailar_district.txt", None, 2017),  # starts with its dateline
        ("gwr_1954_national.txt", "1954年政府工作报告", 1954),  # title joined to its dateline
        ("gwr_1960_national.txt", "1960年政府工作报告", 1960),
        ("gwr_2012_national.txt", None, 2012),  # photo caption, then 各位代表：
        ("gwr_2021_national.txt", None, 2021),  # flattened; year from 一、2020年工作回顾
        ("gwr_2022_national.txt", None, 2022),
        ("gwr_2008_national.txt", None, None),  # 一、 过去五年工作回顾: no year given
    ],
)
def test_readers_title_and_year(name, title, year):
    doc = read_document(GWR / name)
    assert (doc.title, doc.year) == (title, year)


def test_readers_seed_title_and_year(seed_doc):
    assert seed_doc.title == "2019年党建工作总结"  # the 本文系作者原创投稿 line before it is residue
    assert seed_doc.year == 2019


def test_readers_detect_title_and_year_on_strings():
    assert detect_title("# 市X局2020年上半年工作总结\n\n一、主要工作") == "市X局2020年上半年工作总结"
    assert detect_title("今年以来，我局认真贯彻落实市委部署。现将有关情况报告如下：") is None
    assert detect_title("各位领导、同志们：\n我代表局党组作述职报告。") is None
    assert detect_title("述职报告\n\n各位领导、同志们：\n") == "述职报告"
    assert (
        detect_title("中共X市委办公室\n2019年工作总结\n一、主要工作") == "2019年工作总结"
    )  # unit line first
    assert detect_title("发布日期：2020-01-01\n2019年工作总结") == "2019年工作总结"  # a label line
    assert detect_title("一、主要工作情况\n今年来，我局……") is None  # a heading is not a title
    assert detect_title("现将有关情况总结如下：\n（一）工作情况") is None
    assert detect_year("正文", "二〇一九年度述职报告") == 2019
    assert detect_year("正文", "２０２０年工作总结") == 2020
    # not a work report: a body year is not the document's year
    assert detect_year("2019年以来，我局开展了工作。", None) is None
    assert detect_year("我局认真落实市政府工作报告部署。\n一、2019年工作回顾\n", None) is None
    assert (
        detect_year("各位代表：\n现在，我代表市人民政府向大会报告工作。\n一、2023年工作回顾\n", None) == 2024
    )


# ----------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    "name", ["gwr_2016_hailar_district.txt", "gwr_2026_guangdong.txt", "gwr_1995_national.txt"]
)
def test_readers_gb18030_copy_reads_back_identical(tmp_path, name):
    text = (GWR / name).read_bytes().decode("utf-8")
    copy = tmp_path / name
    copy.write_bytes(text.encode("gb18030"))
    doc = read_document(copy)
    assert doc.encoding == "gb18030"
    assert doc.text == text
    assert [p.text for p in doc.paragraphs] == [p.text for p in read_document(GWR / name).paragraphs]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_readers_utf16_copy_reads_back_identical(tmp_path, codec):
    text = SEED.read_bytes().decode("utf-8")
    bom = "\ufeff".encode(codec)
    copy = tmp_path / "seed16.txt"
    copy.write_bytes(bom + text.encode(codec))
    doc = read_document(copy)
    assert (doc.encoding, doc.text) == (codec, text)


def test_readers_utf8_bom_dropped(tmp_path):
    text = SEED.read_bytes().decode("utf-8")
    copy = tmp_path / "bom.txt"
    copy.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    doc = read_document(copy)
    assert (doc.encoding, doc.text) == ("utf-8-sig", text)
    assert doc.title == "2019年党建工作总结"


def test_readers_short_gbk_title_is_gb18030_not_korean(tmp_path):
    path = tmp_path / "title.txt"
    path.write_bytes("2019年党建工作总结".encode("gbk"))
    doc = read_document(path)
    assert (doc.encoding, doc.text, doc.title, doc.year) == (
        "gb18030",
        "2019年党建工作总结",
        "2019年党建工作总结",
        2019,
    )


@pytest.mark.parametrize(
    "text", ["各位代表：現在，我代表政府向大會報告工作，請予審議。", "工作總結報告，臺灣"]
)
def test_readers_big5_goes_to_the_detector(text):
    assert decode_bytes(text.encode("big5"), "b.txt") == (text, "big5")


def test_readers_data_fixture_gbk_crlf():
    """tests/data/readers_gbk_crlf.txt: a GBK summary with CRLF line ends, as saved by Notepad."""
    doc = read_document(DATA / "readers_gbk_crlf.txt")
    assert doc.encoding == "gb18030"
    assert "\r\n" in doc.text
    assert doc.title == "市X局2020年上半年工作总结"
    off = doc.text.index("存在问题")
    assert doc.line_col(off) == (6, 3)


# ----------------------------------------------------------------------------- line ends


@pytest.mark.parametrize("eol", ["\r\n", "\r"])
def test_readers_line_ends_kept_with_offsets(tmp_path, eol):
    lf_text = SEED.read_bytes().decode("utf-8")
    assert "\r" not in lf_text
    text = lf_text.replace("\n", eol)
    path = tmp_path / "eol.txt"
    path.write_bytes(text.encode("utf-8"))
    doc = read_document(path)
    lf_doc = read_document(SEED)
    assert doc.text == text
    assert doc.text.count(eol) == lf_text.count("\n")
    for needle in ("三是是", "市委市委", "2019年党建工作总结"):
        off = doc.text.index(needle)
        assert doc.text[off : off + len(needle)] == needle
        assert doc.line_col(off) == lf_doc.line_col(lf_doc.text.index(needle))
        line, col = doc.line_col(off)
        assert doc.lines.offset(line, col) == off
    assert [p.text for p in doc.paragraphs] == [p.text for p in lf_doc.paragraphs]
    assert document_info(doc)["line_ends"] == ("CRLF" if eol == "\r\n" else "CR")
    assert document_info(doc)["lines"] == document_info(lf_doc)["lines"]


def test_readers_corpus_crlf_file_line_col():
    doc = read_document(GWR / "gwr_2016_hailar_district.txt")
    raw_lines = doc.text.split("\r\n")
    off = doc.text.index("各位代表：")
    line, col = doc.line_col(off)
    assert raw_lines[line - 1][col - 1 :].startswith("各位代表：")
    assert document_info(doc)["line_ends"] == "CRLF"


# ----------------------------------------------------------------------------- other sources


def test_readers_markdown(tmp_path):
    path = tmp_path / "summary.md"
    path.write_text("# 2021年度述职报告\n\n各位领导、同志们：\n\n一年来……\n", encoding="utf-8")
    doc = read_document(path)
    assert (doc.source_format, doc.title, doc.year) == ("md", "2021年度述职报告", 2021)


def test_readers_document_from_bytes_matches_files(tmp_path):
    text = SEED.read_bytes().decode("utf-8")
    doc = document_from_bytes(text.encode("gb18030"), "上传.txt")
    assert (doc.text, doc.encoding, doc.path, doc.title) == (
        text,
        "gb18030",
        "上传.txt",
        "2019年党建工作总结",
    )
    with pytest.raises(InputError, match=r"a.pdf: is a corrupt PDF \("):
        document_from_bytes(b"%PDF-1.4", "a.pdf")
    with pytest.raises(InputError, match="unsupported file type '.rtf'; expected .txt, .md, .docx or .pdf"):
        document_from_bytes(b"{\\rtf1 x}", "a.rtf")
    with pytest.raises(InputError, match="a.docx: is not a valid .docx"):
        document_from_bytes(text.encode(), "a.docx")


def test_readers_stdin(monkeypatch):
    data = SEED.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    doc = read_document("-")
    assert (doc.path, doc.source_format, doc.text) == ("-", "stdin", data.decode("utf-8"))


def test_readers_size_limit_argument_and_env(tmp_path, monkeypatch):
    path = tmp_path / "s.txt"
    path.write_bytes(SEED.read_bytes())
    with pytest.raises(InputError, match=r"over the 100 bytes limit"):
        read_document(path, max_bytes=100)
    monkeypatch.setenv("GOVTEXT_MAX_BYTES", "200")
    with pytest.raises(InputError, match=r"over the 200 bytes limit"):
        read_document(path)
    assert read_document(path, max_bytes=10**6).text  # an explicit limit wins over the env


# ----------------------------------------------------------------------------- govtext info


def test_readers_info_text_and_json(capsys):
    code, out, err = run_cli(capsys, "info", str(SEED), str(GWR / "gwr_2016_hailar_district.txt"))
    assert code == 0 and err == ""
    assert "title:      2019年党建工作总结" in out
    assert "line_ends:  CRLF" in out
    code, out, _ = run_cli(capsys, "info", "--format", "json", str(SEED))
    assert code == 0
    (rec,) = json.loads(out)
    text = SEED.read_bytes().decode("utf-8")
    assert rec == {
        "path": str(SEED),
        "format": "txt",
        "encoding": "utf-8",
        "title": "2019年党建工作总结",
        "year": 2019,
        "chars": len(text),
        "lines": text.count("\n") + (0 if text.endswith("\n") else 1),
        "paragraphs": len(read_document(SEED).paragraphs),
        "line_ends": "LF",
    }


def test_readers_info_docx_and_flattened(capsys, tmp_path):
    d = docx.Document()
    d.add_paragraph("2019年党建工作总结")
    d.add_paragraph("正文。")
    path = tmp_path / "s.docx"
    d.save(path)
    code, out, _ = run_cli(capsys, "info", "--format", "json", str(path), str(GWR / "gwr_2022_national.txt"))
    assert code == 0
    a, b = json.loads(out)
    assert (a["format"], a["encoding"], a["title"], a["lines"], a["line_ends"]) == (
        "docx",
        None,
        "2019年党建工作总结",
        2,
        "LF",
    )
    assert (b["lines"], b["line_ends"], b["title"], b["year"]) == (1, "none", None, 2022)
    assert b["paragraphs"] > 90  # the flattened report is still split into its paragraphs


# ----------------------------------------------------------------------------- bad input


def _bad_inputs(tmp_path: Path) -> list[tuple[list[str], str, str]]:
    """(extra args, file, expected problem) for every kind of bad input."""
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "undecodable.txt").write_bytes(bytes(range(128, 256)) * 3)
    (tmp_path / "bad16.txt").write_bytes(b"\xff\xfe" + b"\x00\xd8" + "文字".encode("utf-16-le"))
    (tmp_path / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not really a zip archive")
    (tmp_path / "notzip.docx").write_bytes("这不是Word文件".encode())
    from test_docx import fake_encrypted_docx

    (tmp_path / "secret.docx").write_bytes(fake_encrypted_docx())
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "report.rtf").write_bytes(b"{\\rtf1 x}")
    (tmp_path / "README").write_bytes(b"text")
    (tmp_path / "big.txt").write_bytes("工作总结。\n".encode() * 500)
    (tmp_path / "adir.txt").mkdir()
    pdf_as_txt = tmp_path / "pdf.txt"
    pdf_as_txt.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    return [
        ([], "missing.txt", "no such file"),
        ([], "adir.txt", "is a directory, not a file"),
        ([], "empty.txt", "file is empty"),
        ([], "binary.txt", "looks like a binary file, not text"),
        ([], "pdf.txt", "is a PDF file, not text; convert it to .txt or .docx first"),
        ([], "undecodable.txt", "cannot decode: not UTF-8, GB18030, UTF-16 or another known encoding"),
        ([], "bad16.txt", "has a UTF-16-LE byte-order mark but is not valid UTF-16-LE"),
        ([], "corrupt.docx", "is not a valid .docx (not a zip archive; corrupt or another format)"),
        ([], "notzip.docx", "is not a valid .docx (not a zip archive; corrupt or another format)"),
        (
            [],
            "secret.docx",
            "is password-protected (encrypted .docx); remove the password in Word and save again",
        ),
        ([], "report.pdf", "is a corrupt PDF (Stream has ended unexpectedly)"),
        ([], "report.rtf", "unsupported file type '.rtf'; expected .txt, .md, .docx or .pdf"),
        ([], "README", "unsupported file type '(none)'; expected .txt, .md, .docx or .pdf"),
        (["--max-size", "0.001"], "big.txt", "file is 7.8 KB, over the 1.0 KB limit"),
    ]


def test_readers_bad_input_one_line_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cases = _bad_inputs(tmp_path)
    before = {p: snapshot(p) for p in tmp_path.iterdir() if p.is_file()}
    for extra, name, problem in cases:
        code, out, err = run_cli(capsys, "info", *extra, name)
        assert code == 2, name
        assert out == ""
        assert err == f"govtext: {name}: {problem}\n", name
    after = {p: snapshot(p) for p in tmp_path.iterdir() if p.is_file()}
    assert after == before  # inputs are never written, not even touched


def test_readers_size_limit_env_via_cli(tmp_path, capsys, monkeypatch):
    path = tmp_path / "s.txt"
    path.write_bytes(SEED.read_bytes())
    monkeypatch.setenv("GOVTEXT_MAX_BYTES", "1000")
    code, _, err = run_cli(capsys, "info", str(path))
    assert (code, err) == (
        2,
        f"govtext: {path}: file is {path.stat().st_size / 1024:.1f} KB, over the 1000 bytes limit\n",
    )
    monkeypatch.setenv("GOVTEXT_MAX_BYTES", "lots")
    code, _, err = run_cli(capsys, "info", str(path))
    assert (code, err) == (2, "govtext: GOVTEXT_MAX_BYTES='lots': must be a positive whole number of bytes\n")


def test_readers_good_reads_never_write(tmp_path):
    txt = tmp_path / "seed.txt"
    txt.write_bytes(SEED.read_bytes())
    d = docx.Document()
    d.add_paragraph("2019年党建工作总结")
    dx = tmp_path / "seed.docx"
    d.save(dx)
    os.utime(txt, ns=(1_000_000_000, 1_000_000_000))
    os.utime(dx, ns=(1_000_000_000, 1_000_000_000))
    before = [snapshot(txt), snapshot(dx)]
    read_document(txt)
    read_document(dx)
    assert [snapshot(txt), snapshot(dx)] == before


def test_readers_subprocess_python_m(tmp_path):
    """The real entry point: one line on stderr, exit code 2, no traceback."""
    import subprocess

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    proc = subprocess.run(
        [sys.executable, "-m", "govtext", "info", str(empty)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2
    assert proc.stderr == f"govtext: {empty}: file is empty\n"


@pytest.mark.parametrize(
    "head, title",
    [
        ("标题:某县2023年政府信息公开工作年度报告\n发布时间:2024-01-20\n来源:某县政府办\n正文。", "某县2023年政府信息公开工作年度报告"),
        ("标题：2021年工作总结 发布时间：2022-01-05 来源：某局\n正文。", "2021年工作总结"),
        ("首页 > 政务公开 > 工作总结\n2019年党建工作总结\n今年来，做了工作。", "2019年党建工作总结"),
        ("当前位置：首页 » 信息公开 » 年度报告\n发布机构:某市政府办公室\n某市2022年法治政府建设情况报告\n正文。", "某市2022年法治政府建设情况报告"),
        ("发布机构：某县人民政府办公室\n索引号：123/2024-00001\n成文日期：2024-01-10\n正文只有一句。", None),
        ("标题:\n2020年述职报告\n各位领导、同志们：", "2020年述职报告"),
    ],
)
def test_readers_crawler_labels_are_residue_not_title(head, title):
    """Crawler page labels (发布时间:, 发布机构:, 来源:, breadcrumbs) are skipped; 标题: gives its value."""
    assert detect_title(head) == title


def test_readers_pdf_read_like_any_document(tmp_path):
    """A .pdf is read through its text layer; directory walks and uploads still take .txt/.md/.docx only."""
    from govtext.readers import SUFFIXES

    doc = read_document(DATA / "pdf" / "seed_party_building.pdf")
    assert (doc.source_format, doc.encoding, doc.title, doc.year) == ("pdf", None, "2019年党建工作总结", 2019)
    same = document_from_bytes((DATA / "pdf" / "seed_party_building.pdf").read_bytes(), "up.pdf")
    assert same.text == doc.text and same.path == "up.pdf"
    assert ".pdf" not in SUFFIXES


# Title and year when a page's line breaks were lost: the head runs together
# (``下载打印全屏收藏【字号：加大还原减小】2026年安徽省政府工作报告——2026年2月5日在…``).
_RUN_TOGETHER_DIFFER = {
    # the title is letter-spaced (政 府 工 作 报 告) and stands next to a `--` or a blank line only
    "gwr_2012_hailar_district.txt", "gwr_2013_hailar_district.txt", "gwr_2019_hailar_district.txt",
    # the line copy breaks its title over two lines (…工作\n年度报告), read joined; the copy joined with a
    # space keeps that space in its title (…工作 年度报告)
    "ia_2013_daoxian_wenguangxin.txt",
}


def test_title_and_year_of_a_run_together_head():
    from conftest import CORPORA
    from govtext import Document

    files = [*GWR_FILES, SEED, *sorted((CORPORA / "annual").glob("*.txt"))]
    differ = set()
    for path in files:
        doc = read_document(path)
        for sep in ("", " "):
            joined = Document.from_text(sep.join(doc.text.replace("\r", "").split("\n")))
            if (joined.title, joined.year) != (doc.title, doc.year):
                differ.add(path.name)
    assert differ == _RUN_TOGETHER_DIFFER
    head = "下载打印全屏收藏【字号：加大还原减小】2026年安徽省政府工作报告——2026年2月5日在安徽省第十四届人民代表大会上各位代表："
    assert Document.from_text(head + "现在，我代表省人民政府向大会报告工作。" * 20).title == "2026年安徽省政府工作报告"


def test_readers_control_bytes_over_one_in_twenty_mean_binary():
    """A text is taken for binary when more than 5% of its first 8 KiB are control bytes other than
    tab, line feed, form feed, carriage return and escape (or it holds a NUL): real report text with
    stray control bytes just under that share is read, just over it is refused."""
    body = SEED.read_text(encoding="utf-8").encode("utf-8")[:4000]
    body = body[:body.rfind(b"\n") + 1]  # whole characters
    allowed = b"\t\n\x0c\r\x1b" * 100
    assert document_from_bytes(body + allowed, "ok.txt").text.startswith("本文系作者原创投稿")
    under = int(len(body) * 0.05 * 0.9)
    assert "\x01" in document_from_bytes(body + b"\x01" * under, "under.txt").text
    over = int(len(body) * 0.06)
    with pytest.raises(InputError, match="looks like a binary file"):
        document_from_bytes(body + b"\x01\x02\x1f" * (over // 3 + 1), "over.txt")


def test_readers_text_with_a_lone_surrogate_is_refused_saying_where():
    """A Python string holding a surrogate code point (what ``surrogateescape`` leaves of undecodable
    bytes) is not Unicode text: no stage could encode it. ``Document.from_text`` (and so
    ``govtext.analyze`` of a string) refuses it with an ``InputError`` naming the character, line and
    column (lines as every govtext position counts them), instead of a ``UnicodeEncodeError`` from deep
    inside a stage."""
    from govtext import Document, analyze

    head = SEED.read_bytes()[:600]
    raw = head[: head.rfind(b"\n") + 1] + "全年收缴".encode() + b"\xff\xfe" + "党费X元".encode()
    text = raw.decode("utf-8", "surrogateescape")
    line = text.count("\n") + 1
    col = len("全年收缴") + 1
    with pytest.raises(InputError, match=rf"x\.txt: holds a lone surrogate U\+DCFF at line {line}, column {col}: "):
        Document.from_text(text, path="x.txt")
    with pytest.raises(InputError, match="not Unicode text"):
        analyze(text)
    # lines as govtext counts them everywhere: a carriage return alone ends one too
    with pytest.raises(InputError, match="U\\+D800 at line 3, column 2: not Unicode text"):
        Document.from_text("一、总结\r\n二\r三\ud800")
