"""Item pages, redirect pages for ``formerly`` codes, and the all-items table."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import jinja2

from generator.cache import Cache
from generator.flowchart import svg
from generator.model import (
    ACTION_LABELS,
    Catalogue,
    Citation,
    Department,
    DepartmentDuty,
    Item,
    Law,
)
from generator.pages.base import lead_label, published_of, render, write_page
from generator.pages.fragments import SLOT, all_items_row, cached_parts, kind_badges, spliced
from generator.pages.memo import item_pages, job_bounds
from generator.pages.versionview import item_page_context
from generator.parallel import Job
from generator.reuse import note_digests


@dataclass
class DeptRow:
    dept: Department
    duty: DepartmentDuty


@dataclass
class ArticleView:
    ref: str
    paragraphs: list[str]


@dataclass
class CitationView:
    law: Law
    articles: list[ArticleView]
    note: str | None


def citations(cat: Catalogue, item: Item) -> list[CitationView]:
    return basis_views(cat, item.basis)


def basis_views(cat: Catalogue, basis: list[Citation]) -> list[CitationView]:
    """Cited articles with their texts, for any record with a ``basis`` (items, assignments)."""
    out = []
    for c in basis:
        law = cat.law[c.law]
        arts = [ArticleView(ref, _paragraphs(law, ref)) for ref in c.articles]
        out.append(CitationView(law, arts, c.note))
    return out


def _paragraphs(law: Law, ref: str) -> list[str]:
    text = law.article_text(ref) or ""
    return [p for p in text.split("\n") if p.strip()]


def department_rows(cat: Catalogue, item: Item) -> list[DeptRow]:
    return [DeptRow(cat.department[d.department], d) for d in item.lead_departments() if d.department in cat.department]


def item_context(cat: Catalogue, item: Item, charts: Cache | None = None) -> dict[str, Any]:
    """Everything the item template needs; other page kinds (versions) reuse it. ``charts``: see ``svg.draw``."""
    return {
        "item": item,
        "cancelled": item.cancelled,
        "departments": department_rows(cat, item),
        "townships": cat.item_townships(item),
        "office": cat.office_of(item),
        "citations": citations(cat, item),
        "actions": ACTION_LABELS,
        "permalink": cat.permalink(item.code),
        "chart": svg.draw(item.workflow, cat, item.name, charts),
        "assignments": [a for a in cat.assignments if a.item == item.code],
    }


def chart_store(env: jinja2.Environment) -> Cache | None:
    """The build's chart store (``generator.pages.write_pages`` sets it), shared by every worker."""
    store = env.globals.get("chart_store")
    return store if isinstance(store, Cache) else None


def write_item(cat: Catalogue, docs_dir: Path, env: jinja2.Environment, item: Item) -> bytes:
    """Write the item's page into ``docs_dir``; returns the file's bytes (what the build cache keeps of it)."""
    rel = item_source(item.code)
    body = render(env, "item.html", rel, **item_context(cat, item, chart_store(env)), **item_page_context(cat, item))
    assert item.updated is not None  # validation requires a history entry
    meta: dict[str, Any] = {"qd_kind": "item", "qd_code": item.code, "description": description(cat, item)}
    if item.cancelled:
        meta["qd_cancelled"] = True
    write_page(docs_dir, rel, title=f"{item.code} {item.name}", body=body, updated=item.updated,
               published=published_of(item), meta=meta)
    return (docs_dir / rel).read_bytes()


def item_source(code: str) -> str:
    """The item page's file in the docs folder: ``items/<code>.md`` (the page is still ``items/<code>/``),
    so the build neither makes nor removes a folder per item; ``items/index.md`` is the list itself."""
    return f"items/{code}/index.md" if code.casefold() == "index" else f"items/{code}.md"


def description(cat: Catalogue, item: Item, limit: int = 150) -> str:
    """The page's own meta description (escaped: MkDocs' templates do not autoescape)."""
    state = "（已取消）" if item.cancelled else ""
    text = f"{item.name}{state}：{cat.labels.of(item.responsibility)}，牵头：{lead_label(cat, item)}。{item.summary or ''}"
    return str(escape(text if len(text) <= limit else text[: limit - 1] + "…"))


