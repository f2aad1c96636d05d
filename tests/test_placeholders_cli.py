"""``govtext placeholders``: the linter interface (paths, formats, exit codes, config, SARIF schema)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from conftest import DATA, GWR, ROOT, SEED

SEED_LINE = re.compile(
    r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<code>GT2\d\d) \((?P<slug>[a-z-]+)\) .+ — .+$"
)


@pytest.fixture(autouse=True)
def _no_format_from_env(monkeypatch):
    """A developer's GOVTEXT_OUTPUT_FORMAT must not change what these tests see."""
    monkeypatch.delenv("GOVTEXT_OUTPUT_FORMAT", raising=False)


@pytest.fixture
def nocfg(monkeypatch, tmp_path):
    """Run from an empty directory so no project config is picked up."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_placeholders_cli_text_on_the_seed(run, nocfg) -> None:
    rc, out, err = run("placeholders", str(SEED))
    assert rc == 1
    lines = out.splitlines()
    assert len(lines) == 50
    assert all(SEED_LINE.match(line) for line in lines)
    assert (
        f"{SEED}:15:39: GT201 (unfilled-count) 今年共培养发展了[X]名预备党员 — number of people missing"
        in lines
    )
    assert lines[2].endswith("text missing [warning]")
    assert "Found 50 placeholders (48 errors, 2 warnings) in 1 file." in err


def test_placeholders_cli_gwr_directory_is_clean(run, nocfg) -> None:
    rc, out, err = run("placeholders", str(GWR))
    assert (rc, out) == (0, "")
    assert "No placeholders found in 93 files." in err


def test_placeholders_cli_json_contract(run, nocfg) -> None:
    rc, out, _ = run("placeholders", "--format", "json", str(SEED))
    records = json.loads(out)
    assert rc == 1 and len(records) == 50
    text = SEED.read_text(encoding="utf-8")
    keys = "path code slug severity kind match line col end_line end_col start_char end_char message context"
    for r in records:
        assert set(keys.split()) <= set(r)
        assert text[r["start_char"] : r["end_char"]] == r["match"]
        assert r["path"] == str(SEED)


def test_placeholders_cli_jsonl_and_csv(run, nocfg) -> None:
    _, out, _ = run("placeholders", "--format", "jsonl", str(SEED))
    assert len([json.loads(line) for line in out.splitlines()]) == 50
    _, out, _ = run("placeholders", "--format", "csv", str(SEED))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 50
    assert list(rows[0])[:6] == ["path", "code", "slug", "severity", "kind", "match"]
    _, out, _ = run("placeholders", "--format", "csv", str(GWR / "gwr_2021_national.txt"))
    assert out.startswith("path,code,slug,severity,kind,match,line,col")


def test_placeholders_cli_sarif_validates_against_the_schema(run, nocfg) -> None:
    import jsonschema
    schema = json.loads((DATA / "placeholders_sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    rc, out, err = run("placeholders", "--format", "sarif", str(SEED), "missing.txt")
    assert rc == 2 and "govtext: missing.txt: no such file" in err
    log = json.loads(out)
    jsonschema.Draft4Validator(schema).validate(log)
    run0 = log["runs"][0]
    assert log["version"] == "2.1.0" and run0["columnKind"] == "unicodeCodePoints"
    assert len(run0["results"]) == 50
    assert [r["id"] for r in run0["tool"]["driver"]["rules"]] == [f"GT20{i}" for i in range(1, 10)]
    first = run0["results"][0]
    region = first["locations"][0]["physicalLocation"]["region"]
    assert (first["ruleId"], region["startLine"], region["startColumn"], region["endColumn"]) == (
        "GT206",
        4,
        6,
        7,
    )
    assert run0["invocations"][0]["executionSuccessful"] is False
    # a clean run validates too
    rc, out, _ = run("placeholders", "--format", "sarif", str(GWR / "gwr_2021_national.txt"))
    jsonschema.Draft4Validator(schema).validate(json.loads(out))
    assert rc == 0


def test_placeholders_cli_github_annotations(run, nocfg) -> None:
    rc, out, _ = run("placeholders", "--format", "github", str(SEED))
    lines = out.splitlines()
    assert rc == 1 and len(lines) == 50
    pattern = re.compile(
        r"^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=GT2\d\d \([a-z-]+\)::.+"
    )
    assert all(pattern.match(line) for line in lines)
    assert lines[0].startswith(
        f"::error file={SEED},line=4,col=6,endLine=4,endColumn=7,title=GT206 (unfilled-organisation)::"
    )
    assert sum(line.startswith("::warning") for line in lines) == 2
    rc, out, err = run("placeholders", "--format", "github", "gone.txt")
    assert (rc, out) == (2, "::error file=gone.txt,title=govtext::no such file\n")
    assert err == "govtext: gone.txt: no such file\n"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((), 1),
        (("--fail-on", "error"), 1),
        (("--exit-zero",), 0),
        (("--select", "text", "--fail-on", "error"), 1),
        (("--select", "text", "--ignore", "GT208"), 0),
    ],
)
def test_placeholders_cli_exit_codes(run, nocfg, args, code) -> None:
    assert run("placeholders", *args, str(SEED))[0] == code


def test_placeholders_cli_fail_on_grades_severity(run, nocfg, tmp_path) -> None:
    doc = tmp_path / "weak.txt"
    doc.write_text("为X改革发展提供保障\n为x改革发展提供保障\n", encoding="utf-8")
    assert run("placeholders", str(doc))[0] == 1  # a warning fails at the default fail-on (warning)
    assert run("placeholders", "--fail-on", "error", str(doc))[0] == 0
    assert run("placeholders", "--fail-on", "info", "--select", "GT208", "--ignore", "GT2", str(doc))[0] == 0
    only_info = tmp_path / "info.txt"
    only_info.write_text("为x改革发展提供保障\n", encoding="utf-8")
    assert run("placeholders", str(only_info))[0] == 0
    assert run("placeholders", "--fail-on", "info", str(only_info))[0] == 1


def test_placeholders_cli_select_ignore(run, nocfg) -> None:
    _, out, _ = run("placeholders", "--format", "json", "--select", "count,GT202", str(SEED))
    assert {r["kind"] for r in json.loads(out)} == {"count", "money"}
    _, out, _ = run(
        "placeholders", "--format", "json", "--ignore", "organisation", "--ignore", "count", str(SEED)
    )
    assert len(json.loads(out)) == 50 - 23 - 17
    rc, out, err = run("placeholders", "--select", "GT999", str(SEED))
    assert rc == 2 and out == "" and "unknown code or kind 'GT999'" in err


def test_placeholders_cli_stats(run, nocfg) -> None:
    rc, out, _ = run("placeholders", "--stats", str(SEED))
    assert rc == 1
    assert re.search(r"^\s+17\s+GT201\s+count\s+\(unfilled-count\)$", out, re.M)
    assert "50  total in 1 of 1 files (48 error, 2 warning, 0 info)" in out
    _, out, _ = run("placeholders", "--stats", "--format", "json", str(SEED))
    stats = json.loads(out)
    assert stats["total"] == 50 and {k["kind"]: k["count"] for k in stats["kinds"]}["organisation"] == 23
    rc, _, err = run("placeholders", "--stats", "--format", "sarif", str(SEED))
    assert rc == 2 and "--statistics cannot be combined with --output-format sarif" in err
    _, out, _ = run("placeholders", "--stats", "--format", "csv", str(SEED))
    assert out.splitlines()[:2] == ["kind,code,slug,count", "organisation,GT206,unfilled-organisation,23"]
    _, out, _ = run("placeholders", "--stats", "--format", "jsonl", str(SEED))
    assert sum(json.loads(line)["count"] for line in out.splitlines()) == 50


def test_placeholders_cli_stdin(run, nocfg) -> None:
    rc, out, _ = run("placeholders", "-", stdin="今年共培养发展了X名预备党员\n")
    assert rc == 1
    assert out == "-:1:9: GT201 (unfilled-count) 今年共培养发展了[X]名预备党员 — number of people missing\n"


def test_placeholders_cli_unreadable_file_among_many(run, nocfg, tmp_path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("共有X名党员\n", encoding="utf-8")
    binary = tmp_path / "bad.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    rc, out, err = run("placeholders", str(binary), "nope.md", str(good), "--exit-zero")
    assert rc == 2  # --exit-zero never hides bad input
    assert out.startswith(f"{good}:1:3: GT201")
    assert f"govtext: {binary}: looks like a binary file" in err
    assert "govtext: nope.md: no such file" in err


def test_placeholders_cli_directories_and_globs(run, nocfg, tmp_path) -> None:
    import docx
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a.txt").write_text("市X局工作总结\n", encoding="utf-8")
    (tmp_path / "sub" / "b.md").write_text("# 总结\n\n共有X名党员\n", encoding="utf-8")
    (tmp_path / ".hidden" / "c.txt").write_text("市X局\n", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    d = docx.Document()
    d.add_paragraph("捐款X元")
    d.save(str(tmp_path / "sub" / "d.docx"))
    _, out, _ = run("placeholders", "--format", "json", ".")
    assert sorted((r["path"], r["kind"]) for r in json.loads(out)) == [
        ("a.txt", "organisation"),
        ("sub/b.md", "count"),
        ("sub/d.docx", "money"),
    ]
    _, out, _ = run("placeholders", "--format", "json", "**/*.md")
    assert [r["path"] for r in json.loads(out)] == ["sub/b.md"]
    rc, _, err = run("placeholders", "*.nothing")
    assert rc == 2 and "govtext: *.nothing: no files match this pattern" in err


def test_placeholders_cli_config_file(run, nocfg) -> None:
    root = nocfg
    (root / "templates").mkdir()
    (root / "drafts").mkdir()
    (root / "templates" / "t.txt").write_text("市X局\n", encoding="utf-8")
    (root / "drafts" / "d.txt").write_text("市X局，共有X名党员，为X改革发展\n", encoding="utf-8")
    (root / "govtext.toml").write_text(
        'exclude = ["templates/**"]\nignore = ["masked-name"]\nfail-on = "error"\n'
        '[per-file-ignores]\n"drafts/*.txt" = ["organisation"]\n',
        encoding="utf-8",
    )
    rc, out, _ = run("placeholders", "--format", "json", ".")
    found = json.loads(out)
    assert [(r["path"], r["kind"], r["severity"]) for r in found] == [
        ("drafts/d.txt", "count", "error"),
        ("drafts/d.txt", "text", "warning"),
    ]
    assert rc == 1
    rc, out, _ = run("placeholders", "--format", "json", "--no-config", ".")
    assert len(json.loads(out)) == 4
    (root / "sub").mkdir()
    (root / "sub" / "pyproject.toml").write_text('[tool.govtext]\nselect = ["count"]\n', encoding="utf-8")
    rc, out, _ = run("placeholders", "--format", "json", "--config", "sub/pyproject.toml", "drafts")
    assert [r["kind"] for r in json.loads(out)] == ["count"]


@pytest.mark.parametrize(
    ("content", "where", "problem"),
    [
        ('select = ["count"]\nfail_on = "error"\n', ":2:", "unknown setting 'fail_on'"),
        ('ignore = ["count"]\nfail-on = "never"\n', ":2:", "fail-on must be error, warning or info"),
        ('select = ["count",\n', ":2:", "invalid TOML"),
        ('\n\nselect = ["GT1"]\n', ":3:", "unknown code or kind 'GT1'"),
        ('exclude = "templates"\n', ":1:", "exclude must be a list"),
    ],
)
def test_placeholders_cli_bad_config_names_file_and_line(run, nocfg, content, where, problem) -> None:
    (nocfg / "govtext.toml").write_text(content, encoding="utf-8")
    rc, out, err = run("placeholders", str(SEED))
    assert rc == 2 and out == ""
    assert err.startswith(f"govtext: {nocfg / 'govtext.toml'}{where}") and problem in err
    assert len(err.strip().splitlines()) == 1


def test_placeholders_cli_missing_config_file(run, nocfg) -> None:
    rc, out, err = run("placeholders", "--config", "nowhere.toml", str(SEED))
    assert rc == 2 and out == "" and err.startswith("govtext: nowhere.toml: cannot read")


def test_placeholders_cli_inline_markers_in_markdown(run, nocfg, tmp_path) -> None:
    md = tmp_path / "template.md"
    md.write_text("<!-- govtext: template -->\n# XXX单位2019年工作总结\n共有X名党员\n", encoding="utf-8")
    assert run("placeholders", str(md))[0] == 0
    md.write_text("# XXX单位2019年工作总结 <!-- govtext: ignore[GT206] -->\n共有X名党员\n", encoding="utf-8")
    rc, out, _ = run("placeholders", str(md))
    assert rc == 1 and out.count("\n") == 1 and ":2:3: GT201" in out


def test_placeholders_cli_bad_rules_file(run, nocfg, tmp_path) -> None:
    bad = tmp_path / "rules.toml"
    shipped = (ROOT / "models" / "placeholders" / "rules.toml").read_text(encoding="utf-8")
    bad.write_text(
        shipped.replace('name = "mou-run"\nhandler = "context"', 'name = "mou-run"\nhandler = "nope"')
    )
    line = bad.read_text(encoding="utf-8").splitlines().index('name = "mou-run"') + 1
    rc, out, err = run("placeholders", "--rules", str(bad), str(SEED))
    assert rc == 2 and out == "" and "mou-run: handler must be one of" in err
    assert err.startswith(f"govtext: {bad}:{line}:")


def test_placeholders_cli_help_documents_exit_codes(run) -> None:
    rc, out, _ = run("placeholders", "--help")
    assert rc == 0 and "--fail-on" in out and "Exit codes" in out and str(ROOT) not in out


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("templates/**", "templates/a/b.txt", True),
        ("templates/**", "templates", True),
        ("*.md", "deep/dir/x.md", True),
        ("drafts/*.txt", "drafts/sub/x.txt", False),
        ("**/*.md", "x.md", True),
        ("**/*.md", "a/b/x.md", True),
        ("a?.txt", "ab.txt", True),
        ("a?.txt", "a/.txt", False),
    ],
)
def test_placeholders_glob_match(pattern, path, expected) -> None:
    from govtext.lint_config import glob_match

    assert glob_match(pattern, path) is expected


# --- linter conventions (ruff's names), integrations' formats, directives ---------------------------------


def test_placeholders_cli_output_format_is_canonical_format_an_alias_env_a_default(run, nocfg, monkeypatch) -> None:
    _, canonical, _ = run("placeholders", "--output-format", "json", str(SEED))
    _, alias, _ = run("placeholders", "--format", "json", str(SEED))
    assert canonical == alias and len(json.loads(canonical)) == 50
    monkeypatch.setenv("GOVTEXT_OUTPUT_FORMAT", "jsonl")
    _, out, _ = run("placeholders", str(SEED))
    assert len(out.splitlines()) == 50 and json.loads(out.splitlines()[0])["code"] == "GT206"
    _, out, _ = run("placeholders", "--output-format", "csv", str(SEED))  # the option wins
    assert out.startswith("path,code,slug,")
    monkeypatch.setenv("GOVTEXT_OUTPUT_FORMAT", "xml")
    rc, out, err = run("placeholders", str(SEED))
    assert rc == 2 and out == "" and "'xml' is not one of" in err
    rc, out, _ = run("placeholders", "--help")
    assert "--output-format" in out and "GOVTEXT_OUTPUT_FORMAT" in out


def test_placeholders_cli_quiet_and_output_file(run, nocfg, tmp_path) -> None:
    rc, out, err = run("placeholders", "-q", str(SEED))
    assert rc == 1 and len(out.splitlines()) == 50 and err == ""
    rc, out, err = run("placeholders", str(SEED))
    target = tmp_path / "report.txt"
    rc2, out2, err2 = run("placeholders", "-o", str(target), str(SEED))
    assert (rc2, out2) == (1, "") and target.read_text(encoding="utf-8") == out and err2 == err
    rc, out, _ = run("placeholders", "--output-file", str(target), "--output-format", "github", str(GWR))
    assert (rc, out) == (0, "") and target.read_text(encoding="utf-8") == ""  # written even when clean
    rc, out, err = run("placeholders", "-o", str(tmp_path / "no" / "such" / "dir.txt"), str(SEED))
    assert (rc, out) == (2, "") and err.startswith("govtext: --output-file") and len(err.splitlines()) == 1
    assert "its directory does not exist" in err


def test_placeholders_cli_stdin_filename_names_findings_and_picks_config(run, nocfg) -> None:
    (nocfg / "govtext.toml").write_text('[per-file-ignores]\n"drafts/*.md" = ["GT201"]\n', encoding="utf-8")
    text = "今年共培养发展了X名预备党员，党费X元\n"
    rc, out, _ = run("placeholders", "--stdin-filename", "reports/2019.md", "-", stdin=text)
    assert rc == 1
    assert out.splitlines()[0] == (
        "reports/2019.md:1:9: GT201 (unfilled-count) 今年共培养发展了[X]名预备党员 — number of people missing"
    )
    _, out, _ = run("placeholders", "--stdin-filename", "drafts/2019.md", "-", stdin=text)
    assert [ln.split(": ")[1].split()[0] for ln in out.splitlines()] == ["GT202"]  # per-file-ignores by name
    rc, out, _ = run(
        "placeholders", "--stdin-filename", "t.md", "-", stdin="<!-- govtext: template -->\n共有X名党员\n"
    )
    assert (rc, out) == (0, "")
    rc, _, err = run("placeholders", "--stdin-filename", "empty.txt", "-", stdin="")
    assert rc == 2 and "govtext: empty.txt: input is empty" in err


def test_placeholders_cli_gitlab_code_quality(run, nocfg, tmp_path) -> None:
    rc, out, _ = run("placeholders", "--output-format", "gitlab", str(SEED), "missing.txt")
    assert rc == 2  # the unreadable file is an issue too, and exit 2
    issues = json.loads(out)
    assert len(issues) == 51
    first = issues[0]
    assert set(first) == {"type", "check_name", "description", "categories", "severity", "fingerprint", "location"}
    assert first["check_name"] == "GT206" and first["severity"] == "major"
    assert first["location"] == {
        "path": str(SEED),
        "positions": {"begin": {"line": 4, "column": 6}, "end": {"line": 4, "column": 7}},
    }
    assert {i["severity"] for i in issues} == {"major", "minor", "critical"}
    assert len({i["fingerprint"] for i in issues}) == 51
    assert issues[-1]["location"] == {"path": "missing.txt", "lines": {"begin": 1}}
    # fingerprints do not move with the line: a line added above keeps every issue's fingerprint
    doc = tmp_path / "a.txt"
    doc.write_text("共有X名党员\n共有X名党员\n", encoding="utf-8")
    before = [i["fingerprint"] for i in json.loads(run("placeholders", "--output-format", "gitlab", str(doc))[1])]
    doc.write_text("前言\n共有X名党员\n共有X名党员\n", encoding="utf-8")
    after = [i["fingerprint"] for i in json.loads(run("placeholders", "--output-format", "gitlab", str(doc))[1])]
    assert before == after and len(set(before)) == 2


def test_placeholders_cli_junit_xml(run, nocfg, tmp_path) -> None:
    import xml.etree.ElementTree as ET

    clean = tmp_path / "clean.txt"
    clean.write_text("全年完成既定任务。\n", encoding="utf-8")
    template = tmp_path / "template.md"
    template.write_text("<!-- govtext: template -->\n共有X名党员\n", encoding="utf-8")
    rc, out, _ = run("placeholders", "--output-format", "junit", str(SEED), str(clean), str(template), "gone.md")
    assert rc == 2
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "53", "failures": "50", "errors": "1", "skipped": "1"
    }
    suites = {s.get("name"): s for s in root}
    assert list(suites) == [str(SEED), str(clean), str(template), "gone.md"]
    case = suites[str(SEED)].find("testcase[@line='15']")
    assert case.get("name") == "GT201 (unfilled-count) at line 15, column 39"
    assert case.find("failure").get("message") == "今年共培养发展了[X]名预备党员 — number of people missing"
    assert [c.find("failure") for c in suites[str(clean)]] == [None]
    assert suites[str(template)].find("testcase/skipped").get("message") == "govtext: template"
    assert suites["gone.md"].find("testcase/error").get("message") == "no such file"


def test_placeholders_cli_directive_in_prose_silences_nothing(run, nocfg) -> None:
    prose = "市X局工作总结\n说明：请勿写 govtext: template 这样的注释。\n"
    rc, out, err = run("placeholders", "-", stdin=prose)
    assert rc == 1
    assert out == "-:1:2: GT206 (unfilled-organisation) 市[X]局工作总结 — name of the organisation or place missing\n"
    assert "skipped" not in err
    # the same words as a directive: alone on a line, in a comment, or heading the file with a note
    for marked in (
        "govtext: template\n市X局工作总结\n",
        "市X局工作总结\n<!-- govtext: template -->\n",
        "govtext: template — 模板，占位符保留\n市X局工作总结\n",
        "市X局工作总结 govtext: template\n共有X名党员\n",
    ):
        rc, out, err = run("placeholders", "-", stdin=marked)
        assert (rc, out) == (0, ""), marked
        assert "govtext: -: skipped as a template" in err and "1 file, 1 skipped as a template" in err


def test_placeholders_cli_template_skips_are_reported(run, nocfg, tmp_path) -> None:
    (tmp_path / "template.md").write_text("<!-- govtext: template -->\n共有X名党员\n", encoding="utf-8")
    (tmp_path / "report.md").write_text("共有X名党员\n", encoding="utf-8")
    rc, out, err = run("placeholders", ".")
    assert rc == 1 and out.startswith("report.md:1:3: GT201")
    assert "govtext: template.md: skipped as a template (govtext: template)" in err
    assert "Found 1 placeholder (1 error) in 2 files, 1 skipped as a template." in err
    _, out, _ = run("placeholders", "--statistics", ".")
    assert out.splitlines()[-2:] == [
        "     1  total in 1 of 2 files (1 error, 0 warning, 0 info)",
        "     1  skipped as template: template.md",
    ]
    _, out, _ = run("placeholders", "--statistics", "--output-format", "json", ".")
    assert json.loads(out)["skipped_as_template"] == ["template.md"]
    _, _, err = run("placeholders", "-q", ".")
    assert err == ""


def test_placeholders_cli_docs_page_about_directives_is_linted_not_skipped(run, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    rc, out, err = run("placeholders", "--no-config", "--output-format", "json", "docs/")
    paths = {f["path"] for f in json.loads(out)}
    assert "docs/placeholders.md" in paths  # it mentions `govtext: template` in prose and code only
    assert "skipped" not in err
