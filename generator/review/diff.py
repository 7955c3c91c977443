"""``qingdan diff OLD NEW``: what changed between two catalogues, in the reviewer's own terms.

``compare`` is a pure function from two catalogues to a ``CatalogueDiff``;
``render`` turns it into Markdown for a pull-request comment or job summary.
Catalogue text is escaped so that it shows literally and never becomes a
link, an image or HTML in the rendered comment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from generator.citations import article_label
from generator.model import ACTION_LABELS, Catalogue, Citation, Item, Law, Step

ROLES = {"lead": "牵头", "support": "配合"}
T = TypeVar("T")

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#|~!&$])")


def md(text: object) -> str:
    """Catalogue text as literal Markdown: punctuation backslash-escaped, one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


@dataclass
class FieldChange:
    """One changed field: a value ``old`` → ``new``, or list ``lines`` (增加/删除 …).

    Plain text: the Markdown report escapes it (``md``), the site's pages autoescape it.
    """

    label: str
    old: str | None = None
    new: str | None = None
    lines: list[str] = field(default_factory=list)


@dataclass
class ItemDiff:
    old: Item
    new: Item
    fields: list[FieldChange]
    new_history: list[str]

    @property
    def recoded(self) -> bool:
        return self.old.code != self.new.code


@dataclass
class SectionDiff:
    """Records of one kind (laws, departments, …) added, removed and changed, by id."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[FieldChange]]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass
class CatalogueDiff:
    identity: list[FieldChange]
    added: list[Item]
    removed: list[Item]
    pairs: list[ItemDiff]
    laws: SectionDiff
    departments: SectionDiff
    townships: SectionDiff
    categories: SectionDiff
    old_active: int
    new_active: int

    @property
    def cancelled(self) -> list[ItemDiff]:
        return [p for p in self.pairs if p.new.cancelled and not p.old.cancelled]

    @property
    def restored(self) -> list[ItemDiff]:
        return [p for p in self.pairs if p.old.cancelled and not p.new.cancelled]

    @property
    def recoded(self) -> list[ItemDiff]:
        return [p for p in self.pairs if p.recoded]

    @property
    def adjusted(self) -> list[ItemDiff]:
        return [p for p in self.pairs if p.fields]


# ---------------------------------------------------------------- matching


def match_items(old: Catalogue, new: Catalogue) -> tuple[list[tuple[Item, Item]], list[Item], list[Item]]:
    """Pair each new item with its old self (same code, or an old code in ``formerly``).

    Returns (pairs, added, removed); removed are old items whose code is gone.
    """
    pairs: list[tuple[Item, Item]] = []
    added: list[Item] = []
    taken: set[str] = set()
    for item in new.items:
        before = old.item.get(item.code)
        if before is None:
            before = next((old.item[c] for c in item.formerly if c in old.item and c not in new.item and c not in taken), None)
        if before is None:
            added.append(item)
        else:
            taken.add(before.code)
            pairs.append((before, item))
    removed = [i for i in old.items if i.code not in taken]
    return pairs, added, removed


# ---------------------------------------------------------------- items


def list_lines(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """Element-wise list change as 删除/增加 lines."""
    lines = [f"删除：{x}" for x in old if x not in new]
    lines += [f"增加：{x}" for x in new if x not in old]
    if not lines and list(old) != list(new):
        lines.append("顺序调整：" + "；".join(old) + " → " + "；".join(new))
    return lines


def _value(label: str, old: object, new: object, out: list[FieldChange]) -> None:
    if old != new:
        out.append(FieldChange(label, str(old) if old not in (None, "") else "（无）", str(new) if new not in (None, "") else "（无）"))


def _list(label: str, old: Sequence[str], new: Sequence[str], out: list[FieldChange]) -> None:
    if list(old) != list(new):
        out.append(FieldChange(label, lines=list_lines(old, new)))


def _keyed(old: Sequence[T], new: Sequence[T], key: Callable[[T], str]) -> tuple[list[T], list[T], list[tuple[T, T]], bool]:
    """Records only in old, only in new, in both (new order), and whether the common order changed."""
    o, n = {key(x): x for x in old}, {key(x): x for x in new}
    common_old = [key(x) for x in old if key(x) in n]
    common_new = [key(x) for x in new if key(x) in o]
    return ([x for x in old if key(x) not in n], [x for x in new if key(x) not in o],
            [(o[key(x)], x) for x in new if key(x) in o], common_old != common_new)


def _departments(old_cat: Catalogue, new_cat: Catalogue, old: Item, new: Item, out: list[FieldChange]) -> None:
    def name(cat: Catalogue, dept_id: str) -> str:
        dept = cat.department.get(dept_id)
        return dept.label if dept else dept_id

    gone, came, both, reordered = _keyed(old.departments, new.departments, lambda d: d.department)
    lines = [f"删除部门：{name(old_cat, d.department)}（{ROLES[d.role]}）" for d in gone]
    lines += [f"增加部门：{name(new_cat, d.department)}（{ROLES[d.role]}）：{'；'.join(d.duties)}" for d in came]
    for a, b in both:
        label = name(new_cat, b.department)
        if a.role != b.role:
            lines.append(f"{label}：{ROLES[a.role]} → {ROLES[b.role]}")
        lines += [f"{label}职责{line}" for line in list_lines(a.duties, b.duties)]
    if reordered and not lines:
        lines.append("部门顺序调整")
    if lines:
        out.append(FieldChange("部门及职责", lines=lines))


def _townships(cat: Catalogue, item: Item) -> list[str]:
    if item.townships == "all":
        return ["全部乡镇"]
    return [cat.township[t].name if t in cat.township else t for t in item.townships]


def citation_text(cat: Catalogue, c: Citation) -> str:
    law = cat.law.get(c.law)
    text = f"《{law.label if law else c.law}》" + "、".join(article_label(a, arabic=True) for a in c.articles)
    return text + (f"（{c.note}）" if c.note else "")


def _basis(old_cat: Catalogue, new_cat: Catalogue, old: Item, new: Item, out: list[FieldChange]) -> None:
    gone, came, both, _ = _keyed(old.basis, new.basis, lambda c: c.law)
    lines = [f"删除：{citation_text(old_cat, c)}" for c in gone]
    lines += [f"增加：{citation_text(new_cat, c)}" for c in came]
    for a, b in both:
        if a != b:
            lines.append(f"{citation_text(old_cat, a)} → {citation_text(new_cat, b)}")
    if lines:
        out.append(FieldChange("法律依据", lines=lines))


def step_text(cat: Catalogue, step: Step) -> str:
    text = f"{cat.actor_label(step.actor)}：{step.action}"
    if step.time_limit:
        text += f"（{step.time_limit}）"
    if step.branches is not None:
        text += "；" + "；".join(f"{b.when} → {b.next}" for b in step.branches)
    elif step.next is not None:
        text += "；下一步 " + ("、".join(step.next) if step.next else "结束")
    return text


def flow_text(step: Step) -> str:
    """Where a step leads, in words."""
    if step.branches is not None:
        return "；".join(f"{b.when}：转 {b.next}" for b in step.branches)
    if step.next is not None:
        return "转 " + "、".join(step.next) if step.next else "结束"
    return "按顺序到下一步"


def _step_lines(old_cat: Catalogue, new_cat: Catalogue, a: Step, b: Step) -> list[str]:
    parts = [("执行者", old_cat.actor_label(a.actor), new_cat.actor_label(b.actor), a.actor != b.actor),
             ("内容", a.action, b.action, a.action != b.action),
             ("时限", a.time_limit or "（无）", b.time_limit or "（无）", a.time_limit != b.time_limit),
             ("去向", flow_text(a), flow_text(b), (a.next, a.branches) != (b.next, b.branches))]
    return [f"步骤 {b.id} {label}：{old} → {new}" for label, old, new, changed in parts if changed]


def _workflow(old_cat: Catalogue, new_cat: Catalogue, old: Item, new: Item, out: list[FieldChange]) -> None:
    gone, came, both, reordered = _keyed(old.workflow, new.workflow, lambda s: s.id)
    lines = [f"删除步骤 {s.id}：{step_text(old_cat, s)}" for s in gone]
    lines += [f"增加步骤 {s.id}：{step_text(new_cat, s)}" for s in came]
    for a, b in both:
        if a != b:
            lines += _step_lines(old_cat, new_cat, a, b)
    if reordered:
        lines.append("步骤顺序：" + "、".join(s.id for s in old.workflow) + " → " + "、".join(s.id for s in new.workflow))
    if lines:
        out.append(FieldChange("流程步骤", lines=lines))


def history_text(change: Any) -> str:
    text = f"{change.date.isoformat()} {ACTION_LABELS.get(change.action, change.action)}（{change.approval}）"
    return text + (f"：{change.note}" if change.note else "")


def item_changes(old_cat: Catalogue, new_cat: Catalogue, old: Item, new: Item) -> list[FieldChange]:
    """Every changed field except code and history, with names from each side's catalogue."""
    out: list[FieldChange] = []
    # Ids are compared, names shown: renaming a township or a category is not a change of its items.
    _value("名称", old.name, new.name, out)
    if old.category != new.category:
        def cat_name(c: Catalogue, i: str) -> str:
            return f"{c.category[i].name}（{i}）" if i in c.category else i

        _value("分类", cat_name(old_cat, old.category), cat_name(new_cat, new.category), out)
    if old.responsibility != new.responsibility:
        _value("责任类型", old_cat.labels.of(old.responsibility), new_cat.labels.of(new.responsibility), out)
    _value("简介", old.summary, new.summary, out)
    _list("乡镇职责", old.township.duties if old.township else [], new.township.duties if new.township else [], out)
    _departments(old_cat, new_cat, old, new, out)
    if old.townships != new.townships:
        _list("适用乡镇", _townships(old_cat, old), _townships(new_cat, new), out)
    _basis(old_cat, new_cat, old, new, out)
    _workflow(old_cat, new_cat, old, new, out)
    _list("追责情形", old.accountability, new.accountability, out)
    _list("免责情形", old.exemption, new.exemption, out)
    _list("关键词", old.keywords, new.keywords, out)
    _list("曾用编码", old.formerly, new.formerly, out)
    return out


