"""govtext.corpus on real text: loading, per-document rows, tidy tables, storage and reuse, compare."""

from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pytest

from conftest import DATA, GWR, SEED
from govtext import corpus as C
from govtext.corpus import analyze as analyze_module
from govtext.corpus import engines
from govtext.errors import DataFileError, InputError, UsageError
from govtext.model import Document

MINI = DATA / "corpus_mini"
FAST = C.AnalysisOptions(segmenter="rjieba")  # the default, spelled out


@pytest.fixture(scope="module")
def mini():
    return C.analyze_corpus(MINI / "manifest.csv", allow_outside=True)


# ---------------------------------------------------------------- loading


def test_corpus_load_directory_uses_its_manifest_for_metadata():
    sources = C.load_corpus(GWR)
    assert len(sources) == 93
    ids = [s.doc_id for s in sources]
    assert ids == sorted(ids) and ids[0] == "gwr_1954_national.txt"
    meta = dict(sources[ids.index("gwr_2026_anhui.txt")].meta)
    assert meta["issuer"] == "安徽省" and meta["year"] == "2026" and meta["kind"] == "gwr"


def test_corpus_load_manifest_path_relative_to_csv_and_file_column(tmp_path):
    sources = C.load_corpus(MINI / "manifest.csv", allow_outside=True)
    by_id = {s.doc_id: s for s in sources}
    assert set(by_id) == {"docs/2020_summary.txt", "docs/2021/2021_summary.md", "docs/missing.txt",
                          "docs/empty.txt", "../../../corpora/seeds/2019_party_building_summary.txt"}
    assert by_id["docs/missing.txt"].error == "no such file" and by_id["docs/missing.txt"].data is None
    seed = by_id["../../../corpora/seeds/2019_party_building_summary.txt"]
    assert seed.data is None  # bytes are read when analysed, not kept while listing
    assert seed.content_hash == hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert seed.loaded().data == SEED.read_bytes()
    # a manifest naming its paths `file` (like corpora/gwr) or any column given with path_column
    shutil.copy(SEED, tmp_path / "seed.txt")
    (tmp_path / "m.csv").write_text("file,year\nseed.txt,2019\n", encoding="utf-8")
    (tmp_path / "n.csv").write_text("doc,year\nseed.txt,2019\n", encoding="utf-8")
    assert [s.doc_id for s in C.load_corpus(tmp_path / "m.csv")] == ["seed.txt"]
    assert [s.doc_id for s in C.load_corpus(tmp_path / "n.csv", path_column="doc")] == ["seed.txt"]
    with pytest.raises(DataFileError, match="no 'path' column .*--path-column"):
        C.load_corpus(tmp_path / "n.csv")


def test_corpus_load_gbk_manifest(tmp_path):
    shutil.copy(SEED, tmp_path / "党建总结.txt")
    (tmp_path / "m.csv").write_bytes("path,issuer\n党建总结.txt,某市水利局\n".encode("gb18030"))
    (source,) = C.load_corpus(tmp_path / "m.csv")
    assert source.doc_id == "党建总结.txt" and dict(source.meta) == {"issuer": "某市水利局"}


