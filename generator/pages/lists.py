"""Home, category, department and township pages and their index pages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import Any, TypeVar

import jinja2

from generator.model import ACTION_LABELS, KINDS, Catalogue, Category, Change, Item
from generator.pages.assignments import for_township, is_current
from generator.pages.base import render, today_of, write_page
from generator.pages.changes import latest
from generator.pages.fragments import SLOT, ItemRows, cached_parts, spliced

P = TypeVar("P")


def latest_changes(cat: Catalogue, n: int = 10) -> list[tuple[Item, Change]]:
    """The newest history entries across all items, in the change log's order (generator.pages.changes)."""
    return latest(cat, n)


def category_groups(cat: Catalogue, counts: Counter[str]) -> list[tuple[str | None, list[tuple[Any, int]]]]:
    """Categories by group, in file order of each group's first category."""
    groups: dict[str | None, list[tuple[Any, int]]] = {}
    for c in cat.categories:
        groups.setdefault(c.group, []).append((c, counts[c.id]))
    return list(groups.items())


def write_home(cat: Catalogue, docs_dir: Path, env: jinja2.Environment, updated: date) -> None:
    active = cat.active_items
    kinds = Counter(i.responsibility for i in active)
    body = render(
        env, "home.html", "index.md",
        active=active,
        counts=[(k, kinds[k]) for k in KINDS],
        groups=category_groups(cat, Counter(i.category for i in active)),
        latest=latest_changes(cat),
        actions=ACTION_LABELS,
        assignments=[a for a in cat.assignments if is_current(a, today_of(env))],
    )
    write_page(docs_dir, "index.md", title=cat.identity.title, body=body, updated=updated,
               published=cat.identity.effective, hide=("toc", "navigation"), meta={"qd_kind": "home", "qd_site_state": True})


def _rows(cat: Catalogue, env: jinja2.Environment) -> ItemRows:
    """One row cache per build (kept on the environment, which lives for one build); every list page
    is at depth 2."""
    rows = getattr(env, "qd_rows", None)
    if rows is None:
        rows = ItemRows(cat, env, "../../")
        env.qd_rows = rows  # type: ignore[attr-defined]
    assert isinstance(rows, ItemRows)
    return rows


def in_list_order(cat: Catalogue, items: Iterable[Item]) -> list[Item]:
    """Items as a township's page and handbook list them: category order, then code."""
    order = {c.id: n for n, c in enumerate(cat.categories)}
    return sorted(items, key=lambda i: (order.get(i.category, len(order)), i.code))


def township_items(cat: Catalogue) -> dict[str, list[Item]]:
    """Each township's current items (by township id), in list order: one pass over the items, not
    one per township (16,000 items x 20 townships at the largest)."""
    listed: dict[str, list[Item]] = {t.id: [] for t in cat.townships}
    for item in in_list_order(cat, cat.active_items):
        for t in cat.item_townships(item):
            listed[t.id].append(item)
    return listed


def newest_by(cat: Catalogue, keys_of: Callable[[Item], Iterable[str]]) -> dict[str, date]:
    """Each list page's 更新日期 by key (``keys_of`` an item: the pages that may list it): the newest
    change of those items, cancelled ones included, not of the whole catalogue, so a change elsewhere
    leaves the page's bytes alone. One pass over the items, not one per page."""
    found: dict[str, date] = {}
    for item in cat.items:
        day = item.updated
        if day:
            for key in keys_of(item):
                if key not in found or day > found[key]:
                    found[key] = day
    return found


def _item_rows(cat: Catalogue, env: jinja2.Environment, active: list[Item]) -> dict[str, bytes]:
    """Each current item's (``active``) row of a category or department table (by code), made once
    (or kept in the build cache)."""
    rows = _rows(cat, env)
    made = cached_parts(env, cat, "item-rows", active, lambda i: [rows.item_row(i)], 1)
    return {item.code: piece for item, (piece,) in zip(active, made, strict=True)}


