""".xls, .csv (UTF-8, BOM, GBK), broken and hostile files: one Chinese line or a bounded import, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from generator.cli import main
from generator.load import load
from generator.sheets.book import csv_safe, csv_unescape
from generator.sheets.export import csv_text, item_sheet_rows

from .conftest import first_sheet

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal"
HEADER = ["序号", "事项名称", "责任类型", "县级主管部门", "县级部门职责", "乡镇职责"]
ROWS = [[1, "森林防火巡查", "主体责任", "县林业局", "指导森林防火。", "组织巡山护林。"],
        [2, "燃气安全检查", "配合责任", "县住房和城乡建设局", "负责燃气监督管理。", "协助开展燃气安全检查。"]]


@pytest.fixture
def target(tmp_path: Path) -> Path:
    folder = tmp_path / "target"
    folder.mkdir()
    shutil.copy(MINIMAL / "catalogue.yml", folder / "catalogue.yml")
    return folder


def names(target: Path) -> list[str]:
    return sorted(yaml.safe_load(p.read_text(encoding="utf-8"))["name"] for p in (target / "items").rglob("*.yml"))


def test_xls_workbook(tmp_path: Path, target: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import xlwt  # a test dependency (pyproject [test]); it writes the old format
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("配合履职事项")
    ws.write_merge(0, 0, 0, 5, "测试镇清单")
    for c, text in enumerate(HEADER):
        ws.write(1, c, text)
    for r, row in enumerate(ROWS, start=2):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    book.save(str(tmp_path / "清单.xls"))
    main(["import", str(tmp_path / "清单.xls"), "--into", str(target), "--code-prefix", "X"])
    out = capsys.readouterr().out
    assert "“配合履职事项”第 3 行 → X-001（森林防火巡查）" in out and "“配合履职事项”第 1 行 → 未导入：表头上方的标题行“测试镇清单”" in out
    assert names(target) == ["森林防火巡查", "燃气安全检查"]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_every_common_encoding(tmp_path: Path, target: Path, capsys: pytest.CaptureFixture[str], encoding: str) -> None:
    lines = [",".join(HEADER)] + [",".join(str(v) for v in row) for row in ROWS]
    path = tmp_path / "清单.csv"
    path.write_bytes("\r\n".join(lines).encode(encoding))
    main(["import", str(path), "--into", str(target), "--code-prefix", "C"])
    out = capsys.readouterr().out
    assert "“清单”第 2 行 → C-001（森林防火巡查）" in out and "“清单”第 3 行 → C-002（燃气安全检查）" in out
    assert names(target) == ["森林防火巡查", "燃气安全检查"]


def _xlsx(path: Path) -> None:
    wb = Workbook()
    first_sheet(wb).append(HEADER)
    for row in ROWS:
        first_sheet(wb).append(row)
    wb.save(path)


@pytest.mark.parametrize("case", ["truncated", "text", "renamed-pdf", "empty"])
def test_broken_file_is_one_line_and_nothing_written(tmp_path: Path, target: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    path = tmp_path / "清单.xlsx"
    _xlsx(path)
    data = path.read_bytes()
    path.write_bytes({"truncated": data[: len(data) // 2], "text": "序号,事项名称\n".encode(), "renamed-pdf": b"%PDF-1.7\n" + data[:100],
                      "empty": b""}[case])
    assert main(["import", str(path), "--into", str(target)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"无法读取 {path}：") and "Traceback" not in err[0], err
    assert sorted(p.name for p in target.iterdir()) == ["catalogue.yml"]


def _patch_sheet(src: Path, dst: Path, old: bytes, new: bytes) -> None:
    """Rewrite the first sheet's XML (openpyxl cannot build these files without expanding them)."""
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            data = zi.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert old in data
                data = data.replace(old, new)
            zo.writestr(info, data)


