"""The CI files: valid YAML, the expected jobs and commands, pinned actions, and their review scripts run for real."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import parser

from .conftest import ROOT
from .gitrepo import Repo

GITHUB = ROOT / ".github" / "workflows"
GITLAB = ROOT / ".gitlab-ci.yml"


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert on is not None, "the workflow has no trigger"
    return on if isinstance(on, dict) else {name: None for name in ([on] if isinstance(on, str) else on)}


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = workflow["jobs"][job]["steps"]
    return found


def scripts(workflow: dict[str, Any], job: str) -> str:
    return "\n".join(s.get("run", "") for s in steps(workflow, job))


def qingdan_commands(text: str) -> list[list[str]]:
    """Every `qingdan …` command line, with shell variables replaced by sample values."""
    found = []
    for line in text.splitlines():
        line = line.strip().lstrip("- ").split("|")[0].split(">")[0]
        if line.startswith("qingdan "):
            line = re.sub(r"\$\{?([A-Z_]+)\}?", "main", line)
            found.append(shlex.split(line)[1:])
    return found


def test_github_pull_request_workflow() -> None:
    wf = load(GITHUB / "review.yml")
    assert "pull_request" in triggers(wf)
    assert wf["permissions"] == {"contents": "read"}
    run = scripts(wf, "review")
    assert "qingdan check catalogue\n" in run + "\n"
    assert 'qingdan check catalogue --against "origin/$BASE:catalogue"' in run
    assert 'qingdan diff "origin/$BASE:catalogue" catalogue > diff.md' in run
    assert 'open(os.environ["GITHUB_STEP_SUMMARY"], "a"' in run
    assert steps(wf, "review")[0]["with"]["fetch-depth"] == 0  # the base branch must be readable
    assert wf["jobs"]["comment"]["permissions"] == {"pull-requests": "write"}
    assert "gh pr comment" in scripts(wf, "comment")


def test_github_publish_workflow() -> None:
    wf = load(GITHUB / "publish.yml")
    assert triggers(wf)["push"] == {"branches": ["main"]}
    run = scripts(wf, "build")
    assert "qingdan publish --catalogue catalogue --out _site" in run
    assert steps(wf, "build")[0]["with"]["fetch-depth"] == 0  # items' earlier versions come from the whole history
    upload = next(s for s in steps(wf, "build") if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "_site"
    deploy = wf["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert "actions/deploy-pages@" in deploy["steps"][0]["uses"]


def test_actions_are_pinned_to_commits_and_runs_take_no_expressions() -> None:
    for path in sorted(GITHUB.glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        uses = re.findall(r"uses: (\S+)(.*)", text)
        assert uses, path
        for action, comment in uses:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), f"{path.name}: pin {action} to a commit"
            assert re.fullmatch(r" # v\d+(\.\d+)*", comment), f"{path.name}: say which version {action} is"
        for job in load(path)["jobs"].values():
            for step in job.get("steps", []):
                assert "${{" not in step.get("run", ""), f"{path.name}: pass values to run: through env (script injection)"


def test_gitlab_pipeline() -> None:
    ci = load(GITLAB)
    assert ci["stages"] == ["check", "deploy"]
    mr = '$CI_PIPELINE_SOURCE == "merge_request_event"'
    assert ci["check"]["rules"] == [{"if": mr}]
    assert ci["review"]["rules"] == [{"if": mr}]
    review = "\n".join(ci["review"]["script"])
    assert 'qingdan diff "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME:catalogue" catalogue | tee diff.md' in review
    assert 'qingdan check catalogue --against "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME:catalogue"' in review
    assert ci["review"]["artifacts"]["paths"] == ["diff.md"]
    pages = ci["pages"]
    assert pages["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert "qingdan publish --catalogue catalogue --out public" in pages["script"]
    assert pages["artifacts"]["paths"] == ["public"]  # GitLab Pages serves the `pages` job's public/
    for job in ("check", "review", "pages"):  # items' earlier versions come from the whole history
        assert ci[job]["variables"]["GIT_DEPTH"] == "0", job
    assert re.fullmatch(r"python:\d+\.\d+\.\d+-slim-\w+", ci["default"]["image"])


def test_every_qingdan_command_in_ci_is_a_valid_command_line() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(GITHUB.glob("*.yml"))] + [GITLAB.read_text(encoding="utf-8")]
    commands = [c for text in texts for c in qingdan_commands(text)]
    assert {c[0] for c in commands} >= {"check", "diff", "build", "publish"}
    for argv in commands:
        parser().parse_args(argv)  # exits (SystemExit) on an unknown option


# ---------------------------------------------------------------- the review scripts, run for real


@pytest.fixture
def pull_request(tmp_path: Path) -> Repo:
    """A clone whose `origin/main` holds the minimal catalogue, on a branch with one unapproved change."""
    origin = Repo(tmp_path / "origin")
    clone = Repo.clone_of(origin, tmp_path / "clone")
    clone.git("checkout", "-q", "-b", "change")
    clone.edit("items/a/T-001.yml", "name: 森林防火巡查", "name: 森林防火巡查与宣传")
    clone.commit("rename")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "qingdan"  # the command CI installs, pointing at this checkout's generator
    shim.write_text(f"#!/bin/sh\nPYTHONPATH={shlex.quote(str(ROOT))} exec {shlex.quote(sys.executable)} -m generator.cli \"$@\"\n")
    shim.chmod(0o755)
    return clone


def shell(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **env, "PATH": f"{cwd.parent / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=full,
                          capture_output=True, text=True, check=False)


def test_github_review_steps_report_and_refuse_an_unapproved_change(pull_request: Repo, tmp_path: Path) -> None:
    wf = load(GITHUB / "review.yml")
    by_name = {s.get("name"): s["run"] for s in steps(wf, "review") if "run" in s}
    summary = tmp_path / "summary.md"
    env = {"BASE": "main", "GITHUB_STEP_SUMMARY": str(summary)}
    report = shell(by_name["变更报告（写入运行摘要）"], pull_request.root, env)
    assert report.returncode == 0, report.stderr
    assert "- **名称**：森林防火巡查 → 森林防火巡查与宣传" in summary.read_text(encoding="utf-8")
    assert (pull_request.root / "comment.md").read_text(encoding="utf-8") == summary.read_text(encoding="utf-8")
    policy = shell(by_name["动态管理检查（与目标分支比较）"], pull_request.root, env)
    assert policy.returncode == 1
    assert "事项 T-001 修改了名称，但没有新的变更记录" in policy.stdout

    pull_request.history("items/a/T-001.yml")
    pull_request.commit("approved")
    assert shell(by_name["动态管理检查（与目标分支比较）"], pull_request.root, env).returncode == 0


def test_gitlab_review_script_reports_and_refuses_an_unapproved_change(pull_request: Repo) -> None:
    script = "\n".join(load(GITLAB)["review"]["script"])
    env = {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "QINGDAN_NOTE_TOKEN": ""}
    done = shell(script, pull_request.root, env)
    assert done.returncode == 1
    assert "changed-without-history" in done.stdout
    assert "# 清单变更报告" in (pull_request.root / "diff.md").read_text(encoding="utf-8")
