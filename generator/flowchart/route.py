"""Orthogonal routes for the forward edges of a swimlane chart.

Each candidate route is checked against every box, and against the routes
already chosen so that two edges never run along the same line unless they
share a source port or a target. Boxes are one per row in y order, so a
segment is only tested against the rows its y-range spans (found by
bisection); the other edges' segments are indexed once per edge by line (to
find overlaps) and by direction (to count crossings).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass

from generator.flowchart.geom import (
    ARR,
    LANE_W,
    TRACKS,
    Box,
    Edge,
    Point,
    clean,
    segments,
)

Seg = tuple[Point, Point]
Line = tuple[float, float, float]
"""An axis-parallel segment as (its constant coordinate, low end, high end)."""


def _split(points: list[Point]) -> tuple[list[Line], list[Line]]:
    """A route's vertical and horizontal segments."""
    vertical: list[Line] = []
    horizontal: list[Line] = []
    for (ax, ay), (bx, by) in segments(points):
        if ax == bx:
            vertical.append((ax, min(ay, by), max(ay, by)))
        else:
            horizontal.append((ay, min(ax, bx), max(ax, bx)))
    return vertical, horizontal


class _Others:
    """The segments of every other routed edge, as the cost of one edge's candidates needs them."""

    def __init__(self, edge: Edge, routed: list[Edge], split: dict[int, tuple[list[Point], list[Line], list[Line]]]) -> None:
        self.along_v: dict[float, list[tuple[float, float]]] = {}
        self.along_h: dict[float, list[tuple[float, float]]] = {}
        self.cut_v: list[Line] = []
        self.cut_h: list[Line] = []
        for other in routed:
            if other is edge or not other.points:
                continue
            # Lines into the same target, or out of the same port, may share a run; any other may not.
            may_share = other.target == edge.target or (other.source == edge.source and other.port == edge.port)
            # Crossing a line of the same source or target is no crossing a reader has to untangle.
            may_cut = other.target == edge.target or other.source == edge.source
            if may_share and may_cut:
                continue
            cached = split.get(id(other))
            if cached is None or cached[0] is not other.points:
                cached = split[id(other)] = (other.points, *_split(other.points))
            _, vertical, horizontal = cached
            if not may_share:
                for x, lo, hi in vertical:
                    self.along_v.setdefault(x, []).append((lo, hi))
                for y, lo, hi in horizontal:
                    self.along_h.setdefault(y, []).append((lo, hi))
            if not may_cut:
                self.cut_v += vertical
                self.cut_h += horizontal

    def overlaps(self, segs: list[Seg]) -> bool:
        """Does any segment run along another edge's segment for more than half a pixel?"""
        for (ax, ay), (bx, by) in segs:
            if ax == bx:
                runs, lo, hi = self.along_v.get(ax), min(ay, by), max(ay, by)
            else:
                runs, lo, hi = self.along_h.get(ay), min(ax, bx), max(ax, bx)
            if runs and any(min(hi, h) - max(lo, low) > 0.5 for low, h in runs):
                return True
        return False

    def crossings(self, segs: list[Seg]) -> int:
        """How often the segments cross other edges' segments inside both (not at an end)."""
        count = 0
        for (ax, ay), (bx, by) in segs:
            if ax == bx:
                lo, hi = min(ay, by), max(ay, by)
                count += sum(1 for y, x0, x1 in self.cut_h if x0 < ax < x1 and lo < y < hi)
            else:
                lo, hi = min(ax, bx), max(ax, bx)
                count += sum(1 for x, y0, y1 in self.cut_v if y0 < ay < y1 and lo < x < hi)
        return count


def bound(segs: list[Seg]) -> float:
    """Length plus a price per bend: what a route costs at least."""
    return sum(abs(bx - ax) + abs(by - ay) for (ax, ay), (bx, by) in segs) + 30 * (len(segs) + 1)


@dataclass(slots=True)
class _Route:
    least: float
    """Length and bends: what this route costs at least (see ``bound``)."""
    segs: list[Seg]
    points: list[Point]
    fixed: float | None = None
    """What it costs whatever the other edges do (inf: it enters a box); None until needed."""


