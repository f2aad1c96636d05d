#!/usr/bin/env python3
"""Corpus analysis speed: documents/s with 1 and 2 local processes and on a 2-worker Dask
LocalCluster, next to bare jieba on the same texts, and the peak memory of the whole process tree.

Called by ``scripts/bench.py`` (``run(texts, jieba_seconds)``) or alone: ``python scripts/bench_corpus.py``.
Every run analyses every text from scratch (no stored results); process-pool and cluster start-up
are included in their times, as a user would see them. Targets (reported, not asserted): the whole
analysis of the texts in one process at most 0.5× bare jieba's time (rjieba for terms; both timed twice
in turn, just before the other rows, the faster of each kept), and at most
300 MiB peak resident memory for them in a fresh process (its own ``VmHWM``: getrusage in a child
reports at least the parent's peak on Linux).

Memory: the texts are copied ``$GOVTEXT_BENCH_CORPUS_COPIES`` times (default 5) into a temporary
folder and analysed in a fresh process each way — in memory (``analyze_corpus`` + ``write_duckdb``)
and streamed (``analyze_to_store``, ``$GOVTEXT_BENCH_CORPUS_BATCH`` documents per batch, default 100)
— and the peak resident memory of each process (VmHWM) is reported.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


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


def _split(timed: tuple[float, int, object]) -> tuple[float, tuple[int, object]]:
    return timed[0], timed[1:]


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
    base = jieba_seconds  # bare jieba's time the 1-process target is measured against (below)
    for label, kw, options in configs:
        def analysis(kw=kw, options=options):
            return analyze_corpus(texts, options=options, **kw)

        if label == "local, 1 process":
            from bench import next_to_jieba

            seconds, (peak, tables), base = next_to_jieba(texts, lambda analysis=analysis: _split(_timed(analysis)))
            note = (f"{seconds:.2f} s = {seconds / base:.2f}× bare jieba ({base:.2f} s; both timed twice in turn, "
                    f"the faster of each kept)")
        else:
            seconds, peak, tables = _timed(analysis)
            note = f"{seconds:.2f} s = {seconds / jieba_seconds:.2f}× bare jieba"
        assert tables.documents["error"].isna().all(), tables.documents["error"].dropna().head()
        peaks.append(peak)
        row = {"metric": f"analyze {label}", "value": n / seconds, "unit": "docs/s",
               "note": f"{note}; segmenter {options.segmenter}; {cores} CPUs"}
        if label == "local, 1 process":
            row.update(target=f"≤ 0.5× bare jieba time ({seconds / base:.2f}×)", ok=seconds <= 0.5 * base)
        rows.append(row)

    # the share of the 1-process run that is the check analysis (govtext.analysis.analyze, the same
    # stages as `govtext check`) and the corpus' own part (reading, terms, theme_hits, signatures, tables)
    from govtext.analysis import analyze
    from govtext.model import Document

    one = next(r for r in rows if r["metric"] == "analyze local, 1 process")
    total = n / one["value"]
    t0 = time.perf_counter()
    for name, text in texts.items():
        analyze(Document.from_text(text, path=name))
    check_s = time.perf_counter() - t0
    rows.append({"metric": "analyze 1 process: check stages", "value": check_s, "unit": "s",
                 "note": f"{check_s / base:.2f}× bare jieba; the corpus' own part (reading, terms, "
                         f"theme_hits, signatures, tables) {total - check_s:.2f} s = "
                         f"{(total - check_s) / base:.2f}× bare jieba"})

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
    rows.extend(fresh_memory_rows(texts))
    rows.extend(memory_rows(texts))
    ru_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ru_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows.append({"metric": "peak RSS (getrusage)", "value": ru_self, "unit": "MiB",
                 "note": f"this process; largest finished child {ru_children:.0f} MiB"})
    return rows


def fresh_memory_rows(texts: dict[str, str]) -> list[dict]:
    """Peak resident memory of a fresh process analysing the texts once (1 process): in memory
    (``analyze_corpus`` + ``write_duckdb``, the target's row) and as ``govtext corpus analyze`` does
    (``analyze_to_store``, its default batch of 500 documents)."""
    from govtext.corpus import DEFAULT_BATCH_SIZE

    out = []
    with tempfile.TemporaryDirectory(prefix="govtext-bench-corpus-") as tmp:
        root = Path(tmp) / "corpus"
        root.mkdir()
        for name, text in texts.items():
            (root / Path(name).with_suffix(".txt").name).write_text(text, encoding="utf-8")
        for mode in ("memory", "streamed"):
            r = subprocess.run([sys.executable, os.path.abspath(__file__), "--memory-child", mode, str(root),
                                str(Path(tmp) / f"{mode}.duckdb"), str(DEFAULT_BATCH_SIZE)],
                               capture_output=True, text=True, check=True)
            m = json.loads(r.stdout.strip().splitlines()[-1])
            if mode == "memory":
                out.append({"metric": f"peak memory, {len(texts)} texts, fresh process", "value": m["peak_mib"],
                            "unit": "MiB", "note": f"analyze_corpus + write_duckdb, 1 process, {m['seconds']:.1f} s "
                                                   "(VmHWM)", "target": "≤ 300 MiB", "ok": m["peak_mib"] <= 300})
            else:
                out.append({"metric": f"peak memory, {len(texts)} texts, fresh process, streamed", "value": m["peak_mib"],
                            "unit": "MiB", "note": f"analyze_to_store as `govtext corpus analyze` runs it (batches of "
                                                   f"{DEFAULT_BATCH_SIZE}), 1 process, {m['seconds']:.1f} s (VmHWM)"})
    return out


def memory_rows(texts: dict[str, str]) -> list[dict]:
    """Peak memory of a 1-process analysis held in memory vs streamed into DuckDB, each in a fresh
    process, over the texts copied ``GOVTEXT_BENCH_CORPUS_COPIES`` times."""
    copies = int(os.environ.get("GOVTEXT_BENCH_CORPUS_COPIES", "5"))
    batch = int(os.environ.get("GOVTEXT_BENCH_CORPUS_BATCH", "100"))
    out = []
    with tempfile.TemporaryDirectory(prefix="govtext-bench-corpus-") as tmp:
        root = Path(tmp) / "corpus"
        for k in range(copies):
            (root / f"copy{k:02d}").mkdir(parents=True)
            for name, text in texts.items():
                (root / f"copy{k:02d}" / Path(name).with_suffix(".txt").name).write_text(text, encoding="utf-8")
        chars = copies * sum(len(t) for t in texts.values())
        n = copies * len(texts)
        for mode in ("memory", "streamed"):
            r = subprocess.run([sys.executable, os.path.abspath(__file__), "--memory-child", mode, str(root),
                                str(Path(tmp) / f"{mode}.duckdb"), str(batch)],
                               capture_output=True, text=True, check=True)
            m = json.loads(r.stdout.strip().splitlines()[-1])
            note = (f"{n} documents ({copies} copies, {chars / 1e6:.1f} M chars), 1 process, {m['seconds']:.0f} s; "
                    + ("analyze_corpus + write_duckdb" if mode == "memory" else f"analyze_to_store, batches of {batch}"))
            out.append({"metric": f"peak memory, {'in memory' if mode == 'memory' else 'streamed'} ({n} docs)",
                        "value": m["peak_mib"], "unit": "MiB", "note": note})
    return out


def _memory_child(mode: str, root: str, db: str, batch: int) -> None:
    from govtext.corpus import analyze_corpus, analyze_to_store, write_duckdb

    t0 = time.perf_counter()
    if mode == "memory":
        write_duckdb(analyze_corpus(root), db)
    else:
        analyze_to_store(root, db=db, batch_size=batch)
    print(json.dumps({"peak_mib": round(_own_peak_mib(), 1), "seconds": time.perf_counter() - t0}))


def _own_peak_mib() -> float:
    """This process's peak resident memory: ``VmHWM`` of /proc/self/status where there is one.
    getrusage's ``ru_maxrss`` is not used there: Linux carries the parent's peak into a child started
    by fork and exec (a child of a 470 MiB bench process reports 470 MiB however little it uses)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__" and sys.argv[1:2] == ["--memory-child"]:
    _memory_child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
elif __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench import load_texts, time_bare_jieba

    texts = load_texts()
    jieba_s = time_bare_jieba(texts)
    for r in run(texts, jieba_s):
        print(f"{r['metric']:<45} {r['value']:>10.2f} {r['unit']:<7} {r['note']}")
