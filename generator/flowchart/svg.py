"""Item.workflow -> swimlane flowchart as inline SVG (geometry in ``flowlayout``).

The markup is self-contained (styles are presentation attributes, no
scripts, no fonts to fetch), so it prints and also works outside the site;
``assets/flowchart.css`` only adds the scroll box and its sticky lane row.
"""

from __future__ import annotations

import hashlib
import html
import math
from functools import lru_cache

from generator.cache import Cache, key
from generator.flowchart import paging
from generator.flowchart.geom import LANE_W, Box, Edge, Layout, Text
from generator.flowchart.layout import Node, layout
from generator.model import Catalogue, Step, flow_successors

FONTS = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
INK, MUTED = "#1f2937", "#4b5563"
HANDOVER = "#1d4ed8"
LANE_FILLS = ("#ffffff", "#f3f6f9")
PHONE = 354
"""Widest chart that fits a 390 px phone beside the page margins."""
EDGE_STYLE = {
    "flow": f'stroke="{INK}" stroke-width="1.4"',
    "handover": f'stroke="{HANDOVER}" stroke-width="3"',
    "loop": f'stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="6 4"',
}
ARROW = {"flow": (8.0, 4.0, INK), "handover": (11.0, 6.0, HANDOVER), "loop": (8.0, 4.0, MUTED)}
_MARKDOWN = str.maketrans({c: f"&#{ord(c)};" for c in "{}[]`*_|\\"})


def esc(text: str) -> str:
    """Escape for HTML/SVG, and also the characters Markdown or templates would act on."""
    return html.escape(text, quote=True).translate(_MARKDOWN)


@lru_cache(maxsize=65536)  # a chart writes ~230 numbers, mostly the same coordinates again
def _n(v: float) -> str:
    """Stable number text: at most one decimal, no trailing zero."""
    r = round(v, 1)
    return str(int(r)) if r == int(r) else f"{r:.1f}"


def number(n: int) -> str:
    """Step number as on the ordered list beside the chart: ① … ⑳, then "21."."""
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"{n}."


def organisation(actor: str, cat: Catalogue | None) -> str:
    """The organisation an actor works for: a township's own offices (level township) are the township."""
    dept = cat.department.get(actor) if cat else None
    return "township" if dept is not None and dept.level == "township" else actor


def nodes_of(steps: list[Step], cat: Catalogue | None = None) -> list[Node]:
    """Steps -> layout nodes; targets that name no step are dropped (``qingdan check`` reports them)."""
    known = {s.id for s in steps}
    following = flow_successors(steps)
    out: list[Node] = []
    for i, step in enumerate(steps):
        targets: list[tuple[str, str | None]]
        if step.branches:
            targets = [(b.next, b.when) for b in step.branches if b.next in known]
        else:
            targets = [(t, None) for t in following[step.id] if t in known]
        # Box text drops the closing full stop, as printed flowcharts do.
        action = f"{number(i + 1)}{step.action.strip().rstrip('。；;.')}"
        out.append(Node(step.id, step.actor, organisation(step.actor, cat), action, step.time_limit, targets, bool(step.branches)))
    return out


def draw(steps: list[Step], cat: Catalogue, title: str, store: Cache | None = None) -> str:
    """Return the workflow as inline SVG markup (already escaped), or "" when there are no steps.

    With ``store`` a chart is drawn once and then read back: the item page, its
    version pages and the workflow page (on other workers, or in a later build)
    share one drawing. The entry is named by all the drawing reads: the nodes
    (steps as the layout sees them, with each actor's organisation), the lane
    labels and the title.
    """
    if not steps:
        return ""
    nodes = nodes_of(steps, cat)
    labels = {n.actor: cat.actor_label(n.actor) for n in nodes}
    if store is None:
        return _draw(nodes, labels, title)
    name = key("chart", repr((title, nodes, labels)))
    return store.get_or_make("chart", name, lambda: _draw(nodes, labels, title).encode("utf-8")).decode("utf-8")


