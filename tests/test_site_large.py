"""A catalogue large enough for the parallel paths builds the same bytes as the sequential paths
(without stencils: there every theme page is rendered by MkDocs itself)."""

from __future__ import annotations

import filecmp
from pathlib import Path

from generator.build import BuildOptions, build_site


def _differences(a: Path, b: Path) -> list[str]:
    cmp = filecmp.dircmp(a, b)
    out = [str(Path(a) / n) for n in cmp.left_only + cmp.right_only + cmp.diff_files + cmp.funny_files]
    for name in cmp.subdirs:
        out += _differences(Path(a) / name, Path(b) / name)
    return out


def test_parallel_build_is_complete_and_same_as_sequential(large_catalogue: Path, large_site: Path, tmp_path: Path) -> None:
    sequential = tmp_path / "sequential"
    build_site(large_catalogue, sequential, options=BuildOptions(parallel_from=10**9, stencils=False))  # MkDocs renders each page
    filecmp.clear_cache()
    assert _differences(large_site, sequential) == []
    items = sorted(p.stem for p in large_catalogue.joinpath("items").rglob("*.yml"))
    assert len(items) >= BuildOptions().parallel_from
    for code in items[:: len(items) // 20]:
        assert (large_site / "items" / code / "index.html").is_file()
        assert (large_site / "items" / f"{code}.json").is_file()  # written by the forked extra writers
    assert (large_site / "downloads" / "index.html").is_file() and (large_site / "feed.xml").is_file()
