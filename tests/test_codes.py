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
