"""Render MkDocs' theme pages after MkDocs' own loop, on every core, through plugin events only.

MkDocs 1.6 reads all pages first, then renders each page's theme template one
after another (three quarters of its time at 16,000 items). Rendering a page
depends only on data gathered in the first pass, so the plugin
(:mod:`generator.mkdocs_site.plugin`) gives each page an empty template while
MkDocs' loop runs (MkDocs writes no file for empty output), keeps the page's
template context from ``on_page_context``, and renders the real template from
``on_post_build``: in forked workers via :func:`generator.parallel.run_jobs`
on large sites, and from stencils (:mod:`generator.mkdocs_site.stencil`) for
groups of alike pages. The output is byte-identical to MkDocs rendering each
page (tests/test_site_large.py builds a large catalogue both ways).

Public API only: the events ``on_page_markdown``, ``on_env``,
``on_page_context``, ``on_post_page`` and ``on_post_build``, ``page.meta``,
``page.active`` (what MkDocs sets while it renders a page) and
``page.file.abs_dest_path``.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from generator.mkdocs_site import stencil
from generator.parallel import Job, chunks, run_jobs

PLACEHOLDER = "qingdan-deferred.html"
"""The empty template a deferred page has while MkDocs' own loop runs."""

_UNSET = object()


@dataclass
class Deferred:
    """Pages whose theme rendering waits for :meth:`flush`."""

    pages: list[tuple[Page, TemplateContext, str, object]] = field(default_factory=list)
    waiting: dict[str, object] = field(default_factory=dict)  # src_uri -> the page's own meta template

    def defer(self, page: Page) -> None:
        """Called from on_page_markdown: swap in the empty template."""
        self.waiting[page.file.src_uri] = page.meta.get("template", _UNSET)
        page.meta["template"] = PLACEHOLDER

    def keep(self, page: Page, context: TemplateContext) -> bool:
        """Called from on_page_context; True when the page is deferred."""
        if page.file.src_uri not in self.waiting:
            return False
        own = self.waiting.pop(page.file.src_uri)
        self.pages.append((page, context, "main.html" if own is _UNSET else str(own), own))
        return True

    def flush(self, env: jinja2.Environment, post_page: Callable[[str, Page], str], progress: Callable[[str], None],
              docs_dir: str, *, parallel: bool, stencils: bool, in_nav: set[int]) -> None:
        """Render every kept page, on forked workers if ``parallel`` (called from on_post_build).

        With ``stencils``, groups of alike pages are filled in from one rendering
        (:mod:`generator.mkdocs_site.stencil`). Rendering reads nothing from
        ``docs_dir`` any more, so the temporary docs folder is deleted meanwhile.
        """
        pages, self.pages = self.pages, []
        if not pages:
            return
        entry_of = {id(entry[0]): entry for entry in pages}

        def render(page: Page) -> str:
            return _theme_html(env, *entry_of[id(page)])

        made = _stencils([entry[0] for entry in pages], render, in_nav) if stencils else {}

        def job(start: int, stop: int) -> Job:
            def run() -> int:
                for entry in pages[start:stop]:
                    page = entry[0]
                    used = made.get(id(page))
                    html = used.fill(page) if used is not None else None
                    _write(post_page(render(page) if html is None else html, page), page)
                return stop - start

            return run

        cleaner = threading.Thread(target=shutil.rmtree, args=(docs_dir,), kwargs={"ignore_errors": True})
        cleaner.start()
        try:
            run_jobs([job(a, b) for a, b in chunks(len(pages))], parallel=parallel, progress=progress,
                     message="已渲染 {done}/{n} 个网页", total=len(pages))
        finally:
            cleaner.join()


def _stencils(pages: list[Page], render: Callable[[Page], str], in_nav: set[int]) -> dict[int, stencil.Stencil]:
    """id(page) -> the checked stencil it is filled from, for every group that has one."""
    groups: dict[Hashable, list[Page]] = {}
    for page in pages:
        key = stencil.group_key(page, id(page) in in_nav)
        if key is not None:
            groups.setdefault(key, []).append(page)
    made: dict[int, stencil.Stencil] = {}
    for group in groups.values():
        found = stencil.make(group, render)
        if found is not None:
            made.update((id(page), found) for page in group)
    return made


def _theme_html(env: jinja2.Environment, page: Page, context: TemplateContext, template: str, own: object) -> str:
    """What MkDocs renders for one page: its own template (restored), while the page is active."""
    if own is _UNSET:
        page.meta.pop("template", None)
    else:
        page.meta["template"] = own
    page.active = True
    try:
        return env.get_template(template).render(context)
    finally:
        page.active = False


def _write(output: str, page: Page) -> None:
    """What MkDocs writes: nothing for an empty page."""
    if output.strip():
        dest = Path(page.file.abs_dest_path)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(output.encode("utf-8", errors="xmlcharrefreplace"))

def with_placeholder(env: jinja2.Environment) -> jinja2.Environment:
    """Called from on_env: the theme's environment, able to load the empty template too."""
    assert env.loader is not None
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({PLACEHOLDER: ""}), env.loader])
    return env
