"""Search in a real browser: real queries on built sites, under a sub-path, nothing from other hosts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from generator.model import Catalogue, Item
from generator.search.text import DATA, item_text, joined, norm
from generator.validate import check

from .site_helpers import parse

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "catalogue"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sample() -> Catalogue:
    cat, _ = check(SAMPLE)
    assert cat is not None
    return cat


@pytest.fixture(scope="module")
def base(sample_site: Path, serve: Callable[..., str]) -> str:
    return serve(sample_site)


def results(page: Any, base: str, **params: str) -> list[str]:
    """Open /search/?…, wait for the results, return the codes shown, best first."""
    page.goto(base + "search/?" + urlencode(params))
    page.wait_for_function("document.querySelector('[data-qd-search-page]').dataset.qdDone !== undefined")
    codes: list[str] = page.locator("[data-qd-results] .qd-hit__code").all_inner_texts()
    return codes


def pages_shown(page: Any) -> list[str]:
    """The township/department/law/category pages listed above the items, best first (their paths)."""
    return [h.split("/qingdan/", 1)[-1] for h in
            page.locator(".qd-hits--pages a").evaluate_all("els => els.map(e => e.getAttribute('href'))")]


def matching(cat: Catalogue, query: str) -> list[Item]:
    """Ground truth: the items whose searchable text holds the exact query."""
    q = norm(query)
    return [i for i in cat.items if q in joined(item_text(cat, i))]


def test_exact_code_comes_first(page: Any, base: str, sample: Catalogue) -> None:
    for item in sample.items[:: max(1, len(sample.items) // 5)]:
        assert results(page, base, q=item.code)[0] == item.code
    # Lower case and full-width letters are the same code.
    item = sample.items[0]
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in item.code.lower())
    assert results(page, base, q=full_width)[0] == item.code


def test_former_code_finds_the_current_item(page: Any, base: str, sample: Catalogue) -> None:
    recoded = [i for i in sample.items if i.formerly]
    assert recoded, "the sample catalogue should have a recoded item"
    for item in recoded:
        assert results(page, base, q=item.formerly[0])[0] == item.code
        assert "曾用编码" in page.locator("[data-qd-results] .qd-hit").first.inner_text()


def test_word_in_the_middle_of_a_duty(page: Any, base: str, sample: Catalogue) -> None:
    found = 0
    for item in sample.items:
        duties = (item.township.duties if item.township else []) + [d for x in item.departments for d in x.duties]
        for duty in duties:
            query = duty[3:7]
            if len(query) == 4 and 1 <= len(matching(sample, query)) <= 3:
                assert item.code in results(page, base, q=query)[:3], query
                found += 1
                break
        if found == 3:
            break
    assert found == 3


def simplified_to_traditional() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in (DATA / "TSCharacters.txt").read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        if line and not line.startswith("#") and len(trad) == 1 and len(simp) == 1 and trad != simp:
            table.setdefault(simp, trad)
    return table


def test_traditional_characters(page: Any, base: str, sample: Catalogue) -> None:
    to_trad = simplified_to_traditional()
    checked = 0
    for item in sample.items:
        trad = "".join(to_trad.get(c, c) for c in item.name)
        if trad != item.name and len(matching(sample, item.name)) <= 3:
            codes = results(page, base, q=trad)
            assert item.code in codes[:3], trad
            assert page.locator("[data-qd-results] .qd-hit__name mark").count() > 0  # the match is marked
            checked += 1
        if checked == 3:
            break
    assert checked == 3


def test_article_number_in_chinese(page: Any, base: str, sample: Catalogue) -> None:
    from generator.search.text import article_names

    item = next(i for i in sample.items for c in i.basis if c.articles)
    citation = next(c for c in item.basis if c.articles)
    query = f"《{sample.law[citation.law].title}》{article_names(citation.articles[0])[1]}"
    truth = {i.code for i in matching(sample, sample.law[citation.law].title)} & {
        i.code for i in matching(sample, article_names(citation.articles[0])[1])}
    assert item.code in truth
    assert set(results(page, base, q=query)[:3]) <= truth


def test_filters(page: Any, base: str, sample: Catalogue) -> None:
    # Responsibility kind: every result carries the chosen label.
    results(page, base, q="乡镇", kind="support")
    kinds = page.locator("[data-qd-results] .qd-hit__kind").all_inner_texts()
    assert kinds and set(kinds) == {sample.labels.support}
    # Township: an item that applies to some townships only.
    item = next(i for i in sample.items if i.townships != "all")
    inside = item.townships[0]
    outside = next(t.id for t in sample.townships if not item.applies_to(t.id))
    assert item.code in results(page, base, q=item.name, township=inside)[:3]
    assert item.code not in results(page, base, q=item.name, township=outside)
    # Category and department, chosen with the keyboard in the page; the URL follows.
    results(page, base, q=item.name)
    page.locator("select[name=category]").focus()
    page.keyboard.press("End")  # the last category
    last = sample.categories[-1]
    page.wait_for_function(f"location.search.includes('category={last.id}')")
    page.wait_for_function("document.querySelector('[data-qd-search-page]').dataset.qdDone.includes('category=')")
    codes = page.locator("[data-qd-results] .qd-hit__code").all_inner_texts()
    assert all(sample.item[c].category == last.id for c in codes)
    dept = item.departments[0].department if item.departments else None
    if dept:
        assert item.code in results(page, base, q=item.name, department=dept)[:3]


def test_cancelled_items_are_found_and_marked(page: Any, base: str, sample: Catalogue) -> None:
    cancelled = [i for i in sample.items if i.cancelled]
    assert cancelled, "the sample catalogue should have a cancelled item to show"
    item = cancelled[0]
    assert results(page, base, q=item.code)[0] == item.code
    assert "已取消" in page.locator("[data-qd-results] .qd-hit").first.inner_text()


def test_header_box_by_keyboard(page: Any, base: str, sample: Catalogue) -> None:
    item = sample.items[1]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base)
    page.keyboard.press("/")
    page.keyboard.type(item.code)
    page.wait_for_function("code => document.querySelector('[data-qd-search]').dataset.qdDone === code", arg=item.code)
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('qd-hit__link')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/items/{item.code}/")
    assert page.url.startswith(base)  # the sub-path is kept


def test_without_javascript_the_page_says_so(chromium: Any, sample_site: Path, serve: Callable[..., str]) -> None:
    base = serve(sample_site)
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base + "search/?q=森林防火")
        text = page.locator("article").inner_text()
        assert "搜索需要浏览器启用 JavaScript" in text
        page.get_by_role("link", name="全部事项").last.click()
        page.wait_for_url("**/items/")
    finally:
        context.close()


# ---- forgiving queries (issue 14) ---------------------------------------------------

@pytest.mark.parametrize(("typed", "meant"), [("秸杆禁烧", "秸秆禁烧"), ("违归建房", "违规建房"), ("森林放火", "森林防火")])
def test_misspelling_is_corrected(page: Any, base: str, sample: Catalogue, typed: str, meant: str) -> None:
    assert not matching(sample, typed) and matching(sample, meant)
    codes = results(page, base, q=typed)
    assert {i.code for i in matching(sample, meant)} <= set(codes)
    assert codes[0] in {i.code for i in matching(sample, meant)}
    note = page.locator(".qd-search-note")
    assert typed in note.inner_text() and note.get_by_role("link", name=meant).count() == 1
    assert meant in page.locator("[data-qd-results] mark").all_inner_texts()  # the corrected word is marked


@pytest.mark.parametrize(("typed", "words"), [("盖房", ["建房"]), ("乱建房", ["违规建房", "违法建设"])])
def test_everyday_words_find_the_lists_words(page: Any, base: str, sample: Catalogue, typed: str, words: list[str]) -> None:
    assert not matching(sample, typed)
    meant = {i.code for w in words for i in matching(sample, w)}
    assert meant and meant <= set(results(page, base, q=typed))
    assert all(w in page.locator(".qd-search-note").inner_text() for w in words)


def test_code_without_separators_or_prefix(page: Any, base: str, sample: Catalogue) -> None:
    for query in ("CXJS001", "sxcxjs001", "SX CXJS 001", "ｃｘｊｓ００１"):
        assert results(page, base, q=query)[0] == "SX-CXJS-001", query


def test_law_with_its_article(page: Any, base: str, sample: Catalogue) -> None:
    law = sample.law["chengxiang-guihua"]
    cites = {i.code for i in sample.items for c in i.basis if c.law == law.id and "65" in c.articles}
    assert cites
    for query in ("城乡规划法第六十五条", "中华人民共和国城乡规划法第65条"):
        assert set(results(page, base, q=query)) == cites, query
        assert pages_shown(page)[0] == f"laws/{law.id}/"


def test_township_and_department_pages_come_first(page: Any, base: str, sample: Catalogue) -> None:
    town = next(t for t in sample.townships if t.name == "城关镇")
    results(page, base, q="城关镇")
    assert pages_shown(page)[0] == f"townships/{town.id}/"
    dept = next(d for d in sample.departments if d.short)
    results(page, base, q=dept.name)
    assert pages_shown(page)[0] == f"departments/{dept.id}/"
    # In the header box too: the first link is the township page, and it opens it.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base)
    page.keyboard.press("/")
    page.keyboard.type("城关镇")
    page.wait_for_function("document.querySelector('[data-qd-search]').dataset.qdDone === '城关镇'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/townships/{town.id}/")


def test_match_inside_a_duty_is_quoted(page: Any, base: str, sample: Catalogue) -> None:
    item = sample.item["SX-CXJS-001"]
    duty = item.township.duties[0] if item.township else ""
    query = duty[4:10]
    assert query and norm(query) not in norm(item.name)
    results(page, base, q=query)
    hit = page.locator("[data-qd-results] .qd-hit", has=page.locator(".qd-hit__code", has_text=item.code))
    snippet = hit.locator(".qd-hit__snippet")
    snippet.wait_for()
    assert query in snippet.inner_text() and query in "".join(snippet.locator("mark").all_inner_texts())


def shown_by_item_pages(site: Path, cat: Catalogue, text: str) -> set[str]:
    return {i.code for i in cat.items if text in parse(site / "items" / i.code / "index.html").visible}


def test_actors_and_time_limits_find_every_page_that_shows_them(page: Any, base: str, sample: Catalogue,
                                                                sample_site: Path) -> None:
    limits = sorted({s.time_limit for i in sample.items for s in i.workflow if s.time_limit})
    actors = [d for d in sample.departments if any(s.actor == d.id for i in sample.items for s in i.workflow)][:4]
    queries = [d.name for d in actors] + [d.short for d in actors if d.short] + [t for t in limits if "小时" in t][:4]
    assert len(queries) >= 8
    for query in queries:
        shown = shown_by_item_pages(sample_site, sample, query)
        assert shown, query
        assert shown <= set(results(page, base, q=query)), query


def test_no_results_page_suggests_and_links_to_browse(page: Any, base: str, sample: Catalogue) -> None:
    assert results(page, base, q="量子纠缠") == []
    box = page.locator("[data-qd-noresults]")
    assert "量子纠缠" in box.inner_text()
    for name, path in (("按类别", "categories/"), ("按乡镇（街道）", "townships/"), ("按部门", "departments/")):
        assert box.get_by_role("link", name=name).get_attribute("href").endswith(path)
    # A query whose parts find something on their own suggests them.
    assert results(page, base, q="违规建房 量子纠缠") == []
    box.get_by_role("link", name="违规建房").click()
    page.wait_for_url("**/search/?q=" + quote("违规建房"))
    page.wait_for_function("document.querySelector('[data-qd-search-page]').dataset.qdDone !== undefined")
    assert page.locator("[data-qd-results] .qd-hit").count() > 0
    page.goto(base + "search/?q=量子纠缠")
    page.locator("[data-qd-noresults]").get_by_role("link", name="按乡镇（街道）").click()
    page.wait_for_url("**/townships/")


# ---- budgets on a generated catalogue -------------------------------------------

BYTES_FOR = """async ([q]) => {
  performance.setResourceTimingBufferSize(100000);
  const input = document.querySelector('[data-qd-search-input]');
  const box = input.closest('[data-qd-search]');
  const before = performance.getEntriesByType('resource').length;
  input.value = q;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  while (box.dataset.qdDone !== q) await new Promise(r => setTimeout(r, 5));
  await new Promise(r => setTimeout(r, 100));
  return performance.getEntriesByType('resource').slice(before).reduce((n, e) => n + e.transferSize, 0);
}"""


def test_bytes_per_query_within_budget(page: Any, large_site: Path, serve: Callable[..., str]) -> None:
    base = serve(large_site)
    page.goto(base)
    page.wait_for_load_state("networkidle")
    engine = page.evaluate("""() => performance.getEntriesByType('resource')
        .filter(e => /search\\/search(-ui|-load)?\\.(js|css)/.test(e.name)).reduce((n, e) => n + e.transferSize, 0)""")
    assert engine > 0
    queries = ["工业园区消防安全隐患登记", "第三十四条", "违规建房", "BX-03-00123", "网格员巡查发现",
               "协助县级部门开展调查取证", "森林防火宣传教育", "指导村（社区）"]
    first = engine + page.evaluate(BYTES_FOR, [queries[0]])
    assert first <= 100_000, f"first search transferred {first} bytes"
    for q in queries[1:] + ["秸杆焚烧", "乱建房", "BX0300123"]:  # forgiving queries fetch more: still in budget
        size = page.evaluate(BYTES_FOR, [q])
        assert size <= 50_000, f"{q}: {size} bytes"
    assert page.locator("[data-qd-search-list] .qd-hit").count() > 0


def test_catalogue_text_is_shown_as_text(page: Any, minimal_copy: Path, build_site_of: Callable[[Path], Path],
                                         serve: Callable[..., str]) -> None:
    evil = "<script>alert(1)</script>{{ 7*7 }}[x](javascript:alert(1))"
    item = minimal_copy / "items" / "a" / "T-001.yml"
    item.write_text(item.read_text(encoding="utf-8").replace("name: 森林防火巡查", f"name: '森林防火巡查{evil}'"),
                    encoding="utf-8")
    base = serve(build_site_of(minimal_copy))
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    assert results(page, base, q="T-001") == ["T-001"]
    assert page.locator("[data-qd-results] .qd-hit__name").first.inner_text() == "森林防火巡查" + evil
    assert results(page, base, q="script")[0] == "T-001"  # found, and still only text
    assert page.locator("[data-qd-results] script").count() == 0 and not dialogs


def test_assignments_are_found_by_their_title(page: Any, base: str, sample: Catalogue) -> None:
    assert sample.assignments, "the sample catalogue has 交办事项"
    a = sample.assignments[0]
    results(page, base, q=a.title[-8:])
    assert f"assignments/{a.id}/" in pages_shown(page)
    assert "交办事项" in page.locator(f"a[href$='assignments/{a.id}/']").first.locator("xpath=..").inner_text()


# ---- the engine comes when the reader reaches for search (issue 15: a phone downloads little) ----------

SEARCH_SCRIPTS = ("search/search.js", "search/search-ui.js", "search-index/")


def recorded(page: Any) -> list[str]:
    """The URLs the page requests from now on."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def of_search(urls: list[str]) -> list[str]:
    return [u for u in urls if any(s in u for s in SEARCH_SCRIPTS)]


