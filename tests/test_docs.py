"""The docs stay complete: every problem code and every command is explained."""

from __future__ import annotations

import json
import re

from generator.cli import parser
from generator.schema import FILES, render

from .conftest import ROOT

CODE_LITERAL = re.compile(r'"([a-z]+(?:-[a-z]+)+)"')
CHECK_MODULES = ["yamlread.py", "load.py", "validate.py", "review/policy.py"]


def _problem_codes() -> set[str]:
    codes = {"encoding", "duplicate-id"}
    for name in CHECK_MODULES:
        path = ROOT / "generator" / name
        if path.exists():
            codes |= set(CODE_LITERAL.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_problem_code_is_in_the_error_table() -> None:
    table = (ROOT / "docs" / "editing" / "errors.md").read_text(encoding="utf-8")
    missing = sorted(c for c in _problem_codes() if f"`{c}`" not in table)
    assert not missing, f"add these codes to docs/editing/errors.md: {missing}"


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
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
