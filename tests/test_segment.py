"""govtext.segment: domain dictionary, private jieba, rjieba agreement, cache handling, CLI."""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GWR_FILES, ROOT, SEED
from govtext import segment
from govtext.errors import DataFileError, UsageError
from govtext.segment import (
    JiebaSegmenter,
    get_segmenter,
    make_segmenter,
    read_dictionary,
    segment_spans,
    segment_words,
)

DOMAIN = ROOT / "models" / "jieba" / "domain.txt"
# The four terms issue 2 names, each in a sentence from the seed / a typical summary.
WHOLE_TERMS = {
    "主题教育": "认真开展“不忘初心、牢记使命”主题教育工作。",
    "精准扶贫": "扎实推进精准扶贫工作，确保贫困户如期脱贫。",
    "巡察整改": "抓好巡察整改，对照问题清单逐项销号。",
    "党风廉政建设": "落实党风廉政建设主体责任，加强警示教育。",
}
TRICKY = "　　一、加强党建\r\n（一）坚持\t主题教育 a  b\u00a0c。\r\n\n😀𠀀X月初，党费X元\r"


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")


def _spans(words: list[str]) -> set[tuple[int, int]]:
    out, pos = set(), 0
    for w in words:
        out.add((pos, pos + len(w)))
        pos += len(w)
    return out


@pytest.fixture(scope="module")
def corpus_texts() -> dict[str, str]:
    texts = {p.name: _read(p) for p in GWR_FILES}
    texts[SEED.name] = _read(SEED)
    return texts


@pytest.fixture(scope="module")
def corpus_jieba(corpus_texts) -> dict[str, list[str]]:
    seg = get_segmenter("jieba")
    return {name: seg.cut(text) for name, text in corpus_texts.items()}


# --------------------------------------------------------------------------- dictionary