def _section(sid: str, title: str, rows: list[bytes], blocks: list[bytes]) -> dict[str, Any]:
    """A table of a list page: its rows go into ``blocks``, in the page's order (fragments.spliced)."""
    if rows:
        blocks.append(b"\n".join(rows))
    return {"id": sid, "title": title, "count": len(rows), "rows": SLOT}


def write_categories(cat: Catalogue, docs_dir: Path, env: jinja2.Environment, updated: date) -> None:
    active = cat.active_items
    rows = _item_rows(cat, env, active)
    counts = Counter(i.category for i in active)
    by_category: dict[str, list[Item]] = {}
    for item in active:
        by_category.setdefault(item.category, []).append(item)
    dates = newest_by(cat, lambda i: (i.category,))
    for c in cat.categories:
        rel = f"categories/{c.id}/index.md"
        items = by_category.get(c.id, [])
        blocks: list[bytes] = []
        sections = [_section(k, cat.labels.of(k), found, blocks) for k in KINDS
                    if (found := [rows[i.code] for i in items if i.responsibility == k])]
        html = render(env, "list_page.html", rel, kind="category", heading=c.name,
                      intro=[f"分组：{c.group}"] * bool(c.group) + [c.description] * bool(c.description),
                      sections=sections or [_section("items", "事项", [], blocks)], links=[])
        write_page(docs_dir, rel, title=c.name, body=spliced(html, blocks), updated=dates.get(c.id, cat.identity.effective),
                   meta={"qd_kind": "category"})
    groups = [(g, [{"href": f"categories/{c.id}/", "text": c.name, "extra": f"{n} 项"} for c, n in cs])
              for g, cs in category_groups(cat, counts)]
    body = render(env, "index_page.html", "categories/index.md", heading="事项分类", groups=groups)
    write_page(docs_dir, "categories/index.md", title="事项分类", body=body, updated=updated)


def write_departments(cat: Catalogue, docs_dir: Path, env: jinja2.Environment, updated: date) -> None:
    active = cat.active_items
    rows = _item_rows(cat, env, active)
    roles: dict[str, dict[str, list[bytes]]] = {d.id: {"lead": [], "support": []} for d in cat.departments}
    for item in active:
        for duty in item.departments:
            if duty.department in roles:
                roles[duty.department][duty.role].append(rows[item.code])
    dates = newest_by(cat, lambda i: (duty.department for duty in i.departments))
    for d in cat.departments:
        rel = f"departments/{d.id}/index.md"
        intro = [f"简称：{d.short}"] * bool(d.short) + [f"公开电话：{d.phone}"] * bool(d.phone)
        blocks: list[bytes] = []
        sections = [_section(role, title, roles[d.id][role], blocks) for role, title in (("lead", "牵头的事项"), ("support", "配合的事项"))]
        html = render(env, "list_page.html", rel, kind="department", heading=d.name, intro=intro, sections=sections, links=[])
        write_page(docs_dir, rel, title=d.name, body=spliced(html, blocks), updated=dates.get(d.id, cat.identity.effective),
                   meta={"qd_kind": "department"})
    levels = {"county": "县级部门", "township": "乡镇内设机构"}
    groups = [(label, [{"href": f"departments/{d.id}/", "text": d.name,
                        "extra": f"牵头 {len(roles[d.id]['lead'])} 项，配合 {len(roles[d.id]['support'])} 项"}
                       for d in cat.departments if d.level == level])
              for level, label in levels.items()]
    body = render(env, "index_page.html", "departments/index.md", heading="部门", groups=[g for g in groups if g[1]])
    write_page(docs_dir, "departments/index.md", title="部门", body=body, updated=updated)


