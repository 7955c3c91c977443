"""Words outside the boxes: branch conditions, 移交 on hand-overs, 返回 on loops.

Each label has a few candidate places beside the line it names; the first
that covers no box, no line and no earlier label wins (else the first, which
is still readable thanks to its white halo). 返回 sits across its own loop's
vertical run, which its halo interrupts, so it reads across like a sign on the line.
"""

from __future__ import annotations

from generator.flowchart.geom import (
    BOTTOM_LABEL_W,
    LABEL_H,
    LABEL_W,
    SMALL,
    Box,
    Edge,
    Point,
    Text,
    segments,
)
from generator.flowchart.text import wrap

Rect = tuple[float, float, float, float]


def _hits(r: Rect, s: Rect) -> bool:
    return r[0] < s[2] and s[0] < r[2] and r[1] < s[3] and s[1] < r[3]


def _rect(t: Text) -> Rect:
    x0, y0, x1, y1 = t.bbox()
    return (x0 - 1, y0 - 1, x1 + 1, y1 + 1)


class Placer:
    def __init__(self, boxes: list[Box], edges: list[Edge]) -> None:
        self.boxes: list[Rect] = [(b.x, b.y, b.right, b.bottom) for b in boxes]
        self.lines: list[tuple[Edge, Rect]] = []
        for edge in edges:
            for (ax, ay), (bx, by) in segments(edge.points):
                self.lines.append((edge, (min(ax, bx) - 1.5, min(ay, by) - 1.5, max(ax, bx) + 1.5, max(ay, by) + 1.5)))
        self.labels: list[Rect] = []
        self.placed: list[Text] = []

    def free(self, texts: list[Text], strict: int, own: Edge | None) -> bool:
        """strict 2: clear of boxes, lines (but ``own``'s) and labels; 1: of boxes and labels; 0: of boxes (never given up)."""
        lines = [r for edge, r in self.lines if edge is not own] if strict >= 2 else []
        others = self.boxes + (self.labels if strict >= 1 else []) + lines
        for t in texts:
            r = _rect(t)
            if r[0] < 0 or r[1] < 0 or any(_hits(r, o) for o in others):
                return False
        return True

    def place(self, candidates: list[list[Text]], own: Edge | None = None) -> None:
        chosen = next((c for strict in (2, 1, 0) for c in candidates if self.free(c, strict, own)), candidates[-1])
        self.placed += chosen
        self.labels += [_rect(t) for t in chosen]


def branch(when: str, edge: Edge, src: Box) -> list[list[Text]]:
    """Beside the first segment of a branch: below a box on either side of the line, else above or below it."""
    points: list[Point] = edge.points
    if edge.port == "bottom":
        lines = wrap(when, BOTTOM_LABEL_W, SMALL)
        right = [Text(src.cx + 5, src.bottom + 12 + k * LABEL_H, line, SMALL, "start", "branch") for k, line in enumerate(lines)]
        left = [Text(src.cx - 5, src.bottom + 12 + k * LABEL_H, line, SMALL, "end", "branch") for k, line in enumerate(lines)]
        turns_left = len(points) > 2 and points[2][0] < points[1][0]
        return [left, right] if turns_left else [right, left]
    lines = wrap(when, LABEL_W, SMALL)
    n = len(lines)
    px, py = points[0]
    x, anchor = (px - 5, "end") if edge.port == "left" else (px + 5, "start")
    above = [Text(x, py - 5 - (n - 1 - k) * LABEL_H, line, SMALL, anchor, "branch") for k, line in enumerate(lines)]  # type: ignore[arg-type]
    below = [Text(x, py + 14 + k * LABEL_H, line, SMALL, anchor, "branch") for k, line in enumerate(lines)]  # type: ignore[arg-type]
    # One long line beside a side port stays inside the row, where no other box is.
    one = " ".join(lines)
    return [above, below, [Text(x, py - 5, one, SMALL, anchor, "branch")], [Text(x, py + 14, one, SMALL, anchor, "branch")]]  # type: ignore[arg-type]


def handover(dst: Box) -> list[list[Text]]:
    """移交 just above the box the work is handed to, beside the arrowhead."""
    return [
        [Text(dst.cx + 5, dst.y - 4, "移交", SMALL, "start", "handover", bold=True)],
        [Text(dst.cx - 5, dst.y - 4, "移交", SMALL, "end", "handover", bold=True)],
    ]


def loop(edge: Edge) -> list[list[Text]]:
    """返回 across the loop's vertical run in the return column, halfway up, else a quarter from either end."""
    (x, y0), (_, y1) = edge.points[1], edge.points[2]
    top, span = min(y0, y1), abs(y1 - y0)
    return [[Text(x, round(top + span * frac + SMALL / 2 - 1, 1), "返回", SMALL, "middle", "loop")] for frac in (0.5, 0.25, 0.75)]


def place_labels(boxes: list[Box], edges: list[Edge]) -> list[Text]:
    """All labels: branch conditions first (they matter most), then 移交, then 返回."""
    by_id = {b.id: b for b in boxes}
    placer = Placer(boxes, edges)
    for edge in edges:
        if edge.label:
            placer.place(branch(edge.label, edge, by_id[edge.source]))
    marked: set[str] = set()
    for edge in edges:
        if edge.kind == "handover" and edge.target not in marked:
            marked.add(edge.target)
            placer.place(handover(by_id[edge.target]))
    for edge in edges:
        if edge.kind == "loop":
            placer.place(loop(edge), own=edge)
    return placer.placed
