"""Catalogue folder -> model, collecting every problem instead of stopping.

Files are found by one rule (``_yaml_files``), read as bytes and parsed by
:func:`parse_file`, a pure function of a file's kind, name and bytes (shape
checks in ``records``; rules that span records live in ``validate``). A
:class:`FileParser` parses many files at once: on forked workers for a large
catalogue, from the build cache when it has one (the results of a run of about
16 files, cut by their names, are one entry keyed by their bytes, so a rebuild
after a one-file change parses one run), and once for
two catalogues read through one parser (``qingdan diff``, ``check --against``:
a file whose bytes are the same on both sides is parsed once and shared).
Every way gives the same records and problems in the same order.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import re
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from generator import problems as P
from generator.cache import Cache, runs, whole_runs
from generator.cache import key as cache_key
from generator.model import Assignment, Catalogue, Category, Department, Identity, Item, Law, Removed, Township
from generator.parallel import results
from generator.problems import Problem
from generator.records import read_record, read_records
from generator.yamlread import PARSER

FILES = {
    "catalogue": "catalogue.yml",
    "departments": "departments.yml",
    "townships": "townships.yml",
    "categories": "categories.yml",
    "removed": "removed.yml",
}
KINDS: dict[str, tuple[type[Any], bool]] = {
    "catalogue": (Identity, False), "departments": (Department, True), "townships": (Township, True),
    "categories": (Category, True), "removed": (Removed, True),
    "laws": (Law, False), "items": (Item, False), "assignments": (Assignment, False),
}
"""Each kind of file: the record class, and whether the file holds a list of them."""

Parsed = tuple[Any, list[Problem]]
"""A file's record (a list for list files; None when unusable) and the problems found in it."""

PARALLEL_FROM = 1000
"""Files to parse from which forked workers are quicker than one process."""


def parse_file(kind: str, rel: str, data: bytes) -> Parsed:
    """The file ``rel`` of ``kind`` (a key of KINDS), given as bytes.

    Each record gets its ``source_digest``, named by what it is a function of: these inputs, the
    parsing code (PyYAML's version, qingdan's fingerprint) and its place in the file; so the item
    pages' cache keys need no ``repr`` of a loaded item (generator.pages.memo).
    """
    cls, many = KINDS[kind]
    problems: list[Problem] = []
    value: Any = read_records(data, rel, cls, problems) if many else read_record(data, rel, cls, problems)
    source = cache_key("source", PARSER, kind, rel, data)
    for index, record in enumerate(value if many else [] if value is None else [value]):
        record.source_digest = f"{source}/{index}"
    return value, problems


@dataclass(frozen=True)
class Source:
    """One file to parse: its kind, its name inside the catalogue, and where it is on disk or its bytes."""

    kind: str
    rel: str
    path: str | None = None
    data: bytes | None = None


def _bytes(src: Source) -> bytes | Problem:
    if src.data is not None:
        return src.data
    assert src.path is not None
    try:
        with open(src.path, "rb") as file:
            return file.read()
    except OSError as exc:
        return P.UNREADABLE_FILE.at(src.rel, None, "", reason=exc.strerror or exc)


