"""PDF input: real corpus texts printed by Chromium read back with the same outline and placeholders.

The PDFs in ``tests/data/pdf/`` were printed from the texts named in its README by
``scripts/build_test_pdfs.py`` (headless Debian Chromium, Noto CJK): they have real hard wraps,
indented paragraph starts, ``- N -`` / ``— N —`` / ``第 N 页 共 M 页`` footers, a running header and
paragraphs running across page breaks. One test prints a PDF live to prove the builder works; it
needs ``make system-deps`` and fails (never skips) without it.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, GWR, ROOT, SEED
from govtext import InputError, read_document
from govtext.cli import main
from govtext.pdf import fix_radicals, read_pdf_text
from govtext.placeholders import find_placeholders
from govtext.readers import document_from_bytes
from govtext.sections import extract_sections
from govtext.text import split_paragraphs

PDF = DATA / "pdf"
CASES = {
    "seed_party_building.pdf": SEED,
    "hailar_2013.pdf": GWR / "gwr_2013_hailar_district.txt",
    "national_2020.pdf": GWR / "gwr_2020_national.txt",
}
# Noto CJK maps two glyphs back to other code points than the source's: 户 → 戶, — (U+2014) → ― (U+2015).
FONT_MAP = str.maketrans({"戶": "户", "―": "—"})
CHROMIUM = "/usr/bin/chromium"


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s).translate(FONT_MAP)


def _outline(doc) -> list[tuple]:
    return [(s.level, s.number, s.style, _squash(s.title)) for s in extract_sections(doc).sections]


def _without_residue(doc, start: int, end: int) -> str:
    chars = list(doc.text[start:end])
    for a, b in doc.residue:
        for i in range(max(a, start), min(b, end)):
            chars[i - start] = " "
    return "".join(chars)


@pytest.fixture(scope="module")
def pdf_docs():
    return {name: read_document(PDF / name) for name in CASES}


@pytest.mark.parametrize("name", sorted(CASES))
def test_pdf_same_outline_title_and_placeholders_as_source(pdf_docs, name):
    """Level, number, style and title of every heading (titles compared without the PDF's line
    breaks), the title and every placeholder are those of the source text."""
    doc, src = pdf_docs[name], read_document(CASES[name])
    assert doc.source_format == "pdf" and doc.encoding is None
    assert doc.title == src.title and doc.year == src.year
    outline = _outline(doc)
    assert outline == _outline(src) and len(outline) >= 6
    assert [(f.code, f.kind, f.match) for f in find_placeholders(doc)] == [
        (f.code, f.kind, f.match) for f in find_placeholders(src)
    ]
    for s in extract_sections(doc).sections:  # offsets point at the extracted text
        assert doc.text[s.start_char : s.end_char].startswith(s.marker)


@pytest.mark.parametrize("name", sorted(CASES))
def test_pdf_paragraphs_are_the_source_paragraphs(pdf_docs, name):
    """Wrapped lines are joined into the source's paragraphs, across page breaks; page residue is
    inside a paragraph only where the paragraph runs over a page break, and never starts one."""
    doc = pdf_docs[name]
    src = CASES[name].read_text(encoding="utf-8")
    got = [_squash(_without_residue(doc, p.start, p.end)) for p in doc.paragraphs]
    assert got == [_squash(p.text) for p in split_paragraphs(src)]
    for p in doc.paragraphs:
        assert doc.text[p.start : p.end] == p.text
        assert not any(a <= p.start < b for a, b in doc.residue)
    assert doc.layout.wrap_width is not None
    assert sum("\n" in p.text for p in doc.paragraphs) > len(doc.paragraphs) // 3


@pytest.mark.parametrize(
    "name, footer",
    [
        ("seed_party_building.pdf", r"- \d+ -"),
        ("hailar_2013.pdf", r"— \d+ —|海拉尔区人民政府工作报告"),
        ("national_2020.pdf", r"第 \d+ 页 共 15 页"),
    ],
)
def test_pdf_page_residue_found_and_blanked(pdf_docs, name, footer):
    doc = pdf_docs[name]
    pages = doc.text.count("\f") + 1
    texts = [doc.text[a:b] for a, b in doc.residue]
    assert texts.count("\f") == pages - 1
    numbers = [t for t in texts if t != "\f"]
    assert all(re.fullmatch(rf"\u3000*(?:{footer})", t) for t in numbers), numbers
    assert len(numbers) == pages * (2 if "海拉尔" in footer else 1)
    assert len(doc.view.text) == len(doc.text)
    for a, b in doc.residue:
        assert doc.view.text[a:b] == " " * (b - a)


def test_pdf_running_header_is_not_the_title(pdf_docs):
    """The county report's running header names a 报告 but is page residue: the title is the report's own."""
    doc = pdf_docs["hailar_2013.pdf"]
    assert doc.text.lstrip("\u3000").startswith("海拉尔区人民政府工作报告")
    assert doc.title == "政 府 工 作 报 告"


def test_pdf_radicals_become_ideographs():
    """Noto CJK maps shared glyphs to radicals (⼀ U+2F00, ⻛ U+2EDB); read back as 一 and 风."""
    assert fix_radicals("⼀⼆⼯⻛⻘⻚⻝⻨⻆") == "一二工风青页食麦角"
    assert len(fix_radicals("⼀x")) == 2
    text = read_pdf_text((PDF / "seed_party_building.pdf").read_bytes(), "seed.pdf")
    assert not re.search("[\u2e80-\u2fdf]", text)


def test_pdf_halves_of_characters_become_the_character_or_a_replacement(monkeypatch):
    """pypdf decodes ToUnicode maps with ``surrogatepass``: a broken map leaves surrogate code points in
    a page's text. A high one followed by a low one is read as the character they encode, any other as
    U+FFFD, one character each; the rest of the PDF is read and reviewed as before (a lone surrogate used
    to end the review with an internal error: no stage can encode it)."""
    from govtext import pdf as pdf_module
    from govtext.review import check_document

    assert pdf_module.fix_surrogates("a\ud835\udc00b\ud800c\udc00d") == "a\U0001d400b\ufffdc\ufffdd"
    assert pdf_module.fix_surrogates("没有问题") == "没有问题"
    real = pdf_module._page_text
    monkeypatch.setattr(pdf_module, "_page_text", lambda page: real(page) + "\n党费\ud800元，\ud835\udc00级")
    data = (PDF / "seed_party_building.pdf").read_bytes()
    doc = document_from_bytes(data, "broken-map.pdf")
    assert "党费\ufffd元，\U0001d400级" in doc.text and not re.search("[\ud800-\udfff]", doc.text)
    review = check_document(doc)
    assert review.document.text == doc.text and review.findings


def _run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(PDF / "seed_party_building.pdf").pages[0])
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.mark.parametrize("command", ["outline", "check", "info"])
def test_pdf_bad_pdfs_one_line_exit_2(tmp_path, capsys, monkeypatch, command):
    """A scan (a page holding only an image), a corrupt and an encrypted PDF: one line, exit 2."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GOVTEXT_LANG", "en")  # check's lines are Chinese by default (tests/test_i18n.py)
    shutil.copy(PDF / "scanned.pdf", "scanned.pdf")
    Path("corrupt.pdf").write_bytes((PDF / "seed_party_building.pdf").read_bytes()[:3000])
    Path("locked.pdf").write_bytes(_encrypted_pdf())
    expected = {
        "scanned.pdf": "has no text layer (1 page of images: a scan?); run OCR or convert it to .txt",
        "corrupt.pdf": "is a corrupt PDF (",
        "locked.pdf": "is password-protected (encrypted PDF); remove the password and save again",
    }
    for name, problem in expected.items():
        code, out, err = _run(capsys, command, name)
        assert code == 2 and out == "", (command, name)
        assert err.startswith(f"govtext: {name}: {problem}") and err.count("\n") == 1, err


