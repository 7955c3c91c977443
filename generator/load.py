"""Catalogue folder -> model, collecting every problem instead of stopping.

Files are found by one rule (``_yaml_files``), read as bytes and parsed by
:func:`parse_file`, a pure function of a file's kind, name and bytes (shape
checks in ``records``; rules that span records live in ``validate``). A
:class:`FileParser` parses many files at once: on forked workers for a large
catalogue, from the build cache when it has one (a file's result is keyed by
its bytes, so a rebuild after a one-file change parses one file), and once for
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from generator import problems as P
from generator.cache import Cache
from generator.cache import key as cache_key
from generator.model import Assignment, Catalogue, Category, Department, Identity, Item, Law, Removed, Township
from generator.parallel import chunks, results
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
    """The file ``rel`` of ``kind`` (a key of KINDS), given as bytes."""
    cls, many = KINDS[kind]
    problems: list[Problem] = []
    value = read_records(data, rel, cls, problems) if many else read_record(data, rel, cls, problems)
    return value, problems


@dataclass(frozen=True)
class Source:
    """One file to parse: its kind, its name inside the catalogue, where it is."""

    kind: str
    rel: str
    path: Path


def _bytes(src: Source) -> bytes | Problem:
    try:
        return src.path.read_bytes()
    except OSError as exc:
        return P.UNREADABLE_FILE.at(src.rel, None, "", reason=exc.strerror or exc)


class FileParser:
    """Parses catalogue files (see the module's docstring); one parser may serve several loads.

    ``cache``: the build cache (parsed files are stored pickled under ``parse/``, named by
    the file's kind, name and bytes and the code that parses them; an entry that is missing
    or fails its digest is parsed again). ``share``: remember each file's result by its bytes
    for the next load through this parser. ``parallel``: None decides by the number of files.
    """

    def __init__(self, cache: Cache | None = None, *, share: bool = False, parallel: bool | None = None) -> None:
        self.cache = cache or Cache(None)
        self.share = share
        self.parallel = parallel
        self._seen: dict[tuple[str, str, bytes], Parsed] = {}

    def parse(self, sources: list[Source]) -> list[Parsed]:
        """Each source's result, in order."""
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
            bounds = chunks(len(todo), max(1, min(250, len(todo) // 8)))
            jobs = [partial(self._payloads, [(sources[i], given.get(i)) for i in todo[a:b]]) for a, b in bounds]
            for (a, b), payloads in zip(bounds, results(jobs, parallel=parallel), strict=True):
                for i, payload in zip(todo[a:b], payloads, strict=True):
                    done[i] = _trusted(payload) or self._parsed(sources[i], given.get(i))
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

    def _payloads(self, files: list[tuple[Source, bytes | None]]) -> list[bytes]:
        """One job (perhaps on a worker): each file's result pickled, from the cache when it has it."""
        return [self._payload(src, _bytes(src) if data is None else data) for src, data in files]

    def _payload(self, src: Source, data: bytes | Problem) -> bytes:
        if isinstance(data, Problem):  # an unreadable file: nothing to cache
            return _pickled((None, [data]))
        name = cache_key("parse", PARSER, src.kind, src.rel, data)
        return self.cache.get_or_make("parse", name, lambda: _pickled(parse_file(src.kind, src.rel, data)))


def _pickled(parsed: Parsed) -> bytes:
    return pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)


def _trusted(payload: bytes) -> Parsed | None:
    """A payload this code pickled (its cache entry passed the digest check), or None when it is not one."""
    try:
        value = pickle.loads(payload)  # only our own entries, whose digest Cache verified
    except Exception:  # whatever went wrong, the file is parsed again
        return None
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], list):
        return value
    return None


def _yaml_files(root: Path, sub: str, problems: list[Problem | Source]) -> list[Path]:
    """The ``*.yml`` files below ``root/sub``, by one rule that names every file it does not read.

    Hidden files and folders (``.gitkeep``, ``.DS_Store``) are skipped; any other file must end
    in ``.yml``; a symbolic link is read only when it points to a file inside the catalogue
    (a link out of it could publish files from the machine that builds the site).
    """
    folder = root / sub
    if not folder.is_dir():
        return []
    found = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(dirs):
            path = Path(top) / name
            if path.is_symlink():
                dirs.remove(name)
                problems.append(P.SYMLINK.at(path.relative_to(root).as_posix(), None, "", "folder"))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(top) / name
            rel = path.relative_to(root).as_posix()
            if not name.endswith(".yml"):
                problems.append(P.WRONG_EXTENSION.at(rel, None, "", sub=sub, name=_yml_name(name)))
                continue
            bad_link = _bad_link(root, path)
            if bad_link:
                problems.append(bad_link)
                continue
            found.append(path)
    return sorted(found)


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
    """Python's cycle collector off while records are made: they hold no cycles, and each collection
    would walk every object made so far (a fifth of a large catalogue's load, most of unpickling)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def load(root: Path, files: FileParser | None = None) -> tuple[Catalogue | None, list[Problem]]:
    """Load a catalogue folder. Returns ``None`` only when catalogue.yml is unusable."""
    with _collector_paused():
        return _load(Path(root), files or FileParser())


def _load(root: Path, files: FileParser) -> tuple[Catalogue | None, list[Problem]]:
    if not root.is_dir():
        return None, [P.MISSING_FOLDER.at(str(root), None, "", root=root)]
    plan: list[Problem | Source] = []  # in the order of the problems
    bad_link = _bad_link(root, root / FILES["catalogue"])
    if bad_link:
        plan.append(bad_link)
    elif (root / FILES["catalogue"]).is_file():
        plan.append(Source("catalogue", FILES["catalogue"], root / FILES["catalogue"]))
    else:
        plan.append(P.MISSING_FILE.at(FILES["catalogue"], None, "", "catalogue"))
    for kind in ("departments", "townships", "categories", "removed"):
        rel = FILES[kind]
        bad_link = _bad_link(root, root / rel)
        if bad_link:
            plan.append(bad_link)
        elif (root / rel).is_file():
            plan.append(Source(kind, rel, root / rel))
        elif kind != "removed":
            plan.append(P.MISSING_FILE.at(rel, None, "", rel=rel))
    for kind in ("laws", "items", "assignments"):
        found = _yaml_files(root, kind, plan)  # (its problems go first)
        plan += [Source(kind, path.relative_to(root).as_posix(), path) for path in found]
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
