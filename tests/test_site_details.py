"""The smaller points of the public site, as built from the sample: 404, descriptions, banners, guide."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from generator.build import build_site

from .conftest import SAMPLE
from .site_helpers import parse


def test_404_is_chinese_with_search_and_help(sample_site: Path) -> None:
    page = parse(sample_site / "404.html")
    assert "找不到这个页面" in page.visible and "Not found" not in page.visible
    assert page.find("form", role="search") and page.find("input", name="q")
    links = page.links()
    assert any(h.endswith("items/") for h in links) and any(h.endswith("editing/") for h in links)


def test_every_item_page_has_its_own_description(sample_site: Path) -> None:
    seen: dict[str, str] = {}
    for path in sorted((sample_site / "items").glob("*/index.html")):
        if "http-equiv=\"refresh\"" in path.read_text(encoding="utf-8"):
            continue
        (meta,) = parse(path).find("meta", name="description")
        assert meta["content"] not in seen, (path, seen.get(meta["content"]))
        seen[meta["content"]] = path.parent.name
    assert len(seen) > 50


def test_cancelled_banner_ends_in_one_full_stop(sample_site: Path) -> None:
    """On item pages and their version pages (a version after the cancellation carries the banner too)."""
    banners = 0
    for path in sorted((sample_site / "items").rglob("index.html")):
        html = path.read_text(encoding="utf-8")
        if "qd-banner--cancelled" in html:
            banners += 1
            banner = html[html.index("qd-banner--cancelled"):]
            assert "。。" not in banner[:banner.index("</div>")], path
    assert banners


def test_redirect_pages_name_the_sites_own_icon(sample_site: Path) -> None:
    redirects = [p for p in (sample_site / "items").rglob("index.html") if 'http-equiv="refresh"' in p.read_text(encoding="utf-8")]
    assert any("/v/" in str(p) for p in redirects), "an old code's version pages redirect too"
    for path in redirects:
        (icon,) = parse(path).find("link", rel="icon")
        assert (path.parent / icon["href"]).resolve().is_file()


def test_editing_guide_steps_and_examples(sample_site: Path) -> None:
    html = (sample_site / "editing" / "index.html").read_text(encoding="utf-8")
    assert 'href="http://127.' not in html
    start = re.search(r"<h2[^>]*>一、修改清单的步骤", html).end()  # type: ignore[union-attr]
    steps = html[html.index("<ol>", start):]
    depth = top = 0
    for m in re.finditer(r"<(/?)(ol|li)\b", steps):
        if m.group(2) == "ol":
            depth += -1 if m.group(1) else 1
            if depth == 0:
                break
        elif not m.group(1) and depth == 1:
            top += 1
    assert top == 4  # steps 3 and 4 are steps, not paragraphs of step 2
    assert "不用 Git" in html
    # the item example's ids exist in the sample
    guide = (SAMPLE.parent / "docs" / "editing" / "index.md").read_text(encoding="utf-8")
    example = guide[guide.index("```yaml\ncode: "):]
    item = yaml.safe_load(example[len("```yaml\n"):example.index("```", 8)])
    assert (SAMPLE / "items" / item["category"] / f"{item['code']}.yml").is_file()
    assert all((SAMPLE / "laws" / f"{b['law']}.yml").is_file() for b in item["basis"])
    towns = {t["id"] for t in yaml.safe_load((SAMPLE / "townships.yml").read_text(encoding="utf-8"))}
    assert set(item["townships"]) <= towns


def test_footer_links_record_numbers_only_to_configured_registries(minimal_copy: Path, tmp_path: Path) -> None:
    ident = minimal_copy / "catalogue.yml"
    ident.write_text(ident.read_text(encoding="utf-8") + "portal:\n  icp: 示ICP备1号\n  icp_url: https://beian.example.cn/\n"
                     "  police_record: 示公网安备2号\n", encoding="utf-8")
    out = tmp_path / "site"
    build_site(minimal_copy, out)
    page = parse(out / "index.html")
    assert "https://beian.example.cn/" in page.links()
    text = (out / "index.html").read_text(encoding="utf-8")
    assert "示公网安备2号" in text and not re.search(r"<a[^>]*>示公网安备2号", text)


