"""Point-in-time pages: every version of every item at ``/items/<code>/v/<slug>/``, and ``/as-of/``.

Versions come from ``Catalogue.versions`` (read from git by generator.history);
``<slug>`` is the version's start date, ``YYYY-MM-DD``, and a second version
starting the same day gets ``YYYY-MM-DD-2`` (then ``-3`` …), so a slug never
changes once published. On such a day the last version is the one in force.

Version pages are many (three per item on a 16,000-item list) and never change
once their item has moved on, so they bypass MkDocs: :func:`write_pages` (a
side writer) puts one *frame* page through MkDocs at the same folder depth, and
:func:`write_version_pages` (called by the build after MkDocs) pours each
version's body into that frame. The frame leaves no page of its own (the
MkDocs plugin keeps it out of the sitemap; it is deleted afterwards). Version
pages are not in the site search: the search index is built from the current
items only (generator/search/text.py).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import escape

from generator import jsondata
from generator.cache import Cache, key
from generator.model import ACTION_LABELS, Catalogue, Change, Item, Version
from generator.pages.base import cn_date, make_env, render, write_page
from generator.pages.items import item_context
from generator.pages.memo import item_key, item_pages, item_runs, job_bounds
from generator.pages.versionview import VersionView, views, what_changed
from generator.parallel import Job, run_jobs
from generator.reuse import keep_all_unread, write_or_keep

FRAME_DIR = "items/_qd-version-frame"
FRAME = f"{FRAME_DIR}/v/_/index.md"
"""Same depth as items/<code>/v/<slug>/index.md, so the frame's relative links are right for every version."""
MARKS = {"title": "QDFRAME-TITLE", "head": "<!--qd-frame-head-->", "body": "<!--qd-frame-body-->",
         "updated": "QDFRAME-D1", "updated_text": "QDFRAME-T1", "published": "QDFRAME-D2", "published_text": "QDFRAME-T2"}
ASOF = "as-of/index.md"
ASOF_DATA = "as-of/versions.json"


# ---------------------------------------------------------------- side writer (before MkDocs)


def write_pages(cat: Catalogue, docs_dir: Path, env: jinja2.Environment) -> None:
    """The frame for version pages, ``/as-of/`` and its data (registered in generator.pages.SIDE_WRITERS)."""
    # "<h1" in the content keeps Material from adding a title heading: the body brings its own.
    body = f'<div class="qd-version-frame"><!-- the body has its own <h1> -->{MARKS["body"]}</div>'
    meta = {"qd_kind": "version", "qd_frame": True, "qd_updated": MARKS["updated"], "qd_updated_text": MARKS["updated_text"],
            "qd_published": MARKS["published"], "qd_published_text": MARKS["published_text"]}
    write_page(docs_dir, FRAME, title=MARKS["title"], body=body, updated=cat.identity.effective, meta=meta)
    rel = ASOF
    page = render(env, "as_of.html", rel, townships=cat.townships)
    write_page(docs_dir, rel, title="查阅某日的清单", body=page, updated=max((v.start for i in cat.items for v in cat.versions_of(i)),
                                                                      default=cat.identity.effective), meta={"qd_kind": "as-of"})
    (docs_dir / ASOF_DATA).write_text(jsondata.dumps(as_of_data(cat)), encoding="utf-8")


def as_of_data(cat: Catalogue) -> dict[str, Any]:
    """Every item's versions with their date ranges, for /as-of/ in the browser."""
    items = []
    for item in cat.items:
        versions = cat.versions_of(item)
        rows = [[v.slug, v.start.isoformat(), v.end.isoformat() if v.end else None, 1 if v.item.cancelled else 0,
                 v.item.townships if isinstance(v.item.townships, str) else list(v.item.townships), v.item.name, v.item.code]
                for v in versions]
        listed = versions[0].item.history[0].date.isoformat()  # may be before the earliest text we have
        items.append([item.code, item.formerly, listed, rows])
    return {"items": items}


# ---------------------------------------------------------------- after MkDocs


