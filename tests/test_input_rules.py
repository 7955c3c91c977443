"""Input that was silently dropped or wrongly accepted: each now gets one problem naming the file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from generator.problems import errors
from generator.validate import check

ROOT = Path(__file__).resolve().parent.parent
T003 = "items/b/T-003.yml"
MINIMAL_DIR = ROOT / "tests" / "data" / "valid" / "minimal"


def _codes(catalogue: Path) -> set[tuple[str, str]]:
    return {(p.file, p.code) for p in errors(check(catalogue)[1])}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], check=False, capture_output=True, text=True, cwd=ROOT)


def _item_copy(catalogue: Path, name: str, code: str | None = None) -> Path:
    """A copy of T-001 at items/<name> with the given code."""
    source = (catalogue / "items/a/T-001.yml").read_text(encoding="utf-8")
    target = catalogue / "items" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source.replace("code: T-001", f"code: {code or name.split('/')[-1].split('.')[0]}"), encoding="utf-8")
    return target


def test_files_that_are_not_dot_yml_are_named_not_skipped(minimal_copy: Path) -> None:
    for name in ("c/X-1.YML", "c/X-2.yml.txt", "c/X-3.yaml", "c/notes.txt"):
        _item_copy(minimal_copy, name)
    (minimal_copy / "items/c/.DS_Store").write_bytes(b"\0")  # hidden files are not catalogue files
    problems = [p for p in check(minimal_copy)[1] if p.code == "wrong-extension"]
    expected = ["items/c/X-1.YML", "items/c/X-2.yml.txt", "items/c/X-3.yaml", "items/c/notes.txt"]
    assert sorted(p.file for p in problems if p.severity == "error") == expected
    words = {p.file: p.message for p in problems}
    assert "X-1.yml" in words["items/c/X-1.YML"] and "X-2.yml" in words["items/c/X-2.yml.txt"]
    result = _cli("check", str(minimal_copy))
    assert result.returncode == 1 and "items/c/X-1.YML:" in result.stdout


def test_dangling_symlink_is_an_error(minimal_copy: Path) -> None:
    (minimal_copy / "items/b/T-009.yml").symlink_to(minimal_copy / "items/b/gone.yml")
    assert ("items/b/T-009.yml", "symlink") in _codes(minimal_copy)


def test_symlink_out_of_the_catalogue_is_not_read(minimal_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "runner-secrets"
    outside.mkdir()
    secret = _item_copy(minimal_copy, "a/T-008.yml").rename(outside / "T-008.yml")
    (minimal_copy / "items/a/T-008.yml").symlink_to(secret)
    (minimal_copy / "laws/stolen.yml").symlink_to(secret)
    shutil.move(str(minimal_copy / "townships.yml"), outside / "townships.yml")
    (minimal_copy / "townships.yml").symlink_to(outside / "townships.yml")
    (minimal_copy / "items/linked").symlink_to(outside, target_is_directory=True)
    cat, problems = check(minimal_copy)
    assert {("items/a/T-008.yml", "symlink"), ("laws/stolen.yml", "symlink"), ("townships.yml", "symlink"),
            ("items/linked", "symlink")} <= {(p.file, p.code) for p in errors(problems)}
    assert cat is not None and "T-008" not in cat.item and not cat.townships
    result = _cli("build", "--catalogue", str(minimal_copy), "--out", str(tmp_path / "site"), "--quiet")
    assert result.returncode == 1 and not (tmp_path / "site").exists()


def test_symlink_inside_the_catalogue_is_read(minimal_copy: Path) -> None:
    real = _item_copy(minimal_copy, "a/T-007.yml").rename(minimal_copy / "T-007.yml")  # beside items/, not read by itself
    (minimal_copy / "items/a/T-007.yml").symlink_to(Path("../../T-007.yml"))
    cat, problems = check(minimal_copy)
    assert errors(problems) == [] and cat is not None and cat.item["T-007"].file == "items/a/T-007.yml"
    assert real.is_file()


def test_code_and_code_json_collide_in_check_not_in_build(minimal_copy: Path, tmp_path: Path) -> None:
    _item_copy(minimal_copy, "c/T-001.json.yml", "T-001.json")
    assert ("items/c/T-001.json.yml", "code-collision") in _codes(minimal_copy)
    result = _cli("build", "--catalogue", str(minimal_copy), "--out", str(tmp_path / "site"), "--quiet")
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    assert "code-collision" in result.stdout


def test_codes_differing_only_in_case_collide(minimal_copy: Path) -> None:
    _item_copy(minimal_copy, "c/t-001.yml", "t-001")
    _item_copy(minimal_copy, "c/INDEX.HTML.yml", "INDEX.HTML")
    found = {p.file: p.message for p in errors(check(minimal_copy)[1]) if p.code == "code-collision"}
    assert "T-001" in found["items/c/t-001.yml"] and "index.html" in found["items/c/INDEX.HTML.yml"]


def test_thousand_deep_list_is_a_problem_not_a_traceback(minimal_copy: Path) -> None:
    item = minimal_copy / "items/a/T-001.yml"
    item.write_text(item.read_text(encoding="utf-8") + "keywords: " + "[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
    result = _cli("check", str(minimal_copy))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "items/a/T-001.yml:42: keywords" in result.stdout and "[yaml-too-deep]" in result.stdout


def _edit(catalogue: Path, rel: str, old: str, new: str) -> None:
    path = catalogue / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


REVIVE = "\n  - date: 2025-06-01\n    action: {}\n    approval: 测编办〔2025〕6号\n"


def test_adjusted_after_cancelled_is_an_error(minimal_copy: Path) -> None:
    path = minimal_copy / T003
    path.write_text(path.read_text(encoding="utf-8") + REVIVE.format("adjusted").lstrip("\n"), encoding="utf-8")
    problems = [p for p in errors(check(minimal_copy)[1]) if p.code == "change-after-cancelled"]
    assert [(p.file, p.line, p.key) for p in problems] == [(T003, 22, "history[2].action")]
    assert "reinstated" in problems[0].message


def test_reinstated_after_cancelled_revives_the_item(minimal_copy: Path) -> None:
    path = minimal_copy / T003
    path.write_text(path.read_text(encoding="utf-8") + REVIVE.format("reinstated").lstrip("\n"), encoding="utf-8")
    cat, problems = check(minimal_copy)
    assert errors(problems) == [] and cat is not None
    assert cat.item["T-003"].cancelled is None and cat.item["T-003"] in cat.active_items


def test_reinstated_without_cancellation_is_an_error(minimal_copy: Path) -> None:
    _edit(minimal_copy, "items/b/T-002.yml", "formerly:", REVIVE.format("reinstated").lstrip("\n") + "formerly:")
    assert ("items/b/T-002.yml", "reinstated-not-cancelled") in _codes(minimal_copy)


def test_step_whose_next_is_itself(minimal_copy: Path) -> None:
    _edit(minimal_copy, "items/a/T-001.yml", "    action: 巡查发现火情隐患\n", "    action: 巡查发现火情隐患\n    next: [find, judge]\n")
    problems = [p for p in errors(check(minimal_copy)[1]) if p.code == "step-loops-to-itself"]
    assert [(p.line, p.key) for p in problems] == [(22, "workflow[0].next")]


def test_build_out_through_a_file_is_one_chinese_line(minimal_copy: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    for out in (tmp_path / "afile" / "site", tmp_path / "afile"):
        result = _cli("build", "--catalogue", str(minimal_copy), "--out", str(out), "--quiet")
        assert result.returncode == 1 and "Traceback" not in result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "afile" in lines[0] and "不是文件夹" in lines[0], result.stderr
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "x"


def test_symlink_in_docs_out_of_the_project_fails_the_build(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(MINIMAL_DIR, project / "catalogue")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", project / "overrides")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# 首页\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("runner token", encoding="utf-8")
    (project / "docs" / "leak.md").symlink_to(tmp_path / "secret.txt")
    result = _cli("build", "--catalogue", str(project / "catalogue"), "--out", str(tmp_path / "site"), "--quiet")
    assert result.returncode == 1 and "docs/leak.md" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()
