"""The 93 reports: local engine, process pool and a Dask LocalCluster give the same tables row for row;
analyze → trends gives the theme-by-year table and a chart in a CJK font."""

from __future__ import annotations

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
    for name in C.TABLES:
        x, y = getattr(a, name), getattr(b, name)
        assert len(x) == len(y), name
        key = ["doc_id"] + [c for c in ("index", "start_char", "theme", "part", "term") if c in x.columns]
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
    assert list(table.columns) == C.TREND_COLUMNS
    years = set(table["year"])
    assert {1954, 2021, 2022, 2026} <= years and len(years) == local.documents["year"].nunique()
    # 精准扶贫 gives way to 乡村振兴: poverty alleviation peaks before 2021, rural revitalisation after 2017
    pov = table[table["theme"] == "poverty_alleviation"].set_index("year")["per_10k_chars"]
    rural = table[table["theme"] == "rural_revitalization"].set_index("year")["per_10k_chars"]
    assert pov.idxmax() < 2021 and rural.loc[2026] > rural.loc[2016]
    two = table[(table["year"] == 2022) & (table["theme"] == "rural_revitalization")].iloc[0]
    assert two["documents"] == 2  # the national report and its line-broken copy
    assert (tmp_path / "out" / "trends.png").stat().st_size > 20_000
    assert '"font": "' in capsys.readouterr().out
