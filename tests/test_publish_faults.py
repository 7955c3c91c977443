"""Fault injection: ``qingdan publish`` killed with SIGKILL during the build and during the swap.

After every kill the live folder is complete (exactly the old or exactly the new site, every page
served over loopback), and the next publish removes what the killed one left and succeeds.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import MINIMAL, ROOT
from .http_servers import start_server, stop_server

WAIT = 300  # seconds: only a bound against a hung process, not a speed limit


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _publish(catalogue: Path, live: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "generator.cli", "publish", "--catalogue", str(catalogue), "--out", str(live)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_when(proc: subprocess.Popen[bytes], ready: Callable[[], bool]) -> bool:
    """SIGKILL ``proc`` as soon as ``ready()``; False when it finished first."""
    end = time.monotonic() + WAIT
    while proc.poll() is None:
        if ready():
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        assert time.monotonic() < end, "publish hung"
    return False


@pytest.fixture
def www(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """The live folder's parent, served on 127.0.0.1; the site is at /live/."""
    root = tmp_path / "www"
    root.mkdir()
    server = start_server(root)
    yield root, f"http://127.0.0.1:{server.server_address[1]}/live/"
    stop_server(server)


def _all_served(live: Path, base: str) -> None:
    for rel in [p.relative_to(live).as_posix() for p in sorted(live.rglob("index.html"))]:
        with urllib.request.urlopen(base + rel.removesuffix("index.html"), timeout=30) as response:
            assert response.status == 200, rel


def test_publish_killed_during_build_and_swap_leaves_a_complete_site(tmp_path: Path, www: tuple[Path, str]) -> None:
    root, base = www
    live = root / "live"
    catalogue = tmp_path / "catalogue"
    shutil.copytree(MINIMAL, catalogue)
    assert _publish(catalogue, live).wait() == 0
    old = _tree(live)
    item = catalogue / "items/a/T-001.yml"
    item.write_text(item.read_text(encoding="utf-8").replace("name: 森林防火巡查", "name: 森林防火巡护")
                    + "  - date: 2025-06-01\n    action: adjusted\n    approval: 测编办〔2025〕6号\n", encoding="utf-8")
    seen: list[dict[str, bytes]] = []

    def leftovers() -> list[str]:
        return sorted(p.name for p in root.iterdir() if p.name != "live")

    # 1. During the build: once MkDocs has started writing the staged site.
    for _ in range(2):
        proc = _publish(catalogue, live)
        assert _kill_when(proc, lambda: any(root.glob("..live.publish-*.build-*/site")))
        seen.append(_tree(live))
        _all_served(live, base)
    assert any(".build-" in name for name in leftovers())

    # 2. During the swap: while the previous live folder is renamed away or being removed.
    swaps = 0
    for _ in range(4):
        proc = _publish(catalogue, live)
        killed = _kill_when(proc, lambda: any(root.glob(".live.old-*")))
        if killed and any(root.glob(".live.old-*")):
            swaps += 1
        if live.exists():
            seen.append(_tree(live))
            _all_served(live, base)
        if swaps >= 2:
            break
    assert swaps >= 1, "never killed during the swap"

    # 3. The next publish cleans up (or puts back) what the killed ones left, and succeeds.
    assert _publish(catalogue, live).wait() == 0
    new = _tree(live)
    assert new != old and leftovers() == []
    assert all(tree in (old, new) for tree in seen)
    _all_served(live, base)