class Router:
    def __init__(self, boxes: list[Box], lanes: int, dep: list[float]) -> None:
        self.boxes = boxes
        self.tops = [b.y for b in boxes]
        self.dep = dep
        self.routed: list[Edge] = []
        self._routes: dict[tuple[int, str], list[_Route]] = {}
        self._split: dict[int, tuple[list[Point], list[Line], list[Line]]] = {}
        self.channels = sorted(
            (b * LANE_W + off for b in range(lanes + 1) for off in TRACKS if 0 < b * LANE_W + off < lanes * LANE_W),
        )
        self.spare = [b * LANE_W + LANE_W / 2 for b in range(lanes)] + [lanes * LANE_W + TRACKS[-1]]
        """Lane centres and a track right of the last lane (in the 返回 column), tried only when every
        gutter track would run on another line."""

    def _rows(self, lo: float, hi: float) -> list[Box]:
        """Boxes whose rows the y-range lo..hi reaches into (rows are stacked in list order)."""
        start = max(0, bisect_right(self.tops, lo) - 1)
        end = bisect_right(self.tops, hi)
        return self.boxes[start:end]

    def _fits(self, segs: list[Seg]) -> bool:
        """Does no segment enter the inside of a box?"""
        for (ax, ay), (bx, by) in segs:
            x0, x1 = (ax, bx) if ax < bx else (bx, ax)
            y0, y1 = (ay, by) if ay < by else (by, ay)
            for box in self._rows(y0, y1):
                if x0 < box.right - 0.5 and x1 > box.x + 0.5 and y0 < box.bottom - 0.5 and y1 > box.y + 0.5:
                    return False
        return True

    def _hugging(self, segs: list[Seg], edge: Edge) -> int:
        """Vertical runs close beside a box they do not belong to."""
        count = 0
        for (ax, ay), (bx, by) in segs:
            if ax != bx:
                continue
            lo, hi = (ay, by) if ay < by else (by, ay)
            for box in self._rows(lo, hi):
                if box.id not in (edge.source, edge.target) and lo < box.bottom and hi > box.y and (
                    box.right <= ax < box.right + 12 or box.x - 12 < ax <= box.x
                ):
                    count += 1
        return count

    def _fixed(self, route: _Route, edge: Edge) -> float:
        if route.fixed is None:
            route.fixed = self._hugging(route.segs, edge) * 400 + route.least if self._fits(route.segs) else math.inf
        return route.fixed

    def _candidates(self, edge: Edge, src: Box, dst: Box, tier: str) -> list[_Route]:
        """The routes of one tier, cheapest first by length and bends (the same in every pass).

        "direct" runs straight or with one jog; "all" adds the gutter tracks; "spare" is the lane
        centres and the track right of the lanes, tried when every route of "all" runs on another line.
        """
        key = (id(edge), tier)
        if key in self._routes:
            return self._routes[key]
        tx, ty = dst.cx, dst.y
        arr = ty - ARR
        cands: list[list[Point]] = []
        channels = [c for c in self.spare if c not in (src.cx, tx)] if tier == "spare" else self.channels
        direct = tier != "spare"
        tracks = tier != "direct"
        if edge.port == "bottom":
            px, py = src.cx, src.bottom
            dep = py + self.dep[src.index]
            if direct:
                if px == tx:
                    cands.append([(px, py), (tx, ty)])
                cands.append([(px, py), (px, dep), (tx, dep), (tx, ty)])
                cands.append([(px, py), (px, arr), (tx, arr), (tx, ty)])
            for xc in sorted(channels, key=lambda c: (abs(c - px) + abs(c - tx), c)) if tracks else []:
                cands.append([(px, py), (px, dep), (xc, dep), (xc, arr), (tx, arr), (tx, ty)])
        else:
            sign = 1 if edge.port == "right" else -1
            px, py = (src.right if sign > 0 else src.x), src.cy
            if (tx - px) * sign > 10 and direct:
                cands.append([(px, py), (tx, py), (tx, ty)])
            side = [c for c in channels if (c - px) * sign > 4] if tracks else []
            for xc in sorted(side, key=lambda c: (abs(c - px) + abs(c - tx), c)):
                cands.append([(px, py), (xc, py), (xc, arr), (tx, arr), (tx, ty)])
        routes = [_Route(bound(segs), segs, points) for points in map(clean, cands) for segs in [segments(points)]]
        self._routes[key] = sorted(routes, key=lambda r: r.least)
        return self._routes[key]

    def _track_floor(self, edge: Edge, src: Box, dst: Box) -> float:
        """The least a route by a gutter track can cost: the distance, and its bends (5 from the bottom, 4 from a side)."""
        px, py = (src.cx, src.bottom) if edge.port == "bottom" else (src.right if edge.port == "right" else src.x, src.cy)
        bends = 5 if edge.port == "bottom" else 4
        if px in self.channels or dst.cx in self.channels:
            bends = 1  # a track on the port's or the target's line would merge segments
        return abs(dst.cx - px) + abs(dst.y - py) + 30 * (bends + 1)

    def forward(self, edge: Edge, src: Box, dst: Box) -> list[Point]:
        others = _Others(edge, self.routed, self._split)
        fits: list[tuple[float, list[Point]]] = []
        # A direct route cheaper than any track route could be is the one the full search would choose.
        best = self._best(self._candidates(edge, src, dst, "direct"), edge, others, fits)
        if best is None or best[0] >= self._track_floor(edge, src, dst):
            fits = []
            best = self._best(self._candidates(edge, src, dst, "all"), edge, others, fits)
        if best is None:
            best = self._best(self._candidates(edge, src, dst, "spare"), edge, others, fits)
        if best is not None:
            return best[1]
        if not fits:
            raise AssertionError(f"no route from {edge.source} to {edge.target}")  # gutters are always free
        return min(fits, key=lambda r: r[0])[1]

    def _best(
        self, routes: list[_Route], edge: Edge, others: _Others, fits: list[tuple[float, list[Point]]]
    ) -> tuple[float, list[Point]] | None:
        """The cheapest route that runs along no other line, with its cost; every route that fits goes to ``fits``."""
        best: tuple[float, list[Point]] | None = None
        # Crossings weigh most, then lines hugging a box they do not belong to, then length and bends.
        for route in routes:
            if best is not None and route.least >= best[0]:
                break  # nothing left can win
            fixed = self._fixed(route, edge)
            if fixed == math.inf:
                continue
            fits.append((others.crossings(route.segs) * 1000 + fixed, route.points))
            if others.overlaps(route.segs):
                continue
            if best is None or fits[-1][0] < best[0]:
                best = fits[-1]
        return best
