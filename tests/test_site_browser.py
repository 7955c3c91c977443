"""The built sample site in Debian chromium: navigation, citations, accessibility, layout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.browser

SCREENS = ROOT / "tests" / ".screens"  # gitignored; written for people to look at


@pytest.fixture(scope="module")
def base(sample_site: Path, serve: Callable[..., str]) -> str:
    return serve(sample_site, prefix="/qingdan/")


def _first_item_with_citation(page: Any, base: str) -> None:
    page.goto(base)
    page.locator(".qd-groups a").first.click()
    page.wait_for_url("**/categories/*/")
    page.locator("table.qd-items tbody a").first.click()
    page.wait_for_url("**/items/*/")


def test_home_category_item_citation(page: Any, base: str) -> None:
    _first_item_with_citation(page, base)
    assert page.locator("h1.qd-title").inner_text()
    link = page.locator(".qd-article__head a").first
    href = link.get_attribute("href")
    assert href and "#art-" in href
    link.click()
    page.wait_for_url("**/laws/*/#art-*")
    target = page.url.split("#", 1)[1]
    article = page.locator(f"[id='{target}']")
    assert article.count() == 1
    assert article.is_visible()
    box = article.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"]
    assert "/qingdan/laws/" in page.url  # relative links keep the sub-path


def test_prefs_are_remembered_across_pages(page: Any, base: str) -> None:
    page.goto(base)
    page.get_by_role("button", name="大字号").click()
    page.get_by_role("button", name="高对比度").click()
    page.goto(base + "items/")
    assert page.evaluate("document.documentElement.className").split() >= ["qd-contrast", "qd-large"] or set(
        page.evaluate("document.documentElement.className").split()
    ) >= {"qd-large", "qd-contrast"}
    assert page.get_by_role("button", name="大字号").get_attribute("aria-pressed") == "true"
    size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert size >= 25  # 160 % of 16 px
    page.get_by_role("button", name="大字号").click()
    page.reload()
    assert "qd-large" not in page.evaluate("document.documentElement.className")


def test_all_items_filter_and_sort(page: Any, base: str) -> None:
    page.goto(base + "items/?kind=lead")
    rows = page.locator("#qd-all-items tbody tr")
    total = rows.count()
    visible = page.locator("#qd-all-items tbody tr:not([hidden])")
    assert 0 < visible.count() < total
    assert set(visible.evaluate_all("rs => rs.map(r => r.dataset.kind)")) == {"lead"}
    page.select_option("#qd-filters select[name=kind]", "")
    page.select_option("#qd-filters select[name=township]", index=1)
    town = page.eval_on_selector("#qd-filters select[name=township]", "s => s.value")
    kept = visible.evaluate_all("rs => rs.map(r => r.dataset.township)")
    assert kept and all(t == "all" or town in t.split() for t in kept)
    page.select_option("#qd-filters select[name=township]", "")
    page.fill("#qd-filters input[name=q]", "森林")
    assert all("森林" in t for t in visible.evaluate_all("rs => rs.map(r => r.textContent)"))
    page.fill("#qd-filters input[name=q]", "")
    page.get_by_role("button", name="编码").click()
    page.get_by_role("button", name="编码").click()
    codes = page.locator("#qd-all-items tbody tr td.qd-code").all_inner_texts()
    assert codes == sorted(codes, reverse=True)


def _item_with_workflow(site: Path) -> str | None:
    for folder in sorted((site / "items").iterdir()):
        page = folder / "index.html"
        if page.is_file() and "qd-flowchart" in page.read_text(encoding="utf-8"):
            return f"items/{folder.name}/"
    return None


@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots_and_no_sideways_scroll(chromium: Any, base: str, sample_site: Path, width: int) -> None:
    SCREENS.mkdir(exist_ok=True)
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        for name, path in [("home", ""), ("item", _item_with_workflow(sample_site) or "items/"), ("items", "items/"), ("law", "laws/")]:
            page.goto(base + path)
            page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=False)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, (name, width, overflow)
    finally:
        context.close()


def test_print_hides_navigation(page: Any, base: str, sample_site: Path) -> None:
    page.goto(base + (_item_with_workflow(sample_site) or "items/"))
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-tabs", ".qd-prefs", ".md-footer"):
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("h1.qd-title").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"


def test_a_page_load_fetches_nothing_that_grows_with_the_catalogue(page: Any, base: str, sample_site: Path) -> None:
    """No sitemap.xml (Material fetches it for rel="alternate" links), no search index until a search."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    item = sorted(p.parent.name for p in (sample_site / "items").glob("*/index.html"))[0]
    for path in ("", f"items/{item}/", "changes/"):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    assert seen and all(url.startswith(base) for url in seen)
    assert [url for url in seen if "sitemap" in url or "search-index" in url or url.endswith(".json")] == []


def test_first_paint_waits_only_for_what_the_page_uses(page: Any, base: str, sample_site: Path) -> None:
    """No palette.css (Material's named colours, unused), no ResizeObserver polyfill in a browser that has
    ResizeObserver, and the flowchart styles only on pages that draw a chart."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url.removeprefix(base)))
    item = _item_with_workflow(sample_site)
    assert item
    for path in ("", "townships/", item):
        seen.clear()
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert [url for url in seen if "palette." in url or url.endswith("resize-observer.js")] == [], path
        assert ("assets/qingdan/flowchart.css" in seen) == (path == item), path
    assert page.locator(".qd-flow__scroll").first.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    for html in sample_site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert ('class="qd-flowchart' not in text) or "assets/qingdan/flowchart.css" in text, html
