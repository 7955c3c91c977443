"""One county-sheet row -> one item record (plain data, in the model's key order)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.citations import parse_basis
from generator.model import CODE
from generator.sheets.layout import ALL_TOWNSHIPS, KIND_WORDS, MARKS, squeeze
from generator.sheets.read import Row
from generator.sheets.refs import Registry

_ENUM = r"(?:\d{1,2}[、.．](?!\d)|[（(]\d{1,2}[）)]|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]|[一二三四五六七八九十]+、)"
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff（）])\s+(?=[\u4e00-\u9fff（）])")
_SPLIT_NAMES = re.compile(r"[、，,；;/\n]+")


def split_list(text: str) -> list[str]:
    """Duties written as lines or as ``1.…2.…`` / ``（1）…（2）…`` in one cell -> one text each."""
    out: list[str] = []
    for line in text.split("\n"):
        for part in re.split(rf"(?<=[。；;])\s*(?={_ENUM})", line):
            part = re.sub(rf"^{_ENUM}\s*", "", part.strip()).strip()
            part = re.sub(r"[；;，,、]$", "。", part)  # an item cut out of a run-on list ends as a sentence
            if part:
                out.append(part)
    return out


def split_names(text: str) -> list[str]:
    names = [squeeze(n) for n in _SPLIT_NAMES.split(text)]
    return [n for n in names if n]


@dataclass
class RowResult:
    item: dict[str, Any] | None
    problems: list[str] = field(default_factory=list)
    """Plain sentences about this row for the report (the row is still imported)."""


def kind_of(text: str, labels: dict[str, str], extra: dict[str, str]) -> str | None:
    words = {**KIND_WORDS, **{v: k for k, v in labels.items()}, **extra}
    clean = squeeze(text)
    return words.get(clean) or words.get(clean.removesuffix("事项")) or next((k for w, k in words.items() if len(w) >= 2 and w in clean), None)


def _duties_by_department(text: str, names: list[str]) -> dict[str, list[str]]:
    """``【县林业局】…`` or ``县林业局：…`` prefixes give each department its own duties."""
    marked = re.split(r"(?:^|\n)\s*(?:【([^】]+)】|([^\n：:]{2,20}?)[：:])", text)
    if len(marked) > 1 and any(m for m in marked[1::3] + marked[2::3] if m):
        out: dict[str, list[str]] = {}
        for i in range(1, len(marked), 3):
            who = squeeze(marked[i] or marked[i + 1] or "")
            out.setdefault(who, []).extend(split_list(marked[i + 2] or ""))
        if all(any(squeeze(n).endswith(w) or w.endswith(squeeze(n)) for n in names) for w in out):
            return out
    return {"": split_list(text)}


def _departments(values: dict[str, str], reg: Registry, problems: list[str], kind: str) -> list[dict[str, Any]]:
    names = {role: split_names(values.get(f"{role}_departments", "")) for role in ("lead", "support")}
    everyone = names["lead"] + names["support"]
    texts = {role: _duties_by_department(values.get(f"{role}_duties", ""), everyone) for role in ("lead", "support")}

    def duties_of(name: str, role: str) -> list[str]:
        # 【县自然资源局】… may stand in either duties column; unmarked text belongs to its column.
        for source in (texts[role], texts["support" if role == "lead" else "lead"]):
            found = next((d for w, d in source.items() if w and (squeeze(name).endswith(w) or w.endswith(squeeze(name)))), None)
            if found is not None:
                return found
        return texts[role].get("", [])

    out: list[dict[str, Any]] = []
    for role in ("lead", "support"):
        for name in names[role]:
            duties = duties_of(name, role)
            rid = reg.department(name)
            same = next((d for d in out if d["department"] == rid), None)
            if same:  # listed as lead and as support: one entry, lead wins
                same["duties"] += [d for d in duties if d not in same["duties"]]
                continue
            if not duties and role == "lead" and kind != "returned":  # others may be named without duties
                problems.append(f"主管部门“{name}”没有写明职责")
            out.append({"department": rid, "role": role, "duties": list(duties)})
    return out


def _basis(text: str, reg: Registry, problems: list[str]) -> list[dict[str, Any]]:
    if not text.strip():
        return []
    if "《" not in text:  # titles written without 书名号: mark the ones we know
        for rid in reg.laws_in_text(text):
            for name in sorted({reg.law_titles[rid], reg.law_titles[rid].removeprefix("中华人民共和国")}, key=len, reverse=True):
                if name in text:
                    text = text.replace(name, f"《{name}》", 1)
                    break
    cites, leftover = parse_basis(text)
    if not cites:
        title = re.sub(r"第.{1,12}?[条款项].*$", "", squeeze(text)).strip("，。；、,;")
        if not title:
            problems.append(f"依据“{text[:30]}”没有写出法规名称，未导入")
            return []
        problems.append(f"依据“{title[:30]}”没有书名号，已作为文件名称处理，请核对")
        cites, leftover = parse_basis(text.replace(title, f"《{title}》", 1) if title in text else f"《{title}》")
    if leftover:
        problems.append(f"依据中“{leftover[:30]}”未能识别，已略过")
    out = []
    for cite in cites:
        entry: dict[str, Any] = {"law": reg.law(cite.title)}
        if cite.articles:
            entry["articles"] = cite.articles
        if cite.note:
            entry["note"] = cite.note
        out.append(entry)
    return out


def _row_kind(row: Row, labels: dict[str, str], extra_kinds: dict[str, str], sheet_kind: str | None) -> tuple[str | None, str]:
    """The row's kind and, when there is none, why: its 责任类型 cell, its √ columns, its section, its sheet."""
    v = row.values
    if v.get("kind"):
        kind = kind_of(v["kind"], labels, extra_kinds)
        return kind, "" if kind else f"责任类型“{v['kind']}”不认识（可选：主体责任、配合责任、上级部门收回，或在映射文件 responsibility 中补充）"
    marked = [key.removeprefix("mark:") for key, text in v.items() if key.startswith("mark:") and squeeze(text) in MARKS]
    if len(marked) > 1:
        return None, "“" + "”“".join(labels[k] for k in marked) + "”几列都打了“√”，请只留一个"
    if marked:
        return marked[0], ""
    kind = row.kind_section or sheet_kind
    if kind:
        return kind, ""
    return None, "没有责任类型（表中没有责任类型列，工作表名称和分部标题也没有说明是哪一类事项）"


