"""A cached rebuild keeps the files it wrote before without reading them (the site's ledger,
generator.reuse), and never past a change to one of them."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from generator.build import BuildOptions, build_site
from generator.reuse import LEDGER
from generator.validate import check

from .conftest import SAMPLE

CHANGED = "SX-CXJS-001"
ENTRY = "- date: 2026-11-30\n  action: adjusted\n  approval: 示编办〔2026〕9号\n  note: 调整乡镇职责表述。\n"

_WATCHED: list[str] = []  # the folder whose opened files are noted, if any
_OPENED: set[str] = set()


def _note_open(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and _WATCHED and isinstance(args[0], str) and args[0].startswith(_WATCHED[0]):
        _OPENED.add(args[0][len(_WATCHED[0]):])


sys.addaudithook(_note_open)  # a hook stays for the process: it notes nothing unless a test watches


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _catalogue(tmp_path: Path) -> Path:
    # A copy outside git: in this repository the sample's own history would add versions.
    catalogue = tmp_path / "catalogue"
    shutil.copytree(SAMPLE, catalogue)
    return catalogue


def test_a_cached_rebuild_reads_no_file_of_an_unchanged_item(tmp_path: Path) -> None:
    catalogue = _catalogue(tmp_path)
    options = BuildOptions(cache=tmp_path / "cache")
    out = build_site(catalogue, tmp_path / "site", options=options)
    source = next(catalogue.joinpath("items").rglob(f"{CHANGED}.yml"))
    source.write_text(source.read_text(encoding="utf-8").rstrip("\n") + "\n" + ENTRY, encoding="utf-8")
    _WATCHED.append(f"{out}{os.sep}")
    try:
        build_site(catalogue, out, options=options)
    finally:
        _WATCHED.clear()
    cat, _ = check(catalogue)
    assert cat is not None
    unchanged = [item.code for item in cat.items if item.code != CHANGED]
    items = [rel for rel in _tree(out) if rel.startswith("items/") and rel.split("/")[1].removesuffix(".json") in unchanged]
    pages = [rel for rel in items if rel.endswith("/index.html") and "/v/" not in rel]
    versions = [rel for rel in items if "/v/" in rel]
    records = [rel for rel in items if rel.endswith(".json") and "/" not in rel.removeprefix("items/")]
    assert len(pages) == len(records) == len(unchanged) and len(versions) >= 2 * len(unchanged)
    assert sorted(set(versions + records) & _OPENED) == []
    # An item page is kept unread when it was filled from a stencil (all but a page whose front
    # matter no other page shares, which MkDocs renders whole and the build compares).
    assert len(set(pages) & _OPENED) < len(pages) / 10
    assert f"items/{CHANGED}/index.html" in _OPENED  # its file was compared: the hook sees what is read
    _OPENED.clear()
    assert _tree(out) == _tree(build_site(catalogue, tmp_path / "fresh"))


def test_a_file_changed_behind_the_ledger_is_rewritten(tmp_path: Path) -> None:
    """Other bytes of the same size with the old times put back, or a copy with the old times:
    the change time (never set back) or the inode tells; a damaged ledger is not trusted."""
    catalogue = _catalogue(tmp_path)
    options = BuildOptions(cache=tmp_path / "cache")
    out = build_site(catalogue, tmp_path / "site", options=options)
    expected = _tree(out)
    cat, _ = check(catalogue)
    assert cat is not None
    code = cat.items[1].code
    version = next(out.glob(f"items/{code}/v/*/index.html")).relative_to(out).as_posix()
    same_times, copied = [f"items/{code}/index.html", version, f"items/{code}.json"], f"items/{cat.items[2].code}/index.html"
    for rel in same_times:
        path, info = out / rel, (out / rel).stat()
        path.write_bytes(b"x" * info.st_size)
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    held = tmp_path / "held.html"
    shutil.copy2(out / copied, held)
    held.write_bytes(b"y" * held.stat().st_size)
    shutil.copystat(out / copied, held)
    os.replace(held, out / copied)
    build_site(catalogue, out, options=options)
    assert _tree(out) == expected
    for ledger in (tmp_path / "cache" / LEDGER).iterdir():
        data = bytearray(ledger.read_bytes())
        data[len(data) // 2] ^= 1
        ledger.write_bytes(bytes(data))
    (out / same_times[0]).write_bytes(b"z" * len(expected[same_times[0]]))
    build_site(catalogue, out, options=options)
    assert _tree(out) == expected
