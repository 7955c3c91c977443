"""``qingdan diff OLD NEW`` across revisions of a real git repository."""

from __future__ import annotations

import re

import pytest

from generator.review.diff import md

from .gitrepo import T1, T2, T3, Repo, run


def section(report: str, title: str) -> str:
    """The text under ``## title`` up to the next level-2 heading."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", report, re.S | re.M)
    assert match, f"no section {title!r} in:\n{report}"
    return match.group(1)


def test_adjusted_item_shows_each_field_old_to_new(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.edit(T1, "name: 森林防火巡查", "name: 森林防火巡查和宣传")
    repo.edit(T1, "responsibility: lead", "responsibility: support")
    repo.edit(T1, "    role: support", "    role: lead")
    repo.edit(T1, "    - 组织巡山护林。", "    - 组织巡山护林，每月不少于两次。")
    repo.edit(T1, "townships: [shanxi]", "townships: [shanxi, chengguan]")
    repo.edit(T1, "    action: 县林业局处置", "    action: 县林业局到场处置\n    time_limit: 1个工作日")
    repo.edit(T1, "      - when: 不需要\n", "      - when: 无需处置\n")
    repo.edit(T1, "history:", "keywords: [山火]\naccountability: [未按要求巡查造成火灾的]\nhistory:")
    repo.history(T1, note="增加巡查频次")
    repo.commit("adjust T-001")

    code, out, err = run(monkeypatch, capsys, repo.root, "diff", "HEAD~1:catalogue", "HEAD:catalogue")

    assert code == 0, err
    body = section(out, "调整事项")
    assert "### `T-001` 森林防火巡查和宣传" in body
    assert "- **名称**：森林防火巡查 → 森林防火巡查和宣传" in body
    assert "- **责任类型**：主体责任 → 配合责任" in body  # the catalogue's labels, not lead/support
    assert "  - 删除：组织巡山护林。\n  - 增加：组织巡山护林，每月不少于两次。" in body
    assert "县林业局：配合 → 牵头" in body
    assert "- **适用乡镇**\n  - 增加：城关镇" in body
    assert "  - 步骤 report 内容：县林业局处置 → 县林业局到场处置\n  - 步骤 report 时限：（无） → 1个工作日" in body
    assert "  - 步骤 judge 去向：需要：转 report；不需要：转 done → 需要：转 report；无需处置：转 done" in body
    assert "- **关键词**\n  - 增加：山火" in body
    assert "- **追责情形**\n  - 增加：未按要求巡查造成火灾的" in body
    assert "- **新增变更记录**：2025-06-01 调整（测编办〔2025〕9号）：增加巡查频次" in body
    assert section(out, "合计").strip().startswith("新增事项 0 项；取消事项 0 项；改编码 0 项；调整事项 1 项")


def test_added_cancelled_and_recoded_items(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    first = repo.git("rev-parse", "HEAD").strip()
    new = repo.path(T1).read_text(encoding="utf-8").replace("code: T-001", "code: T-004").replace("name: 森林防火巡查", "name: 野外用火审批")
    repo.path("items/a/T-004.yml").write_text(new, encoding="utf-8")
    repo.history(T2, action="cancelled", note="职责划转")
    repo.path(T1).rename(repo.path("items/a/T-101.yml"))
    repo.edit("items/a/T-101.yml", "code: T-001", "code: T-101")
    repo.history("items/a/T-101.yml", action="recoded", note="统一编码")
    repo.append("items/a/T-101.yml", "formerly: [T-001]\n")
    repo.commit("add, cancel, recode")

    code, out, _ = run(monkeypatch, capsys, repo.root, "diff", f"{first}:catalogue", "main:catalogue")

    assert code == 0
    assert "- `T-004` 野外用火审批：主体责任（2024-05-01 增加（测编办〔2024〕2号））" in section(out, "新增事项")
    assert "- `T-002` 林木采伐监管配合：2025-06-01 取消（测编办〔2025〕9号）：职责划转" in section(out, "取消事项")
    assert "- `T-001` → `T-101` 森林防火巡查" in section(out, "改编码")
    assert "## 删除的事项文件" not in out  # the recode is not a deletion
    total = section(out, "合计")
    assert "新增事项 1 项；取消事项 1 项；改编码 1 项" in total
    assert "有效事项 2 → 2 项" in total  # T-001 and T-002 before; T-101 and T-004 after


def test_folder_against_revision_and_reference_data(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """The working tree (a folder) against HEAD: laws, departments, townships, categories."""
    repo.append("laws/forest-fire-regulation.yml", "  '21': 森林防火期内，禁止野外用火。\n")
    repo.edit("laws/forest-fire-regulation.yml", "确定森林防火责任人", "确定森林防火责任人（修改）")
    repo.edit("departments.yml", "phone: 0000-1234567", "phone: 0000-7654321")
    repo.append("townships.yml", "- id: hexi\n  name: 河西街道\n  kind: 街道\n")
    repo.append("categories.yml", "- id: forestry\n  name: 林业\n")
    head_before = repo.git("rev-parse", "HEAD")
    status_before = repo.git("status", "--porcelain")

    code, out, _ = run(monkeypatch, capsys, repo.root, "diff", "HEAD:catalogue", "catalogue")

    assert code == 0
    laws = section(out, "法规")
    assert "- 修改：《森林防火条例》（forest-fire-regulation）" in laws
    assert "    - 增加第21条：森林防火期内，禁止野外用火。" in laws
    assert "    - 修改第20条：" in laws and "确定森林防火责任人（修改）" in laws
    assert "  - **电话**：0000-1234567 → 0000-7654321" in section(out, "部门")
    assert "- 新增：河西街道（hexi）" in section(out, "乡镇")
    assert "- 新增：林业（forestry）" in section(out, "分类")
    assert "法规新增 0、修改 1、删除 0；部门新增 0、修改 1、删除 0；乡镇新增 1" in section(out, "合计")
    # Reading a revision is not a checkout: HEAD and the working tree are as they were.
    assert repo.git("rev-parse", "HEAD") == head_before
    assert repo.git("status", "--porcelain") == status_before


def test_no_change_still_reports_counts(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(monkeypatch, capsys, repo.root, "diff", "HEAD:catalogue", "catalogue")
    assert code == 0
    assert "## 调整事项" not in out
    assert "新增事项 0 项；取消事项 0 项；改编码 0 项；调整事项 0 项。有效事项 2 → 2 项。" in out


def test_deleted_item_file_is_reported(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    repo.path(T3).unlink()
    repo.commit("delete T-003")
    code, out, _ = run(monkeypatch, capsys, repo.root, "diff", "HEAD~1:catalogue", "HEAD:catalogue")
    assert code == 0  # diff reports; the policy judges
    assert "- `T-003` 林业有害生物普查（items/b/T-003.yml）" in section(out, "删除的事项文件")


@pytest.mark.parametrize("old", ["nosuchrev:catalogue", "HEAD:nosuchfolder", "HEAD:catalogue/catalogue.yml", "missing-folder"])
def test_unreadable_input_exits_2(repo: Repo, monkeypatch, capsys, old: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(monkeypatch, capsys, repo.root, "diff", old, "catalogue")
    assert code == 2
    assert out == ""
    assert old in err and "qingdan diff：" in err


def test_catalogue_text_is_escaped_in_the_report(repo: Repo, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    hostile = "<script>alert(1)</script>{{ 7*7 }}[x](javascript:alert(1))"
    repo.edit(T1, "name: 森林防火巡查", f"name: '{hostile}'")
    repo.history(T1)
    code, out, _ = run(monkeypatch, capsys, repo.root, "diff", "HEAD:catalogue", "catalogue")
    assert code == 0
    assert hostile not in out
    assert "\\<script\\>alert\\(1\\)\\</script\\>\\{\\{ 7\\*7 \\}\\}\\[x\\]\\(javascript:alert\\(1\\)\\)" in out
    assert "<script>" not in out and "](javascript" not in out


def test_md_escape_keeps_chinese_and_flattens_lines() -> None:
    assert md("组织巡山护林。") == "组织巡山护林。"
    assert md("第一行\n# 第二行 *强调* | 表格") == "第一行 \\# 第二行 \\*强调\\* \\| 表格"
