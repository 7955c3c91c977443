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

from generator.sheets.book import Grid
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
    """Rows that are not items (title, section, note, repeated header rows), with the reason."""
    kind_from_columns: bool = False
    """The sheet says each row's kind itself (a 责任类型 column or √ columns): one numbering for all kinds."""


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
    text = str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ").replace("\u200b", "").replace("\ufeff", "")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


_SECTION = re.compile(r"^[（(]?[一二三四五六七八九十百]+[)）]?[、.．]?\s*|^\d+[、.．]\s*")
_COUNT = re.compile(r"[（(]\s*(共)?\s*\d+\s*项\s*[)）]$")


def section_title(text: str) -> str:
    return _COUNT.sub("", _SECTION.sub("", text)).strip()




def _letters(col: int) -> str:
    out = ""
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def _text(grid: Grid, r: int, c: int) -> str:
    return cell_text(grid.raw(r, c))


def _header_score(grid: Grid, r: int, extra: dict[str, str]) -> int:
    keys = {header_key(_text(grid, r, c), extra) for c in grid.cols} - {None}
    return len(keys) + (2 if "name" in keys else 0)


def _mark_kind(text: str) -> str | None:
    """A sub-header 主体责任 / 配合责任 under 责任类型: a column of √ marks for that kind."""
    return KIND_WORDS.get(squeeze(text).removesuffix("事项"))


def _columns(grid: Grid, r: int, extra: dict[str, str]) -> tuple[dict[int, str], list[str], int]:
    """Field of each column; a two-row header (merged group over sub-headers) is read as one.

    Under a group the sub-header decides (县级部门 over 县级部门职责 is the duties,
    not the department); only a sub-header that means nothing alone (职责) is read
    with its group (县级部门 + 职责). Sub-headers 主体责任 | 配合责任 under 责任类型
    are columns of √ marks, one per kind.
    """
    two_rows = any(grid.wide(r, c) and _text(grid, r + 1, c) and not grid.merged_from_above(r + 1, c) for c in grid.cols)
    columns: dict[int, str] = {}
    unknown: list[str] = []
    for c in grid.cols:
        upper = _text(grid, r, c)
        lower = _text(grid, r + 1, c) if two_rows and not grid.merged_from_above(r + 1, c) else ""
        key = None
        if lower and header_key(upper, extra) == "kind" and _mark_kind(lower):
            key = f"mark:{_mark_kind(lower)}"
        elif not lower and _mark_kind(upper) and squeeze(upper) in ("主体责任", "配合责任", "上级部门收回", "收回"):
            key = f"mark:{_mark_kind(upper)}"
        else:
            for candidate in ([lower, upper + lower, upper] if lower else [upper]):
                key = header_key(candidate, extra) if candidate else None
                if key:
                    break
        label = f"{upper}{'/' + lower if lower else ''}"
        if key and key in columns.values():
            unknown.append(f"{label}（与前面的列重复）")
        elif key:
            columns[c] = key
        elif lower or upper:
            unknown.append(label)
    return columns, unknown, r + (2 if two_rows else 1)


NOTE_START = ("注：", "注:", "说明：", "说明:", "备注：", "备注:", "附注", "填表说明")
TOTALS = ("合计", "小计", "总计")


def find_header(grid: Grid, extra: dict[str, str]) -> int | None:
    scores = [(_header_score(grid, r, extra), -r) for r in grid.rows if r <= HEADER_SCAN]
    best = max(scores, default=(0, 0))
    return -best[1] if best[0] >= 3 else None


def read_sheet(grid: Grid, extra: dict[str, str] | None = None, header_row: int | None = None) -> SheetRows | None:
    """Rows of one sheet, or ``None`` when no header row is found. Every row with text is in
    ``rows`` or in ``skipped``."""
    extra = extra or {}
    if header_row is None:
        header_row = find_header(grid, extra)
        if header_row is None:
            return None
    columns, unknown, first = _columns(grid, header_row, extra)
    out = SheetRows(header_row, columns, unknown)
    out.kind_from_columns = any(k == "kind" or k.startswith("mark:") for k in columns.values())
    for r in grid.rows:
        if r < header_row:
            out.skipped.append((r, f"表头上方的标题行“{' '.join(dict.fromkeys(_text(grid, r, c) for c in grid.cols if _text(grid, r, c)))[:30]}”"))
        elif r < first:
            out.skipped.append((r, "表头行"))
    headers = {squeeze(_text(grid, header_row, c)) for c in columns}
    section: str | None = None
    kind_section: str | None = None
    in_notes = False
    name_col = next((c for c, k in columns.items() if k == "name"), None)
    for r in grid.rows_from(first):
        texts = {c: _text(grid, r, c) for c in grid.cols}
        filled = {c: t for c, t in texts.items() if t}
        if not filled:
            continue
        if not set(filled) & set(columns) and not any(grid.wide(r, c) for c in filled):
            out.skipped.append((r, "只有没有表头的列里有文字（第 " + "、".join(_letters(c) for c in sorted(filled)[:5]) + " 列）"))
            continue
        distinct = set(filled.values())
        if len(distinct) == 1 and (len(filled) > 1 or name_col not in filled):
            whole = distinct.pop()
            title = section_title(whole)
            kind = _mark_kind(title) or _mark_kind(title.removesuffix("清单"))
            if kind:
                kind_section = kind
                out.skipped.append((r, f"分部标题行“{title[:20]}”：以下事项为{title[:20]}"))
            elif in_notes or title in TOTALS or whole.startswith(NOTE_START) or title.startswith(NOTE_START) or whole.endswith("。") or len(title) > 30:
                in_notes = in_notes or not title.startswith(TOTALS)  # the lines after 注： are notes too
                out.skipped.append((r, f"说明行“{whole[:20]}”"))
            else:
                section = title
                out.skipped.append((r, f"分类行“{title[:20]}”：以下事项归入此类"))
            continue
        if sum(1 for c in columns if squeeze(texts.get(c, "")) in headers) >= max(2, len(columns) // 2):
            out.skipped.append((r, "重复的表头行（打印分页）"))
            continue
        values = {key: texts[c] for c, key in columns.items() if texts.get(c)}
        continued = name_col is not None and grid.merged_from_above(r, name_col)
        out.rows.append(Row(r, values, section, kind_section, continued))
    return out
