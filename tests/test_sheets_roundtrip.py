"""``qingdan export`` to XLSX/CSV/JSON, and ``import(export(catalogue)) == catalogue``."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from openpyxl import load_workbook

from generator import jsondata
from generator.cli import main
from generator.load import load
from generator.sheets.layout import ITEM_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal"
SAMPLE = ROOT / "catalogue"
HOSTILE = ["<script>alert(1)</script>", "{{ 7*7 }}", "[x](javascript:alert(1))", "=HYPERLINK(\"http://x\")", "  两端空格  ", "第一行\n第二行"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "catalogue"
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_catalogue.py"), "150", str(out)], check=True)
    return out


@pytest.fixture
def hostile(minimal_copy: Path) -> Path:
    """The minimal catalogue with text that must survive as text: markup, template code, formulas."""
    item = minimal_copy / "items" / "a" / "T-001.yml"
    text = item.read_text(encoding="utf-8")
    text = text.replace("summary: 乡镇组织森林防火巡查和宣传。", "summary: " + json.dumps(" ".join(HOSTILE), ensure_ascii=False))
    text = text.replace("    - 组织巡山护林。", "\n".join(f"    - {json.dumps(h, ensure_ascii=False)}" for h in HOSTILE))
    # a cancellation and its reinstatement (恢复) come back as they were
    text += ("  - date: 2024-09-01\n    action: cancelled\n    approval: 测编办〔2024〕5号\n"
             "  - date: 2024-10-01\n    action: reinstated\n    approval: 测编办〔2024〕6号\n")
    item.write_text(text, encoding="utf-8")
    return minimal_copy


def roundtrip(catalogue: Path, tmp_path: Path) -> Path:
    book = tmp_path / "export.xlsx"
    assert main(["export", "--catalogue", str(catalogue), "--format", "xlsx", "--out", str(book)]) == 0
    target = tmp_path / "back"
    target.mkdir()
    shutil.copy(catalogue / "catalogue.yml", target / "catalogue.yml")
    assert main(["import", str(book), "--into", str(target)]) == 0
    return target


def assert_same(a_dir: Path, b_dir: Path) -> None:
    a, _ = load(a_dir)
    b, _ = load(b_dir)
    assert a is not None and b is not None
    for name in ("departments", "townships", "categories", "laws", "items"):
        left, right = getattr(a, name), getattr(b, name)
        assert len(left) == len(right), name
        for x, y in zip(left, right, strict=True):
            assert x == y, f"{name}: {x} != {y}"
    assert a == b
    from generator.review.diff import compare  # what `qingdan diff` reports: nothing

    d = compare(a, b)
    assert not (d.identity or d.added or d.removed or d.laws or d.departments or d.townships or d.categories)
    assert not [p for p in d.pairs if p.fields or p.new_history or p.recoded]


@pytest.mark.parametrize("which", ["minimal", "hostile", "generated", "sample"])
def test_import_of_export_is_the_same_catalogue(which: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    catalogue = {"minimal": MINIMAL, "sample": SAMPLE}.get(which) or request.getfixturevalue(which)
    back = roundtrip(catalogue, tmp_path)
    assert_same(catalogue, back)


def test_xlsx_is_deterministic_and_readable(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for out in (first, second):
        assert main(["export", "--catalogue", str(MINIMAL), "--format", "xlsx", "--out", str(out)]) == 0
    assert first.read_bytes() == second.read_bytes()
    wb = load_workbook(first)
    assert wb.sheetnames[:5] == ["事项", "部门职责", "依据", "流程步骤", "变更记录"]
    assert {"部门", "乡镇", "分类", "法规", "条文", "章节"} <= set(wb.sheetnames)
    ws = wb["事项"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    assert [c.value for c in ws[1]] == [h for _, h, _ in ITEM_COLUMNS]
    assert ws.column_dimensions["D"].width >= 20
    row = {h: c.value for h, c in zip([h for _, h, _ in ITEM_COLUMNS], ws[2], strict=False)}
    assert row["事项编码"] == "T-001" and row["责任类型"] == "主体责任" and row["法律法规依据"] == "《森林防火条例》第20条"
    assert wb.properties.modified.date().isoformat() == "2025-03-01"


def test_hostile_text_stays_text(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "h.xlsx"
    assert main(["export", "--catalogue", str(hostile), "--format", "xlsx", "--out", str(out)]) == 0
    ws = load_workbook(out)["事项"]
    duties = ws.cell(row=2, column=[h for _, h, _ in ITEM_COLUMNS].index("乡镇职责") + 1)
    assert duties.data_type == "s" and isinstance(duties.value, str)
    assert "=HYPERLINK" in duties.value and "<script>" in duties.value


def test_csv_opens_back_with_the_csv_module(generated: Path, tmp_path: Path) -> None:
    out = tmp_path / "items.csv"
    assert main(["export", "--catalogue", str(generated), "--format", "csv", "--out", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    cat, _ = load(generated)
    assert cat is not None and len(rows) == len(cat.items)
    assert [r["事项编码"] for r in rows] == [i.code for i in cat.items]
    first = cat.items[0]
    assert rows[0]["事项名称"] == first.name
    assert rows[0]["乡镇职责"].split("\n") == (first.township.duties if first.township else [""])
    cancelled = [r for r in rows if r["状态"].startswith("已取消")]
    assert len(cancelled) == sum(1 for i in cat.items if i.cancelled)


def test_json_validates_against_its_schema(generated: Path, tmp_path: Path) -> None:
    out = tmp_path / "catalogue.json"
    assert main(["export", "--catalogue", str(generated), "--format", "json", "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    schema = jsondata.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)
    item_schema = jsondata.item_schema()
    for item in data["items"][:20]:
        jsonschema.Draft202012Validator(item_schema).validate(item)
    cat, _ = load(generated)
    assert cat is not None and [i["code"] for i in data["items"]] == [i.code for i in cat.items]
    assert data["catalogue"]["version"] == cat.identity.version
    # a wrong record is refused: the schema is not a formality
    broken = dict(data["items"][0], responsibility="maybe")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(item_schema).validate(broken)


def test_export_refuses_an_invalid_catalogue(minimal_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (minimal_copy / "departments.yml").write_text("- id: forestry\n  name: 林业局\n", encoding="utf-8")
    assert main(["export", "--catalogue", str(minimal_copy), "--format", "csv", "--out", str(tmp_path / "x.csv")]) == 1
    assert "未导出" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_history_words_typed_in_the_sheet_read_back(hostile: Path, tmp_path: Path) -> None:
    """A person who writes 恢复 (or 取消 …) in the 变更记录 sheet gets the action it names."""
    from openpyxl import load_workbook

    book = tmp_path / "export.xlsx"
    assert main(["export", "--catalogue", str(hostile), "--format", "xlsx", "--out", str(book)]) == 0
    wb = load_workbook(book)
    ws = wb["变更记录"]
    words = {"reinstated": "恢复", "cancelled": "取消", "added": "增加"}
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value in words:
                cell.value = words[cell.value]
    wb.save(book)
    target = tmp_path / "back"
    target.mkdir()
    shutil.copy(hostile / "catalogue.yml", target / "catalogue.yml")
    assert main(["import", str(book), "--into", str(target)]) == 0
    cat, _ = load(target)
    assert cat is not None
    assert [h.action for h in cat.item["T-001"].history] == ["added", "cancelled", "reinstated"]


def test_a_text_longer_than_an_excel_cell_is_refused_not_cut(minimal_copy: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    law = minimal_copy / "laws" / "forest-fire-regulation.yml"
    law.write_text(law.read_text(encoding="utf-8") + "  '21': " + "林" * 33000 + "\n", encoding="utf-8")
    out = tmp_path / "long.xlsx"
    assert main(["export", "--catalogue", str(minimal_copy), "--format", "xlsx", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "“条文”表第 3 行第 3 列" in err and "33000" in err and "32767" in err
    assert not out.exists()


def test_the_site_still_builds_with_such_a_text_and_its_download_says_what_was_cut(minimal_copy: Path, tmp_path: Path) -> None:
    from generator.build import build_site
    from generator.sheets.sheetxml import CELL_MAX, CUT_MARK

    law = minimal_copy / "laws" / "forest-fire-regulation.yml"
    law.write_text(law.read_text(encoding="utf-8") + "  '21': " + "林" * 33000 + "\n", encoding="utf-8")
    site = build_site(minimal_copy, tmp_path / "site")  # a valid catalogue: the download must not stop the site
    page = (site / "downloads" / "index.html").read_text(encoding="utf-8")
    assert "“条文”表第 3 行第 3 列的文字超过 Excel 一格的字数上限，已截断并注明，全文见 JSON 文件" in page
    ws = load_workbook(site / "downloads" / "qingdan.xlsx", read_only=True)["条文"]
    cell = [row for row in ws.iter_rows(values_only=True)][2][2]
    assert isinstance(cell, str) and len(cell) == CELL_MAX and cell.endswith(CUT_MARK) and cell.startswith("林" * 100)
    assert "林" * 33000 in (site / "downloads" / "qingdan.json").read_text(encoding="utf-8")
