"""Item keys are worked out once per catalogue object, never kept past what they were made of."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build import BuildOptions, build_site
from generator.cache import Cache
from generator.history import read_versions
from generator.model import Catalogue, Item
from generator.pages import memo
from generator.pages.base import make_env
from generator.parallel import chunks
from generator.validate import check

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
