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

import gzip
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_timestamp

from generator.mkdocs_site import stencil


@dataclass
class Bulk:
    """The stencil groups of one build, and the pages MkDocs does not see."""

    groups: list[stencil.Group]
    probes: dict[str, stencil.Source]  # source path -> page, for the probes MkDocs renders
    rest: dict[str, tuple[File, Any]]  # source path -> file and its qd_updated, for the pages filled here
    listed: list[File] | None = None

    def sitemap_pages(self, files: Files, config: MkDocsConfig) -> list[File]:
        """What MkDocs' sitemap would list with every page built: the rest get stand-in pages."""
        if self.listed is not None:
            return self.listed
        listed = []
        included = {file.src_uri for file in files.documentation_pages()}
        for file in files.documentation_pages(inclusion=lambda level: True):
            if file.src_uri in self.rest:
                page = Page(None, file, config)
                updated = self.rest[file.src_uri][1]
                if updated:
                    page.update_date = str(updated)
                listed.append(file)
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
        with open(gz_name, "wb") as out, gzip.GzipFile(fileobj=out, filename=gz_name, mode="wb",
                                                       mtime=get_build_timestamp(pages=pages)) as packed:
            packed.write(xml.read_bytes())


def scan(files: Files, in_nav: set[str]) -> Bulk:
    """Group the generated pages outside the nav; mark all but the probes excluded from MkDocs."""
    keyed: dict[str, tuple[Hashable, stencil.Source]] = {}
    file_of: dict[str, File] = {}
    for file in files.documentation_pages():
        if file.src_uri in in_nav:
            continue
        try:
            page = stencil.read(file.content_string, file.url)
        except ValueError:  # not UTF-8: MkDocs reports it
            continue
        key = stencil.group_key(page) if page is not None else None
        if page is not None and key is not None:
            keyed[file.src_uri] = key, stencil.Source(page.url, page.meta, "")  # planning needs no content
            file_of[file.src_uri] = file
    groups = stencil.plan(keyed)
    probes = {}
    rest: dict[str, tuple[File, Any]] = {}
    for group in groups:
        for uri in group.probes:
            probes[uri] = _read(file_of[uri])
        for uri in group.rest:
            file = file_of[uri]
            file.inclusion = InclusionLevel.EXCLUDED
            rest[uri] = file, keyed[uri][1].meta.get("qd_updated")
    return Bulk(groups, probes, rest)


def _read(file: File) -> stencil.Source:
    page = stencil.read(file.content_string, file.url)
    assert page is not None  # read the same way when it was planned
    return page
