"""The docs stay complete: every problem code and every command is explained."""

from __future__ import annotations

import argparse
import ast
import json
import re

from generator import problems
from generator.cli import parser
from generator.problems import CODES
from generator.schema import FILES, render

from .conftest import ROOT

ROW = re.compile(r"^\| `([a-z]+(?:-[a-z]+)*)` \| ([^|]+) \|", re.MULTILINE)


def _documented() -> dict[str, str]:
    """Code -> meaning, from the tables of docs/editing/errors.md."""
    table = (ROOT / "docs" / "editing" / "errors.md").read_text(encoding="utf-8")
    rows = ROW.findall(table)
    assert len(rows) == len({code for code, _ in rows}), "a code is documented twice"
    return {code: meaning.strip() for code, meaning in rows}


def _names_used_outside_the_registry() -> set[str]:
    """Every name and attribute the generator's modules (all of them, found by walking) refer to."""
    names: set[str] = set()
    for path in (ROOT / "generator").rglob("*.py"):
        if path == ROOT / "generator" / "problems.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif isinstance(node, ast.Name):
                names.add(node.id)
    return names


def test_every_registered_code_is_documented_with_its_title() -> None:
    documented = _documented()
    for code in CODES.values():
        assert code.code in documented, f"add `{code.code}` to docs/editing/errors.md"
        meaning = ("提醒：" if code.severity == "warning" else "") + code.title
        assert documented[code.code] == meaning, f"{code.code}: errors.md says {documented[code.code]!r}, the registry {meaning!r}"


def test_every_documented_code_is_registered() -> None:
    unknown = sorted(set(_documented()) - set(CODES))
    assert not unknown, f"documented but not in generator/problems.py: {unknown}"


def test_every_registered_code_is_emitted_somewhere() -> None:
    used = _names_used_outside_the_registry()
    for code in CODES.values():
        name = code.code.upper().replace("-", "_")
        assert getattr(problems, name, None) is code, f"name the constant of {code.code} {name}"
        assert name in used, f"{code.code} is registered but no module emits it: remove it (and its row in errors.md)"


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = next(a.choices for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    missing = sorted(c for c in commands if f"qingdan {c}" not in readme)
    assert not missing, f"document these commands in README.md: {missing}"


def test_committed_schemas_match_the_model() -> None:
    """Run `qingdan schema` after changing generator/model.py."""
    for name in FILES:
        committed = (ROOT / "generator" / "schema" / f"{name}.schema.json").read_text(encoding="utf-8")
        assert committed == render(name), f"generator/schema/{name}.schema.json is stale: run `qingdan schema`"
        json.loads(committed)


def test_vscode_settings_point_at_the_schemas() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    for path in settings["yaml.schemas"]:
        assert (ROOT / path).is_file(), path
