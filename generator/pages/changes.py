"""The public change log: ``/changes/`` grouped by approving document and date, and ``/feed.xml``.

Entries are the items' history entries; nothing here reads the clock. A feed
entry's id is derived from the item's original code (its first ``formerly``
code, else its code: ``formerly`` lists earlier codes oldest first), the date
and the action, so it survives rebuilds and later recodings.
"""

from __future__ import annotations

import hashlib
import heapq
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from generator.cache import Cache, key
from generator.model import ACTION_LABELS, Catalogue, Change, Item
from generator.pages.assignments import Event, all_events
from generator.pages.base import last_date, render, today_of, write_page
from generator.pages.memo import item_key

ASSIGNMENT_ACTIONS = {"added": "准入交办", "extended": "延期", "ended": "结束"}
ATOM = "http://www.w3.org/2005/Atom"
FEED_LIMIT = 200
"""Newest entries in /feed.xml; the pages list all of them."""
PAGE_BUDGET = 300
"""Entries listed on /changes/ itself, newest groups first; each older or larger group gets a page of
its own (/changes/<anchor>/) so that the log stays light on a phone however long the history grows."""


@dataclass(frozen=True)
class Entry:
    item: Item
    change: Change
    seq: int
    """1 for the first entry of this item, date and action; 2, 3 … for repeats (rare)."""
    before: str | None = None
    """Slug of the item's version before this change (/items/<code>/v/<slug>/), when known."""
    after: str | None = None
    """Slug of the version this change approved, when the text of that version is known."""
    index: int = 0
    """Its place in the item's history."""


@dataclass(frozen=True)
class Group:
    """The changes approved by one document on one date."""

    date: date
    approval: str
    entries: list[Entry]

    @property
    def anchor(self) -> str:
        digest = hashlib.sha1(self.approval.encode("utf-8")).hexdigest()[:8]
        return f"c-{self.date.isoformat()}-{digest}"

    def counts(self) -> list[tuple[str, int]]:
        found: Counter[str] = Counter(e.change.action for e in self.entries)
        return [(label, found[action]) for action, label in ACTION_LABELS.items() if found[action]]


def entries(cat: Catalogue) -> list[Entry]:
    """Every history entry, newest first; ties by approving document, then code."""
    return Links(cat)(unlinked_entries(cat))


def unlinked_entries(cat: Catalogue) -> list[Entry]:
    """As :func:`entries`, without the slugs of the versions before and after (:class:`Links` adds
    them to the few entries a rebuild shows anew: working them out for all took most of the time)."""
    out = [Entry(item, change, seq, index=i) for item in cat.items for i, (change, seq) in enumerate(_repeats(item))]
    out.sort(key=lambda e: (-e.change.date.toordinal(), e.change.approval, e.item.code, e.seq))
    return out


class Links:
    """Entries with the slugs of the versions before and after them, each item's worked out once."""

    def __init__(self, cat: Catalogue) -> None:
        self.cat = cat
        self.links: dict[str, dict[int, tuple[str | None, str]]] = {}

    def __call__(self, found: Iterable[Entry]) -> list[Entry]:
        out = []
        for e in found:
            links = self.links.get(e.item.code)
            if links is None:
                links = self.links[e.item.code] = version_links(self.cat, e.item)
            before, after = links.get(e.index, (None, None))
            out.append(replace(e, before=before, after=after) if after else e)
        return out


def version_links(cat: Catalogue, item: Item) -> dict[int, tuple[str | None, str]]:
    """History entry index -> (slug of the version before, slug of the version it approved)."""
    out: dict[int, tuple[str | None, str]] = {}
    previous: str | None = None
    start = 0
    for v in cat.versions_of(item):
        if v.change is not None:
            i = next((k for k in range(start, len(item.history)) if item.history[k] == v.change), None)
            if i is not None:
                out[i] = (previous, v.slug)
                start = i + 1
        previous = v.slug
    return out


def groups(cat: Catalogue) -> list[Group]:
    return grouped(entries(cat))


