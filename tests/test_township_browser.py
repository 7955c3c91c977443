"""我的乡镇 in Debian chromium: choose a township once, every item page then answers for it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import SAMPLE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base(sample_site: Path, serve: Callable[..., str]) -> str:
    return serve(sample_site, prefix="/qingdan/")


def _sample_item(pred: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    for path in sorted((SAMPLE / "items").rglob("*.yml")):
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        if pred(data):
            return data
    raise AssertionError("the sample has no such item")


def _townships() -> dict[str, dict[str, Any]]:
    return {t["id"]: t for t in yaml.safe_load((SAMPLE / "townships.yml").read_text(encoding="utf-8"))}


@pytest.mark.parametrize("width", [390, 1280])
def test_choose_township_reload_see_answer(chromium: Any, base: str, width: int) -> None:
    towns = _townships()
    lead = _sample_item(lambda d: d["responsibility"] == "lead" and d["townships"] == "all" and "office" in d["township"])
    partial = _sample_item(lambda d: isinstance(d.get("townships"), list) and d["responsibility"] != "returned")
    outside = next(t for t in towns if t not in partial["townships"])
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.route("**/*", lambda route, request: route.continue_() if "127.0.0.1" in request.url else route.abort())
    try:
        # Chosen on the home page ...
        page.goto(base)
        town = towns["qingshui"]
        page.get_by_label("我所在的乡镇（街道）").select_option(label=town["name"])
        home_answer = page.locator(".qd-answer--home [data-qd-mine]")
        assert town["phone"] in home_answer.inner_text()
        # ... remembered on an item page after a reload, above the duties.
        page.goto(base + f"items/{lead['code']}/")
        page.reload()
        box = page.locator("#answer")
        text = box.inner_text()
        assert f"{town['name']}：本事项适用" in text
        assert town["phone"] in text and town["office"] in text and town["hours"] in text
        assert "人民政府" in text  # the township leads
        assert box.bounding_box()["y"] < page.locator("#duties").bounding_box()["y"]
        assert page.get_by_label("我所在的乡镇（街道）").input_value() == "qingshui"
        # An item that does not apply there says so.
        page.get_by_label("我所在的乡镇（街道）").select_option(outside)
        page.goto(base + f"items/{partial['code']}/")
        assert f"本事项不适用于{towns[outside]['name']}" in page.locator("#answer").inner_text()
        # The county lead and its phone are in the box for a 配合责任 item.
        support = _sample_item(lambda d: d["responsibility"] == "support")
        page.goto(base + f"items/{support['code']}/")
        lead_dept = next(d["department"] for d in support["departments"] if d["role"] == "lead")
        depts = {d["id"]: d for d in yaml.safe_load((SAMPLE / "departments.yml").read_text(encoding="utf-8"))}
        assert depts[lead_dept]["phone"] in page.locator("#answer").inner_text()
    finally:
        context.close()


def test_township_page_sets_my_township(page: Any, base: str) -> None:
    towns = _townships()
    page.goto(base + "townships/hexi/")
    assert towns["hexi"]["phone"] in page.locator(".qd-contacts").inner_text()
    page.get_by_role("button", name="设为我的乡镇").click()
    assert page.get_by_role("button", name="已设为我的乡镇").get_attribute("aria-pressed") == "true"
    code = page.locator("table.qd-town-items tbody tr").first.get_attribute("id")
    page.goto(base + f"items/{code}/")
    assert towns["hexi"]["name"] in page.locator("#answer [data-qd-mine]").inner_text()


def test_without_javascript_the_answers_are_static_pages(chromium: Any, base: str) -> None:
    towns = _townships()
    lead = _sample_item(lambda d: d["responsibility"] == "lead" and d["townships"] == "all")
    context = chromium.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(base + f"items/{lead['code']}/")
        assert not page.get_by_label("我所在的乡镇（街道）").is_visible()
        page.locator("#answer").get_by_role("link", name=towns["qingshui"]["name"]).click()
        page.wait_for_url(f"**/townships/qingshui/#{lead['code']}")
        row = page.locator(f"tr[id='{lead['code']}']")
        assert "清水镇人民政府" in row.inner_text() and towns["qingshui"]["phone"] in row.inner_text()
        assert towns["qingshui"]["address"] in page.locator(".qd-contacts").inner_text()
    finally:
        context.close()
