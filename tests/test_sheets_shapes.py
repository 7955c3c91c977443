"""Every workbook shape counties publish imports in one command, and every row's fate is in the report."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from generator.cli import main
from generator.validate import check

from .conftest import first_sheet

ROOT = Path(__file__).resolve().parent.parent
MINIMAL_IDENTITY = ROOT / "tests" / "data" / "valid" / "minimal" / "catalogue.yml"


@pytest.fixture
def target(tmp_path: Path) -> Path:
    folder = tmp_path / "target"
    folder.mkdir()
    shutil.copy(MINIMAL_IDENTITY, folder / "catalogue.yml")
    return folder


def items_of(target: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (target / "items").rglob("*.yml")}


def fates(out: str) -> dict[tuple[str, int], str]:
    """(sheet, row) -> what the report says became of it; ranges are expanded."""
    found: dict[tuple[str, int], str] = {}
    for m in re.finditer(r"^  “(.+?)”第 (\d+)(?:–(\d+))? 行 → (.+)$", out, re.MULTILINE):
        for r in range(int(m.group(2)), int(m.group(3) or m.group(2)) + 1):
            found[(m.group(1), r)] = m.group(4)
    return found


def national_2024(path: Path) -> None:
    """The 2024 national format: one sheet per list, no 责任类型 column, 序号 restarting at 1 on each."""
    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = "基本履职事项"
    ws.append(["测试镇基本履职事项清单"])
    ws.merge_cells("A1:F1")
    ws.append(["序号", "一级类别", "二级类别", "事项名称", "乡镇（街道）职责", "法律法规依据"])
    ws.append([1, "党的建设", "组织建设", "加强基层党组织建设", "1.落实党建工作责任制；2.指导村党组织换届。", None])
    ws.append([2, "平安法治", "矛盾纠纷化解", "组织开展矛盾纠纷排查调处", "组织排查矛盾纠纷。", None])
    ws.append([3, "平安法治", None, "开展普法宣传", "组织普法宣传活动。", None])
    ws.append(["注：本清单由县委编办负责解释。"])
    ws.merge_cells("A6:F6")
    ws = wb.create_sheet("配合履职事项")
    ws.append(["序号", "事项名称", "对应上级部门", "上级部门职责", "乡镇配合职责"])
    ws.append([1, "森林防火", "县林业局", "指导森林防火工作。", "组织巡山护林。"])
    ws.append([2, "燃气安全检查", "县住房和城乡建设局", "负责燃气监督管理。", "协助开展燃气安全检查。"])
    ws = wb.create_sheet("上级部门收回事项")
    ws.append(["序号", "事项名称", "承接部门", "工作方式"])
    ws.append([1, "林木采伐许可", "县林业局", "群众向县林业局申请，乡镇做好政策宣传。"])
    ws = wb.create_sheet("填表说明")
    ws.append(["本表根据省委编办要求填写。"])
    wb.save(path)


def test_national_2024_workbook_every_sheet_and_row(tmp_path: Path, target: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "清单.xlsx"
    national_2024(book)
    assert main(["import", str(book), "--into", str(target), "--code-prefix", "SX"]) == 0
    out = capsys.readouterr().out
    got = fates(out)
    assert got == {
        ("基本履职事项", 1): "未导入：表头上方的标题行“测试镇基本履职事项清单”",
        ("基本履职事项", 2): "未导入：表头行",
        ("基本履职事项", 3): "SX-JB-001（加强基层党组织建设）",
        ("基本履职事项", 4): "SX-JB-002（组织开展矛盾纠纷排查调处）",
        ("基本履职事项", 5): "SX-JB-003（开展普法宣传）",
        ("基本履职事项", 6): "未导入：说明行“注：本清单由县委编办负责解释。”",
        ("配合履职事项", 1): "未导入：表头行",
        ("配合履职事项", 2): "SX-PH-001（森林防火）",
        ("配合履职事项", 3): "SX-PH-002（燃气安全检查）",
        ("上级部门收回事项", 1): "未导入：表头行",
        ("上级部门收回事项", 2): "SX-SH-001（林木采伐许可）",
        ("填表说明", 1): "未导入：所在工作表没有表头行",
    }, out
    items = items_of(target)
    assert sorted(items) == ["SX-JB-001", "SX-JB-002", "SX-JB-003", "SX-PH-001", "SX-PH-002", "SX-SH-001"]
    assert [items[c]["responsibility"] for c in ("SX-JB-001", "SX-PH-001", "SX-SH-001")] == ["lead", "support", "returned"]
    categories = {c["id"]: c for c in yaml.safe_load((target / "categories.yml").read_text(encoding="utf-8"))}
    # 二级类别 is the category, 一级类别 its group; without a 二级类别 the 一级类别 is the category
    assert categories[items["SX-JB-001"]["category"]] == {"id": items["SX-JB-001"]["category"], "name": "组织建设", "group": "党的建设"}
    assert categories[items["SX-JB-003"]["category"]]["name"] == "平安法治"
    departments = {d["id"]: d["name"] for d in yaml.safe_load((target / "departments.yml").read_text(encoding="utf-8"))}
    fire = items["SX-PH-001"]
    assert [(departments[d["department"]], d["role"], d["duties"]) for d in fire["departments"]] == [("测试县林业局", "lead", ["指导森林防火工作。"])]
    assert fire["township"] == {"duties": ["组织巡山护林。"]}
    returned = items["SX-SH-001"]
    assert returned["working_method"] == "群众向县林业局申请，乡镇做好政策宣传。"
    assert [departments[d["department"]] for d in returned["departments"]] == ["测试县林业局"]
    cat, problems = check(target)
    assert cat is not None and not [p for p in problems if p.severity == "error"]


def shudi_list(path: Path) -> None:
    """A 属地 list: two-row merged header with √ columns, category rows, an item over two merged rows, 注 rows."""
    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = "属地管理事项清单"
    ws.append(["测试县乡镇属地管理事项主体责任和配合责任清单"])
    ws.merge_cells("A1:H1")
    ws.append(["序号", "事项名称", "县级部门", None, "责任类型", None, "乡镇职责", "依据"])
    ws.append([None, None, "主管部门", "县级部门职责", "主体责任", "配合责任", None, None])
    for col in "ABGH":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("C2:D2")
    ws.merge_cells("E2:F2")
    ws.append(["一、自然资源（3项）"])  # row 4
    ws.merge_cells("A4:H4")
    ws.append([1, "违法占地巡查", "县自然资源局", "查处违法占地。", "√", None, "日常巡查，发现及时报告。", None])
    ws.append([2, "地质灾害隐患巡查", "县自然资源局", "组织隐患调查。", None, "√", "协助排查隐患。", None])
    ws.append([None, None, "县应急管理局", "指导应急处置。", None, None, "组织群众转移避险。", None])  # row 7: item 2 continues
    for col in "ABEF":
        ws.merge_cells(f"{col}6:{col}7")
    ws.append([3, "矿产资源保护", "县自然资源局", "查处非法采矿。", "√", None, "发现非法采矿及时报告。", None])
    ws.append(["二、林业（2项）"])  # row 9
    ws.merge_cells("A9:H9")
    ws.append([4, "森林防火", "县林业局", "指导森林防火。", None, "√", "组织巡山护林。", None])
    ws.append([5, "古树名木保护", "县林业局", "负责古树名木保护。", "√", None, "日常看护。", None])
    ws.append(["注：1.“√”表示该事项的责任类型。"])  # row 12
    ws.merge_cells("A12:H12")
    ws.append(["2.本清单实行动态管理。"])  # row 13
    ws.merge_cells("A13:H13")
    wb.save(path)


def test_shudi_list_with_merged_header_and_marks(tmp_path: Path, target: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "属地.xlsx"
    shudi_list(book)
    main(["import", str(book), "--into", str(target), "--code-prefix", "SD"])
    out = capsys.readouterr().out
    got = fates(out)
    sheet = "属地管理事项清单"
    assert {r: got[(sheet, r)].split("（")[0] for r in (5, 6, 7, 8, 10, 11)} == {
        5: "SD-001", 6: "SD-002", 7: "并入 SD-002", 8: "SD-003", 10: "SD-004", 11: "SD-005"}
    assert got[(sheet, 4)].startswith("未导入：分类行“自然资源”") and got[(sheet, 9)].startswith("未导入：分类行“林业”")
    assert got[(sheet, 12)].startswith("未导入：说明行“注：") and got[(sheet, 13)].startswith("未导入：说明行")
    assert set(got) == {(sheet, r) for r in range(1, 14)}  # every row with text is accounted for
    items = items_of(target)
    assert [items[f"SD-00{n}"]["responsibility"] for n in range(1, 6)] == ["lead", "support", "lead", "support", "lead"]
    quake = items["SD-002"]
    assert [d["duties"] for d in quake["departments"]] == [["组织隐患调查。"], ["指导应急处置。"]]  # 县级部门职责 is duties, not a department
    assert quake["township"]["duties"] == ["协助排查隐患。", "组织群众转移避险。"]
    cats = {c["id"]: c["name"] for c in yaml.safe_load((target / "categories.yml").read_text(encoding="utf-8"))}
    assert cats[items["SD-001"]["category"]] == "自然资源" and cats[items["SD-005"]["category"]] == "林业"


def test_restarted_numbers_never_overwrite(tmp_path: Path, target: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two lists imported one after the other, both numbered from 1: distinct codes; a real clash is reported."""
    for title, name, header in (("基本履职事项", "加强基层党组织建设", "乡镇职责"), ("配合履职事项", "森林防火", "乡镇配合职责")):
        wb = Workbook()
        first_sheet(wb).title = title
        first_sheet(wb).append(["序号", "事项名称", header, "对应上级部门"])
        first_sheet(wb).append([1, name, "组织开展。", "县林业局"])
        wb.save(tmp_path / f"{title}.xlsx")
        main(["import", str(tmp_path / f"{title}.xlsx"), "--into", str(target), "--code-prefix", "SX"])
    capsys.readouterr()
    assert {c: i["name"] for c, i in items_of(target).items()} == {"SX-JB-001": "加强基层党组织建设", "SX-PH-001": "森林防火"}
    # a one-sheet list (one numbering, 责任类型 column) whose item 1 is not the existing SX-001
    wb = Workbook()
    first_sheet(wb).append(["序号", "事项名称", "责任类型", "乡镇职责"])
    first_sheet(wb).append([1, "秸秆禁烧", "主体责任", "组织巡查。"])
    wb.save(tmp_path / "a.xlsx")
    main(["import", str(tmp_path / "a.xlsx"), "--into", str(target), "--code-prefix", "SX"])
    first_sheet(wb)["B2"] = "河道保洁"
    wb.save(tmp_path / "b.xlsx")
    before = {p: p.read_bytes() for p in target.rglob("*.yml")}
    assert main(["import", str(tmp_path / "b.xlsx"), "--into", str(target), "--code-prefix", "SX"]) == 1
    out = capsys.readouterr().out
    assert "自动编码“SX-001”已是另一个事项“秸秆禁烧”" in out and "需要人工决定" in out and "事项编码" in out
    assert {p: p.read_bytes() for p in target.rglob("*.yml")} == before


