"""Section extraction speed: ``extract_sections`` over the whole corpus next to bare ``jieba.lcut``.

Called by ``scripts/bench.py``: ``run(texts, jieba_seconds) -> list[dict]``. Each timing builds fresh
``Document`` objects, so paragraph splitting and the folded view are included; the target is at
least 5× the speed of bare jieba (extraction needs no jieba at all).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _extract_all(texts: dict[str, str], shared_first: bool = False) -> tuple[float, int, int]:
    """Seconds to extract every text's outline from a fresh ``Document``, section and finding counts.

    ``shared_first``: the Document properties other stages read too (paragraphs, folded view, tables,
    line index) are computed before the clock starts, so only the extraction's own work is timed.
    """
    from govtext.model import Document
    from govtext.sections import extract_sections

    docs = [Document(text=text, path=name) for name, text in texts.items()]
    if shared_first:
        for doc in docs:
            _ = doc.paragraphs, doc.view, doc.tables, doc.lines
    t0 = time.perf_counter()
    n_sections = n_findings = 0
    for doc in docs:
        outline = extract_sections(doc)
        n_sections += len(outline.sections)
        n_findings += len(outline.findings)
    return time.perf_counter() - t0, n_sections, n_findings


def run(texts: dict[str, str], jieba_seconds: float) -> list[dict]:
    chars = sum(len(t) for t in texts.values())
    _extract_all(texts)  # warm up: data files loaded, regexes compiled
    runs = [_extract_all(texts) for _ in range(3)]
    secs, n_sections, n_findings = min(runs)
    rows = [
        {
            "metric": "extract_sections",
            "value": chars / secs / 1e6,
            "unit": "M chars/s",
            "note": f"{secs:.3f} s for {len(texts)} texts ({n_sections} sections, {n_findings} findings); "
            f"{jieba_seconds / secs:.1f}× faster than bare jieba",
            "target": "≥ 5× bare jieba speed",
            "ok": jieba_seconds / secs >= 5,
        }
    ]
    own = min(_extract_all(texts, shared_first=True)[0] for _ in range(3))
    rows.append(
        {
            "metric": "extract_sections, shared Document properties computed first",
            "value": chars / own / 1e6,
            "unit": "M chars/s",
            "note": f"{own:.3f} s: the extraction's own work; paragraphs, folded view, tables and line index "
            f"(shared with the other stages) took the other {secs - own:.3f} s above",
        }
    )
    seed = ROOT / "corpora" / "seeds" / "2019_party_building_summary.txt"
    best = min(_timed([sys.executable, "-m", "govtext", "outline", str(seed)]) for _ in range(3))
    rows.append(
        {"metric": "govtext outline cold start", "value": best, "unit": "s", "note": "seed, best of 3"}
    )
    return rows


def _timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, cwd=ROOT)  # exits 1: the seed has findings
    if r.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.decode()[:200]}")
    return time.perf_counter() - t0
