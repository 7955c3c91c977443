"""Flowchart geometry: real layouts of real workflows, checked with plain geometry.

The checks below are written independently of the router: boxes do not
overlap, every edge starts and ends on its boxes' borders, no edge segment
enters a box, no line of text is wider than the room its box has (measured by
the same ``text_width`` the layout uses), and labels stay outside boxes.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.flowchart import paging
from generator.flowchart.geom import LANE_W, Box, Layout
from generator.flowchart.layout import layout
from generator.flowchart.svg import nodes_of
from generator.flowchart.text import text_width, wrap
from generator.model import Branch, Catalogue, Step
from generator.validate import check

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "catalogue"
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal"


def _load(folder: Path) -> Catalogue:
    cat, problems = check(folder)
    assert cat is not None, problems
    return cat


def _workflows() -> list[tuple[str, Catalogue, list[Step]]]:
    out: list[tuple[str, Catalogue, list[Step]]] = []
    for folder in (MINIMAL, SAMPLE):
        if not (folder / "catalogue.yml").is_file():
            continue
        cat = _load(folder)
        if cat.identity.general_workflow:
            out.append((f"{folder.name}:general", cat, cat.identity.general_workflow))
        out += [(f"{folder.name}:{i.code}", cat, i.workflow) for i in cat.items if i.workflow]
    return out


def lay_out(steps: list[Step], cat: Catalogue | None = None) -> Layout:
    nodes = nodes_of(steps, cat)
    labels = {n.actor: (cat.actor_label(n.actor) if cat else n.actor) for n in nodes}
    return layout(nodes, labels)


def _synthetic(count: int) -> list[list[Step]]:
    """The bench's realistic workflows (8–20 steps, decisions, loops, township offices)."""
    spec = importlib.util.spec_from_file_location("bench_workflows", ROOT / "bench" / "workflows.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.workflows(count, seed=7)  # type: ignore[no-any-return]


# --- geometry, independent of the router ------------------------------------------------


def _dist_to_segment(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    length2 = (bx - ax) ** 2 + (by - ay) ** 2
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / length2))
    return math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)))


def on_border(p: tuple[float, float], box: Box) -> bool:
    pts = box.outline()
    return min(_dist_to_segment(p, pts[i], pts[(i + 1) % len(pts)]) for i in range(len(pts))) <= 0.75


def enters(a: tuple[float, float], b: tuple[float, float], box: Box) -> bool:
    """Does segment a-b run more than 1 px inside the box's outline? (Cyrus–Beck clipping; outlines are convex.)"""
    pts = box.outline()
    cx = sum(x for x, _ in pts) / len(pts)
    cy = sum(y for _, y in pts) / len(pts)
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for i in range(len(pts)):
        (px, py), (qx, qy) = pts[i], pts[(i + 1) % len(pts)]
        nx, ny = qy - py, px - qx  # a normal of this side, turned to point inwards below
        if nx * (cx - px) + ny * (cy - py) < 0:
            nx, ny = -nx, -ny
        num = nx * (a[0] - px) + ny * (a[1] - py)
        den = nx * dx + ny * dy
        if den == 0:
            if num <= 0:
                return False
            continue
        t = -num / den
        if den > 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
    return (t1 - t0) * math.hypot(dx, dy) > 1.0


def rects_overlap(r: tuple[float, float, float, float], s: tuple[float, float, float, float]) -> bool:
    return r[0] < s[2] and s[0] < r[2] and r[1] < s[3] and s[1] < r[3]


def box_rect(box: Box) -> tuple[float, float, float, float]:
    return (box.x, box.y, box.x + box.w, box.y + box.h)


