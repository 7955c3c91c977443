"""A real git repository in a temp folder holding a catalogue, for diff and policy tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from generator.cli import main

from .conftest import MINIMAL

# Item files of the minimal catalogue, relative to catalogue/.
T1 = "items/a/T-001.yml"
T2 = "items/b/T-002.yml"
T3 = "items/b/T-003.yml"

ENV_FREE = ["-c", "user.name=测试", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"]


class Repo:
    """``catalogue/`` in a fresh repository, first commit = the minimal valid catalogue."""

    def __init__(self, root: Path, source: Path = MINIMAL) -> None:
        self.root = root
        self.cat = root / "catalogue"
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        shutil.copytree(source, self.cat)
        self.commit("v1")

    @classmethod
    def clone_of(cls, origin: Repo, root: Path) -> Repo:
        """A clone of ``origin`` at ``root`` (its ``origin/main`` is the origin's main)."""
        subprocess.run(["git", *ENV_FREE, "clone", "-q", str(origin.root), str(root)], check=True, capture_output=True)
        repo = cls.__new__(cls)
        repo.root, repo.cat = root, root / "catalogue"
        return repo

    def git(self, *args: str) -> str:
        done = subprocess.run(["git", *ENV_FREE, *args], cwd=self.root, capture_output=True, text=True, check=True)
        return done.stdout

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def path(self, rel: str) -> Path:
        return self.cat / rel

    def edit(self, rel: str, old: str, new: str) -> None:
        """Replace text in a catalogue file; the text must be there (tests stay honest)."""
        path = self.path(rel)
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def append(self, rel: str, text: str) -> None:
        path = self.path(rel)
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    def history(self, rel: str, action: str = "adjusted", day: str = "2025-06-01", approval: str = "测编办〔2025〕9号",
                note: str | None = None) -> None:
        """Append a history entry (items' history is their last key in the test files)."""
        entry = f"  - date: {day}\n    action: {action}\n    approval: {approval}\n"
        path = self.path(rel)
        text = path.read_text(encoding="utf-8")
        if "\nformerly:" in text:  # keep formerly last
            head, _, tail = text.partition("\nformerly:")
            text = head.rstrip("\n") + "\n" + entry + (f"    note: {note}\n" if note else "") + "formerly:" + tail
        else:
            text = text.rstrip("\n") + "\n" + entry + (f"    note: {note}\n" if note else "")
        path.write_text(text, encoding="utf-8")


def run(monkeypatch, capsys, cwd: Path, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    """Run ``qingdan ARGV`` in ``cwd`` as a user would; returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(cwd)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
