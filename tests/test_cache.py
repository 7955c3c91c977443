"""The build cache saves time only: cached, uncached and damaged-cache builds give the same bytes."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from generator.build import BuildOptions, build_site
from generator.cache import FILES, Cache, key
from generator.model import Item
from generator.pages.base import make_env
from generator.pages.fragments import cached_parts
from generator.reuse import LEDGER
from generator.validate import check

from .conftest import MINIMAL


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file())


def test_cached_uncached_and_damaged_cache_builds_are_identical(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build_site(MINIMAL, tmp_path / "plain")
    plain = _tree(tmp_path / "plain")
    build_site(MINIMAL, tmp_path / "cold", options=BuildOptions(cache=cache))
    entries = _entries(cache)
    assert entries, "the build wrote nothing to its cache"
    build_site(MINIMAL, tmp_path / "warm", options=BuildOptions(cache=cache))
    # Nothing made again; what is new is the ledger of the new site folder (generator.reuse).
    assert [p for p in _entries(cache) if p.parent.name != LEDGER] == [p for p in entries if p.parent.name != LEDGER]
    for name in ("cold", "warm"):
        assert _tree(tmp_path / name) == plain, name
    for n, entry in enumerate(entries):  # truncated, bit-flipped, emptied
        data = entry.read_bytes()
        entry.write_bytes([data[: len(data) // 2], bytes([data[0] ^ 1]) + data[1:], b""][n % 3])
    build_site(MINIMAL, tmp_path / "damaged", options=BuildOptions(cache=cache))
    assert _tree(tmp_path / "damaged") == plain
    assert [e.read_bytes() for e in entries] != [b""] * len(entries)  # damaged entries were rewritten


def test_stored_files_are_checked_and_never_shared_with_the_site(tmp_path: Path) -> None:
    """Item pages are linked from the cache's file store: only after their bytes are checked, and
    the published site never shares a file with the cache (damaging it there leaves the site)."""
    cache = tmp_path / "cache"
    build_site(MINIMAL, tmp_path / "plain")
    plain = _tree(tmp_path / "plain")
    build_site(MINIMAL, tmp_path / "cold", options=BuildOptions(cache=cache))
    stored = _entries(cache / FILES)
    assert stored and all(p.read_bytes().startswith(b"---") for p in stored)
    assert all(hashlib.sha256(p.read_bytes()).hexdigest() == p.name for p in stored)
    site = {(s.st_dev, s.st_ino) for s in (p.stat() for p in (tmp_path / "cold").rglob("*") if p.is_file())}
    assert not site & {(s.st_dev, s.st_ino) for s in (p.stat() for p in stored)}
    for n, path in enumerate(stored):  # removed, or altered in place
        if n % 2:
            path.unlink()
        else:
            path.write_bytes(b"X" + path.read_bytes()[1:])
    build_site(MINIMAL, tmp_path / "damaged", options=BuildOptions(cache=cache))
    assert _tree(tmp_path / "damaged") == plain
    assert _tree(tmp_path / "cold") == plain
    assert sorted(p.name for p in _entries(cache / FILES)) == sorted(p.name for p in stored)
    assert all(hashlib.sha256(p.read_bytes()).hexdigest() == p.name for p in _entries(cache / FILES))


def test_the_store_links_only_what_it_holds_intact(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    (tmp_path / "page.md").write_bytes(b"page")
    digest = hashlib.sha256(b"page").hexdigest()
    assert not cache.link(digest, str(tmp_path / "a.md"))  # not stored yet
    cache.keep(str(tmp_path / "page.md"), digest)
    assert cache.link(digest, str(tmp_path / "b.md")) and (tmp_path / "b.md").read_bytes() == b"page"
    os.unlink(tmp_path / "page.md")  # the store holds its own link
    assert cache.link(digest, str(tmp_path / "c.md"))
    for bad in ("../" + digest[3:], digest.upper(), "", hashlib.sha256(b"other").hexdigest()):
        assert not cache.link(bad, str(tmp_path / "d.md")) and not (tmp_path / "d.md").exists()
    assert not Cache(None).link(digest, str(tmp_path / "e.md"))


def test_a_changed_catalogue_never_gets_a_stale_entry(tmp_path: Path) -> None:
    cache, catalogue = tmp_path / "cache", tmp_path / "catalogue"
    shutil.copytree(MINIMAL, catalogue)
    build_site(catalogue, tmp_path / "before", options=BuildOptions(cache=cache))
    item = catalogue / "items" / "a" / "T-001.yml"
    item.write_text(item.read_text(encoding="utf-8").replace("森林防火巡查", "森林防火巡查和宣传"), encoding="utf-8")
    build_site(catalogue, tmp_path / "cached", options=BuildOptions(cache=cache))
    build_site(catalogue, tmp_path / "plain")
    assert _tree(tmp_path / "cached") == _tree(tmp_path / "plain")
    assert (tmp_path / "cached/downloads/qingdan.xlsx").read_bytes() != (tmp_path / "before/downloads/qingdan.xlsx").read_bytes()


def test_an_entry_is_checked_on_every_read(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    made: list[int] = []

    def make() -> bytes:
        made.append(1)
        return b"payload"

    name = key("test", "input")
    assert cache.get_or_make("t", name, make) == b"payload"
    assert cache.get_or_make("t", name, make) == b"payload" and len(made) == 1
    entry = tmp_path / "t" / name
    entry.write_bytes(b"PAYLOAD" + entry.read_bytes()[7:])  # same length, same digest, other payload
    assert cache.get_or_make("t", name, make) == b"payload" and len(made) == 2
    assert key("test", "input") != key("test", "other") and key("a", "bc") != key("ab", "c")
    assert Cache(None).get_or_make("t", name, make) == b"payload" and len(made) == 3


def test_a_store_on_another_file_system_copies_instead_of_linking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--cache on another disk: no hard link can be made there (EXDEV), so the store keeps and gives
    copies, checked the same way, rather than making every page again on every build."""
    def no_link(src: str, dst: str) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_link)
    cache = Cache(tmp_path / "cache")
    (tmp_path / "page.md").write_bytes(b"page")
    digest = hashlib.sha256(b"page").hexdigest()
    cache.keep(str(tmp_path / "page.md"), digest)
    assert cache.link(digest, str(tmp_path / "a.md")) and (tmp_path / "a.md").read_bytes() == b"page"
    assert (tmp_path / "a.md").stat().st_ino != (tmp_path / "page.md").stat().st_ino
    stored = next((tmp_path / "cache" / FILES).rglob(digest))
    stored.write_bytes(b"PAGE")
    assert not cache.link(digest, str(tmp_path / "b.md")) and not (tmp_path / "b.md").exists()


