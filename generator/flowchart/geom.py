"""Shapes of a swimlane flowchart: boxes, edges, texts, and the sizes they are built with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from generator.flowchart.text import text_width

LANE_W = 160
BOX_MARGIN = 14
BOX_W = LANE_W - 2 * BOX_MARGIN
FONT, LINE_H = 14, 20
SMALL, SMALL_H = 12, 16
PAD_X, PAD_Y = 10, 9
HEX_P = 12
"""How far a decision's left and right points stick out from its flat top."""
TOP, BOTTOM = 14, 14
DEP, ARR = 20, 18
"""Edges leave a row this far below its box and enter a row this far above its box."""
GAP = 54
LOOP_FIRST, LOOP_STEP = 18, 24
LABEL_W = 118
BOTTOM_LABEL_W = LANE_W / 2 - 18
"""A label beside a line leaving a box downwards stays within half a lane."""
LABEL_H = 15
TRACKS = (-7, 7)
"""Offsets of the vertical tracks in a gutter between lanes: halfway between the divider and the boxes,
never on the divider itself (a line along it would read as part of it)."""

Shape = Literal["process", "terminal", "decision"]
Port = Literal["bottom", "right", "left", "loop"]
EdgeKind = Literal["flow", "handover", "loop"]
Point = tuple[float, float]


@dataclass(frozen=True)
class Text:
    """One line of text; ``y`` is the baseline, ``anchor`` as SVG text-anchor."""

    x: float
    y: float
    text: str
    size: float
    anchor: Literal["start", "middle", "end"] = "middle"
    role: str = "step"
    bold: bool = False

    def bbox(self) -> tuple[float, float, float, float]:
        w = text_width(self.text, self.size)
        x0 = {"start": self.x, "middle": self.x - w / 2, "end": self.x - w}[self.anchor]
        return (x0, self.y - self.size * 0.88, x0 + w, self.y + self.size * 0.12)


@dataclass
class Box:
    index: int
    id: str
    lane: int
    shape: Shape
    x: float
    y: float
    w: float
    h: float
    tag: str | None = None
    texts: list[Text] = field(default_factory=list)
    badge: tuple[float, float, float, float] | None = None
    """Rectangle (x, y, w, h) of the time-limit badge inside the box."""

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def rx(self) -> float:
        return min(16.0, self.h / 2) if self.shape == "terminal" else 3.0

    def text_room(self) -> float:
        """Width available to a line of text inside this shape."""
        inset = HEX_P + 3 if self.shape == "decision" else PAD_X
        return self.w - 2 * inset

    def outline(self) -> list[Point]:
        """Polygon of the border (rounded corners are not used by any port)."""
        x, y, w, h = self.x, self.y, self.w, self.h
        if self.shape == "decision":
            return [(x + HEX_P, y), (x + w - HEX_P, y), (x + w, y + h / 2), (x + w - HEX_P, y + h), (x + HEX_P, y + h), (x, y + h / 2)]
        return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]

    def right_at(self, y: float) -> float:
        """x of the right border at height ``y`` (the slanted side of a decision)."""
        if self.shape != "decision":
            return self.right
        return self.right - HEX_P * abs(y - self.cy) / (self.h / 2)


@dataclass
class Edge:
    source: str
    target: str
    points: list[Point]
    kind: EdgeKind
    port: Port
    label: str | None = None


@dataclass
class Lane:
    actor: str
    x: float
    lines: list[str]


@dataclass
class Layout:
    width: float
    height: float
    header_height: float
    lanes: list[Lane]
    boxes: list[Box]
    edges: list[Edge]
    labels: list[Text]
    """Branch conditions, 移交 and 返回 marks (outside boxes)."""


def crosses(a: Point, b: Point, box: Box) -> bool:
    """Does the axis-parallel segment a-b enter the inside of ``box``?"""
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    return x0 < box.right - 0.5 and x1 > box.x + 0.5 and y0 < box.bottom - 0.5 and y1 > box.y + 0.5


def segments(points: list[Point]) -> list[tuple[Point, Point]]:
    return [(points[i], points[i + 1]) for i in range(len(points) - 1)]


def overlap(s: tuple[Point, Point], t: tuple[Point, Point]) -> bool:
    """Do two axis-parallel segments run along the same line for more than a point?"""
    (a, b), (c, d) = s, t
    if a[0] == b[0] == c[0] == d[0]:
        lo, hi = max(min(a[1], b[1]), min(c[1], d[1])), min(max(a[1], b[1]), max(c[1], d[1]))
        return hi - lo > 0.5
    if a[1] == b[1] == c[1] == d[1]:
        lo, hi = max(min(a[0], b[0]), min(c[0], d[0])), min(max(a[0], b[0]), max(c[0], d[0]))
        return hi - lo > 0.5
    return False


def clean(points: list[Point]) -> list[Point]:
    """Round, drop repeated points and merge straight runs."""
    out: list[Point] = []
    for x, y in points:
        p = (round(x, 1), round(y, 1))
        if out and p == out[-1]:
            continue
        if len(out) >= 2 and (out[-2][0] == out[-1][0] == p[0] or out[-2][1] == out[-1][1] == p[1]):
            out[-1] = p
        else:
            out.append(p)
    return out


