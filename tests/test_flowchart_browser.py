"""Flowcharts in the built sample site, in Debian chromium, at phone and desktop widths and in print.

Screenshots go to tests/.screens/flowchart-*.png for people to look at.
The real fonts are measured here: every line of text fits its box as drawn.
"""

from __future__ import annotations

import io
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest

from generator.flowchart import paging
from generator.validate import check

from .conftest import MINIMAL, ROOT

pytestmark = pytest.mark.browser

SCREENS = ROOT / "tests" / ".screens"
ITEM = "items/SX-LY-001/"

# For each chart on the page: text lines wider than their step's shape, as rendered with the real font.
OVERFLOWS = """() => {
  const out = [];
  for (const g of document.querySelectorAll('svg.qd-flow__chart g.qd-step')) {
    const shape = g.querySelector('rect, polygon').getBBox();
    for (const t of g.querySelectorAll('text')) {
      const b = t.getBBox();
      if (b.x < shape.x + 1 || b.x + b.width > shape.x + shape.width - 1) out.push(t.textContent);
    }
  }
  for (const svg of document.querySelectorAll('svg.qd-flow__lanes')) {
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBBox();
      if (b.width > 158) out.push(t.textContent);
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def base(sample_site: Path, serve: Callable[..., str]) -> str:
    return serve(sample_site, prefix="/qingdan/")


def _shot(page: Any, name: str, full: bool = False) -> None:
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / f"flowchart-{name}.png"), full_page=full)


@pytest.mark.parametrize("width", [390, 1280])
def test_item_chart_reads_at_phone_and_desktop_width(page: Any, base: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    page.goto(base + ITEM)
    chart = page.locator("svg.qd-flow__chart")
    assert chart.count() == 1
    assert chart.get_attribute("role") == "img"
    assert page.get_by_role("img", name="森林防火流程图").count() == 1
    # The ordered list, the chart's text alternative, stays on the page.
    steps = page.locator("ol.qd-steps > li")
    assert steps.count() == 5
    chart.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -120)")
    _shot(page, f"item-{width}")
    # Natural size (not shrunk to illegible), the page itself never scrolls sideways.
    box = chart.bounding_box()
    assert box is not None and abs(box["width"] - float(chart.get_attribute("width") or 0)) < 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    scroller = page.locator(".qd-flow__scroll")
    overflow = scroller.evaluate("e => e.scrollWidth > e.clientWidth")
    assert overflow == (box["width"] > width - 40)
    # Phone readers are told the chart goes on to the right.
    assert page.locator(".qd-flow__hint").is_visible() == overflow
    assert page.evaluate(OVERFLOWS) == []
    for text in ["开始", "结束", "移交", "发现火情"]:
        assert chart.locator("text", has_text=text).count() >= 1


def test_general_workflow_page_keeps_lane_names_in_view(page: Any, base: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base)
    link = page.locator(".md-content a[href$='workflow/']").first
    assert link.count() == 1, "the home page links to the general workflow"
    link.click()
    page.wait_for_url("**/workflow/")
    scroller = page.locator(".qd-flow__scroll")
    lanes = page.locator("svg.qd-flow__lanes")
    scroller.scroll_into_view_if_needed()
    assert scroller.evaluate("e => e.scrollHeight > e.clientHeight"), "a long chart scrolls inside its box"
    scroller.evaluate("e => { e.scrollTop = 600; e.scrollLeft = 120; }")
    page.wait_for_timeout(100)
    top = scroller.bounding_box()
    head = lanes.bounding_box()
    assert top is not None and head is not None
    assert abs(head["y"] - top["y"]) <= 2, "lane names stick to the top of the scrolled chart"
    assert head["x"] < top["x"], "and scroll sideways with it"
    page.evaluate("document.querySelector('.qd-flow__scroll').scrollIntoView(); window.scrollBy(0, -56)")
    _shot(page, "workflow-390-scrolled")
    assert page.evaluate(OVERFLOWS) == []


def test_every_item_chart_fits_its_text_with_real_fonts(page: Any, base: str) -> None:
    cat, _ = check(ROOT / "catalogue")
    assert cat is not None
    codes = [item.code for item in cat.items if item.workflow]
    assert len(codes) >= 10
    page.set_viewport_size({"width": 1280, "height": 900})
    for code in codes:
        page.goto(f"{base}items/{code}/")
        assert page.locator("svg.qd-flow__chart").count() == 1, code
        assert page.evaluate(OVERFLOWS) == [], code


def test_chart_prints_within_the_page(page: Any, base: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + "workflow/")
    page.emulate_media(media="print")
    scroller = page.locator(".qd-flow__scroll")
    assert scroller.evaluate("e => getComputedStyle(e).overflow") == "visible"
    assert scroller.evaluate("e => e.scrollHeight <= e.clientHeight + 1"), "nothing is hidden in print"
    content = page.locator("article, .md-content").first.bounding_box()
    assert content is not None
    # The chart, or the pages a tall one is printed as, within the text width.
    drawn = [b for b in (s.bounding_box() for s in page.locator(".qd-flow svg:not(.qd-flow__legend svg)").all()) if b and b["width"]]
    assert drawn and all(b["width"] <= content["width"] + 1 for b in drawn)
    _shot(page, "workflow-print", full=True)
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"


# --- a chart taller than a screen and a printed page --------------------------------------------

TALL = ROOT / "tests" / "data" / "flowchart" / "T-009.yml"
"""An item with a 15-step workflow, added to a copy of the minimal catalogue."""
LANES = ["网格员", "乡镇人民政府", "县林业局"]


@pytest.fixture(scope="module")
def tall(tmp_path_factory: pytest.TempPathFactory, build_site_of: Callable[[Path], Path], serve: Callable[..., str]) -> str:
    folder = tmp_path_factory.mktemp("tall") / "catalogue"
    shutil.copytree(MINIMAL, folder)
    shutil.copy(TALL, folder / "items" / "a" / "T-009.yml")
    return serve(build_site_of(folder), prefix="/qingdan/")


@pytest.mark.parametrize("large", [False, True], ids=["default", "large-text"])
def test_tall_chart_is_shown_whole_on_a_desktop(page: Any, tall: str, large: bool) -> None:
    if large:
        page.add_init_script("localStorage.setItem('qd-large', '1')")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(tall + "items/T-009/")
    scroller = page.locator(".qd-flow__scroll")
    chart = page.locator("svg.qd-flow__chart")
    size = scroller.evaluate("e => ({scroll: e.scrollHeight, client: e.clientHeight})")
    assert size["scroll"] <= size["client"] + 1, "the chart box cuts the chart off"
    box, whole = chart.bounding_box(), scroller.bounding_box()
    assert box is not None and whole is not None and box["height"] > 900, "a chart taller than the window"
    # Every step, down to the last, can be seen by scrolling the page alone.
    for step in ["apply", "review", "archive"]:
        shape = page.locator(f"g.qd-step[data-step='{step}'] rect, g.qd-step[data-step='{step}'] polygon").first
        shape.scroll_into_view_if_needed()
        b = shape.bounding_box()
        assert b is not None
        centre = [b["x"] + b["width"] / 2, b["y"] + b["height"] / 2]
        hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('g.qd-step')?.dataset.step", centre)
        assert hit == step
    _shot(page, "tall-1280" + ("-large" if large else ""))


def test_nothing_floats_over_the_chart(page: Any, tall: str) -> None:
    """Material's back-to-top button shows on scrolling up; over the chart, the chart stays on top."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(tall + "items/T-009/")
    top = page.locator(".md-top")
    chart = page.locator(".qd-flowchart")
    page.evaluate("document.querySelector('.qd-flowchart').scrollIntoView()")
    page.mouse.wheel(0, 900)
    page.wait_for_timeout(300)
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(400)
    assert top.is_visible(), "the button shows (the test would prove nothing otherwise)"
    b, c = top.bounding_box(), chart.bounding_box()
    assert b is not None and c is not None
    points = [(b["x"] + b["width"] * fx, b["y"] + b["height"] * fy) for fx in (0.1, 0.3, 0.5, 0.7, 0.9) for fy in (0.3, 0.7)]
    shared = [(x, y) for x, y in points if c["x"] < x < c["x"] + c["width"] and c["y"] < y < c["y"] + c["height"]]
    assert shared, "the button and the chart share some of the screen (else the test proves nothing)"
    on_top = page.evaluate("pts => pts.map(([x, y]) => !!document.elementFromPoint(x, y)?.closest('.qd-flowchart'))", shared)
    assert on_top == [True] * len(shared)