def test_a_page_view_without_search_fetches_no_search_script(page: Any, base: str, sample: Catalogue) -> None:
    urls = recorded(page)
    for path in ("", f"items/{sample.items[0].code}/", "townships/"):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        page.mouse.wheel(0, 800)  # reading, scrolling: still nothing of search
        page.keyboard.press("Tab")
        page.wait_for_timeout(200)
    assert any(u.endswith("search/search-load.js") for u in urls)
    assert of_search(urls) == []


@pytest.mark.parametrize("width", [390, 1280])
def test_header_search_works_from_a_fresh_page(page: Any, base: str, sample: Catalogue, width: int) -> None:
    """Click (on a phone: the magnifier) and type at once: the engine arrives and the results show."""
    item = sample.item["SX-CXJS-001"]
    urls = recorded(page)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base + "townships/")
    page.wait_for_load_state("networkidle")
    assert of_search(urls) == []
    if width < 800:
        page.locator("label.md-header__button[for=__search]").click()
    else:
        page.locator("[data-qd-search-input]").click()
    page.keyboard.type(item.name)
    page.wait_for_function("q => document.querySelector('[data-qd-search]').dataset.qdDone === q", arg=item.name)
    hits = page.locator("[data-qd-search-list] .qd-hit__link")
    assert hits.first.is_visible()
    assert item.code in page.locator("[data-qd-search-list]").inner_text()
    assert any(u.endswith("search/search.js") for u in urls)
    hits.filter(has_text=item.code).first.click()
    page.wait_for_url(f"**/items/{item.code}/")


def test_without_javascript_the_header_box_leads_to_the_search_page(chromium: Any, sample_site: Path,
                                                                    serve: Callable[..., str]) -> None:
    base = serve(sample_site)
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(base + "townships/")
        page.locator("[data-qd-search-input]").fill("森林防火")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search/?q=" + quote("森林防火"))
        assert "搜索需要浏览器启用 JavaScript" in page.locator("article").inner_text()
    finally:
        context.close()
