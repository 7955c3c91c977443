"""The site-wide list pages with the build cache: the same bytes as without it, before and after an
approved change and over a damaged cache, and an approved change leaves unrelated list pages alone."""

from __future__ import annotations

import dataclasses
import datetime
import shutil
from pathlib import Path

from generator.cache import Cache
from generator.model import Catalogue, Change
from generator.pages import changes, handbook, memo
from generator.pages.base import last_date, make_env
from generator.pages.items import write_all_items
from generator.pages.laws import write_laws
from generator.pages.lists import write_categories, write_departments, write_home, write_townships
from generator.validate import check

from .conftest import MINIMAL

TODAY = datetime.date(2026, 12, 1)


def _write(cat: Catalogue, docs: Path, cache: Path | None) -> dict[str, bytes]:
    env = make_env(cat, TODAY)
    env.globals["build_cache"] = Cache(cache)
    memo.remember_keys(cat)
    changes.write_pages(cat, docs, env)
    handbook.write_pages(cat, docs, env)
    for writer in (write_townships, write_laws, write_departments, write_home, write_all_items, write_categories):
        writer(cat, docs, env, last_date(cat))
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}


def test_list_pages_with_the_cache_are_the_pages_without_it(large_catalogue: Path, tmp_path: Path) -> None:
    cat, _ = check(large_catalogue)
    assert cat is not None
    cache = tmp_path / "cache"
    plain = _write(cat, tmp_path / "plain", None)
    assert sum(rel.startswith("changes/c-") for rel in plain) > 1  # groups with pages of their own
    assert all(b"<article class=\"qd-hb-item\"" not in plain[f"townships/{t.id}/handbook/index.md"] for t in cat.townships)  # contents only
    assert _write(cat, tmp_path / "cold", cache) == plain
    assert _write(cat, tmp_path / "warm", cache) == plain

    old = cat.items[len(cat.items) // 2]  # an approved change: one history entry
    change = Change(date=datetime.date(2099, 1, 2), action="adjusted", approval="基编办〔2099〕2号", note="调整。")
    new = dataclasses.replace(old, history=[*old.history, change])
    edited = dataclasses.replace(cat, items=[new if i is old else i for i in cat.items])
    after = _write(edited, tmp_path / "after", cache)
    assert after == _write(edited, tmp_path / "after-plain", None)
    its = {f"changes/{changes.Group(c.date, c.approval, []).anchor}/index.md" for c in old.history}  # its version links moved
    groups = {rel for rel in plain if rel.startswith("changes/c-") and rel not in its}
    assert groups and [rel for rel in groups if after.get(rel) != plain[rel]] == []  # other groups' pages stay as they were
    shown = {f"categories/{old.category}/index.md", *(f"departments/{d.department}/index.md" for d in old.departments)}
    unrelated = [rel for rel in plain if rel.startswith(("categories/", "departments/")) and rel not in shown
                 and not rel.endswith(("categories/index.md", "departments/index.md"))]
    assert unrelated and [rel for rel in unrelated if after[rel] != plain[rel]] == []

    for n, entry in enumerate(sorted(p for p in cache.rglob("*") if p.is_file())):  # truncated, bit-flipped, emptied
        data = entry.read_bytes()
        entry.write_bytes([data[: len(data) // 2], bytes([data[0] ^ 1]) + data[1:], b""][n % 3])
    shutil.rmtree(tmp_path / "after")
    assert _write(edited, tmp_path / "after", cache) == after


def test_catalogue_text_shaped_like_a_slot_stays_text(tmp_path: Path) -> None:
    """The list pages put their rows into the rendered page at a marker (fragments.SLOT): the same
    characters in an item's or a township's name are escaped text, never a place for rows."""
    target = tmp_path / "catalogue"
    shutil.copytree(MINIMAL, target)
    for rel, name in (("items/a/T-001.yml", "森林防火巡查"), ("townships.yml", "山溪乡")):
        path = target / rel
        text = path.read_text(encoding="utf-8")
        assert f"name: {name}\n" in text
        path.write_text(text.replace(f"name: {name}\n", f"name: '{name}<qd-slot>'\n", 1), encoding="utf-8")
    cat, _ = check(target)
    assert cat is not None and cat.item["T-001"].name == "森林防火巡查<qd-slot>"
    town = next(t for t in cat.townships if t.name == "山溪乡<qd-slot>")
    for n, cache in enumerate((None, tmp_path / "cache", tmp_path / "cache")):  # without a cache, cold, warm
        pages = _write(cat, tmp_path / f"docs-{n}", cache)
        assert [rel for rel, data in pages.items() if b"<qd-slot>" in data] == []
        page = pages[f"townships/{town.id}/index.md"]
        assert page.count("山溪乡&lt;qd-slot&gt;".encode()) > 1 and page.count("森林防火巡查&lt;qd-slot&gt;".encode()) == 1
        assert "森林防火巡查&lt;qd-slot&gt;".encode() in pages["items/index.md"]