def redirect_html(cat: Catalogue, old: str, item: Item) -> str:
    """A tiny static page at /items/<old>/ that forwards to the current code."""
    target = f"../{item.code}/"
    canonical = cat.permalink(item.code) or target
    name = escape(item.name)
    return (
        '<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<title>{escape(old)} 已改为 {escape(item.code)} {name}</title>\n'
        f'<meta http-equiv="refresh" content="0; url={escape(target)}">\n'
        f'<link rel="canonical" href="{escape(canonical)}">\n<meta name="robots" content="noindex">\n'
        '<link rel="icon" href="../../assets/qingdan/favicon.svg" type="image/svg+xml">\n</head>\n<body>\n'
        f'<p>事项编码 {escape(old)} 已改为 {escape(item.code)}。请访问：<a href="{escape(target)}">{escape(item.code)} {name}</a></p>\n'
        "</body>\n</html>\n"
    )


def write_redirects(cat: Catalogue, docs_dir: Path) -> None:
    # Plain HTML files: MkDocs copies them verbatim, so they stay tiny and theme-free.
    for item in cat.items:
        for old in item.formerly:
            path = docs_dir / "items" / old / "index.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(redirect_html(cat, old, item), encoding="utf-8")


def write_all_items(cat: Catalogue, docs_dir: Path, env: jinja2.Environment, updated: Any) -> None:
    """/items/: a row per current item, made as UTF-8 in Python (a Jinja loop of 16,000 rows took most
    of a second), or kept in the build cache by runs of item keys."""
    rel = "items/index.md"
    badges = kind_badges(env)
    active = cat.active_items
    rows = b"".join(piece for piece, in cached_parts(env, cat, "all-items", active, lambda i: [all_items_row(cat, i, badges)], 1))
    html = render(env, "all_items.html", rel, total=len(active), rows=SLOT)
    write_page(docs_dir, rel, title="全部事项", body=spliced(html, [rows]), updated=updated, meta={"qd_kind": "items"})


def item_jobs(cat: Catalogue, docs_dir: Path, env: jinja2.Environment) -> list[Job]:
    """Item pages in chunks (independent of each other, so they may run on forked workers).

    A page's whole file (front matter and body: all of it comes from the item's key) is kept
    in the build cache's file store, and a rebuild links it from there (``Cache.link``): the
    cache entry of a run of items holds their pages' digests.
    """
    cache = env.globals["build_cache"]
    assert isinstance(cache, Cache)  # set by generator.pages.write_pages

    def job(start: int, stop: int) -> Job:
        def run() -> int:
            made: set[str] = set()  # pages written while they were made (not linked from the store)
            folders: set[str] = set()

            noted: list[tuple[str, str]] = []  # each page's digest, for the MkDocs step (generator.reuse.noted_digests)

            def make(item: Item) -> list[bytes]:
                made.add(item.code)
                data = write_item(cat, docs_dir, env, item)
                if cache.folder is None:
                    return [b""]
                digest = hashlib.sha256(data).hexdigest()
                cache.keep(os.path.join(docs_dir, item_source(item.code)), digest)
                noted.append((item_source(item.code), digest))
                return [digest.encode()]

            for item, (digest,) in item_pages(env, "item-file", cat, start, stop, make):
                if item.code in made:
                    continue
                path = os.path.join(docs_dir, item_source(item.code))
                folder = os.path.dirname(path)
                if folder not in folders:
                    os.makedirs(folder, exist_ok=True)
                    folders.add(folder)
                if cache.link(digest.decode(), path):
                    noted.append((item_source(item.code), digest.decode()))
                else:
                    make(item)  # not in the store (or damaged there): made again
            note_digests(docs_dir, noted)
            return stop - start

        return run

    return [job(start, stop) for start, stop in job_bounds(env, cat)]


__all__ = ["Citation", "item_context", "item_jobs", "write_all_items", "write_redirects"]
