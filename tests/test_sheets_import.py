"""``qingdan import`` of a county's own messy workbook, then ``import-law`` to finish the job."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from generator.citations import cn_number, parse_basis
from generator.cli import main
from generator.sheets.rows import split_list
from generator.validate import check

from .conftest import first_sheet

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "tests" / "data" / "laws"
HEADERS = ["序 号", "事项\n类别", "事项名称", "责任类型", "县级主管部门", "县级部门职责", "配合部门", "乡镇职责",
           "法律法规依据（文件名称及条款）", "追责情形", "备注", "填表人"]


def messy_workbook(path: Path) -> None:
    """What counties actually send: title rows, merged cells, sections, blank rows, full-width text."""
    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = "清单"
    ws.append(["测试县乡镇属地管理事项主体责任和配合责任清单"])
    ws.merge_cells("A1:L1")
    ws.append(["填报单位：测试县委编办", None, None, None, None, None, None, None, None, "2025年3月"])
    ws.append(HEADERS)
    ws.append(["一、应急管理（2项）"])
    ws.merge_cells("A4:L4")
    ws.append([1, "应急管理", " 森林防火 巡查 ", "基本履职", "县林业局",
               "1.指导乡镇开展森林防火工作；2.依法查处违法用火行为。", None,
               "（1）组织巡山护林；（2）发现火情立即报告。",
               "《中华人民共和国森林法》第三十四条、第三十五条；《森林防火条例》第二十条",
               "未按规定组织巡查，造成森林火灾的。", "乡镇负责属地巡查。", "张三"])
    ws.append([2, None, "地质灾害隐患巡查", "配合履职", "县自然资源局",
               "组织地质灾害隐患调查。", None, "协助开展隐患排查，及时报告险情。",
               "《地质灾害防治条例》第十五条第二款", None, None, None])
    ws.merge_cells("B5:B6")  # the category cell spans its block of rows
    ws.append([])
    ws.append(["二、城乡建设"])
    ws.merge_cells("A8:L8")
    ws.append(["３", "城乡建设", "农村违规建房劝阻", "主体责任", "县住房和城乡建设局",
               "【县住房和城乡建设局】指导农房建设管理。\n【县自然资源局】查处违法占地建房。", "县自然资源局",
               "日常巡查，发现违规建房及时劝阻并报告。", "《中华人民共和国城乡规划法》第六十五条", None, None, None])
    ws.append([4, "城乡建设", None, "主体责任", None, None, None, "只有职责没有名称", None, None, None, None])
    ws.append([5, "城乡建设", "乱倒垃圾", "某种责任", None, None, None, "巡查", None, None, None, None])
    ws.append([6, "城乡建设", "燃气安全检查", "配合责任", "县住房和城乡建设局", "负责城镇燃气监督管理。", "县市场监督管理局",
               "协助开展燃气安全检查。", "《城镇燃气管理条例》第五条", None, None, None])
    ws.append([None, None, None, None, None, None, "县消防救援大队", None, "《中华人民共和国消防法》第十六条", None, None, None])
    ws.merge_cells("A12:A13")
    ws.merge_cells("B12:B13")
    ws.merge_cells("C12:C13")
    ws.merge_cells("D12:D13")
    ws.append([7, "城乡建设", "林木采伐审批", "上级部门收回", "县林业局", "负责林木采伐审批。", None, None,
               "森林法第五十六条", None, None, None])
    ws.append(["注：本清单自发布之日起施行。"])
    ws.merge_cells("A15:L15")
    wb.save(path)


@pytest.fixture
def target(tmp_path: Path) -> Path:
    folder = tmp_path / "catalogue"
    folder.mkdir()
    shutil.copy(ROOT / "tests" / "data" / "valid" / "minimal" / "catalogue.yml", folder / "catalogue.yml")
    return folder


def test_numerals_and_citations() -> None:
    assert [cn_number(t) for t in ("一", "十", "十四", "三十四", "一百", "一百零二", "一百二十", "二百一十五", "34", "３４")] == \
        [1, 10, 14, 34, 100, 102, 120, 215, 34, 34]
    cites, left = parse_basis("《中华人民共和国森林法》第三十四条、第三十五条；《森林防火条例》第二十条")
    assert [(c.title, c.articles) for c in cites] == [("中华人民共和国森林法", ["34", "35"]), ("森林防火条例", ["20"])]
    assert left == ""
    cites, _ = parse_basis("《森林法》第三十四条第二款、第三款，第四十条至第四十二条；《消防法》第十五条之一")
    assert cites[0].articles == ["34.2", "34.3", "40", "41", "42"]
    assert cites[1].articles == ["15之1"]
    cites, _ = parse_basis("《 土地管理法 》 第 六十二条 第（三）项")
    assert (cites[0].title, cites[0].articles, cites[0].note) == ("土地管理法", ["62"], "第62条第（三）项")


def test_split_list() -> None:
    assert split_list("1.指导；2.查处。") == ["指导。", "查处。"]
    assert split_list("（1）组织巡山护林；（2）发现火情立即报告。") == ["组织巡山护林。", "发现火情立即报告。"]
    assert split_list("①巡查；②报告") == ["巡查。", "报告"]
    assert split_list("按1.5倍标准执行。") == ["按1.5倍标准执行。"]
    assert split_list("第一行\n\n第二行") == ["第一行", "第二行"]


def test_messy_sheet_import_then_import_law(tmp_path: Path, target: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "清单.xlsx"
    messy_workbook(book)
    code = main(["import", str(book), "--into", str(target), "--code-prefix", "CS", "--approval", "测编办〔2025〕9号"])
    out = capsys.readouterr().out
    assert code == 1, out  # cited articles have no text yet: the report says so
    assert "第 3 行为表头" in out
    assert "填表人" in out  # an unknown column is named
    assert "“清单”第 10 行 → 未导入：没有事项名称" in out
    assert "“清单”第 11 行 → 未导入：责任类型“某种责任”不认识" in out
    assert "“清单”第 13 行 → 并入 CS-006" in out
    assert "“清单”第 15 行 → 未导入：说明行“注：本清单自发布之日起施行。”" in out
    assert "《中华人民共和国森林法》（工作表“清单”第 5 行首次引用）缺少第 34、35、56 条的原文" in out and "qingdan import-law" in out
    assert "没有写明职责" not in out  # cooperating departments may be named without duties

    items = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (target / "items").rglob("*.yml")}
    assert sorted(items) == ["CS-001", "CS-002", "CS-003", "CS-006", "CS-007"]
    fire = items["CS-001"]
    assert fire["name"] == "森林防火巡查"
    # ids are looked up by name: readable pinyin with pypinyin installed, short hashes without
    cats = {c["name"]: c["id"] for c in yaml.safe_load((target / "categories.yml").read_text(encoding="utf-8"))}
    depts = {d["short"]: d["id"] for d in yaml.safe_load((target / "departments.yml").read_text(encoding="utf-8"))}
    laws = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))["title"] for p in (target / "laws").glob("*.yml")}
    law = {title.removeprefix("中华人民共和国"): rid for rid, title in laws.items()}
    assert fire["category"] == cats["应急管理"] and fire["responsibility"] == "lead"
    assert fire["township"]["duties"] == ["组织巡山护林。", "发现火情立即报告。"]
    assert fire["summary"] == "乡镇负责属地巡查。"
    assert fire["history"] == [{"date": __import__("datetime").date(2025, 3, 1), "action": "added", "approval": "测编办〔2025〕9号"}]
    assert [(b["law"], b.get("articles")) for b in fire["basis"]] == [(law["森林法"], ["34", "35"]), (law["森林防火条例"], ["20"])]
    assert items["CS-002"]["category"] == cats["应急管理"]  # from the merged category cell
    assert items["CS-002"]["basis"][0]["articles"] == ["15.2"]
    build = items["CS-003"]
    assert build["category"] == cats["城乡建设"]
    assert {d["department"]: d["duties"] for d in build["departments"]} == {
        depts["县住房和城乡建设局"]: ["指导农房建设管理。"], depts["县自然资源局"]: ["查处违法占地建房。"]}
    gas = items["CS-006"]  # two rows merged into one item
    assert [d["department"] for d in gas["departments"]] == [depts["县住房和城乡建设局"], depts["县市场监督管理局"], depts["县消防救援大队"]]
    assert [b["law"] for b in gas["basis"]] == [law["城镇燃气管理条例"], law["消防法"]]
    assert items["CS-007"]["responsibility"] == "returned"
    assert items["CS-007"]["basis"][0] == {"law": law["森林法"], "articles": ["56"]}  # 森林法 known without 《》

    departments = yaml.safe_load((target / "departments.yml").read_text(encoding="utf-8"))
    assert {"id": depts["县林业局"], "name": "测试县林业局", "level": "county", "short": "县林业局"} in departments
    # now the statutes' full text: one import-law of the folder fills each created law, found by its title
    assert main(["import-law", str(REFERENCE), "--into", str(target)]) == 0
    capsys.readouterr()
    cat, problems = check(target)
    left = [p.text() for p in problems if p.severity == "error"]
    # cooperating departments named without duties are valid data: nothing is left
    assert cat is not None and left == [], left
    assert cat.law[law["森林法"]].effective is not None and len(cat.law[law["森林法"]].articles) == 84


def test_reimport_keeps_ids_and_history(tmp_path: Path, target: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "清单.xlsx"
    messy_workbook(book)
    main(["import", str(book), "--into", str(target), "--code-prefix", "CS"])
    first = {p.relative_to(target): p.read_bytes() for p in target.rglob("*.yml")}
    capsys.readouterr()
    main(["import", str(book), "--into", str(target), "--code-prefix", "CS"])
    assert "未变 5 个" in capsys.readouterr().out
    assert {p.relative_to(target): p.read_bytes() for p in target.rglob("*.yml")} == first


def test_mapping_file_for_other_headers(tmp_path: Path, target: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = Workbook()
    ws = first_sheet(wb)
    ws.append(["履职清单"])
    ws.append(["No.", "工作事项", "职责属性", "主要工作内容", "办理依据"])
    ws.append([1, "秸秆禁烧巡查", "属地管理", "组织禁烧巡查。", "《中华人民共和国大气污染防治法》第七十七条"])
    book = tmp_path / "other.xlsx"
    wb.save(book)
    mapping = tmp_path / "map.yml"
    mapping.write_text("headers:\n  No.: 序号\n  工作事项: name\n  职责属性: kind\n  主要工作内容: 乡镇职责\n  办理依据: basis\n"
                       "responsibility:\n  属地管理: lead\n", encoding="utf-8")
    assert main(["import", str(book), "--into", str(target), "--code-prefix", "DQ", "--mapping", str(mapping)]) == 1
    out = capsys.readouterr().out
    assert "未分类" in out
    item = yaml.safe_load(next((target / "items").rglob("DQ-001.yml")).read_text(encoding="utf-8"))
    assert item["responsibility"] == "lead" and item["township"] == {"duties": ["组织禁烧巡查。"]}
    # the approval comes from catalogue.yml when --approval is not given
    assert item["history"][0]["approval"] == "测编办〔2025〕1号"


def test_usage_errors_are_sentences(tmp_path: Path, target: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "none.xlsx"), "--into", str(target)]) == 1
    assert "找不到文件" in capsys.readouterr().err
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    assert main(["import", str(bad), "--into", str(target)]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert str(bad) in line and "不是 .xlsx 文件" in line
    wb = Workbook()
    first_sheet(wb).append(["随便", "什么"])
    wb.save(tmp_path / "nohead.xlsx")
    assert main(["import", str(tmp_path / "nohead.xlsx"), "--into", str(target)]) == 1
    assert "没有找到表头行" in capsys.readouterr().err
    assert sorted(p.name for p in target.iterdir()) == ["catalogue.yml"]  # nothing written on failure
    assert main(["import", str(tmp_path / "nohead.xlsx"), "--into", str(tmp_path / "new")]) == 1
    assert "--county" in capsys.readouterr().err and not (tmp_path / "new").exists()


def test_two_row_header(tmp_path: Path, target: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """县级部门 over 主管部门 | 职责: a grouped header read as 县级主管部门 and 县级部门职责."""
    wb = Workbook()
    ws = first_sheet(wb)
    ws.append(["某某镇属地管理事项清单"])
    ws.merge_cells("A1:G1")
    ws.append(["序号", "事项类别", "事项名称", "责任类型", "县级部门", None, "乡镇职责"])
    ws.append([None, None, None, None, "主管部门", "职责", None])
    for col in "ABCDG":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("E2:F2")
    ws.append([1, "平安建设", "矛盾纠纷排查", "配合责任", "县司法局", "指导人民调解工作。", "组织村（社区）开展矛盾纠纷排查。"])
    book = tmp_path / "two.xlsx"
    wb.save(book)
    main(["import", str(book), "--into", str(target), "--code-prefix", "PA"])
    out = capsys.readouterr().out
    assert "第 2 行为表头" in out
    item = yaml.safe_load(next((target / "items").rglob("PA-001.yml")).read_text(encoding="utf-8"))
    [dept] = yaml.safe_load((target / "departments.yml").read_text(encoding="utf-8"))
    assert dept["name"] == "测试县司法局"
    assert item["departments"] == [{"department": dept["id"], "role": "lead", "duties": ["指导人民调解工作。"]}]
    assert item["township"] == {"duties": ["组织村（社区）开展矛盾纠纷排查。"]}
    assert item["responsibility"] == "support"


def test_ids_read_as_pinyin() -> None:
    from generator import ids

    taken: set[str] = set()
    assert ids.township_id("城关镇", taken) == "chengguan"
    assert ids.township_id("城关街道", taken) == "chengguan-2"  # stable and unique
    assert ids.department_id("测试县林业局", "测试县", set()) == "lyj"
    assert ids.department_id("县市场监督管理局", "测试县", set()) == "scjdglj"
    assert ids.category_id("应急管理", set()) == "yingjiguanli"
    assert ids.law_id_for("中华人民共和国森林法", set()) == "senlinfa"
    assert ids.law_id_for("中华人民共和国地方各级人民代表大会和地方各级人民政府组织法", set()) == "dfgjrmdbdhhdfgjrmzfzzf"


def test_ids_without_pinyin_are_stable_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import ids

    monkeypatch.setattr(ids, "lazy_pinyin", None)  # the optional dependency absent
    first = ids.category_id("应急管理", set())
    assert first == ids.category_id("应急管理", set()) and first.startswith("cat-")


def test_new_records_are_appended_and_comments_kept(tmp_path: Path, target: Path) -> None:
    (target / "departments.yml").write_text(
        "# 部门清单，按机构改革后名称\n- id: lyj\n  name: 测试县林业局  # 2019年更名\n  short: 县林业局\n  level: county\n", encoding="utf-8")
    (target / "townships.yml").write_text("[]\n", encoding="utf-8")
    (target / "categories.yml").write_text("[{id: pajs, name: 平安建设}]\n", encoding="utf-8")
    book = tmp_path / "清单.xlsx"
    messy_workbook(book)
    main(["import", str(book), "--into", str(target), "--code-prefix", "CS"])
    text = (target / "departments.yml").read_text(encoding="utf-8")
    assert text.startswith("# 部门清单，按机构改革后名称\n- id: lyj\n  name: 测试县林业局  # 2019年更名\n")
    departments = yaml.safe_load(text)
    assert [d["id"] for d in departments].count("lyj") == 1  # 县林业局 matched, not made again
    assert len(departments) == 5
    categories = yaml.safe_load((target / "categories.yml").read_text(encoding="utf-8"))
    assert categories[0] == {"id": "pajs", "name": "平安建设"} and len(categories) == 3
