"""A catalogue large enough for the parallel paths builds the same bytes as the sequential paths
(without stencils: there every theme page is rendered by MkDocs itself)."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

from generator.build import BuildOptions, build_site

from .conftest import ROOT


def _differences(a: Path, b: Path) -> list[str]:
    cmp = filecmp.dircmp(a, b)
    out = [str(Path(a) / n) for n in cmp.left_only + cmp.right_only + cmp.diff_files + cmp.funny_files]
    for name in cmp.subdirs:
        out += _differences(Path(a) / name, Path(b) / name)
    return out


def test_parallel_build_is_complete_and_same_as_sequential(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue"
    make = ROOT / "bench" / "make_catalogue.py"
    subprocess.run([sys.executable, str(make), str(BuildOptions().parallel_from), str(catalogue)], check=True)
    first, second = tmp_path / "one", tmp_path / "two"
    build_site(catalogue, first)
    build_site(catalogue, second, options=BuildOptions(parallel_from=10**9, stencils=False))  # MkDocs renders each page
    filecmp.clear_cache()
    assert _differences(first, second) == []
    items = sorted(p.stem for p in catalogue.joinpath("items").rglob("*.yml"))
    for code in items[:: len(items) // 20]:
        assert (first / "items" / code / "index.html").is_file()
        assert (first / "items" / f"{code}.json").is_file()  # written by the forked extra writers
    assert (first / "downloads" / "index.html").is_file() and (first / "feed.xml").is_file()