def _peak_import(book: Path, target: Path) -> tuple[int, str, int]:
    """Exit code, output and peak memory (MB) of an import in a fresh interpreter."""
    code = ("import resource, sys; from generator.cli import main; rc = main(sys.argv[1:]); "
            "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024); sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code, "import", str(book), "--into", str(target), "--code-prefix", "B"],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    peak = int(done.stdout.rsplit("PEAK ", 1)[1])
    return done.returncode, done.stdout, peak


@pytest.mark.parametrize("bomb", ["stray-cell", "merged-range", "claimed-dimension"])
def test_bomb_files_import_with_bounded_memory(tmp_path: Path, target: Path, bomb: str) -> None:
    plain = tmp_path / "plain.xlsx"
    _xlsx(plain)
    book = tmp_path / f"{bomb}.xlsx"
    if bomb == "stray-cell":
        far_cell = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        _patch_sheet(plain, book, b"</sheetData>", far_cell)
    elif bomb == "merged-range":
        _patch_sheet(plain, book, b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="M1:XFD1048576"/></mergeCells>')
    else:
        _patch_sheet(plain, book, b'<dimension ref="A1:F3"/>', b'<dimension ref="A1:XFD1048576"/>')
    assert book.stat().st_size < 10_000
    _, out, peak = _peak_import(book, target)
    assert "“Sheet”第 2 行 → B-001（森林防火巡查）" in out and "“Sheet”第 3 行 → B-002（燃气安全检查）" in out, out
    if bomb == "stray-cell":
        assert "“Sheet”第 1048576 行 → 未导入：只有没有表头的列里有文字（第 XFD 列）" in out
    assert peak < 500, f"{peak} MB"
    assert names(target) == ["森林防火巡查", "燃气安全检查"]


FORMULAS = ["=HYPERLINK(\"http://x\",\"点我\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "'=already quoted", "'plain", "普通文字"]


def test_csv_cells_never_start_a_formula_and_read_back_unchanged() -> None:
    for text in FORMULAS:
        safe = csv_safe(text)
        assert not safe.startswith(("=", "+", "-", "@", "\t", "\r")), safe
        assert csv_unescape(safe) == text


def test_exported_csv_round_trips_formula_text(minimal_copy: Path, tmp_path: Path, target: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    item = minimal_copy / "items" / "a" / "T-001.yml"
    data = yaml.safe_load(item.read_text(encoding="utf-8"))
    data["name"] = FORMULAS[0]
    data["township"]["duties"] = FORMULAS[1:4]
    item.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    cat, _ = load(minimal_copy)
    assert cat is not None
    text = csv_text(item_sheet_rows(cat)[0])
    assert "\n=" not in text and ",=" not in text and ",+" not in text and ",@" not in text and ",-" not in text
    out = tmp_path / "清单.csv"
    assert main(["export", "--catalogue", str(minimal_copy), "--format", "csv", "--out", str(out)]) == 0
    assert main(["import", str(out), "--into", str(target), "--code-prefix", "R"]) in (0, 1)
    capsys.readouterr()
    back = {d["code"]: d for d in (yaml.safe_load(p.read_text(encoding="utf-8")) for p in (target / "items").rglob("*.yml"))}
    assert back["T-001"]["name"] == FORMULAS[0]
    assert back["T-001"]["township"]["duties"] == FORMULAS[1:4]


def _ods(path: Path, rows: list[list[str]], extra: str = "") -> None:
    """A minimal OpenDocument spreadsheet (what WPS and LibreOffice save), written by hand."""
    def cells(row: list[str]) -> str:
        return "".join(f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>' if v
                       else "<table:table-cell/>" for v in row)
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    body = "".join(f"<table:table-row>{cells(r)}</table:table-row>" for r in rows)
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2"><office:body>'
               f'<office:spreadsheet><table:table table:name="配合履职事项">{body}{extra}</table:table></office:spreadsheet></office:body>'
               "</office:document-content>")
    kind = "application/vnd.oasis.opendocument.spreadsheet"
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{kind}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), kind)
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", manifest)


def test_ods_workbook_and_its_bomb(tmp_path: Path, target: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["序号", "事项名称", "对应上级部门", "上级部门职责", "乡镇配合职责"],
            ["1", "森林防火", "县林业局", "指导森林防火。", "组织巡山护林。"]]
    _ods(tmp_path / "清单.ods", rows)
    main(["import", str(tmp_path / "清单.ods"), "--into", str(target), "--code-prefix", "O"])
    assert "“配合履职事项”第 2 行 → O-PH-001（森林防火）" in capsys.readouterr().out
    far = ('<table:table-row table:number-rows-repeated="1048570">'
           '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
           '<table:table-row><table:table-cell table:number-columns-repeated="16000"/>'
           '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>')
    bomb = tmp_path / "bomb.ods"
    _ods(bomb, rows, far)
    assert main(["import", str(bomb), "--into", str(target)]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"无法读取 {bomb}：")