def test_large_text_scales_the_chart_text(page: Any, tall: str) -> None:
    size = """() => ({
      chart: document.querySelector('g.qd-step text').getBoundingClientRect().height,
      body: document.querySelector('ol.qd-steps li').getBoundingClientRect().height / 1 })"""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(tall + "items/T-009/")
    normal = page.evaluate(size)
    page.evaluate("localStorage.setItem('qd-large', '1')")
    page.reload()
    large = page.evaluate(size)
    body = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-typeset')).fontSize)")
    assert body > 20
    # The chart's words grow as much as the page's.
    assert large["chart"] / normal["chart"] == pytest.approx(large["body"] / normal["body"], rel=0.15)


def _pdf_lines(pdf: bytes) -> list[list[tuple[str, float]]]:
    """Per printed page: each line of text with its height on the page (PDF y grows upwards)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages: list[list[tuple[str, float]]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if not text.strip():
            return
        lines = pages[-1]
        if lines and abs(lines[-1][1] - y) < 0.5:
            lines[-1] = (lines[-1][0] + _plain(text.strip()), lines[-1][1])
        else:
            lines.append((_plain(text.strip()), y))

    for p in reader.pages:
        pages.append([])
        p.extract_text(visitor_text=visit)
    return pages


RADICALS = str.maketrans("⺠⻔⻬⻓⻅⻋⻛⻢⻚", "民门齐长见车风马页")
"""CJK radicals-supplement characters the font's PDF text maps some ideographs to (no NFKC form)."""