def assert_sound(lay: Layout) -> None:
    boxes = {b.id: b for b in lay.boxes}
    for i, a in enumerate(lay.boxes):
        for b in lay.boxes[i + 1 :]:
            assert not rects_overlap(box_rect(a), box_rect(b)), f"boxes {a.id} and {b.id} overlap"
        assert 0 <= a.x and a.x + a.w <= lay.width and 0 <= a.y and a.y + a.h <= lay.height
        for t in a.texts:
            assert text_width(t.text, t.size) <= a.text_room() + 0.01, f"{t.text!r} is wider than box {a.id}"
            x0, y0, x1, y1 = t.bbox()
            assert a.x < x0 and x1 < a.x + a.w and a.y < y0 and y1 < a.y + a.h, f"{t.text!r} sticks out of box {a.id}"
            if t.role == "badge":
                assert a.badge is not None
                bx, by, bw, bh = a.badge
                assert bx < x0 and x1 < bx + bw and by < y0 and y1 < by + bh, f"{t.text!r} sticks out of its badge"
    for lane in lay.lanes:
        assert all(text_width(line, 14) <= LANE_W - 16 for line in lane.lines)
    for edge in lay.edges:
        src, dst = boxes[edge.source], boxes[edge.target]
        pts = edge.points
        assert len(pts) >= 2
        assert on_border(pts[0], src), f"{edge.source}->{edge.target} does not start on its source's border: {pts[0]}"
        assert on_border(pts[-1], dst), f"{edge.source}->{edge.target} does not end on its target's border: {pts[-1]}"
        for p, q in itertools.pairwise(pts):
            assert p[0] == q[0] or p[1] == q[1], f"{edge.source}->{edge.target} has a slanted segment {p}-{q}"
            assert 0 <= min(p[0], q[0]) and max(p[0], q[0]) <= lay.width and 0 <= min(p[1], q[1]) and max(p[1], q[1]) <= lay.height
            for box in lay.boxes:
                assert not enters(p, q, box), f"{edge.source}->{edge.target} runs through box {box.id} ({p}-{q})"
        assert (edge.kind == "loop") == (dst.index <= src.index)
        if edge.kind == "handover":
            assert src.lane != dst.lane, f"{edge.source}->{edge.target} hands over within one lane"
    for label in lay.labels:
        x0, y0, x1, y1 = label.bbox()
        assert 0 <= x0 and x1 <= lay.width and 0 <= y0 and y1 <= lay.height, f"label {label.text!r} is off the chart"
        for box in lay.boxes:
            assert not rects_overlap((x0, y0, x1, y1), box_rect(box)), f"label {label.text!r} covers box {box.id}"


def collinear_overlaps(lay: Layout) -> list[str]:
    """Pairs of edges that run along the same line although they share neither source port nor target."""
    found = []
    for i, e in enumerate(lay.edges):
        for f in lay.edges[i + 1 :]:
            if e.target == f.target or (e.source == f.source and e.port == f.port):
                continue
            for a, b in itertools.pairwise(e.points):
                for c, d in itertools.pairwise(f.points):
                    if a[0] == b[0] == c[0] == d[0]:
                        lo, hi = max(min(a[1], b[1]), min(c[1], d[1])), min(max(a[1], b[1]), max(c[1], d[1]))
                    elif a[1] == b[1] == c[1] == d[1]:
                        lo, hi = max(min(a[0], b[0]), min(c[0], d[0])), min(max(a[0], b[0]), max(c[0], d[0]))
                    else:
                        continue
                    if hi - lo > 0.5:
                        found.append(f"{e.source}->{e.target} / {f.source}->{f.target}")
    return found


# --- the real workflows ----------------------------------------------------------------

WORKFLOWS = _workflows()


@pytest.mark.parametrize("name,cat,steps", WORKFLOWS, ids=[w[0] for w in WORKFLOWS])
def test_real_workflows_are_drawn_soundly(name: str, cat: Catalogue, steps: list[Step]) -> None:
    lay = lay_out(steps, cat)
    assert_sound(lay)
    assert collinear_overlaps(lay) == []
    assert [lane.actor for lane in lay.lanes] == list(dict.fromkeys(s.actor for s in steps))
    # One row per step, in list order: the chart reads like the ordered list.
    assert [b.id for b in sorted(lay.boxes, key=lambda b: b.y)] == [s.id for s in steps]


def _organisation(actor: str, cat: Catalogue) -> str:
    """A township's own offices (departments of level township) and the township are one organisation."""
    dept = cat.department.get(actor)
    return "township" if actor == "township" or (dept is not None and dept.level == "township") else actor


def along_dividers(lay: Layout) -> list[str]:
    """Vertical runs within 2 px of a lane divider (or the outer lines), where they would merge with it."""
    dividers = [lane.x for lane in lay.lanes] + [lay.lanes[-1].x + LANE_W]
    return [
        f"{e.source}->{e.target} at x={a[0]}"
        for e in lay.edges
        for a, b in itertools.pairwise(e.points)
        if a[0] == b[0] and any(abs(a[0] - x) < 2 for x in dividers)
    ]


def _all_charts() -> list[tuple[str, Catalogue, list[Step]]]:
    sample = next(cat for name, cat, _ in WORKFLOWS if name.startswith("catalogue:"))
    return WORKFLOWS + [(f"synthetic:{i}", sample, steps) for i, steps in enumerate(_synthetic(150))]


