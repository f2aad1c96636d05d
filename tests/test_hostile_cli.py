"""Hostile or careless use of the command line (issue #17): outputs never overwrite an input, every
error is one line with exit 2, deep TOML, odd files where a file is expected, manifests, DuckDB, and
interrupted corpus runs. Every fixture is generated here, small."""

from __future__ import annotations

import os
import sys

import pytest

from conftest import SEED
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


def test_check_empty_directory_exits_2_in_one_line(run, tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("GOVTEXT_LANG", "en")
    rc, out, err = run("check", "empty")
    assert rc == 2 and out == ""
    assert _one_line(err) == "govtext: empty: no .txt, .md, .docx or .pdf files found"
    monkeypatch.setenv("GOVTEXT_LANG", "zh")
    rc, out, err = run("check", "empty")
    assert rc == 2 and _one_line(err) == "govtext: empty: 没有找到 .txt、.md、.docx 或 .pdf 文件"


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


# --- 3. manifests ------------------------------------------------------------------------------------------


def _manifest(tmp_path, text: str):
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "a.txt").write_text(SEED_TEXT, encoding="utf-8")
    m = tmp_path / "m.csv"
    m.write_text(text, encoding="utf-8")
    return m


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ('path,year\ndocs/a.txt,2019\n"docs/b.txt,2020\n/etc/passwd,2021\n', 3, "unterminated quote"),
        ('path,year\ndocs/a.txt,2019\n\n"docs/\nb.txt",2020\n', 4, "holds a line break"),
        ("path,year\ndocs/a.txt,2019\n,2020\n", 3, "row has no 'path' value"),
        ("year,path\n2019,docs/a.txt\n2020\n", 3, "row has no 'path' value"),
        ("year,kind\n2019,x\n", 1, "manifest has no 'path' column"),
        ("path\ndocs/a.txt\n../elsewhere.txt\n", 3, "leaves the manifest's folder"),
        ("path\ndocs/../../elsewhere.txt\n", 2, "leaves the manifest's folder"),
        ("path\n/etc/passwd\n", 2, "leaves the manifest's folder"),
    ],
)
def test_malformed_manifest_names_file_and_row_not_the_path(tmp_path, text, line, problem):
    from govtext.corpus import load_corpus

    m = _manifest(tmp_path, text)
    with pytest.raises(DataFileError) as err:
        load_corpus(m)
    assert (err.value.path, err.value.line) == (str(m), line)
    assert problem in err.value.problem
    assert "\n" not in str(err.value) and "passwd" not in str(err.value) and "elsewhere" not in str(err.value)


def test_manifest_outside_paths_need_allow_outside(tmp_path, run):
    from govtext.corpus import load_corpus

    (tmp_path / "outside.txt").write_text(SEED_TEXT, encoding="utf-8")
    sub = tmp_path / "corpus"
    sub.mkdir()
    m = _manifest(sub, "path\ndocs/a.txt\n../outside.txt\n")
    assert [s.doc_id for s in load_corpus(m, allow_outside=True)] == ["../outside.txt", "docs/a.txt"]
    assert [s.doc_id for s in load_corpus(sub / "docs")] == ["a.txt"]
    rc, out, err = run("corpus", "analyze", str(m), "--db", "c.duckdb", "-j", "1", "--no-progress")
    assert rc == 2 and out == ""
    assert _one_line(err).endswith(f"{m}:3: the 'path' value leaves the manifest's folder (absolute or through ..); "
                                   "give --allow-outside to read it")
    assert not (tmp_path / "c.duckdb").exists()  # nothing left behind by the refused run


def test_unreadable_manifest_is_a_data_file_error(tmp_path, run, monkeypatch):
    from pathlib import Path

    m = _manifest(tmp_path, "path\ndocs/a.txt\n")
    real_open = open

    def locked(file, *args, **kwargs):
        if Path(file) == m:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", locked)
    rc, out, err = run("corpus", "analyze", str(m), "--db", "c.duckdb", "-j", "1", "--no-progress")
    assert rc == 2 and out == ""
    assert _one_line(err) == f"govtext: {m}: cannot read manifest: Permission denied"
    monkeypatch.undo()
    os.mkfifo(tmp_path / "fifo.csv")
    rc, _, err = run("corpus", "analyze", str(tmp_path / "fifo.csv"), "--db", "c.duckdb", "-j", "1")
    assert rc == 2 and "is not a regular file" in _one_line(err)
    assert not (tmp_path / "c.duckdb").exists()


