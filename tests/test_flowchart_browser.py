"""Flowcharts in the built sample site, in Debian chromium, at phone and desktop widths and in print.

Screenshots go to tests/.screens/flowchart-*.png for people to look at.
The real fonts are measured here: every line of text fits its box as drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.validate import check

from .conftest import ROOT

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
    chart = page.locator("svg.qd-flow__chart").bounding_box()
    content = page.locator("article, .md-content").first.bounding_box()
    assert chart is not None and content is not None and chart["width"] <= content["width"] + 1
    _shot(page, "workflow-print", full=True)
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"
