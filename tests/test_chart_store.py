"""Each flowchart is drawn once per build (item page, version pages and workers share it) and not at
all on a rebuild with the cache; a damaged chart entry is drawn again, never shown."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import BuildOptions, build_site
from generator.flowchart import svg
from generator.flowchart.layout import Node

from .gitrepo import T1, Repo


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """T-001 in three versions: a step's action reworded in the second, the summary in the third."""
    repo = Repo(tmp_path_factory.mktemp("charts") / "repo")
    repo.edit(T1, "action: 县林业局处置", "action: 县林业局到场处置")
    repo.history(T1, day="2025-01-10", note="处置方式调整")
    repo.commit("reword a step")
    repo.edit(T1, "summary: 乡镇组织森林防火巡查和宣传。", "summary: 乡镇组织森林防火巡查。")
    repo.history(T1, day="2025-03-01", note="摘要调整")
    repo.commit("reword the summary")
    return repo


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A file with one line per chart actually drawn, in this process or a forked worker."""
    log = tmp_path / "drawn.log"
    draw = svg._draw

    def logged(nodes: list[Node], labels: dict[str, str], title: str) -> str:
        with log.open("a", encoding="utf-8") as out:
            out.write(repr((title, nodes, labels)) + "\n")
        return draw(nodes, labels, title)

    monkeypatch.setattr(svg, "_draw", logged)
    yield log


def _take(log: Path) -> list[str]:
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return lines


def test_each_chart_is_drawn_once_then_read_from_the_cache(repo: Repo, drawn: Path, tmp_path: Path) -> None:
    build_site(repo.cat, tmp_path / "plain")
    plain = _take(drawn)
    # Two charts (T-001 before and after the rewording), each drawn once although the item page and
    # three version pages show them.
    assert len(plain) == len(set(plain)) == 2
    assert sum("③县林业局到场处置" in line for line in plain) == 1
    assert sum("③县林业局处置" in line for line in plain) == 1
    site = _tree(tmp_path / "plain")
    cache = tmp_path / "cache"
    build_site(repo.cat, tmp_path / "cold", options=BuildOptions(cache=cache))
    assert sorted(_take(drawn)) == sorted(plain)
    entries = sorted((cache / "chart").iterdir())
    assert len(entries) == len(plain)
    build_site(repo.cat, tmp_path / "warm", options=BuildOptions(cache=cache))
    assert _take(drawn) == []
    for n, entry in enumerate(entries):  # truncated, bit-flipped, emptied
        data = entry.read_bytes()
        entry.write_bytes([data[: len(data) // 2], bytes([data[0] ^ 1]) + data[1:], b""][n % 3])
    for bodies in cache.glob("pages-*"):  # so that the pages are made again and ask for their charts
        shutil.rmtree(bodies)
    build_site(repo.cat, tmp_path / "damaged", options=BuildOptions(cache=cache))
    assert sorted(_take(drawn)) == sorted(plain)  # every damaged chart drawn again, none shown as stored
    for name in ("cold", "warm", "damaged"):
        assert _tree(tmp_path / name) == site, name


def test_forked_workers_share_one_drawing_without_a_cache_folder(repo: Repo, drawn: Path, tmp_path: Path) -> None:
    build_site(repo.cat, tmp_path / "serial")
    serial = _take(drawn)
    # Item pages on forked workers, version pages after MkDocs: the build's own store carries the charts over.
    build_site(repo.cat, tmp_path / "forked", options=BuildOptions(parallel_from=1))
    forked = _take(drawn)
    assert sorted(forked) == sorted(serial) and len(forked) == len(set(forked))
    assert _tree(tmp_path / "forked") == _tree(tmp_path / "serial")
    assert not list(tmp_path.glob(".forked.build-*")), "the build's own chart store is removed with its work folder"