def new_history(old: Item, new: Item) -> tuple[list[str], bool]:
    """History entries added in ``new``, and whether old entries were rewritten or dropped."""
    kept = new.history[: len(old.history)] == old.history
    extra = new.history[len(old.history):] if kept else [h for h in new.history if h not in old.history]
    return [history_text(h) for h in extra], not kept


# ---------------------------------------------------------------- other records


def _record_changes(old: Any, new: Any, labels: dict[str, str]) -> list[FieldChange]:
    out: list[FieldChange] = []
    for f in fields(old):
        if f.name in labels and getattr(old, f.name) != getattr(new, f.name):
            a, b = getattr(old, f.name), getattr(new, f.name)
            if hasattr(a, "__dataclass_fields__") or hasattr(b, "__dataclass_fields__") or isinstance(a, list):
                out.append(FieldChange(labels[f.name], lines=["已修改"]))
            else:
                _value(labels[f.name], a, b, out)
    return out


def _section(old: Sequence[Any], new: Sequence[Any], labels: dict[str, str], name: Callable[[Any], str]) -> SectionDiff:
    gone, came, both, _ = _keyed(old, new, lambda r: r.id)
    diff = SectionDiff([name(r) for r in came], [name(r) for r in gone])
    for a, b in both:
        changes = _record_changes(a, b, labels)
        if changes:
            diff.changed.append((name(b), changes))
    return diff