def grouped(found: list[Entry]) -> list[Group]:
    """``found`` (entries in their order) by approving document and date."""
    out: list[Group] = []
    for e in found:
        if out and (out[-1].date, out[-1].approval) == (e.change.date, e.change.approval):
            out[-1].entries.append(e)
        else:
            out.append(Group(e.change.date, e.change.approval, [e]))
    return out


def latest(cat: Catalogue, n: int = 10) -> list[tuple[Item, Change]]:
    """The ``n`` newest changes as (item, change), for the home page."""
    newest = heapq.nsmallest(n, ((-change.date.toordinal(), change.approval, item.code, seq, i, item, change)
                                 for item in cat.items for i, (change, seq) in enumerate(_repeats(item))))
    return [(item, change) for *_, item, change in newest]


def _repeats(item: Item) -> list[tuple[Change, int]]:
    """Each history entry with its :attr:`Entry.seq`."""
    seen: dict[tuple[date, str], int] = {}
    out = []
    for change in item.history:
        repeat = (change.date, change.action)
        seen[repeat] = seen.get(repeat, 0) + 1
        out.append((change, seen[repeat]))
    return out


# ---------------------------------------------------------------- feed


def _base(cat: Catalogue) -> str | None:
    url = cat.identity.site_url
    return url.rstrip("/") + "/" if url else None


def original_code(item: Item) -> str:
    return item.formerly[0] if item.formerly else item.code


def entry_id(cat: Catalogue, e: Entry) -> str:
    tail = f"items/{original_code(e.item)}/{e.change.action}" + (f"-{e.seq}" if e.seq > 1 else "")
    return _atom_id(cat, e.change.date, tail, f"qingdan:{cat.identity.jurisdiction}:{e.change.date.isoformat()}:{tail}")


def _atom_id(cat: Catalogue, day: date, tail: str, name: str) -> str:
    """``tag:`` URI from the site's host, or a UUID from ``name`` when there is no site_url."""
    parts = urlsplit(_base(cat) or "")
    if parts.hostname:
        return f"tag:{parts.hostname},{day.isoformat()}:{parts.path.lstrip('/')}{tail}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _feed_id(cat: Catalogue) -> str:
    base = _base(cat)
    if base:
        return base + "changes/"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'qingdan:feed:' + cat.identity.jurisdiction)}"


def _stamp(day: date) -> str:
    """A catalogue date as an RFC 3339 time: midnight, China Standard Time."""
    return f"{day.isoformat()}T00:00:00+08:00"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def entry_title(e: Entry) -> str:
    return f"{ACTION_LABELS.get(e.change.action, e.change.action)}：{e.item.name}（{e.item.code}）"


