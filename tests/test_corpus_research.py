"""Issue 14 on small inputs: duplicates (MinHash + LSH) and their derivation across batches, theme
evidence, text reuse between two texts (CLI: text, JSON, HTML), issuer levels, risers and fallers,
the chart's title and legend, compare's readable text. The 93-report acceptance is in test_corpus_gwr."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import GWR, SEED
from govtext import corpus as C
from govtext.corpus.duplicates import DuplicateFinder, find_duplicates, signature
from govtext.corpus.reuse import side_by_side, text_reuse
from govtext.corpus.tables import issuer_level, issuer_levels
from govtext.corpus.trends import choose_themes, theme_slopes

OPTIONS = C.AnalysisOptions(segmenter="rjieba")
SEED_TEXT = SEED.read_text(encoding="utf-8")
# the seed again as a web page copy: paragraphs joined on one line, a page header and footer around it
COPY = "来源：某县人民政府网站  发布时间：2020-01-05\n" + SEED_TEXT.replace("\n", "") + "\n责任编辑：张三  【打印】【关闭】"
OTHER = (GWR / "gwr_2021_national.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("three")
    for name, text in (("a.txt", SEED_TEXT), ("b.txt", COPY), ("c.txt", OTHER)):
        (d / name).write_text(text, encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def three(folder):
    return C.analyze_corpus(folder, options=OPTIONS)


@pytest.fixture(scope="module")
def three_db(three, tmp_path_factory):
    db = tmp_path_factory.mktemp("three") / "three.duckdb"
    C.write_duckdb(three, db)
    return db


def test_corpus_duplicates_web_copy_is_a_duplicate_of_the_first(three):
    d = three.duplicates
    assert d[["doc_id", "duplicate_of"]].values.tolist() == [["b.txt", "a.txt"]]
    assert 0.8 <= d["similarity"].iloc[0] <= 1.0  # an estimate: the page header and footer are residue
    # signatures are deterministic (fixed seed and scheme): the stored one is the one computed here
    sigs = three.signatures.set_index("doc_id")
    assert sigs.loc["a.txt", "minhash"] == signature(SEED_TEXT)[1]
    assert sigs.loc["a.txt", "shingles"] == signature(SEED_TEXT)[0] > 1000


def test_corpus_shingle_hashes_count_distinct_shingles_whitespace_aside():
    import re

    from govtext.corpus.duplicates import shingle_hashes

    flat = re.sub(r"\s+", "", SEED_TEXT)
    assert len(shingle_hashes(SEED_TEXT)) == len({flat[i:i + 5] for i in range(len(flat) - 4)})
    assert signature(SEED_TEXT) == signature(SEED_TEXT.replace("\n", "\r\n\u3000 "))
    assert signature("短") is not None and len(shingle_hashes("短")) == 1


def test_corpus_signature_equals_datasketch_fed_value_by_value(gwr_docs):
    """signature() hands datasketch each slice of shingle hashes as one value (its hashfunc returns
    the slice): the signature must be the one datasketch gives for the same hashes fed one by one as
    ints (its documented use), on real reports (thousands of hashes: many slices, the last one short),
    the seed text and a one-character text."""
    from datasketch import MinHash

    from govtext.corpus import duplicates as D

    texts = [doc.text for doc in list(gwr_docs.values())[:8]] + [SEED_TEXT, "短"]
    for text in texts:
        hashes = D.shingle_hashes(text)
        m = MinHash(num_perm=D.NUM_PERM, seed=D.SEED, scheme=D.SCHEME, hashfunc=int)
        m.update_batch(hashes.tolist())
        assert signature(text) == (len(hashes), m.hashvalues.astype(">u4").tobytes().hex())
    assert all(len(D.shingle_hashes(t)) % D._SLICE for t in texts[:8])


def test_corpus_duplicate_finder_order_threshold_and_empty():
    s1, s2 = signature(SEED_TEXT)[1], signature(OTHER)[1]
    assert [d.to_dict() for d in find_duplicates([("z", s1), ("y", s2), ("x", s1)])] == [
        {"doc_id": "z", "duplicate_of": "x", "similarity": 1.0}]
    f = DuplicateFinder()
    assert f.add("b", s1) is None and f.add("c", None) is None
    with pytest.raises(ValueError, match="doc_id order"):
        f.add("a", s1)
    assert signature("  \n\u3000") is None


def test_corpus_duplicates_derived_the_same_across_batches_and_reuse(three, folder, tmp_path):
    texts = {"a.txt": SEED_TEXT, "b.txt": COPY, "c.txt": OTHER}
    db = tmp_path / "s.duckdb"
    info = C.analyze_to_store(folder, db=db, batch_size=1, options=OPTIONS)
    assert info["batches"] == 3 and info["rows"]["duplicates"] == 1
    stored = C.read_duckdb(db)
    for name in ("theme_hits", "signatures", "duplicates"):
        pd.testing.assert_frame_equal(getattr(stored, name), getattr(three, name), obj=name)
    # a re-run reuses every document's rows and derives the duplicates again (none stored twice)
    again = C.analyze_to_store(folder, db=db, batch_size=2, options=OPTIONS)
    assert again["reused"] == 3 and again["rows"]["duplicates"] == 1
    pd.testing.assert_frame_equal(C.read_duckdb(db).duplicates, three.duplicates)
    # the copy's original gone: nothing is a duplicate any more
    only = C.analyze_to_store({k: v for k, v in texts.items() if k != "a.txt"}, db=db, options=OPTIONS)
    assert only["rows"]["duplicates"] == 0


def test_corpus_theme_hits_equal_theme_counts_with_sentences(three):
    hits, themes = three.theme_hits, three.themes
    counts = hits.groupby(["doc_id", "theme"]).size()
    assert counts.sort_index().to_dict() == themes.set_index(["doc_id", "theme"])["count"].sort_index().to_dict()
    text = {"a.txt": SEED_TEXT, "b.txt": COPY, "c.txt": OTHER}
    for r in hits.itertuples(index=False):
        t = text[r.doc_id]
        assert t[r.start_char:r.end_char] == r.term
        assert t[r.sentence_start:r.sentence_start + len(r.sentence)] == r.sentence
        assert "\n" not in r.sentence and r.sentence_start <= r.start_char


def test_corpus_evidence_cli_prints_marked_sentences(run, three, three_db):
    top = three.themes[three.themes["doc_id"] == "a.txt"].iloc[0]
    code, out, _ = run("corpus", "evidence", "--db", three_db, "--theme", top["theme"], "--format", "json")
    r = json.loads(out)
    assert code == 0 and r["hits"] == int(top["count"]) + int(
        three.themes.query("doc_id == 'c.txt' and theme == @top.theme")["count"].sum())  # b.txt is a copy
    assert {h["doc_id"] for h in r["evidence"]} <= {"a.txt", "c.txt"}
    code, out, _ = run("corpus", "evidence", "--db", three_db, "--theme", top["label"], "--keep-duplicates",
                       "--where", "doc_id=b.txt", "--limit", "2")
    assert code == 0 and out.count("【") == 2 and "b.txt" in out
    first = next(h for h in r["evidence"])
    assert f"【{first['term']}】" in run("corpus", "evidence", "--db", three_db, "--theme", top["theme"])[1]
    code, _, err = run("corpus", "evidence", "--db", three_db, "--theme", "no_such_theme")
    assert code == 2 and "no theme 'no_such_theme'" in err


def test_corpus_reuse_identical_unrelated_and_marks():
    r = text_reuse(SEED_TEXT, SEED_TEXT)
    assert r.share == 1.0 and r.near_chars == 0 and len(r.pairs) == len(r.pairs) > 5
    assert all(p.a_start == p.b_start and p.similarity == 1.0 for p in r.pairs)
    assert text_reuse(OTHER, SEED_TEXT).share < 0.02
    assert text_reuse(SEED_TEXT, "").share == 0.0
    edited = SEED_TEXT.replace("2019年", "2020年", 1)
    e = text_reuse(SEED_TEXT, edited)
    assert 0.97 < e.share < 1.0 and any(m.kind == "near" for m in e.matches)
    view = side_by_side("全面从严治党取得新成效", "全面从严治党取得明显成效", width=40)
    assert side_by_side("甲乙丙丁", "甲乙戊戊丁", width=6).splitlines()[0].startswith("甲乙")
    assert "[-新-]" in view and "{+明显+}" in view and "│" in view


def test_corpus_reuse_cli_files_json_html_and_guards(run, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(SEED_TEXT, encoding="utf-8")
    b.write_text(SEED_TEXT.replace("2019年", "2020年"), encoding="utf-8")
    code, out, _ = run("corpus", "reuse", a, a)
    assert code == 0 and "100.0%" in out
    code, out, _ = run("corpus", "reuse", a, b, "--format", "json")
    r = json.loads(out)
    assert code == 0 and 0.5 < r["share"] < 1 and r["a"]["document"] == str(a)
    for p in r["pairs"]:
        assert SEED_TEXT[p["a_start"]:p["a_end"]] == p["a_text"]
        assert b.read_text(encoding="utf-8")[p["b_start"]:p["b_end"]] == p["b_text"]
    page = tmp_path / "reuse.html"
    code, _, _ = run("corpus", "reuse", a, b, "--format", "html", "-o", page)
    html = page.read_text(encoding="utf-8")
    assert code == 0 and html.startswith("<!doctype html>") and "<del>19</del>" in html and "<ins>20</ins>" in html
    code, _, err = run("corpus", "reuse", a, b, "--format", "html", "-o", b)
    assert code == 2 and "never overwrites its input" in err
    assert run("corpus", "reuse", a)[0] == 2


def test_corpus_reuse_cli_db_selectors_need_one_document(run, three_db, folder):
    code, out, _ = run("corpus", "reuse", "--db", three_db, "doc_id=a.txt", "doc_id=b.txt", "--format", "json")
    r = json.loads(out)
    assert code == 0 and r["a"]["document"] == "a.txt (doc_id=a.txt)" and 0.9 < r["share"] <= 1
    for p in r["pairs"]:
        assert COPY[p["b_start"]:p["b_end"]] == p["b_text"]
    code, _, err = run("corpus", "reuse", "--db", three_db, "--keep-duplicates", "doc_id=c.txt", "doc_id=a.txt")
    assert code == 0
    (folder / "c.txt").write_text(OTHER + "。", encoding="utf-8")
    try:
        code, _, err = run("corpus", "reuse", "--db", three_db, "doc_id=c.txt", "doc_id=a.txt")
        assert code == 2 and "changed since it was analysed" in err
    finally:
        (folder / "c.txt").write_text(OTHER, encoding="utf-8")


def test_corpus_issuer_levels_from_names_and_manifest():
    assert [issuer_level(x) for x in ("国务院", "广西壮族自治区", "北京市", "浙江省人民政府",
                                      "呼伦贝尔市海拉尔区人民政府（内蒙古）", "道县", "深圳市", "某单位", None)] == [
        "national", "provincial", "provincial", "provincial", "district", "district", "municipal", "other", "other"]
    docs = pd.DataFrame({"issuer": ["北京市", "北京市", None], "level": ["municipal", "bogus", "national"]})
    assert issuer_levels(docs).tolist() == ["municipal", "provincial", "national"]


def test_corpus_risers_and_fallers_are_the_default_themes():
    rows = []
    for series, base in (("甲", 0.0), ("乙", 50.0)):  # a level difference between series is no trend
        for i, year in enumerate(range(2015, 2021)):
            for theme, value in (("up", base + 2 * i), ("down", base + 10 - i), ("flat", base + 5), ("big", base + 80)):
                rows.append({"series": series, "year": year, "theme": theme, "per_10k_chars": value, "count": 10})
    t = pd.DataFrame(rows)
    slopes = theme_slopes(t)
    assert slopes["up"] == pytest.approx(20.0) and slopes["down"] == pytest.approx(-10.0) and slopes["flat"] == 0
    assert choose_themes(t, 2) == ["up", "down"]


def test_corpus_trend_chart_title_names_filter_and_legend_is_outside(three):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    font = C.find_cjk_font()
    assert font is not None, "no CJK font: run `make system-deps` (fonts-noto-cjk)"
    table = C.theme_trends(three, by="issuer")
    fig = C.plot_trends(table, font=font, top=4, title_filter="year=2019", caption="说明")
    FigureCanvasAgg(fig).draw()
    assert "筛选：year=2019" in fig._suptitle.get_text()
    legend = fig.legends[0].get_window_extent()
    assert all(legend.x0 >= ax.get_window_extent().x1 for ax in fig.axes)  # right of every panel
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["未注明（2 份）"]  # a.txt, c.txt: no issuer


def test_corpus_trends_format_option(run, three_db, tmp_path):
    code, _, err = run("corpus", "trends", "--db", three_db, "--out", tmp_path / "o", "--format", "gif")
    assert code == 2 and "png,svg,pdf" in err
    code, out, _ = run("corpus", "trends", "--db", three_db, "--out", tmp_path / "o", "--format", "json,svg")
    r = json.loads(out)
    assert code == 0 and list(r["charts"]) == ["svg"] and (tmp_path / "o" / "trends.svg").is_file()
    assert r["duplicates_left_out"] == [{"doc_id": "b.txt", "duplicate_of": "a.txt"}]
    code, out, _ = run("corpus", "trends", "--db", three_db, "--out", tmp_path / "o", "--keep-duplicates",
                       "--format", "json")
    assert json.loads(out)["duplicates_left_out"] == []


def test_corpus_compare_text_rates_paths_and_group_warning(run, three_db):
    code, out, err = run("corpus", "compare", "--db", three_db, "year=2019", "doc_id=c.txt", "--keep-duplicates")
    assert code == 0 and "matches 2 documents" in err and "a.txt、b.txt" in out and "⚠" in out
    assert "per 10,000 characters" in out and "→" in out
    code, out, err = run("corpus", "compare", "--db", three_db, "year=2019", "doc_id=c.txt", "--format", "json")
    r = json.loads(out)
    assert r["duplicates_left_out"] == [{"doc_id": "b.txt", "duplicate_of": "a.txt"}] and r["a"]["documents"] == 1
    rates = {t["theme"]: t for t in r["themes_by_change"]}
    changes = [abs(t["rate_b"] - t["rate_a"]) for t in r["themes_by_change"]]
    assert changes == sorted(changes, reverse=True) and rates
    for s in r["sections_removed"] + r["sections_added"]:
        assert isinstance(s["path"], list) and (s["level"] == 1) == (s["path"] == [])


def test_corpus_trends_and_reuse_without_cjk_font_keep_the_csv(run, three_db, tmp_path, monkeypatch):
    monkeypatch.setenv("GOVTEXT_CJK_FONT", str(tmp_path / "no-such-font.otf"))
    code, _, err = run("corpus", "trends", "--db", three_db, "--out", tmp_path / "t")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "no CJK font" in err and "fonts-noto-cjk" in err and "GOVTEXT_CJK_FONT" in err
    assert (tmp_path / "t" / "trends.csv").is_file() and not (tmp_path / "t" / "trends.png").exists()
    header = (tmp_path / "t" / "trends.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == C.SERIES_COLUMNS


def test_corpus_trends_out_never_overwrites_the_store(run, three_db):
    code, _, err = run("corpus", "trends", "--db", three_db, "--out", three_db.parent, "--format", "json")
    assert code == 0  # the store is not one of the files written
    link = three_db.parent / "trends.png"
    link.unlink()
    link.symlink_to(three_db)
    try:
        code, _, err = run("corpus", "trends", "--db", three_db, "--out", three_db.parent)
        assert code == 2 and "never overwrites its input" in err
        assert C.read_duckdb(three_db).documents["doc_id"].tolist() == ["a.txt", "b.txt", "c.txt"]
    finally:
        link.unlink()


def test_corpus_evidence_from_a_store_without_theme_hits_says_to_analyse_again(run, three, tmp_path):
    from dataclasses import replace

    db = tmp_path / "old.duckdb"
    C.write_duckdb(replace(three, theme_hits=three.theme_hits.iloc[0:0]), db)
    code, _, err = run("corpus", "evidence", "--db", db, "--theme", three.themes["theme"].iloc[0])
    assert code == 2 and "no theme_hits rows" in err and "govtext corpus analyze" in err


def test_corpus_worker_path_imports_neither_pandas_nor_duckdb(tmp_path):
    """What a worker runs per document (read, every stage, terms, evidence, signature) loads no
    pandas, DuckDB, scikit-learn or matplotlib (the tables are assembled in the parent)."""
    import subprocess
    import sys

    (tmp_path / "a.txt").write_text(SEED_TEXT, encoding="utf-8")
    code = (
        "import sys\n"
        "from govtext.corpus.sources import load_corpus\n"
        "from govtext.corpus.analyze import analyze_source\n"
        f"rows = analyze_source(load_corpus({str(tmp_path)!r})[0])\n"
        "assert rows['signatures'] and rows['terms'] and rows['documents'][0]['error'] is None\n"
        "print(' '.join(m for m in ('pandas', 'duckdb', 'sklearn', 'matplotlib') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_corpus_near_copies_are_duplicates_by_their_shingle_similarity(gwr_docs):
    """Near copies of real reports (every n-th character changed): a copy whose true Jaccard
    similarity of shingle sets is well above the threshold is found as its original's duplicate, one
    well below is not (MinHash with 128 permutations estimates within a few hundredths)."""
    from govtext.corpus.duplicates import THRESHOLD, shingle_hashes

    originals = dict(list(gwr_docs.items())[::9])
    pairs = [(name, signature(doc.text)[1]) for name, doc in gwr_docs.items()]
    truth = {}
    for k, (name, doc) in enumerate(originals.items()):
        step = 20 + 20 * k  # one changed character in 20 … in 220: shingle similarity ~0.6 … ~0.96
        mutated = "".join("〇" if i % step == 0 else c for i, c in enumerate(doc.text))
        a, b = set(shingle_hashes(doc.text).tolist()), set(shingle_hashes(mutated).tolist())
        truth[f"{name}~{step}"] = (name, len(a & b) / len(a | b))
        pairs.append((f"{name}~{step}", signature(mutated)[1]))
    found = {d.doc_id: d for d in find_duplicates(pairs)}
    clear_yes = [c for c, (_, j) in truth.items() if j >= THRESHOLD + 0.08]
    clear_no = [c for c, (_, j) in truth.items() if j <= THRESHOLD - 0.08]
    assert clear_yes and clear_no
    for copy in clear_yes:
        assert found[copy].duplicate_of == truth[copy][0]
        assert abs(found[copy].similarity - truth[copy][1]) < 0.1
    assert not set(clear_no) & set(found)
