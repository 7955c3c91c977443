"""Catalogue -> open data JSON, its JSON Schema, and schema.org JSON-LD.

Every key of the model is present in the JSON (``null`` or ``[]`` when not
given) so other systems need no defaults; an item's record is the same in
the whole-catalogue file and in ``/items/<code>.json``. Both schema and
data are derived from the model dataclasses, so they cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from generator.model import (
    Assignment,
    Catalogue,
    Category,
    Department,
    Identity,
    Item,
    Law,
    Located,
    Township,
    Version,
    fields_of,
)
from generator.schema import DATA, type_schema

SCHEMA_ID = "qingdan.schema.json"
"""File name of the published schema, next to the JSON files on the downloads page."""


def plain(obj: Any) -> Any:
    """A model object as JSON data, every field present, dates as ISO text."""
    if isinstance(obj, Located):
        return {f.name: plain(getattr(obj, f.name)) for f in fields_of(type(obj))}
    if isinstance(obj, list):
        return [plain(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, date):
        return obj.isoformat()
    return obj


def item_data(cat: Catalogue, item: Item) -> dict[str, Any]:
    """One item: its fields plus derived ones (status, permanent url, versions)."""
    data: dict[str, Any] = plain(item)
    data["status"] = "cancelled" if item.cancelled else "active"
    data["url"] = cat.permalink(item.code)
    data["contacts"] = contacts(cat, item)
    data["versions"] = [version_summary(cat, item, v) for v in cat.versions_of(item)]
    return data


def version_summary(cat: Catalogue, item: Item, v: Version) -> dict[str, Any]:
    """Where one version of ``item`` lives and when it was in force (``until``: the next version's date)."""
    path = f"items/{item.code}/v/{v.slug}/"
    base = cat.identity.site_url
    return {"slug": v.slug, "from": v.start.isoformat(), "until": v.end.isoformat() if v.end else None,
            "approval": v.approval, "code": v.item.code, "path": path, "json": f"items/{item.code}/v/{v.slug}.json",
            "url": f"{base.rstrip('/')}/{path}" if base else None}


def version_data(cat: Catalogue, item: Item, v: Version) -> dict[str, Any]:
    """``/items/<code>/v/<slug>.json``: the item's fields as they stood in version ``v``."""
    data: dict[str, Any] = plain(v.item)
    data["status"] = "cancelled" if v.item.cancelled else "active"
    data["url"] = cat.permalink(item.code)
    data["version"] = version_summary(cat, item, v)
    return data


def contacts(cat: Catalogue, item: Item) -> list[dict[str, Any]]:
    """Whom to call in each township where the item applies: the township's window, or the county lead."""
    office = cat.office_of(item)
    lead = cat.department.get(item.lead_department or "")
    out = []
    for t in cat.item_townships(item):
        if item.responsibility == "lead":
            entry = {"township": t.id, "lead": t.government, "office": office.id if office else None,
                     "contact": t.office, "phone": t.phone}
        else:
            entry = {"township": t.id, "lead": lead.name if lead else None, "office": None,
                     "contact": lead.name if lead else None, "phone": lead.phone if lead else None}
        out.append(entry)
    return out


def assignment_data(cat: Catalogue, a: Assignment) -> dict[str, Any]:
    """One 交办事项: its fields plus the day it ends (after extensions or an early end) and its permanent url."""
    data: dict[str, Any] = plain(a)
    data["end"] = a.end.isoformat() if a.end else None
    data["url"] = cat.site_link(f"assignments/{a.id}/")
    return data


def catalogue_data(cat: Catalogue) -> dict[str, Any]:
    return _whole(cat, [item_data(cat, i) for i in cat.items], [assignment_data(cat, a) for a in cat.assignments])


def _whole(cat: Catalogue, items: list[Any], assignments: list[Any]) -> dict[str, Any]:
    return {
        "format": cat.identity.format,
        "catalogue": plain(cat.identity),
        "departments": plain(cat.departments),
        "townships": plain(cat.townships),
        "categories": plain(cat.categories),
        "laws": plain(sorted(cat.laws, key=lambda law: law.id)),
        "items": items,
        "assignments": assignments,
    }


def catalogue_head(cat: Catalogue) -> str:
    """The whole-catalogue file's members before its items (the catalogue, departments, townships,
    categories and laws), as the text :func:`catalogue_bytes` starts with."""
    members = _whole(cat, [], [])
    assert list(members)[-2:] == ["items", "assignments"]  # the records come last
    return "{" + ",".join(f"{_compact(name)}:{_compact(value)}" for name, value in list(members.items())[:-2]) + ","


def catalogue_bytes(head: bytes, items: Sequence[bytes], assignments: Sequence[bytes]) -> bytes:
    """``dumps(catalogue_data(cat))`` as UTF-8, from :func:`catalogue_head` and the records' own
    ``dumps`` texts (as UTF-8, several records to a part as well), which are not encoded again.

    Compact JSON of an object or array is its members' texts joined by commas,
    so the whole file is the item files' texts (their newlines made commas) inside
    the rest (tests/test_catjson.py compares the two ways).
    """
    # Each record ends in its only raw newline (JSON escapes the ones in strings): those become the commas.
    def listed(parts: Sequence[bytes]) -> bytes:
        return b"[" + b"".join(parts).replace(b"\n", b",")[:-1] + b"]"

    return head + b'"items":' + listed(items) + b',"assignments":' + listed(assignments) + b"}\n"


def dumps(data: Any) -> str:
    """Stable text: keys in model order (already deterministic), UTF-8, LF.

    Compact, so that json's C encoder is used (indent falls back to Python: 6x slower).
    """
    return _compact(data) + "\n"


def _compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# --- JSON Schema -----------------------------------------------------------------------------

def schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of ``catalogue_data``; ``$defs/Item`` is the schema of one item file."""
    defs: dict[str, Any] = {}
    catalogue = type_schema(Identity, defs, DATA)
    for cls in (Department, Township, Category, Law, Item, Assignment):
        type_schema(cls, defs, DATA)
    item = defs["Item"]
    item["properties"]["status"] = {"description": "active 有效；cancelled 已取消", "enum": ["active", "cancelled"]}
    item["properties"]["url"] = {"description": "永久网址（清单设置了 site_url 时）", "anyOf": [{"type": "string"}, {"type": "null"}]}
    text_or_null = {"anyOf": [{"type": "string"}, {"type": "null"}]}
    item["properties"]["contacts"] = {
        "description": "各适用乡镇找谁办：牵头单位、乡镇办理机构（部门 id）、咨询窗口和电话",
        "type": "array",
        "items": {"type": "object", "additionalProperties": False,
                  "required": ["township", "lead", "office", "contact", "phone"],
                  "properties": {"township": {"type": "string"}, "lead": text_or_null, "office": text_or_null,
                                 "contact": text_or_null, "phone": text_or_null}},
    }
    version = {"type": "object", "description": "一个版本：施行期间（until 为下一版本的施行日期）和网址",
               "properties": {"slug": {"type": "string"}, "from": {"type": "string", "format": "date"},
                              "until": text_or_null, "approval": text_or_null, "code": {"type": "string"}, "path": {"type": "string"},
                              "json": {"type": "string"}, "url": text_or_null},
               "required": ["slug", "from", "until", "approval", "code", "path", "json", "url"], "additionalProperties": False}
    item["properties"]["versions"] = {"description": "历次版本，最早的在前；最后一个是现行版本", "type": "array", "items": version}
    item["required"] = item["required"] + ["status", "url", "contacts", "versions"]
    assignment = defs["Assignment"]
    assignment["properties"]["end"] = {"description": "实际结束日期（含延期、提前结束）；长期为 null",
                                       "anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}
    assignment["properties"]["url"] = {"description": "永久网址（清单设置了 site_url 时）", "anyOf": [{"type": "string"}, {"type": "null"}]}
    assignment["required"] = assignment["required"] + ["end", "url"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "乡镇履行职责事项清单（开放数据）",
        "type": "object",
        "properties": {
            "format": {"const": 1},
            "catalogue": catalogue,
            "departments": {"type": "array", "items": {"$ref": "#/$defs/Department"}},
            "townships": {"type": "array", "items": {"$ref": "#/$defs/Township"}},
            "categories": {"type": "array", "items": {"$ref": "#/$defs/Category"}},
            "laws": {"type": "array", "items": {"$ref": "#/$defs/Law"}},
            "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
            "assignments": {"type": "array", "items": {"$ref": "#/$defs/Assignment"}},
        },
        "required": ["format", "catalogue", "departments", "townships", "categories", "laws", "items", "assignments"],
        "additionalProperties": False,
        "$defs": dict(sorted(defs.items())),
    }


def item_schema() -> dict[str, Any]:
    """Schema of ``/items/<code>.json``: the ``Item`` definition with the shared ``$defs``."""
    full = schema()
    return {"$schema": full["$schema"], "$id": "item.json", "$ref": "#/$defs/Item", "$defs": full["$defs"]}


# --- schema.org JSON-LD ----------------------------------------------------------------------

def jsonld(cat: Catalogue, item: Item) -> str:
    """``GovernmentService`` JSON-LD for the item page, safe inside ``<script>``."""
    ident = cat.identity
    leads = [cat.department[d.department] for d in item.departments if d.role == "lead" and d.department in cat.department]
    if item.responsibility == "returned":
        provider = []
    elif item.townships == "all":
        provider = [{"@type": "GovernmentOrganization", "name": f"{ident.jurisdiction}各乡镇人民政府（街道办事处）"}]
    else:
        provider = [{"@type": "GovernmentOrganization", "name": t.name + ("办事处" if t.kind == "街道" else "人民政府")}
                    for t in cat.item_townships(item)]
    provider += [{"@type": "GovernmentOrganization", "name": d.name, **({"telephone": d.phone} if d.phone else {})} for d in leads]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "identifier": item.code,
        "name": item.name,
        "serviceType": cat.labels.of(item.responsibility),
        "category": cat.category[item.category].name if item.category in cat.category else item.category,
        "provider": provider,
        "areaServed": [{"@type": "AdministrativeArea", "name": t.name} for t in cat.item_townships(item)],
    }
    if item.summary:
        data["description"] = item.summary
    url = cat.permalink(item.code)
    if url:
        data["url"] = url
    if item.updated:
        data["dateModified"] = item.updated.isoformat()
    data["inLanguage"] = "zh-CN"
    return for_script(json.dumps(data, ensure_ascii=False, sort_keys=True))


def for_script(text: str) -> str:
    """JSON text made safe inside ``<script>``: </script> or <!-- in catalogue text must not end the element."""
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
