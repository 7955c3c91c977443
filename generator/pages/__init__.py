"""Model -> page files: one small writer function per page kind.

How to add a page kind
----------------------
Write a module here with a function ``write_pages(cat, docs_dir, env) -> None``
and add it to ``SIDE_WRITERS`` below. Side writers must only write files of
their own: for large catalogues they run on a forked worker beside the item pages.

- ``cat`` is the validated :class:`~generator.model.Catalogue`;
- ``docs_dir`` is the temporary MkDocs docs folder (hand-written ``docs/``
  already copied in); write ``<path>/index.md`` for a themed page, or any
  other file (``.json``, ``.xml``, ``.html``) to have it copied verbatim;
- ``env`` is the shared Jinja2 environment (autoescape on; loader on
  ``generator/templates/``, partials start with ``_``; globals ``cat``,
  ``labels``, ``anchor``, ``actor_label``, ``build_cache`` (a :class:`generator.cache.Cache`
  for slow, reusable results), ``chart_store`` (where ``svg.draw`` keeps each flowchart, or None);
  filters ``cn_date``, ``article_label``).

For a themed page use :func:`generator.pages.base.write_page` with a body from
:func:`generator.pages.base.render` (it sets ``root``, the relative prefix to
the site root, so links work under any sub-path). Add the page to ``nav:`` in
``mkdocs.yml`` if it belongs in the menu (entries whose file is missing are
dropped at build time). Post-build steps (search indexing) are listed in
``generator.build.POST_BUILD``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import jinja2

from generator.cache import Cache
from generator.model import Catalogue
from generator.pages import assignments, changes, downloads, handbook, memo, removed, versions
from generator.pages.base import last_date, make_env
from generator.pages.items import item_jobs, write_all_items, write_redirects
from generator.pages.laws import write_laws
from generator.pages.lists import (
    write_categories,
    write_departments,
    write_home,
    write_townships,
)
from generator.pages.workflow import write_workflow
from generator.parallel import Job, run_jobs

Writer = Callable[[Catalogue, Path, jinja2.Environment], None]

# Writers of files no other writer touches: they may run beside the item pages.
SIDE_WRITERS: list[Writer] = [
    downloads.write_pages,  # /downloads/ (first: the longest job; the records' own files: downloads.write_records)
    changes.write_pages,  # /changes/, /feed.xml
    handbook.write_pages,  # /townships/<id>/handbook/
    removed.write_pages,  # tombstones (removed.yml) and redirects of renamed ids
    assignments.write_pages,  # /assignments/, /assignments/<id>/
    versions.write_pages,  # the frame of /items/<code>/v/<slug>/ (filled after MkDocs), /as-of/
]


def write_pages(cat: Catalogue, docs_dir: Path, progress: Callable[[str], None] | None = None,
                *, parallel: bool = False, cache: Cache | None = None, charts: Cache | None = None) -> int:
    """Write every generated page into ``docs_dir``; returns the item count.

    Each side writer, each list writer and each chunk of item pages is an
    independent job; with ``parallel`` they run on forked workers.
    """
    env = make_env(cat)
    env.globals["build_cache"] = cache = cache or Cache(None)
    if cache.folder is not None:  # the item keys, once, for every writer on every worker (without a cache none is needed)
        memo.remember_keys(cat)
    env.globals["chart_store"] = charts  # flowcharts, shared with the version pages (generator.flowchart.svg.draw)
    updated = last_date(cat)

    def page_job(write: Callable[[], None]) -> Job:
        def run() -> int:
            write()
            return 0

        return run

    # One job per writer, so the cores share them (at 16,000 items downloads, townships, handbooks
    # and laws take 2-5 s each: one job for all of them left a core idle), then item pages in chunks.
    site_wide: list[Callable[[], None]] = [
        *(partial(writer, cat, docs_dir, env) for writer in SIDE_WRITERS),
        partial(write_townships, cat, docs_dir, env, updated),
        partial(write_laws, cat, docs_dir, env, updated),
        partial(write_departments, cat, docs_dir, env, updated),
        partial(write_home, cat, docs_dir, env, updated),
        partial(write_all_items, cat, docs_dir, env, updated),
        partial(write_categories, cat, docs_dir, env, updated),
        partial(write_workflow, cat, docs_dir, env, updated),
        partial(write_redirects, cat, docs_dir),
    ]
    jobs: list[Job] = [*map(page_job, site_wide), *item_jobs(cat, docs_dir, env)]
    run_jobs(jobs, parallel=parallel, progress=progress, message="已生成 {done}/{n} 个事项页面", total=len(cat.items))
    return len(cat.items)
