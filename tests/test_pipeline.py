"""govtext.pipeline and the spaCy tokenizer: exact text, pickling, multiprocessing, serialization."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import pytest

from conftest import DATA, GWR, GWR_FILES, SEED
from govtext import pipeline
from govtext.errors import UsageError
from govtext.segment import TOKENIZER_NAME, GovtextTokenizer, segment_words

TRICKY = [
    "",
    " ",
    "\r\n",
    "　　一、加强党建\r\n（一）坚持\t主题教育 a  b\u00a0c。\r\n\n😀𠀀X月初，党费X元\r",
    "各位代表：\n\n　　现在，我代表国务院，向大会报告政府工作，请予审议。  \t\u3000",
]
SAMPLE = [SEED, GWR / "gwr_1954_national.txt", GWR / "gwr_2019_national.txt"]


def _read(path) -> str:
    return path.read_text(encoding="utf-8-sig")


@pytest.fixture(scope="module")
def nlp():
    return pipeline.load()


def test_pipeline_load_builds_once_with_govtext_tokenizer(nlp):
    assert pipeline.load() is nlp
    assert pipeline.load("jieba") is nlp
    assert isinstance(nlp.tokenizer, GovtextTokenizer)
    assert nlp.lang == "zh"
    assert nlp.pipe_names == pipeline.COMPONENTS
    assert nlp.config["nlp"]["tokenizer"] == {"@tokenizers": TOKENIZER_NAME, "engine": "jieba"}
    analysis = nlp.analyze_pipes()
    assert analysis["problems"] == {name: [] for name in nlp.pipe_names}


def test_pipeline_spacy_blank_uses_registered_tokenizer():
    import spacy

    for engine in ("jieba", "rjieba"):
        blank = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER_NAME, "engine": engine}}})
        assert isinstance(blank.tokenizer, GovtextTokenizer) and blank.tokenizer.engine == engine
        assert "党风廉政建设" in [t.text for t in blank("加强党风廉政建设。")]


def test_pipeline_unknown_engine_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown segmentation engine"):
        pipeline.load("thulac")


@pytest.mark.parametrize("text", TRICKY)
def test_pipeline_doc_text_is_the_original_text(nlp, text):
    doc = nlp(text)
    assert doc.text == text
    assert [t.text for t in doc] == segment_words(text)
    assert all(text[t.idx : t.idx + len(t)] == t.text for t in doc)


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: p.name)
def test_pipeline_doc_text_on_corpus_sample(nlp, path):
    text = _read(path)
    doc = nlp(text)
    assert doc.text == text
    assert all(text[t.idx : t.idx + len(t)] == t.text for t in doc)
    assert len(doc) == len(segment_words(text))


def test_pipeline_rjieba_engine_keeps_text(nlp):
    fast = pipeline.load("rjieba")
    assert fast is not nlp and fast.tokenizer.engine == "rjieba"
    text = _read(SEED)
    assert fast(text).text == text


def test_pipeline_pickles_nlp_and_tokenizer(nlp):
    text = TRICKY[3]
    tok_blob = pickle.dumps(nlp.tokenizer)
    assert b"jieba.Tokenizer" not in tok_blob and b"FREQ" not in tok_blob
    tok = pickle.loads(tok_blob)
    assert [t.text for t in tok(text)] == [t.text for t in nlp(text)]
    again = pickle.loads(pickle.dumps(nlp))
    assert isinstance(again.tokenizer, GovtextTokenizer)
    assert [t.text for t in again(text)] == [t.text for t in nlp(text)]
    assert again(text).text == text


def test_pipeline_docbin_round_trip(nlp):
    from spacy.tokens import DocBin

    texts = TRICKY + [_read(SEED)]
    docs = list(nlp.pipe(texts))
    blob = DocBin(docs=docs, store_user_data=True).to_bytes()
    back = list(DocBin().from_bytes(blob).get_docs(nlp.vocab))
    assert [d.text for d in back] == texts
    assert [[t.text for t in d] for d in back] == [[t.text for t in d] for d in docs]


def test_pipeline_to_disk_and_spacy_load(nlp, tmp_path):
    import spacy

    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    assert isinstance(loaded.tokenizer, GovtextTokenizer)
    assert loaded.tokenizer.engine == "jieba"
    text = TRICKY[3]
    assert [t.text for t in loaded(text)] == [t.text for t in nlp(text)]
    tok = GovtextTokenizer(nlp.vocab, "rjieba").from_bytes(nlp.tokenizer.to_bytes())
    assert tok.engine == "jieba"


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_pipeline_pipe_n_process_2_matches_single_process(method, tmp_path):
    files = [str(SEED), str(GWR_FILES[0]), str(GWR_FILES[-1]), str(GWR / "gwr_1978_national.txt")]
    proc = subprocess.run(
        [sys.executable, str(DATA / "segment_pipe_check.py"), method, *files],
        cwd=tmp_path, env={**os.environ}, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = json.loads(proc.stdout)
    assert out == {"same": True, "docs": 4, "tokens": out["tokens"], "start_method": method}
    assert out["tokens"] > 10000
