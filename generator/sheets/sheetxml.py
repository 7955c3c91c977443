"""A worksheet's data rows as SpreadsheetML, the way XlsxWriter's constant_memory mode writes them.

XlsxWriter writes the workbook's frame (:mod:`generator.sheets.export`: sheets,
header rows, column widths, frozen header, filters, styles, properties); the
rows are written here, about eight times quicker: XlsxWriter spends ~8 us a
cell in Python, and a 16,000-item workbook has a million cells. The XML is
XlsxWriter's to the byte (tests/test_export_rows.py writes the same workbook
cell by cell with XlsxWriter and compares), with one difference: XlsxWriter
writes a text that starts with ``<r>`` and ends with ``</r>`` as raw rich-text
markup; here every text is escaped, so a catalogue's text stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from generator.errors import QingdanError

CELL_MAX = 32767
"""Characters one Excel cell holds; XlsxWriter would cut a longer text silently."""
CUT_MARK = "……（此处文字超过 Excel 一格的字数上限，以下从略；全文见 JSON 文件）"

_SPECIAL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff&<>]|_x[0-9a-fA-F]{4}_")
_ESCAPED = re.compile("(_x[0-9a-fA-F]{4}_)")  # a literal _xHHHH_ reads as an escape: its "_" is escaped
_CONTROL = re.compile("([\x00-\x08\x0b-\x1f])")  # not allowed in XML: Excel's _xHHHH_ escape
_EPOCH = datetime(1899, 12, 31)


@dataclass(frozen=True)
class Styles:
    """The style indexes (``s``) of the workbook's formats: bold headers, wrapped text, dates."""

    bold: int
    wrap: int
    day: int


@dataclass
class Rows:
    """A sheet's data rows as XML and what it takes to place them in the sheet."""

    xml: str
    last_row: int  # 0-based index of the last row with a cell (0: the header only)
    last_col: int  # 0-based index of the last column with a cell in the data rows (-1: none)
    cut: list[str]  # "“sheet”表第 r 行第 c 列" of each text cut to fit a cell


def _text(value: str) -> str:
    """A cell's text as XlsxWriter escapes it: control characters as _xHHHH_, then &, <, >."""
    value = _ESCAPED.sub(r"_x005F\1", value)
    value = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", value)
    value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _serial(value: date) -> str:
    """Excel's day number (1900 system, with its leap day of 1900) as XlsxWriter prints it."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    delta = moment - _EPOCH
    days = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    if days > 59:  # Excel counts 1900-02-29, which never was
        days += 1
    return f"{days:.16G}"


def rows_xml(sheet: str, rows: list[list[Any]], styles: Styles, cut: bool) -> Rows:
    """The ``<row>`` elements of ``rows`` (data below the header, from sheet row 2).

    A text longer than a cell holds is refused (QingdanError), or with ``cut``
    shortened with :data:`CUT_MARK` and named in :attr:`Rows.cut`. Empty texts
    and None write no cell; a row without cells writes no ``<row>``.
    """
    names = [xl_col_to_name(c) for c in range(max(map(len, rows), default=0))]
    out: list[str] = []
    cuts: list[str] = []
    last_row, last_col = 0, -1
    for r, row in enumerate(rows, start=2):
        cells, end = [], -1
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            ref = f"{names[c]}{r}"
            if isinstance(value, str):
                if len(value) > CELL_MAX:
                    if not cut:
                        raise QingdanError(f"导出 Excel 失败：“{sheet}”表第 {r} 行第 {c + 1} 列的文字有 {len(value)} 个字符，"
                                           f"超过 Excel 一格最多 {CELL_MAX} 个字符的限制；请把这段文字分成几段。")
                    cuts.append(f"“{sheet}”表第 {r} 行第 {c + 1} 列")
                    value = value[: CELL_MAX - len(CUT_MARK)] + CUT_MARK
                style = f' s="{styles.wrap}"' if "\n" in value else ""
                text = _text(value) if _SPECIAL.search(value) else value
                keep = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
                cells.append(f'<c r="{ref}"{style} t="inlineStr"><is><t{keep}>{text}</t></is></c>')
            elif isinstance(value, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                cells.append(f"<c r=\"{ref}\"><v>{value:.16G}</v></c>")
            elif isinstance(value, date):
                cells.append(f'<c r="{ref}" s="{styles.day}"><v>{_serial(value)}</v></c>')
            else:
                raise TypeError(f"no spreadsheet cell for {type(value).__name__}")
            end = c
        if cells:
            out.append(f'<row r="{r}">{"".join(cells)}</row>')
            last_row, last_col = r - 1, max(last_col, end)
    return Rows("".join(out), last_row, last_col, cuts)


def place(frame: str, rows: Rows) -> str:
    """The frame's worksheet XML (header row only) with ``rows`` after the header and its dimension widened."""
    if not rows.xml:
        return frame
    start = frame.index('<dimension ref="') + len('<dimension ref="')
    end = frame.index('"', start)
    first, _, last = frame[start:end].partition(":")
    last_col = max(_column(last or first), rows.last_col)
    dimension = f"A1:{xl_col_to_name(last_col)}{rows.last_row + 1}"
    at = frame.rindex("</sheetData>")
    return frame[:start] + dimension + frame[end:at] + rows.xml + frame[at:]


def _column(ref: str) -> int:
    """0-based column of a cell reference such as ``T1``."""
    n = 0
    for ch in ref.rstrip("0123456789"):
        n = n * 26 + ord(ch) - 64
    return n - 1
