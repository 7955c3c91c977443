"""Rules that span records: references, uniqueness, order, workflows.

``validate`` never prints and never exits; it returns problems sorted by
file and line so an editor can work down the list.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Iterable, Sequence

from generator.load import load
from generator.model import ACTORS, Catalogue, Item, Located, Step, flow_successors
from generator.problems import Problem, Severity


def _p(rec: Located, key: str, code: str, message: str, severity: Severity = "error", field: str | None = None) -> Problem:
    return Problem(rec.file, rec.line_of(field or key.rsplit(".", 1)[-1].split("[")[0]), key, code, message, severity)


def _duplicates(records: Sequence[Located], attr: str, what: str) -> Iterable[Problem]:
    first: dict[str, Located] = {}
    for i, rec in enumerate(records):
        value = getattr(rec, attr)
        if value in first:
            yield _p(rec, f"[{i}].{attr}", f"duplicate-{attr}", f"{what} id“{value}”重复（第 {first[value].line_of(attr)} 行已有）。", field=attr)
        else:
            first[value] = rec


def workflow_problems(steps: list[Step], known_actors: set[str], prefix: str) -> Iterable[Problem]:
    """Unknown actors and steps, a step with both ``next`` and ``branches``, unreachable steps, no end."""
    if not steps:
        return
    ids: set[str] = set()
    for i, step in enumerate(steps):
        if step.id in ids:
            yield _p(step, f"{prefix}[{i}].id", "duplicate-step", f"步骤 id“{step.id}”在本流程中重复。", field="id")
        ids.add(step.id)
    for i, step in enumerate(steps):
        key = f"{prefix}[{i}]"
        if step.actor not in known_actors:
            yield _p(step, f"{key}.actor", "unknown-actor", f"执行者“{step.actor}”既不是 departments.yml 中的部门 id，也不是 {'、'.join(ACTORS)} 之一。", field="actor")
        if step.next is not None and step.branches is not None:
            yield _p(step, f"{key}.branches", "next-and-branches", "一个步骤不能同时有 next 和 branches：判断用 branches，普通步骤用 next。", field="branches")
        for target in step.next or []:
            if target == step.id:
                yield _p(step, f"{key}.next", "step-loops-to-itself", f"步骤“{step.id}”的 next 指向它自己：请写下一步的 id，结束请写 next: []。", field="next")
            elif target not in ids:
                yield _p(step, f"{key}.next", "unknown-step", f"next 指向的步骤“{target}”在本流程中不存在。", field="next")
        for j, branch in enumerate(step.branches or []):
            if branch.next == step.id:
                yield _p(branch, f"{key}.branches[{j}].next", "step-loops-to-itself", f"分支“{branch.when}”转回步骤“{step.id}”本身：请写下一步的 id。", field="next")
            elif branch.next not in ids:
                yield _p(branch, f"{key}.branches[{j}].next", "unknown-step", f"分支“{branch.when}”指向的步骤“{branch.next}”在本流程中不存在。", field="next")
    successors = flow_successors(steps)
    seen, todo = {steps[0].id}, [steps[0].id]
    while todo:
        for nxt in successors.get(todo.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    for i, step in enumerate(steps):
        if step.id not in seen:
            yield _p(step, f"{prefix}[{i}].id", "unreachable-step", f"步骤“{step.id}”从第一步出发无法到达：请检查前面步骤的 next 或 branches。", field="id")
    if not any(not successors.get(s.id) for s in steps if s.id in seen):
        yield Problem(steps[0].file, steps[0].line, prefix, "no-end", "流程没有结束步骤：请给最后一步写 next: []，或去掉返回前面步骤的 next。")


def _item_problems(cat: Catalogue, item: Item, actors: set[str]) -> Iterable[Problem]:
    stem = PurePosixPath(item.file).stem
    if stem != item.code:
        yield _p(item, "code", "code-file-mismatch", f"事项编码“{item.code}”与文件名“{stem}.yml”不一致：请把文件改名为 {item.code}.yml，或改正编码。")
    if item.category not in cat.category:
        yield _p(item, "category", "unknown-category", f"分类“{item.category}”在 categories.yml 中不存在。")
    kind = item.responsibility
    if kind in ("support", "returned"):
        if not item.departments:
            yield _p(item, "departments", "missing-departments", f"{cat.labels.of(kind)}事项必须写明县级部门（departments）及其职责。", field="responsibility")
        elif not any(d.role == "lead" for d in item.departments):
            yield _p(item, "departments", "no-lead-department", f"{cat.labels.of(kind)}事项须有一个牵头部门（role: lead）。")
    if kind in ("lead", "support") and item.township is None:
        yield _p(item, "township", "missing-township-duties", f"{cat.labels.of(kind)}事项必须写明乡镇职责（township: duties）。", field="responsibility")
    if item.township is not None and not item.township.duties:
        yield _p(item.township, "township.duties", "empty-duties", "乡镇职责列表是空的。", field="duties")
    for i, duty in enumerate(item.departments):
        key = f"departments[{i}]"
        if duty.department not in cat.department:
            yield _p(duty, f"{key}.department", "unknown-department", f"部门“{duty.department}”在 departments.yml 中不存在。", field="department")
        if not duty.duties:
            yield _p(duty, f"{key}.duties", "empty-duties", "部门职责列表是空的。", field="duties")
    roles = Counter(d.department for d in item.departments)
    for dept, n in roles.items():
        if n > 1:
            yield _p(item, "departments", "duplicate-department", f"部门“{dept}”在本事项中出现了 {n} 次，请合并。")
    if item.townships != "all":
        for i, tid in enumerate(item.townships):
            if tid not in cat.township:
                yield _p(item, f"townships[{i}]", "unknown-township", f"乡镇“{tid}”在 townships.yml 中不存在。", field="townships")
        if not item.townships:
            yield _p(item, "townships", "empty-townships", "适用乡镇列表是空的；适用全部乡镇请写 all。")
    if not item.basis:
        yield _p(item, "basis", "empty-basis", "没有列出任何法律法规依据。", "warning")
    for i, cite in enumerate(item.basis):
        law = cat.law.get(cite.law)
        if law is None:
            yield _p(cite, f"basis[{i}].law", "unknown-law", f"法规“{cite.law}”在 laws/ 中不存在（应有文件 laws/{cite.law}.yml）。", field="law")
            continue
        for article in cite.articles:
            if law.article_text(article) is None:
                yield _p(cite, f"basis[{i}].articles", "unknown-article", f"《{law.title}》没有收录第 {article} 条：请在 {law.file} 的 articles 中加入该条原文，或改正条号。", field="articles")
    yield from workflow_problems(item.workflow, actors, "workflow")
    yield from _history_problems(item)


def _history_problems(item: Item) -> Iterable[Problem]:
    if not item.history:
        yield _p(item, "history", "empty-history", "变更记录至少要有一条（通常是 added）。")
        return
    for i in range(1, len(item.history)):
        before, entry = item.history[i - 1], item.history[i]
        if entry.date < before.date:
            yield _p(entry, f"history[{i}].date", "history-order", f"变更记录应按时间先后排列：{entry.date} 早于上一条的 {before.date}。", field="date")
    for i, entry in enumerate(item.history):
        before = item.history[i - 1].action if i else None
        if before == "cancelled" and entry.action != "reinstated":
            yield _p(entry, f"history[{i}].action", "change-after-cancelled",
                     f"事项已在上一条记录中取消，不能再 {entry.action}：如果批准恢复这个事项，请先加一条 action: reinstated（恢复，写明批准文件）。", field="action")
        if entry.action == "reinstated" and before != "cancelled":
            yield _p(entry, f"history[{i}].action", "reinstated-not-cancelled",
                     "reinstated（恢复）只能紧跟在 cancelled（取消）之后：事项没有被取消，不需要恢复。", field="action")
    if item.history[0].action != "added":
        yield _p(item.history[0], "history[0].action", "first-not-added", "第一条变更记录通常是 added（增加）。", "warning", field="action")
    if any(c.action == "recoded" for c in item.history) and not item.formerly:
        yield _p(item, "formerly", "recoded-without-formerly", "变更记录有 recoded（改编码），但没有写 formerly（曾用编码），旧网址将失效。", field="history")


def _path_collisions(cat: Catalogue) -> Iterable[Problem]:
    """Codes whose published files would clash: ``X`` and ``X.json`` (the data file of X), codes that
    differ only in case (one file on case-insensitive disks), or the list page ``items/index.html``."""
    claimed: dict[str, tuple[Item, str]] = {}  # case-folded name in items/ -> (item, code)
    for item in cat.items:
        for code in dict.fromkeys([item.code, *item.formerly]):
            for name in (code, f"{code}.json"):
                other = claimed.setdefault(name.casefold(), (item, code))
                if name.casefold() in ("index.html", "index.md"):
                    clash = "事项列表页 items/index.html"
                elif other[1] != code:
                    clash = f"{other[0].file} 的编码“{other[1]}”"
                else:
                    continue  # this code's own claim (an exact duplicate is duplicate-code's)
                yield _p(item, "code" if code == item.code else "formerly", "code-collision",
                         f"编码“{code}”发布为 items/{name}，与{clash}冲突（网址不区分大小写；X.json 是编码 X 的数据文件）：请换一个编码。")
                break


def _code_problems(cat: Catalogue) -> Iterable[Problem]:
    owner: dict[str, Item] = {}
    for item in cat.items:
        for code in [item.code, *item.formerly]:
            other = owner.get(code)
            if other is None:
                owner[code] = item
            elif other is item:
                yield _p(item, "formerly", "duplicate-code", f"编码“{code}”在本事项中重复出现。")
            else:
                yield _p(item, "code" if code == item.code else "formerly", "duplicate-code", f"编码“{code}”已被 {other.file} 使用：事项编码（含曾用编码）永不重复使用。")


def validate(cat: Catalogue) -> list[Problem]:
    """All cross-record problems of a loaded catalogue."""
    problems: list[Problem] = []
    problems += _duplicates(cat.departments, "id", "部门")
    problems += _duplicates(cat.townships, "id", "乡镇")
    problems += _duplicates(cat.categories, "id", "分类")
    for law in cat.laws:
        stem = PurePosixPath(law.file).stem
        if stem != law.id:
            problems.append(_p(law, "id", "law-file-mismatch", f"法规 id“{law.id}”与文件名“{stem}.yml”不一致。"))
        starts = [(c.kind, c.start) for c in law.chapters]
        if len(set(starts)) != len(starts):  # a 节 may start where its 章 starts; two 章 may not
            problems.append(_p(law, "chapters", "duplicate-chapter-start", "两个同级章节的起始条相同。", "warning"))
    ident = cat.identity
    if ident.format != 1:
        problems.append(_p(ident, "format", "unsupported-format", f"不支持的格式版本 {ident.format}：本工具读取 format: 1。"))
    actors = set(ACTORS) | set(cat.department)
    problems += workflow_problems(ident.general_workflow, actors, "general_workflow")
    for item in cat.items:
        problems += _item_problems(cat, item, actors)
    problems += _code_problems(cat)
    problems += _path_collisions(cat)
    return problems


def check(root: Path) -> tuple[Catalogue | None, list[Problem]]:
    """Load and validate; problems sorted by file and line."""
    cat, problems = load(root)
    if cat is not None:
        problems += validate(cat)
    problems.sort(key=lambda p: (p.file, p.line or 0, p.key, p.code))
    return cat, problems
