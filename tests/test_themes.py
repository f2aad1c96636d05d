"""Theme tagging: lexicon, matching rules, offsets, the seed's sections, labelled paragraphs, the
national reports' drift, user lexicons and the CLI."""

from __future__ import annotations

import json
import tomllib

import pytest

from conftest import DATA, GWR, SEED, gwr_manifest
from govtext import read_document
from govtext.errors import DataFileError, UsageError
from govtext.model import Document
from govtext.sections import extract_sections
from govtext.themes import (
    CATEGORIES,
    default_lexicon_path,
    find_theme_hits,
    load_lexicon,
    parse_lexicon,
    tag_themes,
)


def _themes_in(text: str, **kw) -> list[tuple[str, str]]:
    return [(h.theme, h.match) for h in find_theme_hits(Document.from_text(text), **kw)]


# --------------------------------------------------------------------------------------- lexicon


def test_themes_lexicon_is_large_and_well_formed():
    lex = load_lexicon()
    assert len(lex.themes) >= 60
    assert len(set(lex.ids)) == len(lex.ids)
    assert {t.category for t in lex.themes} <= set(CATEGORIES)
    labels = {t.label for t in lex.themes}
    for required in (
        "巡视巡察整改",
        "主题教育",
        "党史学习教育",
        "党风廉政建设",
        "作风建设",
        "党费收缴",
        "意识形态",
        "理论学习",
        "河长制",
        "营商环境",
        "安全生产",
        "疫情防控",
        "乡村振兴",
        "碳达峰碳中和",
        "文明城市创建",
        "科技创新",
        "改革开放",
    ):
        assert required in labels
    assert lex.version


def test_themes_jieba_dictionary_is_generated_from_lexicon():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_theme_dict", DATA.parent.parent / "scripts" / "build_theme_dict.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    committed = (DATA.parent.parent / "models" / "jieba" / "themes.txt").read_text(encoding="utf-8")
    assert committed == "\n".join(mod.dictionary_lines()) + "\n", "run python scripts/build_theme_dict.py"


def test_themes_terms_stay_whole_in_segmentation():
    from govtext.segment import segment_words

    words = segment_words("认真开展主题教育，落实精准扶贫，推进巡察整改和党风廉政建设。")
    for term in ("主题教育", "精准扶贫", "巡察整改", "党风廉政建设"):
        assert term in words


# --------------------------------------------------------------------------------------- matching


def test_themes_term_inside_longer_term_counts_once():
    assert _themes_in("落实精准扶贫") == [("poverty_alleviation", "精准扶贫")]
    assert _themes_in("加强党风廉政建设") == [("clean_governance", "党风廉政建设")]


def test_themes_exclusions_do_not_count():
    assert _themes_in("赠送《摆脱贫困》等学习用书") == []
    assert all(t != "civilized_city" for t, _ in _themes_in("开创文化事业新局面"))
    assert ("culture_development", "文化事业") in _themes_in("开创文化事业新局面")
    assert ("civilized_city", "创文") in _themes_in("积极投身创文工作")
    assert _themes_in("黄河长江流域") == []


def test_themes_partly_overlapping_terms_both_count():
    # 巡察整改 … 整改 is not a term, but 民主生活会 after 巡察整改专题 is a separate hit
    hits = _themes_in("巡察整改专题民主生活会")
    assert ("inspection_rectification", "巡察整改") in hits
    assert ("organisational_life", "民主生活会") in hits


def test_themes_term_listed_in_two_themes_counts_for_both():
    hits = _themes_in("2019年扶贫济困日")
    assert {t for t, _ in hits} == {"poverty_alleviation", "care_visits"}


def test_themes_evidence_offsets_on_every_corpus_file(gwr_docs, seed_doc):
    for doc in [*gwr_docs.values(), seed_doc]:
        for h in find_theme_hits(doc):
            assert doc.text[h.start_char : h.end_char] == h.match
            assert (h.line, h.col) == doc.line_col(h.start_char)