def feed_xml(cat: Catalogue, limit: int = FEED_LIMIT, assignment_events: Sequence[Event] = (),
             newest: Sequence[Entry] | None = None) -> bytes:
    """The Atom feed (RFC 4287) of the newest ``limit`` changes (and assignment events), as UTF-8 bytes;
    ``newest``: those entries, when at hand."""
    ET.register_namespace("", ATOM)
    base = _base(cat) or ""
    ident = cat.identity
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    _sub(feed, "id", _feed_id(cat))
    _sub(feed, "title", f"{ident.title} · 变更记录")
    _sub(feed, "subtitle", f"{ident.jurisdiction}乡镇履行职责事项清单的增加、调整、取消和改编码，均附批准文件。")
    _sub(feed, "updated", _stamp(last_date(cat)))
    author = _sub(feed, "author")
    _sub(author, "name", ident.publisher)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=f"{base}feed.xml")
    _sub(feed, "link", rel="alternate", type="text/html", href=f"{base}changes/")
    _sub(feed, "generator", "qingdan")
    for e in (entries(cat) if newest is None else newest)[:limit]:
        entry = _sub(feed, "entry")
        _sub(entry, "id", entry_id(cat, e))
        _sub(entry, "title", entry_title(e))
        _sub(entry, "updated", _stamp(e.change.date))
        _sub(entry, "published", _stamp(e.change.date))
        page = f"items/{e.item.code}/v/{e.after}/" if e.after else f"items/{e.item.code}/"  # the version it approved
        _sub(entry, "link", rel="alternate", type="text/html", href=f"{base}{page}")
        _sub(entry, "category", term=e.change.action, label=ACTION_LABELS.get(e.change.action, e.change.action))
        summary = f"批准文件：{e.change.approval}" + (f"。{e.change.note}" if e.change.note else "")
        _sub(entry, "summary", summary, type="text")
    for ev in assignment_events[:limit]:
        entry = _sub(feed, "entry")
        tail = f"assignments/{ev.assignment.id}/{ev.action}" + (f"-{ev.date.isoformat()}" if ev.action == "extended" else "")
        _sub(entry, "id", _atom_id(cat, ev.date, tail, f"qingdan:{ident.jurisdiction}:{tail}"))
        _sub(entry, "title", f"交办事项{ASSIGNMENT_ACTIONS[ev.action]}：{ev.assignment.title}")
        _sub(entry, "updated", _stamp(ev.date))
        _sub(entry, "published", _stamp(ev.date))
        _sub(entry, "link", rel="alternate", type="text/html", href=f"{base}assignments/{ev.assignment.id}/")
        _sub(entry, "category", term=f"assignment-{ev.action}", label=f"交办事项{ASSIGNMENT_ACTIONS[ev.action]}")
        summary = "；".join(x for x in (f"批准文件：{ev.approval}" if ev.approval else "", ev.note or "") if x)
        _sub(entry, "summary", summary or ASSIGNMENT_ACTIONS[ev.action], type="text")
    ET.indent(feed)
    text: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


# ---------------------------------------------------------------- page writer


def write_pages(cat: Catalogue, docs_dir: Path, env: jinja2.Environment) -> None:
    """Write ``changes/index.md``, a page for each group not listed there, and ``feed.xml``."""
    rel, updated, found = "changes/index.md", last_date(cat), unlinked_entries(cat)
    all_groups, links = grouped(found), Links(cat)
    inline, listed = set(), 0
    for g in all_groups:
        if listed + len(g.entries) > PAGE_BUDGET:
            break
        inline.add(g.anchor)
        listed += len(g.entries)
    common = {"actions": ACTION_LABELS, "feed_limit": FEED_LIMIT, "inline": inline}
    assignment_events = all_events(cat, today_of(env))
    shown = [Group(g.date, g.approval, links(g.entries)) if g.anchor in inline else g for g in all_groups]
    body = render(env, "changelog.html", rel, groups=shown, group=None, assignment_events=assignment_events,
                  assignment_actions=ASSIGNMENT_ACTIONS, **common)
    write_page(docs_dir, rel, title="变更记录", body=body, updated=updated, meta={"qd_kind": "changes", "qd_site_state": True})
    for g in all_groups:
        if g.anchor not in inline:
            sub = f"changes/{g.anchor}/index.md"

            def make(g: Group = g, sub: str = sub) -> bytes:
                linked = Group(g.date, g.approval, links(g.entries))
                return render(env, "changelog.html", sub, groups=[], group=linked, **common).encode("utf-8")

            write_page(docs_dir, sub, title=f"变更记录：{g.approval}", body=_group_body(env, cat, g, make), updated=g.date,
                       meta={"qd_kind": "changes"})
    newest = links(found[:FEED_LIMIT])
    (docs_dir / "feed.xml").write_bytes(feed_xml(cat, assignment_events=assignment_events, newest=newest))


def _group_body(env: jinja2.Environment, cat: Catalogue, g: Group, make: Callable[[], bytes]) -> bytes:
    """A group's page body; from the build cache while its entries' items are unchanged (their
    keys cover the items' texts and versions, so the slugs of the versions before and after too):
    an approved change adds a group, and the pages of the others stay as they were."""
    cache = env.globals.get("build_cache")
    if not isinstance(cache, Cache) or cache.folder is None:
        return make()
    name = key("changes-group", g.date.isoformat(), g.approval, *(f"{item_key(cat, e.item)} {e.index}" for e in g.entries))
    return cache.get_or_make("changes-group", name, make)
