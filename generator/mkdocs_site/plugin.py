"""A MkDocs plugin object added by :mod:`generator.mkdocs_site.render` (not an entry point).

- Generated pages are one raw HTML block that Python-Markdown would pass
  through unchanged; parsing 150 MB of it cost ~90 s at 16,000 items, so the
  block is set aside before Markdown runs and put back as the page content.
  The .md files stay valid Markdown: with ``markdown_all`` they go through
  Python-Markdown and build byte-identically.
- Each page's ``update_date`` (the sitemap's lastmod) is the page's catalogue
  date instead of the clock.
- With ``stencils``, alike generated pages never pass through MkDocs
  (:mod:`generator.mkdocs_site.bulk`): ``on_files`` takes them out before
  MkDocs makes their pages, ``on_template_context`` puts them back into the sitemap,
  and they are filled from a stencil after MkDocs' loop.
- Theme rendering waits for ``on_post_build`` (:mod:`generator.mkdocs_site.parallel`):
  there it runs on every core with ``parallel``.
- The theme's indentation (3.4 KB of a 33 KB item page) is dropped around the
  page content, which stays as it was: a line break stays where whitespace
  was, so the page renders the same (Material's chrome has no ``<pre>``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, cast

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from generator.cache import Cache
from generator.mkdocs_site import bulk
from generator.mkdocs_site.config import cn_date
from generator.mkdocs_site.parallel import Deferred, link_files, with_placeholder
from generator.parallel import results
from generator.reuse import noted_digests, survey, trust

_INDENT = re.compile(r"\n[ \t]*(?=\S|\n)|[ \t]+(?=\n)")


def trim_chrome(html: str, content: str | None) -> str:
    """Leading and trailing line whitespace and blank lines out of the theme's part of ``html``."""
    at = html.find(content) if content else -1
    if content is None or at < 0:
        return _trim(html)
    return _trim(html[:at]) + content + _trim(html[at + len(content):])


def _trim(text: str) -> str:
    return re.sub(r"\n{2,}", "\n", _INDENT.sub(lambda m: "\n" if m.group(0).startswith("\n") else "", text))


