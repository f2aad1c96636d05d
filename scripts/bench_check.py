"""Benchmark for ``govtext check``: cold start on the seed and review throughput, each against jieba.

``run(texts, jieba_seconds)`` is called by ``scripts/bench.py``. The cold start is the wall time of a
fresh ``govtext check SEED`` process printing the whole text review (best of a few runs); next to it,
in the same run, a fresh process that only imports jieba and loads its dictionary — the review must
start faster than that (target), and aims at ≤ 0.5 s. Throughput is ``check_document`` over every text
in one process, against bare ``jieba.lcut`` on the same texts (target ≥ 5× its speed: a review needs
no segmentation), both timed twice in turn and the faster of each kept (``bench.next_to_jieba``).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = "2019_party_building_summary.txt"
RUNS = 5


def _best(cmd: list[str], runs: int = RUNS) -> tuple[float, subprocess.CompletedProcess]:
    best, proc = float("inf"), None
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        best = min(best, time.perf_counter() - t0)
    assert proc is not None
    return best, proc


def _cli() -> list[str]:
    exe = Path(sys.executable).parent / "govtext"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "govtext"]


def run(texts: dict[str, str], jieba_seconds: float) -> list[dict]:
    """Cold-start seconds for ``govtext check`` on the seed, and reviews per second over all texts."""
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        seed = Path(tmp) / SEED
        seed.write_text(texts[SEED], encoding="utf-8")
        _best(_cli() + ["check", str(seed)], 1)  # warm the OS file cache
        cold, proc = _best(_cli() + ["check", str(seed)])
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"govtext check failed: {proc.stderr.strip()}")
        jieba_cold, _ = _best([sys.executable, "-c", "import jieba; jieba.setLogLevel(60); jieba.initialize()"])
        rows.append({"metric": "check seed cold start (text)", "value": cold, "unit": "s",
                     "note": f"best of {RUNS}; {len(proc.stdout):,} characters of output; aim ≤ 0.5 s",
                     "target": f"< import jieba + dictionary load ({jieba_cold:.3f} s)", "ok": cold < jieba_cold})
        rows.append({"metric": "import jieba + dictionary load, cold", "value": jieba_cold, "unit": "s",
                     "note": f"python -c 'import jieba; jieba.initialize()', best of {RUNS}, same run"})
        for fmt in ("json", "html"):
            dt, proc = _best(_cli() + ["check", str(seed), "--format", fmt], 1)
            rows.append({"metric": f"check seed cold start --format {fmt}", "value": dt, "unit": "s",
                         "note": f"{len(proc.stdout):,} characters of output"})

    from govtext import Document
    from govtext.review import check_document

    docs = [Document.from_text(t, path=name) for name, t in texts.items()]
    chars = sum(len(d.text) for d in docs)
    check_document(docs[0])  # warm up: data files parsed, patterns compiled

    def reviews() -> tuple[float, None]:
        fresh = [Document.from_text(d.text, path=d.path) for d in docs]
        t0 = time.perf_counter()
        for d in fresh:
            check_document(d)
        return time.perf_counter() - t0, None

    from bench import next_to_jieba

    best, _, jieba_here = next_to_jieba(texts, reviews)
    ratio = jieba_here / best
    rows.append({"metric": "check_document speed / bare jieba speed", "value": ratio, "unit": "×",
                 "note": f"{len(docs)} texts, {chars / best / 1e6:.3f} M chars/s, {best:.2f} s vs jieba "
                         f"{jieba_here:.2f} s (both timed twice in turn, the faster of each kept)",
                 "target": "≥ 5×", "ok": ratio >= 5})
    own = min(_own_part(docs) for _ in range(2))
    rows.append({"metric": "check_document: view, tables, placeholders", "value": own, "unit": "s",
                 "note": f"line index, folded view, table spans and find_placeholders of the {len(docs)} texts: "
                         f"{own / best:.0%} of check_document (the rest: sections, themes, completeness)"})
    return rows


def _own_part(docs: list) -> float:
    """Seconds for what every review needs besides its stages: line index, view, tables, placeholders."""
    from govtext import Document
    from govtext.placeholders import find_placeholders

    fresh = [Document.from_text(d.text, path=d.path) for d in docs]
    t0 = time.perf_counter()
    for d in fresh:
        d.lines, d.view, d.tables  # noqa: B018 (computed once, on first use)
        find_placeholders(d)
    return time.perf_counter() - t0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench import load_texts, time_bare_jieba

    texts = load_texts()
    for r in run(texts, time_bare_jieba(texts)):
        print(f"{r['metric']:<45} {r['value']:8.3f} {r['unit']}  {r['note']}  {r.get('target', '')}")