def test_segment_domain_dictionary_is_large_valid_and_unique():
    entries = read_dictionary(DOMAIN)
    words = [e.word for e in entries]
    assert len(entries) >= 300
    assert len(set(words)) == len(words)
    assert all(e.freq and e.freq > 0 and e.tag for e in entries)
    # jieba only matches runs of Han/ASCII word characters: a term with other punctuation never matches.
    assert all(re.fullmatch(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+", w) for w in words)
    for w in ("主题教育", "三会一课", "两个维护", "四个意识", "一岗双责", "河长制", "放管服", "碳达峰"):
        assert w in words


def test_segment_every_domain_term_is_one_word_on_its_own():
    seg = get_segmenter("jieba")
    split = [e.word for e in read_dictionary(DOMAIN) if seg.cut(e.word) != [e.word]]
    assert split == []


@pytest.mark.parametrize("term", sorted(WHOLE_TERMS))
def test_segment_domain_dictionary_keeps_terms_whole_where_plain_jieba_splits(term):
    import jieba

    sentence = WHOLE_TERMS[term]
    plain = jieba.lcut(sentence)  # the global tokenizer with jieba's default dictionary
    ours = segment_words(sentence)
    assert term not in plain and any(w in term for w in plain if len(w) > 1), plain
    assert term in ours, ours
    assert "".join(ours) == sentence


def test_segment_domain_terms_stay_whole_in_context_on_the_corpus(corpus_texts, corpus_jieba):
    terms = sorted((e.word for e in read_dictionary(DOMAIN)), key=len, reverse=True)
    rx = re.compile("|".join(map(re.escape, terms)))
    found = whole = 0
    for name, text in corpus_texts.items():
        spans = _spans(corpus_jieba[name])
        for m in rx.finditer(text):
            found += 1
            whole += (m.start(), m.end()) in spans
    # The rest are legitimately longer words (爱国统一战线, 技术开发区, 义务教育法 …).
    assert found > 10000
    assert whole / found >= 0.98, (whole, found)


@pytest.mark.parametrize(
    "content, line",
    [("主题教育 5000 nz\n四风 abc 1\n", 2), ("主题教育 0\n", 1), ("a 1 n x\n", 1), ("\n\n主题教育 -3\n", 3)],
)
def test_segment_bad_dictionary_line_names_file_and_line(tmp_path, content, line):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        read_dictionary(path)
    assert f"bad.txt:{line}:" in str(err.value)


def test_segment_dictionary_optional_freq_and_tag(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("\ufeff巡察整改\n一村一品 3000\n河湖长制 nz\n", encoding="utf-8")
    entries = read_dictionary(path)
    assert [(e.word, e.freq, e.tag) for e in entries] == [
        ("巡察整改", None, None), ("一村一品", 3000, None), ("河湖长制", None, "nz")]
    seg = make_segmenter("jieba", dictionaries=[path])
    assert "河湖长制" in seg.cut("全面推行河湖长制。")


# --------------------------------------------------------------------------- text is kept exactly


def test_segment_words_concatenate_to_every_corpus_file(corpus_texts, corpus_jieba):
    assert len(corpus_texts) == 94
    for name, text in corpus_texts.items():
        assert "".join(corpus_jieba[name]) == text, name
        assert "" not in corpus_jieba[name], name


def test_segment_spans_offsets_index_the_original_text(seed_doc):
    for text in (seed_doc.text, TRICKY, ""):
        words = segment_spans(text)
        assert "".join(w.text for w in words) == text
        assert all(text[w.start_char : w.end_char] == w.text for w in words)


def test_segment_realigns_words_that_do_not_cover_the_text():
    assert segment.checked_words("ab c", ["ab", "c"]) == ["ab", " ", "c"]
    assert segment.checked_words("abc", ["a", "", "bc"]) == ["a", "bc"]


# --------------------------------------------------------------------------- engines


def test_segment_rjieba_agrees_with_jieba(corpus_texts, corpus_jieba):
    seg = get_segmenter("rjieba")
    same = total = 0
    for name, text in corpus_texts.items():
        words = seg.cut(text)
        assert "".join(words) == text, name
        ours = _spans(corpus_jieba[name])
        same += len(ours & _spans(words))
        total += len(ours)
    assert same / total >= 0.99
    assert seg.cut(WHOLE_TERMS["党风廉政建设"]) == segment_words(WHOLE_TERMS["党风廉政建设"])


def test_segment_shared_segmenter_is_built_once_per_engine():
    assert get_segmenter() is get_segmenter("jieba") is get_segmenter(engine="jieba")
    assert get_segmenter("rjieba") is not get_segmenter("jieba")


def test_segment_unknown_engine_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown segmentation engine 'pkuseg'"):
        make_segmenter("pkuseg")
    with pytest.raises(UsageError):
        segment_words("主题教育", engine="")


def test_segment_segmenters_pickle_without_their_engine():
    for engine in ("jieba", "rjieba"):
        seg = make_segmenter(engine)
        seg.cut("主题教育")  # engine loaded
        blob = pickle.dumps(seg)
        assert len(blob) < 2000  # paths only, not the 350 000-entry prefix dictionary
        again = pickle.loads(blob)
        assert again.cut(WHOLE_TERMS["巡察整改"]) == seg.cut(WHOLE_TERMS["巡察整改"])


# --------------------------------------------------------------------------- jieba global state, cache

_GLOBAL_CHECK = """
import json, os, sys, jieba
before = (jieba.dt.initialized, dict(jieba.dt.FREQ), jieba.dt.total)
from govtext.segment import segment_words
words = segment_words("深入开展主题教育，推进巡察整改。")
after = (jieba.dt.initialized, dict(jieba.dt.FREQ), jieba.dt.total)
jieba.setLogLevel(60)
plain = jieba.lcut("深入开展主题教育，推进巡察整改。")
print(json.dumps({"same": before == after, "words": words, "plain": plain,
                  "in_global": "主题教育" in jieba.dt.FREQ, "cwd": sorted(os.listdir(".")),
                  "spacy": "spacy" in sys.modules}))
"""


def test_segment_leaves_jiebas_global_tokenizer_and_cwd_alone(tmp_path):
    cache = tmp_path / "cache"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = {**os.environ, "GOVTEXT_CACHE_DIR": str(cache), "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()
    proc = subprocess.run([sys.executable, "-c", _GLOBAL_CHECK], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["same"] and not out["in_global"]
    assert out["spacy"] is False  # segment_words never imports spaCy
    assert "主题教育" in out["words"] and "主题教育" not in out["plain"]
    assert out["cwd"] == []
    assert [p.name for p in cache.iterdir()][0].startswith("jieba-")
    assert proc.stderr == ""  # nothing logged (jieba's global logger is silenced only for `plain`)


def test_segment_cache_dir_follows_env(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVTEXT_CACHE_DIR", str(tmp_path / "c"))
    assert segment.cache_dir() == tmp_path / "c"
    monkeypatch.delenv("GOVTEXT_CACHE_DIR")
    assert segment.cache_dir().name == "govtext"


def test_segment_works_when_the_cache_cannot_be_written(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    unwritable = blocker / "cache"  # cannot be created, even by root
    monkeypatch.setenv("GOVTEXT_CACHE_DIR", str(unwritable))
    seg = JiebaSegmenter()
    assert "巡察整改" in seg.cut(WHOLE_TERMS["巡察整改"])
    assert blocker.read_text() == "not a directory"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
    if os.geteuid() != 0:  # a read-only directory (root ignores the mode bits)
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        monkeypatch.setenv("GOVTEXT_CACHE_DIR", str(ro))
        assert "主题教育" in JiebaSegmenter().cut(WHOLE_TERMS["主题教育"])
        assert list(ro.iterdir()) == []


def test_segment_cache_is_reused_and_survives_a_corrupt_file(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVTEXT_CACHE_DIR", str(tmp_path))
    first = JiebaSegmenter()
    words = first.cut(WHOLE_TERMS["精准扶贫"])
    (cache_file,) = tmp_path.iterdir()
    assert JiebaSegmenter().cut(WHOLE_TERMS["精准扶贫"]) == words
    cache_file.write_bytes(b"garbage")
    assert JiebaSegmenter().cut(WHOLE_TERMS["精准扶贫"]) == words
    assert [p.name for p in tmp_path.iterdir()] == [cache_file.name]


_PARALLEL = """
import sys
from govtext.segment import segment_words
print("/".join(segment_words(sys.argv[1])))
"""


def test_segment_parallel_processes_share_one_cold_cache(tmp_path):
    env = {**os.environ, "GOVTEXT_CACHE_DIR": str(tmp_path / "cache")}
    procs = [subprocess.Popen([sys.executable, "-c", _PARALLEL, WHOLE_TERMS["党风廉政建设"]], env=env,
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert len({o for o, _ in outs}) == 1 and "党风廉政建设" in outs[0][0]
    assert [p.name for p in (tmp_path / "cache").iterdir() if not p.name.startswith("jieba-")] == []
    assert all(err == "" for _, err in outs)


# --------------------------------------------------------------------------- CLI


def _run_cli(capsys, *args: str) -> tuple[int, str, str]:
    from govtext.cli import main

    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_segment_cli_json_offsets(capsys, tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(TRICKY.encode("utf-8"))
    code, out, _ = _run_cli(capsys, "segment", "--format", "json", str(path), str(SEED))
    assert code == 0
    data = json.loads(out)
    assert [d["path"] for d in data] == [str(path), str(SEED)]
    for item, text in zip(data, (TRICKY, _read(SEED)), strict=True):
        assert item["tokens"] and "".join(t["text"] for t in item["tokens"]) == text
        assert all(text[t["start_char"] : t["end_char"]] == t["text"] for t in item["tokens"])
    assert any(t["text"] == "主题教育" for t in data[1]["tokens"])


def test_segment_cli_text_is_words_line_by_line(capsys, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("我们深入开展主题教育，\r\n　　加强党风廉政建设。\r\n", encoding="utf-8")
    code, out, _ = _run_cli(capsys, "segment", str(path))
    assert code == 0
    assert out == "我们 深入开展 主题教育 ，\n加强 党风廉政建设 。\n"
    code, out, _ = _run_cli(capsys, "segment", "--engine", "rjieba", "--format", "jsonl", str(path))
    assert code == 0 and json.loads(out.splitlines()[0])["tokens"][2]["text"] == "主题教育"


def test_segment_cli_bad_input_exits_2(capsys, tmp_path):
    code, _, err = _run_cli(capsys, "segment", str(tmp_path / "missing.txt"))
    assert code == 2 and err.startswith("govtext: ") and "missing.txt" in err and "Traceback" not in err
    code, _, err = _run_cli(capsys, "segment", "--engine", "pkuseg", str(SEED))
    assert code == 2 and "pkuseg" in err
