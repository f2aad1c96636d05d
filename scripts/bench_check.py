"""Benchmark for ``govtext check``: cold-start wall time on the seed (target < 2 s) and review throughput.

``run(texts, jieba_seconds)`` is called by ``scripts/bench.py``. The cold start is measured as the
wall time of a fresh ``python -m govtext check SEED`` subprocess printing the whole text review
(best and worst of a few runs); next to it, what importing scikit-learn's TF-IDF (the completeness
similarity model) alone costs in a fresh process, the largest part of that start. Throughput is
``check_document`` over every text in one process.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = "2019_party_building_summary.txt"
RUNS = 3


def run(texts: dict[str, str], jieba_seconds: float) -> list[dict]:
    """Cold-start seconds for ``govtext check`` on the seed, and reviews per second over all texts."""
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        seed = Path(tmp) / SEED
        seed.write_text(texts[SEED], encoding="utf-8")
        times = []
        for fmt in ("text", "json", "html"):
            for _ in range(RUNS if fmt == "text" else 1):
                t0 = time.perf_counter()
                proc = subprocess.run(
                    [sys.executable, "-m", "govtext", "check", str(seed), "--format", fmt],
                    capture_output=True, text=True,
                )
                dt = time.perf_counter() - t0
                if proc.returncode not in (0, 1):
                    raise RuntimeError(f"govtext check failed: {proc.stderr.strip()}")
                if fmt == "text":
                    times.append(dt)
                else:
                    rows.append({"metric": f"check seed cold start --format {fmt}", "value": dt, "unit": "s",
                                 "note": f"{len(proc.stdout):,} characters of output"})
        rows.insert(0, {"metric": "check seed cold start (text, best)", "value": min(times), "unit": "s",
                        "note": f"target < 2 s; worst of {RUNS}: {max(times):.2f} s"})
        imports = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import sklearn.feature_extraction.text"], check=True)
            imports.append(time.perf_counter() - t0)
        rows.insert(1, {"metric": "import sklearn TF-IDF alone, cold", "value": min(imports),
                        "unit": "s", "note": f"python -c 'import sklearn.feature_extraction.text', best of {RUNS}; part of check's cold start"})

    from govtext import Document
    from govtext.review import check_document

    docs = [Document.from_text(t, path=name) for name, t in texts.items()]
    chars = sum(len(d.text) for d in docs)
    t0 = time.perf_counter()
    for d in docs:
        check_document(d)
    dt = time.perf_counter() - t0
    rows.append({"metric": "check_document throughput", "value": len(docs) / dt, "unit": "docs/s",
                 "note": f"{len(docs)} texts, {chars / dt / 1e6:.3f} M chars/s = {jieba_seconds / dt:.2f}× bare jieba speed"})
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench import load_texts, time_bare_jieba

    texts = load_texts()
    for r in run(texts, time_bare_jieba(texts)):
        print(f"{r['metric']:<45} {r['value']:8.3f} {r['unit']}  {r['note']}")