def _oracle_hits(text: str, lexicon) -> list[tuple[int, int, str, str]]:
    """The matching rules of govtext.themes, written out plainly (quadratic): at each position the longest
    term or exclude phrase starting there; an exclude phrase stands for the longest term it starts with;
    a candidate inside a longer, earlier-starting one is dropped; a theme's hit inside one of that
    theme's exclude phrases (as the longest entry at its start) does not count."""
    terms: dict[str, list[str]] = {}
    excl: dict[str, list[str]] = {}
    for t in lexicon.themes:
        for w in t.terms:
            terms.setdefault(w, []).append(t.id)
        for w in t.exclude:
            excl.setdefault(w, []).append(t.id)
    entries = terms.keys() | excl.keys()
    longest = max(map(len, entries))
    cands, phrases = [], []
    for i in range(len(text)):
        w = next((text[i : i + n] for n in range(longest, 0, -1) if text[i : i + n] in entries), None)
        if w is None:
            continue
        if w in excl:
            phrases.append((i, i + len(w), excl[w]))
        term = next((w[:n] for n in range(len(w), 0, -1) if w[:n] in terms), None)
        if term is not None:
            cands.append((i, i + len(term), term))
    out, max_end = [], -1
    for s, e, w in cands:
        if e <= max_end:
            continue
        max_end = e
        for theme in terms[w]:
            if not any(a <= s and e <= b and theme in ts for a, b, ts in phrases):
                out.append((s, e, w, theme))
    return out


def test_themes_automaton_follows_the_matching_rules_on_real_text(gwr_docs, seed_doc):
    from govtext.themes import _matcher

    lex = load_lexicon()
    texts = [seed_doc.text, *(d.text for _, d in sorted(gwr_docs.items())[::30])]
    texts.append("赠送《摆脱贫困》等学习用书，开创文化事业新局面，积极投身创文工作，黄河长江流域，2019年扶贫济困日")
    for text in texts:
        assert _matcher(lex).find(text) == _oracle_hits(text, lex)


def test_themes_long_text_is_searched_in_chunks_with_the_same_hits(monkeypatch, seed_doc):
    from govtext import themes

    matcher = themes._matcher(load_lexicon())
    whole = matcher.find(seed_doc.text)
    monkeypatch.setattr(themes, "_CHUNK", 7)  # every term straddles some chunk boundary
    assert matcher.find(seed_doc.text) == whole
    assert len(whole) > 100


_RULES_AT_WORK = (  # exclude phrases, terms inside longer ones, partly overlapping and two-theme terms
    "赠送《摆脱贫困》等学习用书，开创文化事业新局面，积极投身创文工作，黄河长江流域，2019年扶贫济困日，"
    "落实精准扶贫，加强党风廉政建设，巡察整改专题民主生活会，完善城乡居民基本医疗保险制度"
)


def test_themes_count_equals_the_scanned_hits_per_theme(monkeypatch, gwr_docs, seed_doc):
    # count (a review's totals, on UTF-8 bytes) counts exactly the hits scan lists and the plain rules
    # give, theme by theme, also where a long text is searched in chunks that split characters
    from collections import Counter

    from govtext import themes
    from govtext.themes import _matcher

    lex = load_lexicon()
    matcher = _matcher(lex)
    texts = [seed_doc.text, *(d.text for _, d in sorted(gwr_docs.items())[::10]), _RULES_AT_WORK, "", "abc 河长"]
    for text in texts:
        want = Counter(lex.ids.index(theme) for _s, _e, _w, theme in _oracle_hits(text, lex))
        assert matcher.count(text) == Counter(matcher.scan(text).themes) == want
    monkeypatch.setattr(themes, "_CHUNK", 7)  # chunks of 7 bytes: most cut a character in two
    for text in texts[:3] + [_RULES_AT_WORK]:
        assert matcher.count(text) == Counter(matcher.scan(text).themes)


