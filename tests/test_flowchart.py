"""Flowchart markup (what the page gets) and the workflow rules of ``qingdan check``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from generator.flowchart.svg import draw
from generator.model import Branch, Catalogue, Step
from generator.validate import check

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal"
SAMPLE = ROOT / "catalogue"
GOLDEN = ROOT / "tests" / "golden" / "flowchart-T-001.html"
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> & \"双引号\" 'single' {{ 7*7 }} [x](javascript:alert(1)) *em* `code`"


def _cat(folder: Path = MINIMAL) -> Catalogue:
    cat, problems = check(folder)
    assert cat is not None, problems
    return cat


def _parse(markup: str) -> ET.Element:
    """The markup must be well-formed XML (it is HTML and SVG at once); SVG elements get their namespace."""
    return ET.fromstring(markup.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" '))


def _chart(root: ET.Element) -> ET.Element:
    charts = [e for e in root.iter(f"{SVG}svg") if e.get("role") == "img"]
    assert len(charts) == 1
    return charts[0]


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_no_steps_no_chart() -> None:
    assert draw([], _cat(), "森林防火巡查") == ""


def test_golden_chart_of_the_minimal_item() -> None:
    """The whole markup of one item, byte for byte. After an intended change: QINGDAN_UPDATE_GOLDEN=1 pytest …"""
    cat = _cat()
    item = cat.item["T-001"]
    markup = draw(item.workflow, cat, item.name)
    if os.environ.get("QINGDAN_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(markup + "\n", encoding="utf-8")
    assert markup + "\n" == GOLDEN.read_text(encoding="utf-8"), "flowchart markup changed; look at it, then update the golden file"


def test_chart_is_accessible_and_self_contained() -> None:
    cat = _cat()
    item = cat.item["T-001"]
    markup = draw(item.workflow, cat, item.name)
    root = _parse(markup)
    chart = _chart(root)
    title = next(chart.iter(f"{SVG}title"))
    desc = next(chart.iter(f"{SVG}desc"))
    assert chart.get("aria-labelledby") == title.get("id") and chart.get("aria-describedby") == desc.get("id")
    assert title.text == "森林防火巡查流程图"
    assert desc.text is not None
    for words in ["共4步", "网格员、乡镇人民政府、县林业局", "第1步（开始），网格员：巡查发现火情隐患", "时限2小时内", "需要则移交县林业局（第3步）；不需要则转第4步。", "第4步（结束），乡镇人民政府：办结归档"]:
        assert words in desc.text
    lanes = [e for e in root.iter(f"{SVG}svg") if e.get("aria-hidden") == "true" and "qd-flow__lanes" in (e.get("class") or "")]
    assert [t for t in _texts(lanes[0])] == ["网格员", "乡镇人民政府", "县林业局"]
    texts = _texts(chart)
    assert {"开始", "结束", "时限：2小时内", "需要", "不需要", "移交"} <= set(texts)
    first = next(g for g in chart.iter(f"{SVG}g") if g.get("data-step") == "find")
    assert _texts(first) == ["开始", "①巡查发现", "火情隐患"]
    # No script, no foreign content, nothing fetched from anywhere.
    assert not re.search(r"<script|foreignObject|href=|url\(|@import|https?:", markup)
    assert "Noto Sans CJK SC" in chart.get("font-family", "")
    # Deterministic: numbers have at most one decimal, ids derive from the content.
    assert not re.search(r"\d\.\d\d", markup)
    assert draw(item.workflow, cat, item.name) == markup


def test_lines_are_told_apart_without_colour() -> None:
    cat = _cat()
    steps = [
        Step(id="a", actor="grid", action="发现"),
        Step(id="b", actor="township", action="核实", branches=[Branch(when="不属实", next="a"), Branch(when="属实", next="c")]),
        Step(id="c", actor="township", action="处置", next=[]),
    ]
    root = _parse(draw(steps, cat, "测试"))
    style = {}
    for g in root.iter(f"{SVG}g"):
        kind = (g.get("class") or "").removeprefix("qd-edge qd-edge--")
        line = g.find(f"{SVG}polyline")
        if line is not None:
            style[kind] = (float(line.get("stroke-width", "0")), line.get("stroke-dasharray"))
    assert style["handover"][0] >= 2 * style["flow"][0] and style["handover"][1] is None
    assert style["loop"][1] and style["flow"][1] is None
    texts = _texts(_chart(root))
    assert "返回" in texts and "移交" in texts
    # The loops' column is headed like a lane.
    assert _texts(next(e for e in root.iter(f"{SVG}svg") if "qd-flow__lanes" in (e.get("class") or ""))) == ["网格员", "乡镇人民政府", "返回"]


def test_work_between_a_township_and_its_own_office_is_no_hand_over() -> None:
    cat = _cat(SAMPLE)
    steps = [
        Step(id="a", actor="township", action="受理"),
        Step(id="b", actor="township-enforcement", action="现场制止"),
        Step(id="c", actor="forestry", action="查处", next=[]),
    ]
    root = _parse(draw(steps, cat, "测试"))
    kinds = {(g.get("data-from"), g.get("data-to")): g.get("class") for g in root.iter(f"{SVG}g") if g.get("data-from")}
    assert kinds == {("a", "b"): "qd-edge qd-edge--flow", ("b", "c"): "qd-edge qd-edge--handover"}
    assert _texts(_chart(root)).count("移交") == 1
    desc = next(_chart(root).iter(f"{SVG}desc")).text or ""
    assert "转乡镇执法队（第2步）" in desc and "移交县林业局（第3步）" in desc


def test_hostile_text_stays_text() -> None:
    cat = _cat()
    cat.department["forestry"].short = HOSTILE
    steps = [
        Step(id="a", actor="grid", action=HOSTILE, time_limit=HOSTILE),
        Step(id="b", actor="forestry", action="处置", branches=[Branch(when=HOSTILE, next="c"), Branch(when="否", next="c")]),
        Step(id="c", actor="township", action="办结", next=[]),
    ]
    markup = draw(steps, cat, HOSTILE)
    for raw in ["<script", "{{", "}}", "[x](", "*em*", "`code`", "\"双引号\""]:
        assert raw not in markup
    root = _parse(markup)
    assert not list(root.iter("script")) and not list(root.iter(f"{SVG}script"))
    chart = _chart(root)
    assert next(chart.iter(f"{SVG}title")).text == HOSTILE + "流程图"
    assert HOSTILE in (next(chart.iter(f"{SVG}desc")).text or "")
    # Wrapped over several lines, the words still read back exactly.
    step_a = next(g for g in chart.iter(f"{SVG}g") if g.get("data-step") == "a")
    lines = _texts(step_a)
    assert "".join(lines[1:]).replace(" ", "").startswith("①" + HOSTILE.replace(" ", ""))  # lines break at spaces
    assert any("{{" in t for t in lines)


def test_every_sample_workflow_is_drawn() -> None:
    cat = _cat(SAMPLE)
    flows = [(i.name, i.workflow) for i in cat.items if i.workflow]
    if cat.identity.general_workflow:
        flows.append(("乡呼县应通用", cat.identity.general_workflow))
    assert len(flows) >= 10
    for name, steps in flows:
        chart = _chart(_parse(draw(steps, cat, name)))
        boxes = [g for g in chart.iter(f"{SVG}g") if g.get("data-step")]
        assert [g.get("data-step") for g in boxes] == [s.id for s in steps]


# --- qingdan check: the workflow rules, on a broken copy of the minimal catalogue ----------------

ITEM = "items/a/T-001.yml"


def _break(folder: Path, file: str, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in one file; returns the 1-based line where ``new`` starts."""
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _problems(folder: Path) -> list[tuple[str, int | None, str, str, str]]:
    _, problems = check(folder)
    return [(p.file, p.line, p.key, p.code, p.message) for p in problems if p.severity == "error"]


