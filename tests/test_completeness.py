"""Completeness: outlines as data, kind detection, matching by role, the score and its explanation."""

from __future__ import annotations

import re
import tomllib

import pytest

from conftest import DATA, GWR
from govtext import DataFileError, Document, UsageError, read_document
from govtext.completeness import (
    BUILTIN_KINDS,
    builtin_outlines,
    detect_kind,
    get_outline,
    load_outline,
    outline_path,
    parse_outline,
    score_completeness,
    similarities,
)

CASES = tomllib.loads((DATA / "completeness_cases.toml").read_text(encoding="utf-8"))["case"]
DIMENSIONS = ("political", "ideological", "organizational", "conduct", "discipline")


# ---------------------------------------------------------------------------------------------- outlines


def test_completeness_builtin_outlines_cover_the_four_kinds():
    outlines = builtin_outlines()
    assert set(BUILTIN_KINDS) <= set(outlines)
    labels = {o.id: o.label for o in outlines.values()}
    assert labels["work-summary"] == "工作总结"
    assert labels["party-building-summary"] == "党建工作总结"
    assert labels["government-work-report"] == "政府工作报告"
    assert labels["debrief-report"] == "述职报告"
    for o in outlines.values():
        assert o.version and any(p.required for p in o.parts)
        for p in o.parts:
            assert p.label and p.weight >= 0 and p.roles
    party = outlines["party-building-summary"].part("main-work")
    assert tuple(s.id for s in party.subparts) == DIMENSIONS


def test_completeness_builtin_outlines_pass_every_check():
    """The built-in outlines are loaded without compiling their wordings (a review's cold start); the full
    checks, every regex compiled, accept them and read the same outline."""
    from dataclasses import replace

    for kind, o in builtin_outlines().items():
        checked = load_outline(outline_path(kind))
        assert replace(checked, source=o.source) == o
        for p in o.parts:
            for w in (*p.heading, *p.lead, *p.inline, *p.title, *(x for s in p.subparts for x in s.heading)):
                re.compile(w)


def test_completeness_problems_come_before_next_steps_in_every_summary_outline():
    for kind in ("work-summary", "party-building-summary", "debrief-report"):
        o = get_outline(kind)
        assert ("problems", "next-steps") in o.order_before
        assert "next-steps" in o.near_end


def test_completeness_unknown_kind_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown kind"):
        get_outline("annual-poem")
    with pytest.raises(UsageError):
        score_completeness("一、工作\n内容。", kind="annual-poem")


def _write(tmp_path, text: str):
    p = tmp_path / "my-outline.toml"
    p.write_text(text, encoding="utf-8")
    return p


GOOD = """\
schema = 1
id = "inspection-report"
label = "督查报告"

[[parts]]
id = "findings"
label = "督查发现"
required = true
weight = 60
heading = ['督查(发现|情况)']

[[parts]]
id = "advice"
label = "整改建议"
required = true
weight = 40
heading = ['(整改)?建议']
lead = ['^.{0,10}建议']
"""


def test_completeness_user_outline_loads_and_scores(tmp_path):
    o = load_outline(_write(tmp_path, GOOD))
    assert o.id == "inspection-report" and [p.id for p in o.parts] == ["findings", "advice"]
    doc = Document.from_text("关于某项工作的督查报告\n一、督查情况\n检查了十个单位，发现问题三个。\n二、整改建议\n建议尽快整改。\n")
    c = score_completeness(doc, o)
    assert c.kind.kind == "inspection-report" and c.kind.explicit
    assert [p.status for p in c.parts] == ["present", "present"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (GOOD.replace('weight = 60', 'weight = "lots"'), 9, "weight must be a non-negative number"),
        (GOOD.replace("heading = ['督查(发现|情况)']", "heading = ['督查(发现|情况']"), 10, "bad regular expression"),
        (GOOD.replace('id = "advice"', 'id = "findings"'), 13, "duplicate part id"),
        (GOOD.replace('required = true\nweight = 40', 'required = true\nweight = 40\ncolour = "red"'), 17, "unknown key 'colour'"),
        (GOOD.replace('label = "整改建议"\n', ''), 12, "needs a label"),
        (GOOD + '\n[order]\nbefore = [["advice", "summary"]]\n', 21, "unknown part 'summary'"),
        (GOOD.replace("lead = ['^.{0,10}建议']", "roles = ['heading', 'inline']"), 18, "role 'inline' needs"),
        (GOOD.replace('id = "inspection-report"', 'id = "Inspection Report"'), 2, "kebab-case"),
        (GOOD.replace("weight = 40", "weight = 40\nwithin = ['nothing']"), 17, "within names unknown part"),
        (GOOD.replace("weight = 60", "weight = 60\nrequired = maybe"), 10, "invalid TOML"),
    ],
)
def test_completeness_bad_outline_names_file_and_line(tmp_path, text, line, message):
    path = _write(tmp_path, text)
    with pytest.raises(DataFileError) as err:
        load_outline(path)
    assert str(path) in str(err.value)
    assert err.value.line == line, str(err.value)
    assert message in str(err.value)
    # the same text uploaded (never written to disk): the same problem, named after the upload
    with pytest.raises(DataFileError) as err:
        parse_outline(text, "上传的大纲.toml")
    assert str(err.value).startswith("上传的大纲.toml:"), str(err.value)
    assert err.value.line == line, str(err.value)
    assert message in str(err.value)


