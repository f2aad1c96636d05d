"""Hostile or careless use of the command line (issue #17): outputs never overwrite an input, every
error is one line with exit 2, deep TOML, odd files where a file is expected, manifests, DuckDB, and
interrupted corpus runs. Every fixture is generated here, small."""

from __future__ import annotations

import io
import os
import sys

import pytest

from conftest import SEED
from govtext.cli import main
from govtext.errors import DataFileError, OutputError, UsageError
from govtext.outputs import guard_output, same_file, write_output

SEED_TEXT = SEED.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    """No developer format or config: run from an empty folder."""
    monkeypatch.delenv("GOVTEXT_OUTPUT_FORMAT", raising=False)
    monkeypatch.setenv("GOVTEXT_LANG", "en")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def run(capsys, monkeypatch):
    """Run ``govtext ARGS`` in-process: (exit code, stdout, stderr)."""

    def _run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8"))
        with pytest.raises(SystemExit) as exc:
            main(list(args))
        out, err = capsys.readouterr()
        return exc.value.code, out, err

    return _run


@pytest.fixture
def doc(tmp_path):
    """A copy of the seed (a work summary with placeholders) in the test's folder."""
    p = tmp_path / "in.txt"
    p.write_text(SEED_TEXT, encoding="utf-8")
    return p


def _one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("govtext: ")
    return lines[0]


# --- 1. no input overwritten ------------------------------------------------------------------------------


@pytest.mark.parametrize("link", ["symlink", "hardlink", "same"])
@pytest.mark.parametrize("command", [("check", "--format", "html", "-o"), ("placeholders", "-o")])
def test_output_that_is_the_input_through_a_link_is_refused(run, doc, tmp_path, link, command):
    target = tmp_path / "out.html"
    if link == "symlink":
        target.symlink_to(doc.name)
    elif link == "hardlink":
        os.link(doc, target)
    else:
        target = doc
    rc, out, err = run(command[0], str(doc), *command[1:], str(target))
    assert rc == 2 and out == ""
    assert "is one of the inputs" in _one_line(err)
    assert doc.read_text(encoding="utf-8") == SEED_TEXT


def test_placeholders_output_linked_to_a_file_found_in_a_folder_is_refused(run, doc, tmp_path):
    os.link(doc, tmp_path / "report.log")  # not a .txt: the walk does not lint it, but it is the same file
    rc, _, err = run("placeholders", str(tmp_path), "-o", str(tmp_path / "report.log"))
    assert rc == 2 and "(a link to" in _one_line(err)
    assert doc.read_text(encoding="utf-8") == SEED_TEXT