def test_check_rejects_next_to_an_unknown_step(minimal_copy: Path) -> None:
    line = _break(minimal_copy, ITEM, "    next: []", "    next: [archive]")
    assert _problems(minimal_copy) == [
        (ITEM, 19, "workflow", "no-end", "流程没有结束步骤：请给最后一步写 next: []，或去掉返回前面步骤的 next。"),
        (ITEM, line, "workflow[3].next", "unknown-step", "next 指向的步骤“archive”在本流程中不存在。"),
    ]


def test_check_rejects_an_unreachable_step(minimal_copy: Path) -> None:
    _break(minimal_copy, ITEM, "        next: report", "        next: done")
    line = (minimal_copy / ITEM).read_text(encoding="utf-8").splitlines().index("  - id: report") + 1
    assert _problems(minimal_copy) == [
        (ITEM, line, "workflow[2].id", "unreachable-step", "步骤“report”从第一步出发无法到达：请检查前面步骤的 next 或 branches。"),
    ]


def test_check_rejects_a_workflow_without_end(minimal_copy: Path) -> None:
    _break(minimal_copy, ITEM, "    next: []", "    next: [find]")
    assert _problems(minimal_copy) == [
        (ITEM, 19, "workflow", "no-end", "流程没有结束步骤：请给最后一步写 next: []，或去掉返回前面步骤的 next。"),
    ]


