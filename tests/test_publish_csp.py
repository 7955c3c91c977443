"""The Content-Security-Policy documented in docs/hosting.md is enough for the built site."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT
from .http_servers import QuietHandler, start_server, stop_server

HOSTING = ROOT / "docs" / "hosting.md"
PAGES = ["", "items/", "changes/", "laws/", "departments/", "editing/"]


def documented_policy() -> str:
    text = HOSTING.read_text(encoding="utf-8")
    block = re.search(r"## 四、内容安全策略.*?```\n(.+?)\n```", text, re.S)
    assert block, "docs/hosting.md: the policy block is missing"
    return block.group(1).strip()


def test_server_examples_use_the_documented_policy() -> None:
    policy = documented_policy()
    text = HOSTING.read_text(encoding="utf-8")
    assert "'wasm-unsafe-eval'" not in policy  # search uses no WebAssembly: nothing extra to allow
    assert "https:" not in policy and "http:" not in policy and "*" not in policy  # nothing from other hosts
    assert f'add_header Content-Security-Policy "{policy}" always;' in text
    assert f'Header always set Content-Security-Policy "{policy}"' in text


class _WithPolicy(QuietHandler):
    policy = ""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.policy)
        super().end_headers()

    def translate_path(self, path: str) -> str:
        return super().translate_path(path.removeprefix("/qingdan"))  # served under a sub-path


@pytest.fixture
def strict_server(sample_site: Path) -> Iterator[str]:
    server = start_server(sample_site, type("H", (_WithPolicy,), {"policy": documented_policy()}))
    yield f"http://127.0.0.1:{server.server_address[1]}/qingdan/"
    stop_server(server)


@pytest.mark.browser
def test_no_policy_violation_on_the_main_pages(page, strict_server: str, sample_site: Path) -> None:  # type: ignore[no-untyped-def]
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.expose_function("qdViolation", lambda text: violations.append(text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => window.qdViolation(e.violatedDirective + ' ' + e.blockedURI))"
    )
    item = sorted(p.parent.name for p in (sample_site / "items").glob("*/index.html"))[0]
    for path in PAGES + [f"items/{item}/"]:
        page.goto(strict_server + path)
        page.wait_for_load_state("networkidle")
        for button in page.query_selector_all("[data-qd-pref]"):
            button.click()  # the reading preferences run script and change styles
    if (sample_site / "search-index").is_dir():  # the search reads its index from the site itself
        page.goto(strict_server)
        page.keyboard.press("/")
        page.keyboard.type("森林防火")
        page.wait_for_function("q => document.querySelector('[data-qd-search]').dataset.qdDone === q", arg="森林防火")
        assert page.locator("[data-qd-search-list] .qd-hit").count() > 0
    assert violations == []
