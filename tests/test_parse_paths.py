"""Every way of reading a catalogue gives the same records and the same problems, in the same order:
in one process or on forked workers, from the parse cache (cold, warm, damaged) or without it,
and through a parser shared with another catalogue (qingdan diff, check --against)."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator.build import BuildOptions, build_site
from generator.cache import Cache
from generator.errors import QingdanError
from generator.history import read_versions
from generator.load import FileParser, load
from generator.model import Catalogue
from generator.problems import Problem
from generator.review.gitread import snapshot
from generator.validate import check

from .conftest import SAMPLE
from .gitrepo import Repo


def _plain(value: Any) -> Any:
    """A record as plain data, with where it came from (file, line, lines: not part of ``==``)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, {k: _plain(v) for k, v in vars(value).items()})
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _seen(result: tuple[Catalogue | None, list[Problem]]) -> tuple[Any, list[Problem]]:
    cat, problems = result
    return _plain(cat), problems


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """The sample catalogue with mistakes in several files of every kind."""
    root = tmp_path / "catalogue"
    shutil.copytree(SAMPLE, root)
    items = sorted((root / "items").rglob("*.yml"))
    items[0].write_text(items[0].read_text(encoding="utf-8") + "code: [\n", encoding="utf-8")  # YAML syntax
    items[1].write_text(items[1].read_text(encoding="utf-8").replace("\nname:", "\nnmae:", 1), encoding="utf-8")
    items[2].write_bytes("name: 森林\n".encode("gb18030"))  # not UTF-8
    items[3].write_text("", encoding="utf-8")
    items[4].write_text("a: &x 1\nb: *x\n", encoding="utf-8")
    items[5].write_text(items[5].read_text(encoding="utf-8").replace("\nsummary:", "\nsummary: [1]\nold_summary:", 1),
                        encoding="utf-8")
    shutil.copy(items[6], items[6].with_suffix(".yaml"))
    (root / "items" / "link.yml").symlink_to("/etc/hostname")
    departments = root / "departments.yml"
    departments.write_text(departments.read_text(encoding="utf-8").replace("- id:", "- idd:", 1), encoding="utf-8")
    (root / "townships.yml").unlink()
    law = sorted((root / "laws").glob("*.yml"))[0]
    law.write_text(law.read_text(encoding="utf-8")[:200], encoding="utf-8")
    return root


def test_workers_and_one_process_give_the_same_catalogue_and_problems(broken: Path) -> None:
    one = _seen(check(broken, FileParser(parallel=False)))
    assert len({(p.file, p.code) for p in one[1]}) >= 10, "the fixture should have problems in many files"
    assert _seen(check(broken, FileParser(parallel=True))) == one
    assert _seen(check(SAMPLE, FileParser(parallel=True))) == _seen(check(SAMPLE, FileParser(parallel=False)))


def _entries(cache: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((cache / "parse").iterdir())}


