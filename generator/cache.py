"""A build cache that is never trusted: content-addressed entries, checked on every read.

An entry is named by the SHA-256 of everything that goes into it (see
:func:`key`, which always mixes in :func:`code_fingerprint`, so another
version of qingdan never reads this one's entries). Its file holds the
payload followed by the payload's own SHA-256; a missing, truncated or
altered entry fails that check and is made again and rewritten, so a build
with a damaged cache gives the same bytes as a build without one. Writes go
to a temporary file renamed into place, so parallel workers and an
interrupted build never leave half an entry. What depends on the whole
catalogue is kept in one entry per kind (:meth:`Cache.latest`), so the cache
grows by what an approved change touched, not by another workbook each time.

Beside the entries, the cache keeps whole files that builds write again and
again (item pages and records in the temporary docs folder): :meth:`Cache.keep`
puts a written file into its store as a hard link, named by the SHA-256 of
its bytes, and :meth:`Cache.link` makes a later build's file a hard link to it
after checking those bytes again. Creating 16,000 files of 25 KB costs about
a second; linking them, a tenth of that. Only docs files that MkDocs reads
come from the store, never a file it would copy into the site, so nothing done
to the cache reaches a published file.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
DIGEST = 32
FILES = "files"
"""The store of whole files, below the cache folder: ``files/<first two hex digits>/<SHA-256 in hex>``."""
_HEX = re.compile(r"[0-9a-f]{64}")
LATEST = "latest"
"""The file of :meth:`Cache.latest`'s one entry of a kind (entry names are hexadecimal: never this)."""


@cache
def code_fingerprint() -> str:
    """SHA-256 of the generator's own files (code, templates, assets): a new version misses every entry."""
    h = hashlib.sha256()
    for path in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def key(*parts: str | bytes) -> str:
    """The name of an entry made from ``parts`` by this version of the code."""
    h = hashlib.sha256(code_fingerprint().encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


class Cache:
    """Entries under ``folder`` (None: no cache, everything is made)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get_or_make(self, kind: str, name: str, make: Callable[[], bytes]) -> bytes:
        return self._entry(os.path.join(kind, name), b"", make)

    def latest(self, kind: str, name: str, make: Callable[[], bytes], slot: str = "") -> bytes:
        """As :meth:`get_or_make`, for what depends on the whole catalogue (the workbook, the CSV, the
        search grams): the kind keeps one entry per ``slot``, the latest (its file holds the name too), so
        an approved change does not leave another 15 MB behind; a build for another catalogue with
        the same cache folder makes it again."""
        return self._entry(os.path.join(kind, f"{LATEST}-{slot}" if slot else LATEST), name.encode("ascii"), make)

    def load(self, kind: str, name: str) -> bytes | None:
        """The payload of an entry :meth:`store` made, if it is there intact (else None)."""
        return None if self.folder is None else self._read(os.path.join(self.folder, kind, name), b"")

    def store(self, kind: str, name: str, payload: bytes) -> None:
        """Make (or replace) the entry ``kind``/``name``; nothing without a cache folder."""
        if self.folder is not None and payload:
            self._write(Path(self.folder, kind, name), payload + hashlib.sha256(payload).digest())

    def _entry(self, rel: str, head: bytes, make: Callable[[], bytes]) -> bytes:
        """The payload of the entry at ``rel`` if it starts with ``head`` and passes its digest, else ``make()``, stored."""
        if self.folder is None:
            return make()
        path = os.path.join(self.folder, rel)  # tens of thousands of reads a build: no pathlib
        found = self._read(path, head)
        if found is not None:
            return found
        payload = make()
        self._write(Path(path), head + payload + hashlib.sha256(head + payload).digest())
        return payload

    @staticmethod
    def _read(path: str, head: bytes) -> bytes | None:
        """What follows ``head`` in the entry at ``path``, if it starts so and passes its digest."""
        try:
            with open(path, "rb") as held:
                stored = held.read()
        except OSError:
            return None
        body, digest = stored[:-DIGEST], stored[-DIGEST:]
        if len(body) > len(head) and body.startswith(head) and hashlib.sha256(body).digest() == digest:
            return body[len(head):]
        return None

    def link(self, digest: str, dest: str) -> bool:
        """Make ``dest`` (a new file) a hard link to the stored file whose bytes have SHA-256 ``digest``
        (hex), or a copy of it where the file systems differ, if the store holds it intact; False
        (nothing done) otherwise."""
        if self.folder is None or not _HEX.fullmatch(digest):
            return False
        stored = self._stored(digest)
        try:
            with open(os.open(stored, os.O_RDONLY | os.O_NOFOLLOW), "rb") as held:
                data = held.read()
        except OSError:
            return False
        if hashlib.sha256(data).hexdigest() != digest:
            return False  # damaged: a caller writes the file and keeps it again
        try:
            os.link(stored, dest)
        except OSError:  # another file system (--cache elsewhere): the bytes, checked, all the same
            try:
                with open(dest, "xb") as out:
                    out.write(data)
            except OSError:
                return False
        return True

    def keep(self, path: str, digest: str) -> None:
        """Put the file at ``path`` (written, never to be written into again; its bytes have SHA-256
        ``digest``) into the store, as a hard link (a copy where the file systems differ)."""
        if self.folder is None or not _HEX.fullmatch(digest):
            return
        stored = self._stored(digest)
        tmp = f"{stored}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(stored), exist_ok=True)
            try:
                os.link(path, tmp)
            except OSError:
                shutil.copyfile(path, tmp)
            os.replace(tmp, stored)  # over a damaged one, if it was there
        except OSError:  # a store that cannot be written only costs time
            try:
                os.unlink(tmp)
            except OSError:
                pass

    def _stored(self, digest: str) -> str:
        assert self.folder is not None
        return os.path.join(self.folder, FILES, digest[:2], digest)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except OSError:  # a cache that cannot be written only costs time
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)


def runs(keys: list[str], every: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of runs of about ``every`` entries of ``keys``, that share one cache entry.

    A run ends after an entry whose key's hash is 0 mod ``every``, so an added, removed or
    changed entry changes its own run only (which may then take in the next one): the
    other runs, and so their cache entries, stay as they were.
    """
    ends = [n + 1 for n, name in enumerate(keys) if int(name[:8], 16) % every == 0]
    if not ends or ends[-1] != len(keys):
        ends.append(len(keys))
    return [(a, b) for a, b in zip([0, *ends[:-1]], ends, strict=True) if b > a]


def whole_runs(spans: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of jobs of about ``size`` entries each, made of whole ``spans`` (the :func:`runs`
    of a list, in order), so that no two jobs read or write one cache entry."""
    bounds, start = [], 0
    for _, stop in spans:
        if stop - start >= size:
            bounds.append((start, stop))
            start = stop
    if spans and start < spans[-1][1]:
        bounds.append((start, spans[-1][1]))
    return bounds