LAW_FIELDS = {"title": "名称", "short": "简称", "level": "效力级别", "issuer": "制定机关", "document_number": "文号",
              "promulgated": "公布日期", "effective": "施行日期", "source": "官方文本网址", "chapters": "章节"}


def _laws(old: Catalogue, new: Catalogue) -> SectionDiff:
    diff = _section(old.laws, new.laws, LAW_FIELDS, lambda law: f"《{law.title}》（{law.id}）")
    changed = dict(diff.changed)
    for law in new.laws:
        before: Law | None = old.law.get(law.id)
        if before is None or before.articles == law.articles:
            continue
        lines = [f"删除{article_label(a, arabic=True)}" for a in before.articles if a not in law.articles]
        lines += [f"增加{article_label(a, arabic=True)}：{t}" for a, t in law.articles.items() if a not in before.articles]
        lines += [f"修改{article_label(a, arabic=True)}：{before.articles[a]} → {t}"
                  for a, t in law.articles.items() if a in before.articles and before.articles[a] != t]
        changed.setdefault(f"《{law.title}》（{law.id}）", []).append(FieldChange("条文", lines=lines))
    diff.changed = sorted(changed.items())
    return diff


IDENTITY_FIELDS = {"title": "清单名称", "jurisdiction": "发布地区", "publisher": "发布机关", "version": "版本",
                   "effective": "生效日期", "approval": "批准文件", "site_url": "网站地址", "sample": "示例数据",
                   "contact": "联系方式", "responsibility_labels": "责任类型名称", "portal": "网站页脚信息",
                   "general_workflow": "通用流程"}


def compare(old: Catalogue, new: Catalogue) -> CatalogueDiff:
    pairs, added, removed = match_items(old, new)
    diffs = []
    for a, b in pairs:
        if a is b:
            continue  # one file, the same bytes on both sides (parsed once): nothing changed
        extra, rewritten = new_history(a, b)
        changes = item_changes(old, new, a, b)
        if rewritten:
            changes.append(FieldChange("变更记录", lines=["原有变更记录被修改或删除"]))
        if changes or extra or a.code != b.code:
            diffs.append(ItemDiff(a, b, changes, extra))
    return CatalogueDiff(
        identity=_record_changes(old.identity, new.identity, IDENTITY_FIELDS),
        added=added,
        removed=removed,
        pairs=diffs,
        laws=_laws(old, new),
        departments=_section(old.departments, new.departments,
                             {"name": "名称", "short": "简称", "level": "级别", "phone": "电话"}, lambda d: f"{d.name}（{d.id}）"),
        townships=_section(old.townships, new.townships, {"name": "名称", "kind": "类型"}, lambda t: f"{t.name}（{t.id}）"),
        categories=_section(old.categories, new.categories, {"name": "名称", "group": "分组", "description": "说明"},
                            lambda c: f"{c.name}（{c.id}）"),
        old_active=len(old.active_items),
        new_active=len(new.active_items),
    )