def test_completeness_parse_outline_from_text_matches_file(tmp_path):
    from dataclasses import replace

    path = _write(tmp_path, GOOD)
    from_file = load_outline(path)
    from_text = parse_outline(GOOD, "upload.toml")
    assert from_file.source == str(path) and from_text.source == "upload.toml"
    assert replace(from_text, source=from_file.source) == from_file
    # a byte-order mark and Windows line ends, as an uploaded file may have them, change nothing
    assert replace(parse_outline("\ufeff" + GOOD.replace("\n", "\r\n"), "upload.toml"), source=str(path)) == from_file
    with pytest.raises(DataFileError) as err:
        parse_outline(GOOD.replace("weight = 60", "weight = 60\nrequired = maybe").replace("\n", "\r\n"), "u.toml")
    assert err.value.line == 10


def test_completeness_unreadable_outline_file_is_a_data_error(tmp_path):
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(GOOD.replace("督查报告", "caf\u00e9").encode("latin-1", "replace"))
    with pytest.raises(DataFileError, match="not UTF-8"):
        load_outline(bad)
    with pytest.raises(DataFileError, match="cannot read"):
        load_outline(tmp_path / "absent.toml")


def test_completeness_outline_files_are_in_models():
    for kind in BUILTIN_KINDS:
        assert outline_path(kind).is_file()


# ---------------------------------------------------------------------------------------------- kind


def test_completeness_seed_is_a_party_building_summary(seed_doc):
    g = detect_kind(seed_doc)
    assert (g.kind, g.label) == ("party-building-summary", "党建工作总结")
    assert g.confidence >= 0.6 and any("title" in r for r in g.reasons)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_completeness_own_summaries_kind_detected(case):
    g = detect_kind(read_document(DATA / case["file"]))
    assert g.kind == case["kind"], g


def test_completeness_reports_detected_by_title_and_opening(gwr_docs):
    kinds = {name: detect_kind(d) for name, d in gwr_docs.items() if int(name.split("_")[1]) >= 1990}
    wrong = {n: g.kind for n, g in kinds.items() if g.kind != "government-work-report"}
    assert not wrong
    assert all(g.confidence >= 0.5 for g in kinds.values())


def test_completeness_kind_from_opening_formula_alone():
    text = "各位领导、同志们：\n本人任办公室主任以来，主要负责综合协调工作。一年来，认真履职，完成了各项任务。\n"
    assert detect_kind(text).kind == "debrief-report"
    text = "各位代表：\n现在，我代表市人民政府，向大会报告政府工作，请予审议。\n"
    assert detect_kind(text).kind == "government-work-report"


def test_completeness_explicit_kind_wins(seed_doc):
    c = score_completeness(seed_doc, kind="work-summary")
    assert c.kind.kind == "work-summary" and c.kind.explicit and c.kind.confidence == 1.0


def test_completeness_no_signal_falls_back_with_low_confidence():
    g = detect_kind("天气很好。我们去公园散步，看见很多花。")
    assert g.kind == "work-summary" and g.confidence < 0.5


# ---------------------------------------------------------------------------------------------- seed