def test_no_line_runs_along_a_lane_divider_or_on_another_line() -> None:
    """Over every sample chart and 150 synthetic ones of 8–20 steps."""
    for name, cat, steps in _all_charts():
        lay = lay_out(steps, cat)
        assert_sound(lay)
        assert along_dividers(lay) == [], name
        assert collinear_overlaps(lay) == [], name


def test_hand_over_only_between_organisations() -> None:
    """移交 (thick line and label) when the work leaves an organisation; a township's offices are the township."""
    seen_within = 0
    for name, cat, steps in _all_charts():
        lay = lay_out(steps, cat)
        actor = {s.id: s.actor for s in steps}
        for edge in lay.edges:
            if edge.kind == "loop":
                continue
            a, b = actor[edge.source], actor[edge.target]
            assert (edge.kind == "handover") == (_organisation(a, cat) != _organisation(b, cat)), f"{name}: {edge.source}->{edge.target}"
            seen_within += a != b and edge.kind == "flow"
        marks = [t for t in lay.labels if t.role == "handover"]
        assert len(marks) == len({e.target for e in lay.edges if e.kind == "handover"}), name
    assert seen_within > 0, "some chart passes work between a township and its own office"


def test_sample_catalogue_has_charts_to_check() -> None:
    assert sum(name.startswith("catalogue:") for name, _, _ in WORKFLOWS) >= 10


def _step(id: str, actor: str, action: str = "处置", **kw: object) -> Step:
    return Step(id=id, actor=actor, action=action, **kw)  # type: ignore[arg-type]


def test_shapes_tags_and_kinds_of_line() -> None:
    steps = [
        _step("find", "grid", "巡查发现问题"),
        _step("judge", "township", "是否属于乡镇职责", time_limit="2小时内",
              branches=[Branch(when="是", next="do"), Branch(when="否", next="call")]),
        _step("do", "township", "乡镇处置", next=["close"]),
        _step("call", "county-dept", "县级部门处置", time_limit="5个工作日"),
        _step("check", "township", "复核", branches=[Branch(when="不合格", next="call"), Branch(when="合格", next="close")]),
        _step("close", "township", "办结归档", next=[]),
    ]
    lay = lay_out(steps)
    assert_sound(lay)
    shape = {b.id: b.shape for b in lay.boxes}
    assert shape == {"find": "terminal", "judge": "decision", "do": "process", "call": "process", "check": "decision", "close": "terminal"}
    tags = {b.id: b.tag for b in lay.boxes if b.tag}
    assert tags == {"find": "开始", "close": "结束"}
    kinds = {(e.source, e.target): e.kind for e in lay.edges}
    assert kinds[("find", "judge")] == "handover"
    assert kinds[("judge", "do")] == "flow"
    assert kinds[("judge", "call")] == "handover"
    assert kinds[("check", "call")] == "loop"
    # A loop runs in the channel right of every lane, and is marked 返回.
    loop = next(e for e in lay.edges if e.kind == "loop")
    assert max(x for x, _ in loop.points) > len(lay.lanes) * LANE_W
    assert "".join(t.text for t in lay.labels if t.role == "loop") == "返回"
    assert sorted(t.text for t in lay.labels if t.role == "branch") == ["不合格", "合格", "否", "是"]
    assert [t.text for t in lay.labels if t.role == "handover"].count("移交") == len({e.target for e in lay.edges if e.kind == "handover"})
    # Each branch of a decision leaves by its own side.
    judge_ports = [e.port for e in lay.edges if e.source == "judge"]
    assert len(set(judge_ports)) == 2
    badge = next(b for b in lay.boxes if b.id == "judge")
    assert any(t.text == "时限：2小时内" for t in badge.texts)


def test_long_text_wraps_inside_boxes() -> None:
    long = "乡镇人民政府会同县自然资源和规划局、县住房和城乡建设局对违法建设行为依法进行调查取证并下达责令限期改正通知书（ABC-2025-0001号）"
    steps = [
        _step("a", "a-very-long-department-id-that-is-its-own-label", long, time_limit="接到报告后2小时内到达现场，24小时内形成书面报告"),
        _step("b", "township", "x" * 80, next=[]),
    ]
    lay = lay_out(steps)
    assert_sound(lay)
    first = lay.boxes[0]
    step_lines = [t.text for t in first.texts if t.role == "step"]
    assert len(step_lines) >= 5
    assert "".join(step_lines) == "①" + long
    assert "".join(lay.lanes[0].lines) == "a-very-long-department-id-that-is-its-own-label"


