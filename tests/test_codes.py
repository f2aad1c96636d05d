"""Every finding code is documented (what / why / example) and well-formed."""

from __future__ import annotations

import re

import pytest

from govtext import codes

CATALOGUE = codes.catalogue()


def test_codes_catalogue_is_not_empty():
    assert CATALOGUE, "no codes loaded from models/codes/"


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_codes_entry_documented(code):
    c = CATALOGUE[code]
    assert re.fullmatch(r"GT[1-4]\d\d", code)
    assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", c.slug), c.slug
    assert c.severity in {"error", "warning", "info"}
    assert c.what.strip() and c.why.strip() and c.example.strip(), f"{code} lacks what/why/example"


def test_codes_slugs_unique():
    slugs = [c.slug for c in CATALOGUE.values()]
    assert len(slugs) == len(set(slugs))


_FIELDS = re.compile(r"\{(\w+)[^}]*\}")


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_codes_have_a_chinese_message_with_the_same_fields(code):
    c = CATALOGUE[code]
    assert c.message_zh.strip(), f"{code} has no message_zh"
    assert re.search(r"[\u4e00-\u9fff]", c.message_zh), c.message_zh
    assert set(_FIELDS.findall(c.message_zh)) <= set(_FIELDS.findall(c.message)) | {"match"}, code
    assert codes.message_template(code, "zh") == c.message_zh and codes.message_template(code, "en") == c.message


def test_codes_parse_message_reads_the_values_back():
    assert codes.parse_message("marker {marker!r} is written with a doubled character",
                               "marker '三是是' is written with a doubled character") == {"marker": "三是是"}
    assert codes.parse_message("numbering jumps from {prev} to {number} ({marker})",
                               "numbering jumps from 2 to 4 (（四）)") == {"prev": "2", "number": "4", "marker": "（四）"}
    assert codes.parse_message("{what} missing", "something else entirely") is None


def test_codes_localize_every_finding_of_the_corpus(seed_doc, gwr_docs):
    """Every finding the seed and the 93 reports raise reads in Chinese: no English word, no unfilled field."""
    from govtext.review import check_document

    latin = re.compile(r"[A-Za-z]{2,}")
    seen: set[str] = set()
    for doc in [seed_doc, *list(gwr_docs.values())[::6]]:
        for f in check_document(doc).all_findings:
            zh = codes.localize(f, "zh")
            assert codes.localize(f, "en") == f.message
            assert "{" not in zh and re.search(r"[\u4e00-\u9fff]", zh), (f.code, zh)
            assert not [w for w in latin.findall(zh) if w not in f.match and w not in f.message.split("'")[1::2]], (
                f.code, f.message, zh)
            seen.add(f.code)
    assert {"GT103", "GT108", "GT301", "GT402", "GT206"} <= seen


def test_codes_localize_translates_the_english_values_inside():
    from govtext import Document
    from govtext.model import Finding

    doc = Document.from_text("（一）、抓学习。\n")
    slip = Finding.at(doc, "GT106", 0, 4, detail="stray '、' after the bracketed number")
    assert codes.localize(slip, "zh") == "编号写法不规范：括号编号后多了“、”"
    weak = Finding.at(doc, "GT402", 0, 4, label="存在问题", because="unnumbered, thin")
    assert codes.localize(weak, "zh") == "存在问题薄弱：未单列标题、内容单薄"
    hole = Finding.at(doc, "GT206", 0, 1, what="name of the organisation or place")
    assert codes.localize(hole, "zh") == "单位或地名未填"