def test_completeness_seed_closing_paragraph_holds_problems_and_next_steps(seed_doc):
    c = score_completeness(seed_doc)
    closing = seed_doc.paragraphs[-1]
    for pid in ("problems", "next-steps"):
        p = c.part(pid)
        assert p.status in ("present", "weak"), p
        assert closing.start <= p.start_char < p.end_char <= closing.end
        if p.status == "weak":
            assert "unnumbered" in p.weak_because
    assert seed_doc.text[c.part("problems").start_char :].startswith("我局党建工作和示范点创建工作虽取得一定成效")
    assert seed_doc.text[c.part("next-steps").start_char :].startswith("下一步，我局将")
    assert c.part("main-work").status == "present"
    assert not c.missing_required


def test_completeness_seed_dimensions_mapped_to_their_sections(seed_doc):
    from govtext.sections import extract_sections

    sections = {s.index: s for s in extract_sections(seed_doc).sections}
    c = score_completeness(seed_doc)
    dims = {s.id: s for s in c.part("main-work").subparts}
    expected = {"political": "政治建设", "ideological": "思想武装", "organizational": "基层党组织建设",
                "conduct": "作风建设", "discipline": "从严治党"}
    for dim, words in expected.items():
        d = dims[dim]
        assert d.status == "present" and d.section_index is not None, d
        assert words in sections[d.section_index].title, (dim, sections[d.section_index].title)


@pytest.mark.parametrize("case", [c for c in CASES if "dimensions" in c], ids=lambda c: c["file"])
def test_completeness_own_party_summary_dimensions(case):
    doc = read_document(DATA / case["file"])
    dims = {s.id: s for s in score_completeness(doc).part("main-work").subparts}
    for dim, heading in case["dimensions"].items():
        assert doc.text[dims[dim].start_char :].startswith(heading), dim


# ---------------------------------------------------------------------------------------------- matching

PROBLEMS = "一是理论学习不够深入，学用结合还有差距。二是工作创新不够，办法不多。三是队伍建设有待加强，年轻干部经验不足，业务培训的系统性不强。"
NEXT = "下一步，我们将重点抓好以下工作：一是加强理论学习，做到学以致用。二是推动工作创新，总结推广好的做法。三是加强队伍建设，开展业务培训。"


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_completeness_own_summaries_parts_found_where_annotated(case):
    doc = read_document(DATA / case["file"])
    c = score_completeness(doc)
    assert not c.missing_required
    for pid, (start, end) in case["parts"].items():
        a = doc.text.index(start)
        b = doc.text.index(end, a + len(start)) if end else len(doc.text)
        p = c.part(pid)
        spans = [(p.start_char, p.end_char), *p.also]
        assert any(s < b and e > a for s, e in spans), (pid, spans, (a, b))
        assert a <= p.start_char < b, (pid, p.start_char, (a, b))


def test_completeness_single_keyword_in_body_does_not_count():
    text = (
        "2023年工作总结\n"
        "一、主要工作\n"
        "今年我们认真解决存在的问题，按照下一步工作的要求，召开会议研究明年工作计划，"
        "并总结如下经验。全年完成项目十二个，举办培训六期，服务群众三千人次。\n"
        "二、工作成效\n各项指标全面完成，群众满意度达到百分之九十五。\n"
    )
    c = score_completeness(text, kind="work-summary")
    assert c.part("problems").status == "missing"
    assert c.part("next-steps").status == "missing"
    assert {p.id for p in c.missing_required} == {"problems", "next-steps"}


def test_completeness_gwr_problems_inside_review(gwr_docs):
    doc = gwr_docs["gwr_2026_beijing.txt"]
    c = score_completeness(doc)
    review, problems = c.part("review"), c.part("problems")
    assert review.role == "heading" and problems.role == "lead" and problems.status == "present"
    assert doc.text[problems.start_char :].startswith("同时，我们也清醒认识到")
    assert review.start_char < problems.start_char < c.part("targets").start_char


def test_completeness_near_miss_heading_by_similarity():
    text = (
        "2023年度工作总结\n一、主要工作\n" + "全年完成各项任务，成效明显。" * 20 + "\n"
        "二、主要困难\n" + PROBLEMS + "\n"
        "三、下一步打算\n" + NEXT + "\n"
    )
    p = score_completeness(text, kind="work-summary").part("problems")
    assert p.status == "present" and p.role == "heading" and p.similarity >= 0.34, p