def _draw(nodes: list[Node], labels: dict[str, str], title: str) -> str:
    lay = layout(nodes, labels)
    digest = hashlib.sha1("\n".join([title] + [f"{n.id}|{n.actor}|{n.action}" for n in nodes]).encode()).hexdigest()
    uid = f"qdf-{digest[:10]}"
    # Wider than a phone's screen: the legend tells phone readers the chart scrolls sideways.
    classes = "qd-flow" + (" qd-flow--wide" if lay.width > PHONE else "")
    pages, large = paging.bands(lay), paging.bands(lay, paging.LARGE)
    if len(pages) > 1:
        classes += " qd-flow--pages"
    if len(large) > 1:  # 大字号 prints larger, so in more bands: never fewer than the default
        classes += " qd-flow--pages-large"
    ref = uid if len(large) > 1 else None
    return "".join(
        [
            f'<div class="{classes}" id="{uid}">',
            # Focusable so keyboard users can scroll it (axe: scrollable-region-focusable).
            '<div class="qd-flow__scroll" tabindex="0" role="region" aria-label="流程图（可左右滚动）">',
            _header(lay, ref),
            _chart(lay, uid, title, describe(nodes, labels), ref),
            "</div>",
            _pages(lay, uid, pages, "qd-flow__pages") if len(pages) > 1 else "",
            _pages(lay, uid, large, "qd-flow__pages qd-flow__pages--large") if len(large) > 1 else "",
            _legend(),
            "</div>",
        ]
    )


def _pages(lay: Layout, uid: str, pages: list[tuple[float, float]], classes: str) -> str:
    """The printed pages of a tall chart: each band of the chart under the lane row, both drawn by reference."""
    w, hh = _n(lay.width), _n(lay.header_height)
    out = [f'<div class="{classes}" aria-hidden="true">']
    for top, bottom in pages:
        out.append(
            f'<div class="qd-flow__page"><svg width="{w}" height="{hh}" viewBox="0 0 {w} {hh}"><use href="#{uid}-lanes"/></svg>'
            f'<svg width="{w}" height="{_n(bottom - top)}" viewBox="0 {_n(top)} {w} {_n(bottom - top)}">'
            f'<use href="#{uid}-body"/></svg></div>'
        )
    out.append("</div>")
    return "".join(out)


def describe(nodes: list[Node], labels: dict[str, str]) -> str:
    """The chart in words, for <desc>: every step, its actor, time limit and where it leads."""
    num = {n.id: i + 1 for i, n in enumerate(nodes)}
    by_id = {n.id: n for n in nodes}
    lanes = list(dict.fromkeys(labels[n.actor] for n in nodes))
    parts = [f"共{len(nodes)}步，涉及{'、'.join(lanes)}。"]
    for i, node in enumerate(nodes):
        mark = "（开始）" if i == 0 else ("（结束）" if not node.targets else "")
        text = f"第{i + 1}步{mark}，{labels[node.actor]}：{node.action.removeprefix(number(i + 1))}"
        if node.time_limit:
            text += f"，时限{node.time_limit}"
        goes = []
        for target, when in node.targets:
            if num[target] <= i + 1:
                where = f"返回第{num[target]}步"
            elif by_id[target].org != node.org:
                where = f"移交{labels[by_id[target].actor]}（第{num[target]}步）"
            elif by_id[target].actor != node.actor:
                where = f"转{labels[by_id[target].actor]}（第{num[target]}步）"
            else:
                where = f"转第{num[target]}步"
            goes.append(f"{when}则{where}" if when else where)
        # The plain next step in the same lane goes without saying.
        if goes and goes != [f"转第{i + 2}步"]:
            text += "；" + "；".join(goes)
        parts.append(text + "。")
    return "".join(parts)


def chart_name(title: str) -> str:
    """Accessible name: "森林防火巡查" gives "森林防火巡查流程图", "乡呼县应通用流程" gives "乡呼县应通用流程图"."""
    if title.endswith("流程图"):
        return title
    return title + ("图" if title.endswith("流程") else "流程图")


