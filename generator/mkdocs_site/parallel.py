"""Render MkDocs' theme pages after MkDocs' own loop, on every core, through plugin events only.

MkDocs 1.6 reads all pages first, then renders each page's theme template one
after another. Rendering a page depends only on data gathered in the first
pass, so the plugin (:mod:`generator.mkdocs_site.plugin`) gives each page an
empty template while MkDocs' loop runs (MkDocs writes no file for empty
output), keeps the page's template context from ``on_page_context``, and
renders the real template from ``on_post_build``: in forked workers via
:func:`generator.parallel.run_jobs` on large sites. There too the pages MkDocs
never saw (:mod:`generator.mkdocs_site.bulk`) are filled from the stencils
made from their groups' probes. The output is byte-identical to MkDocs
rendering each page (tests/test_site.py and tests/test_site_large.py build
both ways).

Public API only: the events ``on_page_markdown``, ``on_env``,
``on_page_context``, ``on_post_page`` and ``on_post_build``, ``page.meta``,
``page.content``, ``page.active`` (what MkDocs sets while it renders a page)
and ``File.abs_dest_path``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field

import jinja2
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from generator.cache import key
from generator.mkdocs_site import stencil
from generator.mkdocs_site.bulk import Bulk
from generator.parallel import Job, chunks, run_jobs
from generator.reuse import keep_if_same, keep_unread, write_or_keep

PLACEHOLDER = "qingdan-deferred.html"
"""The empty template a deferred page has while MkDocs' own loop runs."""

_UNSET = object()

Entry = tuple[Page, TemplateContext, str, object]
"""A kept page: the page, its template context, its template and its own meta template (or _UNSET)."""


@dataclass
class Deferred:
    """Pages whose theme rendering waits for :meth:`flush`."""

    pages: list[Entry] = field(default_factory=list)
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
              docs_dir: str, *, parallel: bool, bulk: Bulk | None, previous: str | None, linked: Callable[[], object]) -> bool:
        """Render every kept page and fill the pages MkDocs left to ``bulk``, on forked workers if ``parallel``.

        Called from on_post_build. Returns False, having written no page, when
        a stencil does not hold (:mod:`generator.mkdocs_site.bulk`). Otherwise
        the temporary docs folder is emptied meanwhile: MkDocs has read and
        copied what it needs, ``bulk.moves`` are in the site by then
        (:func:`link_files`: ``linked`` waits for them), and each filled
        page's source goes once it is read.

        ``previous`` is the site this build replaces: a file whose bytes come
        out the same as there is not written again (:class:`Output`,
        :mod:`generator.reuse`), so a rebuild leaves unchanged files as they were.
        """
        out = Output(previous)
        pages, self.pages = self.pages, []
        entries = {entry[0].file.src_uri: entry for entry in pages}

        def render(entry: Entry) -> str:
            return post_page(_theme_html(env, *entry), entry[0])

        done: dict[str, str] = {}  # source path -> output, of the probes rendered to check a stencil
        made = [_stencil(group, bulk.probes, entries, render, done) for group in bulk.groups] if bulk else []
        linked()  # before any other job of the fork helper, which runs one list of jobs at a time
        if None in made:
            return False
        # A filled page is made of its stencil and its file (whose digest the writer noted): a page the
        # last build filled from the same is kept without either being read (generator.reuse.keep_unread).
        # So is a probe, which its stencil fills alike.
        stencil_keys = {id(used): used.key() for used in made if used is not None}

        def token(uri: str, used: stencil.Stencil, url: str) -> str | None:
            digest = bulk.digests.get(uri) if bulk is not None else None
            return key("filled-page", stencil_keys[id(used)], digest, url) if digest else None

        probe_tokens = {uri: token(uri, used, bulk.probes[uri].url) for group, used in zip(bulk.groups, made, strict=True)
                        if used is not None for uri in group.probes} if bulk else {}
        for uri, html in done.items():
            file, made_of = entries[uri][0].file, probe_tokens.get(uri)
            if made_of is None or not keep_unread(previous, file.dest_uri, str(file.abs_dest_path), made_of):
                out.write(html, file, made_of)
        todo = [entry for entry in pages if entry[0].file.src_uri not in done]
        fills = [(uri, used) for group, used in zip(bulk.groups, made, strict=True) for uri in group.rest] if bulk else []

        def render_job(start: int, stop: int) -> Job:
            def run() -> int:
                for entry in todo[start:stop]:
                    out.write(render(entry), entry[0].file)
                return stop - start

            return run

        def fill_job(start: int, stop: int) -> Job:
            def run() -> int:
                assert bulk is not None
                sources = []
                for uri, used in fills[start:stop]:
                    assert used is not None
                    file, page = bulk.rest[uri]
                    made_of = token(uri, used, file.url)
                    if made_of is None or not keep_unread(previous, file.dest_uri, str(file.abs_dest_path), made_of):
                        data = file.content_bytes
                        assert len(data) == page.size  # the file planned
                        out.write_bytes(used.fill(page.page, data[page.start:page.stop]), file, made_of)
                    sources.append(str(file.abs_src_path))
                    os.unlink(sources[-1])
                _remove_folders_of(sources)
                return stop - start

            return run

        filled = {str(file.abs_src_path) for file, _ in bulk.rest.values()} if bulk else set()

        def clear_job() -> int:
            for top, _, names in os.walk(docs_dir, topdown=False):
                for path in (os.path.normpath(os.path.join(top, name)) for name in names):
                    if path not in filled:
                        os.unlink(path)
                _remove_empty(top)
            return 0

        jobs = [clear_job, *(render_job(a, b) for a, b in chunks(len(todo))), *(fill_job(a, b) for a, b in chunks(len(fills)))]
        run_jobs(jobs, parallel=parallel, progress=progress, message="已渲染 {done}/{n} 个网页", total=len(todo) + len(fills))
        return True


