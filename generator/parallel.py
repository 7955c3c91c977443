"""Split independent work over every core with forked workers (inherited state, nothing pickled)."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable

Chunk = tuple[int, int]


def can_fork() -> bool:
    return (os.cpu_count() or 1) >= 2 and "fork" in multiprocessing.get_all_start_methods()


def run_chunks(work: Callable[[Chunk], int], n: int, progress: Callable[[str], None] | None, message: str) -> None:
    """Call ``work((start, stop))`` over ``range(n)`` in chunks of 500 on forked workers.

    ``work`` reads its inputs from module state set before the call, so nothing is
    pickled but the bounds; ``message`` is formatted with ``done`` and ``n``.
    """
    workers = min(os.cpu_count() or 1, 8)
    chunks = [(i, min(i + 500, n)) for i in range(0, n, 500)]
    done = 0
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        for count in pool.map(work, chunks):
            done += count
            if progress and (done % 2000 == 0 or done == n):
                progress(message.format(done=done, n=n))