def test_themes_totals_only_equal_the_full_tagging(gwr_docs):
    # a review's path (detail=(): counted, nothing listed) gives the totals and findings of the full one
    for doc in [*gwr_docs.values()][::7]:
        part, full = tag_themes(doc, detail=()), tag_themes(doc)
        assert part.document == full.document and part.findings == full.findings and part.document


def test_themes_span_counts_equal_the_hits_lying_inside(gwr_docs):
    from collections import Counter

    from govtext.themes import _matcher, _Tally

    doc = gwr_docs[sorted(gwr_docs)[-1]]
    lex = load_lexicon()
    hits = find_theme_hits(doc)
    tally = _Tally(_matcher(lex).scan(doc.text), _matcher(lex).meta)
    assert len(hits) > 2 * tally._DIRECT  # both ways of counting are used
    n = len(doc.text)
    spans = [(0, n), (5, n - 5), (n // 3, 2 * n // 3)] + [(h.start_char + 1, h.end_char + 400) for h in hits[::97]]
    spans += [(h.start_char, h.end_char - 1) for h in hits[::53]]  # a span ending inside a hit leaves it out
    spans += [(h.start_char + 1, h.end_char) for h in hits[::53]]  # so does one starting inside it
    for a, b in spans:
        want = Counter(h.theme for h in hits if a <= h.start_char and h.end_char <= b)
        got = {lex.themes[p].id: k for p, k in tally.count(a, b).items()}
        assert got == dict(want)


def test_themes_partly_overlapping_hits_count_only_where_they_lie_whole():
    from govtext.themes import _matcher, _Tally

    lex = load_lexicon()
    text = "完善城乡居民基本医疗保险制度"
    first, second = ((s, e, w) for s, e, w, _theme in _matcher(lex).find(text) if w in ("基本医疗", "医疗保险"))
    assert first[0] < second[0] < first[1] < second[1]  # 基本医疗 and 医疗保险 share 医疗
    tally = _Tally(_matcher(lex).scan(text), _matcher(lex).meta)

    def counted(a: int, b: int) -> int:
        return sum(tally.count(a, b).values())

    assert counted(first[0], second[1]) == 2
    assert counted(first[0], first[1]) == counted(second[0], second[1]) == 1  # a boundary inside 医疗
    assert counted(first[0] + 1, second[1] - 1) == 0


def test_themes_records_built_from_slots_equal_the_dataclass_constructor(seed_doc):
    # ThemeHit and ThemeCount are built by setting their slots directly (themes._records): the same
    # records as their own __init__ gives, every field in its place
    from govtext.model import ThemeCount, ThemeHit
    from govtext.themes import _evidence, _matcher, _Tally

    lex = load_lexicon()
    matcher = _matcher(lex)
    hits = matcher.scan(seed_doc.text)
    want_hits = [ThemeHit(t, w, s, e, *seed_doc.line_col(s)) for s, e, w, t in matcher.find(seed_doc.text)]
    assert _evidence(seed_doc, hits, lex.ids) == want_hits
    by_id = {t.id: t for t in lex.themes}
    n = len(seed_doc.text)
    got = _Tally(hits, _matcher(lex).meta).span(0, n)
    want = [
        ThemeCount(c.theme, by_id[c.theme].label, by_id[c.theme].category, c.count, round(c.count * 1000 / n, 3))
        for c in got
    ]
    assert list(got) == want and {c.count for c in got} != {1}


# --------------------------------------------------------------------------------------- tagging


def test_themes_counts_and_weights_are_consistent(seed_doc):
    res = tag_themes(seed_doc)
    by_theme = {t.theme: t for t in res.document}
    for tid, t in by_theme.items():
        assert t.count == sum(1 for h in res.evidence if h.theme == tid)
        assert t.weight == pytest.approx(t.count * 1000 / len(seed_doc.text), abs=1e-3)
    # a paragraph counts only the hits inside it; paragraphs never see more than the document
    for p in res.paragraphs:
        for t in p.themes:
            assert t.count <= by_theme[t.theme].count


def test_themes_sections_count_own_span_and_inherit_nothing(seed_doc):
    outline = extract_sections(seed_doc)
    res = tag_themes(seed_doc, outline=outline)
    assert [s.index for s in res.sections] == [s.index for s in outline.sections]
    counts = {s.index: {t.theme: t.count for t in s.themes} for s in res.sections}
    for sec in outline.sections:
        expected = {}
        for h in res.evidence:
            if sec.start_char <= h.start_char and h.end_char <= sec.body_end:
                expected[h.theme] = expected.get(h.theme, 0) + 1
        assert counts[sec.index] == expected
        # a child never carries a theme its own span does not mention, even if the parent has it
        for child in sec.children:
            assert set(counts[child]) <= set(counts[sec.index])


def test_themes_seed_top_level_sections_hand_checked(seed_doc):
    pinned = tomllib.loads((DATA / "themes_seed_sections.toml").read_text(encoding="utf-8"))["section"]
    outline = extract_sections(seed_doc)
    res = tag_themes(seed_doc, outline=outline)
    top = {s.marker: s.index for s in outline.sections if s.level == 1}
    by_index = {s.index: {t.theme for t in s.themes} for s in res.sections}
    for entry in pinned:
        got = by_index[top[entry["marker"]]]
        assert got == set(entry["themes"]) | set(entry["known_false"]), entry["marker"]
    acceptance = {
        "一、": {"theme_education", "inspection_rectification"},
        "三、": {"clean_governance", "work_style"},
        "五、": {"poverty_alleviation"},
        "六、": {"river_chief"},
    }
    for marker, must in acceptance.items():
        assert must <= by_index[top[marker]]


def test_themes_labelled_paragraphs_precision_and_recall():
    data = tomllib.loads((DATA / "themes_paragraphs.toml").read_text(encoding="utf-8"))["paragraph"]
    assert len(data) >= 40
    docs: dict[str, Document] = {}
    lexicon_ids = set(load_lexicon().ids)
    tp = fp = fn = 0
    for p in data:
        doc = docs.setdefault(p["file"], read_document(DATA.parent.parent / p["file"]))
        assert doc.text[p["start"] : p["end"]].startswith(p["excerpt"])
        assert set(p["themes"]) <= lexicon_ids
        res = tag_themes(doc, outline=extract_sections(doc))
        para = [q for q in res.paragraphs if q.start_char == p["start"] and q.end_char == p["end"]]
        assert len(para) == 1, f"{p['file']} [{p['start']}:{p['end']}] is not a paragraph"
        got = {t.theme for t in para[0].themes}
        want = set(p["themes"])
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.9, (precision, tp, fp)
    assert recall >= 0.8, (recall, tp, fn)


def _national():
    years = {row["file"]: int(row["year"]) for row in gwr_manifest()}
    return {
        years[p.name]: read_document(p) for p in sorted(GWR.glob("gwr_*_national.txt")) if p.name in years
    }


def test_themes_national_reports_show_the_drift():
    reports = _national()
    assert len(reports) == 53
    first: dict[str, int] = {}
    poverty_weight: dict[int, float] = {}
    for year in sorted(reports):
        res = tag_themes(reports[year], outline=extract_sections(reports[year]))
        for h in res.evidence:
            first.setdefault(h.match, year)
        poverty_weight[year] = next((t.weight for t in res.document if t.theme == "poverty_alleviation"), 0.0)
    assert first["精准扶贫"] == 2014
    assert first["乡村振兴"] == 2018
    peak = max(poverty_weight, key=poverty_weight.get)
    assert 2016 <= peak <= 2021, (peak, poverty_weight[peak])


# --------------------------------------------------------------------------------------- user lexicons


def test_themes_user_lexicon_adds_and_replaces(tmp_path):
    user = tmp_path / "mine.toml"
    user.write_text(
        '[[theme]]\nid = "river_chief"\nlabel = "河湖长制"\ncategory = "ecology"\nterms = ["河湖长制"]\n\n'
        '[[theme]]\nid = "water_saving"\nlabel = "节水型机关"\ncategory = "ecology"\nterms = ["节水型机关"]\n',
        encoding="utf-8",
    )
    lex = load_lexicon(user)
    assert lex.get("river_chief").label == "河湖长制"
    assert lex.get("water_saving").terms == ("节水型机关",)
    assert len(lex.themes) == len(load_lexicon().themes) + 1
    hits = _themes_in("落实河长制，创建节水型机关", lexicon=lex)
    assert ("water_saving", "节水型机关") in hits
    assert all(t != "river_chief" for t, _ in hits)  # replaced: 河长制 is no longer a term
    only = load_lexicon(user, replace=True)
    assert only.ids == ("river_chief", "water_saving")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('[[theme]]\nid = "x"\nlabel = "甲\ncategory = "party"\n', 3),  # unterminated string
        ('[[theme]]\nid = "x"\nlabel = "甲"\nterms = ["甲乙"\n', 5),  # unclosed array: the end of the document (line 5, as Python 3.14 reports it)
    ],
)
def test_themes_broken_toml_names_file_and_line(tmp_path, text, line):
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        parse_lexicon(bad)
    assert err.value.path == str(bad) and err.value.line == line
    assert str(err.value).startswith(f"{bad}:{line}: invalid TOML")


