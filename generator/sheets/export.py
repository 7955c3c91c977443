"""Catalogue -> XLSX (full fidelity) and CSV (one row per item).

XLSX files are zips whose entries carry timestamps, and a workbook's
properties carry dates; XlsxWriter gives the entries a fixed date, and the
properties get the catalogue's effective date, so two exports of one
catalogue are the same bytes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Iterable

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from generator.citations import format_basis
from generator.errors import QingdanError
from generator.model import Catalogue, Item, Step
from generator.sheets import assignments
from generator.sheets.book import csv_safe
from generator.sheets.layout import (
    ARROW,
    DETAIL_SHEETS,
    END_STEP,
    INFO_SHEET,
    ITEM_COLUMNS,
    ITEMS_SHEET,
    join_lines,
)


def _dept_names(cat: Catalogue, item: Item, role: str) -> str:
    return "、".join(cat.department[d.department].name if d.department in cat.department else d.department
                    for d in item.departments if d.role == role)


def _dept_duties(cat: Catalogue, item: Item, role: str) -> str:
    duties = [d for d in item.departments if d.role == role]
    if len(duties) == 1:
        return join_lines(duties[0].duties)
    return join_lines([f"【{cat.actor_label(d.department)}】{text}" for d in duties for text in d.duties])


def item_row(cat: Catalogue, item: Item, seq: int) -> dict[str, str]:
    """The readable flat row of an item (items sheet and CSV)."""
    category = cat.category.get(item.category)
    towns = "全部" if item.townships == "all" else "、".join(t.name for t in cat.item_townships(item))
    basis = [(cat.law[c.law].title if c.law in cat.law else c.law, c.articles) for c in item.basis]
    cancelled = item.cancelled
    return {
        "seq": str(seq), "code": item.code, "category": category.name if category else item.category, "name": item.name,
        "kind": cat.labels.of(item.responsibility),
        "lead_departments": _dept_names(cat, item, "lead"), "lead_duties": _dept_duties(cat, item, "lead"),
        "support_departments": _dept_names(cat, item, "support"), "support_duties": _dept_duties(cat, item, "support"),
        "township_duties": join_lines(item.township.duties) if item.township else "",
        "township_office": (item.township.office or "") if item.township else "",
        "basis": format_basis(basis), "accountability": join_lines(item.accountability), "exemption": join_lines(item.exemption),
        "summary": item.summary or "", "working_method": item.working_method or "", "townships": towns, "keywords": join_lines(item.keywords), "formerly": "、".join(item.formerly),
        "status": f"已取消（{cancelled.date.isoformat()}）" if cancelled else "有效",
    }


def _step_row(code: str, step: Step, cat: Catalogue) -> list[str]:
    nxt = "" if step.next is None else ("、".join(step.next) if step.next else END_STEP)
    branches = join_lines([f"{b.when}{ARROW}{b.next}" for b in step.branches or []])
    return [code, step.id, step.actor, cat.actor_label(step.actor), step.action, step.time_limit or "", nxt, branches]


def detail_rows(cat: Catalogue) -> dict[str, list[list[Any]]]:
    """Rows of every detail sheet, in catalogue order."""
    rows: dict[str, list[list[Any]]] = {name: [] for name in DETAIL_SHEETS}
    for item in cat.items:
        for d in item.departments:
            dept = cat.department.get(d.department)
            rows["部门职责"].append([item.code, d.department, dept.name if dept else "", "牵头" if d.role == "lead" else "配合", join_lines(d.duties)])
        for c in item.basis:
            law = cat.law.get(c.law)
            rows["依据"].append([item.code, c.law, law.title if law else "", ", ".join(c.articles), c.note or ""])
        rows["流程步骤"] += [_step_row(item.code, s, cat) for s in item.workflow]
        rows["变更记录"] += [[item.code, h.date, h.action, h.approval, h.note or ""] for h in item.history]
    rows["部门"] = [[d.id, d.name, d.short or "", d.level, d.phone or ""] for d in cat.departments]
    rows["乡镇"] = [[t.id, t.name, t.kind, t.office or "", t.phone or "", t.address or "", t.hours or "", t.note or ""] for t in cat.townships]
    rows["分类"] = [[c.id, c.name, c.group or "", c.description or ""] for c in cat.categories]
    for law in sorted(cat.laws, key=lambda x: x.id):
        rows["法规"].append([law.id, law.title, law.short or "", law.level, law.issuer or "", law.document_number or "",
                           law.promulgated or "", law.effective or "", law.source or "", law.status or "",
                           ", ".join(d.isoformat() for d in law.amended), law.preamble or "",
                           law.total_articles if law.total_articles is not None else ""])
        rows["条文"] += [[law.id, number, text] for number, text in law.articles.items()]
        rows["章节"] += [[law.id, ch.title, ch.start, ch.kind] for ch in law.chapters]
        rows["附件"] += [[law.id, a.title, a.text] for a in law.appendices]
    return rows


CELL_MAX = 32767
"""Characters one Excel cell holds; XlsxWriter would cut a longer text silently."""
CUT_MARK = "……（此处文字超过 Excel 一格的字数上限，以下从略；全文见 JSON 文件）"


@dataclass(frozen=True)
class _Styles:
    bold: Format
    wrap: Format
    day: Format
    cut: list[str] | None
    """None: refuse a text too long for a cell; a list: cut it with CUT_MARK and note "sheet row column" here."""


def _cell(ws: Worksheet, sheet: str, r: int, c: int, value: Any, styles: _Styles) -> None:
    if isinstance(value, str):  # always a string: text that starts with "=" is text, never a formula
        if len(value) > CELL_MAX and styles.cut is not None:
            styles.cut.append(f"“{sheet}”表第 {r + 1} 行第 {c + 1} 列")
            value = value[: CELL_MAX - len(CUT_MARK)] + CUT_MARK
        if len(value) > CELL_MAX:
            raise QingdanError(f"导出 Excel 失败：“{sheet}”表第 {r + 1} 行第 {c + 1} 列的文字有 {len(value)} 个字符，"
                               f"超过 Excel 一格最多 {CELL_MAX} 个字符的限制；请把这段文字分成几段。")
        if value:
            ws.write_string(r, c, value, styles.wrap if "\n" in value else None)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value)
    elif isinstance(value, date):
        ws.write_datetime(r, c, value if isinstance(value, datetime) else datetime.combine(value, time(0, 0)), styles.day)
    elif value is not None:
        raise TypeError(f"no spreadsheet cell for {type(value).__name__}")


def _sheet(wb: xlsxwriter.Workbook, styles: _Styles, title: str, columns: list[tuple[str, str, int]],
           rows: Iterable[list[Any]]) -> None:
    # constant_memory: rows stream to a temporary file as they are written (16,000 items stay small).
    ws = wb.add_worksheet(title)
    for i, (_, _, width) in enumerate(columns):
        ws.set_column(i, i, width)
    ws.freeze_panes(1, 0)
    for c, (_, text, _) in enumerate(columns):
        ws.write_string(0, c, text, styles.bold)
    last = 0
    for last, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            _cell(ws, title, last, c, value, styles)
    if len(columns) > 2:
        ws.autofilter(0, 0, last, len(columns) - 1)


def _info_rows(cat: Catalogue) -> list[list[Any]]:
    ident = cat.identity
    return [["清单名称", ident.title], ["发布机关", ident.publisher], ["版本", ident.version], ["生效日期", ident.effective],
            ["批准文件", ident.approval or ""], ["事项数", len(cat.items)],
            ["说明", "“事项”表每行一个事项；其余各表按事项编码补充部门职责、依据、流程和变更记录。用 qingdan import 可导回清单。"],
            ["修改须知", "导回时部门职责、法律依据、流程和变更记录以同名明细表为准；“事项”表的县级主管部门、县级部门职责、配合部门、"
                     "配合部门职责、法律法规依据、状态列只供阅读。一格多条内容每行一条；以制表符开头的行接续上一条。"]]


def xlsx_bytes(cat: Catalogue, cut: list[str] | None = None) -> bytes:
    """The workbook as bytes, identical for identical catalogues.

    A text longer than a cell holds is refused (``qingdan export``), or, given a
    ``cut`` list (the site's download, which a valid catalogue must not stop),
    cut with :data:`CUT_MARK` and its cell named in ``cut``.

    Written with XlsxWriter (about three times quicker than openpyxl's write-only
    mode); its zip entries carry a fixed date, and the document's dates are the
    catalogue's effective date, never the clock.
    """
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"constant_memory": True}) as wb:  # closed (temporary files too) on an error
        styles = _Styles(wb.add_format({"bold": True}), wb.add_format({"text_wrap": True, "valign": "top"}),
                         wb.add_format({"num_format": "yyyy-mm-dd"}), cut)
        flat = (item_row(cat, item, n) for n, item in enumerate(cat.items, start=1))
        items = [[row[key] for key, _, _ in ITEM_COLUMNS] for row in flat]
        _sheet(wb, styles, ITEMS_SHEET, ITEM_COLUMNS, items)
        for name, rows in detail_rows(cat).items():
            _sheet(wb, styles, name, DETAIL_SHEETS[name], rows)
        if cat.assignments:
            _sheet(wb, styles, assignments.SHEET, assignments.COLUMNS, assignments.export_rows(cat))
        _sheet(wb, styles, INFO_SHEET, [("key", "项目", 14), ("value", "内容", 80)], _info_rows(cat))
        ident = cat.identity
        wb.set_properties({"title": ident.title, "author": ident.publisher, "created": datetime.combine(ident.effective, time(0, 0))})
    return out.getvalue()


def csv_text(cat: Catalogue) -> str:
    """One row per item, readable columns; the caller writes it with a BOM for Excel.

    Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
    leading ``'`` (OWASP's advice); ``qingdan import`` takes it off again."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([header for _, header, _ in ITEM_COLUMNS])
    for n, item in enumerate(cat.items, start=1):
        row = item_row(cat, item, n)
        writer.writerow([csv_safe(row[key]) for key, _, _ in ITEM_COLUMNS])
    return buf.getvalue()


def write_csv(cat: Catalogue, out: Path) -> None:
    out.write_bytes(b"\xef\xbb\xbf" + csv_text(cat).encode("utf-8"))


def write_xlsx(cat: Catalogue, out: Path) -> None:
    out.write_bytes(xlsx_bytes(cat))
