"""Discovery: the fitted TF-IDF/NMF models load, are reproducible, refuse a version mismatch, and give
meaningful distinctive terms and candidate themes."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import GWR, SEED, gwr_manifest
from govtext.discovery import (
    DEFAULTS,
    content_words,
    distinctive_terms,
    fit_corpus_dir,
    fitted_dir,
    load_discovery,
    propose_topics,
    stop_words,
)
from govtext.errors import DataFileError
from govtext.sections import extract_sections
from govtext.themes import tag_themes


@pytest.fixture(scope="module")
def shipped():
    return load_discovery()


def test_discovery_fitted_model_loads_with_metadata(shipped):
    import sklearn

    meta = shipped.metadata
    for key in (
        "format_version",
        "sklearn_version",
        "corpus",
        "documents",
        "fitted",
        "params",
        "lexicon_version",
    ):
        assert key in meta
    assert meta["corpus"] == "corpora/gwr"
    assert meta["documents"] == sorted(row["file"] for row in gwr_manifest())
    assert meta["sklearn_version"].split(".")[:2] == sklearn.__version__.split(".")[:2]
    assert len(shipped.vectorizer.vocabulary_) == meta["vocabulary_size"] <= DEFAULTS["max_features"]
    assert shipped.nmf.components_.shape == (meta["params"]["n_topics"], meta["vocabulary_size"])
    size = sum(p.stat().st_size for p in fitted_dir().iterdir())
    assert size < 3 * 1024 * 1024  # small enough to ship


def test_discovery_refit_reproduces_the_shipped_vocabulary(shipped):
    refit = fit_corpus_dir(GWR, **shipped.metadata["params"])
    assert refit.metadata["dictionary_digest"] == shipped.metadata["dictionary_digest"], (
        "the jieba dictionaries changed since the shipped fit: run python scripts/fit_discovery.py"
    )
    assert refit.vectorizer.vocabulary_ == shipped.vectorizer.vocabulary_
    assert refit.vectorizer.idf_ == pytest.approx(shipped.vectorizer.idf_, rel=1e-5)
    assert [t.terms for t in refit.topics(8)] == [t.terms for t in shipped.topics(8)]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("sklearn_version", "0.1.0", "scikit-learn 0.1.0"), ("format_version", 99, "format 99")],
)
def test_discovery_version_mismatch_is_an_error_with_a_refit_hint(tmp_path, field, value, message):
    target = tmp_path / "fitted"
    shutil.copytree(fitted_dir(), target)
    meta = json.loads((target / "discovery.json").read_text(encoding="utf-8"))
    meta[field] = value
    (target / "discovery.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_discovery(target)
    assert message in str(err.value) and "govtext themes fit" in str(err.value)


def test_discovery_missing_model_is_an_error(tmp_path):
    with pytest.raises(DataFileError, match="govtext themes fit"):
        load_discovery(tmp_path)


def test_discovery_content_words_skip_stop_words_and_keep_offsets():
    text = "我们进一步加强主题教育，推进精准扶贫工作。"
    words = content_words(text)
    assert ("主题教育", 7, 11) in words and ("精准扶贫", 14, 18) in words
    assert all(text[s:e] == w for w, s, e in words)
    assert not {w for w, _, _ in words} & stop_words()


def test_discovery_seed_distinctive_terms_are_meaningful(shipped):
    text = SEED.read_text(encoding="utf-8")
    terms = distinctive_terms(text, model=shipped)
    words = [t.term for t in terms]
    assert len(words) == 15
    assert {"主题教育", "党员"} <= set(words)
    assert not set(words) & stop_words()
    scores = [t.score for t in terms]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_discovery_sections_get_their_own_distinctive_terms(seed_doc, shipped):
    outline = extract_sections(seed_doc)
    res = tag_themes(seed_doc, outline=outline, distinctive=True)
    top = {s.marker: s.index for s in outline.sections if s.level == 1}
    terms = {s.index: {d.term for d in s.distinctive_terms} for s in res.sections}
    assert {"精准脱贫", "扶贫"} & terms[top["五、"]]
    assert {"党风廉政建设", "反腐倡廉"} <= terms[top["三、"]]
    assert "河长制" in terms[top["六、"]]
    assert res.to_dict()["distinctive_terms"]


def test_discovery_shipped_topics_mark_lexicon_terms(shipped):
    topics = shipped.topics(10)
    assert len(topics) == shipped.metadata["params"]["n_topics"]
    assert any(t.in_lexicon[i] for t in topics for i in range(len(t.terms)))
    assert any(t.novelty == 1.0 for t in topics)  # some topics are entirely new to the lexicon


def test_discovery_propose_topics_is_deterministic(gwr_docs, shipped):
    texts = {
        n: gwr_docs[n].text
        for n in ("gwr_2019_national.txt", "gwr_2020_national.txt", "gwr_2021_national.txt")
    }
    a = propose_topics(texts, n_topics=4, top=6, model=shipped)
    b = propose_topics(texts, n_topics=4, top=6, model=shipped)
    assert [t.terms for t in a] == [t.terms for t in b]
    assert len(a) == 4 and all(len(t.terms) == 6 for t in a)


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    from govtext.cli import main

    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def test_discovery_cli_fit_and_topics(capsys, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("gwr_2016_national.txt", "gwr_2017_national.txt", "gwr_2018_national.txt"):
        shutil.copy(GWR / name, corpus / name)
    out_dir = tmp_path / "fitted"
    code, out, err = run_cli(capsys, "themes", "fit", str(corpus), "--out", str(out_dir), "--topics", "3")
    assert code == 0, err
    assert "fitted on 3 documents" in out
    model = load_discovery(out_dir)
    assert model.metadata["documents"] == sorted(p.name for p in corpus.iterdir())
    code, out, _ = run_cli(capsys, "themes", "topics", "--top", "5")
    assert code == 0 and out.count("topic") == load_discovery().metadata["params"]["n_topics"]
    code, out, _ = run_cli(capsys, "themes", "topics", str(corpus), "--topics", "3", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 3


def test_discovery_cli_fit_bad_corpus_exits_2(capsys, tmp_path):
    code, _, err = run_cli(capsys, "themes", "fit", str(tmp_path / "missing"))
    assert code == 2 and err.startswith("govtext: ")


def test_discovery_bad_manifest_is_one_line_naming_it(tmp_path):
    """`themes fit DIR`: an unterminated quote or a manifest without its file column is a data-file error."""
    from govtext.discovery import corpus_texts

    (tmp_path / "manifest.csv").write_text('file,year\n"a.txt,2019\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"manifest.csv: malformed manifest"):
        corpus_texts(tmp_path)
    (tmp_path / "manifest.csv").write_text("name,year\na.txt,2019\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"manifest.csv:1: no 'file' column"):
        corpus_texts(tmp_path)
