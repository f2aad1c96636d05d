"""Theme tagging speed: ``tag_themes`` over the whole corpus next to bare ``jieba.lcut``.

Called by ``scripts/bench.py``: ``run(texts, jieba_seconds) -> list[dict]``. Target: tagging all
texts takes at most 1.5× the time of bare jieba segmentation of the same texts. Each timing builds
fresh ``Document`` objects and includes line/column lookup, paragraph and section tagging (the
outline is extracted beforehand: that cost belongs to ``bench_sections``). A second row adds the
TF-IDF distinctive terms (one domain-dictionary jieba pass per document).
"""

from __future__ import annotations

import time


def _tag_all(texts: dict[str, str], outlines: dict, *, distinctive: bool) -> tuple[float, int]:
    from govtext.model import Document
    from govtext.themes import tag_themes

    t0 = time.perf_counter()
    hits = 0
    for name, text in texts.items():
        res = tag_themes(Document(text=text, path=name), outline=outlines[name], distinctive=distinctive)
        hits += len(res.evidence)
    return time.perf_counter() - t0, hits


def run(texts: dict[str, str], jieba_seconds: float) -> list[dict]:
    from govtext.model import Document
    from govtext.sections import extract_sections

    outlines = {name: extract_sections(Document(text=text, path=name)) for name, text in texts.items()}
    _tag_all(texts, outlines, distinctive=False)  # warm up: lexicon parsed, regex compiled
    secs, hits = min(_tag_all(texts, outlines, distinctive=False) for _ in range(3))
    rows = [
        {
            "metric": "tag_themes / bare jieba",
            "value": secs / jieba_seconds,
            "unit": "×",
            "note": f"{secs:.3f} s for {len(texts)} texts ({hits} hits) vs {jieba_seconds:.3f} s jieba",
            "target": "≤ 1.5×",
            "ok": secs / jieba_seconds <= 1.5,
        }
    ]
    _tag_all(texts, outlines, distinctive=True)  # warm up: fitted model and segmenter loaded
    secs_d, _ = _tag_all(texts, outlines, distinctive=True)
    rows.append(
        {
            "metric": "tag_themes + distinctive terms / bare jieba",
            "value": secs_d / jieba_seconds,
            "unit": "×",
            "note": f"{secs_d:.3f} s incl. domain-dictionary segmentation and TF-IDF per document and section",
        }
    )
    return rows
