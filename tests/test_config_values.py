"""Catalogue values that reach MkDocs' config and templates: validated for what they are, escaped once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import build_site
from generator.validate import check

from .site_helpers import parse

ROOT = Path(__file__).resolve().parent.parent
ISSUE_LINE = r'site_url: "https://x.example/\"><script>alert(1)</script><x y=\""'  # as written in the report


def _set(catalogue: Path, file: str, old: str, new: str) -> None:
    path = catalogue / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_site_url_payload_fails_check_at_its_line(minimal_copy: Path) -> None:
    _set(minimal_copy, "catalogue.yml", "site_url: https://qingdan.example.gov.cn/", ISSUE_LINE)
    result = subprocess.run([sys.executable, "-m", "generator.cli", "check", str(minimal_copy)],
                            check=False, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1, result.stdout
    assert "catalogue.yml:8: site_url:" in result.stdout and "[bad-url]" in result.stdout


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "https://x.example/a b", "https://x.example/'onload='x", "https://x.example:99999/",
    "https://x..example/", "https:///path", "https://例子.中国/", "ftp://x.example/", "https://x.example/<b>",
])
def test_urls_that_are_not_plain_http_urls_are_refused(minimal_copy: Path, url: str) -> None:
    _set(minimal_copy, "catalogue.yml", "site_url: https://qingdan.example.gov.cn/", f"site_url: '{url.replace(chr(39), chr(39) * 2)}'")
    _set(minimal_copy, "laws/forest-fire-regulation.yml", "\narticles:", f"\nsource: '{url.replace(chr(39), chr(39) * 2)}'\narticles:")
    _, problems = check(minimal_copy)
    assert {(p.file, p.key, p.code) for p in problems} >= {("catalogue.yml", "site_url", "bad-url"),
                                                          ("laws/forest-fire-regulation.yml", "source", "bad-url")}


def test_ordinary_urls_pass(minimal_copy: Path) -> None:
    _set(minimal_copy, "catalogue.yml", "site_url: https://qingdan.example.gov.cn/", "site_url: http://10.1.2.3:8080/qingdan/")
    _set(minimal_copy, "laws/forest-fire-regulation.yml", "\narticles:", "\nsource: https://flk.npc.gov.cn/detail2.html?ZmY4MDgx=1&a=b#top\narticles:")
    assert [p for p in check(minimal_copy)[1] if p.severity == "error"] == []


def test_hostile_but_valid_title_is_escaped_once(minimal_copy: Path, tmp_path: Path) -> None:
    title = '测试县清单<script>alert(1)</script> & "引号" \'单引号\' <b>'
    _set(minimal_copy, "catalogue.yml", "title: 测试县乡镇履行职责事项清单", "title: " + json.dumps(title, ensure_ascii=False))
    _set(minimal_copy, "catalogue.yml", "jurisdiction: 测试县", "jurisdiction: '测试县\"><i>'")
    site = tmp_path / "site"
    build_site(minimal_copy, site)
    for rel in ("index.html", "items/T-001/index.html", "404.html"):
        html = (site / rel).read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<b>" not in html and "<i>" not in html, rel
        page = parse(site / rel)
        logo = page.find("a", **{"class": "md-header__button md-logo"})
        assert logo and logo[0]["title"] == title and logo[0]["aria-label"] == title, rel  # not "&amp;lt;…"
        assert title in page.visible and "&amp;" not in page.visible and "&lt;" not in page.visible, rel
    head = parse(site / "index.html")
    description = head.find("meta", name="description")
    assert description and description[0]["content"] == '测试县"><i>乡镇履行职责事项清单'
