"""Township contacts and the leading party, as the built sample site shows them (parsed HTML and JSON)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from .conftest import SAMPLE
from .site_helpers import Page, parse


def _yaml(rel: str) -> Any:
    return yaml.safe_load((SAMPLE / rel).read_text(encoding="utf-8"))


def _items() -> list[dict[str, Any]]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((SAMPLE / "items").rglob("*.yml"))]


def test_township_page_answers_for_the_township(sample_site: Path) -> None:
    town = next(t for t in _yaml("townships.yml") if t["id"] == "qingshui")
    page = parse(sample_site / "townships" / "qingshui" / "index.html")
    text = page.visible
    for key in ("office", "phone", "address", "hours", "note"):
        assert town[key] in text, key
    applying = [i for i in _items() if i["townships"] == "all" or "qingshui" in i["townships"]]
    applying = [i for i in applying if i["history"][-1]["action"] != "cancelled"]
    rows = {a["id"] for a in page.find("tr") if "id" in a}
    assert rows == {i["code"] for i in applying}
    categories = {c["id"]: c["name"] for c in _yaml("categories.yml")}
    for i in applying:
        assert f"{categories[i['category']]}（" in text


def test_item_page_leads_with_the_leading_party(sample_site: Path) -> None:
    for item in _items():
        html = (sample_site / "items" / item["code"] / "index.html").read_text(encoding="utf-8")
        head = html[html.index('<table class="qd-duties">'):]
        first = head.index("<th")
        township_first = head.index("乡镇职责", first) < head.index("县级部门职责", first)
        assert township_first == (item["responsibility"] == "lead"), item["code"]
        if item["history"][-1]["action"] != "cancelled":
            assert 'id="answer"' in html and html.index('id="answer"') < html.index('id="duties"'), item["code"]


def test_all_items_table_names_a_lead_on_every_row(sample_site: Path) -> None:
    page = parse(sample_site / "items" / "index.html")
    html = (sample_site / "items" / "index.html").read_text(encoding="utf-8")
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    for row in body.split("<tr ")[1:]:
        assert not row.rstrip().endswith("<td></td></tr>"), row[:80]
    county = {d["id"] for d in _yaml("departments.yml") if d["level"] == "county"}
    select = html[html.index('name="department"'):]
    select = select[:select.index("</select>")]
    offered = {a["value"] for a in Page(select).find("option") if a["value"]}
    assert offered == county and page.find("table", id="qd-all-items")


def test_item_json_carries_contacts_and_office(sample_site: Path) -> None:
    towns = {t["id"]: t for t in _yaml("townships.yml")}
    item = next(i for i in _items() if i["responsibility"] == "lead" and "office" in i["township"])
    data = json.loads((sample_site / "items" / f"{item['code']}.json").read_text(encoding="utf-8"))
    assert data["township"]["office"] == item["township"]["office"]
    by_town = {c["township"]: c for c in data["contacts"]}
    expected = set(towns) if item["townships"] == "all" else set(item["townships"])
    assert set(by_town) == expected
    some = min(expected)
    assert by_town[some]["phone"] == towns[some]["phone"] and by_town[some]["office"] == item["township"]["office"]


def test_handbook_cover_has_contacts_and_office(sample_site: Path) -> None:
    town = next(t for t in _yaml("townships.yml") if t["id"] == "qingshui")
    text = parse(sample_site / "townships" / "qingshui" / "handbook" / "index.html").visible
    assert town["phone"] in text and town["office"] in text
    assert "办理机构：" in text


def test_law_page_shows_status_dates_and_how_many_articles(sample_site: Path) -> None:
    data = _yaml("laws/senlin-fa.yml")
    page = parse(sample_site / "laws" / "senlin-fa" / "index.html")
    text = page.visible
    shown = len({str(k).partition(".")[0] for k in data["articles"]})
    assert f"本页收录本清单引用的 {shown} 条，全文共 {data['total_articles']} 条" in text
    assert "1984年9月20日" in text and "2019年12月28日" in text and "时效性" in text
    assert "官方文本" in text
    updated = re.compile(r'更新日期：<time datetime="([0-9-]+)"')
    law_date = updated.findall((sample_site / "laws" / "senlin-fa" / "index.html").read_text(encoding="utf-8"))
    assert law_date and law_date != [str(data["effective"])]  # the page's own date, not the law's