class Frame:
    """The rendered frame page split at its marks, filled once per version (as UTF-8 bytes)."""

    def __init__(self, html: str) -> None:
        if MARKS["body"] not in html:
            raise ValueError("版本页面框架缺少正文位置（主题模板是否改动了页面正文？）")
        pattern = "(" + "|".join(re.escape(m) for m in MARKS.values()) + ")"
        names = {m: k for k, m in MARKS.items()}
        self.parts: list[str | bytes] = [names.get(p) or p.encode("utf-8") for p in re.split(pattern, html)]
        """A mark's name (str) where a value goes, else the frame's own bytes."""

    def fill(self, values: dict[str, bytes]) -> bytes:
        return b"".join(values[p] if isinstance(p, str) else p for p in self.parts)


def write_version_pages(site_dir: Path, cat: Catalogue, progress: Callable[[str], None] | None = None,
                        parallel: bool = False, charts: Cache | None = None, cache: Cache | None = None,
                        previous: Path | None = None) -> None:
    """Every version page and version JSON into the built site; removes the frame.

    ``charts`` is the store the item pages drew into (``svg.draw``): a version's chart is read back, not drawn again.
    ``cache`` is the build cache: a version's body made by an earlier build for the same inputs is reused.
    ``previous`` is the site this build replaces: an unchanged file is kept from it (generator.reuse).
    """
    frame_file = site_dir / FRAME.replace(".md", ".html")
    frame_bytes = frame_file.read_bytes()
    frame = Frame(frame_bytes.decode("utf-8"))
    shutil.rmtree(site_dir / FRAME_DIR)
    env = make_env(cat)
    env.globals["build_cache"] = cache = cache or Cache(None)
    # An item's version files are made of the frame and what its key stands for: with a cache, a file
    # the last build wrote from the same is kept without being made again (generator.reuse.keep_unread).
    frame_key = key("version-frame", frame_bytes)

    def token(item: Item) -> str | None:
        return key("version-files", frame_key, item_key(cat, item)) if cache.folder is not None else None

    def job(start: int, stop: int) -> Job:
        def run() -> int:
            for a, b in item_runs(env, cat, start, stop):
                tokens = [token(item) for item in cat.items[a:b]]
                todo = [t is None or not keep_all_unread(previous, site_dir, t) for t in tokens]
                if not any(todo):
                    continue
                made = item_pages(env, "versions", cat, a, b, partial(_version_parts, cat, env, charts))
                for (item, parts), t, wanted in zip(made, tokens, todo, strict=True):
                    if wanted:
                        write_item_versions(cat, frame, site_dir, item, parts, previous, t)
            return stop - start

        return run

    # (job_bounds works out in this process any item key the page writers did not: the workers inherit them)
    run_jobs([job(a, b) for a, b in job_bounds(env, cat)], parallel=parallel, progress=progress,
             message="已生成 {done}/{n} 个事项的历次版本", total=len(cat.items))


def write_item_versions(cat: Catalogue, frame: Frame, site: Path, item: Item, made: list[bytes], previous: Path | None = None,
                        token: str | None = None) -> None:
    """The item's version pages and JSON (``made``: :func:`_version_parts`) and the redirects of its old
    codes; ``token``: what they are made of (generator.reuse.write_or_keep)."""
    shown = views(cat, item)
    current = shown[-1]
    published = shown[0].start
    folder = os.fspath(site)
    for view, body, data in zip(shown, made[::2], made[1::2], strict=True):
        v = view.version
        canonical = f'<link rel="canonical" href="{escape(view.url)}">' if view.url else ""
        html = frame.fill({
            "title": str(escape(f"{v.item.code} {v.item.name}（{view.label}）")).encode("utf-8"), "head": canonical.encode("utf-8"),
            "body": body, "updated": v.start.isoformat().encode("utf-8"), "updated_text": cn_date(v.start).encode("utf-8"),
            "published": published.isoformat().encode("utf-8"), "published_text": cn_date(published).encode("utf-8"),
        })
        rel = view.path + "index.html"
        write_or_keep(previous, rel, os.path.join(folder, rel), html, token)
        write_or_keep(previous, view.json_path, os.path.join(folder, view.json_path), data, token)
    write_unrecorded(cat, site, item, current, previous, token)
    for old in item.formerly:  # /items/<old>/v/<slug>/ keeps working after a recode
        for view in shown:
            rel = f"items/{old}/v/{view.version.slug}/index.html"
            write_or_keep(previous, rel, site / rel, _redirect(old, item, view).encode("utf-8"), token)


