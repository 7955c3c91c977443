"""Every page type, at 390 and 1280 px, in the default, 大字号 and 高对比度 modes: no axe-core violation
(of any impact: landmark-unique, for one, is only "moderate"); and the keyboard paths (skip link, header
search, focus style)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
MODES = {"default": "", "large": "qd-large", "contrast": "qd-contrast"}
WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def base(sample_site: Path, serve: Callable[..., str]) -> str:
    return serve(sample_site, prefix="/qingdan/")


def _first(site: Path, folder: str, contains: str = "") -> str:
    for path in sorted((site / folder).glob("*/index.html")):
        if contains in path.read_text(encoding="utf-8"):
            return f"{folder}/{path.parent.name}/"
    raise AssertionError(f"no page in {folder} with {contains!r}")


def page_types(site: Path) -> dict[str, str]:
    """One page of every kind the site has, generated and hand-written."""
    return {
        "home": "", "items": "items/", "item": _first(site, "items", "qd-flowchart"),
        "cancelled": _first(site, "items", "qd-banner--cancelled"), "categories": "categories/",
        "category": _first(site, "categories"), "departments": "departments/", "department": _first(site, "departments"),
        "townships": "townships/", "township": _first(site, "townships"), "handbook": "townships/qingshui/handbook/",
        "laws": "laws/", "law": _first(site, "laws", "qd-chapter"), "workflow": "workflow/", "changes": "changes/",
        "downloads": "downloads/", "search": "search/?q=森林防火", "editing": "editing/", "errors": "editing/errors/",
        "about": "about/", "hosting": "hosting/", "404": "404.html",
        "version": _first(site, "items/" + _first(site, "items", "qd-flowchart").split("/")[1] + "/v"), "as-of": "as-of/",
        "assignments": "assignments/", "assignment": _first(site, "assignments"),
    }


KINDS = [
    "home", "items", "item", "cancelled", "categories", "category", "departments", "department", "townships", "township",
    "handbook", "laws", "law", "workflow", "changes", "downloads", "search", "editing", "errors", "about", "hosting", "404",
    "version", "as-of", "assignments", "assignment"]


@pytest.mark.parametrize("kind", KINDS)
def test_no_axe_violations(page: Any, base: str, sample_site: Path, serve: Callable[..., str], kind: str) -> None:
    """One load per page type; widths and modes change in place (as a reader's buttons do)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run npm ci --prefix tests/js")
    path = page_types(sample_site)[kind]
    if kind == "404":  # its links start from the path of site_url (the sample's is "/"), as MkDocs writes them
        base = serve(sample_site, prefix="/")
    bad: list[Any] = []
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    page.goto(base + path)
    page.add_script_tag(path=str(AXE))
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for mode, cls in MODES.items():
            page.evaluate("""cls => { const r = document.documentElement; r.classList.remove('qd-large', 'qd-contrast');
                             if (cls) r.classList.add(cls); window.dispatchEvent(new Event('resize')); }""", cls)
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            bad += [(width, mode, v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert bad == [], path


@pytest.mark.parametrize("path", ["items/", "editing/"])
def test_skip_link_is_the_first_tab_and_lands_on_the_content(page: Any, base: str, path: str) -> None:
    page.goto(base + path)
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "跳到正文" and skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "qd-content"
    if path == "items/":  # the next Tab reaches the first filter (the reading buttons come before the content)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == "kind"


def test_header_search_closes_when_focus_leaves(page: Any, base: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base + "items/")
    page.locator("[data-qd-search-input]").focus()
    assert page.evaluate("document.getElementById('__search').checked")
    page.keyboard.type("森林")
    page.wait_for_selector("[data-qd-search-list] a")
    for _ in range(40):
        page.keyboard.press("Tab")
        if not page.evaluate("document.querySelector('[data-qd-search]').contains(document.activeElement)"):
            break
    assert not page.evaluate("document.querySelector('[data-qd-search]').contains(document.activeElement)")
    assert not page.evaluate("document.getElementById('__search').checked")
    assert not page.locator(".md-search__output").is_visible()


@pytest.mark.parametrize("selector", ["#qd-filters select[name=kind]", ".qd-pref", "#qd-all-items a"])
def test_one_visible_focus_style(page: Any, base: str, selector: str) -> None:
    page.goto(base + "items/")
    page.locator(selector).first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    style = page.evaluate("(() => { const s = getComputedStyle(document.activeElement); "
                          "return [s.outlineStyle, s.outlineWidth, s.outlineColor]; })()")
    assert style == ["solid", "3px", "rgb(245, 166, 35)"], (selector, style)


def test_copy_button_copies_the_citation(chromium: Any, base: str, sample_site: Path) -> None:
    context = chromium.new_context(locale="zh-CN", permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        path = _first(sample_site, "items", "qd-flowchart")
        page.goto(base + path)
        page.get_by_role("button", name="复制引用").click()
        page.wait_for_selector(".qd-copy__status:has-text('已复制')")
        text = page.evaluate("navigator.clipboard.readText()")
        code = path.split("/")[1]
        assert f"第 {code} 项" in text and f"/items/{code}/" in text
    finally:
        context.close()


def test_titles_have_one_weight(page: Any, base: str) -> None:
    weights = {}
    for path in ("search/?q=森林", "editing/", "404.html", "items/", "townships/qingshui/"):
        page.goto(base + path)
        weights[path] = page.eval_on_selector("h1", "h => getComputedStyle(h).fontWeight")
    assert set(weights.values()) == {"700"}, weights