def test_self_loop_and_nested_loops() -> None:
    steps = [
        _step("a", "grid"),
        _step("b", "township", branches=[Branch(when="材料不全", next="b"), Branch(when="齐全", next="c")]),
        _step("c", "forestry", next=["d"]),
        _step("d", "township", branches=[Branch(when="退回", next="a"), Branch(when="继续", next="e")]),
        _step("e", "grid", next=["c", "f"]),
        _step("f", "village", next=[]),
    ]
    lay = lay_out(steps)
    assert_sound(lay)
    assert collinear_overlaps(lay) == []
    loops = [e for e in lay.edges if e.kind == "loop"]
    assert {(e.source, e.target) for e in loops} == {("b", "b"), ("d", "a"), ("e", "c")}
    # Shorter loops take tracks nearer the lanes, so nested loops do not cross.
    track = {(e.source, e.target): max(x for x, _ in e.points) for e in loops}
    assert track[("b", "b")] < track[("e", "c")] < track[("d", "a")]


def test_wrap_keeps_numbers_with_units_and_punctuation_off_line_starts() -> None:
    assert wrap("时限：接到预警后1小时内", 100, 12) == ["时限：接到预", "警后1小时内"]
    for line in wrap("巡查发现火情隐患，及时劝阻并上报乡镇（街道）人民政府。", 112, 14):
        assert line[0] not in "，。）、"
        assert text_width(line, 14) <= 112
    assert text_width("乡镇", 14) == 28 and text_width("ab", 10) == 11


# --- any workflow, not only the ones we wrote ---------------------------------------------

ACTORS = ["grid", "township", "village", "forestry", "county", "public"]
WORDS = st.text(alphabet=st.sampled_from(list("乡镇县部门处置核查上报，。（）“”、0123456789ABCxyz -")), min_size=1, max_size=45)


@st.composite
def workflows(draw: st.DrawFn) -> list[Step]:
    n = draw(st.integers(1, 9))
    ids = [f"s{i}" for i in range(n)]
    steps = []
    for i in range(n):
        kind = draw(st.sampled_from(["default", "next", "branches"]))
        kw: dict[str, object] = {}
        if kind == "next":
            kw["next"] = draw(st.lists(st.sampled_from(ids), max_size=3, unique=True))
        elif kind == "branches":
            targets = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=4, unique=True))
            kw["branches"] = [Branch(when=draw(WORDS), next=t) for t in targets]
        if draw(st.booleans()):
            kw["time_limit"] = draw(WORDS)
        steps.append(_step(ids[i], draw(st.sampled_from(ACTORS)), draw(WORDS), **kw))
    return steps


@settings(max_examples=300, deadline=None)
@given(workflows())
def test_any_workflow_is_drawn_soundly(steps: list[Step]) -> None:
    assert_sound(lay_out(steps))


@pytest.mark.parametrize("zoom", [1.0, paging.LARGE], ids=["default", "large-text"])
def test_printed_pages_cut_between_rows(zoom: float) -> None:
    """A chart taller than an A4 page is cut into bands that fit a page, never through a box or a label."""
    paged = 0
    for name, cat, steps in _all_charts():
        lay = lay_out(steps, cat)
        pages = paging.bands(lay, zoom)
        s = paging.scale(lay, zoom)
        assert pages[0][0] == 0 and pages[-1][1] == lay.height, name
        assert all(a[1] == b[0] for a, b in itertools.pairwise(pages)), name
        if len(pages) == 1:
            assert (lay.header_height + lay.height) * s <= paging.FIRST_ROOM, name
            continue
        paged += 1
        for i, (top, bottom) in enumerate(pages):
            room = paging.FIRST_ROOM if i == 0 else paging.ROOM
            assert (lay.header_height + bottom - top) * s <= room + 0.01, f"{name}: band {i} overflows its page"
        for cut in [bottom for _, bottom in pages[:-1]]:
            for box in lay.boxes:
                assert not box.y < cut < box.bottom, f"{name}: the cut at {cut} goes through box {box.id}"
            for label in lay.labels:
                _, y0, _, y1 = label.bbox()
                assert not y0 < cut < y1, f"{name}: the cut at {cut} goes through label {label.text!r}"
    assert paged > 10
