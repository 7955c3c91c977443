"""``qingdan serve``: serves the built site and rebuilds when the catalogue changes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, timeout: float = 60) -> str:
    end = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.3)


def _stopped(proc: subprocess.Popen[str], sig: int) -> str:
    """Signal serve and return what it printed. Its clean-up deletes a whole site and cache, which took
    over 30 s on a busy disk mounted with discard; if it still hangs it is killed, so no later test
    inherits it, and the test fails."""
    os.killpg(proc.pid, sig)
    try:
        return proc.communicate(timeout=120)[0]
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise


def test_serve_rebuilds_after_an_edit(minimal_copy: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--catalogue", str(minimal_copy), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/items/T-001/"
        assert "森林防火巡查" in _get(url)
        item = minimal_copy / "items" / "a" / "T-001.yml"
        item.write_text(item.read_text(encoding="utf-8").replace("name: 森林防火巡查", "name: 森林防火巡护"), encoding="utf-8")
        end = time.monotonic() + 60
        while "森林防火巡护" not in _get(url):
            assert time.monotonic() < end, "site was not rebuilt"
            time.sleep(0.5)
        assert proc.stdout is not None
        seen = ""
        for line in proc.stdout:  # the swap is done; its message follows (read it before stopping serve)
            seen += line
            if "已更新" in line:
                break
    finally:
        out = _stopped(proc, signal.SIGINT)
    assert "预览地址" in seen + out and "已更新" in seen


def _serve(catalogue: Path, port: int, tmp: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--catalogue", str(catalogue), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            env={**os.environ, "TMPDIR": str(tmp)})


def test_first_build_fails_browser_shows_the_problems_then_sigterm_cleans_up(minimal_copy: Path, tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    stale = tmp / "qingdan-serve-999999999-abc"  # left by a serve that was killed: no such process
    (stale / "site").mkdir(parents=True)
    item = minimal_copy / "items" / "a" / "T-001.yml"
    item.write_text(item.read_text(encoding="utf-8").replace("category: emergency", "category: nowhere"), encoding="utf-8")
    port = _free_port()
    proc = _serve(minimal_copy, port, tmp)
    try:
        page = _get(f"http://127.0.0.1:{port}/")
        assert "网站生成失败" in page and "items/a/T-001.yml:3: category:" in page and "nowhere" in page
        assert "Directory listing" not in page
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/items/", timeout=5)
        with missing.value as response:
            assert response.code == 404 and "找不到这个网页" in response.read().decode("utf-8")
        assert not stale.exists()
        assert [p.name.startswith(f"qingdan-serve-{proc.pid}-") for p in tmp.iterdir()] == [True]
    finally:
        out = _stopped(proc, signal.SIGTERM)
    assert "首次生成失败" in out and "Traceback" not in out
    assert list(tmp.iterdir()) == []