def row_item(row: Row, code: str, reg: Registry, labels: dict[str, str], extra_kinds: dict[str, str],
             sheet_kind: str | None = None, has_marks: bool = False, default_category: str | None = None) -> RowResult:
    """Map one row; ``item`` is ``None`` (and the reason given) when the row cannot be an item."""
    v = row.values
    problems: list[str] = []
    name = _CJK_GAP.sub("", v.get("name", "").replace("\n", ""))
    if not name:
        return RowResult(None, ["没有事项名称"])
    kind, why = _row_kind(row, labels, extra_kinds, sheet_kind)
    if kind is None:
        if has_marks and "没有责任类型" in why:
            why = "责任类型各列都没有打“√”"
        return RowResult(None, [why])
    group = v.get("group", "").replace("\n", "")
    category_name = v.get("category", "").replace("\n", "") or group or row.section or default_category
    if not category_name:
        problems.append("没有事项类别，已归入“未分类”")
        category_name = "未分类"
    category = reg.category(category_name, group if group and group != category_name else None)
    item: dict[str, Any] = {"code": code, "name": name, "category": category, "responsibility": kind}
    if v.get("summary"):
        item["summary"] = v["summary"]
    departments = _departments(v, reg, problems, kind)
    if departments:
        item["departments"] = departments
    township = split_list(v.get("township_duties", ""))
    if township:
        item["township"] = {"duties": township}
    elif kind != "returned":
        problems.append("没有乡镇职责")
    if v.get("working_method"):
        item["working_method"] = v["working_method"]
    towns = v.get("townships", "")
    if squeeze(towns) not in ALL_TOWNSHIPS:
        item["townships"] = [reg.township(n) for n in split_names(towns)]
    item["basis"] = _basis(v.get("basis", ""), reg, problems)
    for key in ("accountability", "exemption"):
        texts = split_list(v.get(key, ""))
        if texts:
            item[key] = texts
    keywords = split_names(v.get("keywords", ""))
    if keywords:
        item["keywords"] = keywords
    formerly = [c for c in split_names(v.get("formerly", "")) if re.match(CODE, c)]
    if formerly:
        item["formerly"] = formerly
    return RowResult(item, problems)


def merge_continuation(item: dict[str, Any], more: dict[str, Any]) -> None:
    """A row merged under the item above adds duties, departments and citations to it."""
    for dept in more.get("departments", []):
        same = next((d for d in item.setdefault("departments", []) if d["department"] == dept["department"]), None)
        if same:
            same["duties"] += [x for x in dept["duties"] if x not in same["duties"]]
        else:
            item["departments"].append(dept)
    if "township" in more:
        duties = item.setdefault("township", {"duties": []})["duties"]
        duties += [x for x in more["township"]["duties"] if x not in duties]
    for cite in more.get("basis", []):
        same = next((c for c in item["basis"] if c["law"] == cite["law"]), None)
        if same is None:
            item["basis"].append(cite)
        elif cite.get("articles"):
            same["articles"] = same.get("articles", []) + [a for a in cite["articles"] if a not in same.get("articles", [])]
    for key in ("accountability", "exemption", "keywords"):
        if key in more:
            item[key] = item.get(key, []) + [x for x in more[key] if x not in item.get(key, [])]