def _plain(text: str) -> str:
    """The PDF's text names some ideographs by Kangxi or supplement radicals: back to the usual characters."""
    return "".join(unicodedata.normalize("NFKC", ch) if "\u2f00" <= ch <= "\u2fdf" else ch for ch in text).translate(RADICALS)


def _print(page: Any, url: str, large: bool = False) -> list[list[tuple[str, float]]]:
    return _pdf_lines(_pdf(page, url, large))


def _pdf(page: Any, url: str, large: bool) -> bytes:
    """The page printed to A4 (also written to tests/.screens for people to look at)."""
    if large:
        page.add_init_script("localStorage.setItem('qd-large', '1')")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    page.emulate_media(media="print")
    pdf: bytes = page.pdf(format="A4")
    name = url.rstrip("/").rsplit("/", 1)[-1]
    SCREENS.mkdir(exist_ok=True)
    (SCREENS / f"flowchart-print-{name}{'-large' if large else ''}.pdf").write_bytes(pdf)
    return pdf


def _steps_on(lines: list[tuple[str, float]]) -> dict[int, float]:
    """Step number -> height of the first line of its box (box text starts with ①, ②, …)."""
    return {ord(t[0]) - 0x2460 + 1: y for t, y in lines if "\u2460" <= t[0] <= "\u2473"}


def _lane_row(lines: list[tuple[str, float]]) -> float | None:
    """Height of the lane row (its names print as one line, then the 返回 column's heading)."""
    return next((y for t, y in lines if t == "".join(LANES) + "返回"), None)


@pytest.mark.parametrize("large", [False, True], ids=["default", "large-text"])
def test_printed_tall_chart_keeps_its_lane_names_on_every_page(page: Any, tall: str, large: bool) -> None:
    pages = _print(page, tall + "items/T-009/", large)
    with_steps = [i for i, lines in enumerate(pages) if _steps_on(lines)]
    assert len(with_steps) >= 2, "a 15-step chart spans pages"
    seen: list[int] = []
    for i in with_steps:
        steps, lanes = _steps_on(pages[i]), _lane_row(pages[i])
        # Each page of the chart starts under its own lane row.
        assert lanes is not None, f"page {i + 1} has no lane names"
        assert lanes > max(steps.values()), f"page {i + 1}: lane names are not above the chart"
        seen += steps
    # Every step box printed once: the chart is cut between rows, never through a box.
    assert sorted(seen) == list(range(1, 16))
    first = with_steps[0]
    heading = [y for t, y in pages[first] if t == "办理流程"]
    assert heading and heading[0] > (_lane_row(pages[first]) or 0), "the heading starts the chart's first page"
    # No page holds only the cite box.
    last = [t for t, _ in pages[-1]]
    assert any(t.startswith("永久网址") for t in last)
    assert any("测编办" in t for t in last), "the cite box is printed with what comes before it"


def test_printed_short_chart_stays_on_one_page_with_its_lane_names(page: Any, tall: str) -> None:
    pages = _print(page, tall + "items/T-001/")
    with_steps = [i for i, lines in enumerate(pages) if _steps_on(lines)]
    assert len(with_steps) == 1
    lines = pages[with_steps[0]]
    assert sorted(_steps_on(lines)) == [1, 2, 3, 4]
    lanes = next((y for t, y in lines if t == "".join(LANES)), None)
    assert lanes is not None and lanes > max(_steps_on(lines).values())
    assert any(t == "办理流程" for t, _ in lines)


def _printed_step_text(page: Any, url: str, large: bool) -> tuple[float, float]:
    """(the chart's drawn width in px, the printed height in pt of its step boxes' text)."""
    pdf = _pdf(page, url, large)
    sizes: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip() and "\u2460" <= text.strip()[0] <= "\u2473":
            sizes.append(size * tm[3] * cm[3])

    for p in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        p.extract_text(visitor_text=visit)
    assert sizes, "the step boxes are printed"
    return float(page.locator("svg.qd-flow__chart").first.get_attribute("width") or 0), max(sizes)


@pytest.mark.parametrize("code", ["T-009", "T-001"], ids=["tall", "short"])
def test_large_text_prints_the_chart_larger(chromium: Any, tall: str, code: str) -> None:
    """大字号 enlarges the printed chart as on screen (x1.44), as far as the A4 text width allows."""
    sizes = []
    for large in (False, True):
        context = chromium.new_context(locale="zh-CN")
        try:
            width, size = _printed_step_text(context.new_page(), tall + f"items/{code}/", large)
        finally:
            context.close()
        sizes.append(size)
    expected = min(paging.LARGE, paging.PAGE_W / width) / min(1.0, paging.PAGE_W / width)
    assert expected > 1.2  # else the test proves little
    assert sizes[1] / sizes[0] == pytest.approx(expected, rel=0.03)
