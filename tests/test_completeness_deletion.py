"""Deletion test: removing the text of a required part makes it missing (or weak) and lowers the score.

Test set: the seed, the government work reports of 2002–2022 (national), 2012–2019 (海拉尔区) and
2026 (31 provinces) — 61 reports of 29 years and 33 places — and our own annotated summaries of each
kind (tests/data/completeness_*.txt). For the corpus documents the part's text is the evidence the
review reports (its span plus the other places stating it); for our summaries it is the annotated
span. Both rates are computed over every case and must reach 95%.
"""

from __future__ import annotations

import tomllib

import pytest

from conftest import DATA, GWR_FILES, SEED
from govtext import Document, read_document
from govtext.completeness import score_completeness

RATE = 0.95


def _test_set() -> list:
    gwr = [p for p in GWR_FILES if int(p.name.split("_")[1]) >= 2002]
    return [SEED, *gwr]


def _cases() -> list[dict]:
    return tomllib.loads((DATA / "completeness_cases.toml").read_text(encoding="utf-8"))["case"]


def _delete(text: str, spans) -> str:
    out, pos = [], 0
    for a, b in sorted(spans):
        a = max(a, pos)
        if b > a:
            out.append(text[pos:a])
            pos = b
    out.append(text[pos:])
    return "".join(out)


def _annotated_span(text: str, start: str, end: str) -> tuple[int, int]:
    a = text.index(start)
    b = text.index(end, a + len(start)) if end else len(text.rstrip())
    return a, b


@pytest.fixture(scope="module")
def outcomes() -> dict:
    """Per case: (document, part) → ok; per document: no required part missing."""
    deletions: dict[tuple[str, str], bool] = {}
    intact: dict[str, bool] = {}
    docs: list[tuple[Document, dict | None]] = [(read_document(p), None) for p in _test_set()]
    docs += [(read_document(DATA / c["file"]), c) for c in _cases()]
    for doc, case in docs:
        c = score_completeness(doc)
        name = doc.path.rsplit("/", 1)[-1]
        intact[name] = not c.missing_required
        if case is not None:
            spans = {pid: [_annotated_span(doc.text, *se)] for pid, se in case["parts"].items()}
        else:
            spans = {p.id: [(p.start_char, p.end_char), *p.also] for p in c.parts if p.required and p.status != "missing"}
        for pid, sp in spans.items():
            cut = Document.from_text(_delete(doc.text, sp), path=doc.path)
            c2 = score_completeness(cut, kind=c.kind.kind)
            after = c2.part(pid)
            deletions[(name, pid)] = after.status in ("missing", "weak") and c2.score < c.score
    return {"deletions": deletions, "intact": intact}


def test_completeness_deletion_test_set_is_broad():
    names = [p.name for p in _test_set()]
    years = {n.split("_")[1] for n in names if n.startswith("gwr_")}
    places = {n.split("_", 2)[2].rsplit(".", 1)[0] for n in names if n.startswith("gwr_")}
    assert len(years) >= 10 and len(places) >= 10
    kinds = {c["kind"] for c in _cases()}
    assert kinds == {"work-summary", "party-building-summary", "government-work-report", "debrief-report"}


def test_completeness_deleting_a_required_part_is_noticed(outcomes):
    d = outcomes["deletions"]
    rate = sum(d.values()) / len(d)
    failed = sorted(k for k, ok in d.items() if not ok)
    assert len(d) >= 250
    assert rate >= RATE, f"deletion rate {rate:.3f} over {len(d)} cases; not noticed: {failed}"


def test_completeness_intact_documents_miss_no_required_part(outcomes):
    i = outcomes["intact"]
    rate = sum(i.values()) / len(i)
    missing = sorted(k for k, ok in i.items() if not ok)
    assert rate >= RATE, f"intact rate {rate:.3f} over {len(i)} documents; with a missing part: {missing}"


def test_completeness_annotated_summaries_fully_noticed(outcomes):
    """Our own summaries: every annotated deletion is noticed, and none of them misses a part intact."""
    names = {c["file"] for c in _cases()}
    assert all(ok for (n, _), ok in outcomes["deletions"].items() if n in names)
    assert all(outcomes["intact"][n] for n in names)
