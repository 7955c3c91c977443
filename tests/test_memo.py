"""Item keys are worked out once per catalogue object, never kept past what they were made of."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import yamlwrite
from generator.build import BuildOptions, build_site
from generator.cache import Cache
from generator.history import read_versions
from generator.jsondata import plain
from generator.load import FileParser
from generator.model import Catalogue, Item, fields_of
from generator.pages import memo, write_pages
from generator.pages.base import make_env
from generator.parallel import chunks
from generator.schema import render
from generator.validate import check

from .conftest import MINIMAL
from .gitrepo import Repo
from .test_versions import make_history


@pytest.fixture(scope="module")
def history_repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return make_history(tmp_path_factory.mktemp("memo") / "repo")


def _loaded(repo: Repo) -> Catalogue:
    cat, _ = check(repo.cat)
    assert cat is not None
    return cat


def test_keys_follow_the_versions_read_after_loading(history_repo: Repo) -> None:
    cat = _loaded(history_repo)
    before = [memo.item_key(cat, item) for item in cat.items]
    cat.versions = read_versions(cat, history_repo.cat)
    after = [memo.item_key(cat, item) for item in cat.items]
    assert after != before  # T-101's four versions are in its key now
    fresh = _loaded(history_repo)
    fresh.versions = read_versions(fresh, history_repo.cat)
    memo.remember_keys(fresh)
    assert [memo.item_key(fresh, item) for item in fresh.items] == after


def test_keys_go_with_their_catalogue(history_repo: Repo) -> None:
    cat = _loaded(history_repo)
    memo.remember_keys(cat)
    held = id(cat)
    assert held in memo._MEMOS
    del cat
    gc.collect()
    assert held not in memo._MEMOS  # a long serve session loads a catalogue per rebuild


def test_history_site_with_a_warm_or_damaged_cache_is_the_site_without(history_repo: Repo, tmp_path: Path) -> None:
    """Version pages and their JSON come from the cache: cold, warm and damaged caches give the same bytes."""
    cache = tmp_path / "cache"
    build_site(history_repo.cat, tmp_path / "plain")
    plain = _tree(tmp_path / "plain")
    for name in ("cold", "warm"):
        build_site(history_repo.cat, tmp_path / name, options=BuildOptions(cache=cache))
        assert _tree(tmp_path / name) == plain, name
    bodies = sorted(p for p in cache.rglob("*") if p.is_file() and p.parent.name.startswith("pages-"))
    assert bodies
    for n, entry in enumerate(bodies):
        data = entry.read_bytes()
        entry.write_bytes([data[: len(data) // 2], bytes([data[0] ^ 1]) + data[1:], b""][n % 3])
    build_site(history_repo.cat, tmp_path / "damaged", options=BuildOptions(cache=cache))
    assert _tree(tmp_path / "damaged") == plain


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_entry_not_of_our_packing_is_not_used(history_repo: Repo, tmp_path: Path) -> None:
    """Even an entry whose digest holds (written by something else) gives the pages made afresh."""
    cat = _loaded(history_repo)
    env = make_env(cat)
    env.globals["build_cache"] = Cache(tmp_path)

    def pages(make: Callable[[Item], list[bytes]]) -> list[tuple[str, list[bytes]]]:
        return [(item.code, parts) for item, parts in memo.item_pages(env, "test", cat, 0, len(cat.items), make)]

    made = pages(lambda item: [item.code.encode(), b"json"])
    assert [parts for _, parts in made] == [[item.code.encode(), b"json"] for item in cat.items]
    assert pages(lambda item: [b"other"]) == made  # from the cache
    entries = sorted((tmp_path / "pages-test").iterdir())
    assert entries
    for n, entry in enumerate(entries):  # a part cut short; one part too many
        payload = entry.read_bytes()[:-33] if n % 2 == 0 else b"\0\0\0\x09" + entry.read_bytes()[4:-32]
        entry.write_bytes(payload + hashlib.sha256(payload).digest())
    assert pages(lambda item: [b"made"]) == [(item.code, [b"made"]) for item in cat.items]


def test_jobs_are_whole_runs_of_items(large_catalogue: Path) -> None:
    """With a cache, the page writers' jobs never split a run of items that share an entry."""
    cat, _ = check(large_catalogue)
    assert cat is not None
    env = make_env(cat)
    env.globals["build_cache"] = Cache(None)
    assert memo.job_bounds(env, cat) == chunks(len(cat.items))
    env.globals["build_cache"] = Cache(Path("unused"))
    bounds = memo.job_bounds(env, cat)
    assert [a for a, _ in bounds] == [0] + [b for _, b in bounds[:-1]] and bounds[-1][1] == len(cat.items)
    runs = memo._runs(cat, 0, len(cat.items))
    assert 1 < len(runs) < len(cat.items) and {b for _, b in bounds} <= {b for _, b in runs}


def test_an_edited_copy_of_a_loaded_item_never_gets_its_cached_pages(tmp_path: Path) -> None:
    """A loaded item is keyed by the digest of its file; ``dataclasses.replace`` must not carry that
    digest onto an edited copy, or the copy would get the loaded item's pages from the cache."""
    cache = Cache(tmp_path / "cache")
    cat, _ = check(MINIMAL, FileParser(cache))
    assert cat is not None
    write_pages(cat, tmp_path / "before", cache=cache)
    old = cat.item["T-002"]
    new = dataclasses.replace(old, summary="改写后的说明：只在编辑过的副本里。")
    assert old.source_digest and not new.source_digest
    edited = dataclasses.replace(cat, items=[new if i is old else i for i in cat.items])
    write_pages(edited, tmp_path / "cached", cache=cache)
    write_pages(edited, tmp_path / "plain")
    assert _tree(tmp_path / "cached") == _tree(tmp_path / "plain")
    page = next(rel for rel in _tree(tmp_path / "plain") if "T-002" in rel and rel.endswith(".md"))
    assert "只在编辑过的副本里" in (tmp_path / "cached" / page).read_text(encoding="utf-8")
    assert memo.item_key(edited, new) != memo.item_key(cat, old)


def test_the_source_digest_is_bookkeeping_never_data(history_repo: Repo, tmp_path: Path) -> None:
    """Every item read (from the folder, the parse cache or git) knows the digest of its file; the
    same bytes give the same digest, and it shows nowhere: not in ==, repr, JSON, YAML or the schema."""
    cat = _loaded(history_repo)
    cat.versions = read_versions(cat, history_repo.cat)
    cached, _ = check(history_repo.cat, FileParser(Cache(tmp_path)))
    again, _ = check(history_repo.cat, FileParser(Cache(tmp_path)))  # unpickled from the parse cache
    assert cached is not None and again is not None
    digests = [item.source_digest for item in cat.items]
    assert all(digests) and len(set(digests)) == len(digests)
    assert [item.source_digest for item in again.items] == [item.source_digest for item in cached.items] == digests
    earlier = [v.item for item in cat.items for v in cat.versions_of(item) if v.item is not item]
    assert earlier and all(v.source_digest and v.source_digest not in digests for v in earlier)
    item = cat.items[0]
    assert "source_digest" not in {f.name for f in fields_of(Item)}
    shown = [repr(item), json.dumps(plain(item), ensure_ascii=False), yamlwrite.dump(yamlwrite.record(item)),
             render("item")]
    assert not any("source_digest" in text or item.source_digest.split("/")[0] in text for text in shown)
    with pytest.raises(TypeError):
        Item(code="X-1", name="某事项", category="c", responsibility="lead", basis=[], history=[], source_digest="x")  # type: ignore[call-arg]