class FileParser:
    """Parses catalogue files (see the module's docstring); one parser may serve several loads.

    ``cache``: the build cache (a run of parsed files is stored pickled under ``parse/``, named
    by the files' kinds, names and bytes and the code that parses them; a run whose entry is
    missing or fails its digest is parsed again). ``share``: remember each file's result by its bytes
    for the next load through this parser. ``parallel``: None decides by the number of files.
    """

    def __init__(self, cache: Cache | None = None, *, share: bool = False, parallel: bool | None = None) -> None:
        self.cache = cache or Cache(None)
        self.share = share
        self.parallel = parallel
        self._seen: dict[tuple[str, str, bytes], Parsed] = {}

    def parse(self, sources: list[Source]) -> list[Parsed]:
        """Each source's result, in order."""
        with _collector_paused():
            return self._parse(sources)

    def _parse(self, sources: list[Source]) -> list[Parsed]:
        done: list[Parsed | None] = [None] * len(sources)
        given: dict[int, bytes] = {}  # bytes already read (to look a file up in what was shared)
        keys: dict[int, tuple[str, str, bytes]] = {}
        for i, src in enumerate(sources) if self.share else ():
            data = _bytes(src)
            if isinstance(data, Problem):
                done[i] = (None, [data])
                continue
            keys[i] = (src.kind, src.rel, hashlib.sha256(data).digest())
            done[i] = self._seen.get(keys[i])
            if done[i] is None:
                given[i] = data
        todo = [i for i, found in enumerate(done) if found is None]
        parallel = self.parallel if self.parallel is not None else len(todo) >= PARALLEL_FROM
        if parallel or self.cache.folder is not None:
            spans = runs([_name_hash(sources[i]) for i in todo], RUN)
            starts = [a for a, _ in spans]  # jobs of about 250 files, made of whole runs
            jobs = [spans[bisect_left(starts, a) : bisect_left(starts, b)]
                    for a, b in whole_runs(spans, max(1, min(250, len(todo) // 8)))]
            work = [partial(self._payloads, [[(sources[i], given.get(i)) for i in todo[a:b]] for a, b in job]) for job in jobs]
            for job, payloads in zip(jobs, results(work, parallel=parallel), strict=True):
                for (a, b), payload in zip(job, payloads, strict=True):
                    found = _trusted(payload, b - a) or [self._parsed(sources[i], given.get(i)) for i in todo[a:b]]
                    for i, parsed in zip(todo[a:b], found, strict=True):
                        done[i] = parsed
        else:
            for i in todo:
                done[i] = self._parsed(sources[i], given.get(i))
        for i, name in keys.items():
            self._seen[name] = done[i]  # type: ignore[assignment]
        return done  # type: ignore[return-value]

    @staticmethod
    def _parsed(src: Source, given: bytes | None) -> Parsed:
        data = _bytes(src) if given is None else given
        return (None, [data]) if isinstance(data, Problem) else parse_file(src.kind, src.rel, data)

    def _payloads(self, spans: list[list[tuple[Source, bytes | None]]]) -> list[bytes]:
        """One job (perhaps on a worker): each run's results pickled together, from the cache when it has them."""
        return [self._payload([(src, _bytes(src) if data is None else data) for src, data in files]) for files in spans]

    def _payload(self, files: list[tuple[Source, bytes | Problem]]) -> bytes:
        def make() -> bytes:
            return _pickled([(None, [data]) if isinstance(data, Problem) else parse_file(src.kind, src.rel, data)
                             for src, data in files])

        parts: list[str | bytes] = []
        for src, data in files:
            if isinstance(data, Problem):  # an unreadable file: nothing to cache
                return make()
            parts += (src.kind, src.rel, data)
        return self.cache.get_or_make("parse", cache_key("parse", PARSER, *parts), make)


RUN = 16
"""Files per entry of the parse cache, on average: one read, one digest and one unpickling per run
(strings shared between its files are unpickled once); a changed file parses its run again."""


def _name_hash(src: Source) -> str:
    """What decides where runs of files end (see generator.cache.runs): the file's name, not its bytes,
    so that the runs of unchanged files stay as they were when another file changes."""
    return hashlib.sha256(f"{src.kind}/{src.rel}".encode()).hexdigest()


def _pickled(parsed: list[Parsed]) -> bytes:
    return pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)


def _trusted(payload: bytes, count: int) -> list[Parsed] | None:
    """The ``count`` results of a run that this code pickled (its cache entry passed the digest check),
    or None when the payload is not that."""
    try:
        value = pickle.loads(payload)  # only our own entries, whose digest Cache verified
    except Exception:  # whatever went wrong, the files are parsed again
        return None
    if isinstance(value, list) and len(value) == count and all(
            isinstance(one, tuple) and len(one) == 2 and isinstance(one[1], list) for one in value):
        return value
    return None


class _Folder:
    """The catalogue's files on disk, found by one rule that names every file it does not read.

    Hidden files and folders (``.gitkeep``, ``.DS_Store``) are skipped; any other file in a
    folder of records must end in ``.yml``; a symbolic link is read only when it points to a
    file inside the catalogue (a link out of it could publish files from the machine that
    builds the site).
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def top(self, kind: str, rel: str) -> Source | Problem | None:
        """One of the files beside catalogue.yml (None: there is none)."""
        bad_link = _bad_link(self.root, self.root / rel)
        if bad_link:
            return bad_link
        return Source(kind, rel, os.path.join(self.root, rel)) if (self.root / rel).is_file() else None

    def records(self, kind: str, problems: list[Problem | Source]) -> list[Source]:
        """The ``*.yml`` files below the folder ``kind`` (laws, items …), in path order."""
        found: list[str] = []
        if (self.root / kind).is_dir():
            self._walk(kind, kind, problems, found)
        return [Source(kind, rel, os.path.join(self.root, rel)) for rel in sorted(found, key=lambda rel: rel.split("/"))]

    def _walk(self, sub: str, folder: str, problems: list[Problem | Source], found: list[str]) -> None:
        try:
            with os.scandir(self.root / folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            return  # (as os.walk: a folder that cannot be listed holds nothing)
        folders = []
        for entry in entries:
            if entry.is_dir() and not entry.name.startswith("."):
                if entry.is_symlink():
                    problems.append(P.SYMLINK.at(f"{folder}/{entry.name}", None, "", "folder"))
                else:
                    folders.append(entry.name)
        for entry in entries:
            rel = f"{folder}/{entry.name}"
            if entry.name.startswith(".") or entry.is_dir():
                continue
            if not entry.name.endswith(".yml"):
                problems.append(P.WRONG_EXTENSION.at(rel, None, "", sub=sub, name=_yml_name(entry.name)))
            elif entry.is_symlink() and (bad_link := _bad_link(self.root, self.root / rel)):
                problems.append(bad_link)
            else:
                found.append(rel)
        for name in folders:
            self._walk(sub, f"{folder}/{name}", problems, found)


class Snapshot:
    """A catalogue's files as bytes by their names inside it (a tree read from git: regular files only)."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def top(self, kind: str, rel: str) -> Source | None:
        return Source(kind, rel, data=self.files[rel]) if rel in self.files else None

    def records(self, kind: str, problems: list[Problem | Source]) -> list[Source]:
        """As on disk: hidden files and folders skipped, any other file must end in ``.yml``."""
        found = []
        for rel in sorted((rel for rel in self.files if rel.startswith(f"{kind}/")), key=lambda rel: rel.split("/")):
            parts = rel.split("/")
            if any(part.startswith(".") for part in parts):
                continue
            if not parts[-1].endswith(".yml"):
                problems.append(P.WRONG_EXTENSION.at(rel, None, "", sub=kind, name=_yml_name(parts[-1])))
                continue
            found.append(Source(kind, rel, data=self.files[rel]))
        return found


def _bad_link(root: Path, path: Path) -> Problem | None:
    """A symbolic link that is dangling or leads out of the catalogue: not read."""
    if not path.is_symlink():
        return None
    rel = path.relative_to(root).as_posix()
    target = path.resolve()
    if not target.is_file():
        return P.SYMLINK.at(rel, None, "", "dangling")
    if not target.is_relative_to(root.resolve()):
        return P.SYMLINK.at(rel, None, "")
    return None


def _yml_name(name: str) -> str:
    """``X.YML``, ``X.yaml``, ``X.yml.txt`` -> ``X.yml``."""
    stem = re.sub(r"(\.ya?ml)(\.[^.]*)?$", "", name, flags=re.IGNORECASE)
    return f"{stem}.yml"


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while records are made, and the records frozen after.

    They hold no cycles, and each collection walks every object made so far: while loading that
    was a fifth of a large catalogue's load and most of unpickling; after it, every later step of
    the command paid it again. (Garbage from before is collected first, so none is frozen.)
    """
    was_on = gc.isenabled()
    if was_on:
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.freeze()
            gc.enable()


def load(root: Path | Snapshot, files: FileParser | None = None) -> tuple[Catalogue | None, list[Problem]]:
    """Load a catalogue folder (or a snapshot of one). Returns ``None`` only when catalogue.yml is unusable."""
    if not isinstance(root, Snapshot) and not Path(root).is_dir():
        return None, [P.MISSING_FOLDER.at(str(root), None, "", root=root)]
    return _load(root if isinstance(root, Snapshot) else _Folder(Path(root)), files or FileParser())


def _load(tree: _Folder | Snapshot, files: FileParser) -> tuple[Catalogue | None, list[Problem]]:
    plan: list[Problem | Source] = []  # in the order of the problems
    for kind in ("catalogue", "departments", "townships", "categories", "removed"):
        rel = FILES[kind]
        found = tree.top(kind, rel)
        if found is not None:
            plan.append(found)
        elif kind == "catalogue":
            plan.append(P.MISSING_FILE.at(rel, None, "", "catalogue"))
        elif kind != "removed":
            plan.append(P.MISSING_FILE.at(rel, None, "", rel=rel))
    for kind in ("laws", "items", "assignments"):
        sources = tree.records(kind, plan)  # (its problems go first)
        plan += sources
    parsed = iter(files.parse([step for step in plan if isinstance(step, Source)]))
    problems: list[Problem] = []
    got: dict[str, list[Any]] = {kind: [] for kind in KINDS}
    for step in plan:
        if isinstance(step, Problem):
            problems.append(step)
            continue
        value, in_file = next(parsed)
        problems += in_file
        if isinstance(value, list):
            got[step.kind] += value
        elif value is not None:
            got[step.kind].append(value)
    if not got["items"] and not any(p.file.startswith("items/") for p in problems):
        problems.append(P.NO_ITEMS.at("items/", None, ""))
    if not got["catalogue"]:
        return None, problems
    items = sorted(got["items"], key=lambda i: i.code)
    assignments = sorted(got["assignments"], key=lambda a: a.id)
    return Catalogue(got["catalogue"][0], got["departments"], got["townships"], got["categories"], got["laws"], items,
                     got["removed"], assignments), problems