def test_themes_entry_missing_terms_points_at_its_table_header(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'version = "1"\n\n[[theme]]\nid = "ok"\nlabel = "好"\ncategory = "party"\nterms = ["好好"]\n\n'
        '# a comment\n[[theme]]\nid = "broken"\nlabel = "坏"\ncategory = "party"\n',
        encoding="utf-8",
    )
    with pytest.raises(DataFileError) as err:
        parse_lexicon(bad)
    assert err.value.line == 10
    assert "terms" in str(err.value) and str(bad) in str(err.value)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('id = "Bad Id"\nlabel = "甲"\ncategory = "party"\nterms = ["甲乙"]', "id"),
        ('id = "a"\nlabel = "甲"\ncategory = "nowhere"\nterms = ["甲乙"]', "category"),
        ('id = "a"\nlabel = "甲"\ncategory = "party"\nterms = ["甲乙"]\nexclude = ["丙丁"]', "exclude"),
        ('id = "a"\nlabel = "甲"\ncategory = "party"\nterms = ["甲 乙"]', "whitespace"),
        ('id = "a"\nlabel = "甲"\ncategory = "party"\nterms = ["甲乙"]\ncolour = "red"', "unknown key"),
    ],
)
def test_themes_semantically_wrong_entries_are_rejected(tmp_path, body, problem):
    bad = tmp_path / "bad.toml"
    bad.write_text(f"[[theme]]\n{body}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        parse_lexicon(bad, require_version=False)
    assert problem in str(err.value) and err.value.line == 1


def test_themes_shipped_lexicon_path_exists():
    assert default_lexicon_path().is_file()


# --------------------------------------------------------------------------------------- CLI


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``govtext`` in-process through ``main()`` (errors become one line + exit 2)."""
    from govtext.cli import main

    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def test_themes_cli_json_contract(capsys):
    code, out, err = run_cli(capsys, "themes", str(SEED), "--format", "json", "--no-distinctive")
    assert code == 0, err
    data = json.loads(out)
    assert {"path", "document", "sections", "evidence", "distinctive_terms"} <= set(data)
    assert set(data["document"][0]) == {"theme", "label", "category", "count", "weight"}
    assert {"section_index", "themes"} <= set(data["sections"][0])
    doc = read_document(SEED)
    for ev in data["evidence"]:
        assert set(ev) == {"theme", "match", "start_char", "end_char", "line", "col"}
        assert doc.text[ev["start_char"] : ev["end_char"]] == ev["match"]
    outline = extract_sections(doc)
    assert [s["section_index"] for s in data["sections"]] == [s.index for s in outline.sections]


def test_themes_cli_text_csv_and_tag_alias(capsys):
    code, out, _ = run_cli(capsys, "themes", "tag", str(SEED), "--no-distinctive")
    assert code == 0 and "河长制" in out and "主题教育" in out
    code, out, _ = run_cli(capsys, "themes", str(SEED), "--format", "csv", "--no-distinctive")
    assert code == 0
    assert out.splitlines()[0] == "path,scope,index,theme,label,category,count,weight"
    assert any(line.split(",")[1] == "section" for line in out.splitlines()[1:])


def test_themes_cli_bad_lexicon_exits_2_with_one_line(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[theme]]\nid = "x"\nlabel = "甲"\ncategory = "party"\n', encoding="utf-8")
    code, out, err = run_cli(capsys, "themes", str(SEED), "--lexicon", str(bad))
    assert code == 2 and out == ""
    assert err.startswith(f"govtext: {bad}:1:") and "terms" in err
    assert len(err.strip().splitlines()) == 1


def test_themes_cli_missing_file_exits_2(capsys, tmp_path):
    code, _, err = run_cli(capsys, "themes", str(tmp_path / "nope.txt"))
    assert code == 2 and err.startswith("govtext: ") and "Traceback" not in err


# --------------------------------------------------------------------------------------- spaCy


def test_themes_spacy_component_stores_evidence_spans(seed_doc):
    from govtext.pipeline import build

    nlp = build(components=["govtext_sections", "govtext_themes"])
    assert "govtext_themes" in nlp.analyze_pipes()["summary"]
    doc = nlp(seed_doc.text)
    spans = doc.spans["govtext_themes"]
    result = tag_themes(seed_doc)
    assert len(spans) == len(result.evidence)
    for span, hit in zip(spans, result.evidence, strict=True):
        assert span.label_ == hit.theme
        assert span.start_char <= hit.start_char and hit.end_char <= span.end_char
    assert doc._.govtext_themes.evidence == result.evidence
    assert [f.code for f in doc._.govtext_themes.findings] == ["GT301"]  # the year reaches the pipeline


def test_themes_component_is_in_the_default_pipeline():
    from govtext import pipeline

    assert "govtext_themes" in pipeline.COMPONENTS


# --------------------------------------------------------------------------------------- findings


def test_themes_stale_congress_reference_in_seed(seed_doc, capsys):
    from govtext import codes
    from govtext.themes import find_stale_references

    found = find_stale_references(seed_doc)
    assert [(f.code, f.match) for f in found] == [("GT301", "学习贯彻党的十八大精神")]
    f = found[0]
    assert seed_doc.text[f.start_char : f.end_char] == f.match
    assert (f.line, f.col) == seed_doc.line_col(f.start_char)
    assert "十九大" in f.message and "2019" in f.message
    assert codes.get("GT301").what and codes.get("GT301").example
    assert tag_themes(seed_doc).to_dict()["findings"][0]["code"] == "GT301"
    code, out, _ = run_cli(capsys, "themes", str(SEED), "--no-distinctive")
    assert code == 0 and "GT301 (stale-congress-reference)" in out


def test_themes_no_stale_reference_in_the_reports(gwr_docs):
    from govtext.themes import find_stale_references

    assert [f for d in gwr_docs.values() for f in find_stale_references(d)] == []
    # a report from the year after a congress may still look back on the previous one
    doc = Document.from_text("2018年工作总结\n过去一年，我们深入学习贯彻党的十八大精神。", year=2018)
    assert find_stale_references(doc) == []
    doc = Document.from_text("2020年工作总结\n深入学习贯彻党的十八大精神。", year=2020)
    assert len(find_stale_references(doc)) == 1


@pytest.mark.parametrize(
    "sentence",
    ["深入学习贯彻十八大精神", "认真学习宣传党的十八大报告", "贯彻落实十八大会议精神", "宣讲十七大会议报告"],
)
def test_themes_stale_reference_in_each_wording(sentence):
    # every ending the GT301 pattern allows (精神, 报告, 会议精神, 会议报告) is found
    from govtext.themes import find_stale_references

    doc = Document.from_text(f"2021年工作总结\n一年来，我们{sentence}。", year=2021)
    found = find_stale_references(doc)
    assert [f.code for f in found] == ["GT301"] and sentence.endswith(found[0].match[-2:])


def test_themes_cli_several_files_give_a_json_list(capsys):
    two = str(GWR / "gwr_2020_national.txt")
    code, out, _ = run_cli(capsys, "themes", str(SEED), two, "--format", "json", "--no-distinctive")
    data = json.loads(out)
    assert code == 0 and [d["path"] for d in data] == [str(SEED), two]
    assert any(t["theme"] == "epidemic_control" for t in data[1]["document"])


def test_themes_cli_only_lexicon_needs_a_lexicon(capsys):
    code, out, err = run_cli(capsys, "themes", str(SEED), "--only-lexicon")
    assert code == 2 and out == "" and "--lexicon" in err


def test_themes_cli_lexicon_lists_and_validates(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "themes", "lexicon", "--format", "json")
    data = json.loads(out)
    assert code == 0 and len(data["themes"]) == len(load_lexicon().themes)
    river = next(t for t in data["themes"] if t["theme"] == "river_chief")
    assert "河长制" in river["terms"] and "黄河长" in river["exclude"] and river["since"] == 2016
    mine = tmp_path / "mine.toml"
    mine.write_text(
        '[[theme]]\nid = "a"\nlabel = "甲"\ncategory = "party"\nterms = ["甲乙"]\n', encoding="utf-8"
    )
    code, out, _ = run_cli(capsys, "themes", "lexicon", "--lexicon", str(mine), "--only-lexicon")
    assert code == 0 and out.splitlines()[0].endswith("1 themes")


def test_themes_replacing_the_lexicon_with_no_file_is_an_error():
    """`--only-lexicon` without a file must not fall back silently to the shipped lexicon."""
    import govtext.themes as T

    with pytest.raises(UsageError, match="needs at least one --lexicon"):
        T.load_lexicon(replace=True)


def test_lexicon_from_text_equals_from_file(tmp_path):
    """A corpus run carries extra lexicons by value: parsed from text, nothing written to disk, the
    same lexicon as from the file, and errors name the file given and the line."""
    from govtext.errors import DataFileError
    from govtext.lexicon import load_lexicon, load_lexicon_texts

    raw = '[[theme]]\nid = "lake_chief_extra"\nlabel = "河长制"\ncategory = "ecology"\nterms = ["河长制", "湖长制"]\n'
    f = tmp_path / "extra.toml"
    f.write_text(raw, encoding="utf-8")
    for replace in (False, True):
        from_file = load_lexicon(f, replace=replace)
        from_text = load_lexicon_texts([(str(f), raw)], replace=replace)
        assert from_text == from_file and "lake_chief_extra" in {t.id for t in from_text.themes}
    with pytest.raises(DataFileError, match=r"^extra\.toml:3: "):
        load_lexicon_texts([("extra.toml", raw.replace('label = "河长制"', "label = 河长制"))])


@pytest.mark.parametrize("detail", [(), ("evidence",), ("sections",), ("paragraphs", "evidence")])
def test_themes_detail_asked_for_only_and_same_totals(seed_doc, detail):
    """``detail`` leaves out what is not asked for (a review asks for none) and changes nothing else: the
    document's totals, the stale references and each asked-for part are those of the full tagging."""
    from govtext.model import THEME_DETAIL
    from govtext.review import check_document

    full = tag_themes(seed_doc)
    part = tag_themes(seed_doc, detail=detail)
    assert part.document == full.document and len(full.document) > 5
    assert part.findings == full.findings
    for name in THEME_DETAIL:
        assert getattr(part, name) == (getattr(full, name) if name in detail else ()), name
    assert full.sections and full.paragraphs and full.evidence
    review = check_document(seed_doc)
    assert review.themes.document == full.document and review.themes.evidence == ()
    with pytest.raises(UsageError, match="unknown theme detail hits"):
        tag_themes(seed_doc, detail=("hits",))
