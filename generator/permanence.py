"""Published URLs never vanish: what a catalogue's site must hold, and the one check that a new
version still serves every URL an earlier one published.

``check --against OLD`` (review/policy.py) compares the files two catalogues promise;
``publish`` compares the live site (its sitemap and data files) with the staged one. Both ask
:func:`dropped`, and both tell the editor what to do with :func:`advice`. A URL may change what it
shows (a tombstone for a removed record, a redirect for a renamed id), never disappear.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from pathlib import Path

from generator.model import RECORD_KINDS, Catalogue

LISTS = ("index.html", "items/index.html", "laws/index.html", "changes/index.html", "feed.xml")
HANDBOOK = "townships/{id}/handbook/index.html"
_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"


def expected_files(cat: Catalogue) -> list[str]:
    """Files (relative to the site root) that must exist for every URL this catalogue publishes."""
    files = list(LISTS)
    for item in cat.items:
        for code in (item.code, *item.formerly):
            files += [f"items/{code}/index.html", f"items/{code}.json"]
    for kind, (folder, _) in RECORD_KINDS.items():
        for rec in cat.records(kind):
            files += [f"{folder}/{rid}/index.html" for rid in (rec.id, *rec.formerly)]
    files += [f"{gone.folder}/{gone.id}/index.html" for gone in cat.removed]
    townships = [rid for t in cat.townships for rid in (t.id, *t.formerly)]
    townships += [gone.id for gone in cat.removed if gone.kind == "township"]
    files += [HANDBOOK.format(id=tid) for tid in townships]
    return sorted(set(files))


def site_files(site: Path) -> list[str]:
    """What a built site has published: every page in its sitemap, and every data file."""
    files = set(_sitemap_pages(site))
    if not files:  # no sitemap (or one without site_url): every page
        files = {p.relative_to(site).as_posix() for p in site.rglob("index.html")}
    for pattern in ("items/*.json", "items/*/index.html", "downloads/*", "feed.xml"):
        files |= {p.relative_to(site).as_posix() for p in site.glob(pattern) if p.is_file()}
    return sorted(files)


def _sitemap_pages(site: Path) -> list[str]:
    try:
        locs = [loc.text or "" for loc in ET.parse(site / "sitemap.xml").getroot().iter(_SITEMAP)]
    except (OSError, ET.ParseError):
        return []
    locs = [loc for loc in locs if "://" in loc]
    if not locs:
        return []
    home = min(locs, key=len)  # the site root: every other page's URL starts with it
    return [loc.removeprefix(home) + "index.html" for loc in locs if loc.startswith(home) and loc.endswith("/")]


def dropped(before: Iterable[str], exists: Callable[[str], bool]) -> list[str]:
    """The files of ``before`` that are missing now: URLs that would stop working."""
    return sorted(rel for rel in set(before) if not exists(rel))


def url_of(rel: str) -> str:
    return "/" + rel.removesuffix("index.html")


def advice(rel: str) -> str:
    """What an editor does so that the URL of ``rel`` keeps working (Chinese)."""
    folder = rel.split("/", 1)[0]
    if folder == "items":
        return "事项不能删除：恢复事项文件，在 history 末尾加一条 action: cancelled；改了编码时，把旧编码保留在新事项的 formerly 中"
    for kind, (path, what) in RECORD_KINDS.items():
        if folder == path:
            return (f"改了{what} id 时，把旧 id 写进这条{what}的 formerly；确实移除时，在 removed.yml 中记下它"
                    f"（kind: {kind}、id、name、date、approval，可写 successor），网址会保留一个说明去向的页面")
    return "这是手写的页面（docs/ 中的文件）：恢复它，或保留一个写明内容去向的页面"
