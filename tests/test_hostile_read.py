"""Hostile and odd inputs on the reading side (issue 17): Unicode line separators, non-Chinese text,
whitespace-only input, FIFOs and directories, and .docx/.pdf files that expand far past their bytes.

Hostile files are built here with ``zipfile``/bytes (nothing large on disk); the costly ones are read in
a subprocess whose peak memory (``RUSAGE_CHILDREN``) and time are bounded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from govtext.model import Document
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