def test_check_output_is_written_whole_and_keeps_a_symlink(run, doc, tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    os.chmod(real, 0o640)
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    rc, out, err = run("check", str(doc), "--format", "json", "-o", str(link), "--no-config")
    assert rc in (0, 1) and out == "", err
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("{")
    assert os.stat(real).st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_write_output_interrupted_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def broken(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(KeyboardInterrupt):
        write_output(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_write_output_errors_are_one_line(tmp_path):
    with pytest.raises(OutputError, match="cannot write: No such file or directory"):
        write_output(tmp_path / "missing" / "out.txt", "x")
    (tmp_path / "d").mkdir()
    with pytest.raises(OutputError, match="is a directory"):
        write_output(tmp_path / "d", b"x")
    write_output(tmp_path / "new.txt", "中文", inputs=["-", None, tmp_path / "other.txt"])
    assert (tmp_path / "new.txt").read_text(encoding="utf-8") == "中文"


def test_guard_output_compares_device_and_inode(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    os.link(a, tmp_path / "sub" / "b.txt")
    assert same_file(a, tmp_path / "sub" / "b.txt")
    assert same_file(a, tmp_path / "sub" / ".." / "a.txt")
    assert not same_file(a, tmp_path / "c.txt")
    with pytest.raises(UsageError, match=r"^--db .*b\.txt is one of the inputs \(a link to"):
        guard_output(tmp_path / "sub" / "b.txt", [a], option="--db")
    guard_output(tmp_path / "c.txt", [a, "-"])  # a new file: allowed


def test_check_output_may_not_be_the_outline_or_config(run, doc, tmp_path):
    cfg = tmp_path / "govtext.toml"
    cfg.write_text('select = ["GT2"]\n', encoding="utf-8")
    rc, _, err = run("check", str(doc), "--config", str(cfg), "-o", str(cfg))
    assert rc == 2 and "is one of the inputs" in _one_line(err)
    assert cfg.read_text(encoding="utf-8") == 'select = ["GT2"]\n'


# --- 2. one line, exit 2 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("check", "x.txt", "--format", "bogus"),
         "govtext: --format: 'bogus' is not one of 'text', 'json', 'html'"),
        (("check", "--bogus", "x.txt"), "govtext: no such option '--bogus' (see 'govtext check --help')"),
        (("check",), "govtext: missing argument 'FILES...' (see 'govtext check --help')"),
        (("bogus",), "govtext: no such command 'bogus' (see 'govtext --help')"),
        (("placeholders", "x.txt", "--select"),
         "govtext: option '--select' requires an argument (see 'govtext placeholders --help')"),
        (("corpus", "analyze", "--db"),
         "govtext: option '--db' requires an argument (see 'govtext corpus analyze --help')"),
    ],
)
def test_usage_errors_are_one_line(run, args, expected):
    rc, out, err = run(*args)
    assert rc == 2 and out == ""
    assert _one_line(err).startswith(expected)


def test_help_is_unchanged(run):
    rc, out, _ = run("check", "--help")
    assert rc == 0 and out.startswith("Usage: govtext check [OPTIONS] FILES...")


def test_ctrl_c_inside_a_command_is_one_line(run, doc, monkeypatch):
    import govtext.review

    def interrupted(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(govtext.review, "check_document", interrupted)
    rc, out, err = run("check", str(doc))
    assert rc == 2 and out == "" and err == "govtext: aborted\n"


def test_placeholders_empty_directory_exits_2(run, tmp_path):
    (tmp_path / "empty").mkdir()
    rc, out, err = run("placeholders", "empty")
    assert rc == 2 and out == ""
    assert _one_line(err) == "govtext: empty: no .txt, .md or .docx files found"


def test_placeholders_unreadable_directory_exits_2(run, doc, tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path="."):
        if os.path.basename(os.fspath(path)) == "locked":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    rc, out, err = run("placeholders", "locked")
    assert rc == 2 and out == ""
    assert _one_line(err) == "govtext: locked: cannot read directory: Permission denied"
    rc, out, err = run("placeholders", "locked", str(doc))
    assert rc == 2 and len(out.splitlines()) == 50  # the readable file is still linted
    assert err.splitlines()[0] == "govtext: locked: cannot read directory: Permission denied"


def test_placeholders_input_error_alone_has_no_summary(run):
    rc, out, err = run("placeholders", "nonexist.txt")
    assert rc == 2 and out == ""
    assert _one_line(err).startswith("govtext: nonexist.txt: ")


DEEP = {
    "array": "a = " + "[" * 5000 + "]" * 5000 + "\n",
    "inline-table": "a = " + "{b = " * 5000 + "1" + "}" * 5000 + "\n",
    "dotted-key": ".".join(["k"] * 5000) + " = 1\n",
    "table-header": "[" + ".".join(["t"] * 500) + "]\nx = 1\n",
}


@pytest.mark.parametrize("shape", sorted(DEEP))
def test_deep_toml_is_a_data_file_error_with_its_line(shape):
    from govtext.resources import MAX_TOML_DEPTH, parse_toml

    with pytest.raises(DataFileError) as err:
        parse_toml("# a comment with [[[ brackets\nname = '[[['\n" + DEEP[shape], "deep.toml")
    assert (err.value.path, err.value.line) == ("deep.toml", 3)
    assert err.value.problem == f"nested deeper than {MAX_TOML_DEPTH} levels"


def test_toml_nesting_up_to_the_limit_is_read():
    from govtext.resources import MAX_TOML_DEPTH, parse_toml

    data = parse_toml("a = " + "[" * MAX_TOML_DEPTH + "1" + "]" * MAX_TOML_DEPTH, "ok.toml")
    depth, x = 0, data["a"]
    while isinstance(x, list):
        depth, x = depth + 1, x[0]
    assert (depth, x) == (MAX_TOML_DEPTH, 1)
    with pytest.raises(DataFileError):
        parse_toml("a = " + "[" * (MAX_TOML_DEPTH + 1) + "]" * (MAX_TOML_DEPTH + 1), "deep.toml")


@pytest.mark.parametrize(
    ("option", "name"),
    [("--outline", "outline.toml"), ("--config", "cfg.toml"), ("--rules", "rules.toml"),
     (None, "govtext.toml")],
)
def test_deep_toml_in_every_data_file_is_one_line(run, doc, tmp_path, option, name):
    (tmp_path / name).write_text("id = 'x'\n" + DEEP["array"], encoding="utf-8")
    command = "check" if option == "--outline" else "placeholders"
    args = [command, str(doc)] + ([option, name] if option else [])
    rc, out, err = run(*args)
    assert rc == 2 and out == ""
    assert _one_line(err).endswith(f"{name}:2: nested deeper than 100 levels")


def test_deep_toml_lexicon_is_one_line(tmp_path):
    from govtext.lexicon import load_lexicon

    (tmp_path / "lex.toml").write_text(DEEP["inline-table"], encoding="utf-8")
    with pytest.raises(DataFileError, match=r"lex\.toml:1: nested deeper"):
        load_lexicon(tmp_path / "lex.toml")


def test_config_with_tool_govtext_under_another_name_is_read(run, doc, tmp_path):
    (tmp_path / "x.toml").write_text('[tool.govtext]\nselect = ["count"]\n', encoding="utf-8")
    rc, out, _ = run("placeholders", str(doc), "--config", "x.toml", "-q")
    codes = {line.split(": ")[1].split(" ")[0] for line in out.splitlines()}
    assert rc == 1 and codes == {"GT201"}
    (tmp_path / "y.toml").write_text('fail-on = "error"\n\n[tool.govtext]\nselect = ["count"]\n', encoding="utf-8")
    rc, out, err = run("placeholders", str(doc), "--config", "y.toml")
    assert rc == 2 and out == ""
    assert _one_line(err) == "govtext: y.toml:3: settings both at the top level and in [tool.govtext]; keep one of them"


@pytest.mark.parametrize(
    ("what", "option"),
    [(what, option) for what in ("fifo", "directory") for option in ("--outline", "--config", "--rules")]
    + [("broken-link", "--outline"), ("broken-link", "--config")],  # --rules: the link is resolved first
)
def test_odd_data_file_is_named_as_such(run, doc, tmp_path, what, option):
    path = tmp_path / "data.toml"
    if what == "fifo":
        os.mkfifo(path)
    elif what == "directory":
        path.mkdir()
    else:
        path.symlink_to("nowhere.toml")
    command = "check" if option == "--outline" else "placeholders"
    rc, out, err = run(command, str(doc), option, str(path))
    assert rc == 2 and out == ""
    line = _one_line(err)
    named = {"fifo": "FIFO", "directory": "directory", "broken-link": "broken symbolic link"}[what]
    assert named in line and "no such file" not in line.lower()


def test_sources_name_a_broken_link_and_an_unsearchable_path(tmp_path):
    from govtext.errors import InputError
    from govtext.sources import expand_paths

    (tmp_path / "dead.txt").symlink_to("gone.txt")
    with pytest.raises(InputError, match="broken symbolic link"):
        expand_paths([tmp_path / "dead.txt"])
    (tmp_path / "f.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="a part of the path is a file"):
        expand_paths([tmp_path / "f.txt" / "x.txt"])
