"""Shared fixtures: real builds, a real HTTP server, real Debian chromium."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "catalogue"
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def minimal_copy(tmp_path: Path) -> Path:
    """A writable copy of the minimal valid catalogue, for tests that break it."""
    target = tmp_path / "catalogue"
    shutil.copytree(MINIMAL, target)
    return target


@pytest.fixture
def repo(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A git repository in a temp folder holding a copy of the minimal catalogue (tests/gitrepo.py)."""
    from .gitrepo import Repo

    return Repo(tmp_path / "repo")


@pytest.fixture(scope="session")
def build_site_of(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Path]:
    """Build a catalogue's site once per session; returns the site folder."""
    from generator.build import build_site

    built: dict[Path, Path] = {}

    def build(catalogue: Path) -> Path:
        catalogue = Path(catalogue).resolve()
        if catalogue not in built:
            out = tmp_path_factory.mktemp("site") / "site"
            build_site(catalogue, out)
            built[catalogue] = out
        return built[catalogue]

    return build


@pytest.fixture(scope="session")
def sample_site(build_site_of: Callable[[Path], Path]) -> Path:
    return build_site_of(SAMPLE)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[..., str]]:
    """serve(folder, prefix="/qingdan/") -> base URL; the site is served under a sub-path."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(folder: Path, prefix: str = "/qingdan/") -> str:
        mount = Path(folder).resolve()
        if prefix.strip("/"):
            mount = Path(folder).resolve().parent / f".mount-{len(servers)}"
            if mount.exists():
                shutil.rmtree(mount)
            link = mount / prefix.strip("/")
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(Path(folder).resolve(), target_is_directory=True)
        handler = functools.partial(_Quiet, directory=str(mount))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}{prefix}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def chromium():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):  # type: ignore[no-untyped-def]
    """A fresh page; the test fails if any request goes to a host other than 127.0.0.1."""
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    outside: list[str] = []

    def guard(route, request) -> None:  # type: ignore[no-untyped-def]
        host = urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")) or host == "127.0.0.1":
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()

    page.route("**/*", guard)
    yield page
    context.close()
    assert not outside, f"requests left the host: {outside}"


def first_sheet(wb: Workbook) -> Worksheet:
    """The active sheet of a new workbook (typed: openpyxl's ``active`` may be None)."""
    ws = wb.active
    assert isinstance(ws, Worksheet)
    return ws
