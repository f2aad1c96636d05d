"""``govtext corpus analyze|compare|trends``: stores, reuse, JSON contract, chart font, exit codes."""

from __future__ import annotations

import json
import warnings

import duckdb
import pytest

from conftest import DATA, GWR, SEED
from govtext import corpus as C
from govtext.cli import main
from govtext.cli.corpus import _show_progress

MINI = DATA / "corpus_mini"


@pytest.fixture(scope="module")
def mini_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("db") / "mini.duckdb"
    with pytest.raises(SystemExit) as exc:
        main(["corpus", "analyze", str(MINI / "manifest.csv"), "--allow-outside", "--db", str(path), "--jobs", "1",
              "--segmenter", "rjieba", "--batch-size", "2"])
    assert exc.value.code == 0
    return path


def test_corpus_cli_analyze_writes_duckdb_tables(mini_db):
    con = duckdb.connect(str(mini_db), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert tables >= {"documents", "sections", "placeholders", "themes", "parts"}
        errors = dict(con.execute("SELECT doc_id, error FROM documents WHERE error IS NOT NULL").fetchall())
        assert errors == {"docs/missing.txt": "no such file", "docs/empty.txt": "file is empty"}
        cols = [r[0] for r in con.execute("DESCRIBE documents").fetchall()]
        assert cols[0] == "doc_id" and "region" in cols
        n = con.execute("SELECT count(*) FROM themes WHERE theme = 'theme_education' AND count > 0").fetchone()[0]
        assert n == 2  # the 2020 summary and the seed
    finally:
        con.close()


def test_corpus_cli_rerun_reuses_and_reports_errors(run, tmp_path):
    db = tmp_path / "c.duckdb"
    code, out, err = run("corpus", "analyze", MINI / "manifest.csv", "--allow-outside", "--db", db, "-j", "1", "--segmenter", "rjieba")
    assert code == 0 and "5 documents: 5 analysed, 0 reused, 2 unreadable" in out
    assert "docs/missing.txt: no such file (recorded, skipped)" in err
    code, out, _ = run("corpus", "analyze", MINI / "manifest.csv", "--allow-outside", "--db", db, "-j", "1", "--segmenter", "rjieba",
                       "--format", "json", "--batch-size", "2")
    info = json.loads(out)
    assert code == 0 and info["reused"] == 3 and info["analyzed"] == 2 and info["rows"]["documents"] == 5
    assert info["batch_size"] == 2 and info["batches"] == 3
    assert {e["doc_id"] for e in info["first_errors"]} == {"docs/missing.txt", "docs/empty.txt"}
    code, out, _ = run("corpus", "analyze", MINI / "manifest.csv", "--allow-outside", "--db", db, "-j", "1", "--segmenter", "rjieba",
                       "--fresh", "--format", "json")
    assert json.loads(out)["reused"] == 0


def test_corpus_cli_default_db_and_parquet(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("corpus", "analyze", SEED, "--segmenter", "rjieba", "-j", "1")
    assert code == 0 and (tmp_path / "corpus.duckdb").is_file() and "wrote corpus.duckdb" in out
    code, _, _ = run("corpus", "analyze", SEED, "--parquet", tmp_path / "pq", "--segmenter", "rjieba", "-j", "1")
    assert code == 0
    assert {p.name for p in (tmp_path / "pq").glob("*.parquet")} == {f"{n}.parquet" for n in C.TABLES}
    back = C.read_parquet(tmp_path / "pq")
    assert back.documents["title"].tolist() == ["2019年党建工作总结"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["analyze", "nope-dir"], "nope-dir: no such file or directory"),
        (["analyze", SEED, "--db", "x.duckdb", "--parquet", "pq"], "either --db or --parquet"),
        (["analyze", SEED, "--scheduler", "tcp://127.0.0.1:8786"], "--scheduler needs --engine dask"),
        (["compare", "year=2021", "year=2022"], "year=2021: no such file"),
        (["trends", "--out", "o"], "name the stored corpus with --db"),
        (["trends", "--db", "missing.duckdb", "--out", "o"], "no such database"),
    ],
)
def test_corpus_cli_bad_input_exits_2_with_one_line(run, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = run("corpus", *args)
    assert code == 2 and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_corpus_cli_empty_folder_and_all_unreadable(run, tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = run("corpus", "analyze", tmp_path / "empty", "--db", tmp_path / "a.duckdb")
    assert code == 2 and "no .txt, .md or .docx documents found" in err
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "a.txt").write_bytes(b"")
    code, _, err = run("corpus", "analyze", tmp_path / "bad", "--db", tmp_path / "b.duckdb", "-j", "1")
    assert code == 2 and "no document could be analysed" in err and "file is empty" in err


def test_corpus_cli_refuses_a_foreign_file_as_db(run, tmp_path):
    notes = tmp_path / "notes.duckdb"
    notes.write_text("my notes", encoding="utf-8")
    code, _, err = run("corpus", "analyze", SEED, "--db", notes, "-j", "1")
    assert code == 2 and "not a DuckDB database" in err
    assert notes.read_text(encoding="utf-8") == "my notes"
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE prices (item VARCHAR, price DOUBLE)")
    con.close()
    for extra in ([], ["--fresh"]):
        code, _, err = run("corpus", "analyze", SEED, "--db", other, "-j", "1", *extra)
        assert code == 2 and "other.duckdb" in err and "documents" in err
    con = duckdb.connect(str(other), read_only=True)
    assert [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()] == ["prices"]
    con.close()


def test_corpus_cli_compare_files_json_contract(run):
    a, b = MINI / "docs" / "2020_summary.txt", MINI / "docs" / "2021" / "2021_summary.md"
    code, out, _ = run("corpus", "compare", a, b, "--format", "json")
    r = json.loads(out)
    assert code == 0
    assert set(r) >= {"sections_added", "sections_removed", "sections_renamed", "themes_gained", "themes_lost",
                      "distinctive_terms"}
    assert set(r["distinctive_terms"]) == {"a", "b"}
    assert all(set(x) >= {"from", "to", "similarity"} for x in r["sections_renamed"])
    assert "经验体会" in {s["title"] for s in r["sections_added"]}
    code, out, _ = run("corpus", "compare", a, a, "--format", "json")
    r = json.loads(out)
    assert [r[k] for k in ("sections_added", "sections_removed", "sections_renamed", "themes_gained",
                           "themes_lost")] == [[]] * 5
    assert r["distinctive_terms"] == {"a": [], "b": []}
    code, out, _ = run("corpus", "compare", a, b)
    assert code == 0 and "sections added (in B only)" in out and "党史学习教育" in out


def test_corpus_cli_compare_groups_from_db(run, mini_db):
    code, out, _ = run("corpus", "compare", "year=2020", "year=2021", "--db", mini_db, "--format", "json")
    r = json.loads(out)
    assert code == 0 and r["a"]["doc_ids"] == ["docs/2020_summary.txt"]
    assert "rural_revitalization" in {t["theme"] for t in r["themes_gained"]}
    code, out, _ = run("corpus", "compare", "year=2019..2020", "region=west", "--db", mini_db, "--format", "json")
    assert code == 0 and json.loads(out)["b"]["documents"] == 2
    code, _, err = run("corpus", "compare", "year=2020", "colour=red", "--db", mini_db)
    assert code == 2 and "unknown column 'colour'" in err
    unreadable = MINI / "docs" / "empty.txt"
    code, _, err = run("corpus", "compare", unreadable, SEED)
    assert code == 2 and "file is empty" in err


def test_corpus_cli_trends_writes_csv_and_png(run, mini_db, tmp_path):
    out_dir = tmp_path / "out"
    code, out, _ = run("corpus", "trends", "--db", mini_db, "--out", out_dir, "--format", "json")
    r = json.loads(out)
    assert code == 0 and r["years"] == [2019, 2020, 2021]
    assert (out_dir / "trends.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    header = (out_dir / "trends.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == ["series", *C.TREND_COLUMNS]  # one series per issuer (few issuers)
    code, out, _ = run("corpus", "trends", "--db", mini_db, "--out", out_dir, "--where", "region=west")
    assert code == 0 and "per 10,000 characters" in out and "乡村振兴" in out
    code, out, _ = run("corpus", "trends", "--db", mini_db, "--out", out_dir, "--theme", "party_history_education",
                       "--by", "none")
    assert code == 0 and out.splitlines()[2].split() == ["label", "documents", "党史学习教育"]
    code, _, err = run("corpus", "trends", "--db", mini_db, "--out", out_dir, "--theme", "no_such_theme")
    assert code == 2 and "unknown theme 'no_such_theme'" in err


def test_corpus_cli_trends_without_cjk_font_says_so(run, mini_db, tmp_path, monkeypatch):
    monkeypatch.setenv("GOVTEXT_CJK_FONT", str(tmp_path / "no-such-font.otf"))
    code, _, err = run("corpus", "trends", "--db", mini_db, "--out", tmp_path / "o")
    assert code == 2 and "no CJK font was found" in err and "make system-deps" in err
    assert "trends.csv" in err and len(err.strip().splitlines()) == 1
    assert (tmp_path / "o" / "trends.csv").is_file()  # the table is still written
    assert not (tmp_path / "o" / "trends.png").exists()


def test_corpus_chart_font_is_found_and_used(mini_db, tmp_path):
    """The chart's Chinese text is set in the CJK font, which has a glyph for every character."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    font = C.find_cjk_font()
    assert font is not None, "no CJK font: run `make system-deps` (fonts-noto-cjk)"
    assert "cjk" in font.name.lower() or "han" in font.name.lower()
    table = C.theme_trends(C.read_duckdb(mini_db))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" for boxes
        fig = C.plot_trends(table, tmp_path / "t.png", font=font)
    ft = FT2Font(str(font))
    texts = [t for t in fig.findobj(lambda o: hasattr(o, "get_text") and hasattr(o, "get_fontproperties"))
             if any("\u4e00" <= ch <= "\u9fff" for ch in o_text(t))]
    assert len(texts) >= 4  # title, two axis labels, legend entries
    for t in texts:
        resolved = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
        assert resolved == str(font), (o_text(t), resolved)
        missing = [ch for ch in o_text(t) if not ch.isspace() and ft.get_char_index(ord(ch)) == 0]
        assert not missing, (o_text(t), missing)


def o_text(artist) -> str:
    return artist.get_text()


def test_corpus_progress_bar_only_on_a_terminal_outside_ci(monkeypatch):
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("CI", raising=False)
    assert _show_progress(None) is True
    monkeypatch.setenv("CI", "true")
    assert _show_progress(None) is False
    assert _show_progress(True) is True
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    monkeypatch.delenv("CI", raising=False)
    assert _show_progress(None) is False


def test_corpus_progress_callback_counts_documents():
    seen = []
    C.analyze_corpus({"a": "2020年工作总结", "b": "2021年工作总结"}, options=C.AnalysisOptions("rjieba"),
                     on_progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 2), (1, 2), (2, 2)]


def test_corpus_cli_help_lists_commands(run):
    code, out, _ = run("corpus", "--help")
    assert code == 0 and all(c in out for c in ("analyze", "compare", "trends"))
    assert GWR.is_dir()


def test_corpus_docs_describe_every_table_column_and_option():
    from conftest import ROOT
    from govtext.cli.corpus import corpus as group

    doc = (ROOT / "docs" / "corpus.md").read_text(encoding="utf-8")
    for name, schema in C.SCHEMAS.items():
        row = next((ln for ln in doc.splitlines() if ln.startswith(f"| `{name}` |")), None)
        assert row is not None, f"table {name} not documented"
        assert all(col in row for col in schema), (name, [c for c in schema if c not in row])
    for cmd_name, cmd in group.commands.items():
        assert f"govtext corpus {cmd_name}" in doc
        for param in cmd.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help":
                    assert opt in doc, f"{cmd_name} {opt} not documented"
    for col in C.TREND_COLUMNS:
        assert col in doc


def test_corpus_cli_extra_lexicon_counts_and_invalidates(run, tmp_path):
    lexicon = tmp_path / "water.toml"
    lexicon.write_text((DATA / "corpus_lexicon.toml").read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "c.duckdb"
    docs = MINI / "docs"
    args = ("corpus", "analyze", docs, "--db", db, "-j", "1", "--segmenter", "rjieba", "--format", "json")
    assert json.loads(run(*args)[1])["analyzed"] == 3
    code, out, _ = run(*args, "--lexicon", lexicon)
    assert code == 0 and json.loads(out)["reused"] == 0  # another lexicon: stored results are stale
    themes = C.read_duckdb(db).themes
    water = themes[themes["theme"] == "water_supply"].set_index("doc_id")["count"].to_dict()
    from govtext import read_document
    from govtext.themes import load_lexicon, tag_themes

    lex = load_lexicon(lexicon)
    expected = {}
    for rel in ("2020_summary.txt", "2021/2021_summary.md"):
        counts = {t.theme: t.count for t in tag_themes(read_document(docs / rel), lexicon=lex).document}
        expected[rel] = counts["water_supply"]
    assert water == expected and expected["2020_summary.txt"] == 2  # 饮水安全 twice
    assert json.loads(run(*args, "--lexicon", lexicon)[1])["reused"] == 2
    lexicon.write_text(lexicon.read_text(encoding="utf-8").replace('"供水工程"', '"供水工程", "供水保障"'),
                       encoding="utf-8")
    assert json.loads(run(*args, "--lexicon", lexicon)[1])["reused"] == 0  # the file changed
    code, out, _ = run(*args, "--lexicon", lexicon, "--only-lexicon")
    assert code == 0
    assert set(C.read_duckdb(db).themes["theme"]) == {"water_supply"}
    bad = tmp_path / "bad.toml"
    bad.write_text('[[theme]]\nid = "x"\nlabel = 3\n', encoding="utf-8")
    code, _, err = run(*args, "--lexicon", bad)
    assert code == 2 and "bad.toml" in err and "Traceback" not in err
