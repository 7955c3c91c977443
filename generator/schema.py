"""JSON Schema for catalogue files, generated from the model dataclasses.

Editors' IDEs use these to validate as they type (see docs/editing/).
The committed copies in generator/schema/ are kept in sync by a test.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from .load import _hints, fields_of, is_required
from .model import Category, Department, Identity, Item, Law, Township

BASE = "https://qingdan.example.org/schema/v1/"
FILES: dict[str, tuple[type, bool, str]] = {
    "catalogue": (Identity, False, "catalogue.yml：清单的名称、版本、生效日期"),
    "departments": (Department, True, "departments.yml：部门列表"),
    "townships": (Township, True, "townships.yml：乡镇（街道）列表"),
    "categories": (Category, True, "categories.yml：分类列表"),
    "law": (Law, False, "laws/<id>.yml：一部法律法规"),
    "item": (Item, False, "items/**/<code>.yml：一个事项"),
}
COMMITTED = Path(__file__).parent / "schema"


def _type(hint: Any, defs: dict[str, Any], pattern: str | None = None) -> dict[str, Any]:
    origin, args = get_origin(hint), get_args(hint)
    if origin in (typing.Union, types.UnionType):
        options = [_type(a, defs, pattern) for a in args if a is not type(None)]
        return options[0] if len(options) == 1 else {"anyOf": options}
    if origin is Literal:
        return {"enum": list(args)}
    if origin is list:
        return {"type": "array", "items": _type(args[0], defs, pattern)}
    if origin is dict:
        return {"type": "object", "propertyNames": {"pattern": r"^[0-9]+(之[0-9]+)?(\.[0-9]+)?$"},
                "additionalProperties": _type(args[1], defs)}
    if dataclasses.is_dataclass(hint):
        name = hint.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            defs[name] = _object(hint, defs)
        return {"$ref": f"#/$defs/{name}"}
    if hint is date:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    # Text may be written unquoted in YAML (version: 2025.2, articles: [34]): numbers are read as text.
    schema: dict[str, Any] = {"type": ["string", "number"]}
    if pattern:
        schema = {"type": ["string", "number"], "pattern": pattern}
    return schema


def _object(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = _hints(cls)
    props: dict[str, Any] = {}
    for f in fields_of(cls):
        prop = _type(hints[f.name], defs, f.metadata.get("pattern"))
        if "$ref" in prop:
            prop = {"allOf": [prop]}
        prop["description"] = f.metadata["doc"]
        props[f.name] = prop
    schema: dict[str, Any] = {"type": "object", "properties": props}
    required = [f.name for f in fields_of(cls) if is_required(f)]
    if required:
        schema["required"] = required
    return schema


def schema_for(name: str) -> dict[str, Any]:
    cls, is_list, title = FILES[name]
    defs: dict[str, Any] = {}
    body = _object(cls, defs)
    if is_list:
        defs[cls.__name__] = body
        body = {"type": "array", "items": {"$ref": f"#/$defs/{cls.__name__}"}}
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{BASE}{name}.schema.json", "title": title, **body}
    if defs:
        schema["$defs"] = dict(sorted(defs.items()))
    return schema


def render(name: str) -> str:
    return json.dumps(schema_for(name), ensure_ascii=False, indent=2) + "\n"


def write_schemas(out: Path = COMMITTED) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in FILES:
        path = out / f"{name}.schema.json"
        path.write_text(render(name), encoding="utf-8")
        paths.append(path)
    return paths
