"""``qingdan serve``: serves the built site and rebuilds when the catalogue changes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
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


def _group(pgid: int) -> list[Path]:
    """/proc entries of the processes in process group ``pgid`` (serve and the workers its builds fork)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if int((proc / "stat").read_text().rsplit(")", 1)[1].split()[2]) == pgid:
                found.append(proc)
        except (OSError, ValueError, IndexError):  # gone meanwhile
            continue
    return sorted(found, key=lambda proc: int(proc.name))


def _signals(mask: str) -> str:
    bits = int(mask, 16)
    return " ".join(sig.name for sig in signal.Signals if bits >> (sig.value - 1) & 1) or "-"


def _processes(pgid: int) -> str:
    """Why a process group is stuck: each process's command, signal handling and threads' kernel waits,
    and its Python stacks where py-spy is installed (a diagnostic only: the failure stands without it)."""
    said = []
    for proc in _group(pgid):
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            status = dict(line.split(":\t", 1) for line in (proc / "status").read_text().splitlines() if ":\t" in line)
            waits = [(task / "wchan").read_text() for task in (proc / "task").iterdir()]
        except OSError:
            continue
        said.append(f"{proc.name}: {command}\n  ignores: {_signals(status['SigIgn'])}; catches: {_signals(status['SigCgt'])}"
                    f"; threads wait in: {', '.join(waits)}")
        if shutil.which("py-spy"):
            dump = subprocess.run(["py-spy", "dump", "--pid", proc.name], capture_output=True, text=True, timeout=60)
            said.append(dump.stdout + dump.stderr)
    return "\n".join(said)


class Serve:
    """``qingdan serve`` in its own session (so it and its workers are signalled as Ctrl+C signals a terminal's
    job), its output read through a pipe as it comes (what it says must not wait in a buffer).
    ``ignoring_sigint``: started as a shell's background job is, and everything such a job starts, with SIGINT
    ignored."""

    def __init__(self, catalogue: Path, tmp: Path | None = None, *, ignoring_sigint: bool = False) -> None:
        self.port = _free_port()
        command = [sys.executable, "-m", "generator.cli", "serve", "--catalogue", str(catalogue), "--port", str(self.port)]
        if ignoring_sigint:
            command = ["sh", "-c", "trap '' INT; exec \"$@\"", "sh", *command]
        env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}  # as a user's shell
        if tmp is not None:
            env["TMPDIR"] = str(tmp)
        self.proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True, env=env)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:  # till serve and every worker holding its end of the pipe are gone
            self.lines.append(line)

    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 120) -> None:
        end = time.monotonic() + timeout
        while text not in self.output():
            assert self.proc.poll() is None and time.monotonic() < end, f"no {text!r} from serve:\n{self.output()}"
            time.sleep(0.05)

    def stop(self, sig: int) -> str:
        """Signal serve and its workers as Ctrl+C or a service manager does; return all it printed. If they
        have not stopped after 120 s, the test fails saying why (the stacks of their processes), after killing
        them so that no later test inherits them."""
        os.killpg(self.proc.pid, sig)
        try:
            self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            pass
        self.reader.join(timeout=1 if self.proc.returncode is None else 120)  # EOF: no worker holds the pipe
        stuck = _processes(self.proc.pid) if self.reader.is_alive() else ""
        if stuck:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.reader.join()
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        if stuck:
            pytest.fail(f"serve did not stop within 120 s of {signal.Signals(sig).name}; it printed:\n"
                        f"{self.output()}\nits processes:\n{stuck}")
        return self.output()


def test_serve_rebuilds_after_an_edit(minimal_copy: Path) -> None:
    serve = Serve(minimal_copy)
    try:
        url = f"http://127.0.0.1:{serve.port}/items/T-001/"
        assert "森林防火巡查" in _get(url)
        item = minimal_copy / "items" / "a" / "T-001.yml"
        item.write_text(item.read_text(encoding="utf-8").replace("name: 森林防火巡查", "name: 森林防火巡护"), encoding="utf-8")
        end = time.monotonic() + 60
        while "森林防火巡护" not in _get(url):
            assert time.monotonic() < end, "site was not rebuilt"
            time.sleep(0.5)
        serve.wait_for("已更新")  # the swap is done; its message follows
    finally:
        out = serve.stop(signal.SIGINT)
    assert "预览地址" in out and "已停止预览" in out and "Traceback" not in out


def test_first_build_fails_browser_shows_the_problems_then_sigterm_cleans_up(minimal_copy: Path, tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    stale = tmp / "qingdan-serve-999999999-abc"  # left by a serve that was killed: no such process
    (stale / "site").mkdir(parents=True)
    item = minimal_copy / "items" / "a" / "T-001.yml"
    item.write_text(item.read_text(encoding="utf-8").replace("category: emergency", "category: nowhere"), encoding="utf-8")
    serve = Serve(minimal_copy, tmp)
    try:
        page = _get(f"http://127.0.0.1:{serve.port}/")
        assert "网站生成失败" in page and "items/a/T-001.yml:3: category:" in page and "nowhere" in page
        assert "Directory listing" not in page
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{serve.port}/items/", timeout=5)
        with missing.value as response:
            assert response.code == 404 and "找不到这个网页" in response.read().decode("utf-8")
        assert not stale.exists()
        assert [p.name.startswith(f"qingdan-serve-{serve.proc.pid}-") for p in tmp.iterdir()] == [True]
    finally:
        out = serve.stop(signal.SIGTERM)
    assert "首次生成失败" in out and "Traceback" not in out
    assert list(tmp.iterdir()) == []


def test_ctrl_c_during_a_forking_build_stops_serve_and_leaves_nothing(large_catalogue: Path, tmp_path: Path) -> None:
    """Ctrl+C while the build's forked workers run, serve started where SIGINT is ignored (a script's
    background job): serve stops, says so, no worker prints a traceback, no process or folder is left."""
    serve = Serve(large_catalogue, tmp_path, ignoring_sigint=True)
    try:
        serve.wait_for("MkDocs 渲染网页")
        while len(_group(serve.proc.pid)) < 2:  # a worker forked for the pages MkDocs reads and renders
            assert "预览地址" not in serve.output(), "the build forked no worker"
            time.sleep(0.01)
    finally:
        out = serve.stop(signal.SIGINT)
    assert "已停止预览" in out and "预览地址" not in out and "Traceback" not in out, out
    assert list(tmp_path.iterdir()) == []
