"""Segmentation speed next to bare ``jieba.lcut``: govtext's engines and the spaCy tokenizer.

Run through ``scripts/bench.py`` (or ``python scripts/bench_segment.py`` on its own). Reports chars/s
and the time ratio against bare jieba for: the govtext jieba engine (private tokenizer + domain
dictionary), the rjieba engine, ``nlp.pipe`` with govtext's tokenizer (Doc built from the words) for
both engines, and — for comparison — the same words put through spaCy's generic words-to-text
alignment (``spacy.util.get_words_and_spaces``), which govtext's tokenizer avoids, and spaCy's own
``zh`` tokenizer in jieba mode (global jieba, default dictionary) as a reference.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable


def _time(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _consume(it: Iterable[object]) -> None:
    for _ in it:
        pass


def run(texts: dict[str, str], jieba_seconds: float) -> list[dict]:
    from spacy.tokens import Doc
    from spacy.util import get_words_and_spaces

    from govtext import pipeline
    from govtext.segment import make_segmenter

    values = list(texts.values())
    chars = sum(len(t) for t in values)
    rows: list[dict] = []

    def add(metric: str, seconds: float, note: str = "") -> None:
        rows.append({"metric": metric, "value": chars / seconds / 1e6, "unit": "M chars/s",
                     "note": f"{seconds / jieba_seconds:.2f}× bare jieba time ({seconds:.2f} s){note}"})

    # Loading (the prefix dictionary comes from the user cache after the first run).
    jb = make_segmenter("jieba")
    load_s = _time(lambda: jb.cut("主题教育"))
    rj = make_segmenter("rjieba")
    rload_s = _time(lambda: rj.cut("主题教育"))
    rows.append({"metric": "load jieba engine (cache)", "value": load_s, "unit": "s",
                 "note": "private jieba.Tokenizer from the user cache + domain dictionaries"})
    rows.append({"metric": "load rjieba engine", "value": rload_s, "unit": "s",
                 "note": "rjieba.Jieba() + add_word for the domain dictionaries"})

    words_by_text: list[list[str]] = []
    add("govtext jieba engine", _time(lambda: words_by_text.extend(jb.cut(t) for t in values)))
    add("govtext rjieba engine", _time(lambda: [rj.cut(t) for t in values]))

    nlp = pipeline.build("jieba", components=[])
    nlp_fast = pipeline.build("rjieba", components=[])
    add("spaCy nlp.pipe, jieba engine", _time(lambda: _consume(nlp.pipe(values))), "; tokenizer only")
    add("spaCy nlp.pipe, rjieba engine", _time(lambda: _consume(nlp_fast.pipe(values))), "; tokenizer only")
    add("spaCy nlp.pipe, rjieba engine, warm", _time(lambda: _consume(nlp_fast.pipe(values))),
        "; second pass: the vocab already holds the lexemes")

    # spaCy's own Chinese tokenizer in jieba mode (global jieba, default dictionary, generic alignment).
    import spacy

    zh = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    add("spaCy zh tokenizer (segmenter=jieba)", _time(lambda: _consume(zh.pipe(values))),
        "; spaCy's built-in path, for comparison")

    # What building the Doc costs, given the words: direct (govtext) vs spaCy's generic alignment.
    vocab = nlp.vocab
    direct_s = _time(lambda: [Doc(vocab, words=w, spaces=[False] * len(w)) for w in words_by_text])

    def aligned() -> None:
        for text, words in zip(values, words_by_text, strict=True):
            ws, sp = get_words_and_spaces([w for w in words if w], text)
            Doc(vocab, words=ws, spaces=sp)

    align_s = _time(aligned)
    rows.append({"metric": "Doc from words, direct", "value": direct_s / jieba_seconds, "unit": "× jieba time",
                 "note": f"{direct_s:.2f} s: Doc(vocab, words, spaces=[False]*n), as govtext's tokenizer does"})
    rows.append({"metric": "Doc from words, spaCy alignment", "value": align_s / jieba_seconds,
                 "unit": "× jieba time",
                 "note": f"{align_s:.2f} s: get_words_and_spaces + Doc (spaCy's zh jieba path), avoided"})
    return rows


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench import load_texts, time_bare_jieba

    texts = load_texts()
    base = time_bare_jieba(texts)
    print(f"bare jieba: {sum(map(len, texts.values())) / base / 1e6:.3f} M chars/s ({base:.2f} s)")
    for r in run(texts, base):
        print(f"{r['metric']:<34} {r['value']:>9.3f} {r['unit']:<12} {r['note']}")
