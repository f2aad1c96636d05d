"""Property test: random and mutated real texts never crash a stage, and every offset holds.

Texts are slices of the corpus (corpora/gwr, the seed) with line breaks inserted, deleted or swapped
for every line-end kind (LF, CRLF, CR, U+2028, U+2029, NEL, VT, FF), random CJK/ASCII noise and
numbering markers / placeholders spliced in. For every stage — paragraphs, sections, placeholders,
themes, completeness — every record's span is inside the text, ``text[start:end]`` is what the record
says it covers, and ``line:col`` is the document's own line index. Bounded: few examples, a deadline.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govtext.analysis import analyze
from govtext.model import Document
from govtext.text import LINE_BREAKS

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "corpora" / "seeds" / "2019_party_building_summary.txt"] + [
    ROOT / "corpora" / "gwr" / name
    for name in (
        "gwr_2013_hailar_district.txt",  # CRLF
        "gwr_2020_national.txt",  # flattened: paragraphs joined on one line
        "gwr_2022_national_lines.txt",
        "gwr_2026_chongqing.txt",
    )
]
TEXTS = [p.read_text(encoding="utf-8") for p in SOURCES]
SEPARATORS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"]
NOISE = [
    "一、", "（二）", "三是", "3.", "（4）", "①", "十一、", "X名", "××", "某某", "第X组", "XX等", "党费X元",
    "各位代表：", "存在问题", "下一步打算", "\t", "\u3000\u3000", "  ", "。", "，", "abc", "2019.11", "1.5亿元",
    "— 3 —", "第 3 页 共 9 页", "\ufeff", "\u200b", "\u00a0",
]


@st.composite
def mutated_texts(draw) -> str:
    text = draw(st.sampled_from(TEXTS))
    start = draw(st.integers(0, max(0, len(text) - 1)))
    text = text[start : start + draw(st.integers(0, 2500))]
    if draw(st.booleans()):  # one line-end kind for the whole slice
        sep = draw(st.sampled_from(SEPARATORS))
        text = text.replace("\r\n", "\n").replace("\n", sep)
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["break", "unbreak", "noise", "cjk", "ascii", "cut"]))
        at = draw(st.integers(0, len(text)))
        if op == "break":
            text = text[:at] + draw(st.sampled_from(SEPARATORS)) + text[at:]
        elif op == "unbreak":
            breaks = [i for i, c in enumerate(text) if c in LINE_BREAKS]
            if breaks:
                i = draw(st.sampled_from(breaks))
                text = text[:i] + text[i + 1 :]
        elif op == "noise":
            text = text[:at] + draw(st.sampled_from(NOISE)) + text[at:]
        elif op == "cjk":
            text = text[:at] + draw(st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=12)) + text[at:]
        elif op == "ascii":
            text = text[:at] + draw(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12)) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(0, 200)) :]
    return text


def _check_finding(doc: Document, f) -> None:
    text = doc.text
    assert 0 <= f.start_char <= f.end_char <= len(text), f
    assert text[f.start_char : f.end_char] == f.match, f
    assert (f.line, f.col) == doc.line_col(f.start_char), f
    assert (f.end_line, f.end_col) == doc.line_col(f.end_char), f


def check_offsets(doc: Document) -> None:
    text = doc.text
    n = len(text)
    for p in doc.paragraphs:
        assert 0 <= p.start < p.end <= n and text[p.start : p.end] == p.text
    result = analyze(doc)
    for s in result.outline.sections:
        assert 0 <= s.start_char <= s.end_char <= s.body_end <= n, s
        assert text[s.start_char : s.end_char].startswith(s.marker), s
        assert (s.line, s.col) == doc.line_col(s.start_char), s
    for f in result.findings:
        _check_finding(doc, f)
    for f in result.placeholders:
        _check_finding(doc, f)
    for hit in result.themes.evidence:
        assert text[hit.start_char : hit.end_char] == hit.match, hit
        assert (hit.line, hit.col) == doc.line_col(hit.start_char), hit
    for span in (*result.themes.paragraphs, *result.themes.sections):
        assert 0 <= span.start_char <= span.end_char <= n, span
    for part in result.completeness.parts:
        if part.start_char is not None:
            assert 0 <= part.start_char <= part.end_char <= n, part
            covered = text[part.start_char : part.end_char]
            assert covered == covered.strip(), part  # a part's span starts and ends on its text, not on a break
    # the line index counts every line end once: line k starts right after the (k-1)-th break
    for line, start in enumerate(doc.lines.starts[1:], 2):
        assert text[start - 1] in LINE_BREAKS and doc.line_col(start) == (line, 1)


@settings(
    max_examples=150,
    deadline=timedelta(seconds=10),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated_texts())
def test_mutated_real_texts_keep_every_offset(text):
    check_offsets(Document.from_text(text, path="mutated.txt"))


@settings(max_examples=100, deadline=timedelta(seconds=10), database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.sampled_from(list("一二三四五六七八九十、。，（）()1234567890.X×某是第条项名元\n\r\t \u3000\u2028\u2029\x85\x0b\x0cabc")), max_size=400))
def test_random_marker_soup_keeps_every_offset(text):
    check_offsets(Document.from_text(text, path="soup.txt"))


def test_every_separator_kind_on_whole_texts():
    """Each whole source text with its line ends swapped for each kind: the invariant holds throughout."""
    for text in TEXTS[:2]:
        for sep in SEPARATORS:
            check_offsets(Document.from_text(text.replace("\r\n", "\n").replace("\n", sep), path="whole.txt"))
