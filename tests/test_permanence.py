"""Published URLs never vanish: data files of old codes, tombstones, redirects of renamed ids,
and the one check shared by ``check --against`` and ``publish``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from generator.build import build_site

from .conftest import MINIMAL, ROOT
from .site_helpers import parse

REMOVED = """- kind: township
  id: chengguan
  name: 城关镇
  date: 2025-06-01
  approval: 测编办〔2025〕8号
  note: 撤镇设街道，职责由山溪乡承接。
  successor: shanxi
"""


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], check=False, capture_output=True, text=True, cwd=ROOT)


def _edit(catalogue: Path, rel: str, old: str, new: str) -> None:
    path = catalogue / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _remove_chengguan(catalogue: Path, tombstone: bool) -> None:
    _edit(catalogue, "townships.yml", "- id: chengguan\n  name: 城关镇\n  kind: 镇\n", "")
    if tombstone:
        (catalogue / "removed.yml").write_text(REMOVED, encoding="utf-8")


def _rename_category(catalogue: Path, formerly: bool) -> None:
    _edit(catalogue, "categories.yml", "- id: emergency\n", "- id: yingji\n" + ("  formerly: [emergency]\n" if formerly else ""))
    for item in (catalogue / "items").rglob("*.yml"):
        _edit(catalogue, item.relative_to(catalogue).as_posix(), "category: emergency", "category: yingji")


def _copies(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(MINIMAL, old)
    shutil.copytree(MINIMAL, new)
    return old, new


def test_old_code_keeps_its_data_file(build_site_of) -> None:  # type: ignore[no-untyped-def]
    site = build_site_of(MINIMAL)
    old = json.loads((site / "items" / "OLD-002.json").read_text(encoding="utf-8"))
    assert (site / "items" / "OLD-002.json").read_bytes() == (site / "items" / "T-002.json").read_bytes()
    assert old["code"] == "T-002" and "OLD-002" in old["formerly"]  # the record says where it lives now


def test_check_against_refuses_a_removed_township_without_a_tombstone(tmp_path: Path) -> None:
    old, new = _copies(tmp_path)
    _remove_chengguan(new, tombstone=False)
    result = _cli("check", str(new), "--against", str(old))
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "[url-dropped]" in line]
    assert [line.split(" 将失效")[0] for line in lines] == [
        "townships.yml: 已公布的网址 /townships/chengguan/", "townships.yml: 已公布的网址 /townships/chengguan/handbook/"]
    assert "removed.yml" in lines[0]


def test_check_against_accepts_tombstones_and_redirects(tmp_path: Path) -> None:
    old, new = _copies(tmp_path)
    _remove_chengguan(new, tombstone=True)
    _rename_category(new, formerly=True)
    result = _cli("check", str(new), "--against", str(old))
    assert result.returncode == 0, result.stdout
    _rename_category(old, formerly=False)  # (a rename without formerly, the other way round)
    result = _cli("check", str(new), "--against", str(old))
    assert "[url-dropped]" not in result.stdout


def test_renamed_category_without_formerly_is_refused(tmp_path: Path) -> None:
    old, new = _copies(tmp_path)
    _rename_category(new, formerly=False)
    result = _cli("check", str(new), "--against", str(old))
    assert result.returncode == 1 and "categories.yml: 已公布的网址 /categories/emergency/ 将失效" in result.stdout


def test_tombstone_and_redirect_pages(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue"
    shutil.copytree(MINIMAL, catalogue)
    _remove_chengguan(catalogue, tombstone=True)
    _rename_category(catalogue, formerly=True)
    site = tmp_path / "site"
    build_site(catalogue, site)
    for page in ("townships/chengguan/index.html", "townships/chengguan/handbook/index.html"):
        tomb = parse(site / page)
        assert "本乡镇已于 2025年6月1日 从清单中移除" in tomb.visible and "测编办〔2025〕8号" in tomb.visible
        assert "撤镇设街道" in tomb.visible and "山溪乡" in tomb.visible
        assert any(href.endswith("townships/shanxi/" + ("handbook/" if "handbook" in page else "")) for href in tomb.links())
    assert "城关镇" not in parse(site / "townships" / "index.html").visible  # gone from the list
    redirect = (site / "categories" / "emergency" / "index.html").read_text(encoding="utf-8")
    assert 'url=../yingji/"' in redirect and (site / "categories" / "yingji" / "index.html").is_file()


def test_publish_refuses_to_drop_a_live_url_then_accepts_a_tombstone(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue"
    shutil.copytree(MINIMAL, catalogue)
    live = tmp_path / "www"
    assert _cli("publish", "--catalogue", str(catalogue), "--out", str(live)).returncode == 0
    before = {p.relative_to(live).as_posix() for p in live.rglob("*") if p.is_file()}
    _remove_chengguan(catalogue, tombstone=False)
    refused = _cli("publish", "--catalogue", str(catalogue), "--out", str(live))
    assert refused.returncode == 1 and "核验失败" in refused.stderr
    assert "正在发布的网址 /townships/chengguan/ 在新网站中消失了" in refused.stderr
    assert "/townships/chengguan/handbook/" in refused.stderr
    (catalogue / "removed.yml").write_text(REMOVED, encoding="utf-8")
    published = _cli("publish", "--catalogue", str(catalogue), "--out", str(live))
    assert published.returncode == 0, published.stderr
    for rel in before:
        assert (live / rel).is_file() or rel.startswith(("assets/", "search-index/")), rel


def test_reused_and_unknown_ids_in_removed_yml(tmp_path: Path) -> None:
    from generator.validate import check

    catalogue = tmp_path / "catalogue"
    shutil.copytree(MINIMAL, catalogue)
    reused = REMOVED.replace("id: chengguan", "id: shanxi").replace("successor: shanxi", "successor: nowhere")
    (catalogue / "removed.yml").write_text(reused, encoding="utf-8")
    _edit(catalogue, "townships.yml", "  name: 城关镇\n", "  name: 城关镇\n  formerly: [shanxi]\n")
    found = {(p.file, p.key, p.code) for p in check(catalogue)[1]}
    assert {("removed.yml", "[0].id", "id-reused"), ("removed.yml", "[0].successor", "unknown-successor"),
            ("townships.yml", "[0].formerly", "id-reused")} <= found


def test_an_item_naming_a_renamed_or_removed_id_is_told_the_new_one(tmp_path: Path) -> None:
    from generator.validate import check

    catalogue = tmp_path / "catalogue"
    shutil.copytree(MINIMAL, catalogue)
    _edit(catalogue, "categories.yml", "- id: emergency\n", "- id: yingji\n  formerly: [emergency]\n")
    _edit(catalogue, "townships.yml", "- id: shanxi\n  name: 山溪乡\n  kind: 乡\n", "")
    (catalogue / "removed.yml").write_text(REMOVED.replace("chengguan", "shanxi").replace("successor: shanxi", "successor: chengguan"),
                                           encoding="utf-8")
    found = {(p.file, p.key): p.message for p in check(catalogue)[1] if p.code == "retired-id"}
    assert found[("items/a/T-001.yml", "category")] == "分类“emergency”已改名为“yingji”：请改为 yingji。"
    assert "乡镇“shanxi”已于 2025-06-01 移除（测编办〔2025〕8号），由“chengguan”接替" in found[("items/a/T-001.yml", "townships[0]")]
