"""Model -> page files: one small writer function per page kind.

How to add a page kind from another module
------------------------------------------
Write a function ``write_pages(cat, docs_dir, env) -> None`` in your module
and add ``"generator.yourmodule:write_pages"`` to ``EXTRA_WRITERS`` below.

- ``cat`` is the validated :class:`~generator.model.Catalogue`;
- ``docs_dir`` is the temporary MkDocs docs folder (hand-written ``docs/``
  already copied in); write ``<path>/index.md`` for a themed page, or any
  other file (``.json``, ``.xml``, ``.html``) to have it copied verbatim;
- ``env`` is the shared Jinja2 environment (autoescape on; loader on
  ``generator/templates/``, partials start with ``_``; globals ``cat``,
  ``labels``, ``anchor``, ``actor_label``; filters ``cn_date``, ``article_label``).

For a themed page use :func:`generator.pages.base.write_page` with a body from
:func:`generator.pages.base.render` (it sets ``root``, the relative prefix to
the site root, so links work under any sub-path). Extra writers run *before*
the core writers, so a core page that another module replaces (``/changes/``)
is skipped when its file already exists. Add the page to ``nav:`` in
``mkdocs.yml`` if it belongs in the menu (entries whose file is missing are
dropped at build time). Post-build steps (search indexing) are listed in
``generator.build.POST_BUILD``.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import Callable

import jinja2

from ..model import Catalogue
from .base import last_date, make_env
from .items import write_all_items, write_items
from .laws import write_laws
from .lists import write_categories, write_departments, write_home, write_townships
from .misc import write_changes, write_workflow

Writer = Callable[[Catalogue, Path, jinja2.Environment], None]

EXTRA_WRITERS: list[str] = [
    "generator.changes:write_pages",  # /changes/, /feed.xml (changes issue)
    "generator.handbook:write_pages",  # /townships/<id>/handbook/ (open data issue)
    "generator.opendata:write_pages",  # /downloads/, /items/<code>.json (open data issue)
]


def extra_writers() -> list[Writer]:
    """Writers of the modules in EXTRA_WRITERS that exist (a missing module is not an error)."""
    found = []
    for spec in EXTRA_WRITERS:
        module_name, _, func = spec.partition(":")
        if importlib.util.find_spec(module_name) is None:
            continue
        writer = getattr(importlib.import_module(module_name), func, None)
        if writer is not None:
            found.append(writer)
    return found


def write_pages(cat: Catalogue, docs_dir: Path, progress: Callable[[str], None] | None = None) -> int:
    """Write every generated page into ``docs_dir``; returns the number of item pages."""
    env = make_env(cat)
    updated = last_date(cat)
    for writer in extra_writers():
        writer(cat, docs_dir, env)
    write_home(cat, docs_dir, env, updated)
    write_items(cat, docs_dir, env, progress)
    write_all_items(cat, docs_dir, env, updated)
    write_categories(cat, docs_dir, env, updated)
    write_departments(cat, docs_dir, env, updated)
    write_townships(cat, docs_dir, env, updated)
    write_laws(cat, docs_dir, env, updated)
    write_workflow(cat, docs_dir, env, updated)
    write_changes(cat, docs_dir, env, updated)
    return len(cat.items)