def test_continuation_of_a_rejected_row_is_not_attached_above(tmp_path: Path, target: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = Workbook()
    ws = first_sheet(wb)
    ws.append(["序号", "事项名称", "责任类型", "县级主管部门", "乡镇职责"])
    ws.append([1, "森林防火", "主体责任", "县林业局", "巡山护林。"])
    ws.append([2, "燃气安全", "待定", "县住房和城乡建设局", "协助检查。"])
    ws.append([None, None, None, "县市场监督管理局", "宣传。"])
    for col in "ABC":
        ws.merge_cells(f"{col}3:{col}4")
    wb.save(tmp_path / "x.xlsx")
    main(["import", str(tmp_path / "x.xlsx"), "--into", str(target), "--code-prefix", "T"])
    got = fates(capsys.readouterr().out)
    assert got[("Sheet", 3)].startswith("未导入：责任类型“待定”不认识")
    assert got[("Sheet", 4)] == "未导入：是第 3 行的续行，第 3 行未导入"
    fire = items_of(target)["T-001"]
    assert len(fire["departments"]) == 1 and fire["township"]["duties"] == ["巡山护林。"]


def test_dry_run_reports_and_writes_nothing(tmp_path: Path, target: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "清单.xlsx"
    national_2024(book)
    assert main(["import", str(book), "--into", str(target), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "“配合履职事项”第 2 行 → SX-PH-001（森林防火）" in out and "没有写入任何文件" in out
    assert sorted(p.name for p in target.iterdir()) == ["catalogue.yml"]


def test_department_written_two_ways_is_a_decision(tmp_path: Path, target: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = Workbook()
    ws = first_sheet(wb)
    ws.append(["序号", "事项名称", "责任类型", "县级主管部门", "县级部门职责", "乡镇职责"])
    ws.append([1, "食品安全", "配合责任", "县市场监督管理局", "监督检查。", "协助检查。"])
    ws.append([2, "特种设备", "配合责任", "县市场监管局", "监督检查。", "协助检查。"])
    wb.save(tmp_path / "x.xlsx")
    assert main(["import", str(tmp_path / "x.xlsx"), "--into", str(target)]) == 1
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if "可能是同一个部门" in line]
    assert "工作表“Sheet”第 3 行" in line and "县市场监管局" in line and "县市场监督管理局" in line and "short:" in line


def test_three_commands_from_workbook_and_statutes_to_a_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The documented path for a 编办 new to all this: import, import-law, build; no file written by hand."""
    book = tmp_path / "清单.xlsx"
    national_2024(book)
    wb = __import__("openpyxl").load_workbook(book)
    wb["基本履职事项"]["F3"] = "《中华人民共和国消防法》第十六条"
    wb.save(book)
    statutes = tmp_path / "法规"
    statutes.mkdir()
    shutil.copy(next((ROOT / "tests" / "data" / "laws").glob("消防法(*).md")), statutes)
    folder, site = tmp_path / "我的清单", tmp_path / "网站"
    assert main(["import", str(book), "--into", str(folder), "--county", "测试县"]) == 1  # the statute's text is still missing
    out = capsys.readouterr().out
    assert "catalogue.yml：" in out and "已新建" in out and "缺少第 16 条的原文" in out and "import-law" in out
    assert main(["import-law", str(statutes), "--into", str(folder)]) == 0
    assert main(["build", "--catalogue", str(folder), "--out", str(site), "--quiet"]) == 0
    page = (site / "items" / "SX-SH-001" / "index.html").read_text(encoding="utf-8")
    assert "林木采伐许可" in page and "群众向县林业局申请，乡镇做好政策宣传。" in page
    assert "第十六条" in (site / "items" / "SX-JB-001" / "index.html").read_text(encoding="utf-8")


def test_export_workbook_detail_rows_without_their_item_are_named(minimal_copy: Path, tmp_path: Path, target: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "导出.xlsx"
    assert main(["export", "--catalogue", str(minimal_copy), "--format", "xlsx", "--out", str(book)]) == 0
    wb = __import__("openpyxl").load_workbook(book)
    first = wb["事项"]["B2"].value
    wb["事项"].delete_rows(2)
    wb.save(book)
    capsys.readouterr()
    main(["import", str(book), "--into", str(target)])
    out = capsys.readouterr().out
    assert f"部门职责表第 2 行：事项编码“{first}”不在事项表中，未导入" in out
    assert first not in items_of(target)


def test_section_rows_name_the_list(tmp_path: Path, target: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One sheet, two lists under 一、基本履职事项 / 二、配合履职事项, 序号 restarting: kinds and codes from the sections."""
    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = "清单"
    ws.append(["序号", "事项名称", "县级部门", "乡镇职责", "法律法规依据"])
    ws.append(["一、基本履职事项（1项）"])
    ws.append([1, "河道保洁", None, "组织保洁。", "《森林法》第一条"])
    ws.append(["二、配合履职事项（1项）"])
    ws.append([1, "森林防火", "县林业局", "组织巡山。", None])
    wb.save(tmp_path / "x.xlsx")
    main(["import", str(tmp_path / "x.xlsx"), "--into", str(target), "--code-prefix", "S"])
    got = fates(capsys.readouterr().out)
    assert got[("清单", 2)].startswith("未导入：分部标题行“基本履职事项”") and got[("清单", 3)] == "S-JB-001（河道保洁）"
    assert got[("清单", 5)] == "S-PH-001（森林防火）"
    items = items_of(target)
    assert (items["S-JB-001"]["responsibility"], items["S-PH-001"]["responsibility"]) == ("lead", "support")
    # the statute's text then fills 《森林法》 and gives it its official title
    statute = next((ROOT / "tests" / "data" / "laws").glob("森林法(*).md"))
    assert main(["import-law", str(statute), "--into", str(target)]) == 0
    [law] = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (target / "laws").glob("*.yml")]
    assert (law["title"], law["short"], len(law["articles"])) == ("中华人民共和国森林法", "森林法", 84)