def test_completeness_order_check_costs_points():
    ok = (
        "2023年工作总结\n一、主要工作\n" + "全年完成各项任务，成效明显。" * 20 + "\n"
        "二、存在的问题\n" + PROBLEMS + "\n"
        "三、下一步工作打算\n" + NEXT + "\n"
    )
    swapped = (
        "2023年工作总结\n一、主要工作\n" + "全年完成各项任务，成效明显。" * 20 + "\n"
        "二、下一步工作打算\n" + NEXT + "\n"
        "三、存在的问题\n" + PROBLEMS + "\n"
    )
    a, b = score_completeness(ok, kind="work-summary"), score_completeness(swapped, kind="work-summary")
    assert a.score == 100 and not a.findings
    assert b.score < a.score
    assert "GT403" in {f.code for f in b.findings}
    assert any(i.item.startswith("order:") for i in b.breakdown)


def test_completeness_thin_part_is_weak_and_says_so():
    text = (
        "2023年工作总结\n一、主要工作\n" + "全年完成各项任务，成效明显。" * 20 + "\n"
        "二、存在的问题\n学习不够。\n"
        "三、下一步工作打算\n" + NEXT + "\n"
    )
    p = score_completeness(text, kind="work-summary").part("problems")
    assert p.status == "weak" and p.weak_because == ("thin",) and "thin" in p.reason


# ---------------------------------------------------------------------------------------------- score


@pytest.mark.parametrize(
    "path", [GWR / "gwr_2019_national.txt", GWR / "gwr_1985_national.txt", DATA / "completeness_debrief.txt"],
    ids=lambda p: p.name,
)
def test_completeness_score_explains_itself(path, seed_doc):
    for doc in (read_document(path), seed_doc):
        c = score_completeness(doc)
        lost = sum(-i.points for i in c.breakdown)
        assert abs((100 - lost) - c.score) <= 1 or c.score == 0
        assert sum(p.cost for p in c.parts) == pytest.approx(
            sum(-i.points for i in c.breakdown if not i.item.startswith(("order:", "near-end:"))), abs=0.01
        )
        for p in c.parts:
            if p.status == "missing" and not p.required:
                assert p.cost == 0


def test_completeness_missing_required_part_is_an_error_finding():
    text = "2023年工作总结\n一、主要工作\n" + "全年完成各项任务，成效明显。" * 20 + "\n"
    c = score_completeness(text, kind="work-summary")
    gt401 = [f for f in c.findings if f.code == "GT401"]
    assert {f.severity for f in gt401} == {"error"} and len(gt401) == 2
    assert c.score <= 50


# ---------------------------------------------------------------------------------------------- offsets


def test_completeness_offsets_on_every_corpus_file(gwr_docs, seed_doc):
    for doc in [seed_doc, *gwr_docs.values()]:
        c = score_completeness(doc)
        n = len(doc.text)
        for p in c.parts:
            for q in (p, *p.subparts):
                if q.start_char is not None:
                    assert 0 <= q.start_char <= q.end_char <= n
                    if q.anchor:
                        head = re.sub(r"\s+", "", doc.text[q.start_char : q.end_char])
                        assert re.sub(r"\s+", "", q.anchor.rstrip("…")) in head, (q.id, q.anchor)
            for a, b in p.also:
                assert 0 <= a <= b <= n
        for f in c.findings:
            assert doc.text[f.start_char : f.end_char] == f.match
            assert doc.line_col(f.start_char) == (f.line, f.col)


# ---------------------------------------------------------------------------------------------- tf-idf


def test_completeness_similarities_take_each_parts_best_phrasing():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    headings = ["存在的问题和不足", "主要工作及成效", "X"]
    paragraphs = ["今年以来，我们认真落实各项部署。", "下一步，我们将继续努力。"]
    hprof = [["存在问题", "存在的问题"], [], ["主要工作", "工作成效", "主要成效"]]
    pprof = [["下一步，我们将", "下步打算"], ["今年以来，我们"], []]
    hs, ps = similarities(headings, paragraphs, hprof, pprof)
    assert len(hs) == 3 and all(len(r) == 3 for r in hs) and len(ps) == 2 and all(len(r) == 3 for r in ps)
    # the same numbers as fitting scikit-learn on everything and taking each part's best phrasing
    texts = [*headings, *paragraphs, *(x for g in hprof for x in g), *(x for g in pprof for x in g)]
    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, lowercase=False)
    cos = cosine_similarity(vec.fit_transform(texts))
    col = {t: i for i, t in reversed(list(enumerate(texts)))}
    for i, h in enumerate(headings):
        for j, group in enumerate(hprof):
            want = max((cos[col[h], col[x]] for x in group), default=0.0)
            assert hs[i][j] == pytest.approx(want, abs=1e-12)
    for i, para in enumerate(paragraphs):
        for j, group in enumerate(pprof):
            want = max((cos[col[para], col[x]] for x in group), default=0.0)
            assert ps[i][j] == pytest.approx(want, abs=1e-12)
    assert hs[0][0] > 0.5 and hs[0][1] == 0.0 and hs[2] == [0.0, 0.0, 0.0]  # "X" has no n-gram
    assert ps[1][0] > ps[1][1] and ps[0][1] > ps[0][0]
    # nothing with two characters at all: every similarity is 0, no error
    assert similarities(["X"], [], [["Y"]], [[]]) == ([[0.0]], [])


