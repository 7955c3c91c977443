"""Render MkDocs pages on every core for large sites.

MkDocs 1.6 reads all pages first, then renders each page's theme template
one after another (three quarters of its time at 16,000 items). Rendering a
page depends only on data gathered in the first pass, so while our build
runs we defer MkDocs' per-page ``_build_page`` calls and run them in forked
workers, before the ``post_build`` event. The output is byte-identical to a
sequential build (a test builds a large catalogue twice and compares).
This touches one private MkDocs function: ``mkdocs<2`` is pinned, and the
code falls back to MkDocs' own loop if that function is missing.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import threading
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import mkdocs.commands.build as mkbuild

_DEFERRED: list[tuple[tuple[Any, ...], dict[str, Any]]] = []


def _render(bounds: tuple[int, int]) -> int:
    """Runs in a forked worker: the deferred calls are inherited, not pickled."""
    for args, kwargs in _DEFERRED[bounds[0] : bounds[1]]:
        _ORIGINAL(*args, **kwargs)
    return bounds[1] - bounds[0]


_ORIGINAL: Callable[..., None] = getattr(mkbuild, "_build_page", lambda *a, **k: None)


def flush(progress: Callable[[str], None], docs_dir: str) -> None:
    """Render every deferred page (called from the plugin's post_build event).

    Rendering reads nothing from ``docs_dir`` any more, so the temporary docs
    folder (tens of thousands of files) is deleted meanwhile instead of after.
    """
    n = len(_DEFERRED)
    if not n:
        return
    cleaner = threading.Thread(target=shutil.rmtree, args=(docs_dir,), kwargs={"ignore_errors": True})
    cleaner.start()
    workers = min(os.cpu_count() or 1, 8)
    step = 500
    chunks = [(i, min(i + step, n)) for i in range(0, n, step)]
    done = 0
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for count in pool.map(_render, chunks):
                done += count
                if done % 2000 == 0 or done == n:
                    progress(f"已渲染 {done}/{n} 个网页")
    finally:
        _DEFERRED.clear()
        cleaner.join()


@contextmanager
def deferred_pages(enabled: bool) -> Iterator[None]:
    """While active, MkDocs' page rendering is collected for :func:`flush` instead of run at once.

    Only for builds into a temporary docs folder: :func:`flush` deletes it.
    """
    usable = enabled and hasattr(mkbuild, "_build_page") and "fork" in multiprocessing.get_all_start_methods()
    if not usable:
        yield
        return
    mkbuild._build_page = lambda *args, **kwargs: _DEFERRED.append((args, kwargs))
    try:
        yield
    finally:
        mkbuild._build_page = _ORIGINAL
        _DEFERRED.clear()
