"""Helpers for the site tests: parse built HTML, make a hostile catalogue."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

HOSTILE = '<script>alert(1)</script>{{ 7*7 }}{% raw %}[x](javascript:alert(1))\n\n    # 标题 *强调* <b>粗</b> &amp; "\'>'
# Keys whose values are identifiers or references, not free text.
NOT_TEXT = {"id", "code", "category", "department", "law", "actor", "next", "level", "kind", "role", "responsibility",
            "townships", "format", "date", "action", "effective", "promulgated", "start", "site_url", "formerly",
            "sample", "version", "item", "successor"}


class Page(HTMLParser):
    """A parsed page: tags with attributes, visible text, ids, script bodies."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.ids: set[str] = set()
        self._stack: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1] == "script":
            self.scripts.append(data)
        elif not (self._stack and self._stack[-1] == "style"):
            self.text.append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def links(self) -> list[str]:
        return [a["href"] for t, a in self.tags if t == "a" and "href" in a]


def parse(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def _poison(value: Any, key: str = "") -> Any:
    if key in NOT_TEXT:
        return value
    if isinstance(value, dict):
        out = {k: _poison(v, k) for k, v in value.items()}
        if key == "articles":  # law text mapping: keys are article numbers
            out = {k: f"{HOSTILE}{v}" for k, v in value.items()}
        return out
    if isinstance(value, list):
        if key == "articles":  # citation refs
            return value
        return [_poison(v, key) for v in value]
    if isinstance(value, str):
        return f"{HOSTILE}{value}"
    return value


def hostile_catalogue(source: Path, target: Path) -> Path:
    """Copy ``source`` with HOSTILE text prepended to every free-text value."""
    shutil.copytree(source, target)
    for path in sorted(target.rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name == "catalogue.yml":
            data["portal"] = {k: HOSTILE for k in ("sponsor", "site_code", "icp", "police_record", "contact")}
            data["sample"] = True
            data["general_workflow"] = [
                {"id": "call", "actor": "township", "action": "呼叫", "time_limit": "1小时"},
                {"id": "answer", "actor": "forestry", "action": "响应",
                 "branches": [{"when": "需要", "next": "done"}, {"when": "否", "next": "done"}]},
                {"id": "done", "actor": "county", "action": "办结", "next": []},
            ]
        if path.parent.name == "laws":
            data["chapters"] = [{"title": "第一章 总则", "start": next(iter(data["articles"])), "kind": "章"}]
        path.write_text(yaml.safe_dump(_poison(data), allow_unicode=True, sort_keys=False), encoding="utf-8")
    removed = [{"kind": "law", "id": "repealed-rule", "name": "废止的规定", "date": "2025-01-01", "approval": "文号", "note": "说明"}]
    (target / "removed.yml").write_text(yaml.safe_dump(_poison(removed), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target
