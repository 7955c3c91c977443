"""Shared fixtures: real builds, a real HTTP server, real Debian chromium."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from .http_servers import QuietServer, start_server, stop_server

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
def shared_tmp(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A folder all pytest-xdist workers of this run share (each worker's own basetemp is below it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if worker_id != "master" else base


@contextlib.contextmanager
def _once(marker: Path) -> Iterator[bool]:
    """Across workers: yields True to the one that must make ``marker``'s thing, False once it is made."""
    with open(marker.with_name(marker.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if marker.exists():
            yield False
            return
        yield True
        marker.touch()


@pytest.fixture(scope="session")
def build_site_of(shared_tmp: Path) -> Callable[[Path], Path]:
    """Build a catalogue's site once per test run (once, not once per xdist worker); returns the site folder."""
    from generator.build import build_site

    def build(catalogue: Path) -> Path:
        catalogue = Path(catalogue).resolve()
        out = shared_tmp / f"site-{hashlib.sha1(str(catalogue).encode()).hexdigest()[:12]}"
        out.mkdir(exist_ok=True)
        with _once(out / "done") as first:
            if first:
                build_site(catalogue, out / "site")
        return out / "site"

    return build


@pytest.fixture(scope="session")
def large_catalogue(shared_tmp: Path) -> Path:
    """A synthetic catalogue of 2,000 items (where builds start forking), made once per test run."""
    from generator.build import BuildOptions

    folder = shared_tmp / "large"
    folder.mkdir(exist_ok=True)
    with _once(folder / "done") as first:
        if first:
            make = ROOT / "bench" / "make_catalogue.py"
            subprocess.run([sys.executable, str(make), str(BuildOptions().parallel_from), str(folder / "catalogue")], check=True)
    return folder / "catalogue"


@pytest.fixture(scope="session")
def large_site(large_catalogue: Path, build_site_of: Callable[[Path], Path]) -> Path:
    """The large catalogue's site (built on the parallel paths), built once per test run."""
    return build_site_of(large_catalogue)


@pytest.fixture(scope="session")
def sample_site(build_site_of: Callable[[Path], Path]) -> Path:
    return build_site_of(SAMPLE)


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[..., str]]:
    """serve(folder, prefix="/qingdan/") -> base URL; the site is served under a sub-path."""
    servers: list[QuietServer] = []

    def start(folder: Path, prefix: str = "/qingdan/") -> str:
        mount = Path(folder).resolve()
        if prefix.strip("/"):
            # Per process: xdist workers serve the same shared site at the same time.
            mount = Path(folder).resolve().parent / f".mount-{os.getpid()}-{len(servers)}"
            if mount.exists():
                shutil.rmtree(mount)
            link = mount / prefix.strip("/")
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(Path(folder).resolve(), target_is_directory=True)
        server = start_server(mount)
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}{prefix}"

    yield start
    for server in servers:
        stop_server(server)


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
