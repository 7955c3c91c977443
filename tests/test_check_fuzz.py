"""Whatever an editor types, the checker answers with clean problems and never raises."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.problems import Problem
from generator.validate import check

from .conftest import MINIMAL

ITEM = "items/a/T-001.yml"
VALID_ITEM = (MINIMAL / ITEM).read_text(encoding="utf-8")

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
                    st.sampled_from(["all", "lead", "2024-02-30", "2024-05-01", "../x", "forestry", "[]"]))
keys = st.sampled_from(["code", "name", "category", "responsibility", "departments", "township", "townships", "basis",
                        "workflow", "history", "formerly", "id", "actor", "next", "branches", "law", "articles", "date",
                        "action", "approval", "duties", "department", "role", "x"])
trees = st.recursive(scalars, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(keys, kids, max_size=6), max_leaves=30)


def _mutate(text: str, data: st.DataObject) -> str:
    """Delete, duplicate or insert characters and lines, the way hurried edits do."""
    lines = text.split("\n")
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["delete", "duplicate", "insert", "indent"]))
        i = data.draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "insert":
            lines.insert(i, data.draw(st.text(alphabet=" :-[]{}&*!|>'\"#\t中文abc0129\\", max_size=12)))
        else:
            lines[i] = "  " + lines[i]
        if not lines:
            lines = [""]
    return "\n".join(lines)


def _check_item_text(root: Path, text: str | bytes) -> list[Problem]:
    path = root / ITEM
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    _, problems = check(root)
    for p in problems:
        assert isinstance(p, Problem) and p.file and p.code and p.message
        assert p.line is None or p.line >= 1
    return problems


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_item_never_raises(tmp_path_factory, data) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("fuzz") / "c"
    shutil.copytree(MINIMAL, root)
    _check_item_text(root, _mutate(VALID_ITEM, data))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees)
def test_random_structure_never_raises(tmp_path_factory, tree) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("fuzz") / "c"
    shutil.copytree(MINIMAL, root)
    problems = _check_item_text(root, yaml.safe_dump(tree, allow_unicode=True))
    assert problems, "a random structure is never a valid item"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_random_bytes_never_raise(tmp_path_factory, raw) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("fuzz") / "c"
    shutil.copytree(MINIMAL, root)
    assert _check_item_text(root, raw)
