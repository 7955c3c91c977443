"""A rebuild over the previous site: only what changed is written, and it is put into place last.

A build writes its site into a new folder. When ``--out`` already holds a
site (``previous``), a file that comes out byte for byte as it is there is not
written at all: :func:`write_or_keep` notes it as kept. The new folder then
holds only what changed, and :func:`update` moves those files into ``--out``
and removes the files the new site no longer has. A rebuild after one change
at 16,000 items thus neither creates nor deletes the 50,000 folders of the
whole site, and every unchanged file keeps its inode and time (an upload that
compares size and time moves only what changed).

The old file's bytes are read and compared, unless the build cache holds the
site's :class:`Ledger`: what the build that made the site wrote into it, each
file with a *token* (a cache key of everything that went into its bytes) and
its status then (size, times, inode). A writer whose file has the same token
as then, and whose file still has that status, neither makes nor reads it
(:func:`keep_unread`): the same way git trusts its index and make its times.
Any change to the file, even to the same bytes, changes its status (its
change time cannot be set back), and the ledger itself is a checked cache
entry; a file changed in the same clock tick as the ledger was taken is left
out of it (git's "racy" files). Nothing is ever written into an
existing file: a changed file is a new file renamed over the old one, so
whatever else shares the old inode (a hard-linked copy of the site) keeps the
old bytes. A previous site with a symbolic link anywhere in it is not updated
in place (:func:`plain_tree`): the build replaces it whole.
"""

from __future__ import annotations

import filecmp
import hashlib
import os
import pickle
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.cache import Cache

KEPT = ".kept"
"""Beside the new site folder: one file per process listing the paths it kept (forked workers write too)."""
TOKENS = ".tokens"
"""Beside the new site folder: one file per process of ``token path`` lines, the next :class:`Ledger`'s
(``=token path``: kept unread, its status as in the last ledger)."""
LEDGER = "ledger"
"""The cache kind of ledgers: one entry per site folder (by its absolute path)."""

Status = tuple[int, int, int, int, int]
"""A file's size, modification and change times (ns), inode and device."""


def write_or_keep(previous: str | Path | None, rel: str, dest: str | Path, data: bytes, token: str | None = None) -> None:
    """Put ``data`` at ``dest`` (site path ``rel``), unless ``previous``/``rel`` holds it already.

    ``token``: a cache key of everything ``data`` was made from (see :func:`keep_unread`)."""
    if not keep_if_same(previous, rel, dest, data):
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        Path(dest).write_bytes(data)
    if token is not None:
        _note_token(_root(dest, rel), rel, token)


@dataclass
class Ledger:
    """The files a build wrote with a token, by site path: the token and the file's status then."""

    rows: dict[str, tuple[str, Status]]
    by_token: dict[str, list[str]] = field(default_factory=dict)
    stale: set[str] | None = None
    """The rows whose file is gone or not as the row has it (:func:`survey`); until known, nothing is kept unread."""

    def __post_init__(self) -> None:
        for rel, (token, _) in self.rows.items():
            self.by_token.setdefault(token, []).append(rel)


DIGESTS = ".digests"
"""Beside the temporary docs folder: one file per process of ``digest path`` lines, the SHA-256 of
generated docs files as written (so the MkDocs step knows them unread)."""


def note_digests(docs_dir: str | Path, rows: list[tuple[str, str]]) -> None:
    """Note the SHA-256 (hex) of docs files written (``(docs path, digest)``; read by :func:`noted_digests`)."""
    if rows:
        os.write(_log(f"{docs_dir}{DIGESTS}"), "".join(f"{digest} {rel}\n" for rel, digest in rows if "\n" not in rel).encode())


def noted_digests(docs_dir: str | Path) -> dict[str, str]:
    """The digests :func:`note_digests` noted, by docs path (every writer is done)."""
    found = {}
    for line in _logged(f"{docs_dir}{DIGESTS}"):
        digest, rel = line.split(" ", 1)
        found[rel] = digest
    return found