def _version_parts(cat: Catalogue, env: jinja2.Environment, charts: Cache | None, item: Item) -> list[bytes]:
    """Each version's page body and JSON, in turn (what :func:`write_item_versions` takes from the build cache)."""
    shown, parts = views(cat, item), []
    for view in shown:
        parts.append(_version_body(cat, env, item, view, shown, charts).strip().encode("utf-8"))
        parts.append(_version_json(cat, item, view.version).encode("utf-8"))
    return parts


def _version_json(cat: Catalogue, item: Item, version: Version) -> str:
    return jsondata.dumps(jsondata.version_data(cat, item, version))


def _version_body(cat: Catalogue, env: jinja2.Environment, item: Item, view: VersionView, shown: list[VersionView],
                  charts: Cache | None) -> str:
    v, current = view.version, shown[-1]
    ctx = item_context(v.context, v.item, charts)
    ctx.update(permalink=cat.permalink(item.code), versions=shown, shown=view,
               current=current, code_now=item.code, summary=what_changed(view, current) if not view.current else "",
               cat=v.context, actor_label=v.context.actor_label, labels=v.context.labels)
    return render(env, "version.html", view.path + "index.md", **ctx)


def write_unrecorded(cat: Catalogue, site: Path, item: Item, current: VersionView, previous: Path | None = None,
                     token: str | None = None) -> None:
    """Outside git an item has one version, dated by its last history entry. The version URLs an
    earlier build published (one per earlier history date) keep resolving: to a page that says the
    text of that day was not kept and links the current version, never to a 404."""
    if item.code in cat.versions:
        return
    written = {current.version.slug}
    for change in item.history:
        slug = change.date.isoformat()
        if slug in written:  # two entries of one day: the first one's page
            continue
        written.add(slug)
        rel = f"items/{item.code}/v/{slug}/index.html"
        write_or_keep(previous, rel, site / rel, _unrecorded_html(item, change, current).encode("utf-8"), token)
        record = {"code": item.code, "version": slug, "text_kept": False, "change": jsondata.plain(change),
                  "current": current.url or f"../{current.version.slug}/"}
        rel = f"items/{item.code}/v/{slug}.json"
        write_or_keep(previous, rel, site / rel, jsondata.dumps(record).encode("utf-8"), token)


ICON = '<link rel="icon" href="../../../../assets/qingdan/favicon.svg" type="image/svg+xml">\n'
"""For the plain pages at items/<code>/v/<slug>/: without it a browser asks for a missing /favicon.ico."""


def _plain_page(title: str, head: str, body: str) -> str:
    """A small theme-free page (escaped parts in): ``head`` after the title, ``body`` inside <body>."""
    return ('<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<title>{title}</title>\n{head}<meta name="robots" content="noindex">\n{ICON}</head>\n<body>\n{body}</body>\n</html>\n')


def _unrecorded_html(item: Item, change: Change, current: VersionView) -> str:
    target = f"../{current.version.slug}/"
    title = escape(f"{item.code} {item.name}（{change.date.isoformat()} 的版本）")
    return _plain_page(title, f'<link rel="canonical" href="{escape(current.url or target)}">\n',
                       f"<h1>{title}</h1>\n"
                       f"<p>本站没有保存事项 {escape(item.code)} 在 {change.date.isoformat()} 时的原文（清单不在 git 版本库中，只保留现行文本）。"
                       f"这一天的变更：{escape(ACTION_LABELS.get(change.action, change.action))}，批准文件 {escape(change.approval)}"
                       + (f"，{escape(change.note.rstrip('。；; '))}" if change.note else "") + "。</p>\n"
                       f'<p>请查看现行版本：<a href="{escape(target)}">{escape(item.code)} {escape(item.name)}（{escape(current.label)}）</a></p>\n')


def _redirect(old: str, item: Item, view: VersionView) -> str:
    target = f"../../../{item.code}/v/{view.version.slug}/"
    title = escape(f"{old} 已改为 {item.code}（{view.label}）")
    return _plain_page(title, f'<meta http-equiv="refresh" content="0; url={escape(target)}">\n'
                              f'<link rel="canonical" href="{escape(view.url or target)}">\n',
                       f'<p>事项编码 {escape(old)} 已改为 {escape(item.code)}。请访问：'
                       f'<a href="{escape(target)}">{escape(item.code)} {escape(view.item.name)}（{escape(view.label)}）</a></p>\n')