# ---------------------------------------------------------------- Markdown


def _field_lines(changes: list[FieldChange], indent: str = "") -> list[str]:
    out = []
    for c in changes:
        if c.lines:
            out.append(f"{indent}- **{c.label}**")
            out += [f"{indent}  - {md(line)}" for line in c.lines]
        else:
            out.append(f"{indent}- **{c.label}**：{md(c.old)} → {md(c.new)}")
    return out


def _item_ref(item: Item) -> str:
    return f"`{item.code}` {md(item.name)}"


def _section_lines(title: str, diff: SectionDiff) -> list[str]:
    if not diff:
        return []
    out = ["", f"## {title}", ""]
    out += [f"- 新增：{md(n)}" for n in diff.added]
    out += [f"- 删除：{md(n)}" for n in diff.removed]
    for name, changes in diff.changed:
        out.append(f"- 修改：{md(name)}")
        out += _field_lines(changes, "  ")
    return out


def render(d: CatalogueDiff, new: Catalogue, old_name: str = "旧版本", new_name: str = "新版本") -> str:
    out = ["# 清单变更报告", "", f"比较：{md(old_name)} → {md(new_name)}", ""]
    if d.identity:
        out += ["## 清单信息", ""] + _field_lines(d.identity) + [""]
    if d.added:
        out += ["## 新增事项", ""]
        for item in d.added:
            first = item.history[0] if item.history else None
            why = f"（{md(history_text(first))}）" if first else ""
            kind = new.labels.of(item.responsibility)
            out.append(f"- {_item_ref(item)}：{md(kind)}{why}" + ("，已取消" if item.cancelled else ""))
        out.append("")
    if d.cancelled:
        out += ["## 取消事项", ""]
        for p in d.cancelled:
            c = p.new.cancelled
            out.append(f"- {_item_ref(p.new)}：{md(history_text(c))}" if c else f"- {_item_ref(p.new)}")
        out.append("")
    if d.restored:
        out += ["## 恢复事项", ""] + [f"- {_item_ref(p.new)}" for p in d.restored] + [""]
    if d.recoded:
        out += ["## 改编码", ""] + [f"- `{p.old.code}` → `{p.new.code}` {md(p.new.name)}" for p in d.recoded] + [""]
    if d.removed:
        out += ["## 删除的事项文件", "", "事项不能删除，只能取消（保留文件，在 history 末尾加 cancelled）。", ""]
        out += [f"- {_item_ref(i)}（{md(i.file)}）" for i in d.removed] + [""]
    if d.adjusted:
        out += ["## 调整事项", ""]
        for p in d.adjusted:
            out.append(f"### {_item_ref(p.new)}")
            out.append("")
            out += _field_lines(p.fields)
            out += [f"- **新增变更记录**：{md(h)}" for h in p.new_history]
            if not p.new_history:
                out.append("- **新增变更记录**：无（缺少批准文件）")
            out.append("")
    for title, section in (("法规", d.laws), ("部门", d.departments), ("乡镇", d.townships), ("分类", d.categories)):
        out += _section_lines(title, section)
    out += ["", "## 合计", "", summary_line(d), ""]
    return "\n".join(line for line in _squeeze(out)) + "\n"


def summary_line(d: CatalogueDiff) -> str:
    parts = [f"新增事项 {len(d.added)} 项", f"取消事项 {len(d.cancelled)} 项", f"改编码 {len(d.recoded)} 项",
             f"调整事项 {len(d.adjusted)} 项"]
    if d.restored:
        parts.append(f"恢复事项 {len(d.restored)} 项")
    if d.removed:
        parts.append(f"删除事项文件 {len(d.removed)} 个")
    for title, s in (("法规", d.laws), ("部门", d.departments), ("乡镇", d.townships), ("分类", d.categories)):
        if s:
            parts.append(f"{title}新增 {len(s.added)}、修改 {len(s.changed)}、删除 {len(s.removed)}")
    return "；".join(parts) + f"。有效事项 {d.old_active} → {d.new_active} 项。"


def _squeeze(lines: list[str]) -> list[str]:
    """No two blank lines in a row, none at the start."""
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return out


def diff_report(old: Catalogue, new: Catalogue, old_name: str = "旧版本", new_name: str = "新版本") -> str:
    """The Markdown report comparing two loaded catalogues (pure)."""
    return render(compare(old, new), new, old_name, new_name)
