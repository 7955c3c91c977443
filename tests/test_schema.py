"""Files that pass `qingdan check` also pass the JSON Schema an editor's IDE uses, and vice versa for typos."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from .conftest import MINIMAL, ROOT, SAMPLE

SCHEMAS = ROOT / "generator" / "schema"


def _plain(value: Any) -> Any:
    """YAML as an IDE's YAML 1.2 reader sees it: dates are text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _files(root: Path) -> list[tuple[str, Path]]:
    out = [("catalogue", root / "catalogue.yml")]
    out += [(n, root / f"{n}.yml") for n in ("departments", "townships", "categories")]
    out += [("law", p) for p in sorted((root / "laws").glob("*.yml"))]
    out += [("item", p) for p in sorted((root / "items").rglob("*.yml"))]
    out += [("assignment", p) for p in sorted((root / "assignments").glob("*.yml"))]
    return out


@pytest.mark.parametrize("root", [MINIMAL, SAMPLE], ids=["minimal", "sample"])
def test_valid_catalogues_pass_the_schemas(root: Path) -> None:
    if not (root / "catalogue.yml").exists():
        pytest.fail(f"{root} is missing")
    for name, path in _files(root):
        errors = list(_validator(name).iter_errors(_plain(yaml.safe_load(path.read_text(encoding="utf-8")))))
        assert not errors, f"{path}: {errors[0].message}"


def test_schema_flags_a_wrong_kind() -> None:
    item = _plain(yaml.safe_load((MINIMAL / "items" / "a" / "T-001.yml").read_text(encoding="utf-8")))
    item["responsibility"] = "main"
    del item["history"]
    messages = [e.message for e in _validator("item").iter_errors(item)]
    assert any("'main' is not one of" in m for m in messages)
    assert any("'history' is a required property" in m for m in messages)
