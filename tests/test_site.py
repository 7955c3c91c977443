"""The built site, read as a user's browser would get it: parsed HTML of real builds."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.build import BuildOptions, build_site, default_cache
from generator.model import Catalogue
from generator.validate import check

from .conftest import MINIMAL, ROOT, SAMPLE
from .site_helpers import HOSTILE, hostile_catalogue, parse

CATALOGUES = [pytest.param(MINIMAL, id="minimal"), pytest.param(SAMPLE, id="sample")]


def _load(path: Path) -> Catalogue:
    cat, _ = check(path)
    assert cat is not None
    return cat


@pytest.fixture(params=CATALOGUES)
def built(request: pytest.FixtureRequest, build_site_of: Callable[[Path], Path]) -> tuple[Catalogue, Path]:
    return _load(request.param), build_site_of(request.param)


def test_url_contract(built: tuple[Catalogue, Path]) -> None:
    cat, site = built
    urls = ["", "items/", "laws/", "changes/", "categories/", "departments/", "townships/"]
    urls += [f"items/{i.code}/" for i in cat.items]
    urls += [f"items/{old}/" for i in cat.items for old in i.formerly]
    urls += [f"categories/{c.id}/" for c in cat.categories]
    urls += [f"departments/{d.id}/" for d in cat.departments]
    urls += [f"townships/{t.id}/" for t in cat.townships]
    urls += [f"laws/{law.id}/" for law in cat.laws]
    if cat.identity.general_workflow:
        urls.append("workflow/")
    missing = [u for u in urls if not (site / u / "index.html").is_file()]
    assert not missing


def test_every_item_page(built: tuple[Catalogue, Path]) -> None:
    cat, site = built
    for item in cat.items:
        page = parse(site / "items" / item.code / "index.html")
        text = page.visible
        assert page.find("h1", class_="qd-title"), item.code
        assert item.name in text and item.code in text
        assert cat.labels.of(item.responsibility) in text
        assert cat.category[item.category].name in text
        # Lead department first in the responsibility table.
        depts = [cat.department[d.department].name for d in item.lead_departments()]
        positions = [text.index(name) for name in depts]
        assert positions == sorted(positions), item.code
        for duty in item.township.duties if item.township else []:
            assert " ".join(duty.split()) in text
        for cite in item.basis:
            law = cat.law[cite.law]
            assert f"《{law.title}》" in text
            for ref in cite.articles:
                href = f"../../laws/{law.id}/#art-{ref.replace('.', '-')}"
                assert href in page.links(), (item.code, href)
                target = parse(site / "laws" / law.id / "index.html")
                assert f"art-{ref.replace('.', '-')}" in target.ids, (law.id, ref)
                first = (law.article_text(ref) or "").split("\n")[0]
                assert " ".join(first.split())[:30] in text
        for step in item.workflow:
            assert f"step-{step.id}" in page.ids
        for h in item.history:
            assert h.approval in text
        if cat.identity.site_url:
            link = f"{cat.identity.site_url.rstrip('/')}/items/{item.code}/"
            assert link in page.links()
        assert "更新日期" in text and cat.identity.version in text


def test_redirects_and_tombstones(built: tuple[Catalogue, Path]) -> None:
    cat, site = built
    table = parse(site / "items" / "index.html")
    home = parse(site / "index.html")
    for item in cat.items:
        for old in item.formerly:
            page = parse(site / "items" / old / "index.html")
            assert page.find("meta", **{"http-equiv": "refresh"})[0]["content"].endswith(f"url=../{item.code}/")
            assert page.find("link", rel="canonical")
            assert f"../{item.code}/" in page.links()
        listed = f"{item.code}/" in table.links()
        if item.cancelled:
            page = parse(site / "items" / item.code / "index.html")
            assert page.find("div", class_="qd-banner qd-banner--cancelled")
            assert "本事项已取消" in page.visible and item.cancelled.approval in page.visible
            assert not listed
        else:
            assert listed
    assert f"{len(cat.active_items)} 现行事项" in home.visible


def test_law_pages_list_citing_items(built: tuple[Catalogue, Path]) -> None:
    cat, site = built
    for law in cat.laws:
        page = parse(site / "laws" / law.id / "index.html")
        anchors = {i for i in page.ids if i.startswith("art-")}
        assert {f"art-{a.replace('.', '-')}" for a in law.articles} <= anchors
        for item in cat.active_items:
            if any(c.law == law.id for c in item.basis):
                assert f"../../items/{item.code}/" in page.links(), (law.id, item.code)


def test_pages_stay_small_and_items_out_of_nav(built: tuple[Catalogue, Path]) -> None:
    cat, site = built
    home = (site / "index.html").read_text(encoding="utf-8")
    assert not re.search(r'class="md-nav__link[^"]*"[^>]*href="items/[^"/]+/"', home)
    for item in cat.items[:20]:
        assert (site / "items" / item.code / "index.html").stat().st_size < 120_000


def test_nothing_is_fetched_from_another_host(built: tuple[Catalogue, Path]) -> None:
    _, site = built
    fetching = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("image", "href")}
    for path in site.rglob("*.html"):
        page = parse(path)
        for tag, attrs in page.tags:
            for attr in ("src", "href"):
                value = attrs.get(attr, "")
                if (tag, attr) in fetching and value.startswith(("http:", "https:", "//")):
                    assert tag == "link" and attrs.get("rel") == "canonical", (path, tag, value)
    for css in site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8")), css
        assert "@import" not in css.read_text(encoding="utf-8"), css


def test_every_page_has_language_dates_and_footer(built: tuple[Catalogue, Path]) -> None:
    cat, site = built
    for path in site.rglob("index.html"):
        page = parse(path)
        if page.find("meta", **{"http-equiv": "refresh"}):
            continue
        assert page.find("html", lang="zh-CN"), path
        text = page.visible
        assert "更新日期" in text, path
        assert f"清单版本：{cat.identity.version}" in text, path
        if cat.identity.sample:
            assert "示例数据" in text, path
        if cat.identity.portal and cat.identity.portal.site_code:
            assert cat.identity.portal.site_code in text, path


def test_footer_names_the_git_commit(build_site_of: Callable[[Path], Path]) -> None:
    commit = subprocess.run(["git", "-C", str(MINIMAL), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if commit.returncode != 0:
        pytest.skip("not a git checkout")
    assert commit.stdout.strip() in parse(build_site_of(MINIMAL) / "index.html").visible


def test_hostile_text_is_shown_as_text(tmp_path: Path) -> None:
    catalogue = hostile_catalogue(MINIMAL, tmp_path / "hostile")
    site = tmp_path / "site"
    build_site(catalogue, site)
    seen = 0
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        page = parse(path)
        assert "<script>alert" not in html, path
        # JSON-LD may carry the text, escaped (\u003c); nothing may close or open a script.
        assert not any("<script" in s or "</" in s for s in page.scripts), path
        for _, attrs in page.tags:
            assert not any(v.strip().lower().startswith("javascript:") for v in attrs.values()), path
        assert "49" not in re.sub(r"<svg.*?</svg>|<script.*?</script>|\d49|49\d", "", html, flags=re.S), path
        for found in ("<b>粗</b>", "[x](javascript:alert(1))", "{{ 7*7 }}"):
            seen += page.visible.count(found)
        if 'class="qd-page' in html:  # generated pages: Markdown never ran on catalogue text
            assert not page.find("em") and not page.find("pre"), path
    assert seen > 50
    item = parse(site / "items" / "T-001" / "index.html")
    assert " ".join(HOSTILE.split()) in item.visible  # summary, duties, notes: shown verbatim
    for folder in ("workflow", "laws/forest-fire-regulation", "", "items", "changes", "categories/emergency", "laws/repealed-rule",
                   "townships/shanxi", "townships/shanxi/handbook", "departments/forestry"):  # rows made in Python
        assert " ".join(HOSTILE.split()) in parse(site / folder / "index.html").visible, folder


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("catalogue", CATALOGUES)
def test_two_builds_are_byte_identical(catalogue: Path, tmp_path: Path) -> None:
    build_site(catalogue, tmp_path / "one")
    build_site(catalogue, tmp_path / "two")
    one, two = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []


def test_failed_check_leaves_out_untouched(minimal_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "live"
    build_site(minimal_copy, out)
    before = _tree(out)
    item = minimal_copy / "items" / "a" / "T-001.yml"
    item.write_text(item.read_text(encoding="utf-8").replace("category: emergency", "category: nowhere"), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--catalogue", str(minimal_copy), "--out", str(out)],
                            capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert result.returncode == 1
    assert "nowhere" in result.stdout and "unknown-category" in result.stdout
    assert _tree(out) == before
    kept = default_cache(out).name  # the build cache beside --out (the check's parse cache) stays on purpose
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != kept) == ["catalogue", "live"]  # no leftovers


def test_build_replaces_out_and_reports_progress(minimal_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "stale.html").write_text("old", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--catalogue", str(minimal_copy), "--out", str(out)],
                            capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert result.returncode == 0, result.stderr
    assert "完成" in result.stderr
    assert not (out / "stale.html").exists() and (out / "index.html").is_file()
    shutil.rmtree(out)


def test_raw_pages_skip_markdown_without_changing_a_byte(tmp_path: Path) -> None:
    """The plugin's shortcut (raw HTML set aside) gives what Python-Markdown gives."""
    build_site(MINIMAL, tmp_path / "fast")
    build_site(MINIMAL, tmp_path / "markdown", options=BuildOptions(markdown_all=True))
    assert _tree(tmp_path / "fast") == _tree(tmp_path / "markdown")


