"""The command line owns endings: a step's QingdanError is one Chinese line on stderr and exit 1, usage errors exit 2."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from generator.cli import main

from .conftest import MINIMAL


def test_usage_error_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--catalogue", str(MINIMAL), "--format", "csv", "--out", str(tmp_path / "nowhere" / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [f"输出文件夹 {tmp_path / 'nowhere'} 不存在。"]


def test_invalid_catalogue_reports_problems_on_stdout_and_one_line_on_stderr(minimal_copy: Path, tmp_path: Path,
                                                                             capsys: pytest.CaptureFixture[str]) -> None:
    item = minimal_copy / "items" / "a" / "T-001.yml"
    item.write_text(item.read_text(encoding="utf-8").replace("category: emergency", "category: nosuch"), encoding="utf-8")
    assert main(["build", "--catalogue", str(minimal_copy), "--out", str(tmp_path / "site"), "--quiet"]) == 1
    out, err = capsys.readouterr()
    assert "[unknown-category]" in out and "发现 1 个错误" in out
    assert err.splitlines() == ["清单有错误，未生成网站；原有网站文件夹未改动。"]
    assert not (tmp_path / "site").exists()


def test_serve_on_a_busy_port_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--catalogue", str(MINIMAL), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    last = err.splitlines()[-1]
    assert last.startswith(f"无法使用端口 {port}（") and last.endswith("）：请用 --port 指定另一个端口。"), err
