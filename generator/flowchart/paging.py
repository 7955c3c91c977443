"""Where a chart too tall for one printed A4 page is cut into pages.

Printed, a chart is scaled to the A4 text width (never enlarged), and in
大字号 mode enlarged by LARGE as far as that width allows: each mode has its
own bands. One that then fits a page stays whole; a taller one is printed as bands, each under
its own copy of the lane row, cut between two rows where no box, label or
horizontal line is.
"""

from __future__ import annotations

from itertools import pairwise

from generator.flowchart.geom import Layout

PAGE_W = 178 / 25.4 * 96
"""A4 text width in CSS px (210 mm less 16 mm margins each side, see qingdan.css @page)."""
PAGE_H = 259 / 25.4 * 96
"""A4 text height in CSS px (297 mm less 18 mm and 20 mm margins)."""
FIRST_ROOM = PAGE_H - 260
"""What the first band may fill: its page also holds what leads to the chart (an item page's heading
办理流程, larger in 大字号 mode; the general workflow page's title and introduction)."""
ROOM = PAGE_H - 60
"""What a later band may fill, leaving room for the legend after the last."""


LARGE = 1.44
"""The 大字号 zoom of a chart (assets/flowchart.css), on screen and, within the text width, in print."""


def scale(lay: Layout, zoom: float = 1.0) -> float:
    return min(zoom, PAGE_W / lay.width)


def bands(lay: Layout, zoom: float = 1.0) -> list[tuple[float, float]]:
    """(top, bottom) of each printed band in chart units; one band when the chart fits the first page."""
    s = scale(lay, zoom)
    if (lay.header_height + lay.height) * s <= FIRST_ROOM:
        return [(0.0, lay.height)]
    cuts = _cuts(lay)
    out: list[tuple[float, float]] = []
    top = 0.0
    while top < lay.height:
        room = (FIRST_ROOM if not out else ROOM) / s - lay.header_height
        if lay.height - top <= room:
            out.append((top, lay.height))
            break
        fitting = [c for c in cuts if top < c <= top + room]
        bottom = fitting[-1] if fitting else top + room  # a row taller than a page is cut where it must
        out.append((top, bottom))
        top = bottom
    return out


def _cuts(lay: Layout) -> list[float]:
    """One y in each gap between rows that crosses no box, no label and no horizontal line."""
    busy: list[tuple[float, float]] = [(b.y, b.bottom) for b in lay.boxes]
    busy += [(t.bbox()[1] - 2, t.bbox()[3] + 2) for t in lay.labels]
    for edge in lay.edges:
        busy += [(a[1] - 3, a[1] + 3) for a, b in pairwise(edge.points) if a[1] == b[1]]
    busy.sort()
    out = []
    rows = sorted(lay.boxes, key=lambda b: b.y)
    for above, below in pairwise(rows):
        middle = (above.bottom + below.y) / 2
        free = _free(above.bottom, below.y, [(lo, hi) for lo, hi in busy if lo < below.y and hi > above.bottom])
        if free:
            # The free point nearest the middle of the gap.
            out.append(min((min(max(middle, lo), hi) for lo, hi in free), key=lambda y: (abs(y - middle), y)))
    return out


def _free(lo: float, hi: float, busy: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The parts of lo..hi (ends excluded) that no busy interval (sorted, ends included) covers."""
    out = []
    start = lo
    for b_lo, b_hi in busy:
        if b_lo > start:
            out.append((start, min(b_lo, hi)))
        start = max(start, b_hi)
    if start < hi:
        out.append((start, hi))
    # Open intervals: keep a hair away from what they touch.
    return [(a + 0.5, b - 0.5) for a, b in out if b - a > 1]