def test_completeness_import_is_light_and_check_loads_no_spacy_or_jieba():
    """``import govtext.completeness`` loads no scikit-learn, numpy or pandas; a review loads neither spaCy
    nor jieba (nor scikit-learn: tests/test_outline_vectors.py). Check's cold start is measured by
    ``scripts/bench_check.py``, not asserted here."""
    import subprocess
    import sys

    code = (
        "import sys; import govtext.completeness;"
        "print(sorted(m for m in ('spacy', 'sklearn', 'numpy', 'pandas', 'jieba') if m in sys.modules));"
        "from govtext.review import check_document; from govtext import read_document;"
        f"check_document(read_document({str(DATA / 'completeness_debrief.txt')!r}));"
        "print(sorted(m for m in ('spacy', 'thinc', 'jieba', 'rjieba') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["[]", "[]"]


def test_completeness_wordings_are_not_single_characters():
    """No wording is a bare keyword of one or two characters (they would match anywhere)."""
    for o in builtin_outlines().values():
        for p in o.parts:
            for w in (*p.lead, *p.inline):
                literal = re.sub(r"[\\^$.*+?()\[\]{}|,0-9:]", "", w)
                assert len(literal) >= 3, (o.id, p.id, w)


def test_completeness_next_steps_far_from_the_end_costs_points():
    text = (
        "2023年工作总结\n一、下一步工作打算\n" + NEXT + "\n"
        "二、主要工作\n" + "全年完成各项任务，成效明显，群众满意度进一步提高。" * 30 + "\n"
        "三、存在的问题\n" + PROBLEMS + "\n"
    )
    c = score_completeness(text, kind="work-summary")
    codes = {f.code for f in c.findings}
    assert {"GT403", "GT404"} <= codes
    items = {i.item for i in c.breakdown}
    assert "near-end:next-steps" in items and "order:problems<next-steps" in items


def test_completeness_part_out_of_place_is_weak():
    body = "一、履职情况\n" + "认真履行岗位职责，扎实推进各项工作，较好完成了年度目标任务。" * 20 + "\n"
    text = (
        "个人述职报告\n我自2021年起任办公室主任，负责综合协调工作。\n" + body
        + "二、存在的不足\n" + PROBLEMS + "\n三、今后努力方向\n今后，我将" + NEXT + "\n各位领导、同志们：\n以上述职，请予评议。\n"
    )
    c = score_completeness(text, kind="debrief-report")
    salutation = c.part("salutation")
    assert salutation.status == "weak" and "out-of-place" in salutation.weak_because
    assert "out of place" in salutation.reason


def test_completeness_builtin_outline_source_is_not_a_server_path(seed_doc):
    """A built-in outline is reported relative to models/ (the web API passes it on): no absolute path
    of the installation leaks into a review; a user outline keeps the path the user gave."""
    import json

    from govtext.resources import models_dir
    from govtext.review import check_document

    for kw in ({}, {"kind": "party-building-summary"}, {"outline": "party-building-summary"}):
        data = check_document(seed_doc, **kw).to_dict()
        assert data["outline"]["source"] == "models/outlines/party-building-summary.toml", kw
        assert str(models_dir()) not in json.dumps(data, ensure_ascii=False)
    for kind, o in builtin_outlines().items():
        assert o.source == f"models/outlines/{kind}.toml" and not o.source.startswith("/")


def test_completeness_user_outline_source_is_the_path_given(tmp_path, monkeypatch):
    from govtext.review import check_document

    _write(tmp_path, GOOD)
    monkeypatch.chdir(tmp_path)
    doc = Document.from_text("一、督查情况\n检查了十个单位。\n二、整改建议\n建议尽快整改。\n")
    assert check_document(doc, outline="my-outline.toml").to_dict()["outline"]["source"] == "my-outline.toml"
    given = str(tmp_path / "my-outline.toml")
    assert score_completeness(doc, load_outline(given)).outline.source == given


def test_completeness_reason_items_render_the_english_reasons(seed_doc):
    """Each reason is given as (template, params) pieces too, for translated reports: the templates are
    fixed msgids (no values baked in) and filling them in gives the English reason exactly."""
    from govtext.completeness import _render

    docs = [seed_doc, read_document(DATA / "completeness_debrief.txt"), Document.from_text("一、工作\n内容。")]
    templates = set()
    for doc in docs:
        c = score_completeness(doc)
        assert c.kind.reason_items and tuple(map(_render, c.kind.reason_items)) == c.kind.reasons
        for p in (*c.parts, *(s for q in c.parts for s in q.subparts)):
            assert p.reason_items, p.id
            assert "; ".join(t.format(**dict(params)) for t, params in p.reason_items) == p.reason
            templates.update(t for t, _ in p.reason_items)
    problems = score_completeness(seed_doc).part("problems")
    assert [t for t, _ in problems.reason_items] == [
        "run-in statement “{anchor}” (line {line})",
        "stated inside a paragraph, without a heading or lead sentence of its own",
        "thin: {sentences} sentence(s), {chars} characters",
    ]
    assert dict(problems.reason_items[2][1]).keys() == {"sentences", "chars"}
    assert not any("“" in t and "{" not in t.split("“")[1][:1] for t in templates)  # quoted text is a field
    missing = score_completeness(Document.from_text("一、工作\n内容。"), kind="work-summary").part("problems")
    (template, params), = missing.reason_items
    assert dict(params)["ways"] == ("heading", "lead sentence", "run-in statement")  # each one a msgid
    assert template.format(**dict(params)) == missing.reason
    given = score_completeness(seed_doc, kind="work-summary").kind
    assert given.reason_items == (("kind given: {kind}", (("kind", "work-summary"),)),)


def test_completeness_headings_are_read_as_sections_gives_them(gwr_docs):
    """Headings are matched by ``Section.title`` as extract_sections gives it (marker gone, also ``一要``,
    ``一是，``, ``三是是``; folded), not re-parsed; an item naming a part inside a section that names only
    that part is a piece of it: 海拉尔's 政府自身建设 is （五）/（七）, not its item 三要依法行政."""
    from govtext.completeness import _Units
    from govtext.sections import extract_sections

    for name, section, item, item_title in (
        ("gwr_2014_hailar_district.txt", 24, 27, "依法行政"),
        ("gwr_2017_hailar_district.txt", 14, 17, "强化廉洁,依法行政"),
    ):
        doc = gwr_docs[name]
        sections = extract_sections(doc)
        titles = {h.index: h.title for h in _Units(doc, sections).headings}
        assert sections.sections[item].marker == "三要" and titles[item] == item_title
        assert "自身建设" in titles[section]
        part = score_completeness(doc, kind="government-work-report", sections=sections).part("self-building")
        assert (part.status, part.role, part.section_index) == ("present", "heading", section)
    doc = gwr_docs["gwr_1956_national.txt"]
    first = extract_sections(doc).sections[0]
    assert first.title == "１９５５年国家决算"  # as written; matched folded
    assert _Units(doc, extract_sections(doc)).headings[0].title == "1955年国家决算"


@pytest.mark.parametrize("name", ["gwr_2019_national.txt", "gwr_2026_zhejiang.txt"])
def test_completeness_body_terms_counted_as_findall_would(name):
    """Kind detection's body-term counts (one Aho–Corasick pass for most literal terms) are each term's
    non-overlapping ``findall`` count: terms inside other terms, a term listed twice, terms that overlap
    themselves (哈哈 in 哈哈哈), regex terms and the empty term included."""
    from govtext.completeness import _is_regex, _rx, _term_counts, builtin_outlines

    body = (GWR / name).read_text(encoding="utf-8")
    variant = body.replace("改革", "哈哈哈改革改革") + "工作工作工作"
    extra = ("哈哈", "改革", "深化改革", "改革", "工作工作", "(问题|不足)", "a.b", "")
    counted = 0
    for terms in [o.detect_body for o in builtin_outlines().values()] + [extra]:
        for text in (body, variant):
            want = {t: len(_rx(t if _is_regex(t) else re.escape(t)).findall(text)) for t in terms}
            assert _term_counts(terms, text) == want
            counted += sum(want.values())
    assert counted > 1000
