"""The 93 reports: local engine, process pool and a Dask LocalCluster give the same tables row for row;
analyze → trends gives the theme-by-year table and a chart in a CJK font; the duplicates, theme evidence,
issuer-aware charts and text reuse of issue 14 on the real reports."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import GWR
from govtext import corpus as C
from govtext.corpus import engines
from govtext.errors import UsageError

# rjieba keeps this test's three full passes over the 93 reports short; the engines run the very same
# per-document function whatever the segmenter.
OPTIONS = C.AnalysisOptions(segmenter="rjieba")


@pytest.fixture(scope="module")
def local():
    return C.analyze_corpus(GWR, options=OPTIONS)


def _assert_same(a: C.CorpusTables, b: C.CorpusTables) -> None:
    # every table, the issue-14 ones included (theme evidence, MinHash signatures, derived duplicates)
    assert {"theme_hits", "signatures", "duplicates"} <= set(C.TABLES)
    for name in C.TABLES:
        x, y = getattr(a, name), getattr(b, name)
        assert len(x) == len(y), name
        key = ["doc_id"] + [c for c in ("index", "start_char", "theme", "part", "term", "duplicate_of")
                            if c in x.columns]
        pd.testing.assert_frame_equal(
            x.sort_values(key, kind="stable").reset_index(drop=True),
            y.sort_values(key, kind="stable").reset_index(drop=True),
            obj=name,
        )
        # and the engines' own order is already the same (deterministic sort by doc_id)
        pd.testing.assert_frame_equal(x, y, obj=name)


def test_corpus_gwr_local_analysis_of_93_reports(local):
    assert len(local.documents) == 93 and local.documents["error"].isna().all()
    assert local.documents["doc_id"].is_unique and local.documents["doc_id"].is_monotonic_increasing
    assert len(local.sections) > 1000 and len(local.themes) > 1000 and len(local.terms) > 10000


def test_corpus_gwr_dask_local_cluster_equals_local(local, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = C.analyze_corpus(GWR, engine="dask", scheduler=cluster.scheduler_address, options=OPTIONS)
        # and streamed into Parquet in batches of 3 by the same cluster
        some = C.load_corpus(GWR)[40:48]
        info = C.analyze_to_store(some, parquet=tmp_path / "pq", batch_size=3, engine="dask",
                                  scheduler=cluster.scheduler_address, options=OPTIONS)
    assert dask.info["engine"] == "dask"
    _assert_same(local, dask)
    assert len(dask.duplicates) == 1 and len(dask.theme_hits) == len(local.theme_hits) > 10_000
    assert info["engine"] == "dask" and info["batches"] == 3
    _assert_same(local.select([s.doc_id for s in some]), C.read_parquet(tmp_path / "pq"))


def test_corpus_gwr_process_pool_equals_local(local, monkeypatch, tmp_path):
    sources = [s for s in C.load_corpus(GWR) if s.doc_id.startswith("gwr_2026_")][:8]
    # the pool is fed through a bounded window: never more than a few documents per worker pending
    windows, most, pending = [], 0, 0
    real_window = C.ordered_window

    def spy(items, submit, window):
        nonlocal most, pending
        windows.append(window)

        def counted(item):
            nonlocal most, pending
            pending += 1
            most = max(most, pending)
            return submit(item)

        for result in real_window(items, counted, window):
            pending -= 1
            yield result

    monkeypatch.setattr(engines, "ordered_window", spy)
    pool = C.analyze_corpus(sources, jobs=2, options=OPTIONS)
    _assert_same(local.select([s.doc_id for s in sources]), pool)
    assert windows == [C.POOL_WINDOW_PER_JOB * 2] and most <= windows[0] + 1
    # the pool streaming into DuckDB in batches of 3 stores the same rows
    info = C.analyze_to_store(sources[:4], db=tmp_path / "pool.duckdb", batch_size=3, jobs=2, options=OPTIONS)
    assert info["batches"] == 2 and windows[-1] == C.POOL_WINDOW_PER_JOB * 2
    _assert_same(local.select([s.doc_id for s in sources[:4]]), C.read_duckdb(tmp_path / "pool.duckdb"))


def test_corpus_gwr_streamed_store_equals_local_row_for_row(local, tmp_path, monkeypatch):
    """93 reports streamed into DuckDB 7 documents at a time, most rows reused from a previous store
    (read back per batch), a few analysed again: the stored tables are the in-memory ones."""
    db = tmp_path / "gwr.duckdb"
    ids = local.documents["doc_id"].tolist()
    stale = ids[3::19]  # five documents spread over the corpus, missing from the previous store
    C.write_duckdb(local.select([i for i in ids if i not in stale]), db)
    batches = []
    real_write = C.DuckDBStore.write
    monkeypatch.setattr(C.DuckDBStore, "write", lambda self, b: batches.append(len(b.documents)) or real_write(self, b))
    info = C.analyze_to_store(GWR, db=db, batch_size=7, options=OPTIONS)
    assert info["analyzed"] == len(stale) == 5 and info["reused"] == 88
    assert max(batches) == 7 and sum(batches) == 93 and len(batches) == 14
    _assert_same(local, C.read_duckdb(db))


def test_corpus_gwr_unreachable_scheduler_is_a_clear_error():
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        with pytest.raises(UsageError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:1"):
            C.analyze_corpus({"a": "2020年工作总结"}, engine="dask", scheduler="tcp://127.0.0.1:1")


def test_corpus_gwr_trends_acceptance(local, tmp_path, capsys):
    """`analyze corpora/gwr --db` then `trends --db --out`: the theme table and the PNG."""
    from govtext.cli import main

    db = tmp_path / "gwr.duckdb"
    C.write_duckdb(local, db)
    with pytest.raises(SystemExit) as exc:
        main(["corpus", "trends", "--db", str(db), "--out", str(tmp_path / "out"), "--format", "json"])
    assert exc.value.code == 0
    table = pd.read_csv(tmp_path / "out" / "trends.csv")
    assert list(table.columns) == ["series", *C.TREND_COLUMNS]  # per issuer level: 国家, 省级, 区县级
    assert set(table["series"]) == {"国家", "省级", "区县级"}
    table = C.theme_trends(local, keep_duplicates=True)  # pooled, every copy counted
    years = set(table["year"])
    assert {1954, 2021, 2022, 2026} <= years and len(years) == local.documents["year"].nunique()
    # 精准扶贫 gives way to 乡村振兴: poverty alleviation peaks before 2021, rural revitalisation after 2017
    pov = table[table["theme"] == "poverty_alleviation"].set_index("year")["per_10k_chars"]
    rural = table[table["theme"] == "rural_revitalization"].set_index("year")["per_10k_chars"]
    assert pov.idxmax() < 2021 and rural.loc[2026] > rural.loc[2016]
    two = table[(table["year"] == 2022) & (table["theme"] == "rural_revitalization")].iloc[0]
    assert two["documents"] == 2  # the national report and its line-broken copy
    assert C.theme_trends(local).query("year == 2022 and theme == 'rural_revitalization'")["documents"].tolist() == [1]
    assert (tmp_path / "out" / "trends.png").stat().st_size > 20_000
    assert '"font": "' in capsys.readouterr().out


# ---------------------------------------------------------------- research-grade corpus (issue 14)


def test_corpus_gwr_new_tables_are_filled(local):
    assert len(local.theme_hits) > 10_000 and len(local.signatures) == 93
    assert local.signatures["minhash"].str.len().eq(1024).all()


def test_corpus_gwr_the_two_2022_national_copies_are_one_duplicate_group(local):
    dups = local.duplicates
    assert dups[["doc_id", "duplicate_of"]].values.tolist() == [["gwr_2022_national_lines.txt", "gwr_2022_national.txt"]]
    assert dups["similarity"].iloc[0] >= 0.95
    # the 31 provincial reports of 2026 and the consecutive national years are not copies of each other
    assert C.theme_trends(local)["documents"].groupby(C.theme_trends(local)["year"]).first().loc[2022] == 1


def test_corpus_gwr_theme_hits_reproduce_theme_counts_and_offsets(local, gwr_docs):
    hits = local.theme_hits
    counts = hits.groupby(["doc_id", "theme"]).size().sort_index()
    themes = local.themes.set_index(["doc_id", "theme"])["count"].sort_index()
    assert counts.index.equals(themes.index) and (counts.to_numpy() == themes.to_numpy()).all()
    sections = local.sections.set_index(["doc_id", "index"])
    for r in hits.sample(400, random_state=1).itertuples(index=False):
        text = gwr_docs[r.doc_id].text
        assert text[r.start_char:r.end_char] == r.term
        assert text[r.sentence_start:r.sentence_start + len(r.sentence)] == r.sentence
        assert r.sentence_start <= r.start_char and r.end_char <= r.sentence_start + len(r.sentence)
        p = gwr_docs[r.doc_id].paragraphs[r.paragraph_index]
        assert p.start <= r.start_char < p.end
        if not pd.isna(r.section_index):
            sec = sections.loc[(r.doc_id, int(r.section_index))]
            assert sec["start_char"] <= r.start_char < max(sec["body_end"], sec["end_char"])


def _runs(years: list[int]) -> list[int]:
    """Lengths of the runs of consecutive years (the pieces a series' line must be drawn in)."""
    runs = [1]
    for a, b in zip(years, years[1:], strict=False):
        if b == a + 1:
            runs[-1] += 1
        else:
            runs.append(1)
    return runs


def _pieces(d: str) -> list[int]:
    """Points of each piece (``M`` … ``L`` …) of an SVG path."""
    import re

    return [len(re.findall(r"-?[\d.]+ -?[\d.]+", piece)) for piece in d.split("M")[1:]]


def _svg_series(svg: bytes) -> dict[str, list[str]]:
    import xml.etree.ElementTree as ET

    ns = "{http://www.w3.org/2000/svg}"
    out: dict[str, list[str]] = {}
    for g in ET.fromstring(svg).iter(f"{ns}g"):
        gid = g.get("id", "")
        if gid.startswith("trend-"):
            out[gid] = [p.get("d", "") for p in g.iter(f"{ns}path")] + [f"markers:{len(list(g.iter(f'{ns}use')))}"]
    return out


@pytest.mark.parametrize("where", [None, "issuer=国务院"])
def test_corpus_gwr_trend_charts_series_gaps_formats(local, tmp_path, capsys, where):
    """The default chart (one line per issuer level) and the national one (one series), as PNG at
    300 dpi and SVG: the SVG has one line per series in every panel, broken where years are missing."""
    from PIL import Image

    from govtext.cli import main

    db = tmp_path / "gwr.duckdb"
    C.write_duckdb(local, db)
    args = ["corpus", "trends", "--db", str(db), "--out", str(tmp_path / "out"), "--format", "json,png,svg,pdf"]
    with pytest.raises(SystemExit) as exc:
        main(args + (["--where", where] if where else []))
    assert exc.value.code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["duplicates_left_out"] == [{"doc_id": "gwr_2022_national_lines.txt",
                                               "duplicate_of": "gwr_2022_national.txt"}]
    series = ["国务院"] if where else ["国家", "省级", "区县级"]
    assert summary["series"] == sorted(series) and len(summary["themes"]) == 6
    png = Image.open(tmp_path / "out" / "trends.png")
    assert round(png.info["dpi"][0]) == 300 and png.size[0] > 3000 and png.size[1] > 2500
    assert (tmp_path / "out" / "trends.pdf").read_bytes()[:5] == b"%PDF-"
    lines = _svg_series((tmp_path / "out" / "trends.svg").read_bytes())
    for panel in range(6):
        ids = sorted(k for k in lines if k.startswith(f"trend-{panel}-"))
        assert ids == [f"trend-{panel}-{i}" for i in range(len(series))]  # one line per series
    docs = local.documents[local.documents["doc_id"] != "gwr_2022_national_lines.txt"]
    national = sorted(docs.loc[docs["issuer"] == "国务院", "year"].astype(int))
    # legend order: most documents first, so the national series is line 0 in both charts
    path, *_rest, markers = lines["trend-0-0"]
    # no line across 1957→1959, 1960→1964, 1964→1975, 1975→1978: pieces of 4, 2, 1, 1 and 45 years
    assert _pieces(path) == _runs(national) == [4, 2, 1, 1, 45]
    assert markers == f"markers:{len(national)}"
    if not where:
        provincial = lines["trend-0-1"]  # 31 reports, all of 2026: one dot, no line
        assert provincial[-1] == "markers:1" and _pieces(provincial[0]) == [1]


def test_corpus_gwr_reuse_2021_2022_national(gwr_docs):
    from govtext.corpus.reuse import reuse_report, text_reuse

    a, b = gwr_docs["gwr_2021_national.txt"], gwr_docs["gwr_2022_national.txt"]
    r = reuse_report(a, b, label_a="2021", label_b="2022")
    assert 0.02 < r["share"] < 0.5 and r["share"] == pytest.approx(r["exact_share"] + r["near_share"], abs=2e-4)
    assert r["pairs"] and r["sentences_exact"] > 5 and r["sentences_near"] > 5
    for p in r["pairs"]:
        assert a.text[p["a_start"]:p["a_end"]] == p["a_text"] == a.paragraphs[p["a_index"]].text
        assert b.text[p["b_start"]:p["b_end"]] == p["b_text"] == b.paragraphs[p["b_index"]].text
    for m in r["matches"]:
        sa, sb = a.text[m["a_start"]:m["a_end"]], b.text[m["b_start"]:m["b_end"]]
        if m["kind"] == "exact":
            assert "".join(sa.split()) == "".join(sb.split())
        else:
            assert 0.8 <= m["similarity"] < 1 and sa != sb
    assert text_reuse(b, b).share == 1.0  # identical
    assert text_reuse(gwr_docs["gwr_1954_national.txt"], gwr_docs["gwr_2026_beijing.txt"]).share < 0.01  # unrelated
    # the two copies of 2022 (line breaks differ) repeat each other almost entirely
    assert text_reuse(b, gwr_docs["gwr_2022_national_lines.txt"]).share > 0.9


def test_corpus_gwr_reuse_table_per_issuer_and_chart(local, tmp_path, capsys):
    from govtext.cli import main

    db = tmp_path / "gwr.duckdb"
    C.write_duckdb(local, db)
    with pytest.raises(SystemExit) as exc:
        main(["corpus", "reuse", "--db", str(db), "--where", "year=2015..2022", "--out", str(tmp_path / "r"),
              "--chart", "png,svg", "--format", "json"])
    assert exc.value.code == 0
    rows = json.loads(capsys.readouterr().out)["reuse"]
    pairs = {(r["issuer"], r["year_a"], r["year_b"]) for r in rows}
    assert ("国务院", 2021, 2022) in pairs and ("呼伦贝尔市海拉尔区人民政府（内蒙古）", 2018, 2019) in pairs
    assert len(rows) == 7 + 4  # national 2015→…→2022, district 2015→…→2019; 2022 counted once
    nat = next(r for r in rows if r["year_b"] == 2022)
    assert nat["doc_b"] == "gwr_2022_national.txt" and 0 < nat["share"] < 1 and nat["level"] == "national"
    table = pd.read_csv(tmp_path / "r" / "reuse.csv")
    assert len(table) == len(rows)
    assert b'id="reuse-0"' in (tmp_path / "r" / "reuse.svg").read_bytes()


def test_corpus_gwr_compare_shows_parent_paths_and_theme_rates(local):
    from govtext.cli.corpus import _compare_text

    a, b = local.select(["gwr_2021_national.txt"]), local.select(["gwr_2022_national.txt"])
    r = C.compare(a, b)
    renamed = {(s["marker_from"], s["from"]): s for s in r["sections_renamed"]}
    item = renamed[("（六）", "实行高水平对外开放，促进外贸外资稳中提质")]
    assert item["path_from"] == ["三、2021年重点工作"] and item["path_to"] == ["三、2022年政府工作任务"]
    assert item["marker_to"] == "（七）" and item["to"] == "扩大高水平对外开放，推动外贸外资平稳发展"
    top = r["themes_by_change"][0]  # 精准扶贫 gives way: 35 hits in 2021, 11 in 2022
    assert top["theme"] == "poverty_alleviation" and (top["count_a"], top["count_b"]) == (35, 11)
    chars = {d: int(n) for d, n in zip(local.documents["doc_id"], local.documents["chars"], strict=True)}
    assert top["rate_a"] == pytest.approx(35 * 1e4 / chars["gwr_2021_national.txt"], abs=1e-3)
    text = _compare_text(r)
    assert "三、2021年重点工作 › （六）实行高水平对外开放，促进外贸外资稳中提质  ↔  三、2022年政府工作任务 › （七）" in text
    assert "精准扶贫/脱贫攻坚" in text.split("sections renamed")[0] and "19.86 →    6.38" in text
