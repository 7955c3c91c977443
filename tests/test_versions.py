"""Point-in-time versions: a catalogue's git history (add, adjust, recode, cancel) becomes version pages."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator.build import build_site
from generator.history import read_versions
from generator.validate import check

from .gitrepo import T1, T2, Repo
from .site_helpers import parse

T101 = "items/a/T-101.yml"
LAW = "laws/forest-fire-regulation.yml"
OLD_ARTICLE = "确定森林防火责任人，并配备森林防火设施和设备。"
NEW_ARTICLE = "确定森林防火责任人，并配备森林防火设施和设备（测试修订）。"
DATES = ["2024-05-01", "2025-01-10", "2025-06-01", "2025-09-01"]


def make_history(root: Path) -> Repo:
    """Four commits on main: add (the minimal catalogue), adjust duties, recode (and a law text change), cancel."""
    repo = Repo(root)  # commit 1: T-001 added 2024-05-01
    repo.edit(T1, "    - 组织巡山护林。", "    - 组织巡山护林，每月不少于两次。")
    repo.history(T1, day="2025-01-10", approval="测编办〔2025〕1号", note="增加巡查频次")
    repo.commit("adjust duties")
    repo.path(T1).rename(repo.path(T101))
    repo.edit(T101, "code: T-001", "code: T-101")
    repo.history(T101, action="recoded", day="2025-06-01", approval="测编办〔2025〕5号", note="统一编码")
    repo.append(T101, "formerly: [T-001]\n")
    repo.edit(LAW, OLD_ARTICLE, NEW_ARTICLE)
    repo.commit("recode T-001 as T-101; the regulation's text revised")
    repo.history(T101, action="cancelled", day="2025-09-01", approval="测编办〔2025〕9号", note="职责划转")
    repo.commit("cancel T-101")
    return repo


@pytest.fixture(scope="module")
def history_repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return make_history(tmp_path_factory.mktemp("versions") / "repo")


@pytest.fixture(scope="module")
def site(history_repo: Repo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("versions-site") / "site"
    build_site(history_repo.cat, out)
    return out


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def text_of(site: Path, rel: str) -> str:
    return parse(site / rel).visible


def test_versions_follow_the_item_through_its_recode(history_repo: Repo) -> None:
    cat, _ = check(history_repo.cat)
    assert cat is not None
    versions = read_versions(cat, history_repo.cat)
    t101 = versions["T-101"]
    assert [v.slug for v in t101] == DATES
    assert [v.item.code for v in t101] == ["T-001", "T-001", "T-101", "T-101"]
    assert [v.approval for v in t101] == ["测编办〔2024〕2号", "测编办〔2025〕1号", "测编办〔2025〕5号", "测编办〔2025〕9号"]
    assert [v.end.isoformat() if v.end else None for v in t101] == DATES[1:] + [None]
    # each version quotes the regulation as it stood at its commit
    quoted = [v.context.law["forest-fire-regulation"].articles["20"] for v in t101]
    assert [NEW_ARTICLE in q for q in quoted] == [False, False, True, True]
    assert [v.slug for v in versions["T-002"]] == ["2025-01-10"]  # never changed: one version


def test_version_pages_show_the_item_as_it_then_stood(site: Path) -> None:
    first = text_of(site, "items/T-101/v/2024-05-01/index.html")
    assert "这是本事项的历史版本，不是现行文本。" in first
    assert "施行期间 2024年5月1日起至2025年1月9日" in first
    assert "批准文件 测编办〔2024〕2号" in first
    assert "组织巡山护林。" in first and "每月不少于两次" not in first
    assert "事项编码 T-001" in first
    assert OLD_ARTICLE in first and NEW_ARTICLE not in first
    assert "现行版本： T-101 森林防火巡查 （2025年9月1日起施行）" in first
    assert ("此后的变化：此后经过 3 次批准的变更；与现行版本相比，乡镇职责有变化；事项编码由 T-001 改为 T-101；"
            "本事项已于2025年9月1日取消（测编办〔2025〕9号）。") in first
    page = parse(site / "items/T-101/v/2024-05-01/index.html")
    assert page.find("figure", class_="qd-flowchart"), "the version's flowchart"
    assert page.find("link", rel="canonical", href="https://qingdan.example.gov.cn/items/T-101/v/2024-05-01/")

    second = text_of(site, "items/T-101/v/2025-01-10/index.html")
    assert "组织巡山护林，每月不少于两次。" in second and OLD_ARTICLE in second
    recoded = text_of(site, "items/T-101/v/2025-06-01/index.html")
    assert "事项编码 T-101" in recoded and NEW_ARTICLE in recoded
    last = text_of(site, "items/T-101/v/2025-09-01/index.html")
    assert "这是本事项的现行版本。" in last
    assert "施行期间 2025年9月1日起至今" in last
    assert "本版本是事项取消后的状态。" in last


def test_compare_with_the_previous_version(site: Path) -> None:
    second = parse(site / "items/T-101/v/2025-01-10/index.html")
    compare = second.visible.split("与上一版本（2024年5月1日版）比较", 1)[1]
    assert compare.startswith(" 乡镇职责 删除：组织巡山护林。 增加：组织巡山护林，每月不少于两次。")
    assert "本版本的批准：2025-01-10 调整（测编办〔2025〕1号）：增加巡查频次" in compare
    third = text_of(site, "items/T-101/v/2025-06-01/index.html").split("与上一版本（2025年1月10日版）比较", 1)[1]
    assert third.startswith(" 事项编码 T-001 → T-101 曾用编码 增加：T-001")
    current = text_of(site, "items/T-101/index.html")
    assert "与上一版本（2025年6月1日版）比较 职责、依据、流程等内容没有变化，变化见下面的批准记录" in current


def test_item_page_lists_versions_with_ranges_and_cites_both_urls(site: Path) -> None:
    page = parse(site / "items/T-101/index.html")
    rows = re.findall(r"(\d{4}年\d+月\d+日版)(?: 现行)? (\S+)", page.visible.split("历次版本", 2)[2])[:4]
    assert rows == [("2025年9月1日版", "2025年9月1日起至今"), ("2025年6月1日版", "2025年6月1日起至2025年8月31日"),
                    ("2025年1月10日版", "2025年1月10日起至2025年5月31日"), ("2024年5月1日版", "2024年5月1日起至2025年1月9日")]
    links = [a["href"] for a in page.find("a", class_="qd-version-link")]
    assert links == [f"../../items/T-101/v/{d}/" for d in reversed(DATES)]
    assert "（2025年9月1日施行的版本）" in page.visible
    assert page.find("a", class_="qd-permalink", href="https://qingdan.example.gov.cn/items/T-101/")
    assert page.find("a", class_="qd-version-url", href="https://qingdan.example.gov.cn/items/T-101/v/2025-09-01/")
    old = parse(site / "items/T-101/v/2024-05-01/index.html")
    assert "第 T-001 项“森林防火巡查”（2024年5月1日施行的版本）" in old.visible
    assert old.find("a", class_="qd-version-url", href="https://qingdan.example.gov.cn/items/T-101/v/2024-05-01/")
    assert old.find("a", class_="qd-permalink", href="https://qingdan.example.gov.cn/items/T-101/")


def test_old_urls_still_resolve(site: Path) -> None:
    assert 'url=../T-101/' in read(site, "items/T-001/index.html")
    for day in DATES:
        redirect = read(site, f"items/T-001/v/{day}/index.html")
        assert f'content="0; url=../../../T-101/v/{day}/"' in redirect
        assert (site / "items/T-001/v" / day / "../../../T-101/v" / day / "index.html").resolve().is_file()


def test_changes_feed_and_json_link_the_versions(site: Path) -> None:
    changes = parse(site / "changes/index.html")
    assert "调整 T-101 森林防火巡查 ：增加巡查频次 （ 变更前 ｜ 变更后 ）" in changes.visible
    pairs = list(itertools.pairwise(changes.links()))
    for before, after in itertools.pairwise(DATES):  # each change links the version before it and the one it approved
        assert (f"../items/T-101/v/{before}/", f"../items/T-101/v/{after}/") in pairs
    assert "改编码 T-002 林木采伐监管配合 ：原编码 OLD-002 （ 变更后 ）" in changes.visible  # no text known before it
    feed = read(site, "feed.xml")
    assert 'href="https://qingdan.example.gov.cn/items/T-101/v/2025-01-10/"' in feed
    assert 'href="https://qingdan.example.gov.cn/items/T-101/v/2025-09-01/"' in feed
    data: dict[str, Any] = json.loads(read(site, "items/T-101.json"))
    assert [(v["from"], v["until"]) for v in data["versions"]] == list(zip(DATES, [*DATES[1:], None], strict=True))
    assert data["versions"][0]["url"] == "https://qingdan.example.gov.cn/items/T-101/v/2024-05-01/"
    first: dict[str, Any] = json.loads(read(site, "items/T-101/v/2024-05-01.json"))
    assert first["code"] == "T-001" and first["township"]["duties"] == ["组织巡山护林。"]
    assert first["version"]["until"] == "2025-01-10"


def test_version_pages_stay_out_of_search_and_sitemap(site: Path) -> None:
    indexed = b"".join(p.read_bytes() for p in (site / "search-index").rglob("*") if p.is_file())
    assert b"/v/2024-05-01" not in indexed and "组织巡山护林。".encode() not in indexed
    sitemap = read(site, "sitemap.xml")
    assert "/v/" not in sitemap and "_qd-version-frame" not in sitemap
    assert not (site / "items/_qd-version-frame").exists()


def test_rebuild_is_byte_identical(history_repo: Repo, site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_site(history_repo.cat, again)
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert [f for f in files if (site / f).read_bytes() != (again / f).read_bytes()] == []


def test_version_pages_change_only_with_their_item(history_repo: Repo, site: Path, tmp_path: Path) -> None:
    clone = Repo.clone_of(history_repo, tmp_path / "clone")
    clone.edit(T2, "name: 林木采伐监管配合", "name: 林木采伐监管")
    clone.history(T2, day="2025-10-01", approval="测编办〔2025〕10号")
    clone.commit("another item changes")
    later = tmp_path / "later"
    build_site(clone.cat, later)
    pages = sorted(p.relative_to(site) for p in (site / "items/T-101/v").rglob("*") if p.is_file())
    assert len(pages) == 2 * len(DATES)  # a page and a JSON per version
    assert [p for p in pages if (site / p).read_bytes() != (later / p).read_bytes()] == []
    assert (later / "items/T-002/v/2025-10-01/index.html").is_file()


def test_two_versions_on_one_day_and_uncommitted_edits(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.edit(T2, "name: 林木采伐监管配合", "name: 林木采伐监管")
    repo.history(T2, day="2025-02-02", approval="测编办〔2025〕2号")
    repo.commit("first change that day")
    repo.edit(T2, "name: 林木采伐监管", "name: 林木采伐监管和配合")
    repo.history(T2, day="2025-02-02", approval="测编办〔2025〕3号")
    repo.commit("second change that day")
    repo.history(T2, day="2025-03-03", approval="测编办〔2025〕4号")  # not committed
    cat, _ = check(repo.cat)
    assert cat is not None
    versions = read_versions(cat, repo.cat)["T-002"]
    assert [(v.slug, v.commit is None) for v in versions] == [("2025-01-10", False), ("2025-02-02", False),
                                                              ("2025-02-02-2", False), ("2025-03-03", True)]


def test_catalogue_without_git_has_one_version_per_item(minimal_copy: Path) -> None:
    cat, _ = check(minimal_copy)
    assert cat is not None
    assert read_versions(cat, minimal_copy) == {} or all(len(v) == 1 for v in read_versions(cat, minimal_copy).values())
    assert [[v.slug for v in cat.versions_of(i)] for i in cat.items] == [["2024-05-01"], ["2025-01-10"], ["2025-02-01"]]


@pytest.mark.browser
@pytest.mark.parametrize(("day", "lands"), [
    ("2024-01-01", None),  # before the item was listed
    ("2024-08-01", "2024-05-01"),
    ("2025-01-10", "2025-01-10"),  # the day a version starts
    ("2025-03-01", "2025-01-10"),
    ("2025-12-31", "2025-09-01"),  # after the cancellation: the cancelled state
])
def test_as_of_lands_on_the_version_in_force(site: Path, serve, page, day: str, lands: str | None) -> None:  # type: ignore[no-untyped-def]
    base = serve(site)
    page.goto(base + "as-of/")
    page.fill("#qd-asof-date", day)
    page.fill("#qd-asof-code", "T-001")  # the old code works too
    page.click(".qd-asof__form button[type=submit]")
    if lands is None:
        page.wait_for_selector(".qd-asof__message")
        assert "尚未列入清单（2024-05-01 列入）" in page.inner_text(".qd-asof__result")
        assert page.get_attribute(".qd-asof__result a", "href") == "../items/T-101/v/2024-05-01/"
        return
    page.wait_for_url(f"**/items/T-101/v/{lands}/")
    assert page.title().startswith(f"T-{'001' if lands < '2025-06-01' else '101'} 森林防火巡查")
    assert page.locator(".qd-version-status").is_visible()


@pytest.mark.browser
def test_as_of_lists_the_items_in_force_by_township(site: Path, serve, page) -> None:  # type: ignore[no-untyped-def]
    base = serve(site)
    page.goto(base + "as-of/?date=2025-12-31")
    page.wait_for_selector(".qd-asof__list")
    listed = page.locator(".qd-asof__list a").all_inner_texts()
    assert listed == ["T-002 林木采伐监管配合"]  # T-101 cancelled by then, T-003 cancelled 2025-02-01
    page.goto(base + "as-of/?date=2025-03-01")
    page.wait_for_selector(".qd-asof__list")
    assert page.locator(".qd-asof__list a").all_inner_texts() == ["T-001 森林防火巡查", "T-002 林木采伐监管配合"]
    page.goto(base + "as-of/?date=2024-08-01&township=shanxi")
    page.wait_for_selector(".qd-asof__list")
    assert page.locator(".qd-asof__list a").all_inner_texts() == ["T-001 森林防火巡查", "T-002 林木采伐监管配合"]
