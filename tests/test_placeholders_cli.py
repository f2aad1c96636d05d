"""``govtext placeholders``: the linter interface (paths, formats, exit codes, config, SARIF schema)."""

from __future__ import annotations

import csv
import io
import json
import re
import sys

import pytest

from conftest import DATA, GWR, ROOT, SEED
from govtext.cli import main

SEED_LINE = re.compile(
    r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<code>GT2\d\d) \((?P<slug>[a-z-]+)\) .+ — .+$"
)


@pytest.fixture
def run(capsys, monkeypatch):
    """Run ``govtext ARGS`` in-process: (exit code, stdout, stderr)."""

    def _run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr(
                sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8")
            )
        with pytest.raises(SystemExit) as exc:
            main(list(args))
        out, err = capsys.readouterr()
        return exc.value.code, out, err

    return _run


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