def test_a_latest_entry_is_replaced_by_the_next_name_and_checked_on_every_read(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    made: list[str] = []

    def make(text: str) -> bytes:
        made.append(text)
        return text.encode()

    first, second = key("whole", "a"), key("whole", "b")
    assert cache.latest("t", first, lambda: make("A")) == b"A" and cache.latest("t", first, lambda: make("X")) == b"A"
    assert cache.latest("t", second, lambda: make("B")) == b"B"  # another catalogue: made, in place of the first
    assert [p.name for p in (tmp_path / "t").iterdir()] == ["latest"] and made == ["A", "B"]
    assert cache.latest("t", first, lambda: make("A")) == b"A" and made == ["A", "B", "A"]
    entry = tmp_path / "t" / "latest"
    entry.write_bytes(entry.read_bytes().replace(first.encode(), second.encode()))  # another name, digest not redone
    assert cache.latest("t", second, lambda: make("B")) == b"B" and made[-1] == "B"
    assert cache.latest("t", first, lambda: make("C"), slot="x") == b"C" and (tmp_path / "t" / "latest-x").is_file()
    assert Cache(None).latest("t", first, lambda: make("D")) == b"D"


def test_list_parts_are_remade_when_damaged_or_unsure(tmp_path: Path) -> None:
    """A list page's per-item pieces (fragments.cached_parts): kept by runs of item keys, made again
    when an entry is damaged, and never taken from an entry whose pieces cannot be told apart."""
    cat, _ = check(MINIMAL)
    assert cat is not None and len(cat.items) > 1
    env = make_env(cat)
    env.globals["build_cache"] = Cache(tmp_path)
    made: list[str] = []

    def make(item: Item) -> list[bytes]:
        made.append(item.code)
        return [item.code.encode(), item.name.encode()]

    want = [[i.code.encode(), i.name.encode()] for i in cat.items]
    assert cached_parts(env, cat, "t", cat.items, make, 2) == want and len(made) == len(cat.items)
    assert cached_parts(env, cat, "t", cat.items, make, 2) == want and len(made) == len(cat.items)
    for entry in _entries(tmp_path / "parts-t"):
        entry.write_bytes(b"X" + entry.read_bytes()[1:])
    assert cached_parts(env, cat, "t", cat.items, make, 2) == want and len(made) == 2 * len(cat.items)

    def with_nul(item: Item) -> list[bytes]:
        made.append(item.code)
        return [item.code.encode() + b"\0", b""]

    for _ in range(2):  # not trusted: made again every time
        before = len(made)
        assert cached_parts(env, cat, "nul", cat.items, with_nul, 2) == [[i.code.encode() + b"\0", b""] for i in cat.items]
        assert len(made) > before
    env.globals["build_cache"] = Cache(None)
    before = len(made)
    assert cached_parts(env, cat, "t", cat.items, make, 2) == want and len(made) == before + len(cat.items)


# Edits of every kind of file, applied one after another to one catalogue: after each, a build
# that reuses the cache of all earlier builds must equal a build without any cache. A cache key
# that misses one of a page's inputs shows up here as a stale page.
EDITS = [
    ("items/a/T-001.yml", "组织巡山护林。", "组织巡山护林和火源检查。"),  # an item's duty
    ("items/a/T-001.yml", "巡查发现火情隐患", "网格员巡查发现火情隐患"),  # a workflow step (the chart)
    ("departments.yml", "0000-1234567", "0000-7654321"),  # a phone shown on item pages
    ("departments.yml", "short: 县林业局", "short: 县林草局"),  # a label the chart shows
    ("townships.yml", "name: 山溪乡", "name: 山溪镇"),  # a township every item page names
    ("categories.yml", "name: 应急管理", "name: 应急管理和消防"),
    ("laws/forest-fire-regulation.yml", "建立森林防火责任制", "建立健全森林防火责任制"),  # a cited article's text
    ("catalogue.yml", "title: 测试县乡镇履行职责事项清单", "title: 测试县乡镇履行职责事项清单（修订）"),  # the list's own title
    # What an item's JSON holds besides the item: its address and whom to call in each township.
    ("catalogue.yml", "site_url: https://qingdan.example.gov.cn/", "site_url: https://qingdan.example.gov.cn/county/"),
    ("townships.yml", "kind: 乡\n", "kind: 乡\n  phone: 0000-1111111\n"),
]


def test_each_kind_of_edit_rebuilds_with_the_cache_as_without(tmp_path: Path) -> None:
    cache, catalogue = tmp_path / "cache", tmp_path / "catalogue"
    shutil.copytree(MINIMAL, catalogue)
    build_site(catalogue, tmp_path / "site", options=BuildOptions(cache=cache))
    for n, (rel, old, new) in enumerate(EDITS):
        path = catalogue / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        before = _tree(tmp_path / "site")
        build_site(catalogue, tmp_path / "site", options=BuildOptions(cache=cache))
        build_site(catalogue, tmp_path / f"plain-{n}")
        after = _tree(tmp_path / "site")
        assert after == _tree(tmp_path / f"plain-{n}"), rel
        assert after != before, f"{rel}: the edit changed nothing the site shows"
