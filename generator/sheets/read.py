"""Reading county spreadsheets: find the header row, undo merged cells, clean cell text.

County lists arrive as hand-made workbooks: a merged title row, headers that
may span two rows (县级部门 over 主管部门 | 职责), category cells merged down a
block of rows, section rows such as ``一、应急管理（12项）``, blank rows and
odd spacing. This module turns one sheet into plain rows of field -> text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from generator.sheets.layout import KIND_WORDS, header_key, squeeze

HEADER_SCAN = 30
"""Rows searched for the header row."""


@dataclass
class Row:
    number: int
    """Row number as Excel shows it (1-based)."""
    values: dict[str, str]
    section: str | None = None
    """Text of the last section row above (一、应急管理), used when there is no category column."""
    kind_section: str | None = None
    """Responsibility kind named by a section row (二、配合履职事项)."""
    continued: bool = False
    """The name cell is merged down from the row above: this row adds to that item."""


@dataclass
class SheetRows:
    header_row: int
    columns: dict[int, str]
    """Column index (1-based) -> field key."""
    unknown_headers: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


def cell_text(value: Any) -> str:
    """A cell value as clean text: numbers without ``.0``, dates ISO, lines trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


class _Grid:
    """Cell values with merged ranges filled from their top-left cell."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.merged: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    self.merged[(r, c)] = (rng.min_row, rng.min_col, rng.max_row, rng.max_col)
        self.values: dict[tuple[int, int], str] = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    self.values[(cell.row, cell.column)] = cell_text(cell.value)
        self.max_row = ws.max_row
        self.max_col = ws.max_column

    def text(self, r: int, c: int) -> str:
        top = self.merged.get((r, c))
        return self.values.get((top[0], top[1]) if top else (r, c), "")

    def merged_from_above(self, r: int, c: int) -> bool:
        top = self.merged.get((r, c))
        return bool(top and top[0] < r)

    def wide(self, r: int, c: int) -> bool:
        top = self.merged.get((r, c))
        return bool(top and top[3] > top[1])


def _header_score(grid: _Grid, r: int, extra: dict[str, str]) -> int:
    keys = {header_key(grid.text(r, c), extra) for c in range(1, grid.max_col + 1)} - {None}
    return len(keys) + (2 if "name" in keys else 0)


def _columns(grid: _Grid, r: int, extra: dict[str, str]) -> tuple[dict[int, str], list[str], int]:
    """Field of each column; a two-row header (merged group over sub-headers) is read as one."""
    two_rows = any(grid.wide(r, c) and grid.text(r + 1, c) and not grid.merged_from_above(r + 1, c) for c in range(1, grid.max_col + 1))
    columns: dict[int, str] = {}
    unknown: list[str] = []
    for c in range(1, grid.max_col + 1):
        upper = grid.text(r, c)
        lower = grid.text(r + 1, c) if two_rows and not grid.merged_from_above(r + 1, c) else ""
        key = None
        for candidate in ([upper + lower, lower, upper] if lower else [upper]):
            key = header_key(candidate, extra) if candidate else None
            if key:
                break
        if key and key not in columns.values():
            columns[c] = key
        elif (lower or upper) and not key:
            unknown.append(f"{upper}{'/' + lower if lower else ''}")
    return columns, unknown, r + (2 if two_rows else 1)


_SECTION = re.compile(r"^[（(]?[一二三四五六七八九十百]+[)）]?[、.．]?\s*|^\d+[、.．]\s*")
_COUNT = re.compile(r"[（(]\s*(共)?\s*\d+\s*项\s*[)）]$")


def section_title(text: str) -> str:
    return _COUNT.sub("", _SECTION.sub("", text)).strip()


def read_sheet(ws: Worksheet, extra: dict[str, str] | None = None, header_row: int | None = None) -> SheetRows | None:
    """Rows of one sheet, or ``None`` when no header row is found."""
    extra = extra or {}
    grid = _Grid(ws)
    if header_row is None:
        scores = [(_header_score(grid, r, extra), -r) for r in range(1, min(grid.max_row, HEADER_SCAN) + 1)]
        best = max(scores, default=(0, 0))
        if best[0] < 3:
            return None
        header_row = -best[1]
    columns, unknown, first = _columns(grid, header_row, extra)
    out = SheetRows(header_row, columns, unknown)
    headers = {squeeze(grid.text(header_row, c)) for c in columns}
    section: str | None = None
    kind_section: str | None = None
    name_col = next((c for c, k in columns.items() if k == "name"), None)
    for r in range(first, grid.max_row + 1):
        texts = {c: grid.text(r, c) for c in range(1, grid.max_col + 1)}
        filled = {c: t for c, t in texts.items() if t}
        if not filled:
            continue
        distinct = set(filled.values())
        if len(distinct) == 1 and (len(filled) > 1 or name_col not in filled):
            title = section_title(distinct.pop())
            kind = KIND_WORDS.get(title) or KIND_WORDS.get(title.removesuffix("事项").removesuffix("清单"))
            if kind:
                kind_section = kind
            elif title in ("合计", "小计", "总计") or title.startswith(("注：", "注:", "说明：", "备注：")):
                out.skipped.append((r, f"说明行“{title[:20]}”"))
            else:
                section = title
            continue
        if sum(1 for c in columns if squeeze(texts[c]) in headers) >= max(2, len(columns) // 2):
            continue  # the header repeated on a printed page
        values = {key: texts[c] for c, key in columns.items() if texts[c]}
        continued = name_col is not None and grid.merged_from_above(r, name_col)
        out.rows.append(Row(r, values, section, kind_section, continued))
    return out
