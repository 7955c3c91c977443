"""Generated pages that never pass through MkDocs: qingdan fills them from a stencil itself.

Before MkDocs reads a page (plugin ``on_nav``), every generated page outside
the nav is read from its file and grouped (:mod:`generator.mkdocs_site.stencil`);
all but each group's probes are then marked excluded (``File.inclusion``), so
MkDocs neither reads, renders nor keeps them, while links to them from
hand-written pages still resolve. The sitemap still lists them (stand-in
``Page`` objects, which carry the URL and date, in ``on_template_context``),
and after MkDocs' loop they are filled on forked workers
(:mod:`generator.mkdocs_site.parallel`). If a stencil does not hold, nothing is
written and :func:`generator.mkdocs_site.render.run_mkdocs` builds again with
every page through MkDocs: a theme that defeats the stencils costs time, never bytes.
"""

from __future__ import annotations

import dataclasses
import gzip
import os
import pickle
import re
import stat
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import cast
from urllib.parse import urljoin, urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_date, get_build_timestamp

from generator.cache import Cache
from generator.mkdocs_site import stencil
from generator.parallel import chunks, results


@dataclass
class Bulk:
    """The stencil groups of one build, and the pages MkDocs does not see."""

    groups: list[stencil.Group]
    probes: dict[str, stencil.Source]  # source path -> page, for the probes MkDocs renders
    rest: dict[str, tuple[File, stencil.Located]]  # source path -> file and where its page is in it, for the pages filled here
    moves: dict[str, tuple[str, str]]  # source -> destination (absolute, in the site) and site path of files to link, not copy
    digests: dict[str, str] = dataclasses.field(default_factory=dict)  # source path -> SHA-256 of the file (probes, rest), if noted
    listed: list[File | Listed] | None = None

    def sitemap_pages(self, files: Files, config: MkDocsConfig) -> list[File | Listed]:
        """What MkDocs' sitemap would list with every page built: the rest as :class:`Listed`."""
        if self.listed is not None:
            return self.listed
        listed: list[File | Listed] = []
        included = {file.src_uri for file in files.documentation_pages()}
        base = config.site_url or ""
        base += "" if not base or base.endswith("/") else "/"
        built = get_build_date()
        for file in files.documentation_pages(inclusion=lambda level: True):
            if file.src_uri in self.rest:
                updated = self.rest[file.src_uri][1].page.meta.get("qd_updated")
                listed.append(Listed(ListedPage(*_urls(base, file.url), str(updated) if updated else built)))
            elif file.src_uri in included:
                listed.append(file)
        self.listed = listed
        return listed

    def rewrite_sitemap_gz(self, files: Files, config: MkDocsConfig) -> None:
        """sitemap.xml.gz as MkDocs writes it (its header time is the newest page date), every page counted."""
        xml = Path(config.site_dir) / "sitemap.xml"
        if not xml.is_file():
            return
        pages = [f.page for f in self.sitemap_pages(files, config) if f.page is not None]
        gz_name = f"{xml}.gz"
        newest = get_build_timestamp(pages=cast(list[Page], pages))  # it reads their update_date only
        with open(gz_name, "wb") as out, gzip.GzipFile(fileobj=out, filename=gz_name, mode="wb", mtime=newest) as packed:
            packed.write(xml.read_bytes())


def nav_paths(nav: object) -> set[str]:
    """The docs paths the ``nav`` setting names (MkDocs puts their pages in the nav, as it finds them:
    ``Files.get_file_from_path``)."""
    if isinstance(nav, str):
        return {PurePath(nav).as_posix()}
    entries = nav.values() if isinstance(nav, dict) else nav if isinstance(nav, list) else []
    return {path for entry in entries for path in nav_paths(entry)}


@dataclass(frozen=True)
class ListedPage:
    """What MkDocs' sitemap template reads of a page (``Page`` as MkDocs makes it: 30 us apiece)."""

    canonical_url: str | None
    abs_url: str | None
    update_date: str
    is_link: bool = False


@dataclass(frozen=True)
class Listed:
    """A page of the rest as the sitemap template reads its file."""

    page: ListedPage


_PLAIN_URL = re.compile(r"[A-Za-z0-9_~/-]*")


def _urls(base: str, url: str) -> tuple[str | None, str | None]:
    """``Page.canonical_url`` and ``Page.abs_url`` as MkDocs sets them (``base``: site_url ending in /)."""
    if not base:
        return None, None
    canonical = base + url if _PLAIN_URL.fullmatch(url) and not url.startswith("/") else urljoin(base, url)
    return canonical, urlsplit(canonical).path


