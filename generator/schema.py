"""JSON Schema for catalogue files, generated from the model dataclasses.

Editors' IDEs use these to validate as they type (see docs/editing/).
The committed copies in generator/schema/ are kept in sync by a test.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from generator.model import (
    ARTICLE,
    Assignment,
    Category,
    Department,
    Identity,
    Item,
    Law,
    Removed,
    Township,
    field_hints,
    fields_of,
    is_required,
)

BASE = "https://qingdan.example.org/schema/v1/"
FILES: dict[str, tuple[type, bool, str]] = {
    "catalogue": (Identity, False, "catalogue.yml：清单的名称、版本、生效日期"),
    "departments": (Department, True, "departments.yml：部门列表"),
    "townships": (Township, True, "townships.yml：乡镇（街道）列表"),
    "categories": (Category, True, "categories.yml：分类列表"),
    "law": (Law, False, "laws/<id>.yml：一部法律法规"),
    "item": (Item, False, "items/**/<code>.yml：一个事项"),
    "removed": (Removed, True, "removed.yml：已移除的部门、乡镇、分类和法规（网页保留，说明去向）"),
    "assignment": (Assignment, False, "assignments/<id>.yml：一项经准入批准的交办事项"),
}
COMMITTED = Path(__file__).parent / "schema"


@dataclass(frozen=True)
class Dialect:
    """How a schema reads the model: catalogue files as editors type them, or the published JSON data."""

    text: str | list[str]
    """JSON type of a text value: YAML editors may leave ``version: 2025.2`` or ``articles: [34]`` unquoted."""
    closed: bool
    """Data: every key is present (null or [] when not given) and no other key is allowed."""


EDITOR = Dialect(text=["string", "number"], closed=False)
DATA = Dialect(text="string", closed=True)


def type_schema(hint: Any, defs: dict[str, Any], dialect: Dialect, pattern: str | None = None) -> dict[str, Any]:
    origin, args = get_origin(hint), get_args(hint)
    if origin in (typing.Union, types.UnionType):
        options = [type_schema(a, defs, dialect, pattern) for a in args if a is not type(None)]
        schema = options[0] if len(options) == 1 else {"anyOf": options}
        nullable = dialect.closed and type(None) in args
        return {"anyOf": [schema, {"type": "null"}]} if nullable else schema
    if origin is Literal:
        return {"enum": list(args)}
    if origin is list:
        return {"type": "array", "items": type_schema(args[0], defs, dialect, pattern)}
    if origin is dict:
        return {"type": "object", "propertyNames": {"pattern": ARTICLE}, "additionalProperties": type_schema(args[1], defs, dialect)}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        name = hint.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            defs[name] = object_schema(hint, defs, dialect)
        return {"$ref": f"#/$defs/{name}"}
    if hint is date:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    return {"type": dialect.text, "pattern": pattern} if pattern else {"type": dialect.text}


def object_schema(cls: type, defs: dict[str, Any], dialect: Dialect) -> dict[str, Any]:
    hints = field_hints(cls)
    props: dict[str, Any] = {}
    for f in fields_of(cls):
        prop = type_schema(hints[f.name], defs, dialect, f.metadata.get("pattern"))
        props[f.name] = {"description": f.metadata["doc"], **({"allOf": [prop]} if "$ref" in prop else prop)}
    schema: dict[str, Any] = {"type": "object", "properties": props}
    required = [f.name for f in fields_of(cls) if dialect.closed or is_required(f)]
    if required:
        schema["required"] = required
    if dialect.closed:
        schema["additionalProperties"] = False
    return schema


def schema_for(name: str) -> dict[str, Any]:
    cls, is_list, title = FILES[name]
    defs: dict[str, Any] = {}
    body = object_schema(cls, defs, EDITOR)
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
