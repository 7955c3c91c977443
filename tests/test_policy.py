"""``qingdan check NEW --against OLD``: the 动态管理 policy on real git revisions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from generator.model import Item, fields_of
from generator.review.policy import FIELDS

from .gitrepo import T1, T2, T3, Repo, run


def check(repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
          against: str = "HEAD:catalogue") -> tuple[int, list[dict[str, Any]]]:
    code, out, _ = run(monkeypatch, capsys, repo.root, "check", "catalogue", "--against", against, "--format", "json")
    return code, json.loads(out)


def line_of(repo: Repo, rel: str, key: str) -> int:
    lines = repo.path(rel).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(f"{key}:"))


def only(problems: list[dict[str, Any]], code: str) -> dict[str, Any]:
    found = [p for p in problems if p["code"] == code]
    assert len(found) == 1, problems
    return found[0]


def test_unchanged_catalogue_passes(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(monkeypatch, capsys, repo.root, "check", "catalogue", "--against", "HEAD:catalogue")
    assert code == 0 and out == "清单有效。\n"


def test_change_without_history_fails_with_file_and_line(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.edit(T1, "    - 组织巡山护林。", "    - 组织巡山护林，每月两次。")
    code, problems = check(repo, monkeypatch, capsys)
    assert code == 1
    p = only(problems, "changed-without-history")
    assert (p["file"], p["line"], p["key"]) == (T1, line_of(repo, T1, "history"), "history")
    assert "事项 T-001 修改了乡镇职责，但没有新的变更记录" in p["message"]
    assert "批准文件 approval" in p["message"]


def test_change_with_approved_history_entry_passes(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.edit(T1, "    - 组织巡山护林。", "    - 组织巡山护林，每月两次。")
    repo.history(T1, note="增加巡查频次")
    code, problems = check(repo, monkeypatch, capsys)
    assert (code, problems) == (0, [])


def test_rewritten_history_fails(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.edit(T1, "approval: 测编办〔2024〕2号", "approval: 测编办〔2024〕8号")
    code, problems = check(repo, monkeypatch, capsys)
    assert code == 1
    assert "事项 T-001 原有的变更记录被修改或删除了" in only(problems, "history-rewritten")["message"]


def test_deleted_item_file_fails(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.path(T2).unlink()
    code, problems = check(repo, monkeypatch, capsys)
    assert code == 1
    p = only(problems, "code-vanished")
    assert p["file"] == T2
    assert "事项 T-002（林木采伐监管配合）的文件被删除了" in p["message"]
    assert "OLD-002" in p["message"]  # its redirect goes too
    assert "action: cancelled" in p["message"]


def test_cancelling_instead_passes(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.history(T2, action="cancelled", note="职责划转")
    code, problems = check(repo, monkeypatch, capsys)
    assert (code, problems) == (0, [])


def test_recoding_with_formerly_passes(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.path(T1).rename(repo.path("items/a/T-101.yml"))
    repo.edit("items/a/T-101.yml", "code: T-001", "code: T-101")
    repo.history("items/a/T-101.yml", action="recoded")
    repo.append("items/a/T-101.yml", "formerly: [T-001]\n")
    code, problems = check(repo, monkeypatch, capsys)
    assert (code, problems) == (0, [])


def test_recoding_without_history_fails(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.path(T1).rename(repo.path("items/a/T-101.yml"))
    repo.edit("items/a/T-101.yml", "code: T-001", "code: T-101")
    repo.append("items/a/T-101.yml", "formerly: [T-001]\n")
    code, problems = check(repo, monkeypatch, capsys)
    assert code == 1
    assert "事项 T-101 修改了编码、曾用编码" in only(problems, "changed-without-history")["message"]


def test_dropped_formerly_code_fails(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.edit(T2, "formerly: [OLD-002]\n", "")
    repo.history(T2)
    code, problems = check(repo, monkeypatch, capsys)
    assert code == 1
    p = only(problems, "url-vanished")
    assert p["file"] == T2
    assert "事项 T-002 的曾用编码 OLD-002 被删去了" in p["message"] and "/items/OLD-002/" in p["message"]


def test_former_code_given_to_another_item_fails(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.edit(T2, "formerly: [OLD-002]\n", "")
    repo.history(T2)
    text = repo.path(T1).read_text(encoding="utf-8").replace("code: T-001", "code: OLD-002")
    repo.path("items/a/OLD-002.yml").write_text(text, encoding="utf-8")
    code, problems = check(repo, monkeypatch, capsys)
    assert code == 1
    p = only(problems, "code-reused")
    assert (p["file"], p["line"]) == ("items/a/OLD-002.yml", 1)
    assert "编码 OLD-002 是事项 T-002（林木采伐监管配合）的曾用编码" in p["message"]


def test_cancelled_code_reused_for_new_item_fails(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    text = repo.path(T1).read_text(encoding="utf-8").replace("code: T-001", "code: T-003")
    text = text.replace("date: 2024-05-01", "date: 2025-06-01").replace("测编办〔2024〕2号", "测编办〔2025〕9号")
    repo.path(T3).write_text(text, encoding="utf-8")
    code, problems = check(repo, monkeypatch, capsys)
    assert code == 1
    p = only(problems, "code-reused")
    assert p["file"] == T3
    assert "编码 T-003 属于已取消的事项（林业有害生物普查），编码永不重用" in p["message"]
    assert not [q for q in problems if q["code"] == "history-rewritten"]


def test_removed_category_needs_a_tombstone(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.append("categories.yml", "- id: spare\n  name: 备用\n")
    repo.commit("add a category")
    repo.edit("categories.yml", "- id: spare\n  name: 备用\n", "")
    code, problems = check(repo, monkeypatch, capsys)
    assert code == 1
    p = only(problems, "url-dropped")
    assert p["severity"] == "error" and "/categories/spare/" in p["message"] and "removed.yml" in p["message"]
    repo.path("removed.yml").write_text("- kind: category\n  id: spare\n  name: 备用\n  date: 2025-06-01\n  approval: 测编办〔2025〕9号\n",
                                       encoding="utf-8")
    code, problems = check(repo, monkeypatch, capsys)
    assert code == 0, problems


def test_policy_across_two_commits(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """As CI runs it: the pull request's tree against the base branch."""
    repo.git("checkout", "-q", "-b", "change")
    repo.edit(T1, "name: 森林防火巡查", "name: 森林防火巡查与宣传")
    repo.commit("rename without approval")
    code, out, _ = run(monkeypatch, capsys, repo.root, "check", "catalogue", "--against", "main:catalogue")
    assert code == 1
    assert f"{T1}:{line_of(repo, T1, 'history')}: history: 事项 T-001 修改了名称，但没有新的变更记录" in out
    assert out.rstrip().endswith("发现 1 个错误，请逐条修改后再提交。")