def test_pdf_cost_is_bounded():
    """Pages and extracted text are capped (the text by the same max-bytes limit as a text file)."""
    data = (PDF / "national_2020.pdf").read_bytes()
    with pytest.raises(InputError, match=r"has 15 pages, over the 4-page limit for a PDF"):
        read_pdf_text(data, "n.pdf", max_pages=4)
    with pytest.raises(InputError, match=r"text extracted from the PDF is over the 10.0 KB limit \(at page [2-9]\)"):
        read_pdf_text(data, "n.pdf", max_bytes=10 * 1024)
    with pytest.raises(InputError, match=r"n.pdf: text extracted from the PDF is over the 10.0 KB limit"):
        document_from_bytes(data, "n.pdf", max_bytes=10 * 1024)
    with pytest.raises(InputError, match="is not a PDF file"):
        read_pdf_text(b"plain text", "x.pdf")


def test_pdf_library_is_not_imported_for_text_files():
    """pypdf is imported only when a PDF is read: linting text keeps its light start."""
    code = (
        "import sys; from govtext import read_document; from govtext.placeholders import find_placeholders; "
        f"find_placeholders(read_document({str(SEED)!r})); print('pypdf' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def _require_chromium() -> None:
    """Fail (never skip) with the make target that installs what is missing."""
    missing = []
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"Debian's chromium ({CHROMIUM})")
    fc_list = shutil.which("fc-list")
    families = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True).stdout if fc_list else ""
    if "CJK" not in families:
        missing.append("a CJK font (fonts-noto-cjk)")
    if missing:
        pytest.fail(f"building a test PDF needs {' and '.join(missing)}: run `make system-deps`", pytrace=False)


def test_pdf_builder_prints_a_readable_pdf_live(tmp_path):
    """scripts/build_test_pdfs.py prints the seed with Chromium now; it reads back like the committed one."""
    _require_chromium()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_test_pdfs.py"), str(tmp_path), "--only", "seed_party_building.pdf"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    fresh = read_document(tmp_path / "seed_party_building.pdf")
    committed = read_document(PDF / "seed_party_building.pdf")
    assert fresh.text == committed.text
    assert _outline(fresh) == _outline(read_document(SEED))


def test_check_on_a_folder_reviews_its_pdfs_too(tmp_path, capsys, monkeypatch):
    """A reviewer's folder of submissions: `check DIR` reviews the PDFs in it next to the text files."""
    monkeypatch.setenv("GOVTEXT_LANG", "en")
    shutil.copy(PDF / "seed_party_building.pdf", tmp_path / "a.pdf")
    shutil.copy(SEED, tmp_path / "b.txt")
    rc, out, err = _run(capsys, "check", str(tmp_path), "--format", "json")
    assert rc == 1, err
    import json

    reviews = json.loads(out)
    assert [Path(r["path"]).name for r in reviews] == ["a.pdf", "b.txt"]
    # the printed seed and the seed give the same kind and the same missing/weak parts
    assert reviews[0]["kind"] == reviews[1]["kind"] == "party-building-summary"
    assert [(p["id"], p["status"]) for p in reviews[0]["parts"]] == [(p["id"], p["status"]) for p in reviews[1]["parts"]]
