"""govtext.placeholders: forms, typing, look-alikes, the seed's 50 X runs, silence on the 93 reports."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter

import pytest

from conftest import DATA, ROOT, SEED
from govtext import DataFileError, Document, UsageError
from govtext.lint_config import LintConfig
from govtext.placeholders import KIND_CODE, KINDS, find_placeholders, load_rules, mark_context

CASES_FILE = DATA / "placeholders_cases.txt"


def _cases() -> list:
    lines = CASES_FILE.read_text(encoding="utf-8").splitlines()
    out = []
    for i, line in enumerate(lines):
        if line.startswith("#:"):
            out.append(pytest.param(line[2:].strip(), lines[i + 1], id=f"L{i + 2}-{lines[i + 1][:12]}"))
    return out


CASES = _cases()


def _describe(findings) -> str:
    return " ; ".join(f"{f.code} {f.severity} {f.kind} `{f.match}`" for f in findings) or "Okay"


@pytest.mark.parametrize(("expected", "text"), CASES)
def test_placeholders_annotated_case(expected: str, text: str) -> None:
    findings = find_placeholders(text)
    assert _describe(findings) == expected
    for f in findings:
        assert text[f.start_char : f.end_char] == f.match


def test_placeholders_fixture_covers_every_kind_and_lookalikes() -> None:
    expected = " ".join(e for e, _ in (c.values for c in CASES))
    for kind in KINDS:
        assert f" {kind} `" in expected, kind
    assert sum(1 for c in CASES if c.values[0] == "Okay") >= 30


# --- the seed ------------------------------------------------------------------------------------------

SEED_KINDS = {
    "organisation": 23,
    "count": 17,
    "text": 3,
    "slogan": 2,
    "money": 2,
    "date": 1,
    "person": 1,
    "ordinal": 1,
}


def test_placeholders_seed_yields_exactly_its_50_x_runs(seed_doc) -> None:
    findings = find_placeholders(seed_doc)
    runs = [(m.start(), m.end()) for m in re.finditer("X+", seed_doc.text)]
    assert len(runs) == 50
    assert [(f.start_char, f.end_char) for f in findings] == runs
    assert Counter(f.kind for f in findings) == SEED_KINDS
    assert Counter(f.severity for f in findings) == {"error": 48, "warning": 2}
    assert {f.match for f in findings} == {"X", "XX"}


def test_placeholders_seed_records_are_exact(seed_doc) -> None:
    text = seed_doc.text
    findings = find_placeholders(seed_doc)
    assert findings == sorted(findings, key=lambda f: f.start_char)
    for f in findings:
        assert text[f.start_char : f.end_char] == f.match
        assert (f.line, f.col) == seed_doc.line_col(f.start_char)
        assert (f.end_line, f.end_col) == seed_doc.line_col(f.end_char)
        assert f.code == KIND_CODE[f.kind]
        assert f"[{f.match}]" in f.context
        assert f.path == str(SEED)
        assert f.message.endswith(" missing")


def test_placeholders_seed_typed_examples(seed_doc) -> None:
    by_context = {f.context: f for f in find_placeholders(seed_doc)}
    f = by_context["今年共培养发展了[X]名预备党员"]
    assert (f.code, f.slug, f.kind, f.message, f.line, f.col) == (
        "GT201",
        "unfilled-count",
        "count",
        "number of people missing",
        15,
        39,
    )
    assert by_context["…市X局牵头的市委全覆盖扶贫评估第[X]组的工作"].kind == "ordinal"
    assert by_context["学习[XX]等专题片"].kind == "text"
    assert by_context["队长[X]同志代表X市军分区参加全省民兵技…"].kind == "person"


def test_placeholders_to_dict_has_the_json_contract(seed_doc) -> None:
    d = find_placeholders(seed_doc)[0].to_dict()
    for key in (
        "path code slug severity kind match line col end_line end_col start_char end_char message context"
    ).split():
        assert key in d


# --- the 93 reports ------------------------------------------------------------------------------------


def test_placeholders_gwr_reports_are_silent(gwr_docs) -> None:
    assert len(gwr_docs) == 93
    loud = []
    for name, doc in gwr_docs.items():
        for f in find_placeholders(doc):
            assert doc.text[f.start_char : f.end_char] == f.match
            if f.severity != "info":
                loud.append((name, f.line, f.match, f.context))
    assert loud == []


# --- API details -----------------------------------------------------------------------------------------


def test_placeholders_accepts_a_string_and_a_document() -> None:
    text = "共有X名党员参加，捐款X元"
    assert find_placeholders(text) == find_placeholders(Document.from_text(text))
    assert [f.kind for f in find_placeholders(text)] == ["count", "money"]


def test_placeholders_offsets_with_crlf_and_supplementary_characters() -> None:
    text = "第一行\r\n𠀀𠀁共有X名\r\n市XX局"
    findings = find_placeholders(text)
    assert [(f.match, f.line, f.col, f.end_col) for f in findings] == [("X", 2, 5, 6), ("XX", 3, 2, 4)]
    for f in findings:
        assert text[f.start_char : f.end_char] == f.match


def test_placeholders_context_is_the_clause_cut_with_ellipsis() -> None:
    text = "一二三四五六七八九十一二三四五六七八九十共有X名党员参加培训活动一二三四五六七八九十一二三四五六七八九十。"
    f = find_placeholders(text)[0]
    assert f.context.startswith("…") and f.context.endswith("…")
    assert "共有[X]名党员" in f.context
    assert mark_context("甲，乙X丙。", 3, 4) == "乙[X]丙"


def test_placeholders_inline_ignore_on_the_line() -> None:
    text = "共有X名党员\n共有X名党员 <!-- govtext: ignore -->\n共有X名党员，捐款X元 govtext: ignore[count]\n"
    findings = find_placeholders(text)
    assert [(f.line, f.kind) for f in findings] == [(1, "count"), (3, "money")]


def test_placeholders_file_level_template_marker() -> None:
    assert find_placeholders("<!-- govtext: template -->\n共有X名党员，市X局") == []
    only = find_placeholders("govtext: ignore-file[GT201]\n共有X名党员，市X局")
    assert [f.kind for f in only] == ["organisation"]
    assert len(find_placeholders("共有X名党员", config=LintConfig(inline=False))) == 1


def test_placeholders_config_select_and_ignore() -> None:
    text = "共有X名党员，捐款X元，市X局，张**"
    kinds = lambda cfg: [f.kind for f in find_placeholders(text, config=cfg)]  # noqa: E731
    assert kinds(LintConfig()) == ["count", "money", "organisation", "masked-name"]
    assert kinds(LintConfig().replace(select=["GT201,money"])) == ["count", "money"]
    assert kinds(LintConfig().replace(ignore=["GT20"])) == []
    assert kinds(LintConfig().replace(ignore=["unfilled-organisation", "masked-name"])) == ["count", "money"]
    with pytest.raises(UsageError, match="unknown code or kind 'GT999'"):
        LintConfig().replace(select=["GT999"])
    with pytest.raises(UsageError, match="'people'"):
        LintConfig().replace(ignore=["people"])


def test_placeholders_own_rules_file(tmp_path) -> None:
    shipped = (ROOT / "models" / "placeholders" / "rules.toml").read_text(encoding="utf-8")
    own = tmp_path / "rules.toml"
    own.write_text(shipped.replace('x_after = ["光",', 'x_after = ["改革", "光",'), encoding="utf-8")
    text = "为X改革发展提供保障"
    assert len(find_placeholders(text)) == 1
    assert find_placeholders(text, config=LintConfig(rules=str(own))) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('handler = "run"', 'handler = "guess"', 1), "handler must be one of"),
        (('kind = "ordinal"', 'kind = "ordinals"', 1), "unknown kind 'ordinals'"),
        (("pattern = '''某{2,}'''", "pattern = '''某({2,}'''", 1), "mou-run: bad pattern"),
        (("version = 1", "version = [1", 1), "invalid TOML"),
    ],
)
def test_placeholders_bad_rules_file_names_file_and_line(tmp_path, change, message) -> None:
    shipped = (ROOT / "models" / "placeholders" / "rules.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad_rules.toml"
    bad.write_text(shipped.replace(*change), encoding="utf-8")
    with pytest.raises(DataFileError, match=message) as exc:
        load_rules(bad)
    assert str(exc.value).startswith(f"{bad.resolve()}:") or str(exc.value).startswith(f"{bad}:")
    assert exc.value.line is not None


# --- spaCy component and import hygiene -------------------------------------------------------------------


def test_placeholders_component_stores_spans_and_findings() -> None:
    import spacy

    from govtext.placeholders_component import placeholders_from_doc

    nlp = spacy.blank("zh")  # character segmenter: no jieba needed here
    nlp.add_pipe("govtext_placeholders")
    analysis = nlp.analyze_pipes()
    assert analysis["summary"]["govtext_placeholders"]["assigns"] == ["doc.spans", "doc._.govtext_placeholders"]
    doc = nlp("今年共培养发展了X名预备党员，市X局")
    spans = doc.spans["govtext_placeholders"]
    assert [(s.text, s.label_, s.start_char) for s in spans] == [("X", "count", 8), ("X", "organisation", 16)]
    restored = spacy.tokens.Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert placeholders_from_doc(restored) == find_placeholders(doc.text)
    assert [s.label_ for s in restored.spans["govtext_placeholders"]] == ["count", "organisation"]


def test_placeholders_lint_path_imports_neither_spacy_nor_jieba() -> None:
    code = (
        "import sys\n"
        "from govtext.cli import main\n"
        f"sys.argv = ['govtext', 'placeholders', '--format', 'json', {str(SEED)!r}]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    rc = e.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('spacy', 'jieba', 'rjieba', 'pandas', 'numpy', 'rich', 'sklearn', 'thinc'))\n"
        "print(rc, heavy, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.stderr.strip().splitlines()[-1] == "1 []", proc.stderr


# --- documentation ------------------------------------------------------------------------------------


def test_placeholders_every_code_is_documented() -> None:
    from govtext import codes

    docs = (ROOT / "docs" / "placeholders.md").read_text(encoding="utf-8")
    for kind, code in KIND_CODE.items():
        entry = codes.get(code)
        assert entry.what and entry.why and entry.example, code
        assert f"### {code} {entry.slug}" in docs, code
        assert f"`{kind}`" in docs, kind


def test_placeholders_spans_merge_overlapping_intervals() -> None:
    import random

    from govtext.placeholders import _Spans

    rng = random.Random(7)
    for _ in range(300):
        spans, covered = _Spans(), set()
        for _ in range(rng.randint(0, 8)):
            a = rng.randint(0, 40)
            b = a + rng.randint(1, 6)
            spans.add(a, b)
            covered |= set(range(a, b))
        assert all(e <= s for e, s in zip(spans.ends, spans.starts[1:], strict=False))
        for _ in range(20):
            a = rng.randint(0, 45)
            b = a + rng.randint(1, 5)
            assert spans.overlaps(a, b) == bool(covered & set(range(a, b)))


def test_placeholders_lint_config_rejects_bad_values() -> None:
    with pytest.raises(UsageError, match="fail-on must be"):
        LintConfig(fail_on="never")
    with pytest.raises(UsageError, match="unknown code or kind 'counts'"):
        LintConfig(select=("counts",))
    assert LintConfig().replace(select="count, money").select == ("count", "money")


def test_placeholders_random_text_gives_exact_disjoint_findings() -> None:
    import random

    pool = list("XxＸｘ×某○〇□*＊_＿（）()【】[]{}$“”《》第名元月同志市局等年日 \t\n\r，。+-.0123张王ABC") + [
        "{{",
        "}}",
        "待补充",
        "TBD",
        "YYYY",
        "govtext: ignore",
    ]
    rng = random.Random(2019)
    for _ in range(400):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 60)))
        findings = find_placeholders(text)
        previous_end = 0
        for f in findings:
            assert text[f.start_char : f.end_char] == f.match and f.match
            assert f.start_char >= previous_end
            previous_end = f.end_char
            assert f.severity in ("error", "warning", "info") and f.code == KIND_CODE[f.kind]


def test_placeholders_anchored_scan_finds_what_plain_finditer_finds(monkeypatch) -> None:
    """On a long text each form is tried only where its anchor characters stand (placeholders._finditer);
    the hits must be exactly those of scanning every position: the annotated cases and the seed, joined
    into one text past the anchoring threshold."""
    from govtext import placeholders as ph

    cases = "\n".join(text for _, text in (p.values for p in CASES))
    text = "\n".join([cases, SEED.read_text(encoding="utf-8")] * 3)
    assert len(text) > ph._ANCHOR_MIN_TEXT
    anchored = ph.scan_text(text)
    monkeypatch.setattr(ph, "_ANCHOR_MIN_TEXT", len(text) + 1)
    plain = ph.scan_text(text)
    assert anchored == plain
    assert len(plain) > 150
    rules = load_rules()
    assert all(ph._anchor(f.regex)[0] is not None for f in rules.forms)  # every shipped form is anchored


@pytest.mark.parametrize(
    ("pattern", "anchor", "required"),
    [
        ("某{2,}", {(0, "某")}, {"某"}),
        ("[王李]某某(?!某)", {(1, "某")}, {"某"}),
        ("(?:19|20)[Xx]{2}年|MM月", {(2, "X"), (2, "x"), (0, "M")}, {"X", "x", "M"}),
        (r"(?m)^[ \t]*\d+[.)][ \t]+(\[[ xX]?\])", None, {"["}),
        ("(?i)x+", None, None),
        ("a*b?", None, None),
    ],
)
def test_placeholders_anchor_read_from_the_pattern(pattern, anchor, required) -> None:
    from govtext.placeholders import _anchor

    got, req = _anchor(re.compile(pattern))
    assert (None if got is None else {(k, c) for k, s in got for c in s}) == anchor
    assert (None if req is None else set(req)) == required