def test_assets_are_also_shipped_gzipped_and_the_same(sample_site: Path) -> None:
    """For servers that send ready .gz files but do not compress (docs/hosting.md)."""
    zipped = sorted((sample_site / "assets").rglob("*.gz"))
    assert any(p.name.startswith("bundle.") for p in zipped) and any(p.name.startswith("main.") for p in zipped)
    for path in zipped:
        assert gzip.decompress(path.read_bytes()) == path.with_suffix("").read_bytes(), path


def test_stencilled_pages_are_the_pages_mkdocs_renders(sample_site: Path, tmp_path: Path) -> None:
    """Theme pages filled from a stencil outside MkDocs (generator.mkdocs_site.bulk) equal MkDocs' own
    rendering, and the sitemap (plain and gzipped) still lists every page."""
    build_site(SAMPLE, tmp_path / "rendered", options=BuildOptions(stencils=False))
    built, rendered = _tree(sample_site), _tree(tmp_path / "rendered")
    assert built.keys() == rendered.keys()
    assert [k for k in built if built[k] != rendered[k]] == []
    modes = [k for k in built if (sample_site / k).stat().st_mode != (tmp_path / "rendered" / k).stat().st_mode]
    assert modes == []  # files moved into the site, not copied, have the permissions of a copy
    sitemap = built["sitemap.xml"].decode("utf-8")
    assert all(f"/items/{item.code}/</loc>" in sitemap for item in _load(SAMPLE).items)


