"""YAML mistakes editors make, reported in Chinese at the line they must fix (not where PyYAML gave up)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.validate import check

ITEM = "items/a/T-001.yml"

CASES = [
    # (name, old, new, line, code, words)
    ("unclosed quote", "summary: 乡镇组织森林防火巡查和宣传。", 'summary: "乡镇组织森林防火巡查和宣传。', 5, "yaml-unclosed-quote", '引号 "'),
    ("unclosed single quote", "name: 森林防火巡查", "name: '森林防火巡查", 2, "yaml-unclosed-quote", "引号 '"),
    ("tab", "township:\n  duties:", "township:\n\tduties:", 12, "yaml-tab", "制表符（Tab）"),
    ("tab before a list entry", "    - 组织巡山护林。", "\t- 组织巡山护林。", 13, "yaml-tab", "Tab"),
    ("full-width colon", "name: 森林防火巡查", "name：森林防火巡查", 2, "yaml-fullwidth-colon", "全角冒号"),
    ("full-width colon in a list entry", "  - department: forestry", "  - department：forestry", 7, "yaml-fullwidth-colon", "全角冒号"),
    ("full-width space before a key", "category: emergency", "\u3000category: emergency", 3, "yaml-fullwidth-space", "全角空格"),
    ("full-width space before a list entry", "    - 组织巡山护林。", "\u3000\u3000- 组织巡山护林。", 13, "yaml-fullwidth-space", "全角空格"),
    ("unclosed bracket", "townships: [shanxi]", "townships: [shanxi", 14, "yaml-unclosed-bracket", "[ ]"),
    ("colon inside text", "summary: 乡镇组织森林防火巡查和宣传。", "summary: 说明: 乡镇组织巡查。", 5, "yaml-syntax", "加引号"),
    ("control character written as an escape", "name: 森林防火巡查", 'name: "森林\\0防火巡查"', 2, "control-character", "U+0000"),
    ("line separator (YAML counts it as a line break)", "name: 森林防火巡查", "name: 森林\u2028防火巡查", 2, "control-character", "U+2028"),
    ("key indented too deep", "responsibility: lead", "  responsibility: lead", 4, "yaml-syntax", "多缩进"),
]


@pytest.mark.parametrize(("name", "old", "new", "line", "code", "words"), CASES, ids=[c[0] for c in CASES])
def test_yaml_mistake_is_named_at_its_line(minimal_copy: Path, name: str, old: str, new: str, line: int, code: str, words: str) -> None:
    path = minimal_copy / ITEM
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = [p for p in check(minimal_copy)[1] if p.file == ITEM]
    assert problems, name
    first = problems[0]
    assert (first.line, first.code) == (line, code), "\n".join(p.text() for p in problems)
    assert words in first.message and not any(english in first.message for english in ("found", "expected", "scanning"))
