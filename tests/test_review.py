"""``check_document`` and ``govtext check``: one review per document, the JSON contract, exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import DATA, GWR, SEED
from govtext import UsageError, read_document
from govtext.cli import cli, main
from govtext.review import check_document

CONTRACT = {"path", "kind", "kind_label", "kind_confidence", "outline", "score", "parts", "sections", "findings",
            "placeholders", "themes"}
PART_KEYS = {"id", "label", "required", "status", "weight", "evidence", "reason"}


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_review_seed_combines_every_stage(seed_doc):
    r = check_document(seed_doc)
    d = r.to_dict()
    assert CONTRACT <= set(d)
    assert d["kind"] == "party-building-summary" and d["kind_label"] == "党建工作总结"
    assert 0 <= d["score"] <= 100 and isinstance(d["score"], int)
    for p in d["parts"]:
        assert PART_KEYS <= set(p)
        assert p["status"] in ("present", "weak", "missing")
        if p["status"] != "missing":
            assert "section_index" in p["evidence"] or {"start_char", "end_char"} <= set(p["evidence"])
    # the other commands' records, reused
    assert d["sections"] and {"index", "level", "marker", "title", "start_char", "body_end"} <= set(d["sections"][0])
    assert any(f["code"] == "GT103" for f in d["findings"])  # 三是是
    assert any(f["code"].startswith("GT4") for f in d["findings"])
    assert len(d["placeholders"]) >= 20 and all(f["code"].startswith("GT2") for f in d["placeholders"])
    assert d["themes"] and {"theme", "label", "count"} <= set(d["themes"][0])
    text = seed_doc.text
    for f in d["findings"] + d["placeholders"]:
        assert text[f["start_char"] : f["end_char"]] == f["match"]
    json.dumps(d, ensure_ascii=False)


def test_review_exit_code_follows_missing_parts_and_fail_on():
    doc = read_document(DATA / "completeness_work_summary_annual.txt")
    assert check_document(doc).exit_code == 0
    # a GT405-free, GT4-free document: only info/warning findings decide with --fail-on
    strict = check_document(doc, fail_on="info")
    assert strict.exit_code == (1 if strict.all_findings else 0)
    cut = doc.text[: doc.text.index("二、存在的问题")]
    r = check_document(cut, kind="work-summary")
    assert {p.id for p in r.completeness.missing_required} == {"problems", "next-steps"}
    assert r.exit_code == 1


def test_review_unknown_kind_and_bad_fail_on_are_usage_errors(seed_doc):
    with pytest.raises(UsageError):
        check_document(seed_doc, kind="novel")
    with pytest.raises(UsageError):
        check_document(seed_doc, fail_on="fatal")


def test_check_cli_json_contract():
    res = _run("check", str(SEED), "--format", "json")
    assert res.exit_code == 1  # the seed has error-level faults (三是是, 市委市委)
    d = json.loads(res.output)
    assert CONTRACT <= set(d) and d["path"] == str(SEED)
    assert d["kind"] == "party-building-summary"


def test_check_cli_several_files_give_a_list():
    res = _run("check", str(DATA / "completeness_debrief.txt"), str(GWR / "gwr_2019_national.txt"), "--format", "json")
    data = json.loads(res.output)
    assert [d["kind"] for d in data] == ["debrief-report", "government-work-report"]


def test_check_cli_text_is_plain_when_not_a_tty(monkeypatch):
    monkeypatch.delenv("GOVTEXT_LANG", raising=False)
    res = _run("check", str(SEED))
    out = res.output
    assert "\x1b[" not in out
    assert "党建工作总结" in out and "存在问题" in out and "得分 81/100" in out  # Chinese by default
    assert f"{SEED}:12:5: GT103 编号“三是是”中有重复的字" in out  # findings with their lines


def test_check_cli_kind_wins_and_unknown_kind_exits_2():
    res = _run("check", str(DATA / "completeness_debrief.txt"), "--kind", "work-summary", "--format", "json")
    assert json.loads(res.output)["kind"] == "work-summary"
    res = CliRunner().invoke(cli, ["check", str(SEED), "--kind", "novel"])
    assert res.exit_code != 0


def test_check_main_exit_codes(tmp_path, capsys):
    from govtext.cli import main

    def code(*argv: str) -> int:
        with pytest.raises(SystemExit) as e:
            main(list(argv))
        return e.value.code

    assert code("check", str(DATA / "completeness_work_summary_annual.txt")) == 0
    assert code("check", str(SEED)) == 1
    assert code("check", str(SEED), "--kind", "novel") == 2
    assert "unknown kind" in capsys.readouterr().err
    assert code("check", str(tmp_path / "nope.txt")) == 2
    assert capsys.readouterr().err.count("\n") == 1
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\nlabel = "X"\n\n[[parts]]\nid = "a"\nlabel = "A"\nrequired = true\nweight = -1\n', encoding="utf-8")
    assert code("check", str(SEED), "--outline", str(bad)) == 2
    err = capsys.readouterr().err
    assert f"{bad}:8:" in err and err.count("\n") == 1
    # -o must never overwrite an input file
    src = tmp_path / "in.txt"
    src.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    before = src.read_bytes()
    assert code("check", str(src), "-o", str(src)) == 2
    assert src.read_bytes() == before


def test_check_cli_user_outline(tmp_path):
    outline = tmp_path / "mine.toml"
    outline.write_text(
        'id = "closing-check"\nlabel = "结尾检查"\n\n[[parts]]\nid = "next"\nlabel = "下一步"\nrequired = true\n'
        "weight = 1\nlead = ['^下一步']\ninline = ['^下一步']\n",
        encoding="utf-8",
    )
    res = _run("check", str(SEED), "--outline", str(outline), "--format", "json")
    d = json.loads(res.output)
    assert d["kind"] == "closing-check" and d["parts"][0]["status"] in ("present", "weak")


def test_check_cli_html_to_file(tmp_path):
    out = tmp_path / "report.html"
    res = _run("check", str(SEED), "--format", "html", "-o", str(out))
    assert res.output == ""
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "党建工作总结" in page


def _stage_codes(doc) -> set[str]:
    """Codes the stage functions emit when called one by one, as a researcher would."""
    from govtext.completeness import score_completeness
    from govtext.placeholders import find_placeholders
    from govtext.sections import extract_sections
    from govtext.themes import tag_themes

    outline = extract_sections(doc)
    found = [*outline.findings, *find_placeholders(doc), *tag_themes(doc, outline=outline).findings,
             *score_completeness(doc, sections=outline).findings]
    return {f.code for f in found}


def test_check_reports_every_code_any_stage_emits(seed_doc, gwr_docs):
    seen: set[str] = set()
    for doc in [seed_doc, *gwr_docs.values()]:
        emitted = _stage_codes(doc)
        reported = {f.code for f in check_document(doc).all_findings}
        assert emitted <= reported, (doc.path, emitted - reported)
        seen |= emitted
    # the families of every stage occur, so the comparison above is not vacuous
    assert {c[:3] for c in seen} >= {"GT1", "GT2", "GT3", "GT4"}


def test_check_cli_lists_the_stale_congress_reference():
    d = json.loads(_run("check", str(SEED), "--format", "json").output)
    (f,) = [f for f in d["findings"] if f["code"] == "GT301"]
    assert f["match"] == "学习贯彻党的十八大精神" and (f["line"], f["col"]) == (13, 42)
    assert "GT301" in _run("check", str(SEED)).output
    assert "GT301" in _run("check", str(SEED), "--format", "html").output


def test_check_cli_sarif_validates_with_a_rule_for_every_code():
    import jsonschema

    schema = json.loads((DATA / "placeholders_sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    res = _run("check", str(SEED), "--format", "sarif")
    assert res.exit_code == 1
    log = json.loads(res.output)
    jsonschema.Draft4Validator(schema).validate(log)
    run0 = log["runs"][0]
    rules = [r["id"] for r in run0["tool"]["driver"]["rules"]]
    result_codes = {r["ruleId"] for r in run0["results"]}
    assert set(rules) == result_codes and {"GT103", "GT201", "GT301", "GT402"} <= result_codes
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in run0["results"])
    tags = {r["id"]: r["properties"]["tags"][0] for r in run0["tool"]["driver"]["rules"]}
    assert (tags["GT103"], tags["GT201"], tags["GT301"], tags["GT402"]) == (
        "structure", "placeholder", "theme", "completeness")
    text = SEED.read_text(encoding="utf-8")
    for r in run0["results"]:
        region = r["locations"][0]["physicalLocation"]["region"]
        assert text[region["charOffset"] : region["charOffset"] + region["charLength"]] == region["snippet"]["text"]
    clean = _run("check", str(GWR / "gwr_2021_national.txt"), "--format", "sarif")
    jsonschema.Draft4Validator(schema).validate(json.loads(clean.output))


def test_check_cli_github_jsonl_csv_carry_every_stage():
    review = check_document(read_document(SEED))
    n = len(review.all_findings)
    gh = _run("check", str(SEED), "--format", "github").output.splitlines()
    assert len(gh) == n and any("title=GT301 " in line for line in gh) and any("title=GT402 " in line for line in gh)
    rows = [json.loads(line) for line in _run("check", str(SEED), "--format", "jsonl").output.splitlines()]
    assert [r["code"] for r in rows] == [f.code for f in review.all_findings]
    csv_out = _run("check", str(SEED), "--format", "csv").output
    assert csv_out.startswith("path,code,slug,severity,kind,match,") and len(csv_out.splitlines()) == n + 1


def test_check_cli_honours_govtext_toml(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    plain = json.loads(_run("check", str(SEED), "--format", "json").output)
    assert any(f["code"] == "GT201" for f in plain["placeholders"])
    (tmp_path / "govtext.toml").write_text('ignore = ["GT201", "masked-name"]\n', encoding="utf-8")
    d = json.loads(_run("check", str(SEED), "--format", "json").output)
    assert d["placeholders"] and not any(f["code"] == "GT201" for f in d["placeholders"])
    assert [f for f in plain["placeholders"] if f["code"] != "GT201"] == d["placeholders"]
    assert json.loads(_run("check", str(SEED), "--format", "json", "--no-config").output) == plain
    (tmp_path / "govtext.toml").write_text('ignore = ["GT201"]\nfail_on = "info"\n', encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["check", str(SEED)])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "govtext.toml:2" in err and len(err.splitlines()) == 1


def test_check_cli_gitlab_and_junit_carry_every_stage():
    import xml.etree.ElementTree as ET

    review = check_document(read_document(SEED))
    issues = json.loads(_run("check", str(SEED), "--format", "gitlab").output)
    assert [i["check_name"] for i in issues] == [f.code for f in review.all_findings]
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    root = ET.fromstring(_run("check", str(SEED), "--format", "junit").output)
    cases = root.findall(".//testcase")
    assert [c.find("failure").get("type") for c in cases] == [f.code for f in review.all_findings]


def test_check_reviews_the_files_of_a_folder(tmp_path):
    """A folder given to check is listed by the one path expansion (sources.expand_paths): its readable
    files, sub-folders included, sorted; hidden and Word lock files skipped."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(SEED.read_text("utf-8"), "utf-8")
    (tmp_path / "sub" / "b.txt").write_text((GWR / "gwr_2013_hailar_district.txt").read_text("utf-8"), "utf-8")
    (tmp_path / "~$lock.docx").write_bytes(b"x")
    (tmp_path / "notes.bin").write_bytes(b"\x00")
    res = _run("check", str(tmp_path), "--format", "json")
    data = json.loads(res.output)
    assert [d["path"] for d in data] == [str(tmp_path / "a.txt"), str(tmp_path / "sub" / "b.txt")]
    assert data[0]["kind"] == "party-building-summary" and data[1]["kind"] == "government-work-report"


def test_check_cli_docx_to_file_and_its_errors(tmp_path, capsys):
    """--format docx writes the Word review (govtext.review_docx); one file at a time."""
    import docx

    out = tmp_path / "reviewed.docx"
    res = _run("check", str(SEED), "--format", "docx", "-o", str(out), "--no-config")
    assert res.exit_code == 1 and res.output == ""  # exit code of the review: findings
    assert out.read_bytes()[:2] == b"PK"
    word = docx.Document(str(out))
    assert any("2019年党建工作总结" in p.text for p in word.paragraphs)
    piped = _run("check", str(SEED), "--format", "docx", "--no-config")  # stdout is not a terminal here
    assert piped.stdout_bytes[:2] == b"PK"
    with pytest.raises(SystemExit) as e:
        main(["check", str(SEED), str(DATA / "completeness_debrief.txt"), "--format", "docx", "-o", str(out)])
    assert e.value.code == 2
    assert capsys.readouterr().err == "govtext: --format docx 一次只审阅一个文件，现在给了 2 个\n"
