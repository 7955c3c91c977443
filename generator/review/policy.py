"""动态管理 in CI: ``qingdan check NEW --against OLD`` refuses changes that skip approval.

Rules, comparing the new catalogue with the published one:

- ``changed-without-history``: an item changed (any field but history) without
  a new history entry carrying an approving document;
- ``history-rewritten``: earlier history entries were edited or removed;
- ``code-vanished``: an item's file was deleted instead of cancelled;
- ``code-reused``: a code that belonged to another item (a cancelled item, or a
  ``formerly`` code) now names a different item;
- ``url-vanished``: a ``formerly`` code was dropped, so its redirect page would go;
- ``url-dropped``: any other published URL would go (a law, department, township or
  category page without a ``formerly`` redirect or a removed.yml tombstone, a handbook,
  a data file, a hand-written page): the check publish makes against the live site,
  both from generator.permanence.
- 交办事项 (事项准入): ``assignment-no-approval`` an assignment added without a real approving
  document; ``assignment-extended-without-approval`` its end moved later without a new approved
  extension; ``assignment-ended-kept-current`` an ended assignment made current again;
  ``assignment-history-rewritten`` approved extensions edited or removed; ``assignment-vanished``
  its file deleted (its page must stay).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from generator import problems as P
from generator.load import FileParser, load
from generator.model import RECORD_KINDS, Assignment, Catalogue, Item
from generator.permanence import advice, dropped, expected_files, url_of
from generator.problems import Problem
from generator.review.diff import match_items
from generator.review.gitread import SourceError, read_catalogue

# Every item field but history, compared as written (ids, not the names they stand for).
FIELDS = {"code": "编码", "name": "名称", "category": "分类", "responsibility": "责任类型", "summary": "简介",
          "departments": "部门及职责", "township": "乡镇职责", "townships": "适用乡镇", "basis": "法律依据",
          "workflow": "流程步骤", "accountability": "追责情形", "exemption": "免责情形", "keywords": "关键词",
          "working_method": "工作方式", "formerly": "曾用编码"}


def policy_problems(against: str, new: Path, catalogue: Catalogue | None = None, files: FileParser | None = None) -> list[Problem]:
    """Problems of ``new`` against the catalogue ``against`` (a folder or ``REV:PATH``).

    ``catalogue`` is ``new`` already loaded, when the caller has it (saves a second load), and
    ``files`` the parser that loaded it with ``share`` on (the files ``against`` has unchanged are not parsed again).
    """
    try:
        old, _ = read_catalogue(against, files=files)
    except SourceError as exc:
        return [P.AGAINST_UNREADABLE.at("", None, "", reason=exc)]
    cat = catalogue if catalogue is not None else load(Path(new), files)[0]
    if cat is None:
        return []  # the ordinary check already says why
    return sorted(compare_policy(old, cat))


def compare_policy(old: Catalogue, new: Catalogue) -> list[Problem]:
    """The policy on two loaded catalogues (pure)."""
    problems: list[Problem] = []
    pairs, _, removed = match_items(old, new)
    alias = _aliases(new)
    for before, after in pairs:
        problems += _pair_problems(_renamed(before, alias), after)
    new_urls = {i.code for i in new.items} | {c for i in new.items for c in i.formerly}
    old_owner = {c: i for i in old.items for c in i.formerly}
    reported: set[str] = set()  # codes whose URLs an item rule below already speaks for
    for item in removed:
        if item.code in new_urls:
            continue  # merged into another item: its URL becomes that item's redirect
        reported |= {item.code, *item.formerly}
        problems.append(P.CODE_VANISHED.at(item.file, None, "", code=item.code, name=item.name, also=_also(item), file=item.file))
    new_formerly = {c: i for i in new.items for c in i.formerly}
    for code, owner in sorted(old_owner.items()):
        if code in new_urls:
            continue
        holder = new.item.get(owner.code) or new_formerly.get(owner.code)
        if holder is not None:  # (when the owner itself vanished, code-vanished says it all)
            line = holder.line_of("formerly") if holder.formerly else holder.line
            reported.add(code)
            problems.append(P.URL_VANISHED.at(holder.file, line, "formerly", code=holder.code, former=code))
    problems += _reuse(old, new)
    problems += _urls(old, new, reported)
    problems += assignment_policy(old, new, date.today())
    return problems


def _also(item: Item) -> str:
    return f"（及曾用编码 {'、'.join(item.formerly)} 的网址）" if item.formerly else ""


def _aliases(new: Catalogue) -> dict[str, dict[str, str]]:
    """Per kind of record, each id that ``new`` renamed (``formerly``) -> its new id."""
    return {kind: {old: rec.id for rec in new.records(kind) for old in rec.formerly} for kind in RECORD_KINDS}


def _renamed(item: Item, alias: dict[str, dict[str, str]]) -> Item:
    """``item`` with renamed ids (see :func:`_aliases`) written as their new ids:
    renaming a category or department is not a change of the items that name it."""
    if not any(alias.values()):
        return item

    def to(kind: str, rid: str) -> str:
        return alias[kind].get(rid, rid)

    return dataclasses.replace(
        item, category=to("category", item.category),
        departments=[dataclasses.replace(d, department=to("department", d.department)) for d in item.departments],
        townships=item.townships if item.townships == "all" else [to("township", t) for t in item.townships],
        basis=[dataclasses.replace(c, law=to("law", c.law)) for c in item.basis])


def _pair_problems(before: Item, after: Item) -> list[Problem]:
    kept = after.history[: len(before.history)] == before.history
    if not kept:
        if before.cancelled and not after.cancelled and after.history[:1] != before.history[:1]:
            return []  # a different item under a cancelled code: reported by _reuse
        return [P.HISTORY_REWRITTEN.at(after.file, after.line_of("history"), "history", code=after.code, count=len(before.history))]
    added = after.history[len(before.history):]
    changed = [label for name, label in FIELDS.items() if getattr(before, name) != getattr(after, name)]
    if changed and not added:
        return [P.CHANGED_WITHOUT_HISTORY.at(after.file, after.line_of("history"), "history", code=after.code, fields="、".join(changed))]
    return []


def _reuse(old: Catalogue, new: Catalogue) -> list[Problem]:
    problems = []
    old_formerly = {c: i for i in old.items for c in i.formerly}
    for item in new.items:
        before = old.item.get(item.code)
        where = (item.file, item.line_of("code"), "code")
        if item.code in old_formerly and before is None:
            owner = old_formerly[item.code]
            problems.append(P.CODE_REUSED.at(*where, code=item.code, owner=owner.code, name=owner.name))
        elif before is not None and before.cancelled and not item.cancelled and item.history[:1] != before.history[:1]:
            problems.append(P.CODE_REUSED.at(*where, "cancelled", code=item.code, name=before.name))
    return problems


def _urls(old: Catalogue, new: Catalogue, reported: set[str]) -> list[Problem]:
    """Every other URL the old catalogue published must still be published (the check publish makes too)."""
    problems = []
    for rel in dropped(expected_files(old), set(expected_files(new)).__contains__):
        folder, _, rest = rel.partition("/")
        rid = rest.split("/", 1)[0].removesuffix(".json")
        if folder == "items" and rid in reported:
            continue  # code-vanished or url-vanished already says it, with the item's own fix
        problems.append(P.URL_DROPPED.at(_file_of(old, folder, rid), None, "", url=url_of(rel), advice=advice(rel)))
    return problems


def _file_of(cat: Catalogue, folder: str, rid: str) -> str:
    """The file that published ``/folder/rid/``: where the editor looks."""
    if folder == "items":
        owner = next((i for i in cat.items if rid in (i.code, *i.formerly)), None)
        return owner.file if owner else "items/"
    for kind, (path, _) in RECORD_KINDS.items():
        if folder == path:
            owner = next((r for r in cat.records(kind) if rid in (r.id, *r.formerly)), None)
            return owner.file if owner else "removed.yml"
    return ""


PLACEHOLDERS = {"", "无", "暂无", "待定", "待批", "待批准", "未批准", "见附件", "-", "—", "/"}
"""Texts that stand where an approving document number should be."""


def _planned_end(a: Assignment) -> date | None:
    """The end the approvals give (an early end only shortens it)."""
    return a.extensions[-1].end if a.extensions else a.period.end


def assignment_policy(old: Catalogue, new: Catalogue, today: date) -> list[Problem]:
    """事项准入 in review: assignments need approval to start, to last longer, and stay ended once over."""
    problems = []
    for a in new.assignments:
        before = old.assignment.get(a.id)
        if before is None:
            if a.approval.document.strip() in PLACEHOLDERS:
                line = a.approval.line_of("document")
                problems.append(P.ASSIGNMENT_NO_APPROVAL.at(a.file, line, "approval.document", title=a.title, document=a.approval.document))
            continue
        if a.extensions[: len(before.extensions)] != before.extensions or a.approval != before.approval:
            problems.append(P.ASSIGNMENT_HISTORY_REWRITTEN.at(a.file, a.line_of("extensions"), "extensions", title=a.title))
            continue
        old_end, new_end = _planned_end(before), _planned_end(a)
        longer = old_end is not None and (new_end is None or new_end > old_end)
        if before.is_over(today) and not a.is_over(today):
            problems.append(P.ASSIGNMENT_ENDED_KEPT_CURRENT.at(a.file, a.line_of("period"), "period", title=a.title, end=before.end))
        elif longer and (len(a.extensions) == len(before.extensions) or a.period.end != before.period.end):
            problems.append(P.ASSIGNMENT_EXTENDED_WITHOUT_APPROVAL.at(
                a.file, a.line_of("period"), "period", title=a.title, old=old_end, new=new_end or "长期"))
    for a in old.assignments:
        if a.id not in new.assignment:
            problems.append(P.ASSIGNMENT_VANISHED.at(a.file, None, "", title=a.title, id=a.id))
    return problems
