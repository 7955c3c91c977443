"""An older browser without ResizeObserver: the site still requests nothing from another host.

Material's bundle loads a polyfill from a CDN when ``ResizeObserver`` is missing; the site
ships its own (generator/assets/resize-observer.js), loaded before the bundle.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PAGES = ["", "items/", "laws/", "changes/", "downloads/", "search/", "editing/", "workflow/"]


def test_pages_without_resize_observer_stay_on_the_site(page: Any, sample_site: Path, serve: Callable[..., str]) -> None:
    base = serve(sample_site, prefix="/qingdan/")
    item = min(p.parent.name for p in (sample_site / "items").glob("*/index.html"))
    law = min(p.parent.name for p in (sample_site / "laws").glob("*/index.html"))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.add_init_script("delete window.ResizeObserver")  # runs before any page script, on every page
    page.set_viewport_size({"width": 1280, "height": 720})
    for path in [*PAGES, f"items/{item}/", f"laws/{law}/"]:
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert "[native code]" not in page.evaluate("String(window.ResizeObserver)"), path  # ours, not the browser's
        page.mouse.wheel(0, 3000)
        page.set_viewport_size({"width": 700, "height": 720})
        page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(base + "editing/")  # a long page: Material lays out the sidebar and header from resize events
    page.mouse.wheel(0, 2500)
    page.wait_for_function("document.querySelector('[data-md-component=header-title]').classList.contains('md-header__title--active')")
    assert "top:" in (page.locator(".md-sidebar--primary").get_attribute("style") or "")
    assert errors == []
    # the `page` fixture fails the test if any request went to a host other than 127.0.0.1