_LEDGERS: dict[str, Ledger] = {}
"""The ledger of each site being replaced (by its path): :func:`open_ledger`, read by forked workers too."""
_TRACKED: set[str] = set()
"""New site folders whose tokens are noted for their own ledger."""


def _status(info: os.stat_result) -> Status:
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev


def _ledger_name(out: Path) -> str:
    """One ledger per site folder, whatever the code's version (which each token holds)."""
    return hashlib.sha256(os.fspath(Path(out).absolute()).encode("utf-8")).hexdigest()


def open_ledger(cache: Cache, out: Path, new_site: Path) -> None:
    """Before a build of ``new_site`` that replaces ``out``: read ``out``'s ledger (if the cache holds
    one intact) and note the tokens of what is written, for :func:`record_ledger` (with a cache only)."""
    if cache.folder is None:
        return
    _TRACKED.add(os.fspath(new_site))
    payload = cache.load(LEDGER, _ledger_name(out)) if out.is_dir() else None
    try:
        rows = pickle.loads(payload) if payload is not None else None  # our own entry, checked by Cache
    except Exception:  # whatever went wrong, every file is made and compared
        return
    if isinstance(rows, dict):
        _LEDGERS[os.fspath(out)] = Ledger(rows)


def survey(folder: Path) -> tuple[set[str], set[str]] | None:
    """:func:`plain_tree` of the site ``folder``, and the rows of its ledger whose file is gone or not
    as the row has it (empty without a ledger); called before anything is kept (on a worker)."""
    ledger = _LEDGERS.get(os.fspath(folder))
    rows = ledger.rows if ledger is not None else {}
    stale: set[str] = set()

    def look(rel: str, entry: os.DirEntry[str]) -> None:
        if rel in rows and _status(entry.stat(follow_symlinks=False)) != rows[rel][1]:
            stale.add(rel)

    found = plain_tree(folder, look)
    return None if found is None else (found, stale | (rows.keys() - found))


def trust(previous: Path, stale: set[str]) -> None:
    """Take :func:`survey`'s stale rows of the ledger of ``previous``: the others' files may be kept unread."""
    ledger = _LEDGERS.get(os.fspath(previous))
    if ledger is not None:
        ledger.stale = stale


def keep_unread(previous: str | Path | None, rel: str, dest: str | Path, token: str) -> bool:
    """True, noting ``rel`` as kept, if the last build wrote ``previous``/``rel`` with ``token`` and the
    file is still as it left it (see the module's docstring): then its bytes need not be made."""
    return previous is not None and _unread(previous, [rel], _root(dest, rel), token)


def keep_all_unread(previous: str | Path | None, site: str | Path, token: str) -> bool:
    """As :func:`keep_unread` for every file the last build wrote with ``token`` (one item's version
    pages, say; a token names its files): True if there were some and all are as it left them."""
    ledger = _LEDGERS.get(os.fspath(previous)) if previous is not None else None
    rels = ledger.by_token.get(token) if ledger is not None else None
    return previous is not None and bool(rels) and _unread(previous, rels or [], os.fspath(site), token)


def _unread(previous: str | Path, rels: list[str], root: str, token: str) -> bool:
    ledger = _LEDGERS.get(os.fspath(previous))
    if ledger is None or ledger.stale is None or root not in _TRACKED:
        return False
    for rel in rels:
        row = ledger.rows.get(rel)
        if row is None or row[0] != token or rel in ledger.stale:
            return False
    os.write(_log(root + TOKENS), "".join(f"={token} {rel}\n" for rel in rels).encode("utf-8"))  # kept (kept_paths)
    return True


def _root(dest: str | Path, rel: str) -> str:
    """The site folder of ``dest``, the file at site path ``rel`` in it."""
    dest = os.fspath(dest)
    assert dest.endswith(rel), (dest, rel)
    return dest[: len(dest) - len(rel)].rstrip(os.sep)


def _note_token(root: str, rel: str, token: str) -> None:
    if root in _TRACKED and "\n" not in rel:
        os.write(_log(root + TOKENS), f"{token} {rel}\n".encode())


