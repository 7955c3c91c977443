"""The workbook's data rows (generator.sheets.sheetxml) are XlsxWriter's own XML, written quicker.

The reference here writes the same sheets cell by cell with XlsxWriter, as the
export did before; the two workbooks must be the same bytes. The one place
they may differ is a text XlsxWriter would write as raw markup.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from openpyxl import load_workbook

from generator.cache import Cache
from generator.errors import QingdanError
from generator.sheets import export
from generator.sheets.sheetxml import CELL_MAX, CUT_MARK

from .conftest import SAMPLE

PROPERTIES = {"title": "测试县清单", "author": "测试县委编办", "created": datetime(2024, 3, 1)}
COLUMNS = [("a", "编码", 10), ("b", "文字", 30), ("c", "日期", 12), ("d", "数", 8)]
TRICKY: list[list[Any]] = [
    ["T-001", "普通文字", date(2024, 3, 1), 3],
    ["T-002", " 前有空格", date(1900, 2, 28), 0],  # the day before Excel's leap day of 1900
    ["T-003", "后有空格 ", date(1900, 3, 1), -2.5],
    ["T-004", "两行\n文字", datetime(2024, 3, 1, 12, 30), 1e20],
    ["T-005", "A&B <县> \"引号\" '单引号'", None, True],
    ["T-006", "控制\x01字符\x1f与\ufffe", "", False],
    ["T-007", "像转义的 _x0041_ 文字", "=SUM(A1:A2)", 7],
    ["", "", None, None],  # a row without cells: no <row> at all
    ["T-008", "\n换行开头", "", ""],
    ["T-009", "全角空格结尾\u3000", "+1", "@x"],
]


def _reference(found: list[export.Table], cut: list[str] | None = None, properties: dict[str, Any] = PROPERTIES) -> bytes:
    """The workbook as the export wrote it before: every cell through XlsxWriter."""
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"constant_memory": True}) as wb:
        bold, wrap, day = (wb.add_format({"bold": True}), wb.add_format({"text_wrap": True, "valign": "top"}),
                           wb.add_format({"num_format": "yyyy-mm-dd"}))
        for f in (bold, wrap, day):
            f._get_xf_index()
        for title, columns, rows in found:
            ws = wb.add_worksheet(title)
            for i, (_, _, width) in enumerate(columns):
                ws.set_column(i, i, width)
            ws.freeze_panes(1, 0)
            for c, (_, text, _) in enumerate(columns):
                ws.write_string(0, c, text, bold)
            last = 0
            for last, row in enumerate(rows, start=1):
                for c, value in enumerate(row):
                    if isinstance(value, str):
                        if len(value) > CELL_MAX and cut is not None:
                            cut.append(f"“{title}”表第 {last + 1} 行第 {c + 1} 列")
                            value = value[: CELL_MAX - len(CUT_MARK)] + CUT_MARK
                        if value:
                            ws.write_string(last, c, value, wrap if "\n" in value else None)
                    elif isinstance(value, bool):
                        ws.write_boolean(last, c, value)
                    elif isinstance(value, int | float):
                        ws.write_number(last, c, value)
                    elif isinstance(value, date):
                        ws.write_datetime(last, c, value if isinstance(value, datetime) else datetime.combine(value, time(0, 0)), day)
            if len(columns) > 2:
                ws.autofilter(0, 0, last, len(columns) - 1)
        wb.set_properties(properties)
    return out.getvalue()


SHEETS: list[export.Table] = [
    ("事项", COLUMNS, TRICKY),
    ("空表", COLUMNS, []),
    ("两列", [("key", "项目", 14), ("value", "内容", 80)], [["事项数", 16000], ["生效日期", date(2024, 3, 1)]]),
    ("尾部空行", COLUMNS, [["T-010", "文字", None, None], [None, None, None, None]]),
]


def test_the_rows_are_xlsxwriters_own_bytes() -> None:
    assert export.workbook_bytes(SHEETS, PROPERTIES) == _reference(SHEETS)


def test_the_sample_catalogues_workbook_is_the_cell_by_cell_one() -> None:
    from generator.validate import check

    cat, _ = check(SAMPLE)
    assert cat is not None
    ident = cat.identity
    properties = {"title": ident.title, "author": ident.publisher, "created": datetime.combine(ident.effective, time(0, 0))}
    found = export.tables(cat)
    assert export.xlsx_bytes(cat) == _reference(found, properties=properties)


def test_a_text_that_looks_like_markup_is_text() -> None:
    markup = "<r><rPr><b/></rPr><t>加粗</t></r>"
    sheets: list[export.Table] = [("事项", COLUMNS, [["T-001", markup, None, None]])]
    book = load_workbook(io.BytesIO(export.workbook_bytes(sheets, PROPERTIES)), read_only=True)
    assert [row for row in book["事项"].iter_rows(values_only=True)][1][1] == markup


def test_a_text_too_long_for_a_cell_is_refused_or_cut_and_named() -> None:
    long = "林" * (CELL_MAX + 10)
    sheets: list[export.Table] = [("条文", COLUMNS, [["L-1", "短", None, None], ["L-2", long, None, None]])]
    with pytest.raises(QingdanError, match="“条文”表第 3 行第 2 列"):
        export.workbook_bytes(sheets, PROPERTIES)
    cut: list[str] = []
    ours = export.workbook_bytes(sheets, PROPERTIES, cut)
    assert cut == ["“条文”表第 3 行第 2 列"]
    expected: list[str] = []
    assert ours == _reference(sheets, expected) and expected == cut


def test_only_the_sheets_whose_rows_changed_are_written_again(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    first = export.workbook_bytes(SHEETS, PROPERTIES, [], cache)
    entries = sorted((tmp_path / "cache" / "xlsx-sheet").iterdir())
    assert len(entries) == len(SHEETS)
    before = [entry.read_bytes() for entry in entries]
    changed = [SHEETS[0], SHEETS[1], ("两列", SHEETS[2][1], [["事项数", 16001], ["生效日期", date(2024, 3, 1)]]), SHEETS[3]]
    second = export.workbook_bytes(changed, PROPERTIES, [], cache)
    assert second == export.workbook_bytes(changed, PROPERTIES) == _reference(changed) != first
    assert sorted((tmp_path / "cache" / "xlsx-sheet").iterdir()) == entries  # one entry per sheet: the latest
    assert sum(entry.read_bytes() != old for entry, old in zip(entries, before, strict=True)) == 1  # one sheet made again
    for entry in entries:  # a damaged entry is made again, never used
        entry.write_bytes(entry.read_bytes()[:-1] + b"x")
    assert export.workbook_bytes(SHEETS, PROPERTIES, [], cache) == first


def test_every_entry_of_the_zip_keeps_xlsxwriters_fixed_date() -> None:
    with zipfile.ZipFile(io.BytesIO(export.workbook_bytes(SHEETS, PROPERTIES))) as book:
        assert {info.date_time for info in book.infolist()} == {(1980, 1, 31, 0, 0, 0)}
        assert book.testzip() is None