class QingdanPlugin(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    def __init__(self, say: Callable[[str], None], *, parallel: bool, markdown_all: bool, stencils: bool,
                 replaces: str | None = None, page_dates: dict[str, date] | None = None, cache: Cache | None = None) -> None:
        super().__init__()
        self.cache = cache or Cache(None)
        """The build cache: where the generated pages were in their files (generator.mkdocs_site.bulk)."""
        self.page_dates = page_dates or {}
        """Hand-written pages' own dates (config.docs_dates): an approved change elsewhere leaves them alone."""
        self.replaces = replaces
        self.old_files: set[str] | None = None
        """The files of ``replaces`` (generator.reuse.survey), known from on_nav; None: it is replaced whole."""
        self.previous: str | None = None
        """``replaces`` if it is updated in place: its unchanged files are kept, not written again (generator.reuse)."""
        self._background: Iterator[Any] | None = None
        self._surveying = False
        """The walk of ``replaces`` is under way (:meth:`_take_survey`)."""
        self.say = say
        self.markdown_all = markdown_all
        self.parallel = parallel
        self.stencils = stencils and not markdown_all  # markdown_all: every page through Markdown
        self.deferred = Deferred()
        self.raw: dict[str, str] = {}
        self.env: jinja2.Environment | None = None
        self.files: Files | None = None
        self.bulk: bulk.Bulk | None = None
        self.retry = False
        """Set when a stencil did not hold: nothing was written, build again without stencils."""

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Start walking the site this build replaces (70,000 files at 16,000 items) while MkDocs lists
        the docs folder and makes the nav; on_nav takes its answer."""
        if self.replaces is not None:
            self._begin(functools.partial(survey, Path(self.replaces)))
            self._surveying = True

    def _begin(self, job: Callable[[], Any]) -> None:
        """Run ``job`` on a worker while MkDocs goes on in this process, until :meth:`_end`.

        results() hands out every job at once: past the first (empty) one, ``job`` goes on."""
        self._background = results([lambda: None, job], parallel=self.parallel)
        next(self._background)

    def _end(self) -> Any:
        """What the job of :meth:`_begin` returned (None if there is none); the fork helper is free again."""
        if self._background is None:
            return None
        background, self._background = self._background, None  # first: an error (Ctrl+C) while it waits is not hidden by close()
        (value,) = list(background)
        return value

    def close(self) -> None:
        """Wait for the job on a worker, if nothing did (MkDocs failed meanwhile)."""
        self._end()

    @event_priority(-100)  # the files as every other plugin left them
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Plan the stencils before MkDocs makes a page object for each file (30 us apiece, 16,000 item pages)."""
        self.files = files
        if self.stencils:
            self.bulk = bulk.scan(files, bulk.nav_paths(config.nav), config, parallel=self.parallel,
                                  digests=noted_digests(config.docs_dir), cache=self.cache, free=self._take_survey)
        return files

    def _take_survey(self) -> None:
        """Wait for the walk of the site this build replaces (on_pre_build) and take its answer; the
        fork helper is free again."""
        if self._surveying:
            self._surveying = False
            surveyed = self._end()
            self.old_files = surveyed[0] if surveyed is not None else None
            self.previous = self.replaces if self.old_files is not None else None
            if surveyed is not None and self.previous is not None:
                trust(Path(self.previous), surveyed[1])

    @event_priority(-100)
    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self._take_survey()
        if self.bulk is not None and self.bulk.moves:  # on a worker while MkDocs reads and renders its pages; flush waits
            self._begin(functools.partial(link_files, self.bulk.moves, self.previous))
        return nav

    @event_priority(-100)
    def on_template_context(self, context: TemplateContext, /, *, template_name: str, config: MkDocsConfig) -> TemplateContext:
        if template_name == "sitemap.xml" and self.bulk is not None and self.files is not None:
            context["pages"] = cast(list[File], self.bulk.sitemap_pages(self.files, config))  # the template reads .page
        return context

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        frame = page.meta.get("qd_frame")  # of version pages (generator/pages/versions.py): not in the sitemap, marks for dates
        if frame:
            page.canonical_url = page.abs_url = None
        updated = page.meta.get("qd_updated")
        own = self.page_dates.get(page.file.src_uri)
        if not updated and own is not None and not frame:  # a hand-written page: the day its text last changed
            updated = own.isoformat()
            page.meta["qd_updated"], page.meta["qd_updated_text"] = updated, cn_date(own)
        if updated and not frame:
            page.update_date = str(updated)
        self.deferred.defer(page)
        if page.meta.get("qd_raw") and not self.markdown_all:
            self.raw[page.file.src_uri] = markdown.strip()
            return ""
        return markdown

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return self.raw.pop(page.file.src_uri, html)

    @event_priority(100)  # before other plugins see the page
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        return trim_chrome(output, page.content) if output else output

    @event_priority(-100)  # the theme's environment as every other plugin left it
    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        self.env = with_placeholder(env)
        return self.env

    @event_priority(-100)  # the context as every other plugin left it
    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation) -> TemplateContext:
        self.deferred.keep(page, context)
        return context

    @event_priority(100)  # before any other plugin's post_build looks at the written pages
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.env is None:
            return

        def post_page(output: str, page: Page) -> str:
            return str(config.plugins.on_post_page(output, page=page, config=config))

        if not self.deferred.flush(self.env, post_page, self.say, config.docs_dir, parallel=self.parallel, bulk=self.bulk,
                                   previous=self.previous, linked=self._end):
            self.retry = True
        elif self.bulk is not None and self.bulk.rest and self.files is not None:
            self.bulk.rewrite_sitemap_gz(self.files, config)