def scan(files: Files, in_nav: set[str], config: MkDocsConfig, *, parallel: bool, digests: dict[str, str] | None = None,
         cache: Cache | None = None, free: Callable[[], None] = lambda: None) -> Bulk:
    """Group the generated pages outside the nav; mark all but the probes excluded from MkDocs.

    The pages are read on forked workers if ``parallel`` (16,000 files at 16,000 items; ``free`` is
    called first, to have the fork helper free), except those whose digest the writer noted
    (``digests``, by source path) and ``cache`` knows from an earlier build: where a page is in its
    file depends on the file's bytes and URL only. Called from on_files, before MkDocs makes the
    nav's pages (``in_nav``: :func:`nav_paths`) and a page object for every other file.

    Files MkDocs would copy from the (temporary) docs folder are excluded too
    and linked into the site instead (:func:`generator.mkdocs_site.parallel.link_files`):
    the same bytes, without writing them again (the downloads, 90 MB at 16,000 items). Not linked: a file that a page or
    MkDocs' own sitemap or 404 page would overwrite (MkDocs copies first), and
    one whose permissions a copy would not keep.
    """
    digests, cache = digests or {}, cache or Cache(None)
    candidates = [file for file in files.documentation_pages() if file.src_uri not in in_nav]
    known = _known(cache)
    found: list[stencil.Located | None] = [known.get((digests.get(file.src_uri, ""), file.url)) for file in candidates]
    unread = [n for n, page in enumerate(found) if page is None]

    def reader(start: int, stop: int) -> Callable[[], list[stencil.Located | None]]:
        def run() -> list[stencil.Located | None]:
            keys: dict[Hashable, Hashable] = {}  # one object per key: pickled once, not once per page
            found = [_located(candidates[n]) for n in unread[start:stop]]
            return [page and dataclasses.replace(page, key=keys.setdefault(page.key, page.key)) for page in found]

        return run

    bounds = chunks(len(unread), 1000)
    if parallel and len(bounds) > 1:
        free()
    fresh = [page for part in results([reader(a, b) for a, b in bounds], parallel=parallel) for page in part]
    for n, page in zip(unread, fresh, strict=True):
        found[n] = page
    _remember(cache, known, {(digests[file.src_uri], file.url): page for file, page in zip(candidates, found, strict=True)
                             if file.src_uri in digests})
    located = {file.src_uri: (file, page) for file, page in zip(candidates, found, strict=True)
               if page is not None and page.key is not None}
    groups = []
    probes: dict[str, stencil.Source] = {}
    rest: dict[str, tuple[File, stencil.Located]] = {}
    for group in stencil.plan({uri: (page.key, page.page) for uri, (_, page) in located.items()}):
        read = {uri: stencil.read(located[uri][0].content_string, located[uri][0].url) for uri in group.probes}
        if not all(_alike(*located[uri], page) for uri, page in read.items()):
            continue  # not as MkDocs reads them (never seen): every page of the group through MkDocs
        probes.update((uri, page) for uri, page in read.items() if page is not None)
        groups.append(group)
        for uri in group.rest:
            located[uri][0].inclusion = InclusionLevel.EXCLUDED
            rest[uri] = located[uri]
    return Bulk(groups, probes, rest, _moves(files, config), {uri: digests[uri] for uri in (*probes, *rest) if uri in digests})


LOCATED = "located"
"""The cache kind of where the pages of one build are in their files (one entry, the latest)."""


def _known(cache: Cache) -> dict[tuple[str, str], stencil.Located | None]:
    """Where the pages of the last build were in their files, by (SHA-256 of the file, URL)."""
    payload = cache.load(LOCATED, LOCATED)
    try:
        known = pickle.loads(payload) if payload is not None else {}  # our own entry, checked by Cache
    except Exception:  # whatever went wrong, the pages are read
        return {}
    return known if isinstance(known, dict) else {}


def _remember(cache: Cache, known: dict[tuple[str, str], stencil.Located | None],
              now: dict[tuple[str, str], stencil.Located | None]) -> None:
    """Keep ``now`` for the next build, if it is not what the cache holds already."""
    if now.keys() != known.keys():
        cache.store(LOCATED, LOCATED, pickle.dumps(now, protocol=pickle.HIGHEST_PROTOCOL))


def _moves(files: Files, config: MkDocsConfig) -> dict[str, tuple[str, str]]:
    """The copied files that can be linked instead (see :func:`scan`); marked excluded."""
    umask = os.umask(0)
    os.umask(umask)
    copied_mode = 0o666 & ~umask  # what shutil.copyfile gives a new file
    docs = os.path.normpath(config.docs_dir) + os.sep
    written = {f.dest_uri for f in files.documentation_pages(inclusion=lambda level: True)}
    written.update(("sitemap.xml", "sitemap.xml.gz", "404.html"))
    moves = {}
    for file in list(files):
        src = file.abs_src_path
        if (file.is_documentation_page() or not file.inclusion.value > InclusionLevel.DRAFT.value or src is None
                or not src.startswith(docs) or file.dest_uri in written or os.lstat(src).st_mode != stat.S_IFREG | copied_mode):
            continue
        file.inclusion = InclusionLevel.EXCLUDED
        moves[src] = str(file.abs_dest_path), file.dest_uri
    return moves


def _located(file: File) -> stencil.Located | None:
    """Where the page of a generated file is in it (read on a worker: only this comes back)."""
    return stencil.locate(file.content_bytes, file.url) if file.abs_src_path is not None else None


def _alike(file: File, located: stencil.Located, page: stencil.Source | None) -> bool:
    """Whether ``located`` (a probe's, from its bytes) is ``page`` (its text, read as MkDocs reads it)."""
    return (page is not None and located.page.meta == page.meta
            and file.content_bytes[located.start:located.stop] == stencil.utf8(page.content))
