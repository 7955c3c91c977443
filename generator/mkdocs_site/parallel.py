"""Render MkDocs' theme pages on every core, through plugin events only.

MkDocs 1.6 reads all pages first, then renders each page's theme template one
after another (three quarters of its time at 16,000 items). Rendering a page
depends only on data gathered in the first pass, so on large sites the
plugin (:mod:`generator.mkdocs_site.plugin`) gives each page an empty
template while MkDocs' loop runs (MkDocs writes no file for empty output),
keeps the page's template context from ``on_page_context``, and renders the
real template from ``on_post_build`` in forked workers via
:func:`generator.parallel.run_jobs`. The output is byte-identical to a
sequential build (tests/test_site_large.py builds a large catalogue both ways).

Public API only: the events ``on_page_markdown``, ``on_env``,
``on_page_context``, ``on_post_page`` and ``on_post_build``, ``page.meta``,
``page.active`` (what MkDocs sets while it renders a page) and
``page.file.abs_dest_path``.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

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

    def flush(self, env: jinja2.Environment, post_page: Callable[[str, Page], str],
              progress: Callable[[str], None], docs_dir: str) -> None:
        """Render every kept page on forked workers (called from on_post_build).

        Rendering reads nothing from ``docs_dir`` any more, so the temporary
        docs folder (tens of thousands of files) is deleted meanwhile.
        """
        pages, self.pages = self.pages, []
        if not pages:
            return

        def job(start: int, stop: int) -> Job:
            def run() -> int:
                for page, context, template, own in pages[start:stop]:
                    _render(env, post_page, page, context, template, own)
                return stop - start

            return run

        cleaner = threading.Thread(target=shutil.rmtree, args=(docs_dir,), kwargs={"ignore_errors": True})
        cleaner.start()
        try:
            run_jobs([job(a, b) for a, b in chunks(len(pages))], parallel=True, progress=progress,
                     message="已渲染 {done}/{n} 个网页", total=len(pages))
        finally:
            cleaner.join()


def _render(env: jinja2.Environment, post_page: Callable[[str, Page], str], page: Page,
            context: TemplateContext, template: str, own: object) -> None:
    """What MkDocs does for one page: render while active, post_page, write unless empty."""
    if own is _UNSET:
        page.meta.pop("template", None)
    else:
        page.meta["template"] = own
    page.active = True
    try:
        output = post_page(env.get_template(template).render(context), page)
    finally:
        page.active = False
    if output.strip():
        dest = Path(page.file.abs_dest_path)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(output.encode("utf-8", errors="xmlcharrefreplace"))


def with_placeholder(env: jinja2.Environment) -> jinja2.Environment:
    """Called from on_env: the theme's environment, able to load the empty template too."""
    assert env.loader is not None
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({PLACEHOLDER: ""}), env.loader])
    return env
