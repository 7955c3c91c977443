"""The township handbook: /townships/<id>/handbook/ in the built site, and printed to PDF."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.load import load
from generator.pages.handbook import handbook_items

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "catalogue"
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal"


class _Articles(HTMLParser):
    """Codes of the item blocks (article.qd-hb-item) and the TOC headings, in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.codes: list[str] = []
        self.toc_heads: list[str] = []
        self._in_toc = False
        self._h3 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "article" and "qd-hb-item" in (a.get("class") or ""):
            self.codes.append(a.get("id") or "")
        if tag == "nav" and "qd-hb-toc" in (a.get("class") or ""):
            self._in_toc = True
        self._h3 = tag == "h3" and self._in_toc

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_toc = False
        if tag == "h3":
            self._h3 = False

    def handle_data(self, data: str) -> None:
        if self._h3:
            self.toc_heads.append(data.strip())


def _parse(path: Path) -> _Articles:
    parser = _Articles()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def sample(build_site_of: Callable[[Path], Path]) -> Path:
    return build_site_of(SAMPLE)


def test_every_township_has_a_handbook_with_exactly_its_items(sample: Path) -> None:
    cat, _ = load(SAMPLE)
    assert cat is not None
    for township in cat.townships:
        page = sample / "townships" / township.id / "handbook" / "index.html"
        parsed = _parse(page)
        expected = handbook_items(cat, township)
        assert parsed.codes == [i.code for i in expected]
        assert not any(cat.item[c].cancelled for c in parsed.codes)
        # table of contents by category, in categories.yml order
        heads = [re.sub(r"（\d+ 项）$", "", h) for h in parsed.toc_heads]
        order = [c.name for c in cat.categories]
        assert heads == sorted(set(heads), key=order.index)
        html = page.read_text(encoding="utf-8")
        assert f"{township.name}<br>属地管理事项工作手册" in html
        assert cat.identity.version in html and "施行日期" in html
        # the township page links to its handbook
        text = (sample / "townships" / township.id / "index.html").read_text(encoding="utf-8")
        assert f'href="../../townships/{township.id}/handbook/"' in text


def test_handbook_quotes_duties_basis_and_steps(build_site_of: Callable[[Path], Path]) -> None:
    site = build_site_of(MINIMAL)
    html = (site / "townships" / "shanxi" / "handbook" / "index.html").read_text(encoding="utf-8")
    assert "组织巡山护林。" in html  # township duties
    assert "指导乡镇开展森林防火工作。" in html  # county department duties
    assert "森林、林木、林地的经营单位和个人应当按照林业主管部门的规定" in html  # article text quoted
    assert "巡查发现火情隐患" in html and "办结归档" in html  # workflow steps
    chengguan = (site / "townships" / "chengguan" / "handbook" / "index.html").read_text(encoding="utf-8")
    assert "T-001" not in chengguan  # applies to 山溪乡 only
    assert "T-003" not in chengguan  # cancelled


@pytest.mark.browser
def test_handbook_prints_one_item_per_page(sample: Path, serve: Callable[..., str], page) -> None:  # type: ignore[no-untyped-def]
    cat, _ = load(SAMPLE)
    assert cat is not None
    township = max(cat.townships, key=lambda t: len(handbook_items(cat, t)))
    n = len(handbook_items(cat, township))
    base = serve(sample)
    page.goto(f"{base}townships/{township.id}/handbook/")
    page.emulate_media(media="print")
    # on paper the cover fills a page and every item starts a new one
    tops = page.eval_on_selector_all(".qd-hb-item", "els => els.map(e => getComputedStyle(e).breakBefore)")
    assert tops == ["page"] * n
    assert page.eval_on_selector(".qd-header, .md-header", "e => getComputedStyle(e).display") == "none"
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    # cover + contents + at least one page per item, and not runaway (an item fits in a few pages)
    assert n + 2 <= pages <= 4 * n + 6, (n, pages)


def test_huge_township_gets_contents_only(tmp_path: Path) -> None:
    """Above FULL_TEXT_MAX items the handbook lists the items and links to their pages."""
    import subprocess
    import sys

    from generator.pages import handbook
    from generator.pages.base import make_env

    source = tmp_path / "catalogue"
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_catalogue.py"), str(handbook.FULL_TEXT_MAX + 300), str(source)], check=True)
    cat, _ = load(source)
    assert cat is not None
    docs = tmp_path / "docs"
    handbook.write_pages(cat, docs, make_env(cat))
    sizes = {t.id: len(handbook_items(cat, t)) for t in cat.townships}
    big = max(sizes, key=lambda k: sizes[k])
    assert sizes[big] > handbook.FULL_TEXT_MAX
    text = (docs / "townships" / big / "handbook" / "index.md").read_text(encoding="utf-8")
    assert "手册只列目录" in text and "qd-hb-item" not in text.replace(".qd-hb-item", "")
    assert text.count('href="../../../items/') == sizes[big]


@pytest.mark.browser
@pytest.mark.parametrize("which", ["handbook", "downloads"])
def test_no_serious_accessibility_violations(which: str, sample: Path, serve: Callable[..., str], page) -> None:  # type: ignore[no-untyped-def]
    axe = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
    assert axe.exists(), "axe-core is missing: run `npm ci --prefix tests/js` (tests/install.sh does)"
    cat, _ = load(SAMPLE)
    assert cat is not None
    path = f"townships/{cat.townships[0].id}/handbook/" if which == "handbook" else "downloads/"
    page.goto(serve(sample) + path)
    page.add_script_tag(path=str(axe))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
           if v["impact"] in ("serious", "critical")]
    assert bad == [], path
