"""Open data in the built site: /downloads/, /items/<code>.json, schema.org JSON-LD."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from openpyxl import load_workbook

from generator import jsondata
from generator.build import build_site
from generator.cache import Cache
from generator.model import Catalogue
from generator.pages import downloads
from generator.pages.base import make_env
from generator.validate import check

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal"
SAMPLE = ROOT / "catalogue"
HOSTILE = "</script><script>alert(1)</script> {{ 7*7 }} [x](javascript:alert(1)) <!--"


def _jsonld(html: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert m, "no JSON-LD on the page"
    data: dict[str, Any] = json.loads(m.group(1))
    return data


def test_downloads_page_lists_files_with_sizes_and_version(build_site_of: Callable[[Path], Path]) -> None:
    site = build_site_of(MINIMAL)
    html = (site / "downloads" / "index.html").read_text(encoding="utf-8")
    for name in ("qingdan.xlsx", "qingdan.csv", "qingdan.json", "qingdan.schema.json", "item.schema.json"):
        path = site / "downloads" / name
        assert path.is_file() and f'href="../downloads/{name}"' in html
    size = (site / "downloads" / "qingdan.xlsx").stat().st_size
    assert f"{size / 1024:.1f} KB" in html
    assert "2025.1版" in html
    assert "数据下载" in (site / "index.html").read_text(encoding="utf-8")  # in the navigation
    # the files are the export: readable by their own tools
    data = json.loads((site / "downloads" / "qingdan.json").read_text(encoding="utf-8"))
    schema = json.loads((site / "downloads" / "qingdan.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    rows = list(csv.reader(io.StringIO((site / "downloads" / "qingdan.csv").read_bytes().decode("utf-8-sig"))))
    assert len(rows) == 1 + len(data["items"])
    assert load_workbook(site / "downloads" / "qingdan.xlsx")["事项"]["B2"].value == "T-001"


def test_item_json_is_the_item_of_the_whole_file(build_site_of: Callable[[Path], Path]) -> None:
    site = build_site_of(MINIMAL)
    whole = json.loads((site / "downloads" / "qingdan.json").read_text(encoding="utf-8"))
    item_schema = json.loads((site / "downloads" / "item.schema.json").read_text(encoding="utf-8"))
    for record in whole["items"]:
        one = json.loads((site / "items" / f"{record['code']}.json").read_text(encoding="utf-8"))
        assert one == record
        jsonschema.Draft202012Validator(item_schema).validate(one)
    t1 = json.loads((site / "items" / "T-001.json").read_text(encoding="utf-8"))
    assert t1["url"] == "https://qingdan.example.gov.cn/items/T-001/" and t1["status"] == "active"
    assert t1["basis"] == [{"law": "forest-fire-regulation", "articles": ["20"], "note": None}]
    page = (site / "items" / "T-001" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../items/T-001.json"' in page  # linked from the item page


def test_item_page_carries_government_service_jsonld(build_site_of: Callable[[Path], Path]) -> None:
    site = build_site_of(MINIMAL)
    data = _jsonld((site / "items" / "T-001" / "index.html").read_text(encoding="utf-8"))
    assert data["@context"] == "https://schema.org" and data["@type"] == "GovernmentService"
    assert (data["identifier"], data["name"], data["serviceType"]) == ("T-001", "森林防火巡查", "主体责任")
    assert data["areaServed"] == [{"@type": "AdministrativeArea", "name": "山溪乡"}]
    assert data["provider"] == [{"@type": "GovernmentOrganization", "name": "山溪乡人民政府"}]
    assert data["url"] == "https://qingdan.example.gov.cn/items/T-001/"


def test_hostile_text_cannot_leave_the_jsonld_script(minimal_copy: Path, tmp_path: Path) -> None:
    item = minimal_copy / "items" / "a" / "T-001.yml"
    item.write_text(item.read_text(encoding="utf-8").replace("summary: 乡镇组织森林防火巡查和宣传。", f"summary: {json.dumps(HOSTILE)}")
                    .replace("name: 森林防火巡查", f"name: {json.dumps('森林防火' + HOSTILE)}"), encoding="utf-8")
    out = tmp_path / "site"
    build_site(minimal_copy, out)
    html = (out / "items" / "T-001" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    data = _jsonld(html)
    assert data["description"] == HOSTILE  # the text survives, as data
    handbook = (out / "townships" / "shanxi" / "handbook" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in handbook and "&lt;script&gt;alert(1)&lt;/script&gt;" in handbook
    assert "{{ 7*7 }}" in handbook and ">49<" not in handbook
    one = json.loads((out / "items" / "T-001.json").read_text(encoding="utf-8"))
    assert one["summary"] == HOSTILE


def test_two_builds_publish_identical_files(tmp_path: Path) -> None:
    sites = []
    for n in (1, 2):
        out = tmp_path / f"site{n}"
        build_site(MINIMAL, out)
        sites.append(out)
    names = sorted(p.relative_to(sites[0]) for p in (sites[0] / "downloads").iterdir()) + \
        sorted(p.relative_to(sites[0]) for p in (sites[0] / "items").glob("*.json")) + \
        [Path("townships/shanxi/handbook/index.html")]
    assert len(names) >= 8
    for rel in names:
        assert (sites[0] / rel).read_bytes() == (sites[1] / rel).read_bytes(), rel


def _open_data_written(cat: Catalogue, docs: Path, cache: Path | None) -> None:
    """The downloads' and record files' JSON hold the bytes of encoding each record, and the whole catalogue, at once."""
    env = make_env(cat)
    env.globals["build_cache"] = Cache(cache)
    downloads.write_pages(cat, docs, env)
    downloads.write_records(docs, cat, parallel=False, cache=Cache(cache), previous=None)
    assert (docs / "downloads" / "qingdan.json").read_bytes() == jsondata.dumps(jsondata.catalogue_data(cat)).encode("utf-8")
    for item in cat.items:
        record = jsondata.dumps(jsondata.item_data(cat, item)).encode("utf-8")
        assert all((docs / "items" / f"{code}.json").read_bytes() == record for code in (item.code, *item.formerly))
    for a in cat.assignments:
        assert (docs / "assignments" / f"{a.id}.json").read_bytes() == jsondata.dumps(jsondata.assignment_data(cat, a)).encode()


@pytest.mark.parametrize("catalogue", [MINIMAL, SAMPLE], ids=["minimal", "sample"])
def test_open_data_files_are_the_records_encoded_whole(catalogue: Path, tmp_path: Path) -> None:
    """qingdan.json is put together from the item files' texts (each encoded once, or from the cache):
    without a cache, with a cold one, a warm one and after an edit it holds the bytes of encoding it at once."""
    cat, _ = check(catalogue)
    assert cat is not None
    if catalogue == MINIMAL:  # old codes (a second file of one record) and a cancelled item
        assert any(i.formerly for i in cat.items) and any(i.cancelled for i in cat.items)
    else:
        assert cat.assignments
    cache = tmp_path / "cache"
    _open_data_written(cat, tmp_path / "plain", None)
    _open_data_written(cat, tmp_path / "cold", cache)
    entries = sorted((cache / "item-json").iterdir())
    _open_data_written(cat, tmp_path / "warm", cache)
    assert sorted((cache / "item-json").iterdir()) == entries  # all read, none made again
    last = cat.items[-1]  # an edited catalogue is a new one (a build never changes the one it loaded)
    edited = dataclasses.replace(cat, items=[*cat.items[:-1], dataclasses.replace(last, name=last.name + "（调整）")])
    _open_data_written(edited, tmp_path / "edited", cache)
    assert len(list((cache / "item-json").iterdir())) == len(entries) + 1  # the records around the edited item