def _remove_folders_of(paths: list[str]) -> None:
    """The folders of ``paths`` (files gone from the docs folder) that are empty by now (once each)."""
    for folder in sorted(set(map(os.path.dirname, paths))):
        _remove_empty(folder)


def _remove_empty(folder: str) -> None:
    """Remove ``folder`` if it is empty by now (the docs folder is emptied by several jobs at once)."""
    try:
        os.rmdir(folder)
    except OSError:
        pass


def _stencil(group: stencil.Group, sources: dict[str, stencil.Source], entries: dict[str, Entry],
             render: Callable[[Entry], str], done: dict[str, str]) -> stencil.Stencil | None:
    """The group's stencil from its probes (which MkDocs read as :func:`stencil.read` did), or None."""
    probes = [sources[uri] for uri in group.probes]
    kept = [entries.get(uri) for uri in group.probes]
    for entry, source in zip(kept, probes, strict=True):
        if entry is None:
            return None
        page = entry[0]
        if page.content != source.content or {k: v for k, v in page.meta.items() if k != "template"} != source.meta:
            return None
    first = kept[0]
    assert first is not None
    saved = first[0].meta, first[0].content
    first[0].meta, first[0].content = stencil.markers(probes[0], group.varying)
    try:
        marked = render(first)
    finally:
        first[0].meta, first[0].content = saved
    real = [render(entry) for entry in kept if entry is not None]
    done.update(zip(group.probes, real, strict=True))
    return stencil.make(probes, group.varying, marked, real)


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


class Output:
    """Writes what MkDocs writes (nothing for an empty page), keeping files unchanged since ``previous`` (generator.reuse)."""

    def __init__(self, previous: str | None) -> None:
        self.previous = previous

    def write(self, output: str, file: File, token: str | None = None) -> None:
        if output and not output.isspace():
            write_or_keep(self.previous, file.dest_uri, str(file.abs_dest_path), output.encode("utf-8", errors="xmlcharrefreplace"),
                          token)

    def write_bytes(self, data: bytes, file: File, token: str | None = None) -> None:
        """A page made of bytes (never empty: a filled page has its content); ``token``: what it is made of."""
        write_or_keep(self.previous, file.dest_uri, str(file.abs_dest_path), data, token)



def link_files(moves: dict[str, tuple[str, str]], previous: str | None) -> int:
    """Put each docs file of ``moves`` (source -> destination, site path) into the site: a hard link to it
    (a copy where the file system has none), unless ``previous`` holds it already (generator.reuse).

    The sources stay: the docs folder is emptied later (:meth:`Deferred.flush`), and a build again
    without stencils reads them.
    """
    for src, (dest, dest_uri) in moves.items():
        if previous is None or not keep_if_same(previous, dest_uri, dest, _bytes(src)):
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            try:
                os.link(src, dest)
            except OSError:
                shutil.copyfile(src, dest)
    return len(moves)


def _bytes(path: str) -> bytes:
    with open(path, "rb") as held:
        return held.read()


def with_placeholder(env: jinja2.Environment) -> jinja2.Environment:
    """Called from on_env: the theme's environment, able to load the empty template too."""
    assert env.loader is not None
    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({PLACEHOLDER: ""}), env.loader])
    return env
