"""Names in a sheet -> ids in the catalogue, creating records the catalogue lacks.

A sheet names departments, townships, categories and laws the way people
write them (县林业局, 示例县林业局, 《森林法》, 《中华人民共和国森林法》); each is
matched to an existing record by a normalised name, or a new record is made
with a readable id (see ``ids``) and remembered for the report.
"""

from __future__ import annotations

import re
from typing import Any

from generator import ids
from generator.model import Catalogue
from generator.sheets.layout import squeeze


def law_key(title: str) -> str:
    title = squeeze(title).replace("<", "〈").replace(">", "〉")
    title = re.sub(r"[（(][^）)]*(年|修订|修正|试行)[^）)]*[）)]$", "", title)
    return title.removeprefix("中华人民共和国")


def law_level_guess(title: str) -> str:
    """效力级别 from a title alone; the report asks a person to confirm it."""
    local = re.search(r"[省市州县区]", title.removeprefix("中华人民共和国"))
    if title.endswith("法"):
        return "法律"
    if title.endswith("条例"):
        return "地方性法规" if local and not title.startswith("中华人民共和国") else "行政法规"
    if "中共" in title or "党" in title:
        return "党内法规"
    if title.endswith(("规定", "办法", "细则")):
        return "地方政府规章" if local else "部门规章"
    return "规范性文件"


def _alike(a: str, b: str) -> bool:
    """Two department names that are probably one: the shorter is the longer with characters left out,
    same first two and last character (市场监管局 / 市场监督管理局)."""
    short, long = sorted((a, b), key=len)
    if short == long or short[:2] != long[:2] or short[-1] != long[-1]:
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)


class Registry:
    """Lookup and creation of departments, townships, categories and laws."""

    def __init__(self, cat: Catalogue | None, jurisdiction: str) -> None:
        self.jurisdiction = jurisdiction
        self.new: dict[str, list[dict[str, Any]]] = {"departments": [], "townships": [], "categories": [], "laws": []}
        self.taken: dict[str, set[str]] = {k: set() for k in self.new}
        self.index: dict[str, dict[str, str]] = {k: {} for k in self.new}
        self.law_titles: dict[str, str] = {}
        self.where = ""
        """The sheet and row being read, remembered for each record made (for the report)."""
        self.first_seen: dict[str, str] = {}
        if cat is None:
            return
        for d in cat.departments:
            self._remember("departments", d.id, d.name, d.short)
        for t in cat.townships:
            self._remember("townships", t.id, t.name)
        for c in cat.categories:
            self._remember("categories", c.id, c.name)
        for law in cat.laws:
            self._remember("laws", law.id, law.title, law.short)
            self.law_titles[law.id] = law.title

    def _dept_key(self, name: str) -> str:
        name = squeeze(name)
        # 示例县林业局 and 县林业局 are one department; 县市场监督管理局 keeps its 市.
        return name.removeprefix(self.jurisdiction) if name.startswith(self.jurisdiction) else name.removeprefix("县")

    def _key(self, kind: str, name: str) -> str:
        if kind == "departments":
            return self._dept_key(name)
        if kind == "townships":
            name = squeeze(name)
            for suffix in ("街道办事处", "街道", "镇", "乡"):
                if name.endswith(suffix) and len(name) > len(suffix):
                    return name[: -len(suffix)]
            return name
        if kind == "laws":
            return law_key(name)
        return squeeze(name)

    def _remember(self, kind: str, rid: str, *names: str | None) -> None:
        self.taken[kind].add(rid)
        self.index[kind].setdefault(rid, rid)
        for name in names:
            if name:
                self.index[kind].setdefault(self._key(kind, name), rid)

    def learn(self, kind: str, rid: str, *names: str | None) -> None:
        """Know a record read from elsewhere (our export's list sheets) by its id and names."""
        self._remember(kind, rid, *names)

    def find(self, kind: str, name: str) -> str | None:
        return self.index[kind].get(self._key(kind, name)) or (name if name in self.taken[kind] else None)

    def department(self, name: str) -> str:
        found = self.find("departments", name)
        if found:
            return found
        name = squeeze(name)
        full = name
        if name.startswith("县") and self.jurisdiction.endswith("县"):
            full = self.jurisdiction + name[1:]
        rid = ids.department_id(full, self.jurisdiction, self.taken["departments"])
        level = "township" if re.search(r"(乡|镇|街道)(人民政府)?[^县]*(办|所|站|中心)$", name) and not name.startswith("县") else "county"
        record = {"id": rid, "name": full, "level": level}
        if full != name:
            record["short"] = name
        self.new["departments"].append(record)
        self.first_seen[f"departments:{rid}"] = self.where
        self._remember("departments", rid, full, name)
        return rid

    def township(self, name: str) -> str:
        found = self.find("townships", name)
        if found:
            return found
        name = squeeze(name)
        kind = "街道" if "街道" in name else "乡" if name.endswith("乡") else "镇"
        rid = ids.township_id(name, self.taken["townships"])
        self.new["townships"].append({"id": rid, "name": name, "kind": kind})
        self._remember("townships", rid, name)
        return rid

    def category(self, name: str, group: str | None = None) -> str:
        """The category's id; a new one gets the 一级类别 as its group."""
        found = self.find("categories", name)
        if found:
            return found
        name = squeeze(name)
        rid = ids.category_id(name, self.taken["categories"])
        self.new["categories"].append({"id": rid, "name": name, **({"group": squeeze(group)} if group else {})})
        self._remember("categories", rid, name)
        return rid

    def law(self, title: str) -> str:
        found = self.find("laws", title)
        if found:
            return found
        rid = ids.law_id_for(title, self.taken["laws"])
        record = {"id": rid, "title": title, "level": law_level_guess(title)}
        short = title.removeprefix("中华人民共和国")
        if short != title:
            record["short"] = short
        self.new["laws"].append(record)
        self.first_seen[f"laws:{rid}"] = self.where
        self.law_titles[rid] = title
        self._remember("laws", rid, title)
        return rid

    def similar_departments(self) -> list[tuple[dict[str, Any], str]]:
        """New departments that may be one known before under another name (县市场监管局 / 县市场监督管理局)."""
        out = []
        new_ids = [r["id"] for r in self.new["departments"]]
        known = [(rid, key) for key, rid in self.index["departments"].items() if key != rid and rid not in new_ids]
        for record in self.new["departments"]:
            mine = {self._dept_key(record["name"]), self._dept_key(record.get("short", record["name"]))}
            other = next((rid for rid, key in known if len(key) >= 3 and any(len(m) >= 3 and _alike(m, key) for m in mine)), None)
            if other:
                out.append((record, other))
            known += [(record["id"], key) for key in mine]
        return out

    def laws_in_text(self, text: str) -> list[str]:
        """Known law titles written without 《》 (森林防火条例第二十条), longest first."""
        found = []
        plain = squeeze(text)
        for key, rid in sorted(self.index["laws"].items(), key=lambda kv: -len(kv[0])):
            if len(key) >= 3 and key in plain and rid not in found:
                found.append(rid)
                plain = plain.replace(key, "")
        return found
