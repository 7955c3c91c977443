"""动态管理 in CI: ``qingdan check NEW --against OLD`` refuses changes that skip approval.

Rules, comparing the new catalogue with the published one:

- ``changed-without-history``: an item changed (any field but history) without
  a new history entry carrying an approving document;
- ``history-rewritten``: earlier history entries were edited or removed;
- ``code-vanished``: an item's file was deleted instead of cancelled;
- ``code-reused``: a code that belonged to another item (a cancelled item, or a
  ``formerly`` code) now names a different item;
- ``url-vanished``: a ``formerly`` code was dropped, so its redirect page would go;
- ``page-vanished`` (warning): a law, department, township or category page would go.
"""

from __future__ import annotations

from pathlib import Path

from generator.load import load
from generator.model import Catalogue, Item
from generator.problems import Problem
from generator.review.diff import match_items
from generator.review.gitread import SourceError, read_catalogue

# Every item field but history, compared as written (ids, not the names they stand for).
FIELDS = {"code": "编码", "name": "名称", "category": "分类", "responsibility": "责任类型", "summary": "简介",
          "departments": "部门及职责", "township": "乡镇职责", "townships": "适用乡镇", "basis": "法律依据",
          "workflow": "流程步骤", "accountability": "追责情形", "exemption": "免责情形", "keywords": "关键词",
          "formerly": "曾用编码"}


def policy_problems(against: str, new: Path, catalogue: Catalogue | None = None) -> list[Problem]:
    """Problems of ``new`` against the catalogue ``against`` (a folder or ``REV:PATH``).

    ``catalogue`` is ``new`` already loaded, when the caller has it (saves a second load).
    """
    try:
        old, _ = read_catalogue(against)
    except SourceError as exc:
        return [Problem("", None, "", "against-unreadable", f"无法读取用于比较的旧版本：{exc}")]
    cat = catalogue if catalogue is not None else load(Path(new))[0]
    if cat is None:
        return []  # the ordinary check already says why
    return sorted(compare_policy(old, cat))


def compare_policy(old: Catalogue, new: Catalogue) -> list[Problem]:
    """The policy on two loaded catalogues (pure)."""
    problems: list[Problem] = []
    pairs, _, removed = match_items(old, new)
    for before, after in pairs:
        problems += _pair_problems(before, after)
    new_urls = {i.code for i in new.items} | {c for i in new.items for c in i.formerly}
    old_owner = {c: i for i in old.items for c in i.formerly}
    for item in removed:
        if item.code in new_urls:
            continue  # merged into another item: its URL becomes that item's redirect
        problems.append(Problem(
            item.file, None, "", "code-vanished",
            f"事项 {item.code}（{item.name}）的文件被删除了，网址 /items/{item.code}/{_also(item)}将失效。事项不能删除："
            f"请恢复文件 {item.file}，"
            f"在 history 末尾加一条 action: cancelled（写明 date 和批准文件 approval）；如果是改了编码，请在新事项的 formerly 中写上 {item.code}。"))
    new_formerly = {c: i for i in new.items for c in i.formerly}
    for code, owner in sorted(old_owner.items()):
        if code in new_urls:
            continue
        holder = new.item.get(owner.code) or new_formerly.get(owner.code)
        if holder is not None:  # (when the owner itself vanished, code-vanished says it all)
            problems.append(Problem(
                holder.file, holder.line_of("formerly") if holder.formerly else holder.line, "formerly", "url-vanished",
                f"事项 {holder.code} 的曾用编码 {code} 被删去了，已公布的网址 /items/{code}/ 将失效。请在 formerly 中保留 {code}（曾用编码永远保留）。"))
    problems += _reuse(old, new)
    problems += _pages(old, new)
    return problems


def _also(item: Item) -> str:
    return f"（及曾用编码 {'、'.join(item.formerly)} 的网址）" if item.formerly else ""


def _pair_problems(before: Item, after: Item) -> list[Problem]:
    kept = after.history[: len(before.history)] == before.history
    if not kept:
        if before.cancelled and not after.cancelled and after.history[:1] != before.history[:1]:
            return []  # a different item under a cancelled code: reported by _reuse
        return [Problem(
            after.file, after.line_of("history"), "history", "history-rewritten",
            f"事项 {after.code} 原有的变更记录被修改或删除了。变更记录只能追加：请恢复原来的 {len(before.history)} 条记录，把新的变化写成末尾的一条新记录。")]
    added = after.history[len(before.history):]
    changed = [label for name, label in FIELDS.items() if getattr(before, name) != getattr(after, name)]
    if changed and not added:
        return [Problem(
            after.file, after.line_of("history"), "history", "changed-without-history",
            f"事项 {after.code} 修改了{'、'.join(changed)}，但没有新的变更记录。动态管理要求每次变化都有批准文件："
            f"请在 history 末尾加一条，写明 date、action（adjusted、cancelled 或 recoded）和批准文件 approval。")]
    return []


def _reuse(old: Catalogue, new: Catalogue) -> list[Problem]:
    problems = []
    old_formerly = {c: i for i in old.items for c in i.formerly}
    for item in new.items:
        before = old.item.get(item.code)
        where = (item.file, item.line_of("code"), "code")
        if item.code in old_formerly and before is None:
            owner = old_formerly[item.code]
            problems.append(Problem(*where, "code-reused",
                f"编码 {item.code} 是事项 {owner.code}（{owner.name}）的曾用编码，不能再用于其他事项。请为本事项另取一个从未用过的编码。"))
        elif before is not None and before.cancelled and not item.cancelled and item.history[:1] != before.history[:1]:
            problems.append(Problem(*where, "code-reused",
                f"编码 {item.code} 属于已取消的事项（{before.name}），编码永不重用。请为新事项另取一个从未用过的编码，并恢复原事项的文件。"))
    return problems


def _pages(old: Catalogue, new: Catalogue) -> list[Problem]:
    kinds = (("laws", "法规", old.laws, new.law, "laws/"), ("departments", "部门", old.departments, new.department, "departments.yml"),
             ("townships", "乡镇", old.townships, new.township, "townships.yml"), ("categories", "分类", old.categories, new.category, "categories.yml"))
    problems = []
    for path, word, records, now, file in kinds:
        for rec in records:
            if rec.id not in now:
                problems.append(Problem(
                    rec.file if path == "laws" else file, None, "", "page-vanished",
                    f"{word}“{rec.id}”被删除，已公布的网址 /{path}/{rec.id}/ 将失效；如确需删除，请确认没有外部链接引用它。", "warning"))
    return problems
