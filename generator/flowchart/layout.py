"""Swimlane geometry: lanes are columns, steps are rows in list order.

Each step owns one row, so a horizontal line inside a row or in the gap
between rows can only meet that row's own box; vertical lines run down lane
centres or in the gutters between lanes (``route`` chooses among them).
Loops (a ``next`` back to an earlier or the same step) run in a channel to
the right of all lanes. Pure geometry: no SVG, no catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.flowchart.geom import (
    ARR,
    BOTTOM,
    BOTTOM_LABEL_W,
    BOX_MARGIN,
    BOX_W,
    DEP,
    FONT,
    GAP,
    LABEL_H,
    LANE_W,
    LINE_H,
    LOOP_FIRST,
    LOOP_STEP,
    PAD_Y,
    SMALL,
    SMALL_H,
    TOP,
    Box,
    Edge,
    EdgeKind,
    Lane,
    Layout,
    Port,
    Shape,
    Text,
    clean,
)
from generator.flowchart.labels import place_labels
from generator.flowchart.route import Router
from generator.flowchart.text import text_width, wrap


@dataclass
class Node:
    """What the layout needs to know about a step."""

    id: str
    actor: str
    org: str
    """The organisation the actor belongs to: work changing hands between two organisations is a 移交."""
    action: str
    time_limit: str | None
    targets: list[tuple[str, str | None]]
    """Following step ids, each with its branch condition (None for a plain next)."""
    decision: bool


def _box(index: int, node: Node, lane: int, y: float, tag: str | None) -> Box:
    shape: Shape = "decision" if node.decision else ("terminal" if tag else "process")
    box = Box(index, node.id, lane, shape, lane * LANE_W + BOX_MARGIN, y, BOX_W, 0, tag)
    room = box.text_room()
    cy = y + PAD_Y
    texts: list[Text] = []
    if tag:
        texts.append(Text(box.cx, cy + 13, tag, SMALL, role="tag", bold=True))
        cy += 22
    for line in wrap(node.action, room, FONT):
        texts.append(Text(box.cx, cy + 15, line, FONT))
        cy += LINE_H
    if node.time_limit:
        cy += 4
        lines = wrap(f"时限：{node.time_limit}", room - 12, SMALL)
        bw = max(text_width(line, SMALL) for line in lines) + 12
        box.badge = (round(box.cx - bw / 2, 1), cy, round(bw, 1), len(lines) * SMALL_H + 4)
        for line in lines:
            texts.append(Text(box.cx, cy + 2 + 12.5, line, SMALL, role="badge"))
            cy += SMALL_H
        cy += 4
    box.h = round(cy + PAD_Y - y, 1)
    if shape == "decision":
        box.h = max(box.h, 44.0)
        shift = (box.h - (cy + PAD_Y - y)) / 2
        texts = [Text(t.x, round(t.y + shift, 1), t.text, t.size, t.anchor, t.role, t.bold) for t in texts]
        if box.badge:
            bx, by, bw, bh = box.badge
            box.badge = (bx, round(by + shift, 1), bw, bh)
    box.texts = texts
    return box


def _ports(node: Node, box: Box, rows: dict[str, int], boxes: list[Box]) -> list[Port]:
    """Which side each outgoing edge leaves by: a decision spreads its branches over bottom, right, left."""
    me = rows[node.id]
    if not node.decision:
        return ["loop" if rows[t] <= me else "bottom" for t, _ in node.targets]
    free: list[Port] = ["bottom", "right", "left"]

    def left_fits(when: str | None) -> bool:
        """A condition goes left only where it fits on one line beside the box."""
        return box.lane > 0 and text_width(when or "", SMALL) <= box.x - 10

    wants: list[list[Port]] = []
    for target, when in node.targets:
        other = boxes[rows[target]]
        if rows[target] <= me:
            wants.append(["right"])  # loops run in the channel right of all lanes
        elif other.lane == box.lane and rows[target] == me + 1:
            wants.append(["bottom", "right"])
        elif other.lane > box.lane:
            wants.append(["right", "bottom"])
        elif other.lane < box.lane and left_fits(when):
            wants.append(["left", "bottom", "right"])
        else:
            wants.append(["bottom", "right", "left"] if left_fits(when) else ["bottom", "right"])
    # Loops and straight-down branches choose first: they have the fewest good options.
    def rank(i: int) -> int:
        row = rows[node.targets[i][0]]
        return 0 if row <= me else 1 if row == me + 1 and boxes[row].lane == box.lane else 2

    order = sorted(range(len(wants)), key=lambda i: (rank(i), i))
    chosen: dict[int, Port] = {}
    for i in order:
        pick = next((p for p in wants[i] if p in free), wants[i][0])
        chosen[i] = pick
        if pick in free:
            free.remove(pick)
    return [chosen[i] for i in range(len(wants))]


def _lane_order(nodes: list[Node]) -> list[str]:
    seen: dict[str, int] = {}
    for node in nodes:
        seen.setdefault(node.actor, len(seen))
    return list(seen)


def layout(nodes: list[Node], lane_label: dict[str, str]) -> Layout:
    """Place boxes, route edges, place labels. ``lane_label`` maps actor -> lane heading."""
    actors = _lane_order(nodes)
    lane_of = {a: i for i, a in enumerate(actors)}
    rows = {n.id: i for i, n in enumerate(nodes)}
    ends = {n.id for n in nodes if not n.targets}
    lanes = [Lane(a, i * LANE_W, wrap(lane_label.get(a, a), LANE_W - 16, FONT)) for i, a in enumerate(actors)]
    header_h = 10 + max(len(lane.lines) for lane in lanes) * 19 + 6

    # Boxes first at y=0 to learn their heights, then stacked with per-row gaps.
    boxes: list[Box] = []
    ports: list[list[Port]] = []
    for i, node in enumerate(nodes):
        tag = "开始" if i == 0 else ("结束" if node.id in ends else None)
        boxes.append(_box(i, node, lane_of[node.actor], 0, tag))
    for i, node in enumerate(nodes):
        ports.append(_ports(node, boxes[i], rows, boxes))
    bottom_label: list[list[str]] = []
    for i, node in enumerate(nodes):
        lines: list[str] = []
        for (_, when), port in zip(node.targets, ports[i], strict=False):
            if port == "bottom" and when:
                lines = max(lines, wrap(when, BOTTOM_LABEL_W, SMALL), key=len)
        bottom_label.append(lines)
    dep = [float(max(DEP, 7 + len(lines) * LABEL_H)) for lines in bottom_label]
    y = float(TOP)
    for i, node in enumerate(nodes):
        boxes[i] = _box(i, node, lane_of[node.actor], y, boxes[i].tag)
        y = boxes[i].bottom + max(GAP, dep[i] + ARR + 14)
    height = boxes[-1].bottom + BOTTOM

    router = Router(boxes, len(lanes), dep)
    loops: list[tuple[int, int, Edge]] = []
    for i, node in enumerate(nodes):
        src = boxes[i]
        for (target, when), port in zip(node.targets, ports[i], strict=False):
            dst = boxes[rows[target]]
            org_changes = nodes[dst.index].org != node.org
            kind: EdgeKind = "loop" if dst.index <= src.index else ("handover" if org_changes else "flow")
            edge = Edge(src.id, dst.id, [], kind, port, when)
            if kind == "loop":
                loops.append((src.index - dst.index, len(loops), edge))
            else:
                edge.points = router.forward(edge, src, dst)
            router.routed.append(edge)

    right = len(lanes) * LANE_W
    # Shorter loops run nearer the lanes, so nested loops never cross.
    for track, (_, _, edge) in enumerate(sorted(loops, key=lambda t: (t[0], t[1]))):
        src, dst = boxes[rows[edge.source]], boxes[rows[edge.target]]
        xl = right + LOOP_FIRST + track * LOOP_STEP
        sy = src.cy if edge.port == "right" else src.cy + 6
        # Into a decision below its right point, where no branch label sits; into a box above its middle.
        ty = dst.cy + 8 if dst.shape == "decision" else dst.cy - 6
        edge.points = clean([(src.right_at(sy), sy), (xl, sy), (xl, ty), (dst.right_at(ty), ty)])

    # Route again knowing every other line, so that early edges avoid crossing later ones
    # (a pass that changes nothing would change nothing if repeated).
    for _ in range(2):
        changed = False
        for edge in router.routed:
            if edge.kind != "loop":
                points = router.forward(edge, boxes[rows[edge.source]], boxes[rows[edge.target]])
                changed = changed or points != edge.points
                edge.points = points
        if not changed:
            break

    labels = place_labels(boxes, router.routed)
    columns = float(right + (LOOP_FIRST + (len(loops) - 1) * LOOP_STEP + 20 if loops else 0))
    width = max([columns] + [t.bbox()[2] + 4 for t in labels] + [x + 6 for e in router.routed for x, _ in e.points])
    height = max([height] + [t.bbox()[3] + 4 for t in labels])
    return Layout(round(width, 1), round(height, 1), header_h, lanes, boxes, router.routed, labels)
