"""交办事项 (事项准入): /assignments/ and /assignments/<id>/, and the short lists other pages show.

An assignment's state (not started, current, ended) depends on the day the
site is built: the build passes that day in; the pages also carry the dates so
that a small script corrects the state for a reader who opens an old build.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2

from generator.model import Assignment, Catalogue
from generator.pages.base import render, today_of, write_page
from generator.pages.items import basis_views

STATES = {"pending": "尚未开始", "current": "执行中", "over": "已到期", "ended": "已提前结束"}


@dataclass(frozen=True)
class Event:
    """One line of the change log: an assignment added, extended or ended."""

    assignment: Assignment
    date: date
    action: str
    """``added``, ``extended`` or ``ended``."""
    approval: str | None
    note: str | None


def state(a: Assignment, today: date) -> str:
    if a.ended is not None and a.ended.date < today:
        return "ended"
    if a.is_over(today):
        return "over"
    return "pending" if a.period.start > today else "current"


def is_current(a: Assignment, today: date) -> bool:
    """Shown as in force: current, or approved and about to start."""
    return state(a, today) in ("current", "pending")


def for_township(cat: Catalogue, township_id: str, today: date) -> list[Assignment]:
    return [a for a in cat.assignments if a.applies_to(township_id) and is_current(a, today)]


def for_item(cat: Catalogue, code: str) -> list[Assignment]:
    return [a for a in cat.assignments if a.item == code]


def events(a: Assignment, today: date) -> list[Event]:
    """Added on its approval, each approved extension, and its end once it has come."""
    out = [Event(a, a.approval.date, "added", a.approval.document, None)]
    out += [Event(a, e.date, "extended", e.approval, e.note or f"延期至{e.end.isoformat()}") for e in a.extensions]
    if a.ended is not None and a.ended.date < today:
        out.append(Event(a, a.ended.date, "ended", a.ended.approval, a.ended.note or "提前结束"))
    elif a.end is not None and a.end < today:
        out.append(Event(a, a.end, "ended", None, "期满结束"))
    return out


def all_events(cat: Catalogue, today: date) -> list[Event]:
    """Every assignment event, newest first."""
    found = [e for a in cat.assignments for e in events(a, today)]
    return sorted(found, key=lambda e: (-e.date.toordinal(), e.assignment.id, e.action))


def _updated(a: Assignment, today: date) -> date:
    return max(e.date for e in events(a, today))


def write_pages(cat: Catalogue, docs_dir: Path, env: jinja2.Environment) -> None:
    if not cat.assignments:
        return
    today = today_of(env)
    for a in cat.assignments:
        rel = f"assignments/{a.id}/index.md"
        body = render(env, "assignment.html", rel, a=a, state=state(a, today), states=STATES,
                      citations=basis_views(cat, a.basis), permalink=cat.site_link(f"assignments/{a.id}/"),
                      townships=cat.item_townships(a), events=events(a, today))
        write_page(docs_dir, rel, title=a.title, body=body, updated=_updated(a, today), published=a.approval.date,
                   meta={"qd_kind": "assignment"})
    rows = [(a, state(a, today)) for a in cat.assignments]
    current = sorted((r for r in rows if r[1] in ("current", "pending")), key=lambda r: (r[0].period.start, r[0].id))
    ended = sorted((r for r in rows if r[1] not in ("current", "pending")),
                   key=lambda r: (-(r[0].end or r[0].period.start).toordinal(), r[0].id))
    rel = "assignments/index.md"
    departments = sorted({a.department for a in cat.assignments}, key=lambda d: cat.department[d].name)
    body = render(env, "assignments.html", rel, current=current, ended=ended, states=STATES,
                  departments=[cat.department[d] for d in departments])
    write_page(docs_dir, rel, title="交办事项", body=body, updated=max(_updated(a, today) for a in cat.assignments),
               meta={"qd_kind": "assignments"})