def _text(t: Text, fill: str = INK, halo: bool = False) -> str:
    attrs = f'x="{_n(t.x)}" y="{_n(t.y)}" font-size="{_n(t.size)}"'
    if t.anchor != "start":
        attrs += f' text-anchor="{t.anchor}"'
    if t.bold:
        attrs += ' font-weight="bold"'
    if halo:
        attrs += ' stroke="#ffffff" stroke-width="3.5" stroke-linejoin="round" paint-order="stroke"'
    return f'<text {attrs} fill="{fill}">{esc(t.text)}</text>'


def _returns(lay: Layout) -> tuple[float, float] | None:
    """x and width of the column right of the lanes where loops run back, if any."""
    right = lay.lanes[-1].x + LANE_W
    return (right, lay.width - right) if any(e.kind == "loop" for e in lay.edges) else None


def _lane_rects(lay: Layout, y: float, h: float) -> str:
    out = []
    column = _returns(lay)
    if column:
        out.append(f'<rect x="{_n(column[0])}" y="{_n(y)}" width="{_n(column[1])}" height="{_n(h)}" fill="{LANE_FILLS[1]}"/>')
    for i, lane in enumerate(lay.lanes):
        out.append(f'<rect x="{_n(lane.x)}" y="{_n(y)}" width="{LANE_W}" height="{_n(h)}" fill="{LANE_FILLS[i % 2]}"/>')
    for lane in lay.lanes[1:]:
        out.append(f'<line x1="{_n(lane.x)}" y1="{_n(y)}" x2="{_n(lane.x)}" y2="{_n(y + h)}" stroke="#9aa5b1" stroke-width="1"/>')
    last = lay.lanes[-1].x + LANE_W
    out.append(f'<line x1="{_n(last)}" y1="{_n(y)}" x2="{_n(last)}" y2="{_n(y + h)}" stroke="#9aa5b1" stroke-width="1"/>')
    return "".join(out)


def _header(lay: Layout, ref: str | None) -> str:
    """The lane row; with ``ref``, its drawing is a group the printed pages reuse."""
    h = lay.header_height
    out = [
        f'<svg class="qd-flow__lanes" aria-hidden="true" width="{_n(lay.width)}" height="{_n(h)}" '
        f'viewBox="0 0 {_n(lay.width)} {_n(h)}" font-family="{FONTS}">',
        f'<g id="{ref}-lanes" font-family="{FONTS}">' if ref else "",
        f'<rect x="0" y="0" width="{_n(lay.width)}" height="{_n(h)}" fill="#ffffff"/>',
    ]
    for lane in lay.lanes:
        out.append(f'<rect x="{_n(lane.x)}" y="0" width="{LANE_W}" height="{_n(h)}" fill="#e3e9f0" stroke="#9aa5b1" stroke-width="1"/>')
        top = (h - len(lane.lines) * 19) / 2 + 15
        for k, line in enumerate(lane.lines):
            out.append(_text(Text(lane.x + LANE_W / 2, top + k * 19, line, 14, bold=True)))
    column = _returns(lay)
    if column:
        x, w = column
        out.append(f'<rect x="{_n(x)}" y="0" width="{_n(w)}" height="{_n(h)}" fill="#e3e9f0" stroke="#9aa5b1" stroke-width="1"/>')
        out.append(_text(Text(x + w / 2, (h - 19) / 2 + 15, "返回", 14, bold=True)))
    right = lay.width if column else lay.lanes[-1].x + LANE_W
    out.append(f'<line x1="0" y1="{_n(h - 1)}" x2="{_n(right)}" y2="{_n(h - 1)}" stroke="{INK}" stroke-width="2"/>')
    out.append("</g></svg>" if ref else "</svg>")
    return "".join(out)


def _chart(lay: Layout, uid: str, title: str, desc: str, ref: str | None) -> str:
    w, h = _n(lay.width), _n(lay.height)
    out = [
        f'<svg class="qd-flow__chart" role="img" aria-labelledby="{uid}-t" aria-describedby="{uid}-d" '
        f'width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONTS}">',
        f'<title id="{uid}-t">{esc(chart_name(title))}</title>',
        f'<desc id="{uid}-d">{esc(desc)}</desc>',
        f'<g id="{ref}-body" font-family="{FONTS}">' if ref else "",
        _lane_rects(lay, 0, lay.height),
    ]
    out += [_edge(e) for e in lay.edges]
    out += [_box(b) for b in lay.boxes]
    fills = {"handover": HANDOVER, "loop": MUTED}
    out += [_text(t, fills.get(t.role, INK), halo=True) for t in lay.labels]
    out.append("</g></svg>" if ref else "</svg>")
    return "".join(out)