def test_a_theme_that_defeats_the_stencils_costs_time_not_bytes(tmp_path: Path) -> None:
    """An override that prints a page value through a filter no stencil can fill (upper) makes the
    stencil fail its check: the build runs again with every page through MkDocs."""
    project = tmp_path / "project"
    shutil.copytree(SAMPLE, project / "catalogue")
    for name in ("mkdocs.yml", "overrides", "docs"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, project / name)
    main = project / "overrides" / "main.html"
    block = "{% block extrahead %}"
    main.write_text(main.read_text(encoding="utf-8").replace(block, block + '<meta name="qd-test" content="{{ page.title | upper }}">', 1),
                    encoding="utf-8")
    build_site(project / "catalogue", tmp_path / "stencils")
    build_site(project / "catalogue", tmp_path / "rendered", options=BuildOptions(stencils=False))
    built, rendered = _tree(tmp_path / "stencils"), _tree(tmp_path / "rendered")
    assert built.keys() == rendered.keys()
    assert [k for k in built if built[k] != rendered[k]] == []
    item = _load(SAMPLE).items[0]
    assert f'content="{item.code.upper()} ' in built[f"items/{item.code}/index.html"].decode("utf-8")


def test_a_rebuild_keeps_unchanged_files_and_rewrites_changed_or_damaged_ones(tmp_path: Path) -> None:
    """Building over the previous site leaves the files whose bytes come out the same as they are (an
    upload by size and time moves nothing for them); bytes are always compared, so a damaged file is rewritten."""
    catalogue = tmp_path / "catalogue"
    shutil.copytree(SAMPLE, catalogue)
    out = build_site(catalogue, tmp_path / "site")
    items = _load(catalogue).items
    kept, damaged, changed = (f"items/{item.code}/index.html" for item in items[:3])
    version_page = next(out.glob(f"items/{items[0].code}/v/*/index.html")).relative_to(out).as_posix()
    version_json = next(out.glob(f"items/{items[0].code}/v/*.json")).relative_to(out).as_posix()
    before = {p.relative_to(out).as_posix(): p.stat() for p in out.rglob("*") if p.is_file()}
    (out / damaged).write_bytes(b"x" * before[damaged].st_size)  # same size, other bytes
    source = next(catalogue.joinpath("items").rglob(f"{items[2].code}.yml"))
    source.write_text(source.read_text(encoding="utf-8").replace(items[2].name, items[2].name + "（调整）", 1), encoding="utf-8")
    build_site(catalogue, out)
    fresh = build_site(catalogue, tmp_path / "fresh")
    rebuilt, expected = _tree(out), _tree(fresh)
    assert rebuilt.keys() == expected.keys()
    assert [k for k in rebuilt if rebuilt[k] != expected[k]] == []
    assert items[2].name + "（调整）" in rebuilt[changed].decode("utf-8")
    # The item page and its JSON, the version pages written after MkDocs, the search index files
    # whose names (their content) are the same, and the assets' .gz written after them.
    shards = sorted(name for name in rebuilt.keys() & before.keys()
                    if name.startswith("search-index/") and name != "search-index/meta.json")
    packed = sorted(name for name in rebuilt if name.startswith("assets/") and name.endswith(".gz"))
    assert any(name.startswith("search-index/g/") for name in shards) and packed
    for name in (kept, f"items/{items[0].code}.json", version_page, version_json, *shards, *packed):
        now = (out / name).stat()
        assert (now.st_ino, now.st_mtime_ns) == (before[name].st_ino, before[name].st_mtime_ns), name
    assert (out / damaged).stat().st_ino != before[damaged].st_ino


