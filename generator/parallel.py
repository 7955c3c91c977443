"""The one fork helper: run independent jobs on every core (inherited state, inputs never pickled).

Every parallel step (item pages beside the other page writers, MkDocs' theme
rendering, parsing a large catalogue's files) hands :func:`run_jobs` or
:func:`results` a list of closures. Workers are forked after the list is set,
so a job's inputs (the catalogue, a Jinja environment, MkDocs' pages, file
names) are inherited rather than pickled; only the job's index goes out and
its return value (a count for the progress line, or parsed records) comes
back. Without ``parallel`` (small catalogues, where forking costs more than
it saves) or without ``fork`` the same jobs run in order in this process, so
both paths give the same files.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar, cast

Job = Callable[[], int]
"""Writes files of its own and returns how many units (pages) it did."""

CHUNK = 500
"""Units per job when a step splits a long list (see :func:`chunks`)."""

T = TypeVar("T")
_JOBS: Sequence[Callable[[], object]] = ()


def can_fork() -> bool:
    return (os.cpu_count() or 1) >= 2 and "fork" in multiprocessing.get_all_start_methods()


def chunks(n: int, size: int = CHUNK) -> list[tuple[int, int]]:
    """``(start, stop)`` bounds that cover ``range(n)`` in pieces of ``size``."""
    return [(i, min(i + size, n)) for i in range(0, n, size)]


def _run(index: int) -> object:
    """Runs in a forked worker: the job list was inherited at fork time."""
    return _JOBS[index]()


def results(jobs: Sequence[Callable[[], T]], *, parallel: bool) -> Iterator[T]:
    """Each job's return value, in the jobs' order, as soon as it is there.

    On forked workers when ``parallel`` and the system can fork (a value then
    comes back pickled), else in this process: both give the same values. An
    exception in a job is raised here.
    """
    global _JOBS
    if not parallel or len(jobs) < 2 or not can_fork():
        for job in jobs:
            yield job()
        return
    if _JOBS:
        raise RuntimeError("the parallel helper is not re-entrant")
    _JOBS = jobs
    try:
        workers = min(os.cpu_count() or 1, 8, len(jobs))
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for value in pool.map(_run, range(len(jobs))):
                yield cast(T, value)  # the value jobs[i] returned
    finally:
        _JOBS = ()


def run_jobs(jobs: Sequence[Job], *, parallel: bool, progress: Callable[[str], None] | None = None,
             message: str = "", total: int = 0) -> None:
    """Run every job (see :func:`results`).

    Jobs must write only files of their own (they may run in any order).
    ``message`` (formatted with ``done`` and ``n=total``) is reported every
    2,000 units and at the end.
    """
    done = 0

    def count(units: int) -> None:
        nonlocal done
        before, done = done, done + units
        if progress and message and units and (done // 2000 > before // 2000 or done == total):
            progress(message.format(done=done, n=total))

    for units in results(jobs, parallel=parallel):
        count(units)
