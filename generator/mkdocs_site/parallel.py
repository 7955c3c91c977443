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

import shutil
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import mkdocs.commands.build as mkbuild

from generator.parallel import can_fork, run_chunks

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
    try:
        run_chunks(_render, n, progress, "已渲染 {done}/{n} 个网页")
    finally:
        _DEFERRED.clear()
        cleaner.join()


@contextmanager
def deferred_pages(enabled: bool) -> Iterator[None]:
    """While active, MkDocs' page rendering is collected for :func:`flush` instead of run at once.

    Only for builds into a temporary docs folder: :func:`flush` deletes it.
    """
    usable = enabled and hasattr(mkbuild, "_build_page") and can_fork()
    if not usable:
        yield
        return
    mkbuild._build_page = lambda *args, **kwargs: _DEFERRED.append((args, kwargs))
    try:
        yield
    finally:
        mkbuild._build_page = _ORIGINAL
        _DEFERRED.clear()
