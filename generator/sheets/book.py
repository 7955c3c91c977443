"""Opening a workbook (.xlsx, .xls, .ods, .csv) as sheets of sparse cells, with bounded work.

python-calamine (a binding of the Rust calamine reader) reads all three
spreadsheet formats and is several times faster than openpyxl. It holds a
sheet as a dense rectangle, so one stray cell at XFD1048576 would ask for
hundreds of gigabytes: .xlsx sheets are therefore measured first by scanning
their cell references, and a sheet whose real extent is too large for a dense
read is read cell by cell instead. Merged ranges are kept as ranges, clipped to
the cells that hold text, never expanded over their claimed size.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError, iterparse

from generator.errors import QingdanError

DENSE_LIMIT = 2_000_000
"""Cells (rows × columns) a sheet may span to be read densely by calamine (about 64 MB)."""
MAX_XML = 400_000_000
"""Uncompressed bytes of one sheet's XML beyond which a file is refused (a zip bomb)."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Cell starts that spreadsheet programs run as formulas (OWASP CSV injection)."""


def csv_safe(text: str) -> str:
    """A cell for CSV: text that would start a formula gets a leading ``'`` (as does text already starting with ``'``
    followed by such a character, so that ``csv_unescape`` restores every text exactly)."""
    if text.startswith(FORMULA_START) or (text.startswith("'") and text[1:].startswith(FORMULA_START + ("'",))):
        return "'" + text
    return text


def csv_unescape(text: str) -> str:
    if text.startswith("'") and text[1:].startswith(FORMULA_START + ("'",)):
        return text[1:]
    return text


@dataclass
class Grid:
    """One sheet: text of the cells that hold any, and merged ranges (1-based, inclusive)."""

    name: str
    values: dict[tuple[int, int], Any] = field(default_factory=dict)
    merged_ranges: list[tuple[int, int, int, int]] = field(default_factory=list)
    """(first row, first column, last row, last column), clipped to the cells with text."""
    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    _by_row: dict[int, list[tuple[int, int, int, int]]] = field(default_factory=dict)

    def finish(self, merged: list[tuple[int, int, int, int]]) -> Grid:
        """Index what was read; merged ranges whose first cell is blank carry nothing and are dropped."""
        self.values = {k: v for k, v in self.values.items() if v not in (None, "")}
        self.rows = sorted({r for r, _ in self.values})
        self.cols = sorted({c for _, c in self.values})
        last_row, last_col = (self.rows[-1], self.cols[-1]) if self.values else (0, 0)
        for r1, c1, r2, c2 in merged:
            if (r1, c1) not in self.values or (r2 == r1 and c2 == c1):
                continue
            rng = (r1, c1, min(r2, last_row), min(c2, last_col))
            self.merged_ranges.append(rng)
        merged_rows = set()
        for rng in self.merged_ranges:
            for r in range(rng[0], rng[2] + 1):
                self._by_row.setdefault(r, []).append(rng)
                merged_rows.add(r)
        self.rows = sorted(set(self.rows) | merged_rows)
        return self

    @property
    def max_row(self) -> int:
        return self.rows[-1] if self.rows else 0

    def top(self, r: int, c: int) -> tuple[int, int, int, int] | None:
        for rng in self._by_row.get(r, ()):
            if rng[1] <= c <= rng[3]:
                return rng
        return None

    def raw(self, r: int, c: int) -> Any:
        rng = self.top(r, c)
        return self.values.get((rng[0], rng[1]) if rng else (r, c))

    def merged_from_above(self, r: int, c: int) -> bool:
        rng = self.top(r, c)
        return bool(rng and rng[0] < r)

    def wide(self, r: int, c: int) -> bool:
        rng = self.top(r, c)
        return bool(rng and rng[3] > rng[1])

    def rows_from(self, first: int) -> list[int]:
        return self.rows[bisect.bisect_left(self.rows, first):]


@dataclass
class Book:
    path: Path
    sheets: list[Grid]

    @property
    def sheetnames(self) -> list[str]:
        return [s.name for s in self.sheets]

    def __getitem__(self, name: str) -> Grid:
        return next(s for s in self.sheets if s.name == name)


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")


def _ref(text: str) -> tuple[int, int]:
    m = _REF.match(text)
    if not m:
        raise ValueError(text)
    return int(m.group(2)), _col_number(m.group(1))


def _range(text: str) -> tuple[int, int, int, int]:
    first, _, last = text.partition(":")
    r1, c1 = _ref(first)
    r2, c2 = _ref(last or first)
    return r1, c1, r2, c2


def open_book(path: Path) -> Book:
    """Every sheet of a workbook or CSV file; ``QingdanError`` with one line naming the file and why otherwise."""
    if not path.is_file():
        raise QingdanError(f"找不到文件 {path}。")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return Book(path, [_csv(path)])
    if suffix not in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise QingdanError(f"无法读取 {path}：只能导入 .xlsx、.xls、.ods 或 .csv 文件。")
    head = path.read_bytes()[:8]
    if suffix in (".xlsx", ".xlsm", ".ods") and not head.startswith(b"PK"):
        raise QingdanError(f"无法读取 {path}：这不是 {suffix} 文件（内容不是电子表格，可能是改了扩展名的其他文件）。")
    if suffix == ".xls" and not head.startswith(b"\xd0\xcf\x11\xe0"):
        raise QingdanError(f"无法读取 {path}：这不是 .xls 文件（内容不是 Excel 97-2003 工作簿）。")
    from python_calamine import CalamineError, PasswordError

    try:
        sparse = _oversized_sheets(path) if suffix in (".xlsx", ".xlsm") else set()
        return Book(path, _calamine(path, sparse))
    except PasswordError:
        raise QingdanError(f"无法读取 {path}：文件设置了打开密码，请在 Excel/WPS 中去掉密码后另存再导入。") from None
    except (zipfile.BadZipFile, EOFError, KeyError, ParseError) as exc:
        raise QingdanError(f"无法读取 {path}：文件不完整或已损坏（{type(exc).__name__}），请重新下载或用 Excel/WPS 另存后再导入。") from None
    except (CalamineError, ValueError, OSError) as exc:  # calamine's own types (zip, XML, BIFF) for broken files
        reason = str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__
        raise QingdanError(f"无法读取 {path}：文件已损坏或格式不对（{reason}），请重新下载或用 Excel/WPS 另存后再导入。") from None


