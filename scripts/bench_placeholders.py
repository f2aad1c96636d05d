"""Placeholder linter speed: throughput over the whole corpus, and the CLI's cold start next to Python's.

Called by ``scripts/bench.py``: ``run(texts, jieba_seconds) -> list[dict]``. Standalone:
``python scripts/bench_placeholders.py`` reads the 93 reports and the seed itself.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpora" / "seeds" / "2019_party_building_summary.txt"


def _lint_all(docs: list) -> tuple[float, int]:
    from govtext.placeholders import find_placeholders

    t0 = time.perf_counter()
    n = sum(len(find_placeholders(d)) for d in docs)
    return time.perf_counter() - t0, n


def _wall(cmd: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return times


def run(texts: dict[str, str], jieba_seconds: float) -> list[dict]:
    from govtext.model import Document

    docs = [Document.from_text(t, path=name) for name, t in texts.items()]
    mb = sum(len(t.encode("utf-8")) for t in texts.values()) / 1e6
    _lint_all(docs)  # warm up: rules compiled once per process
    secs, found = min(_lint_all(docs) for _ in range(3))
    rows = [
        {
            "metric": "placeholders lint throughput",
            "value": mb / secs,
            "unit": "MB/s",
            "note": f"{mb:.1f} MB UTF-8 in {len(docs)} texts, {secs:.3f} s (best of 3), {found} findings; "
            f"bare jieba.lcut takes {jieba_seconds:.1f} s ({jieba_seconds / secs:.0f}× longer)",
            "target": "≥ 50 MB/s",
            "ok": mb / secs >= 50,
        }
    ]
    exe = Path(sys.executable).parent / "govtext"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "govtext"]
    repeat = 7
    _wall(cli + ["placeholders", str(SEED)], 1)  # warm the OS file cache
    lint = _wall(cli + ["placeholders", str(SEED)], repeat)
    bare = _wall([sys.executable, "-c", "pass"], repeat)
    rows.append(
        {
            "metric": "govtext placeholders cold start (seed)",
            "value": statistics.median(lint),
            "unit": "s",
            "note": f"median of {repeat} (min {min(lint):.3f} s); `python -c pass` median "
            f"{statistics.median(bare):.3f} s in the same run",
            "target": "≤ 0.15 s",
            "ok": statistics.median(lint) <= 0.15,
        }
    )
    rows.append(
        {
            "metric": "python -c pass (baseline)",
            "value": statistics.median(bare),
            "unit": "s",
            "note": f"median of {repeat}, measured alongside the cold start above",
        }
    )
    return rows


if __name__ == "__main__":
    corpus = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora" / "gwr").glob("*.txt"))}
    corpus[SEED.name] = SEED.read_text(encoding="utf-8")
    for row in run(corpus, jieba_seconds=float("nan")):
        print(f"{row['metric']:<42} {row['value']:10.3f} {row['unit']:<5} {row['note']}")