@pytest.mark.parametrize("kind", ["symlink", "hardlink"])
def test_db_that_is_an_input_document_or_manifest_is_refused(tmp_path, run, kind):
    m = _manifest(tmp_path, "path\ndocs/a.txt\n")
    make = os.symlink if kind == "symlink" else os.link
    make(m, tmp_path / "m.duckdb")
    make(tmp_path / "docs" / "a.txt", tmp_path / "a.duckdb")
    for db, via in (("m.duckdb", str(m)), ("a.duckdb", str(tmp_path / "docs" / "a.txt"))):
        rc, out, err = run("corpus", "analyze", str(m), "--db", db, "-j", "1", "--no-progress")
        assert rc == 2 and out == ""
        assert _one_line(err) == (f"govtext: --db {db} is one of the inputs (a link to {via}); "
                                  "govtext never overwrites its input")
    assert m.read_text(encoding="utf-8") == "path\ndocs/a.txt\n"
    assert (tmp_path / "docs" / "a.txt").read_text(encoding="utf-8") == SEED_TEXT


# --- 4. DuckDB ---------------------------------------------------------------------------------------------


def test_sqlite_file_as_db_is_refused_before_duckdb_opens_it(tmp_path, run, monkeypatch):
    import sqlite3

    import duckdb

    db = tmp_path / "notes.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    before = db.read_bytes()
    opened = []
    monkeypatch.setattr(duckdb, "connect", lambda *a, **k: opened.append(a) or pytest.fail("DuckDB opened it"))
    for args in (("analyze", str(SEED), "--db", str(db), "-j", "1"), ("trends", "--db", str(db), "--out", "o")):
        rc, out, err = run("corpus", *args)
        assert rc == 2 and out == ""
        assert _one_line(err) == f"govtext: {db}: not a DuckDB database (a SQLite database); not opening it"
    assert opened == [] and db.read_bytes() == before


def test_duckdb_connections_never_autoload_extensions(tmp_path):
    from govtext.corpus.store import DUCKDB_CONFIG, _connect

    assert DUCKDB_CONFIG == {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    con = _connect(tmp_path / "x.duckdb", read_only=False)
    try:
        settings = dict(con.execute("SELECT name, value FROM duckdb_settings() WHERE name IN "
                                    "('autoinstall_known_extensions', 'autoload_known_extensions')").fetchall())
    finally:
        con.close()
    assert settings == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}


# --- 5. interrupts -----------------------------------------------------------------------------------------

DRIVER = '''
import sys, time
from pathlib import Path

import govtext.corpus.store as store
from govtext.cli import main

def hold(write, flag, at):
    calls = []
    def held(self, batch):
        write(self, batch)
        calls.append(1)
        if len(calls) == at:  # this batch is written: signal the test, then wait for its signal
            Path(flag).write_text("ready")
            time.sleep(60)
    return held

if __name__ == "__main__":  # the forkserver imports __main__: only the parent patches and runs
    flag, at, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    cls = store.DuckDBStore if kind == "db" else store.ParquetStore
    cls.write = hold(cls.write, flag, at)
    main(sys.argv[4:])
'''


def _held_run(tmp_path, signum: int, *, at: int, kind: str, jobs: int, docs: int):
    """Run ``corpus analyze`` (batches of one document) in its own process group, stop it with
    ``signum`` to the whole group once batch ``at`` is written; (exit status, stderr)."""
    import signal
    import subprocess
    import time

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(docs):
        (corpus / f"d{i}.txt").write_text(SEED_TEXT[:2000] + f"\n第{i}篇\n", encoding="utf-8")
    (tmp_path / "driver.py").write_text(DRIVER, encoding="utf-8")
    flag = tmp_path / "flag"
    store = "x.duckdb" if kind == "db" else "pq"
    proc = subprocess.Popen(
        [sys.executable, "driver.py", str(flag), str(at), kind, "corpus", "analyze", str(corpus),
         f"--{'db' if kind == 'db' else 'parquet'}", store, "-j", str(jobs), "--batch-size", "1",
         "--no-progress"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "GOVTEXT_LANG": "en"},
    )
    deadline = time.monotonic() + 240
    while not flag.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never reached the batch"
        time.sleep(0.1)
    time.sleep(0.5)  # the workers are idle now: all documents were handed on
    os.killpg(proc.pid, signum)
    if signum == signal.SIGINT:
        _, err = proc.communicate(timeout=120)
    else:
        proc.wait(timeout=60)
        err = ""
    return proc.returncode, err


def test_ctrl_c_near_the_end_of_a_parallel_run_is_one_line(tmp_path):
    import signal

    rc, err = _held_run(tmp_path, signal.SIGINT, at=3, kind="db", jobs=2, docs=3)
    assert (rc, err) == (2, "govtext: aborted\n")  # no worker tracebacks, not killed by the signal
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "driver.py", "flag"]  # no x.duckdb