def test_corpus_load_bad_manifest_names_file_and_line(tmp_path):
    (tmp_path / "m.csv").write_text("path,year\na.txt,2019\nb.txt,last year\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        C.load_corpus(tmp_path / "m.csv")
    assert str(err.value).startswith(f"{tmp_path / 'm.csv'}:3: year 'last year'")


def test_corpus_load_directory_recursive_formats_and_missing_path(tmp_path):
    import docx

    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(SEED, tmp_path / "a" / "seed.txt")
    (tmp_path / "a" / "b" / "note.md").write_text("# 2021年工作总结\n\n一、主要工作\n做了工作。\n", encoding="utf-8")
    d = docx.Document()
    d.add_paragraph("2022年工作总结")
    d.add_paragraph("一、主要工作")
    d.save(tmp_path / "a" / "b" / "w.docx")
    (tmp_path / "a" / "skip.pdf").write_bytes(b"%PDF")
    (tmp_path / "a" / ".hidden.txt").write_text("x", encoding="utf-8")
    ids = [s.doc_id for s in C.load_corpus(tmp_path / "a")]
    assert ids == ["b/note.md", "b/w.docx", "seed.txt"]
    tables = C.analyze_corpus(tmp_path / "a", options=FAST)
    docs = tables.documents.set_index("doc_id")
    assert docs.loc["b/w.docx", "source_format"] == "docx" and docs.loc["b/w.docx", "year"] == 2022
    assert docs.loc["b/note.md", "source_format"] == "md"
    with pytest.raises(InputError, match="no such file or directory"):
        C.load_corpus(tmp_path / "nope")


def test_corpus_in_memory_texts_and_duplicate_ids(seed_doc):
    tables = C.analyze_corpus({"s": seed_doc, "t": "2020年工作总结\n一、主要工作\n完成X项任务。\n"}, options=FAST)
    assert tables.documents["doc_id"].tolist() == ["s", "t"]
    assert tables.documents.loc[1, "year"] == 2020
    with pytest.raises(UsageError, match="share the id"):
        C.load_corpus([MINI / "docs", MINI / "docs"])


# ---------------------------------------------------------------- per-document rows and tables


def test_corpus_tables_fixed_columns_doc_id_first(mini):
    for name, df in mini.tables().items():
        assert list(df.columns[: len(C.SCHEMAS[name])]) == list(C.SCHEMAS[name]), name
        assert df.columns[0] == "doc_id"
        for col, dtype in C.SCHEMAS[name].items():
            assert str(df[col].dtype) == dtype, (name, col)
    # the manifest's own extra column is kept after the fixed ones
    assert list(mini.documents.columns[len(C.SCHEMAS["documents"]):]) == ["region"]


def test_corpus_unreadable_documents_recorded_and_run_goes_on(mini):
    docs = mini.documents.set_index("doc_id")
    assert docs.loc["docs/missing.txt", "error"] == "no such file"
    assert docs.loc["docs/empty.txt", "error"] == "file is empty"
    assert docs.loc["docs/empty.txt", "year"] == 2019 and docs.loc["docs/empty.txt", "region"] == "east"
    ok = docs[docs["error"].isna()]
    assert len(ok) == 3 and (ok["chars"] > 0).all()
    assert mini.info["errors"] == 2 and mini.info["analyzed"] == 5


def test_corpus_metadata_from_manifest_else_from_document(mini):
    docs = mini.documents.set_index("doc_id")
    d2020 = docs.loc["docs/2020_summary.txt"]
    assert d2020["year"] == 2020  # not in the manifest: from the title
    assert d2020["title"] == "某县水利局2020年工作总结"
    assert d2020["issuer"] == "某县水利局" and d2020["kind"] == "work-summary"
    seed = docs.loc["../../../corpora/seeds/2019_party_building_summary.txt"]
    assert seed["title"] == "2019年党建工作总结" and pd.isna(seed["issuer"])
    assert seed["kind"] == "party-building-summary"


def test_corpus_document_rows_match_the_stages(seed_doc):
    from govtext.completeness import score_completeness
    from govtext.placeholders import find_placeholders
    from govtext.sections import extract_sections
    from govtext.themes import tag_themes

    rows = C.analyze_document(seed_doc, {"doc_id": "seed", "path": str(SEED)}, options=FAST)
    outline = extract_sections(seed_doc)
    assert [r["title"] for r in rows["sections"]] == [s.title for s in outline.sections]
    found = find_placeholders(seed_doc)
    assert len(rows["placeholders"]) == len(found) >= 20
    text = seed_doc.text
    for r in rows["placeholders"] + rows["sections"]:
        assert r["doc_id"] == "seed"
    for r in rows["placeholders"]:
        assert text[r["start_char"]:r["end_char"]] == r["match"]
    themes = {t.theme: t.count for t in tag_themes(seed_doc, outline=outline).document}
    assert {r["theme"]: r["count"] for r in rows["themes"]} == themes
    assert themes["theme_education"] > 0
    comp = score_completeness(seed_doc, sections=outline)
    (doc,) = rows["documents"]
    assert doc["score"] == comp.score and doc["detected_kind"] == comp.kind.kind
    assert {r["part"] for r in rows["parts"] if r["parent"] is None} == {p.id for p in comp.parts}
    assert doc["n_sections"] == len(outline.sections) and doc["chars"] == len(text)
    terms = dict((r["term"], r["count"]) for r in rows["terms"])
    assert terms["主题教育"] >= 3 and "我们" not in terms
    assert all(len(t) >= 2 for t in terms)


def test_corpus_seed_findings_table_holds_every_stage_finding_including_gt301():
    """The findings table is govtext.analyze's findings, by position, each with its stage: the 2019
    seed's stale 十八大 reference (GT301, themes) is there next to GT1xx, GT2xx and GT4xx."""
    from govtext import analyze, read_document

    tables = C.analyze_corpus([SEED], options=FAST)
    findings = tables.findings
    text = SEED.read_text(encoding="utf-8")
    stale = findings[findings["code"] == "GT301"]
    assert len(stale) == 1
    (row,) = stale.to_dict("records")
    assert row["stage"] == "themes" and "十八大" in row["match"]
    assert text[row["start_char"]:row["end_char"]] == row["match"]
    for r in findings.to_dict("records"):
        assert text[r["start_char"]:r["end_char"]] == r["match"], r
    assert {c[:3] for c in findings["code"]} == {"GT1", "GT2", "GT3", "GT4"}
    expected = analyze(read_document(SEED)).findings
    assert list(zip(findings["code"], findings["start_char"], strict=True)) == [(f.code, f.start_char) for f in expected]
    stages = dict(zip(findings["code"].str[:3], findings["stage"], strict=False))
    assert stages == {"GT1": "sections", "GT2": "placeholders", "GT3": "themes", "GT4": "completeness"}
    assert tables.documents.loc[0, "n_findings"] == len(findings) == len(expected)


def test_corpus_empty_tables_keep_columns(tmp_path):
    (tmp_path / "m.csv").write_text("path\nnothere.txt\n", encoding="utf-8")
    tables = C.analyze_corpus(tmp_path / "m.csv")
    assert len(tables.documents) == 1
    for name, df in tables.tables().items():
        assert list(df.columns[: len(C.SCHEMAS[name])]) == list(C.SCHEMAS[name])
    assert tables.sections.empty and tables.terms.empty


def test_corpus_stage_failure_is_recorded_not_raised(monkeypatch):
    def boom(document, meta, *, options):
        raise ValueError("stage broke")

    monkeypatch.setattr(analyze_module, "analyze_document", boom)  # looked up where analyze_source runs
    rows = C.analyze_source(C.Source.from_bytes("x", "x.txt", "2020年工作总结".encode()))
    assert rows["documents"][0]["error"] == "internal error: ValueError: stage broke"


def test_corpus_unknown_options_are_errors():
    with pytest.raises(UsageError, match="unknown segmenter"):
        C.analyze_corpus({"a": "文本"}, options=C.AnalysisOptions(segmenter="nltk"))
    with pytest.raises(UsageError, match="unknown engine"):
        C.analyze_corpus({"a": "文本"}, engine="spark")
    with pytest.raises(UsageError, match="needs --engine dask"):
        C.analyze_corpus({"a": "文本"}, scheduler="tcp://127.0.0.1:8786")


# ---------------------------------------------------------------- storage and reuse


def test_corpus_duckdb_and_parquet_round_trip(mini, tmp_path):
    C.write_duckdb(mini, tmp_path / "c.duckdb")
    C.write_parquet(mini, tmp_path / "pq")
    for back in (C.read_duckdb(tmp_path / "c.duckdb"), C.read_parquet(tmp_path / "pq")):
        for name in C.TABLES:
            pd.testing.assert_frame_equal(getattr(back, name), getattr(mini, name), check_like=False)
    import duckdb

    con = duckdb.connect(str(tmp_path / "c.duckdb"), read_only=True)
    n = con.execute("SELECT count(*) FROM placeholders p JOIN documents d USING (doc_id) "
                    "WHERE d.region = 'east'").fetchone()[0]
    con.close()
    assert n == len(mini.placeholders[mini.placeholders["doc_id"].str.contains("seeds")]) > 0


def test_corpus_read_store_errors(tmp_path):
    with pytest.raises(InputError, match="no such database"):
        C.read_duckdb(tmp_path / "none.duckdb")
    (tmp_path / "x.duckdb").write_text("not a database", encoding="utf-8")
    with pytest.raises(InputError, match="not a DuckDB database"):
        C.read_duckdb(tmp_path / "x.duckdb")
    with pytest.raises(InputError, match="no documents.parquet"):
        C.read_parquet(tmp_path)


def test_corpus_rerun_reuses_unchanged_documents(tmp_path):
    work = tmp_path / "c"
    (work / "docs").mkdir(parents=True)
    for name in ("2020_summary.txt", "empty.txt"):
        shutil.copy(MINI / "docs" / name, work / "docs" / name)
    shutil.copy(SEED, work / "docs" / "seed.txt")
    first = C.analyze_corpus(work, options=FAST)
    assert first.info["analyzed"] == 3
    again = C.analyze_corpus(work, options=FAST, previous=first)
    # the two readable documents are reused; the unreadable one is tried again
    assert again.info["reused"] == 2 and again.info["analyzed"] == 1
    for name in C.TABLES:
        pd.testing.assert_frame_equal(getattr(again, name), getattr(first, name))
    # a changed document is analysed again, the other one still reused
    p = work / "docs" / "2020_summary.txt"
    p.write_text(p.read_text(encoding="utf-8") + "四、附件\n", encoding="utf-8")
    third = C.analyze_corpus(work, options=FAST, previous=again)
    assert third.info["reused"] == 1 and third.info["analyzed"] == 2
    assert "附件" in third.sections[third.sections["doc_id"] == "docs/2020_summary.txt"]["title"].tolist()
    # other analysis options are another cache key
    other = C.AnalysisOptions(segmenter="jieba")
    assert C.analyze_corpus(work, options=other, previous=third).info["reused"] == 0


def test_corpus_changed_lexicon_or_outline_invalidates(tmp_path, monkeypatch):
    import govtext.resources as R
    from govtext.resources import models_dir

    copy = tmp_path / "models"
    shutil.copytree(models_dir(), copy)
    source = C.Source.from_bytes("a", "a.txt", "2020年工作总结".encode())
    before = C.analysis_key(source)
    monkeypatch.setattr(R, "models_dir", lambda: copy)
    C.analysis_version.cache_clear()
    try:
        assert C.analysis_key(source) == before  # same data, same key
        for rel in ("themes/lexicon.toml", "outlines/work-summary.toml"):
            f = copy / rel
            original = f.read_bytes()
            f.write_bytes(original + b"\n# changed\n")
            C.analysis_version.cache_clear()
            assert C.analysis_key(source) != before, rel
            f.write_bytes(original)
            C.analysis_version.cache_clear()
    finally:
        C.analysis_version.cache_clear()


# ---------------------------------------------------------------- compare


@pytest.fixture(scope="module")
def national():
    return {y: C.analyze_corpus([GWR / f"gwr_{y}_national.txt"], options=FAST) for y in (2021, 2022)}


def test_corpus_compare_2021_2022_lists_changed_sections(national):
    r = C.compare(national[2021], national[2022])
    removed = {s["title"] for s in r["sections_removed"]}
    added = {s["title"] for s in r["sections_added"]}
    renamed = {(x["from"], x["to"]) for x in r["sections_renamed"]}
    changed_from = removed | {a for a, _ in renamed}
    changed_to = added | {b for _, b in renamed}
    assert "“十三五”时期发展成就和“十四五”时期主要目标任务" in changed_from
    assert "2022年经济社会发展总体要求和政策取向" in changed_to
    assert "（九）" in {s["marker"] for s in r["sections_added"]} or any(
        "加强和创新社会治理" in b for b in changed_to)
    # "2020年工作回顾" → "2021年工作回顾" is the same section a year on: not listed
    assert not any("工作回顾" in t for t in changed_from | changed_to)
    for x in r["sections_renamed"]:
        assert 0.5 <= x["similarity"] <= 1 and C.title_similarity(x["from"], x["to"]) == pytest.approx(x["similarity"], abs=1e-3)
    assert r["distinctive_terms"]["a"] and r["distinctive_terms"]["b"]
    # the 14th five-year plan period began in 2021; 2022 brought large VAT credit refunds (留抵退税)
    assert "十三五" in [t["term"] for t in r["distinctive_terms"]["a"]]
    assert "退税" in [t["term"] for t in r["distinctive_terms"]["b"]]
    for t in r["distinctive_terms"]["a"]:
        assert t["score"] > 0
    assert set(r) >= {"sections_added", "sections_removed", "sections_renamed", "themes_gained",
                      "themes_lost", "distinctive_terms"}


def test_corpus_compare_identical_documents_lists_nothing(national):
    r = C.compare(national[2022], national[2022])
    for key in ("sections_added", "sections_removed", "sections_renamed", "themes_gained", "themes_lost",
                "themes_changed"):
        assert r[key] == [], key
    assert r["distinctive_terms"] == {"a": [], "b": []}


def test_corpus_compare_themes_gained_and_lost_with_weights(mini):
    a = mini.select(["docs/2020_summary.txt"])
    b = mini.select(["docs/2021/2021_summary.md"])
    r = C.compare(a, b)
    gained = {t["theme"]: t for t in r["themes_gained"]}
    lost = {t["theme"]: t for t in r["themes_lost"]}
    assert "party_history_education" in gained and "rural_revitalization" in gained
    assert "theme_education" in lost
    g = gained["party_history_education"]
    assert g["weight_a"] == 0 and g["weight_b"] > 0 and g["count_b"] >= 2
    assert {s["title"] for s in r["sections_added"]} >= {"经验体会"}
    assert ("下一步工作打算", "下一步工作计划") in {(x["from"], x["to"]) for x in r["sections_renamed"]}
    assert "乡村振兴" in [t["term"] for t in r["distinctive_terms"]["b"]]


def test_corpus_select_documents_selectors(mini):
    assert C.select_documents(mini, "year=2021").documents["doc_id"].tolist() == ["docs/2021/2021_summary.md"]
    assert len(C.select_documents(mini, "year=2019..2020").documents) == 2  # the empty 2019 file is skipped
    assert len(C.select_documents(mini, "region=west,year=2020").documents) == 1
    for bad, msg in (("year", "expected column=value"), ("colour=red", "unknown column 'colour'"),
                     ("year=abc", "must be a number"), ("year=1900", "no analysed document"),
                     ("region=a..b", "needs a numeric column")):
        with pytest.raises(UsageError, match=msg):
            C.select_documents(mini, bad)


# ---------------------------------------------------------------- trends


def test_corpus_theme_trends_table(mini):
    t = C.theme_trends(mini)
    assert list(t.columns) == C.TREND_COLUMNS
    assert sorted(set(t["year"])) == [2019, 2020, 2021]
    row = t[(t["year"] == 2021) & (t["theme"] == "party_history_education")].iloc[0]
    docs = mini.documents.set_index("doc_id")
    count = int(mini.themes.set_index(["doc_id", "theme"]).loc[("docs/2021/2021_summary.md", "party_history_education"), "count"])
    assert row["count"] == count and row["documents"] == 1 and row["documents_with_theme"] == 1
    assert row["per_10k_chars"] == pytest.approx(count / docs.loc["docs/2021/2021_summary.md", "chars"] * 1e4, abs=1e-3)
    # every year × theme is there, zeros included
    assert len(t) == t["year"].nunique() * t["theme"].nunique()


def test_corpus_document_type_is_frozen():
    t = C.empty_tables()
    with pytest.raises(AttributeError):
        t.documents = None  # type: ignore[misc]
    assert isinstance(Document.from_text("x"), Document)


def test_corpus_file_changed_or_removed_after_listing(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("2020年工作总结\n一、主要工作\n", encoding="utf-8")
    (q := tmp_path / "b.txt").write_text("2021年工作总结\n", encoding="utf-8")
    sources = {s.doc_id: s for s in C.load_corpus(tmp_path)}
    p.write_text("2022年工作总结\n一、主要工作\n", encoding="utf-8")
    q.unlink()
    tables = C.analyze_corpus(list(sources.values()), options=FAST)
    docs = tables.documents.set_index("doc_id")
    # what was analysed is what is hashed: the key matches the bytes read, not the listing
    assert docs.loc["a.txt", "year"] == 2022
    assert docs.loc["a.txt", "content_hash"] == hashlib.sha256(p.read_bytes()).hexdigest()
    assert docs.loc["b.txt", "error"] == "no such file"


# ---------------------------------------------------------------- streaming into a store, in batches


def _assert_tables_equal(a: C.CorpusTables, b: C.CorpusTables) -> None:
    for name in C.TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)


def _read(kind: str, path):
    return C.read_duckdb(path) if kind == "db" else C.read_parquet(path)


def _spy_writes(monkeypatch, store_cls) -> list[list[str]]:
    """Record the documents of every batch handed to the store's writer."""
    seen: list[list[str]] = []
    original = store_cls.write

    def write(self, batch):
        seen.append(batch.documents["doc_id"].tolist())
        return original(self, batch)

    monkeypatch.setattr(store_cls, "write", write)
    return seen


@pytest.mark.parametrize("kind", ["db", "parquet"])
def test_corpus_streamed_store_equals_in_memory_tables(mini, tmp_path, monkeypatch, kind):
    store_cls = C.DuckDBStore if kind == "db" else C.ParquetStore
    writes = _spy_writes(monkeypatch, store_cls)
    path = tmp_path / ("c.duckdb" if kind == "db" else "pq")
    info = C.analyze_to_store(MINI / "manifest.csv", allow_outside=True, **{kind: path}, batch_size=2, options=FAST)
    # the writer gets consecutive batches of at most 2 documents, in doc_id order
    assert [len(w) for w in writes] == [2, 2, 1]
    assert sum(writes, []) == mini.documents["doc_id"].tolist()
    assert info["batches"] == 3 and info["analyzed"] == 5 and info["errors"] == 2
    assert info["rows"] == {n: len(df) for n, df in mini.tables().items()}
    assert {e["doc_id"] for e in info["first_errors"]} == {"docs/missing.txt", "docs/empty.txt"}
    _assert_tables_equal(_read(kind, path), mini)
    # re-running reuses the stored rows, read back per batch of doc_ids, and stores the same tables
    reads: list[list[str]] = []
    original = store_cls.previous_rows
    monkeypatch.setattr(store_cls, "previous_rows", lambda self, ids: reads.append(ids) or original(self, ids))
    info = C.analyze_to_store(MINI / "manifest.csv", allow_outside=True, **{kind: path}, batch_size=2, options=FAST)
    assert info["reused"] == 3 and info["analyzed"] == 2
    assert reads and all(len(r) <= 2 for r in reads) and sorted(sum(reads, [])) == sorted(
        mini.documents.loc[mini.documents["error"].isna(), "doc_id"])
    _assert_tables_equal(_read(kind, path), mini)
    if kind == "db":
        import duckdb

        con = duckdb.connect(str(path), read_only=True)
        names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        con.close()
        assert names == set(C.TABLES)  # no staging tables left
    else:
        assert sorted(p.name for p in path.iterdir()) == sorted(f"{n}.parquet" for n in C.TABLES)


def test_corpus_streamed_batches_mix_reused_and_new_documents(tmp_path):
    work = tmp_path / "c"
    (work / "docs").mkdir(parents=True)
    for name in ("2020_summary.txt", "empty.txt"):
        shutil.copy(MINI / "docs" / name, work / "docs" / name)
    shutil.copy(SEED, work / "docs" / "seed.txt")
    shutil.copy(MINI / "docs" / "2021" / "2021_summary.md", work / "docs" / "z.md")
    db = tmp_path / "c.duckdb"
    C.analyze_to_store(work, db=db, batch_size=3, options=FAST)
    p = work / "docs" / "2020_summary.txt"
    p.write_text(p.read_text(encoding="utf-8") + "四、附件\n", encoding="utf-8")
    info = C.analyze_to_store(work, db=db, batch_size=3, options=FAST)
    assert info["reused"] == 2 and info["analyzed"] == 2  # the changed one and the unreadable one
    _assert_tables_equal(C.read_duckdb(db), C.analyze_corpus(work, options=FAST))
    info = C.analyze_to_store(work, db=db, batch_size=3, options=FAST, fresh=True)
    assert info["reused"] == 0


@pytest.mark.parametrize("kind", ["db", "parquet"])
def test_corpus_interrupted_run_leaves_the_previous_store_intact(mini, tmp_path, monkeypatch, kind):
    path = tmp_path / ("c.duckdb" if kind == "db" else "pq")
    C.analyze_to_store(MINI / "manifest.csv", allow_outside=True, **{kind: path}, options=FAST)
    store_cls = C.DuckDBStore if kind == "db" else C.ParquetStore
    writes = _spy_writes(monkeypatch, store_cls)
    real, calls = C.analyze_source, []

    def dies_after_three(source, options=FAST):
        calls.append(source.doc_id)
        if len(calls) > 3:
            raise RuntimeError("worker lost")
        return real(source, options)

    monkeypatch.setattr(engines, "analyze_source", dies_after_three)
    with pytest.raises(RuntimeError, match="worker lost"):
        C.analyze_to_store(MINI / "manifest.csv", allow_outside=True, **{kind: path}, batch_size=2, fresh=True, options=FAST)
    assert len(writes) == 1 and len(writes[0]) == 2  # a batch was staged before the failure …
    _assert_tables_equal(_read(kind, path), mini)  # … but the stored corpus is the previous one
    if kind == "parquet":
        assert not (path / C.ParquetStore.STAGE).exists()
    monkeypatch.setattr(engines, "analyze_source", real)
    # a failed first run leaves no store behind, so nothing later looks like a finished one
    fresh_path = tmp_path / ("new.duckdb" if kind == "db" else "new-pq")
    calls.clear()
    monkeypatch.setattr(engines, "analyze_source", dies_after_three)
    with pytest.raises(RuntimeError):
        C.analyze_to_store(MINI / "manifest.csv", allow_outside=True, **{kind: fresh_path}, batch_size=2, options=FAST)
    assert not fresh_path.exists()


def test_corpus_killed_run_leftovers_never_look_complete(mini, tmp_path):
    import duckdb

    # a DuckDB file holding only the staging tables of a run that was killed: not a corpus yet …
    db = tmp_path / "c.duckdb"
    store = C.DuckDBStore(db)
    store.begin(["region"])
    store.write(mini.select(["docs/2020_summary.txt"]))
    store.con.close()  # killed: neither commit nor abort
    with pytest.raises(InputError, match="no documents table"):
        C.read_duckdb(db)
    # … and the next run clears the leftovers instead of refusing the file as someone else's
    C.analyze_to_store(MINI / "manifest.csv", allow_outside=True, db=db, batch_size=2, options=FAST)
    _assert_tables_equal(C.read_duckdb(db), mini)
    con = duckdb.connect(str(db), read_only=True)
    assert {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()} == set(C.TABLES)
    con.close()
    # Parquet tables of two runs (killed while moving files into place) are refused, then repaired
    pq = tmp_path / "pq"
    C.write_parquet(mini, pq)
    C.write_parquet(mini.select(["docs/2020_summary.txt"]), tmp_path / "other")
    shutil.copy(tmp_path / "other" / "terms.parquet", pq / "terms.parquet")
    with pytest.raises(InputError, match="different runs"):
        C.read_parquet(pq)
    info = C.analyze_to_store(MINI / "manifest.csv", allow_outside=True, parquet=pq, options=FAST)
    assert info["reused"] == 0  # an inconsistent store is not reused
    _assert_tables_equal(C.read_parquet(pq), mini)


def test_corpus_ordered_window_bounds_work_in_flight():
    from concurrent.futures import Future

    pending, most = set(), 0

    def submit(i):
        nonlocal most
        f = Future()
        f.set_result(i * 10)
        pending.add(i)
        most = max(most, len(pending))
        return f

    out = []
    for r in C.ordered_window(range(100), submit, 5):
        pending.discard(r // 10)
        out.append(r)
    assert out == [i * 10 for i in range(100)] and most <= 6  # the window, plus the one submitted ahead


def test_corpus_store_arguments_are_checked(tmp_path):
    with pytest.raises(UsageError, match="batch-size"):
        C.analyze_to_store({"a": "文本"}, db=tmp_path / "a.duckdb", batch_size=0)
    with pytest.raises(UsageError, match="either --db or --parquet"):
        C.analyze_to_store({"a": "文本"}, db=tmp_path / "a.duckdb", parquet=tmp_path / "p")
    assert not (tmp_path / "a.duckdb").exists()


def test_corpus_column_rows_read_as_row_dicts():
    """ColumnRows (the terms and theme_hits rows, held as columns) read as the row dicts they stand for:
    by index, slice and iteration, equal to those dicts, and the same after pickling (process pools)."""
    import pickle

    from govtext.corpus.schema import ColumnRows

    dicts = [{"doc_id": "a", "term": "改革", "count": 3}, {"doc_id": "a", "term": "发展", "count": 1}]
    rows = ColumnRows({"doc_id": ["a", "a"], "term": ["改革", "发展"], "count": [3, 1]})
    assert len(rows) == 2 and rows[0] == dicts[0] and rows[-1] == dicts[1] and rows[1:] == dicts[1:]
    assert list(rows) == dicts and rows == dicts and pickle.loads(pickle.dumps(rows)) == dicts
    assert not ColumnRows({}) and list(ColumnRows({"doc_id": []})) == []
    with pytest.raises(IndexError):
        rows[2]


def test_corpus_assemble_in_chunks_equals_rows_read_at_once(monkeypatch):
    """Rows gathered column by column and typed in chunks (here every 7 rows, across documents,
    with error rows lacking most keys and extra metadata) give exactly the tables of all rows at once."""
    from govtext.corpus import tables as tables_module

    sources = C.load_corpus(MINI / "manifest.csv", allow_outside=True)
    results = [C.analyze_source(s, FAST) for s in sources]
    whole = tables_module.assemble(results)
    monkeypatch.setattr(tables_module, "_FLUSH_ROWS", 7)
    chunked = tables_module.assemble(iter(results[::-1]))  # any arrival order: sorted by doc_id
    assert whole.documents["error"].notna().any() and len(whole.sections) > 7
    ordered = sorted(results, key=lambda r: r["documents"][0]["doc_id"])
    for name, df in whole.tables().items():
        pd.testing.assert_frame_equal(getattr(chunked, name), df, obj=name)
        if name != "duplicates":  # derived, not rows
            rows = [row for r in ordered for row in r[name]]
            reference = tables_module.conform(pd.DataFrame.from_records(rows) if rows else pd.DataFrame(), name)
            pd.testing.assert_frame_equal(reference, df, obj=name)


def test_corpus_text_with_a_lone_surrogate_gets_an_error_row_and_the_run_goes_on():
    """In-memory texts: one holding a surrogate code point (not Unicode text) gets a documents row with
    the error and no other rows; the others are analysed (the run used to stop with UnicodeEncodeError)."""
    good = SEED.read_text(encoding="utf-8")
    tables = C.analyze_corpus({"a.txt": good, "b.txt": good[:300] + "\udcff" + good[300:600]})
    docs = tables.documents.set_index("doc_id")
    assert pd.isna(docs.loc["a.txt", "error"]) and docs.loc["a.txt", "chars"] == len(good)
    assert docs.loc["b.txt", "error"].startswith("holds a lone surrogate U+DCFF at line ")
    assert set(tables.sections["doc_id"]) == {"a.txt"} and set(tables.terms["doc_id"]) == {"a.txt"}


def test_corpus_sentence_ends_as_runs_equal_the_regex_matches(gwr_docs):
    """theme_hit_rows finds the sentence ends of a text as runs of character classes (numpy): the same
    spans as the regex _END finds, on real reports and on random strings of stops, closing quotes,
    line breaks, blanks, astral characters and a lone surrogate."""
    import random

    from govtext.corpus.evidence import _END, _Chars

    def both(text):
        got = _Chars(text).sentence_ends()
        spans = list(zip(got.starts[:-1].tolist(), got.ends[:-1].tolist(), strict=True))
        closes = got.closes[:-1].tolist()
        return spans, closes

    def expected(text):
        spans = [m.span() for m in _END.finditer(text)]
        return spans, [a if text[a] in "\r\n" else b for a, b in spans]

    for doc in list(gwr_docs.values())[:20]:
        text = doc.text
        assert both(text) == expected(text)
    rnd = random.Random(17)
    for _ in range(3000):
        text = "".join(rnd.choice("中文。。！?;”」）)\n\r \u3000\U00020000\ud800") for _ in range(rnd.randint(0, 30)))
        assert both(text) == expected(text), repr(text)


def test_corpus_theme_hit_rows_equal_the_plain_scans_on_edge_cases():
    """theme_hit_rows finds each hit's sentence by bisecting its paragraph's sentence ends and its
    section by bisecting section boundaries: the same as sentence_around over the paragraph and a
    scan of every section, also for hits over a punctuation run or a line break, past a paragraph's
    end, outside every paragraph, in empty or overlapping sections (fixed-seed random cases)."""
    import random

    from govtext.corpus.evidence import sentence_around, theme_hit_rows
    from govtext.model import Paragraph, Section, ThemeHit

    def expected(text, hits, sections, paragraphs):
        rows = []
        for h in hits:
            para = next((p for p in paragraphs if p.start <= h.start_char < p.end), None)
            lo, hi = (para.start, para.end) if para else (0, len(text))
            s, e = sentence_around(text, h.start_char, h.end_char, lo, max(hi, h.end_char))
            inner = None
            for sec in sections:
                if sec.start_char <= h.start_char < max(sec.body_end, sec.end_char) and (
                        inner is None or sec.level >= inner.level):
                    inner = sec
            rows.append((s, text[s:e], None if inner is None else inner.index,
                         None if para is None else paragraphs.index(para)))
        return rows

    rnd = random.Random(16)
    for _ in range(2000):
        n = rnd.randint(1, 50)
        text = "".join(rnd.choice("中中文文。。！”）\n\r ;\u3000") for _ in range(n))
        cuts = sorted(rnd.sample(range(n + 1), min(n + 1, rnd.randint(0, 8))))
        paragraphs = [Paragraph(a, b, text[a:b]) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b]
        sections = [Section(i, None, rnd.randint(1, 3), "x", "", None, "", False, 1, 1, rnd.randint(0, n),
                            rnd.randint(0, n), rnd.randint(0, n)) for i in range(rnd.randint(0, 6))]
        hits = []
        for _ in range(rnd.randint(1, 10)):
            a = rnd.randint(0, n - 1)
            b = rnd.randint(a + 1, n)
            hits.append(ThemeHit("t", text[a:b], a, b, 1, 1))
        got = theme_hit_rows("d", text, hits, sections, paragraphs)
        assert [(r["sentence_start"], r["sentence"], r["section_index"], r["paragraph_index"]) for r in got] == \
            expected(text, hits, sections, paragraphs), text
