"""交办事项 (事项准入): the assignments/ format, its checks, pages, open data and review policy."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from generator.problems import errors
from generator.validate import check

from .conftest import MINIMAL
from .gitrepo import Repo, run
from .site_helpers import parse

TODAY = date.today()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def assignment_yaml(aid: str, *, start: int = -30, end: int | None = 60, approved: int = -40, kind: str = "阶段性",
                    townships: str = "[chengguan]", department: str = "forestry", extra: str = "") -> str:
    """An assignment file with dates relative to today, so that "current" and "ended" stay true."""
    end_line = f"\n  end: {day(end)}" if end is not None else ""
    return (
        f"id: {aid}\ntitle: 测试交办事项{aid}\nkind: {kind}\ndepartment: {department}\n"
        f"approval:\n  document: 测编办〔2026〕1号\n  date: {day(approved)}\n"
        f"period:\n  start: {day(start)}{end_line}\n"
        f"townships: {townships}\nduties:\n- 组织巡山护林。\n"
        "support:\n  funding: 县林业局拨付专项经费。\n  training: 开展一次培训。\n"
        "item: T-001\n" + extra
    )


def with_assignments(root: Path, **files: str) -> Path:
    (root / "assignments").mkdir(exist_ok=True)
    for aid, text in files.items():
        (root / "assignments" / f"{aid}.yml").write_text(text, encoding="utf-8")
    return root


def problems_of(root: Path) -> list[tuple[str, int | None, str, str]]:
    _, problems = check(root)
    return [(p.file, p.line, p.key, p.code) for p in problems]


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_valid_assignments_pass(minimal_copy: Path) -> None:
    with_assignments(minimal_copy, current=assignment_yaml("current"), ended=assignment_yaml("ended", start=-200, end=-10, approved=-210))
    cat, problems = check(minimal_copy)
    assert cat is not None and not problems, problems
    assert [a.id for a in cat.assignments] == ["current", "ended"]
    assert cat.assignment["ended"].is_over(TODAY) and not cat.assignment["current"].is_over(TODAY)


EXTEND_LATE = f"extensions:\n- date: {day(-5)}\n  approval: 测编办〔2026〕7号\n  end: {day(90)}\n"
EXTEND_SHORT = f"extensions:\n- date: {day(-5)}\n  approval: 测编办〔2026〕7号\n  end: {day(30)}\n"
CASES = [
    # (name, file text, expected code, the text of the line the problem must name)
    ("no approval", assignment_yaml("x").replace("approval:\n  document: 测编办〔2026〕1号\n  date: " + day(-40) + "\n", ""),
     "missing-key", "id: x"),
    ("starts before approval", assignment_yaml("x", start=-50, approved=-40), "assignment-before-approval", "start:"),
    ("phased without end", assignment_yaml("x", end=None), "assignment-no-end", "start:"),
    ("end before start", assignment_yaml("x", start=-5, end=-20, approved=-40), "assignment-end-before-start", "end:"),
    ("bad date", assignment_yaml("x").replace(f"start: {day(-30)}", "start: 2026-02-30"), "bad-date", "start: 2026-02-30"),
    ("unknown department", assignment_yaml("x", department="nowhere"), "unknown-department", "department: nowhere"),
    ("unknown township", assignment_yaml("x", townships="[chengguan, atlantis]"), "unknown-township", "townships:"),
    ("unknown item", assignment_yaml("x").replace("item: T-001", "item: T-999"), "unknown-item", "item: T-999"),
    ("unknown law", assignment_yaml("x", extra="basis:\n- law: no-such-law\n"), "unknown-law", "- law: no-such-law"),
    ("file name differs", assignment_yaml("other"), "assignment-file-mismatch", "id: other"),
    ("extension after the end", assignment_yaml("x", start=-100, end=-20, approved=-110, extra=EXTEND_LATE),
     "extension-after-end", f"- date: {day(-5)}"),
    ("extension not later", assignment_yaml("x", extra=EXTEND_SHORT), "extension-not-later", f"  end: {day(30)}"),
]


@pytest.mark.parametrize(("name", "text", "code", "line_text"), CASES, ids=[c[0] for c in CASES])
def test_rule_names_file_line_and_key(minimal_copy: Path, name: str, text: str, code: str, line_text: str) -> None:
    with_assignments(minimal_copy, x=text)
    found = [p for p in problems_of(minimal_copy) if p[3] == code]
    assert found, problems_of(minimal_copy)
    file, line, _, _ = found[0]
    assert file == "assignments/x.yml"
    assert line == line_of(minimal_copy / file, line_text)


def test_township_office_cannot_assign(minimal_copy: Path) -> None:
    with (minimal_copy / "departments.yml").open("a", encoding="utf-8") as f:
        f.write("- id: town-office\n  name: 乡镇综合办\n  level: township\n")
    with_assignments(minimal_copy, x=assignment_yaml("x", department="town-office"))
    assert ("assignments/x.yml", 4, "department", "assignment-not-county") in problems_of(minimal_copy)


def test_no_support_is_a_warning(minimal_copy: Path) -> None:
    text = assignment_yaml("x").replace("support:\n  funding: 县林业局拨付专项经费。\n  training: 开展一次培训。\n", "support: {}\n")
    with_assignments(minimal_copy, x=text)
    _, problems = check(minimal_copy)
    assert [p.code for p in problems] == ["assignment-no-support"] and not errors(problems)


def test_editor_schema_refuses_an_assignment_without_approval() -> None:
    import jsonschema

    root = Path(__file__).resolve().parent.parent
    schema = json.loads((root / "generator" / "schema" / "assignment.schema.json").read_text(encoding="utf-8"))
    assert "approval" in schema["required"]
    with pytest.raises(jsonschema.ValidationError, match="approval"):
        jsonschema.validate({"id": "x", "title": "无批准", "kind": "阶段性", "department": "water", "period": {"start": "2026-01-01"},
                             "duties": ["值守"], "support": {}}, schema)


# ------------------------------------------------------------------ pages and data


@pytest.fixture(scope="module")
def assignment_site(tmp_path_factory: pytest.TempPathFactory, build_site_of: Callable[[Path], Path]) -> Path:
    root = tmp_path_factory.mktemp("assign") / "catalogue"
    shutil.copytree(MINIMAL, root)
    with_assignments(
        root,
        **{"now-a": assignment_yaml("now-a", townships="[chengguan]"),
           "now-b": assignment_yaml("now-b", townships="all", kind="区域性", end=None,
                                    extra=""),
           "gone": assignment_yaml("gone", start=-200, end=-10, approved=-210, townships="[shanxi]")},
    )
    return build_site_of(root)


def test_pages_list_current_then_ended(assignment_site: Path) -> None:
    index = parse(assignment_site / "assignments" / "index.html").visible
    assert "现行交办事项（2 项）" in index and "已结束的交办事项（1 项）" in index
    assert index.index("测试交办事项now-a") < index.index("已结束的交办事项") < index.index("测试交办事项gone")
    gone = parse(assignment_site / "assignments" / "gone" / "index.html").visible
    assert "本交办事项已到期" in gone and "期满结束" in gone
    now = parse(assignment_site / "assignments" / "now-a" / "index.html").visible
    assert "执行中" in now and "已到期" not in now
    assert "经费 县林业局拨付专项经费。" in now and "培训 开展一次培训。" in now and "测编办〔2026〕1号" in now


def test_township_home_and_item_pages_show_assignments(assignment_site: Path) -> None:
    chengguan = parse(assignment_site / "townships" / "chengguan" / "index.html").visible
    assert "测试交办事项now-a" in chengguan and "测试交办事项now-b" in chengguan and "测试交办事项gone" not in chengguan
    shanxi = parse(assignment_site / "townships" / "shanxi" / "index.html").visible
    assert "测试交办事项now-b" in shanxi and "测试交办事项gone" not in shanxi  # ended: only on its own page and the list
    home = parse(assignment_site / "index.html").visible
    assert "现行 2 项" in home
    item = parse(assignment_site / "items" / "T-001" / "index.html")
    assert "相关交办事项" in item.visible and "../../assignments/gone/" in item.links()


def test_change_log_feed_and_data(assignment_site: Path) -> None:
    log = parse(assignment_site / "changes" / "index.html").visible
    assert "准入交办 测试交办事项now-a" in log and "结束 测试交办事项gone" in log
    feed = (assignment_site / "feed.xml").read_text(encoding="utf-8")
    assert "交办事项结束：测试交办事项gone" in feed and "assignments/gone/" in feed
    record = json.loads((assignment_site / "assignments" / "gone.json").read_text(encoding="utf-8"))
    assert record["id"] == "gone" and record["end"] == day(-10) and record["approval"]["document"] == "测编办〔2026〕1号"
    whole = json.loads((assignment_site / "downloads" / "qingdan.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in whole["assignments"]] == ["gone", "now-a", "now-b"]
    import jsonschema

    jsonschema.validate(whole, json.loads((assignment_site / "downloads" / "qingdan.schema.json").read_text(encoding="utf-8")))


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_filter_by_township_in_chromium(assignment_site: Path, serve, page, width: int) -> None:  # type: ignore[no-untyped-def]
    base = serve(assignment_site)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base + "assignments/")
    rows = page.locator(".qd-assignment-table tbody tr")
    assert rows.count() == 3
    page.select_option("select[name=township]", "shanxi")
    visible = [t for t in rows.all_inner_texts() if t]
    shown = page.locator(".qd-assignment-table tbody tr:not([hidden])")
    assert sorted(shown.all_inner_texts()) == sorted(t for t in visible if "now-b" in t or "gone" in t)
    assert page.locator("output[name=count]").inner_text() == "显示 2 / 3 项"
    page.goto(base + "assignments/gone/")
    banner = page.locator(".qd-banner--ended")
    assert banner.is_visible() and "已到期" in banner.inner_text()
    assert page.locator(".qd-state").inner_text() == "已到期"
    box = page.locator("h1").bounding_box()
    assert box is not None and box["x"] + box["width"] <= width  # the title fits the screen


# ------------------------------------------------------------------ policy in review


def committed(tmp_path: Path, **files: str) -> Repo:
    repo = Repo(tmp_path / "repo")
    with_assignments(repo.cat, **files)
    repo.commit("assignments")
    return repo


def policy(repo: Repo, monkeypatch, capsys) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    code, out, _ = run(monkeypatch, capsys, repo.root, "check", "catalogue", "--against", "HEAD:catalogue", "--format", "json")
    problems: list[dict[str, Any]] = json.loads(out)
    assert code == (1 if errors_in(problems) else 0)
    return problems


def errors_in(problems: list[dict[str, Any]]) -> bool:
    return any(p["severity"] == "error" for p in problems)


def codes(problems: list[dict[str, Any]]) -> list[str]:
    return [p["code"] for p in problems]


def test_policy_added_without_approval_document(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo = committed(tmp_path)
    with_assignments(repo.cat, x=assignment_yaml("x").replace("测编办〔2026〕1号", "待定"))
    problems = policy(repo, monkeypatch, capsys)
    assert codes(problems) == ["assignment-no-approval"]
    assert problems[0]["line"] == line_of(repo.path("assignments/x.yml"), "document: 待定")


def test_policy_end_pushed_later_without_approval(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo = committed(tmp_path, x=assignment_yaml("x"))
    repo.edit("assignments/x.yml", f"end: {day(60)}", f"end: {day(120)}")
    assert codes(policy(repo, monkeypatch, capsys)) == ["assignment-extended-without-approval"]


def test_policy_approved_extension_passes(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo = committed(tmp_path, x=assignment_yaml("x"))
    repo.append("assignments/x.yml", f"extensions:\n- date: {day(0)}\n  approval: 测编办〔2026〕9号\n  end: {day(120)}\n")
    assert policy(repo, monkeypatch, capsys) == []


def test_policy_ended_assignment_kept_current(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo = committed(tmp_path, x=assignment_yaml("x", start=-200, end=-10, approved=-210))
    repo.edit("assignments/x.yml", f"\n  end: {day(-10)}", f"\n  end: {day(30)}")
    assert codes(policy(repo, monkeypatch, capsys)) == ["assignment-ended-kept-current"]


def test_policy_deleted_or_rewritten(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo = committed(tmp_path, x=assignment_yaml("x"), y=assignment_yaml("y"))
    repo.path("assignments/y.yml").unlink()
    repo.edit("assignments/x.yml", "测编办〔2026〕1号", "测编办〔2026〕2号")
    assert sorted(codes(policy(repo, monkeypatch, capsys))) == ["assignment-history-rewritten", "assignment-vanished"]


# ------------------------------------------------------------------ a county's 交办事项 sheet and the round trip


def county_workbook(path: Path) -> None:
    """A county workbook with its list and a 交办事项 sheet in the county's own words."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "基本履职事项"
    ws.append(["序号", "一级类别", "事项名称", "乡镇（街道）职责"])
    ws.append([1, "应急管理", "防汛抗旱", "组织防汛值守。"])
    ws = wb.create_sheet("交办事项")
    ws.append(["测试县交办事项清单"])
    ws.append(["序号", "交办事项", "交办部门", "批准文件", "批准日期", "交办期限", "承接乡镇", "乡镇承担工作", "保障措施"])
    ws.append([1, "2026年汛期沿河巡堤值守", "县水利局", "测编办〔2026〕5号", "2026年5月20日", "2026年6月1日至2026年9月30日",
               "城关镇、山溪乡", "落实汛期值守。\n组织巡堤查险。", "经费：县财政安排专项经费。\n培训：汛前培训一次。"])
    ws.append([2, "文明创建入户宣传", "县林业局", "待定", "2026年3月1日", "2026年3月1日至2026年12月31日", "城关镇", "入户宣传。", None])
    ws.append(["注：交办事项须经县委编办准入审核。"])
    wb.save(path)