def _edge(edge: Edge) -> str:
    pts = list(edge.points)
    length, half, color = ARROW[edge.kind]
    (x0, y0), (x1, y1) = pts[-2], pts[-1]
    seg = math.hypot(x1 - x0, y1 - y0) or 1.0
    ux, uy = (x1 - x0) / seg, (y1 - y0) / seg
    # The line stops inside the arrowhead so a thick line does not blunt its tip.
    pts[-1] = (x1 - ux * (length - 2), y1 - uy * (length - 2))
    path = " ".join(f"{_n(x)},{_n(y)}" for x, y in pts)
    bx, by = x1 - ux * length, y1 - uy * length
    head = f"{_n(x1)},{_n(y1)} {_n(bx - uy * half)},{_n(by + ux * half)} {_n(bx + uy * half)},{_n(by - ux * half)}"
    return (
        f'<g class="qd-edge qd-edge--{edge.kind}" data-from="{esc(edge.source)}" data-to="{esc(edge.target)}">'
        f'<polyline points="{path}" fill="none" {EDGE_STYLE[edge.kind]} stroke-linejoin="round"/>'
        f'<polygon points="{head}" fill="{color}"/></g>'
    )


def _box(box: Box) -> str:
    out = [f'<g class="qd-step qd-step--{box.shape}" data-step="{esc(box.id)}">']
    if box.shape == "decision":
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in box.outline())
        out.append(f'<polygon points="{pts}" fill="#fff7e0" stroke="{INK}" stroke-width="1.5"/>')
    else:
        width = "2.4" if box.shape == "terminal" else "1.4"
        out.append(
            f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.w)}" height="{_n(box.h)}" rx="{_n(box.rx)}" '
            f'fill="#ffffff" stroke="{INK}" stroke-width="{width}"/>'
        )
    if box.badge:
        bx, by, bw, bh = box.badge
        out.append(f'<rect x="{_n(bx)}" y="{_n(by)}" width="{_n(bw)}" height="{_n(bh)}" rx="4" '
                   'fill="#ffffff" stroke="#9a3412" stroke-width="1"/>')
    for t in box.texts:
        if t.role == "tag":
            tw = 38
            out.append(f'<rect x="{_n(t.x - tw / 2)}" y="{_n(t.y - 12)}" width="{tw}" height="16" rx="8" fill="{INK}"/>')
            out.append(_text(t, "#ffffff"))
        else:
            out.append(_text(t, "#9a3412" if t.role == "badge" else INK))
    out.append("</g>")
    return "".join(out)


def _legend() -> str:
    """Key to the three kinds of line and the decision shape; printed with the chart."""
    items = [("flow", "本单位内流转"), ("handover", "移交其他单位"), ("loop", "返回前面步骤")]
    out = ['<p class="qd-flow__legend">']
    for kind, text in items:
        head = ARROW[kind]
        out.append(
            f'<span><svg aria-hidden="true" width="36" height="12" viewBox="0 0 36 12">'
            f'<line x1="1" y1="6" x2="{_n(34 - head[0])}" y2="6" fill="none" {EDGE_STYLE[kind]}/>'
            f'<polygon points="35,6 {_n(35 - head[0])},{_n(6 - head[1])} {_n(35 - head[0])},{_n(6 + head[1])}" '
            f'fill="{head[2]}"/></svg>{text}</span>'
        )
    out.append(
        '<span><svg aria-hidden="true" width="30" height="14" viewBox="0 0 30 14">'
        f'<polygon points="5,1 25,1 29,7 25,13 5,13 1,7" fill="#fff7e0" stroke="{INK}" stroke-width="1.2"/></svg>判断（按条件分支）</span>'
    )
    out.append('<span class="qd-flow__hint">左右滑动可查看全图</span></p>')
    return "".join(out)