@pytest.mark.parametrize("parallel", [False, True])
def test_the_parse_cache_never_changes_what_is_read(broken: Path, tmp_path: Path, parallel: bool) -> None:
    plain = _seen(check(broken))
    cache = tmp_path / "cache"
    assert _seen(check(broken, FileParser(Cache(cache), parallel=parallel))) == plain  # cold
    entries = _entries(cache)
    files = sum(1 for p in broken.rglob("*.yml") if not p.is_symlink())
    assert 1 < len(entries) < files / 4, "one entry per run of about 16 files"
    assert _seen(check(broken, FileParser(Cache(cache), parallel=parallel))) == plain  # warm
    assert _entries(cache) == entries
    for n, entry in enumerate(sorted((cache / "parse").iterdir())):  # truncated, bit-flipped, emptied, forged
        data = entry.read_bytes()
        forged = b"not a pickle" + hashlib.sha256(b"not a pickle").digest()  # passes the digest, is no result
        entry.write_bytes([data[: len(data) // 2], bytes([data[0] ^ 1]) + data[1:], b"", forged][n % 4])
    assert _seen(check(broken, FileParser(Cache(cache), parallel=parallel))) == plain


def test_a_rebuild_after_a_one_file_change_parses_that_file_only(tmp_path: Path) -> None:
    root, cache = tmp_path / "catalogue", tmp_path / "cache"
    shutil.copytree(SAMPLE, root)
    check(root, FileParser(Cache(cache)))
    before = _entries(cache)
    item = sorted((root / "items").rglob("*.yml"))[0]
    item.write_text(item.read_text(encoding="utf-8").replace("\nname: ", "\nname: 新", 1), encoding="utf-8")
    cat, problems = check(root, FileParser(Cache(cache)))
    after = _entries(cache)
    assert set(before) < set(after) and len(after) == len(before) + 1
    assert _seen((cat, problems)) == _seen(check(root))
    assert cat is not None and any(i.name.startswith("新") for i in cat.items)


def test_a_build_reports_the_same_problems_with_any_cache(broken: Path, tmp_path: Path) -> None:
    def problems(cache: Path | None) -> list[Problem]:
        with pytest.raises(QingdanError) as failed:
            build_site(broken, tmp_path / "site", options=BuildOptions(cache=cache))
        return failed.value.problems

    plain = problems(None)
    assert plain == check(broken)[1]
    cache = tmp_path / "cache"
    assert problems(cache) == plain  # cold
    assert problems(cache) == plain  # warm
    for entry in (cache / "parse").iterdir():
        entry.write_bytes(entry.read_bytes()[:-1])
    assert problems(cache) == plain  # damaged
    assert not (tmp_path / "site").exists()


def test_a_shared_parser_parses_each_unchanged_file_once(broken: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(SAMPLE, old)
    renamed = sorted((broken / "items").rglob("*.yml"))[7]
    renamed.write_text(renamed.read_text(encoding="utf-8").replace("\nname: ", "\nname: 新", 1), encoding="utf-8")
    files = FileParser(share=True)
    old_cat, _ = load(old, files)
    new_cat, new_problems = load(broken, files)
    assert _seen((new_cat, new_problems)) == _seen(load(broken))  # as if read alone
    assert old_cat is not None and new_cat is not None
    unchanged = [i for i in new_cat.items if (old / i.file).read_bytes() == (broken / i.file).read_bytes()]
    assert len(unchanged) == len(new_cat.items) - 1
    assert all(i is old_cat.item[i.code] for i in unchanged)  # one parse, shared
    edited = new_cat.item[renamed.stem]
    assert edited.name.startswith("新") and not old_cat.item[renamed.stem].name.startswith("新")


def test_same_bytes_under_another_name_are_parsed_as_that_file(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(SAMPLE, old)
    shutil.copytree(SAMPLE, new)
    item = sorted((new / "items").rglob("*.yml"))[0]
    moved = item.parent.parent / item.parent.name / "sub" / item.name
    moved.parent.mkdir()
    item.rename(moved)
    files = FileParser(share=True)
    load(old, files)
    cat, problems = load(new, files)
    assert _seen((cat, problems)) == _seen(load(new))
    assert cat is not None and cat.item[item.stem].file == moved.relative_to(new).as_posix()


def test_a_git_tree_is_read_as_its_checkout(broken: Path, tmp_path: Path) -> None:
    """``REV:PATH`` is read from git in memory; it gives what a checkout of that tree gives."""
    (broken / "items" / "link.yml").unlink()  # (a symbolic link is not kept from git: nothing to compare)
    (broken / "items" / ".drafts").mkdir()
    (broken / "items" / ".drafts" / "x.yml").write_text("code: [\n", encoding="utf-8")
    (broken / "items" / ".gitkeep").write_text("", encoding="utf-8")
    (broken / "laws" / "NOTE.YML").write_text("id: x\n", encoding="utf-8")
    repo = Repo(tmp_path / "repo", source=broken)
    from_git = load(snapshot("HEAD:catalogue", repo.root))
    assert _seen(from_git) == _seen(load(repo.cat))
    assert {p.code for p in from_git[1]} >= {"wrong-extension", "yaml-syntax", "missing-file"}


def test_earlier_versions_read_through_the_parse_cache_are_the_same(tmp_path: Path) -> None:
    from .test_versions import make_history

    repo = make_history(tmp_path / "repo")
    cat, _ = check(repo.cat)
    assert cat is not None

    def versions(parser: FileParser | None) -> Any:
        found = read_versions(cat, repo.cat, parser=parser)
        return {code: [(_plain(v.item), v.start, v.slug, v.commit) for v in line] for code, line in found.items()}

    plain = versions(None)
    assert len(plain["T-101"]) == 4  # added, adjusted, recoded, cancelled
    cache = tmp_path / "cache"
    assert versions(FileParser(Cache(cache))) == plain  # cold
    assert versions(FileParser(Cache(cache))) == plain  # warm
    for entry in (cache / "parse").iterdir():
        entry.write_bytes(b"")
    assert versions(FileParser(Cache(cache), parallel=True)) == plain  # damaged


def test_the_cached_problems_of_items_are_those_found_without_a_cache(tmp_path: Path) -> None:
    """Item rules keep their problems in the build cache (by the item's file and the other records' files):
    cold, warm, damaged or after a change to another record, the problems are those of a check without one."""
    root, folder = tmp_path / "catalogue", tmp_path / "cache"
    shutil.copytree(SAMPLE, root)
    for n, item in enumerate(sorted((root / "items").rglob("*.yml"))[:12]):
        text = item.read_text(encoding="utf-8")
        item.write_text([text.replace("actor: township", "actor: nobody", 1), text.replace("\nhistory:", "\nhistory: []\nold:", 1),
                         text.replace("law: ", "law: gone-", 1)][n % 3], encoding="utf-8")
    plain = check(root)[1]
    assert len({p.code for p in plain}) >= 3, "the fixture should break several item rules"
    assert check(root, FileParser(Cache(folder)))[1] == plain  # cold
    entries = sorted((folder / "check").iterdir())
    assert entries
    assert check(root, FileParser(Cache(folder)))[1] == plain  # warm
    for n, entry in enumerate(entries):  # truncated, bit-flipped, emptied, forged
        data = entry.read_bytes()
        forged = b"not a pickle" + hashlib.sha256(b"not a pickle").digest()  # passes the digest, holds no problems
        entry.write_bytes([data[: len(data) // 2], bytes([data[0] ^ 1]) + data[1:], b"", forged][n % 4])
    assert check(root, FileParser(Cache(folder)))[1] == plain
    # Another record's file changes what the items' rules find: the cached problems are not used.
    law = sorted((root / "laws").glob("*.yml"))[0]
    law.unlink()
    changed = check(root)[1]
    assert changed != plain and check(root, FileParser(Cache(folder)))[1] == changed
