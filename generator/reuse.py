"""A rebuild over the previous site: only what changed is written, and it is put into place last.

A build writes its site into a new folder. When ``--out`` already holds a
site (``previous``), a file that comes out byte for byte as it is there is not
written at all: :func:`write_or_keep` notes it as kept. The new folder then
holds only what changed, and :func:`update` moves those files into ``--out``
and removes the files the new site no longer has. A rebuild after one change
at 16,000 items thus neither creates nor deletes the 50,000 folders of the
whole site, and every unchanged file keeps its inode and time (an upload that
compares size and time moves only what changed).

The old file's bytes are read and compared every time (never assumed from a
cache), so a damaged file is written afresh. Nothing is ever written into an
existing file: a changed file is a new file renamed over the old one, so
whatever else shares the old inode (a hard-linked copy of the site) keeps the
old bytes. A previous site with a symbolic link anywhere in it is not updated
in place (:func:`plain_tree`): the build replaces it whole.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import stat
from pathlib import Path

KEPT = ".kept"
"""Beside the new site folder: one file per process listing the paths it kept (forked workers write too)."""


def write_or_keep(previous: str | Path | None, rel: str, dest: str | Path, data: bytes) -> None:
    """Put ``data`` at ``dest`` (site path ``rel``), unless ``previous``/``rel`` holds it already."""
    if not keep_if_same(previous, rel, dest, data):
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        Path(dest).write_bytes(data)


def keep_if_same(previous: str | Path | None, rel: str, dest: str | Path, data: bytes) -> bool:
    """True, noting ``rel`` as kept, if ``previous``/``rel`` is a file holding exactly ``data``."""
    if previous is None:
        return False
    try:
        fd = os.open(os.path.join(previous, rel), os.O_RDONLY | os.O_NOFOLLOW)  # a link is never kept
    except OSError:  # none there
        return False
    try:
        info = os.fstat(fd)
        # A short read (never seen for a regular file) only means writing the file afresh.
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data) or os.read(fd, len(data) + 1) != data:
            return False
    finally:
        os.close(fd)
    dest = os.fspath(dest)
    assert dest.endswith(rel), (dest, rel)
    os.write(_log(dest[: len(dest) - len(rel)].rstrip(os.sep) + KEPT), (rel + "\n").encode("utf-8"))
    return True


_LOGS: dict[str, int] = {}
"""Open kept-file logs of this process (by path, which names the process): 70,000 files at 16,000 items."""


def _log(folder: str) -> int:
    path = os.path.join(folder, str(os.getpid()))
    if path not in _LOGS:
        os.makedirs(folder, exist_ok=True)
        _LOGS[path] = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    return _LOGS[path]


def plain_tree(folder: Path) -> set[str] | None:
    """Every file below ``folder`` (site paths), or None if a symbolic link or other non-file is there."""
    found: set[str] = set()

    def scan(path: str, prefix: str) -> bool:
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_file(follow_symlinks=False):
                    found.add(prefix + entry.name)
                elif not entry.is_dir(follow_symlinks=False) or not scan(entry.path, prefix + entry.name + "/"):
                    return False  # a link, or another kind of file
        return True

    return found if scan(os.fspath(folder), "") else None


def close_logs(new_site: Path) -> None:
    """Close this process's kept-file logs of the build of ``new_site`` (a later note opens them again)."""
    for path in [p for p in _LOGS if p.startswith(f"{new_site}{KEPT}{os.sep}")]:
        os.close(_LOGS.pop(path))


def kept_paths(new_site: Path) -> set[str]:
    """The site paths the build kept from the previous site (see :func:`keep_if_same`)."""
    close_logs(new_site)  # the writers are done
    folder = Path(f"{new_site}{KEPT}")
    if not folder.is_dir():
        return set()
    return {line for log in folder.iterdir() for line in log.read_text(encoding="utf-8").splitlines()}


def site_files(new_site: Path, previous: Path | None, under: str = "") -> dict[str, Path]:
    """The files so far of the site being built whose site path starts with ``under``, and where
    their bytes are: in ``new_site``, or kept in ``previous``."""
    found = {rel: previous / rel for rel in kept_paths(new_site) if rel.startswith(under)} if previous else {}
    start = new_site / under
    if start.is_dir():
        found.update((path.relative_to(new_site).as_posix(), path) for path in start.rglob("*") if path.is_file())
    return found


def update(new_site: Path, out: Path, old: set[str]) -> None:
    """Make ``out`` the site ``new_site`` stands for: its files, plus the ones it kept from ``out``.

    ``old`` is ``out``'s :func:`plain_tree`, taken before the build's first write (it never writes into ``out``).
    A file of ``new_site`` that ``out`` holds with the same bytes (MkDocs writes
    its own files every time) leaves ``out``'s file as it is.
    """
    kept = kept_paths(new_site)
    new = plain_tree(new_site)
    assert new is not None  # the build writes no links
    gone = sorted(old - new - kept)  # first: one of them may stand where a new folder goes
    for rel in gone:
        (out / rel).unlink(missing_ok=True)
    for folder in sorted({(out / rel).parent for rel in gone}, key=lambda p: len(p.parts), reverse=True):
        while folder != out and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    for rel in sorted(new):
        source, target = new_site / rel, out / rel
        if rel in old and filecmp.cmp(source, target, shallow=False):
            continue
        _make_room(out, rel)
        os.replace(source, target)
    shutil.rmtree(Path(f"{new_site}{KEPT}"), ignore_errors=True)


def _make_room(out: Path, rel: str) -> None:
    """Folders for ``out``/``rel``, where a file of the old site may stand in the way (and a folder where the file goes)."""
    parent = out
    for part in rel.split("/")[:-1]:
        parent = parent / part
        if parent.is_file():
            parent.unlink()
        parent.mkdir(exist_ok=True)
    target = out / rel
    if target.is_dir():
        shutil.rmtree(target)
