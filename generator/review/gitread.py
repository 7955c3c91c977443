"""Read a catalogue from a folder or from ``REV:PATH`` in git, without a checkout.

``REV:PATH`` uses git's own syntax (PATH from the repository root, e.g.
``origin/main:catalogue``), so reviewers can compare against the base branch
while their working tree holds the pull request. The files of that tree are
copied into a temporary folder (``git ls-tree`` + ``git cat-file --batch``,
byte for byte, no export filters) and read with the ordinary loader.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from generator.load import FileParser, load
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


def materialise(spec: str, target: Path, cwd: Path | None = None) -> None:
    """Write the files of tree ``REV:PATH`` into ``target`` (which must exist)."""
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
    blobs: list[tuple[str, PurePosixPath]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        rel = PurePosixPath(name.decode("utf-8", "surrogateescape"))
        # Only regular files: symlinks and submodules have no place in a catalogue.
        if kind == "blob" and mode in ("100644", "100755") and ".." not in rel.parts and not rel.is_absolute():
            blobs.append((oid, rel))
    if not blobs:
        return
    out = _git(["cat-file", "--batch"], cwd, "".join(f"{oid}\n" for oid, _ in blobs).encode())
    pos = 0
    for _, rel in blobs:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        data = out[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1  # the batch output ends each object with "\n"
        dest = target.joinpath(*rel.parts)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)


@contextmanager
def catalogue_folder(spec: str, cwd: Path | None = None) -> Iterator[Path]:
    """A folder holding the catalogue ``spec``: the folder itself, or a temporary copy from git."""
    if not is_git_spec(spec, cwd):
        folder = Path(cwd or ".") / spec
        if not folder.is_dir():
            raise SourceError(f"找不到清单文件夹“{spec}”：请给出文件夹路径，或 REV:PATH（如 origin/main:catalogue）。")
        yield folder
        return
    tmp = Path(tempfile.mkdtemp(prefix="qingdan-git-"))
    try:
        materialise(spec, tmp, cwd)
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def read_catalogue(spec: str, cwd: Path | None = None, files: FileParser | None = None) -> tuple[Catalogue, list[Problem]]:
    """Load a catalogue from a folder or ``REV:PATH``; raises SourceError if there is none to compare.

    ``files``: a parser shared with the other catalogue of a comparison (its unchanged files are parsed once).
    """
    with catalogue_folder(spec, cwd) as folder:
        cat, problems = load(folder, files)
    if cat is None:
        first = next((p.text() for p in problems), "")
        raise SourceError(f"无法读取“{spec}”中的清单（catalogue.yml 不可用）：{first}")
    return cat, problems
