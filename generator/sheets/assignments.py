"""The 交办事项 sheet: assignments out to a workbook and back in, every row accounted for.

One sheet, one row per assignment. Its headers are the words a county uses
(交办事项, 交办部门, 批准文件, 交办期限, 承接乡镇 …), so the same reader takes our
export back exactly and reads a county's own 交办事项 sheet. A row without a real
approving document is not imported: no approval, no assignment (事项准入).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from generator import ids
from generator.citations import format_basis, parse_basis
from generator.model import Assignment, Catalogue
from generator.sheets.book import Grid
from generator.sheets.exact import raw
from generator.sheets.layout import ALL_TOWNSHIPS, join_lines, split_lines, squeeze
from generator.sheets.refs import Registry

SHEET = "交办事项"

# field key -> header written on export, width; the first header word of each field in HEADERS.
COLUMNS: list[tuple[str, str, int]] = [
    ("id", "交办事项编号", 24),
    ("title", "交办事项", 30),
    ("kind", "类型", 8),
    ("department", "交办部门", 18),
    ("approval", "批准文件", 18),
    ("approved", "批准日期", 12),
    ("by", "批准机关", 18),
    ("start", "开始日期", 12),
    ("end", "结束日期", 12),
    ("townships", "承接乡镇", 20),
    ("summary", "说明", 30),
    ("duties", "乡镇承担的工作", 40),
    ("funding", "经费保障", 24),
    ("staff", "人员保障", 24),
    ("technical", "技术支持", 24),
    ("training", "业务培训", 24),
    ("basis", "依据", 30),
    ("item", "相关清单事项", 14),
    ("extensions", "延期", 30),
    ("ended", "提前结束", 24),
]

HEADERS: dict[str, str] = {
    "交办事项编号": "id", "id": "id",
    "交办事项": "title", "交办事项名称": "title", "事项名称": "title", "任务名称": "title", "工作事项": "title", "交办任务": "title",
    "类型": "kind", "任务类型": "kind", "交办类型": "kind",
    "交办部门": "department", "交办单位": "department", "县级部门": "department", "责任部门": "department",
    "批准文件": "approval", "批准文号": "approval", "准入批准文件": "approval", "准入文件": "approval", "审批文件": "approval",
    "批准日期": "approved", "批准时间": "approved",
    "批准机关": "by", "审批机关": "by",
    "开始日期": "start", "起始日期": "start", "开始时间": "start",
    "结束日期": "end", "截止日期": "end", "结束时间": "end",
    "交办期限": "period", "期限": "period", "实施期限": "period", "时限": "period",
    "承接乡镇": "townships", "承接乡镇（街道）": "townships", "适用乡镇": "townships", "实施范围": "townships",
    "说明": "summary", "备注": "summary",
    "乡镇承担的工作": "duties", "乡镇职责": "duties", "乡镇承担工作": "duties", "工作内容": "duties", "乡镇工作任务": "duties",
    "经费保障": "funding", "经费": "funding", "人员保障": "staff", "人员": "staff",
    "技术支持": "technical", "技术保障": "technical", "技术": "technical", "业务培训": "training", "培训": "training",
    "保障措施": "support", "配套保障": "support",
    "依据": "basis", "政策依据": "basis", "法律依据": "basis",
    "相关清单事项": "item", "相关事项": "item",
    "延期": "extensions", "提前结束": "ended", "序号": "seq",
}
SUPPORT_WORDS = (("funding", ("经费", "资金")), ("staff", ("人员", "编制", "力量")), ("technical", ("技术", "设备", "装备")),
                 ("training", ("培训",)))
PLACEHOLDERS = {"无", "暂无", "待定", "待批", "待批准", "未批准", "-", "—", "/"}
_DATE = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?")
_EXTENSION = re.compile(r"^(\S+)\s+(.+?)\s+延期至(\S+?)(?:：(.*))?$")
_ENDED = re.compile(r"^(\S+)(?:\s+([^：]+?))?(?:：(.*))?$")


def is_assignment_sheet(name: str) -> bool:
    return "交办" in name


# ------------------------------------------------------------------ export


def _citations(cat: Catalogue, a: Assignment) -> str:
    """One line per citation, as the items sheet writes them (《森林法》第34条), with its note after 说明：."""
    lines = []
    for c in a.basis:
        law = cat.law.get(c.law)
        text = format_basis([(law.title if law else c.law, c.articles)])
        lines.append(text + (f" 说明：{c.note}" if c.note else ""))
    return "\n".join(lines)


def export_rows(cat: Catalogue) -> list[list[Any]]:
    """One row per assignment, in COLUMNS order."""
    rows = []
    for a in cat.assignments:
        dept = cat.department.get(a.department)
        towns = "全部乡镇" if a.townships == "all" else "、".join(cat.township[t].name if t in cat.township else t for t in a.townships)
        s = a.support
        values = {
            "id": a.id, "title": a.title, "kind": a.kind, "department": dept.name if dept else a.department,
            "approval": a.approval.document, "approved": a.approval.date, "by": a.approval.by or "",
            "start": a.period.start, "end": a.period.end or "", "townships": towns, "summary": a.summary or "",
            "duties": join_lines(a.duties), "funding": s.funding or "", "staff": s.staff or "", "technical": s.technical or "",
            "training": s.training or "", "basis": _citations(cat, a), "item": a.item or "",
            "extensions": "\n".join(f"{e.date.isoformat()} {e.approval} 延期至{e.end.isoformat()}" + (f"：{e.note}" if e.note else "")
                                    for e in a.extensions),
            "ended": (a.ended.date.isoformat() + (f" {a.ended.approval}" if a.ended.approval else "")
                      + (f"：{a.ended.note}" if a.ended.note else "")) if a.ended else "",
        }
        rows.append([values[key] for key, _, _ in COLUMNS])
    return rows


# ------------------------------------------------------------------ import


@dataclass
class SheetResult:
    """Records read from one 交办事项 sheet and what became of every row with text."""

    records: list[dict[str, Any]] = field(default_factory=list)
    fates: list[tuple[int, str, str | None, str]] = field(default_factory=list)
    """(row, imported or skipped, id, the title imported or the reason skipped)."""
    remarks: list[tuple[int, str]] = field(default_factory=list)
    """(row, what a person should check) for rows imported with a remark."""


def _day(text: str) -> date | None:
    m = _DATE.search(text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _cell(grid: Grid, r: int, c: int) -> str:
    """Cell text as written (a merged range's text in each of its cells)."""
    return raw(grid.raw(r, c))


def _header(grid: Grid) -> tuple[int, dict[int, str]] | None:
    for r in grid.rows[:10]:
        found = {c: HEADERS[h] for c in grid.cols if (h := squeeze(_cell(grid, r, c))) in HEADERS}
        if "title" in found.values():
            return r, found
    return None


def read(grid: Grid, cat: Catalogue, reg: Registry) -> SheetResult | None:
    """The sheet's assignments as records in the model's key order; ``None`` when it has no header row."""
    head = _header(grid)
    if head is None:
        return None
    header_row, columns = head
    out = SheetResult()
    taken = {a.id for a in cat.assignments}
    by_title = {a.title: a.id for a in cat.assignments}
    for r in grid.rows:
        texts = [text for c in grid.cols if (text := _cell(grid, r, c))]
        if r < header_row:
            if texts:
                out.fates.append((r, "skipped", None, f"表头上方的标题行“{texts[0][:30]}”"))
            continue
        if r == header_row:
            out.fates.append((r, "skipped", None, "表头行"))
            continue
        v = {key: text for c, key in columns.items() if (text := _cell(grid, r, c))}
        if not v.get("title"):
            if texts:
                note = texts[0].startswith(("注", "说明", "备注", "填表"))
                out.fates.append((r, "skipped", None, f"说明行“{texts[0][:30]}”" if note else "没有交办事项名称"))
            continue
        record, problem = _record(v, reg, taken, by_title)
        if record is None:
            out.fates.append((r, "skipped", None, problem))
            continue
        out.records.append(record)
        out.fates.append((r, "imported", record["id"], record["title"]))
        if problem:
            out.remarks.append((r, problem))
    return out


def _record(v: dict[str, str], reg: Registry, taken: set[str], by_title: dict[str, str]) -> tuple[dict[str, Any] | None, str]:
    """One row -> one record, or None and the reason it is not imported."""
    document = v.get("approval", "").strip()
    if not document or document in PLACEHOLDERS:
        return None, "没有批准文件：未经准入批准的交办事项不导入（事项准入），请取得批准后补上文号"
    approved = _day(v.get("approved", ""))
    if approved is None:
        return None, f"批准日期“{v.get('approved', '')}”不是有效日期（应如 2026-05-20）"
    start, end = _day(v.get("start", "")), _day(v.get("end", "")) if v.get("end") else None
    if "period" in v and start is None:
        days = [_day(part) for part in re.split(r"至|到|—|～|~|-(?=\d{4})", v["period"])]
        start, end = (days + [None, None])[0], (days + [None, None])[1]
    if start is None:
        return None, "没有开始日期（开始日期或交办期限）"
    remarks = []
    kind = v.get("kind", "")
    if kind not in ("阶段性", "区域性"):
        kind = "阶段性" if end else "区域性"
        remarks.append(f"类型按{'有' if end else '无'}结束日期定为{kind}")
    aid = v.get("id") or by_title.get(v["title"]) or ids.unique(ids.slug(v["title"], initials=True, prefix="jb"), taken)
    taken.add(aid)
    record: dict[str, Any] = {"id": aid, "title": v["title"], "kind": kind, "department": reg.department(v.get("department", "未写明交办部门"))}
    record["approval"] = {"document": document, "date": approved} | ({"by": v["by"]} if v.get("by") else {})
    record["period"] = {"start": start} | ({"end": end} if end else {})
    towns = v.get("townships", "")
    if squeeze(towns) not in ALL_TOWNSHIPS:
        record["townships"] = [reg.township(name) for name in re.split(r"[、，,；;\s]+", towns) if name]
    if v.get("summary"):
        record["summary"] = v["summary"]
    record["duties"] = split_lines(v.get("duties", ""))
    support = {key: v[key] for key in ("funding", "staff", "technical", "training") if v.get(key)}
    for line in split_lines(v.get("support", "")):
        key = next((k for k, words in SUPPORT_WORDS if any(w in line[:6] for w in words)), None)
        if key is None:
            remarks.append(f"保障措施“{line[:20]}”未能归入经费、人员、技术或培训，已写入说明")
            record["summary"] = (record.get("summary", "") + f"保障措施：{line}").strip()
        else:
            support[key] = f"{support[key]}\n{line}" if key in support else line
    record["support"] = support
    basis = []
    for line in split_lines(v.get("basis", "")):
        text, _, note = line.partition(" 说明：")
        cites, _ = parse_basis(text)
        for cite in cites:
            entry: dict[str, Any] = {"law": reg.law(cite.title)}
            if cite.articles:
                entry["articles"] = cite.articles
            if note:
                entry["note"] = note
            basis.append(entry)
    if basis:
        record["basis"] = basis
    if v.get("item"):
        record["item"] = v["item"]
    extensions = []
    for line in split_lines(v.get("extensions", "")):
        m = _EXTENSION.match(line)
        day, new_end = (_day(m.group(1)), _day(m.group(3))) if m else (None, None)
        if m is None or day is None or new_end is None:
            remarks.append(f"延期“{line[:30]}”看不懂（应如 2026-10-15 示编办〔2026〕10号 延期至2027-06-30：说明），未导入")
            continue
        extensions.append({"date": day, "approval": m.group(2), "end": new_end} | ({"note": m.group(4)} if m.group(4) else {}))
    if extensions:
        record["extensions"] = extensions
    if v.get("ended"):
        m = _ENDED.match(v["ended"].strip())
        day = _day(m.group(1)) if m else None
        if m is None or day is None:
            remarks.append(f"提前结束“{v['ended'][:30]}”看不懂（应如 2026-08-01 文号：说明），未导入")
        else:
            record["ended"] = {"date": day} | ({"approval": m.group(2)} if m.group(2) else {}) | ({"note": m.group(3)} if m.group(3) else {})
    return record, "；".join(remarks)
