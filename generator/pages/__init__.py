"""Model -> page files: one small writer function per page kind.

How to add a page kind
----------------------
Write a module here with a function ``write_pages(cat, docs_dir, env) -> None``
and add it to ``SIDE_WRITERS`` below. Side writers must only write files of
their own: for large catalogues they run in a forked process beside the item pages.

- ``cat`` is the validated :class:`~generator.model.Catalogue`;
- ``docs_dir`` is the temporary MkDocs docs folder (hand-written ``docs/``
  already copied in); write ``<path>/index.md`` for a themed page, or any
  other file (``.json``, ``.xml``, ``.html``) to have it copied verbatim;
- ``env`` is the shared Jinja2 environment (autoescape on; loader on
  ``generator/templates/``, partials start with ``_``; globals ``cat``,
  ``labels``, ``anchor``, ``actor_label``; filters ``cn_date``, ``article_label``).

For a themed page use :func:`generator.pages.base.write_page` with a body from
:func:`generator.pages.base.render` (it sets ``root``, the relative prefix to
the site root, so links work under any sub-path). Add the page to ``nav:`` in
``mkdocs.yml`` if it belongs in the menu (entries whose file is missing are
dropped at build time). Post-build steps (search indexing) are listed in
``generator.build.POST_BUILD``.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from pathlib import Path
from typing import Callable, Sequence

import jinja2

from generator.model import Catalogue
from generator.pages import changes, downloads, handbook
from generator.pages.base import last_date, make_env
from generator.pages.items import PARALLEL_FROM, write_all_items, write_items
from generator.pages.laws import write_laws
from generator.pages.lists import (
    write_categories,
    write_departments,
    write_home,
    write_townships,
)
from generator.pages.workflow import write_workflow
from generator.parallel import can_fork

Writer = Callable[[Catalogue, Path, jinja2.Environment], None]

# Writers of files no other writer touches: they may run beside the item pages.
SIDE_WRITERS: list[Writer] = [
    changes.write_pages,  # /changes/, /feed.xml
    handbook.write_pages,  # /townships/<id>/handbook/
    downloads.write_pages,  # /downloads/, /items/<code>.json
]

class WriterFailed(RuntimeError):
    """An side writer failed in its background process (its traceback is on stderr)."""


def _start_side_writers(writers: Sequence[Writer], cat: Catalogue, docs_dir: Path, env: jinja2.Environment) -> Callable[[], None]:
    """Run the side writers; for large catalogues in a forked process beside the item pages.

    Returns a function that waits for them. They write files no core writer
    touches, so running them alongside changes nothing in the output.
    """

    def run() -> None:
        for writer in writers:
            writer(cat, docs_dir, env)

    if len(cat.items) < PARALLEL_FROM or not can_fork():
        run()
        return lambda: None

    def child() -> None:
        try:
            run()
        except BaseException:
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(1)

    process = multiprocessing.get_context("fork").Process(target=child, daemon=True)
    process.start()

    def wait() -> None:
        process.join()
        if process.exitcode != 0:
            raise WriterFailed(f"生成附加页面（变更记录、工作手册、数据下载）失败，退出码 {process.exitcode}。")

    return wait


def write_pages(cat: Catalogue, docs_dir: Path, progress: Callable[[str], None] | None = None) -> int:
    """Write every generated page into ``docs_dir``; returns the item count."""
    env = make_env(cat)
    updated = last_date(cat)
    wait = _start_side_writers(SIDE_WRITERS, cat, docs_dir, env)
    write_home(cat, docs_dir, env, updated)
    write_items(cat, docs_dir, env, progress)
    write_all_items(cat, docs_dir, env, updated)
    write_categories(cat, docs_dir, env, updated)
    write_departments(cat, docs_dir, env, updated)
    write_townships(cat, docs_dir, env, updated)
    write_laws(cat, docs_dir, env, updated)
    write_workflow(cat, docs_dir, env, updated)
    wait()
    return len(cat.items)
