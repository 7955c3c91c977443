"""Catalogue -> XLSX (full fidelity) and CSV (one row per item).

XLSX files are zips whose entries carry timestamps, and a workbook's
properties carry dates; XlsxWriter gives the entries a fixed date, and the
properties get the catalogue's effective date, so two exports of one
catalogue are the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime, time
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format

from generator.cache import Cache, key
from generator.citations import format_basis
from generator.model import Catalogue, Item, Step
from generator.sheets import assignments, sheetxml, ziparchive
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


ITEM_SHEETS = [ITEMS_SHEET, "部门职责", "依据", "流程步骤", "变更记录"]
"""The sheets whose rows come item by item: the items sheet, then the first detail sheets."""


def item_sheet_rows(cat: Catalogue, start: int = 0, stop: int | None = None) -> list[list[list[Any]]]:
    """The rows that ``cat.items[start:stop]`` have in each of :data:`ITEM_SHEETS` (the items numbered from ``start + 1``)."""
    flat, duties, basis, steps, changes = [], [], [], [], []
    for n, item in enumerate(cat.items[start:stop], start=start + 1):
        row = item_row(cat, item, n)
        flat.append([row[key] for key, _, _ in ITEM_COLUMNS])
        for d in item.departments:
            dept = cat.department.get(d.department)
            duties.append([item.code, d.department, dept.name if dept else "", "牵头" if d.role == "lead" else "配合", join_lines(d.duties)])
        for c in item.basis:
            law = cat.law.get(c.law)
            basis.append([item.code, c.law, law.title if law else "", ", ".join(c.articles), c.note or ""])
        steps += [_step_row(item.code, s, cat) for s in item.workflow]
        changes += [[item.code, h.date, h.action, h.approval, h.note or ""] for h in item.history]
    return [flat, duties, basis, steps, changes]


def record_rows(cat: Catalogue) -> dict[str, list[list[Any]]]:
    """Rows of the detail sheets of the other records (departments, townships, categories, laws), in catalogue order."""
    rows: dict[str, list[list[Any]]] = {name: [] for name in DETAIL_SHEETS if name not in ITEM_SHEETS}
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


Table = tuple[str, list[tuple[str, str, int]], list[list[Any]]]
"""A sheet: its title, its columns (key, header, width) and its data rows."""


def tables(cat: Catalogue, per_item: list[list[list[Any]]] | None = None) -> list[Table]:
    """Every sheet of the workbook, in order (``per_item``: :func:`item_sheet_rows` of all items, if already made)."""
    per_item = item_sheet_rows(cat) if per_item is None else per_item
    assert list(DETAIL_SHEETS)[: len(ITEM_SHEETS) - 1] == ITEM_SHEETS[1:]  # the item sheets come first
    found: list[Table] = [(ITEMS_SHEET, ITEM_COLUMNS, per_item[0])]
    found += [(name, DETAIL_SHEETS[name], rows) for name, rows in zip(ITEM_SHEETS[1:], per_item[1:], strict=True)]
    found += [(name, DETAIL_SHEETS[name], rows) for name, rows in record_rows(cat).items()]
    if cat.assignments:
        found.append((assignments.SHEET, assignments.COLUMNS, assignments.export_rows(cat)))
    found.append((INFO_SHEET, [("key", "项目", 14), ("value", "内容", 80)], _info_rows(cat)))
    return found


def _info_rows(cat: Catalogue) -> list[list[Any]]:
    ident = cat.identity
    return [["清单名称", ident.title], ["发布机关", ident.publisher], ["版本", ident.version], ["生效日期", ident.effective],
            ["批准文件", ident.approval or ""], ["事项数", len(cat.items)],
            ["说明", "“事项”表每行一个事项；其余各表按事项编码补充部门职责、依据、流程和变更记录。用 qingdan import 可导回清单。"],
            ["修改须知", "导回时部门职责、法律依据、流程和变更记录以同名明细表为准；“事项”表的县级主管部门、县级部门职责、配合部门、"
                     "配合部门职责、法律法规依据、状态列只供阅读。一格多条内容每行一条；以制表符开头的行接续上一条。"]]


def xlsx_bytes(cat: Catalogue, cut: list[str] | None = None, cache: Cache | None = None,
               per_item: list[list[list[Any]]] | None = None) -> bytes:
    """The workbook as bytes, identical for identical catalogues.

    A text longer than a cell holds is refused (``qingdan export``), or, given a
    ``cut`` list (the site's download, which a valid catalogue must not stop),
    cut with :data:`generator.sheets.sheetxml.CUT_MARK` and its cell named in ``cut``.

    XlsxWriter writes the frame: every sheet with its header row, widths, frozen
    header and filter, the styles and properties (its zip entries carry a fixed
    date, the document's dates are the catalogue's effective date, never the
    clock). The data rows are written by :mod:`generator.sheets.sheetxml` and
    put into the frame's sheets, and the zip is written by :mod:`generator.sheets.ziparchive`;
    with a ``cache``, each sheet's deflated entry is kept by its content, so after one
    changed item only the sheets it is on are written and deflated again. ``per_item``:
    :func:`item_sheet_rows` of all items, if already made.
    """
    ident = cat.identity
    properties = {"title": ident.title, "author": ident.publisher, "created": datetime.combine(ident.effective, time(0, 0))}
    return workbook_bytes(tables(cat, per_item), properties, cut, cache)


def workbook_bytes(found: list[Table], properties: dict[str, Any], cut: list[str] | None = None,
                   cache: Cache | None = None) -> bytes:
    """The workbook of the sheets ``found`` with the document ``properties`` (see :func:`xlsx_bytes`)."""
    frame = io.BytesIO()
    with xlsxwriter.Workbook(frame, {"constant_memory": True}) as wb:  # closed (temporary files too) on an error
        formats = [wb.add_format({"bold": True}), wb.add_format({"text_wrap": True, "valign": "top"}),
                   wb.add_format({"num_format": "yyyy-mm-dd"})]
        # Numbered now, in this order: XlsxWriter would number them by first use, which rows decide.
        styles = sheetxml.Styles(*(f._get_xf_index() for f in formats))
        for title, columns, rows in found:
            _frame_sheet(wb, formats[0], title, columns, len(rows))
        wb.set_properties(properties)
    sheets = {f"xl/worksheets/sheet{n}.xml": table for n, table in enumerate(found, start=1)}
    entries, cuts = [], []
    with zipfile.ZipFile(frame) as src:
        for info in src.infolist():
            data = src.read(info)
            if info.filename in sheets:
                title, _, rows = sheets[info.filename]
                entry, notes = _sheet_entry(info, data, title, rows, styles, cut is not None, cache)
                entries.append(entry)
                cuts += notes
            else:
                entries.append(ziparchive.deflated(info.filename, data, info.date_time, info.external_attr, info.create_system))
    if cut is not None:
        cut += cuts
    return ziparchive.archive(entries)


def _frame_sheet(wb: xlsxwriter.Workbook, bold: Format, title: str, columns: list[tuple[str, str, int]], count: int) -> None:
    """A sheet with its header row only; ``count`` data rows will follow (generator.sheets.sheetxml)."""
    ws = wb.add_worksheet(title)
    for i, (_, _, width) in enumerate(columns):
        ws.set_column(i, i, width)
    ws.freeze_panes(1, 0)
    for c, (_, text, _) in enumerate(columns):
        ws.write_string(0, c, text, bold)
    if len(columns) > 2:
        ws.autofilter(0, 0, count, len(columns) - 1)


def _sheet_entry(info: zipfile.ZipInfo, frame: bytes, title: str, rows: list[list[Any]], styles: sheetxml.Styles,
                 cut: bool, cache: Cache | None) -> tuple[ziparchive.Entry, list[str]]:
    """The sheet's zip entry (its frame with the rows put in, deflated) and the cells cut; from ``cache``
    while the frame and rows are the same (the key is their text), so an unchanged sheet is neither
    written nor deflated again."""

    def make() -> tuple[ziparchive.Entry, list[str]]:
        placed = sheetxml.rows_xml(title, rows, styles, cut)
        xml = sheetxml.place(frame.decode("utf-8"), placed).encode("utf-8")
        return ziparchive.deflated(info.filename, xml, info.date_time, info.external_attr, info.create_system), placed.cut

    if cache is None or cache.folder is None:
        return make()

    def made() -> bytes:
        entry, notes = make()
        return json.dumps([entry.crc, entry.size, notes], ensure_ascii=False).encode("utf-8") + b"\n" + entry.packed

    name = key("xlsx-sheet", info.filename, repr(info.date_time), str(info.external_attr), str(info.create_system), frame,
               title, repr(styles), repr(cut), repr(rows))
    head, _, packed = cache.latest("xlsx-sheet", name, made, slot=info.filename.rsplit("/", 1)[-1]).partition(b"\n")
    crc, size, notes = json.loads(head)
    return ziparchive.Entry(info.filename, info.date_time, info.external_attr, info.create_system, crc, size, packed), notes


def csv_text(items: list[list[str]]) -> str:
    """One row per item (``items``: the items sheet's rows, :func:`item_sheet_rows`), readable columns; the caller writes it with a BOM for Excel.

    Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
    leading ``'`` (OWASP's advice); ``qingdan import`` takes it off again."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([header for _, header, _ in ITEM_COLUMNS])
    writer.writerows([csv_safe(value) for value in row] for row in items)
    return buf.getvalue()


def write_csv(cat: Catalogue, out: Path) -> None:
    out.write_bytes(b"\xef\xbb\xbf" + csv_text(item_sheet_rows(cat)[0]).encode("utf-8"))


def write_xlsx(cat: Catalogue, out: Path) -> None:
    out.write_bytes(xlsx_bytes(cat))