GENERAL = """general_workflow:
  - id: call
    actor: township
    action: 乡镇发出呼叫
  - id: answer
    actor: forestry
    action: 县林业局响应
    next: [call]
  - id: lost
    actor: county
    action: 无人到达的步骤
"""


def test_check_applies_the_rules_to_general_workflow(minimal_copy: Path) -> None:
    path = minimal_copy / "catalogue.yml"
    start = path.read_text(encoding="utf-8").count("\n") + 1
    path.write_text(path.read_text(encoding="utf-8") + GENERAL, encoding="utf-8")
    assert _problems(minimal_copy) == [
        ("catalogue.yml", start + 1, "general_workflow", "no-end", "流程没有结束步骤：请给最后一步写 next: []，或去掉返回前面步骤的 next。"),
        ("catalogue.yml", start + 8, "general_workflow[2].id", "unreachable-step", "步骤“lost”从第一步出发无法到达：请检查前面步骤的 next 或 branches。"),
    ]
    out = subprocess.run([sys.executable, "-m", "generator.cli", "check", "--format", "json", str(minimal_copy)],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.returncode == 1, out.stderr
    assert {p["code"] for p in json.loads(out.stdout)} == {"no-end", "unreachable-step"}
    # Fixed, it draws: the rules guarantee a start, an end, and every step on a path.
    path.write_text(path.read_text(encoding="utf-8").replace("    next: [call]\n", "    next: []\n").replace(
        "  - id: lost\n    actor: county\n    action: 无人到达的步骤\n", ""), encoding="utf-8")
    cat = _cat(minimal_copy)
    assert _problems(minimal_copy) == []
    markup = draw(cat.identity.general_workflow, cat, "乡呼县应通用流程")
    assert "县林业局响应" in markup
    assert next(_chart(_parse(markup)).iter(f"{SVG}title")).text == "乡呼县应通用流程图"


def test_a_tall_chart_carries_its_printed_pages_by_reference() -> None:
    cat = _cat()
    steps = [Step(id=f"s{i}", actor=["grid", "township", "forestry"][i % 3], action=f"第{i}项工作处置并反馈", time_limit="2小时内") for i in range(14)]
    steps[-1].next = []
    markup = draw(steps, cat, "长流程")
    root = _parse(markup)
    pages = [e for e in root.iter("div") if e.get("class") == "qd-flow__page"]
    assert len(pages) >= 2 and "qd-flow--pages" in (root.get("class") or "")
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    refs = [u.get("href") for u in root.iter(f"{SVG}use")]
    assert len(refs) == 2 * len(pages) and all(r and r.startswith("#") and r[1:] in ids for r in refs)
    # Nothing but the chart's own parts is referred to.
    assert re.findall(r'href="([^"]*)"', markup) == refs
    # The pages are for print: hidden from assistive technology, which reads the chart itself.
    assert next(e for e in root.iter("div") if e.get("class") == "qd-flow__pages").get("aria-hidden") == "true"
