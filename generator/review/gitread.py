"""Read a catalogue from a folder or from ``REV:PATH`` in git, without a checkout.

``REV:PATH`` uses git's own syntax (PATH from the repository root, e.g.
``origin/main:catalogue``), so reviewers can compare against the base branch
while their working tree holds the pull request. The regular files of that
tree are read into memory (``git ls-tree`` + ``git cat-file --batch``, byte
for byte, no export filters) and loaded by the ordinary loader as a snapshot.
"""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath

from generator.load import FileParser, Snapshot, load
from generator.model import Catalogue
from generator.problems import Problem


class SourceError(Exception):
    """A catalogue source that cannot be read at all; the message is for the user (Chinese)."""


def is_git_spec(spec: str, cwd: Path | None = None) -> bool:
    """``REV:PATH`` unless ``spec`` names an existing folder (a folder name may contain ``:``)."""
    return ":" in spec and not (Path(cwd or ".") / spec).exists()


def _git(args: list[str], cwd: Path | None, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise SourceError("找不到 git 命令：读取 REV:PATH 需要安装 git。") from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SourceError(f"git {args[0]} 失败：{detail[-1] if detail else '未知错误'}")
    return done.stdout


def snapshot(spec: str, cwd: Path | None = None) -> Snapshot:
    """The files of tree ``REV:PATH``, by their paths inside it."""
    rev, _, path = spec.partition(":")
    if not rev:
        raise SourceError(f"“{spec}”缺少版本：请写成 REV:PATH，如 origin/main:catalogue。")
    tree = f"{rev}:{path.strip('/')}" if path.strip("/") else f"{rev}^{{tree}}"
    try:
        kind = _git(["cat-file", "-t", tree], cwd).decode().strip()
    except SourceError as exc:
        raise SourceError(f"在 git 中找不到“{spec}”：请检查版本名（如 origin/main，必要时先 git fetch）和文件夹路径（从仓库根目录算起）。") from exc
    if kind != "tree":
        raise SourceError(f"“{spec}”在 git 中是文件而不是文件夹：请给出清单文件夹，如 origin/main:catalogue。")
    listing = _git(["ls-tree", "-r", "-z", "--full-name", tree], cwd)
    blobs: list[tuple[str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        where = PurePosixPath(name.decode("utf-8", "surrogateescape"))
        # Only regular files: symlinks and submodules have no place in a catalogue.
        if kind == "blob" and mode in ("100644", "100755") and ".." not in where.parts and not where.is_absolute():
            blobs.append((oid, where.as_posix()))
    files: dict[str, bytes] = {}
    out = _git(["cat-file", "--batch"], cwd, "".join(f"{oid}\n" for oid, _ in blobs).encode()) if blobs else b""
    pos = 0
    for _, rel in blobs:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        files[rel] = out[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1  # the batch output ends each object with "\n"
    return Snapshot(files)


def read_catalogue(spec: str, cwd: Path | None = None, files: FileParser | None = None) -> tuple[Catalogue, list[Problem]]:
    """Load a catalogue from a folder or ``REV:PATH``; raises SourceError if there is none to compare.

    ``files``: a parser shared with the other catalogue of a comparison (its unchanged files are parsed once).
    """
    if is_git_spec(spec, cwd):
        cat, problems = load(snapshot(spec, cwd), files)
    else:
        folder = Path(cwd or ".") / spec
        if not folder.is_dir():
            raise SourceError(f"找不到清单文件夹“{spec}”：请给出文件夹路径，或 REV:PATH（如 origin/main:catalogue）。")
        cat, problems = load(folder, files)
    if cat is None:
        first = next((p.text() for p in problems), "")
        raise SourceError(f"无法读取“{spec}”中的清单（catalogue.yml 不可用）：{first}")
    return cat, problems