def _sheet_paths(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML entry, from workbook.xml and its relationships."""
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    targets: dict[str, str] = {}
    for _, el in iterparse(z.open("xl/_rels/workbook.xml.rels")):
        if el.tag.endswith("Relationship"):
            target = el.get("Target", "")
            targets[el.get("Id", "")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    out: dict[str, str] = {}
    for _, el in iterparse(z.open("xl/workbook.xml")):
        if el.tag.endswith("}sheet"):
            out[el.get("name", "")] = targets.get(el.get(ns_rel, ""), "")
    return out


_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3})(\d{1,7})\"[^>]*?(/?)>")


def _oversized_sheets(path: Path) -> set[str]:
    """Names of sheets whose cells span more than ``DENSE_LIMIT`` (a scan of cell references, in chunks)."""
    out: set[str] = set()
    with zipfile.ZipFile(path) as z:
        for name, entry in _sheet_paths(z).items():
            if entry not in z.namelist():
                continue
            if z.getinfo(entry).file_size > MAX_XML:
                raise QingdanError(f"无法读取 {path}：工作表“{name}”解压后超过 {MAX_XML // 1_000_000} MB，不像正常的清单。")
            max_r = max_c = 0
            tail = b""
            with z.open(entry) as f:
                while chunk := f.read(1 << 20):
                    data = tail + chunk
                    end = data.rfind(b"<")
                    for m in _CELL.finditer(data, 0, end if end > 0 else len(data)):
                        if not m.group(3):  # <c r="A1" s="1"/> has no value
                            max_r = max(max_r, int(m.group(2)))
                            max_c = max(max_c, _col_number(m.group(1).decode()))
                    tail = data[end:] if end > 0 else b""
            if max_r * max_c > DENSE_LIMIT:
                out.add(name)
    return out


def _calamine(path: Path, sparse: set[str]) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    sheets: list[Grid] = []
    try:
        for meta in wb.sheets_metadata:
            if "work" not in str(meta.typ).lower():
                continue  # chart sheets hold no cells
            if meta.name in sparse:
                sheets.append(_xlsx_sparse(path, meta.name))
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            grid = Grid(meta.name)
            r0, c0 = sheet.start or (0, 0)
            for i, row in enumerate(sheet.iter_rows()):
                if row.count("") == len(row):  # counted in C: a wide sheet's empty rows cost little
                    continue
                for j, value in enumerate(row):
                    if value not in ("", None):
                        grid.values[(r0 + i + 1, c0 + j + 1)] = value
            merged = [(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in (sheet.merged_cell_ranges or [])]
            sheets.append(grid.finish(merged))
    finally:
        wb.close()
    return sheets


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _xlsx_sparse(path: Path, name: str) -> Grid:
    """One .xlsx sheet read cell by cell (shared strings, inline strings, numbers, booleans)."""
    with zipfile.ZipFile(path) as z:
        strings: list[str] = []
        if "xl/sharedStrings.xml" in z.namelist():
            for _, el in iterparse(z.open("xl/sharedStrings.xml")):
                if el.tag == f"{_NS}si":
                    strings.append("".join(t.text or "" for t in el.iter(f"{_NS}t")))
                    el.clear()
        grid = Grid(name)
        merged: list[tuple[int, int, int, int]] = []
        for _, el in iterparse(z.open(_sheet_paths(z)[name])):
            if el.tag == f"{_NS}c":
                kind, v = el.get("t"), el.find(f"{_NS}v")
                if kind == "inlineStr":
                    value: Any = "".join(t.text or "" for t in el.iter(f"{_NS}t"))
                elif v is None or v.text is None:
                    value = None
                elif kind == "s":
                    value = strings[int(v.text)] if int(v.text) < len(strings) else ""
                elif kind in ("str", "e"):
                    value = v.text
                elif kind == "b":
                    value = v.text == "1"
                else:
                    value = float(v.text)
                if value not in (None, ""):
                    grid.values[_ref(el.get("r", ""))] = value
                el.clear()
            elif el.tag == f"{_NS}mergeCell":
                merged.append(_range(el.get("ref", "")))
            elif el.tag == f"{_NS}row":
                el.clear()
    return grid.finish(merged)


def decode_text(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM) first; otherwise the encoding charset-normalizer finds (GBK, GB18030 …)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    for encoding in ([best.encoding] if best else []) + ["gb18030"]:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise QingdanError(f"无法读取 {path}：认不出文字编码（应为 UTF-8 或 GBK），请用 Excel 另存为“CSV UTF-8”后再导入。")


def _csv(path: Path) -> Grid:
    text = decode_text(path.read_bytes(), path)
    if "\x00" in text:
        raise QingdanError(f"无法读取 {path}：这不是文本格式的 CSV 文件。")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    grid = Grid(path.stem)
    try:
        for r, row in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), start=1):
            for c, value in enumerate(row, start=1):
                if value:
                    grid.values[(r, c)] = csv_unescape(value)
    except csv.Error as exc:
        raise QingdanError(f"无法读取 {path}：CSV 格式有误（{exc}）。") from None
    return grid.finish([])