def test_unreadable_against_is_an_error(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    code, problems = check(repo, monkeypatch, capsys, against="origin/main:catalogue")
    assert code == 1
    assert "origin/main:catalogue" in only(problems, "against-unreadable")["message"]


def test_every_item_field_but_history_is_under_the_policy() -> None:
    assert set(FIELDS) | {"history"} == {f.name for f in fields_of(Item)}


def test_renaming_a_township_or_category_does_not_touch_items(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.edit("townships.yml", "name: 山溪乡", "name: 山溪镇")
    repo.edit("townships.yml", "kind: 乡", "kind: 镇")
    repo.edit("categories.yml", "name: 应急管理", "name: 应急管理和消防")
    repo.edit("catalogue.yml", "version: \"2025.1\"", "version: \"2025.2\"\nresponsibility_labels: {lead: 主体责任事项}")
    code, problems = check(repo, monkeypatch, capsys)
    assert (code, problems) == (0, [])
    code, out, _ = run(monkeypatch, capsys, repo.root, "diff", "HEAD:catalogue", "catalogue")
    assert "## 调整事项" not in out
    assert "- 修改：山溪镇（shanxi）\n  - **名称**：山溪乡 → 山溪镇\n  - **类型**：乡 → 镇" in out
    assert "- **版本**：2025.1 → 2025.2" in out