def _tokens(new_site: Path) -> list[tuple[str, str]]:
    """The token logs of the build of ``new_site``: ``(token, site path)``, the token after ``=`` where kept unread."""
    found = []
    for line in _logged(f"{new_site}{TOKENS}"):
        token, rel = line.split(" ", 1)
        found.append((token, rel))
    return found


def record_ledger(cache: Cache, out: Path, new_site: Path) -> None:
    """After the build of ``new_site`` is in ``out``: store ``out``'s ledger, each noted file's token
    and status now (a file kept unread: its status as the last ledger has it)."""
    if cache.folder is None or os.fspath(new_site) not in _TRACKED:
        return
    close_logs(new_site)
    last = _LEDGERS.pop(os.fspath(out), None)
    # Git's racy files: a file whose times are not before this file's, made now on the same file
    # system, could still change within the same clock tick without its status showing it.
    probe = new_site.with_name(f"{new_site.name}.ledger-time")
    probe.write_bytes(b"")
    now = probe.stat().st_mtime_ns
    rows: dict[str, tuple[str, Status]] = {}
    for token, rel in _tokens(new_site):
        if token.startswith("="):
            row = last.rows.get(rel) if last is not None else None
            status = row[1] if row is not None else None
            token = token[1:]
        else:
            try:
                status = _status(os.lstat(out / rel))
            except OSError:
                status = None
        if status is not None and max(status[1], status[2]) < now:
            rows[rel] = token, status
    cache.store(LEDGER, _ledger_name(out), pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))


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
    os.write(_log(_root(dest, rel) + KEPT), (rel + "\n").encode("utf-8"))
    return True


_LOGS: dict[str, int] = {}
"""Open logs of this process (kept files, tokens, digests; by path, which names the process): 70,000 lines at 16,000 items."""


def _logged(folder: str) -> list[str]:
    """Every line of the logs in ``folder`` (one per process; the writers are done: this process's is closed)."""
    _close(folder + os.sep)
    lines = []
    for log in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        with open(os.path.join(folder, log), encoding="utf-8") as held:
            lines += held.read().splitlines()
    return lines


def _close(prefix: str) -> None:
    for path in [p for p in _LOGS if p.startswith(prefix)]:
        os.close(_LOGS.pop(path))


def _log(folder: str) -> int:
    path = os.path.join(folder, str(os.getpid()))
    if path not in _LOGS:
        os.makedirs(folder, exist_ok=True)
        _LOGS[path] = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    return _LOGS[path]


def plain_tree(folder: Path, look: Callable[[str, os.DirEntry[str]], None] | None = None) -> set[str] | None:
    """Every file below ``folder`` (site paths), or None if a symbolic link or other non-file is there;
    ``look`` is called with each file's site path and entry."""
    found: set[str] = set()

    def scan(path: str, prefix: str) -> bool:
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_file(follow_symlinks=False):
                    found.add(prefix + entry.name)
                    if look is not None:
                        look(prefix + entry.name, entry)
                elif not entry.is_dir(follow_symlinks=False) or not scan(entry.path, prefix + entry.name + "/"):
                    return False  # a link, or another kind of file
        return True

    return found if scan(os.fspath(folder), "") else None


def close_logs(new_site: Path) -> None:
    """Close this process's logs of the build of ``new_site``: every log in its (temporary) parent
    folder, the docs' digests too (a later note opens them again)."""
    _close(f"{new_site.parent}{os.sep}")


def forget(new_site: Path, out: Path) -> None:
    """Drop what this process holds of the build of ``new_site`` over ``out`` (it ended, or failed)."""
    close_logs(new_site)
    _TRACKED.discard(os.fspath(new_site))
    _LEDGERS.pop(os.fspath(out), None)


def kept_paths(new_site: Path) -> set[str]:
    """The site paths the build kept from the previous site (see :func:`keep_if_same`)."""
    return {*_logged(f"{new_site}{KEPT}"), *(rel for token, rel in _tokens(new_site) if token.startswith("="))}


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
