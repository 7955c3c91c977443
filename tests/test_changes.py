"""The change log page /changes/ and the Atom feed /feed.xml."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.model import Catalogue
from generator.pages.base import make_env
from generator.pages.changes import (
    PAGE_BUDGET,
    entries,
    feed_xml,
    groups,
    latest,
    write_pages,
)
from generator.validate import check

from .conftest import MINIMAL, ROOT
from .gitrepo import Repo

A = "{http://www.w3.org/2005/Atom}"
HOSTILE = "<script>alert(1)</script>{{ 7*7 }}[x](javascript:alert(1))"


def load(folder: Path) -> Catalogue:
    cat, problems = check(folder)
    assert cat is not None and not [p for p in problems if p.severity == "error"], problems
    return cat


def test_feed_is_valid_atom(tmp_path: Path) -> None:
    cat = load(MINIMAL)
    feed = ET.fromstring(feed_xml(cat))
    assert feed.tag == f"{A}feed"
    for tag in ("id", "title", "updated", "author/" + A + "name"):
        assert (feed.findtext(A + tag) or "").strip(), tag
    assert feed.findtext(f"{A}updated") == "2025-03-01T00:00:00+08:00"  # newest catalogue date, not the clock
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{A}link")}
    assert links == {"self": "https://qingdan.example.gov.cn/feed.xml", "alternate": "https://qingdan.example.gov.cn/changes/"}
    items = feed.findall(f"{A}entry")
    assert len(items) == 5  # every history entry of the three items
    for entry in items:
        for tag in ("id", "title", "updated", "summary"):
            assert (entry.findtext(A + tag) or "").strip(), tag
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00\+08:00", entry.findtext(f"{A}updated") or "")
        assert entry.find(f"{A}link").get("href", "").startswith("https://qingdan.example.gov.cn/items/")  # type: ignore[union-attr]
    ids = [e.findtext(f"{A}id") for e in items]
    assert len(set(ids)) == len(ids)
    first = items[0]
    assert first.findtext(f"{A}title") == "取消：林业有害生物普查（T-003）"
    assert first.findtext(f"{A}id") == "tag:qingdan.example.gov.cn,2025-02-01:items/T-003/cancelled"
    assert first.findtext(f"{A}summary") == "批准文件：测编办〔2025〕1号。职责调整，取消本事项。"
    assert feed_xml(cat) == feed_xml(load(MINIMAL))  # deterministic bytes


def test_entry_ids_survive_a_recode_and_work_without_site_url(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    before = {e.findtext(f"{A}title"): e.findtext(f"{A}id") for e in ET.fromstring(feed_xml(load(repo.cat))).findall(f"{A}entry")}
    repo.path("items/a/T-001.yml").rename(repo.path("items/a/T-101.yml"))
    repo.edit("items/a/T-101.yml", "code: T-001", "code: T-101")
    repo.history("items/a/T-101.yml", action="recoded")
    repo.append("items/a/T-101.yml", "formerly: [T-001]\n")
    repo.edit("catalogue.yml", "site_url: https://qingdan.example.gov.cn/", "")
    cat = load(repo.cat)
    after = ET.fromstring(feed_xml(cat)).findall(f"{A}entry")
    added = next(e for e in after if e.findtext(f"{A}title") == "增加：森林防火巡查（T-101）")
    assert added.findtext(f"{A}id", "").startswith("urn:uuid:")
    assert added.find(f"{A}link").get("href") == "items/T-101/"  # type: ignore[union-attr]
    repo.edit("catalogue.yml", "approval:", "site_url: https://qingdan.example.gov.cn/\napproval:")
    with_url = {e.findtext(f"{A}title"): e.findtext(f"{A}id") for e in ET.fromstring(feed_xml(load(repo.cat))).findall(f"{A}entry")}
    assert with_url["增加：森林防火巡查（T-101）"] == before["增加：森林防火巡查（T-001）"]


def test_groups_by_approval_and_date_newest_first() -> None:
    cat = load(MINIMAL)
    got = [(g.date.isoformat(), g.approval, [e.item.code for e in g.entries]) for g in groups(cat)]
    assert got == [
        ("2025-02-01", "测编办〔2025〕1号", ["T-003"]),
        ("2025-01-10", "测编办〔2025〕1号", ["T-002"]),
        ("2024-05-01", "测编办〔2024〕2号", ["T-001", "T-002", "T-003"]),
    ]
    assert [(i.code, h.action) for i, h in latest(cat, 2)] == [("T-003", "cancelled"), ("T-002", "recoded")]
    assert len(entries(cat)) == 5


@pytest.fixture
def hostile(tmp_path: Path) -> Catalogue:
    target = tmp_path / "catalogue"
    shutil.copytree(MINIMAL, target)
    path = target / "items" / "b" / "T-003.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("name: 林业有害生物普查", f"name: '{HOSTILE}'").replace("note: 职责调整，取消本事项。", f"note: '{HOSTILE}'")
    path.write_text(text.replace("approval: 测编办〔2025〕1号", f"approval: '{HOSTILE}'"), encoding="utf-8")
    return load(target)


def test_page_escapes_catalogue_text(tmp_path: Path, hostile: Catalogue) -> None:
    docs = tmp_path / "docs"
    write_pages(hostile, docs, make_env(hostile))
    page = (docs / "changes" / "index.md").read_text(encoding="utf-8")
    assert "<script>" not in page and HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}[x](javascript:alert(1))" in page
    assert "49" not in page
    feed = ET.parse(docs / "feed.xml").getroot()  # still well-formed XML
    entry = feed.findall(f"{A}entry")[0]
    assert entry.findtext(f"{A}title") == f"取消：{HOSTILE}（T-003）"


def test_built_site_has_changes_page_feed_and_latest_on_home(build_site_of: Callable[[Path], Path]) -> None:
    site = build_site_of(MINIMAL)
    page = (site / "changes" / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2025-02-01">2025年2月1日</time> · 测编办〔2025〕1号' in page
    assert '<a href="../items/T-003/"><span class="qd-code">T-003</span> 林业有害生物普查</a>：职责调整，取消本事项。' in page
    assert 'href="../feed.xml"' in page
    ET.parse(site / "feed.xml")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "最近变更" in home and "items/T-003/" in home
    assert '<link rel="alternate feed" type="application/atom+xml" title="变更记录" href="feed.xml">' in home  # feed discovery


def test_long_history_is_split_into_group_pages(tmp_path: Path) -> None:
    """/changes/ lists the newest entries; older groups get their own page; every entry is linked once."""
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_catalogue.py"), "400", str(tmp_path / "big")],
                   check=True, capture_output=True)
    cat = load(tmp_path / "big")
    docs = tmp_path / "docs"
    write_pages(cat, docs, make_env(cat))
    main = (docs / "changes" / "index.md").read_text(encoding="utf-8")
    subpages = sorted((docs / "changes").glob("*/index.md"))
    assert subpages and main.count("<li>") <= PAGE_BUDGET
    for g in groups(cat):
        assert f'id="{g.anchor}"' in main  # every group has its heading on /changes/
    links = re.findall(r'href="\.\./(?:\.\./)?items/([^/]+)/"', main + "".join(p.read_text(encoding="utf-8") for p in subpages))
    assert sorted(links) == sorted(e.item.code for e in entries(cat))
    first = subpages[0].relative_to(docs).parent.name
    assert f'<a href="../changes/{first}/">逐项查看这 ' in main
