"""Each validation rule, on a broken copy of the minimal catalogue: file, line, key and message."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.problems import errors
from generator.validate import check

ITEM = "items/a/T-001.yml"


@dataclass
class Case:
    name: str
    file: str
    old: str
    new: str
    line: int | None
    key: str
    code: str
    words: str
    """A fragment of the message the editor reads."""


CASES = [
    Case("unknown category", ITEM, "category: emergency", "category: emergncy", 3, "category", "unknown-category", "emergncy"),
    Case("unknown department", ITEM, "  - department: forestry", "  - department: forestri", 7, "departments[0].department",
         "unknown-department", "forestri"),
    Case("unknown township", ITEM, "townships: [shanxi]", "townships: [shanxi, nowhere]", 14, "townships[1]", "unknown-township",
         "nowhere"),
    Case("unknown law", ITEM, "  - law: forest-fire-regulation", "  - law: forest-law", 16, "basis[0].law", "unknown-law",
         "laws/forest-law.yml"),
    Case("unknown article", ITEM, 'articles: ["20"]', 'articles: ["20", "99"]', 17, "basis[0].articles", "unknown-article", "第 99 条"),
    Case("bad article number", "laws/forest-fire-regulation.yml", "  '20':", "  第二十条:", 8, "articles.第二十条", "bad-article-number", "阿拉伯数字"),
    Case("unknown step", ITEM, "        next: report", "        next: reprot", 28, "workflow[1].branches[0].next", "unknown-step",
         "reprot"),
    Case("unreachable step", ITEM, "        next: report", "        next: done", 31, "workflow[2].id", "unreachable-step", "report"),
    Case("no end", ITEM, "    next: []", "    next: [find]", 19, "workflow", "no-end", "结束"),
    Case("unknown actor", ITEM, "    actor: grid", "    actor: grids", 20, "workflow[0].actor", "unknown-actor", "grids"),
    Case("duplicate step", ITEM, "  - id: judge", "  - id: find", 22, "workflow[1].id", "duplicate-step", "find"),
    Case("bad date", ITEM, "  - date: 2024-05-01", "  - date: 2024-02-30", 39, "history[0].date", "bad-date", "2024-02-30"),
    Case("history order", "items/b/T-002.yml", "  - date: 2025-01-10", "  - date: 2023-01-10", 19, "history[1].date", "history-order",
         "时间先后"),
    Case("missing key", ITEM, "name: 森林防火巡查\n", "", 1, "name", "missing-key", "name"),
    Case("bad kind", ITEM, "responsibility: lead", "responsibility: main", 4, "responsibility", "bad-value", "lead、support、returned"),
    Case("code mismatch", ITEM, "code: T-001", "code: T-009", 1, "code", "code-file-mismatch", "T-009.yml"),
    Case("path in code", ITEM, "code: T-001", "code: ../../etc/passwd", 1, "code", "bad-format", "不能含“/”"),
    Case("duplicate code", "items/b/T-002.yml", "formerly: [OLD-002]", "formerly: [T-001]", 23, "formerly", "duplicate-code", "T-001"),
    Case("support without departments", "items/b/T-002.yml",
         "departments:\n  - department: forestry\n    role: lead\n    duties:\n      - 依法查处违法采伐林木行为。\n", "", 4, "departments",
         "missing-departments", "县级部门"),
    Case("support without lead department", "items/b/T-002.yml", "    role: lead", "    role: support", 5, "departments",
         "no-lead-department", "牵头部门"),
    Case("lead without township duties", ITEM, "township:\n  duties:\n    - 组织巡山护林。\n", "", 4, "township", "missing-township-duties",
         "乡镇职责"),
    Case("wrong type", ITEM, "townships: [shanxi]", "townships: {shanxi: 1}", 14, "townships", "wrong-type", "列表"),
    Case("duplicate department id", "departments.yml", "  phone: 0000-1234567",
         "  phone: 0000-1234567\n- id: forestry\n  name: 重复\n  level: county", 6, "[1].id", "duplicate-id", "forestry"),
    Case("bad slug", "townships.yml", "- id: chengguan", "- id: ChengGuan", 1, "[0].id", "bad-format", "小写"),
    Case("duplicate key", ITEM, "summary: 乡镇组织森林防火巡查和宣传。", "summary: 一\nsummary: 二", 6, "summary", "duplicate-key", "重复"),
    Case("anchor", ITEM, "townships: [shanxi]", "townships: &t [shanxi]", 14, "townships", "yaml-anchor", "锚点"),
    Case("tag", ITEM, "name: 森林防火巡查", "name: !!python/object 森林防火巡查", 2, "name", "yaml-tag", "标签"),
    Case("yaml syntax", ITEM, "name: 森林防火巡查", "name: [森林防火巡查", 2, "", "yaml-unclosed-bracket", "括号"),
    Case("next and branches", ITEM, "    time_limit: 2小时内", "    time_limit: 2小时内\n    next: [report]", 27, "workflow[1].branches",
         "next-and-branches", "不能同时"),
    Case("bad format version", "catalogue.yml", "format: 1", "format: 2", 1, "format", "unsupported-format", "format: 1"),
    Case("empty text", ITEM, "name: 森林防火巡查", "name: ''", 2, "name", "empty-text", "为空"),
    Case("county office for township work", ITEM, "township:\n  duties:", "township:\n  office: forestry\n  duties:", 12,
         "township.office", "office-not-township", "level: township"),
    Case("unknown township office", ITEM, "township:\n  duties:", "township:\n  office: nowhere\n  duties:", 12, "township.office",
         "unknown-department", "nowhere"),
    Case("bad township phone", "townships.yml", "  kind: 镇", "  kind: 镇\n  phone: 请拨打 12345", 4, "[0].phone", "bad-format", "电话只写数字"),
    Case("total articles below the stored ones", "laws/forest-fire-regulation.yml", "level: 行政法规", "level: 行政法规\ntotal_articles: 0", 4,
         "total_articles", "total-articles", "total_articles 是 0"),
    Case("amendments out of order", "laws/forest-fire-regulation.yml", "level: 行政法规", "level: 行政法规\namended: [2020-01-01, 2010-01-01]", 4,
         "amended", "amended-order", "先后"),
    Case("law source not a url", "laws/forest-fire-regulation.yml", "level: 行政法规", "level: 行政法规\nsource: 国家法律法规数据库", None, "source",
         "bad-url", "https://"),
]


def _break(root: Path, case: Case) -> None:
    path = root / case.file
    text = path.read_text(encoding="utf-8")
    assert case.old in text, f"test setup: {case.old!r} not in {case.file}"
    path.write_text(text.replace(case.old, case.new, 1), encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule(minimal_copy: Path, case: Case) -> None:
    _break(minimal_copy, case)
    _, problems = check(minimal_copy)
    found = [p for p in problems if p.code == case.code]
    assert found, f"expected {case.code}, got:\n" + "\n".join(p.text() for p in problems)
    problem = found[0]
    assert problem.file == case.file
    if case.line is not None:
        assert problem.line == case.line, problem.text()
    assert problem.key == case.key, problem.text()
    assert case.words in problem.message, problem.text()


def test_minimal_is_valid(minimal_copy: Path) -> None:
    _, problems = check(minimal_copy)
    assert problems == []


def test_all_errors_in_one_run(minimal_copy: Path) -> None:
    """Several mistakes in several files are all reported, not just the first."""
    for case in (CASES[0], CASES[1], CASES[23], CASES[29]):
        _break(minimal_copy, case)
    _, problems = check(minimal_copy)
    codes = {p.code for p in errors(problems)}
    assert {"unknown-category", "unknown-department", "bad-format", "unsupported-format"} <= codes


def test_gbk_file_gets_encoding_error(minimal_copy: Path) -> None:
    path = minimal_copy / ITEM
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    _, problems = check(minimal_copy)
    (problem,) = [p for p in problems if p.file == ITEM]
    assert problem.code == "encoding"
    assert "GBK" in problem.message and "UTF-8" in problem.message


def test_bom_is_accepted(minimal_copy: Path) -> None:
    path = minimal_copy / ITEM
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert check(minimal_copy)[1] == []


def test_unquoted_numbers_keep_their_text(minimal_copy: Path) -> None:
    """version: 2025.10 is the text "2025.10", not the number 2025.1."""
    path = minimal_copy / "catalogue.yml"
    path.write_text(path.read_text(encoding="utf-8").replace('version: "2025.1"', "version: 2025.10"), encoding="utf-8")
    cat, problems = check(minimal_copy)
    assert problems == [] and cat is not None
    assert cat.identity.version == "2025.10"


def test_unknown_key_is_a_warning_with_a_suggestion(minimal_copy: Path) -> None:
    _break(minimal_copy, Case("", ITEM, "summary:", "sumary:", 5, "", "", ""))
    _, problems = check(minimal_copy)
    (warning,) = [p for p in problems if p.code == "unknown-key"]
    assert warning.severity == "warning" and "summary" in warning.message and warning.line == 5
    assert not errors(problems)


def test_missing_files(tmp_path: Path) -> None:
    (tmp_path / "items").mkdir()
    _, problems = check(tmp_path)
    files = {p.file for p in problems if p.code == "missing-file"}
    assert files == {"catalogue.yml", "departments.yml", "townships.yml", "categories.yml"}
    assert all(p.line is None for p in problems if p.code == "missing-file")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True)


def test_cli_text_and_exit_codes(minimal_copy: Path) -> None:
    ok = _cli("check", str(minimal_copy))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "清单有效" in ok.stdout
    _break(minimal_copy, CASES[0])
    bad = _cli("check", str(minimal_copy))
    assert bad.returncode == 1
    assert f"{ITEM}:3: category: 分类“emergncy”在 categories.yml 中不存在。" in bad.stdout
    assert _cli("check", "--format", "nope").returncode == 2


def test_cli_json(minimal_copy: Path) -> None:
    _break(minimal_copy, CASES[0])
    result = _cli("check", str(minimal_copy), "--format", "json")
    assert result.returncode == 1
    (problem,) = json.loads(result.stdout)
    assert problem["file"] == ITEM and problem["line"] == 3 and problem["key"] == "category"
    assert problem["code"] == "unknown-category" and set(problem) >= {"file", "line", "key", "code", "message"}