@pytest.mark.parametrize("kind", ["db", "parquet"])
def test_a_new_store_killed_mid_run_is_named_unfinished(tmp_path, run, kind):
    import signal

    rc, _ = _held_run(tmp_path, signal.SIGKILL, at=1, kind=kind, jobs=1, docs=2)
    assert rc == -signal.SIGKILL
    option = ["--db", "x.duckdb"] if kind == "db" else ["--parquet", "pq"]
    rc, out, err = run("corpus", "trends", *option, "--out", "o")
    assert rc == 2 and out == ""
    assert "unfinished run" in _one_line(err) if kind == "db" else "stopped before it finished" in _one_line(err)
    rc, out, err = run("corpus", "analyze", "corpus", *option, "-j", "1", "--no-progress", "--format", "json")
    assert rc == 0, err
    from govtext.corpus import read_duckdb, read_parquet

    stored = read_duckdb(tmp_path / "x.duckdb") if kind == "db" else read_parquet(tmp_path / "pq")
    assert sorted(stored.documents["doc_id"]) == ["d0.txt", "d1.txt"]


def test_compare_with_an_empty_folder_or_manifest_is_a_real_message(tmp_path, run, doc):
    (tmp_path / "empty").mkdir()
    (tmp_path / "e.csv").write_text("path,year\n", encoding="utf-8")
    for side, message in (("empty", "govtext: empty: no .txt, .md or .docx documents found"),
                          ("e.csv", "govtext: e.csv:1: manifest names no documents")):
        rc, out, err = run("corpus", "compare", side, str(doc))
        assert rc == 2 and out == ""
        assert _one_line(err) == message


def test_a_run_where_nothing_could_be_read_leaves_no_store_and_keeps_the_old_one(tmp_path, run, doc):
    from govtext.corpus import read_duckdb

    (tmp_path / "bad").mkdir()
    os.mkfifo(tmp_path / "bad" / "p.txt")
    (tmp_path / "bad" / "gone.txt").symlink_to("nowhere.txt")
    (tmp_path / "bad" / "m.csv").write_text("path\np.txt\ngone.txt\n", encoding="utf-8")
    rc, out, err = run("corpus", "analyze", "bad/m.csv", "--db", "new.duckdb", "-j", "1", "--no-progress")
    assert rc == 2 and out == ""
    assert _one_line(err) == ("govtext: no document could be analysed "
                              "(first error: bad/gone.txt: is a broken symbolic link, not a document)")
    assert not (tmp_path / "new.duckdb").exists()
    rc, _, err = run("corpus", "analyze", str(doc), "--db", "old.duckdb", "-j", "1", "--no-progress")
    assert rc == 0, err
    rc, _, err = run("corpus", "analyze", "bad/m.csv", "--db", "old.duckdb", "-j", "1", "--no-progress")
    assert rc == 2 and _one_line(err).startswith("govtext: no document could be analysed")
    assert list(read_duckdb(tmp_path / "old.duckdb").documents["doc_id"]) == [str(doc)]  # kept as it was


def test_unreadable_or_foreign_parquet_store_is_one_line(tmp_path, run, monkeypatch):
    (tmp_path / "pq").mkdir()
    (tmp_path / "pq" / "documents.parquet").write_text("junk", encoding="utf-8")
    rc, out, err = run("corpus", "trends", "--parquet", "pq", "--out", "o")
    assert rc == 2 and out == ""
    assert _one_line(err).startswith("govtext: pq: cannot read its Parquet tables: ")
    import pyarrow.parquet as pq

    def locked(*_a, **_k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pq, "read_schema", locked)
    rc, out, err = run("corpus", "trends", "--parquet", "pq", "--out", "o")
    assert rc == 2 and _one_line(err) == "govtext: pq: cannot read its Parquet tables: Permission denied"


def test_data_file_over_the_limit_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    import govtext.resources as res

    monkeypatch.setattr(res, "MAX_DATA_BYTES", 1024)
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"big\.toml: larger than the limit of 1\.0 KB for a data file") as err:
        res.read_data_text(big)
    assert err.value.line is None
    small = tmp_path / "small.toml"
    small.write_text("a = 1\n", encoding="utf-8")
    assert res.read_data_text(small) == "a = 1\n"


def test_write_output_to_a_fifo_writes_into_it_and_keeps_it(tmp_path):
    import stat
    import threading

    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_output(fifo, "审查结果\n")
    reader.join(timeout=10)
    assert got == ["审查结果\n".encode()]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.fifo"]
