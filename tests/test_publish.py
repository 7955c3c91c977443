"""``qingdan publish --out DIR``: build beside DIR, verify, swap; a failure leaves DIR untouched.

Each publish is a full MkDocs build: keep these tests few.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.permanence import expected_files
from generator.publish import verify_site
from generator.validate import check

from .conftest import MINIMAL
from .gitrepo import run


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_publish_replaces_the_live_folder(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    live = tmp_path / "www" / "qingdan"
    live.mkdir(parents=True)
    (live / "stale.html").write_text("old", encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, tmp_path, "publish", "--catalogue", str(MINIMAL), "--out", str(live))
    assert code == 0, err
    cat, _ = check(MINIMAL)
    assert cat is not None
    for rel in expected_files(cat):
        assert (live / rel).is_file(), rel
    assert "items/OLD-002/index.html" in expected_files(cat) and "feed.xml" in expected_files(cat)
    assert not (live / "stale.html").exists()
    assert sorted(p.name for p in live.parent.iterdir()) == ["qingdan"]  # no staging or old folder left behind
    assert "已发布到" in err


def test_failed_build_or_failed_check_leaves_the_live_site_untouched(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    catalogue = tmp_path / "catalogue"
    shutil.copytree(MINIMAL, catalogue)
    live = tmp_path / "www"
    assert run(monkeypatch, capsys, tmp_path, "publish", "--catalogue", str(catalogue), "--out", str(live))[0] == 0
    before = tree(live)

    # 1. A broken catalogue: the build stops at the check.
    item = catalogue / "items" / "a" / "T-001.yml"
    good = item.read_text(encoding="utf-8")
    item.write_text(good.replace("category: emergency", "category: nosuch"), encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, tmp_path, "publish", "--catalogue", str(catalogue), "--out", str(live))
    assert code == 1
    assert "未发布" in err and str(live) in err
    assert tree(live) == before

    # 2. A valid catalogue whose site would drop a published item URL: verification refuses it.
    item.unlink()
    code, _, err = run(monkeypatch, capsys, tmp_path, "publish", "--catalogue", str(catalogue), "--out", str(live))
    assert code == 1
    assert "核验失败" in err and "/items/T-001/" in err
    assert tree(live) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue", "www"]


def test_verify_names_each_missing_url(tmp_path: Path, build_site_of) -> None:  # type: ignore[no-untyped-def]
    site = tmp_path / "site"
    shutil.copytree(build_site_of(MINIMAL), site)
    cat, _ = check(MINIMAL)
    assert cat is not None
    assert verify_site(site, cat) == []
    (site / "feed.xml").unlink()
    shutil.rmtree(site / "items" / "OLD-002")
    (site / "laws" / "forest-fire-regulation" / "index.html").unlink()
    assert verify_site(site, cat) == [
        "缺少 feed.xml（网址 /feed.xml）",
        "缺少 items/OLD-002/index.html（网址 /items/OLD-002/）",
        "缺少 laws/forest-fire-regulation/index.html（网址 /laws/forest-fire-regulation/）",
    ]


def test_out_that_is_a_file_is_a_usage_error(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "site"
    target.write_text("not a folder", encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, tmp_path, "publish", "--catalogue", str(MINIMAL), "--out", str(target))
    assert code == 2 and "不是文件夹" in err
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_publish_counts_and_lists_the_files_it_adds_changes_and_removes(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    catalogue, live, listing = tmp_path / "catalogue", tmp_path / "www", tmp_path / "changes.txt"
    shutil.copytree(MINIMAL, catalogue)
    assert run(monkeypatch, capsys, tmp_path, "publish", "--catalogue", str(catalogue), "--out", str(live))[0] == 0
    (live / "stale.html").write_text("old", encoding="utf-8")
    before = tree(live)
    item = catalogue / "items" / "a" / "T-001.yml"
    item.write_text(item.read_text(encoding="utf-8") + "  - date: 2026-11-30\n    action: adjusted\n    approval: 测试〔2026〕1号\n",
                    encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, tmp_path, "publish", "--catalogue", str(catalogue), "--out", str(live),
                       "--changes", str(listing))
    assert code == 0, err
    after = tree(live)
    expected = sorted([("A", p) for p in after.keys() - before.keys()] + [("D", p) for p in before.keys() - after.keys()]
                      + [("M", p) for p in after.keys() & before.keys() if after[p] != before[p]], key=lambda r: r[1])
    assert listing.read_text(encoding="utf-8") == "".join(f"{m}\t{p}\n" for m, p in expected)
    counts = {m: sum(1 for x, _ in expected if x == m) for m in "AMD"}
    # only the stale file goes: outside git, the item's earlier version URL stays (a page saying its text was not kept)
    assert [p for m, p in expected if m == "D"] == ["stale.html"] and 0 < counts["M"] < len(after) // 2
    kept = "items/T-001/v/2024-05-01/index.html"
    assert kept in after and "没有保存" in (live / kept).read_text(encoding="utf-8")
    assert f"新增 {counts['A']} 个、修改 {counts['M']} 个、删除 {counts['D']} 个文件" in err
