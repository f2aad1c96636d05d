"""Engines: the per-document analysis in this process, a local process pool or a Dask cluster, each
with a bounded window of documents in flight and results handed on in input order."""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from .. import __version__
from ..errors import UsageError
from .analyze import analyze_source
from .options import AnalysisOptions, analysis_version
from .sources import Source

ENGINES = ("local", "dask")
Progress = Callable[[int, int], None]


def check_run(engine: str, jobs: int, scheduler: str | None, options: AnalysisOptions) -> None:
    """Raise UsageError for an unknown engine, fewer than one job, a scheduler without Dask or bad options."""
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1 (got {jobs})")
    if scheduler and engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    options.check()


def run_engine(todo: list[Source], options: AnalysisOptions, engine: str, scheduler: str | None, jobs: int,
                on_progress: Progress | None) -> Iterator[dict[str, list[dict]]]:
    """The rows of every document of ``todo``, *in ``todo`` order*, as they finish; every engine
    keeps a bounded window of documents in flight, so a million sources never become a million
    pending tasks or results."""
    total = len(todo)
    if on_progress:
        on_progress(0, total)
    if engine == "dask":
        results = _run_dask(todo, options, scheduler, jobs)
    elif jobs > 1 and len(todo) > 1:
        results = _run_pool(todo, options, jobs)
    else:
        results = (analyze_source(s, options) for s in todo)
    try:
        for done, rows in enumerate(results, 1):
            if on_progress:
                on_progress(done, total)
            yield rows
    finally:
        close = getattr(results, "close", None)
        if close:
            close()  # shut the pool or cluster down now, also when the consumer stops early


_T = TypeVar("_T")


def ordered_window(items: Iterable[_T], submit: Callable[[_T], Any], window: int) -> Iterator[Any]:
    """Submit ``items`` with at most ``window`` futures pending, yielding results in ``items`` order.

    The next item is submitted before a result is handed on, so workers stay busy while the caller
    writes; a slow document holds back at most ``window`` finished results."""
    pending: deque = deque()
    it = iter(items)
    for item in itertools.islice(it, window):
        pending.append(submit(item))
    while pending:
        result = pending.popleft().result()
        for item in itertools.islice(it, 1):
            pending.append(submit(item))
        yield result


POOL_WINDOW_PER_JOB = 4  # documents in flight per worker process (submitted, running or finished unread)


def _run_pool(sources: list[Source], options: AnalysisOptions, jobs: int) -> Iterator[dict]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    workers = min(jobs, len(sources))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_ignores_sigint)
    try:
        yield from ordered_window(sources, lambda s: pool.submit(analyze_source, s, options),
                                   POOL_WINDOW_PER_JOB * workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _worker_ignores_sigint() -> None:
    """Ctrl-C reaches the whole process group: workers ignore it and the parent stops the run (one
    line ``govtext: aborted``), instead of every idle worker printing a KeyboardInterrupt traceback."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_dask(sources: list[Source], options: AnalysisOptions, scheduler: str | None, jobs: int) -> Iterator[dict]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask[distributed] is a dependency
        raise UsageError("--engine dask needs dask[distributed]: pip install 'dask[distributed]'") from None
    cluster = None
    try:
        if scheduler:
            try:
                client = Client(scheduler)  # waits distributed.comm.timeouts.connect (dask config)
            except (OSError, TimeoutError) as exc:
                raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        else:
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
        with client:
            _check_workers(client, options)
            if not sources:
                return
            # a bounded window of tasks in flight: the client reads each file just before submitting
            # it, so memory holds the window's bytes and results, not the whole corpus
            window = max(64, 8 * len(client.scheduler_info().get("workers", {})))
            yield from ordered_window(
                sources, lambda s: client.submit(analyze_source, s.loaded(), options, pure=False), window)
    finally:
        if cluster is not None:
            cluster.close()


def _check_workers(client, options: AnalysisOptions) -> None:
    """Every worker must run the same govtext (same code and data) as this process."""
    here = (__version__, analysis_version(options))
    seen = client.run(_worker_version, options)
    bad = {addr: v for addr, v in seen.items() if tuple(v) != here}
    if bad:
        addr, v = next(iter(bad.items()))
        raise UsageError(f"Dask worker {addr} runs govtext {v[0]} (analysis {v[1]}), this machine "
                         f"{here[0]} (analysis {here[1]}); install the same govtext on every worker")
    if not seen:
        raise UsageError("the Dask cluster has no workers")


def _worker_version(options: AnalysisOptions) -> tuple[str, str]:
    return (__version__, analysis_version(options))
