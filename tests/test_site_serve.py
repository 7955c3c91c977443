"""``qingdan serve``: serves the built site and rebuilds when the catalogue changes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert "预览地址" in out and "已更新" in out
