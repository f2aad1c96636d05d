#!/usr/bin/env python3
"""Corpus analysis speed: documents/s with 1 and 2 local processes and on a 2-worker Dask
LocalCluster, next to bare jieba on the same texts, and the peak memory of the whole process tree.

Called by ``scripts/bench.py`` (``run(texts, jieba_seconds)``) or alone: ``python scripts/bench_corpus.py``.
Every run analyses every text from scratch (no stored results); process-pool and cluster start-up
are included in their times, as a user would see them. Target: the whole analysis at most 2× bare
jieba's time per core (reported, not asserted).
"""

from __future__ import annotations

import os
import resource
import sys
import threading
import time


class PeakMemory:
    """Samples the resident memory of this process and all its descendants (psutil) every 0.1 s."""

    def __init__(self) -> None:
        import psutil

        self.proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> int:
        import psutil

        total = 0
        for p in [self.proc, *self.proc.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        return total

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(0.1)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _timed(fn) -> tuple[float, int, object]:
    with PeakMemory() as mem:
        t0 = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - t0
    return seconds, mem.peak, result


def run(texts: dict[str, str], jieba_seconds: float) -> list[dict]:
    from distributed import LocalCluster

    from govtext.corpus import AnalysisOptions, analyze_corpus

    n = len(texts)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    rows = [{"metric": "bare jieba.lcut", "value": n / jieba_seconds, "unit": "docs/s",
             "note": f"{n} texts, {jieba_seconds:.2f} s (driver's measurement)"}]
    # warm up this process (imports, jieba dictionaries) so the 1-process run measures analysis only
    analyze_corpus({"warm": next(iter(texts.values()))[:2000]})
    analyze_corpus({"warm": next(iter(texts.values()))[:2000]}, options=AnalysisOptions("jieba"))

    configs = [
        ("local, 1 process", dict(jobs=1), AnalysisOptions()),
        ("local, 1 process, jieba", dict(jobs=1), AnalysisOptions("jieba")),
        ("local, 2 processes", dict(jobs=2), AnalysisOptions()),
    ]
    peaks = []
    for label, kw, options in configs:
        seconds, peak, tables = _timed(lambda kw=kw, options=options: analyze_corpus(texts, options=options, **kw))
        assert tables.documents["error"].isna().all(), tables.documents["error"].dropna().head()
        peaks.append(peak)
        rows.append({"metric": f"analyze {label}", "value": n / seconds, "unit": "docs/s",
                     "note": f"{seconds:.2f} s = {seconds / jieba_seconds:.2f}× bare jieba; segmenter "
                             f"{options.segmenter}; {cores} CPUs"})

    def on_dask():
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            return analyze_corpus(texts, engine="dask", scheduler=cluster.scheduler_address)

    seconds, peak, tables = _timed(on_dask)
    assert tables.documents["error"].isna().all()
    peaks.append(peak)
    rows.append({"metric": "analyze dask LocalCluster(2 workers)", "value": n / seconds, "unit": "docs/s",
                 "note": f"{seconds:.2f} s incl. cluster start = {seconds / jieba_seconds:.2f}× bare jieba"})
    for (label, _kw, _o), peak in zip([*configs, ("dask LocalCluster(2 workers)", None, None)], peaks, strict=True):
        rows.append({"metric": f"peak memory, {label}", "value": peak / 2**20, "unit": "MiB",
                     "note": "resident memory of this process + all child processes (sampled)"})
    ru_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ru_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows.append({"metric": "peak RSS (getrusage)", "value": ru_self, "unit": "MiB",
                 "note": f"this process; largest finished child {ru_children:.0f} MiB"})
    return rows


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench import load_texts, time_bare_jieba

    texts = load_texts()
    jieba_s = time_bare_jieba(texts)
    for r in run(texts, jieba_s):
        print(f"{r['metric']:<45} {r['value']:>10.2f} {r['unit']:<7} {r['note']}")
