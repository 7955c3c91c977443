"""The one fork helper: run independent jobs on every core (inherited state, nothing pickled).

Every parallel step of the build (item pages beside the other page writers,
MkDocs' theme rendering) hands :func:`run_jobs` a list of closures. Workers
are forked after the list is set, so a job's inputs (the catalogue, a Jinja
environment, MkDocs' pages) are inherited rather than pickled; only the job's
index goes out and its return value (a count for the progress line) comes
back. Without ``parallel`` (small catalogues, where forking costs more than
it saves) or without ``fork`` the same jobs run in order in this process, so
both paths give the same files.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

Job = Callable[[], int]
"""Writes files of its own and returns how many units (pages) it did."""

CHUNK = 500
"""Units per job when a step splits a long list (see :func:`chunks`)."""

_JOBS: Sequence[Job] = ()


def can_fork() -> bool:
    return (os.cpu_count() or 1) >= 2 and "fork" in multiprocessing.get_all_start_methods()


def chunks(n: int, size: int = CHUNK) -> list[tuple[int, int]]:
    """``(start, stop)`` bounds that cover ``range(n)`` in pieces of ``size``."""
    return [(i, min(i + size, n)) for i in range(0, n, size)]


def _run(index: int) -> int:
    """Runs in a forked worker: the job list was inherited at fork time."""
    return _JOBS[index]()


def run_jobs(jobs: Sequence[Job], *, parallel: bool, progress: Callable[[str], None] | None = None,
             message: str = "", total: int = 0) -> None:
    """Run every job; on forked workers when ``parallel`` and the system can fork.

    Jobs must write only files of their own (they may run in any order). An
    exception in a job is raised here. ``message`` (formatted with ``done`` and
    ``n=total``) is reported every 2,000 units and at the end.
    """
    global _JOBS
    done = 0

    def count(units: int) -> None:
        nonlocal done
        before, done = done, done + units
        if progress and message and units and (done // 2000 > before // 2000 or done == total):
            progress(message.format(done=done, n=total))

    if not parallel or len(jobs) < 2 or not can_fork():
        for job in jobs:
            count(job())
        return
    if _JOBS:
        raise RuntimeError("run_jobs is not re-entrant")
    _JOBS = jobs
    try:
        workers = min(os.cpu_count() or 1, 8, len(jobs))
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for units in pool.map(_run, range(len(jobs))):
                count(units)
    finally:
        _JOBS = ()