def test_a_rebuild_in_place_clears_what_stands_in_its_way_and_never_writes_into_old_files(minimal_copy: Path, tmp_path: Path) -> None:
    """Only changed files are moved into the old site: stray files and folders go, a file where the
    new site has a folder (and a folder where it has a file) is replaced, and a hard-linked copy of
    the old site keeps the old bytes."""
    out = build_site(minimal_copy, tmp_path / "site")
    copy = tmp_path / "copy"
    shutil.copytree(out, copy, copy_function=os.link)
    (out / "items" / "stray.html").write_text("x", encoding="utf-8")
    (out / "old" / "deep").mkdir(parents=True)
    (out / "old" / "deep" / "f.txt").write_text("x", encoding="utf-8")
    shutil.rmtree(out / "laws")
    (out / "laws").write_text("x", encoding="utf-8")
    (out / "404.html").unlink()
    (out / "404.html" / "inside").mkdir(parents=True)
    item = minimal_copy / "items" / "a" / "T-001.yml"
    item.write_text(item.read_text(encoding="utf-8").replace("name: 森林防火巡查", "name: 森林防火巡查（调整）", 1), encoding="utf-8")
    build_site(minimal_copy, out)
    assert _tree(out) == _tree(build_site(minimal_copy, tmp_path / "fresh"))
    assert not (out / "old").exists()
    assert "（调整）" in (out / "items" / "T-001" / "index.html").read_text(encoding="utf-8")
    assert "（调整）" not in (copy / "items" / "T-001" / "index.html").read_text(encoding="utf-8")


def test_a_rebuild_leaves_no_file_open(minimal_copy: Path, tmp_path: Path) -> None:
    """The notes of kept files are closed when the build ends (``qingdan serve`` rebuilds for hours)."""
    out = build_site(minimal_copy, tmp_path / "site")
    before = sorted(os.listdir("/proc/self/fd"))
    build_site(minimal_copy, out)
    assert sorted(os.listdir("/proc/self/fd")) == before


def test_a_site_folder_holding_a_symbolic_link_is_replaced_whole(minimal_copy: Path, tmp_path: Path) -> None:
    """Files are never moved through a link into a folder outside the site: such a site is replaced."""
    out = build_site(minimal_copy, tmp_path / "site")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_text("mine", encoding="utf-8")
    shutil.rmtree(out / "laws")
    (out / "laws").symlink_to(outside, target_is_directory=True)
    build_site(minimal_copy, out)
    assert not (out / "laws").is_symlink()
    assert _tree(out) == _tree(build_site(minimal_copy, tmp_path / "fresh"))
    assert sorted(p.name for p in outside.iterdir()) == ["index.html"]
    assert (outside / "index.html").read_text(encoding="utf-8") == "mine"


def test_a_character_beyond_u_ffff_in_a_title_shows_as_itself(minimal_copy: Path, tmp_path: Path) -> None:
    """Front matter keeps such a character whole (JSON would escape it as a surrogate pair, which
    MkDocs' YAML reader keeps as two broken characters)."""
    item = minimal_copy / "items" / "a" / "T-001.yml"
    item.write_text(item.read_text(encoding="utf-8").replace("name: 森林防火巡查", "name: 森林防火巡查𠀀", 1), encoding="utf-8")
    site = build_site(minimal_copy, tmp_path / "site")
    html = (site / "items" / "T-001" / "index.html").read_text(encoding="utf-8")
    assert "<title>T-001 森林防火巡查𠀀" in html
    assert "&#55" not in html