def township_tables(cat: Catalogue, items: list[Item], pieces: Sequence[P | list[P]]
                    ) -> list[tuple[list[tuple[Category, int, list[P]]], Counter[str]]]:
    """For each township (townships.yml order): each category with current items there (``items``: the
    current ones in list order), their count and each one's piece (``pieces``, by position in ``items``:
    the same in every township, or a list of one per township by position), and the township's count
    of each kind. One pass over the items: at 16,000 items x 20 townships that is 270,000 rows."""
    towns = {t.id: n for n, t in enumerate(cat.townships)}
    tables: list[list[tuple[Category, int, list[P]]]] = [[] for _ in towns]
    kinds: list[Counter[str]] = [Counter() for _ in towns]
    everywhere: Counter[str] = Counter()  # of the items of every township, counted once
    everyone = range(len(towns))
    at = 0
    for category, members in groupby(items, key=attrgetter("category")):
        lists: list[list[P]] = [[] for _ in towns]
        for item in members:
            made = pieces[at]
            at += 1
            if item.townships == "all":
                where: Iterable[int] = everyone
                everywhere[item.responsibility] += 1
            else:  # as cat.item_townships: known ids, in the item's order
                where = [towns[t] for t in item.townships if t in towns]
                for n in where:
                    kinds[n][item.responsibility] += 1
            if isinstance(made, list):
                for n in where:
                    lists[n].append(made[n])
            else:
                for n in where:
                    lists[n].append(made)
        for n, listed in enumerate(lists):
            if listed:
                tables[n].append((cat.category[category], len(listed), listed))
    return [(table, kinds[n] + everywhere) for n, table in enumerate(tables)]


def township_dates(cat: Catalogue) -> dict[str, date]:
    """Each township page's date (see :func:`newest_by`): an item of every township counted once."""
    dates = newest_by(cat, lambda i: ("",) if i.townships == "all" else i.townships)
    everywhere = dates.pop("", None)  # township ids are never empty
    return {t.id: max(d for d in (dates.get(t.id), everywhere) if d) for t in cat.townships if t.id in dates or everywhere}


def write_townships(cat: Catalogue, docs_dir: Path, env: jinja2.Environment, updated: date) -> None:
    """Each township's answer page: its contacts, then every current item that applies, by category."""
    rows = _rows(cat, env)
    items = in_list_order(cat, cat.active_items)
    # A 配合/收回 item's row is the same on every township page; a 基本履职 one's ends with the
    # township's contact, alike for the items of one office.
    made = cached_parts(env, cat, "township-rows", items, lambda i: [rows.township_head(i) if i.responsibility == "lead"
                                                                     else rows.county_row(i)], 1)
    offices: dict[str | None, list[bytes]] = {}
    pieces: list[bytes | list[bytes]] = []
    for item, (piece,) in zip(items, made, strict=True):
        if item.responsibility != "lead":
            pieces.append(piece)
            continue
        office = item.township.office if item.township else None
        if office not in offices:
            offices[office] = [rows.town_cells(item, t) for t in cat.townships]
        pieces.append([piece + cells for cells in offices[office]])
    dates = township_dates(cat)
    counts = {t.id: 0 for t in cat.townships}
    for t, (table, kinds) in zip(cat.townships, township_tables(cat, items, pieces), strict=True):
        rel = f"townships/{t.id}/index.md"
        counts[t.id] = kinds.total()
        html = render(env, "township.html", rel, township=t, total=counts[t.id],
                      counts=[(k, kinds[k]) for k in KINDS if kinds[k]],
                      groups=[(c, n, SLOT) for c, n, _ in table],
                      assignments=for_township(cat, t.id, today_of(env)))
        rows_in = [b"".join(listed)[:-1] for _, _, listed in table]  # each row ends in a line end: not the last one
        write_page(docs_dir, rel, title=t.name, body=spliced(html, rows_in), updated=dates.get(t.id, cat.identity.effective),
                   meta={"qd_kind": "township"})
    entries = [{"href": f"townships/{t.id}/", "text": t.name, "extra": f"{counts[t.id]} 项"} for t in cat.townships]
    body = render(env, "index_page.html", "townships/index.md", heading="乡镇（街道）", groups=[(None, entries)])
    write_page(docs_dir, "townships/index.md", title="乡镇（街道）", body=body, updated=updated)