def test_county_assignment_sheet_every_row_accounted_for(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.cli import main

    from .test_sheets_shapes import fates

    target = tmp_path / "target"
    shutil.copytree(MINIMAL, target)
    book = tmp_path / "清单.xlsx"
    county_workbook(book)
    main(["import", str(book), "--into", str(target)])
    out = capsys.readouterr().out
    got = {k: v for k, v in fates(out).items() if k[0] == "交办事项"}
    assert got == {
        ("交办事项", 1): "未导入：表头上方的标题行“测试县交办事项清单”",
        ("交办事项", 2): "未导入：表头行",
        ("交办事项", 3): next(v for v in got.values() if "汛期沿河巡堤值守" in v),
        ("交办事项", 4): "未导入：没有批准文件：未经准入批准的交办事项不导入（事项准入），请取得批准后补上文号",
        ("交办事项", 5): "未导入：说明行“注：交办事项须经县委编办准入审核。”",
    }, out
    files = list((target / "assignments").glob("*.yml"))
    assert len(files) == 1 and got[("交办事项", 3)].startswith(files[0].stem + "（")
    cat, problems = check(target)
    assert cat is not None and not errors(problems), problems
    a = cat.assignments[0]
    expected = ("测编办〔2026〕5号", date(2026, 5, 20), date(2026, 6, 1), date(2026, 9, 30))
    assert (a.approval.document, a.approval.date, a.period.start, a.period.end) == expected
    assert a.townships == ["chengguan", "shanxi"] and a.duties == ["落实汛期值守。", "组织巡堤查险。"]
    assert (a.support.funding, a.support.training, a.kind) == ("经费：县财政安排专项经费。", "培训：汛前培训一次。", "阶段性")
    assert cat.department[a.department].name.endswith("水利局")


def test_export_import_round_trip_keeps_every_assignment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.cli import main

    source = tmp_path / "source"
    shutil.copytree(MINIMAL, source)
    with_assignments(source, ended=assignment_yaml("ended", start=-200, end=-10, approved=-210, townships="all",
                                                   extra=f"basis:\n- law: forest-fire-regulation\n  articles: ['20']\n  note: 巡查依据\n"
                                                         f"extensions:\n- date: {day(-100)}\n  approval: 测编办〔2026〕3号\n  end: {day(-10)}\n"
                                                         "  note: 延长防火期\n"),
                     early=assignment_yaml("early", extra=f"ended:\n  date: {day(-1)}\n  approval: 测编办〔2026〕4号\n  note: 任务完成\n"))
    (source / "assignments" / "ended.yml").write_text(
        (source / "assignments" / "ended.yml").read_text(encoding="utf-8").replace(f"  end: {day(-10)}\n", f"  end: {day(-50)}\n", 1),
        encoding="utf-8")
    before, problems = check(source)
    assert before is not None and not errors(problems), problems
    book = tmp_path / "export.xlsx"
    assert main(["export", "--catalogue", str(source), "--format", "xlsx", "--out", str(book)]) == 0
    back = tmp_path / "back"
    back.mkdir()
    shutil.copy(source / "catalogue.yml", back / "catalogue.yml")
    assert main(["import", str(book), "--into", str(back)]) == 0, capsys.readouterr().out
    after, problems = check(back)
    assert after is not None and not errors(problems), problems
    assert after.assignments == before.assignments
