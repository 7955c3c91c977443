"""Every approved version of every item, read from the catalogue's git history.

The build calls :func:`read_versions` once; it returns each item's versions (by
current code, oldest first) for ``Catalogue.versions``. Outside git, or when git
is missing, it returns ``{}`` and every item has one version (``versions_of``).

How the history is read (plumbing, no checkout):

- ``git log --first-parent`` over the catalogue folder: on the main line every
  approved change is one commit (a merge of a reviewed pull request, or a plain
  commit); the commits inside a merged branch were never published.
- An item is followed through its **codes**, not its file name: a file
  ``items/**/<code>.yml`` at any commit belongs to the current item whose code or
  ``formerly`` list holds that code (codes are never reused), so recodes and
  moves between sub-folders keep one history even when git sees no rename.
- Each distinct content of the item is a version. It is dated by its own last
  ``history`` entry when that entry is new (the approval date and document),
  otherwise by the commit date (an editorial change with no new approval).
- A version shows the laws, departments, townships and categories as they stood
  at its commit, so its article texts are those it then cited; a record missing
  at that commit is taken from today's catalogue.
- Uncommitted edits in the working tree are one more (last) version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

from generator.load import FILES, FileParser, Source
from generator.model import (
    Catalogue,
    Category,
    Department,
    Identity,
    Item,
    Law,
    Township,
    Version,
)
from generator.problems import Problem
from generator.records import read_record, read_records

REFERENCE_FILES = set(FILES.values())


@dataclass
class Commit:
    sha: str
    day: date
    changes: list[tuple[str, str | None]] = field(default_factory=list)
    """(path inside the catalogue folder, new blob id or None when deleted)."""


class _Git:
    def __init__(self, top: Path) -> None:
        self.top = top

    def run(self, *args: str, stdin: bytes | None = None) -> bytes | None:
        try:
            done = subprocess.run(["git", "-C", str(self.top), *args], input=stdin, capture_output=True, check=False)
        except OSError:
            return None
        return done.stdout if done.returncode == 0 else None

    def blobs(self, oids: list[str]) -> dict[str, bytes]:
        """Many blobs in one ``git cat-file --batch`` call."""
        if not oids:
            return {}
        out = self.run("cat-file", "--batch", stdin="".join(f"{o}\n" for o in oids).encode())
        if out is None:
            return {}
        found: dict[str, bytes] = {}
        pos = 0
        for oid in oids:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            if len(header) < 3:  # "<oid> missing"
                pos = end + 1
                continue
            size = int(header[2])
            found[oid] = out[end + 1 : end + 1 + size]
            pos = end + 1 + size + 1
        return found


def _locate(folder: Path) -> tuple[_Git, str] | None:
    """The repository holding ``folder`` and the folder's path inside it ("" at the root)."""
    try:
        done = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel", "--show-prefix"],
                              capture_output=True, text=True, check=False)
    except OSError:
        return None
    if done.returncode != 0:
        return None
    lines = done.stdout.split("\n")
    return _Git(Path(lines[0])), (lines[1] if len(lines) > 1 else "")


def commits(git: _Git, prefix: str) -> list[Commit]:
    """Main-line commits touching the catalogue, oldest first, with the files each changed."""
    out = git.run("log", "--first-parent", "--reverse", "--diff-merges=first-parent", "--raw", "--no-renames",
                  "--no-abbrev", "-z", "--format=%x01%H %cs", "--", prefix or ".")
    if not out:
        return []
    found = []
    for chunk in out.split(b"\x01")[1:]:
        head, _, rest = chunk.partition(b"\0")
        sha, day = head.decode().split()
        commit = Commit(sha, date.fromisoformat(day))
        parts = rest.lstrip(b"\n").split(b"\0")
        for meta, path in zip(parts[0::2], parts[1::2], strict=False):  # the output ends with a lone ""
            fields = meta.decode().split()
            if len(fields) < 5:
                continue
            rel = path.decode("utf-8", "surrogateescape")[len(prefix):]
            commit.changes.append((rel, None if fields[4].startswith("D") else fields[3]))
        found.append(commit)
    return found


def blob_id(data: bytes) -> str:
    """git's object id of a file's bytes (to recognise the working tree's unchanged files)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


# ---------------------------------------------------------------- reference data at a commit


class _Contexts:
    """The laws, departments, townships and categories at each state, parsed once per blob."""

    def __init__(self, git: _Git, cat: Catalogue, warn: Callable[[str], None]) -> None:
        self.git, self.cat, self.warn = git, cat, warn
        self.made: dict[tuple[tuple[str, str], ...], Catalogue] = {}
        self.parsed: dict[tuple[str, str], object] = {}

    def _parse(self, rel: str, oid: str, data: bytes) -> object:
        problems: list[Problem] = []  # an old text is shown as it is; only an unreadable one is reported
        if rel == FILES["catalogue"]:
            return read_record(data, rel, Identity, problems)
        cls = {FILES["departments"]: Department, FILES["townships"]: Township, FILES["categories"]: Category}.get(rel)
        if cls is not None:
            return read_records(data, rel, cls, problems)
        return read_record(data, rel, Law, problems)

    def of(self, state: tuple[tuple[str, str], ...]) -> Catalogue:
        if state in self.made:
            return self.made[state]
        todo = [(rel, oid) for rel, oid in state if (rel, oid) not in self.parsed]
        data = self.git.blobs([oid for _, oid in todo])
        for rel, oid in todo:
            self.parsed[(rel, oid)] = self._parse(rel, oid, data[oid]) if oid in data else None
        got = {rel: self.parsed[(rel, oid)] for rel, oid in state}
        now = self.cat
        identity = got.get(FILES["catalogue"])
        identity = dataclasses.replace(identity, site_url=now.identity.site_url) if isinstance(identity, Identity) else now.identity

        def merged(rel: str, current: list) -> list:  # type: ignore[type-arg]
            then = got.get(rel)
            records = list(then) if isinstance(then, list) else []
            have = {r.id for r in records}
            return records + [r for r in current if r.id not in have]

        laws = [law for rel, law in got.items() if rel.startswith("laws/") and isinstance(law, Law)]
        have = {law.id for law in laws}
        laws += [law for law in now.laws if law.id not in have]
        ctx = Catalogue(identity, merged(FILES["departments"], now.departments), merged(FILES["townships"], now.townships),
                        merged(FILES["categories"], now.categories), sorted(laws, key=lambda law: law.id), [])
        self.made[state] = ctx
        return ctx


# ---------------------------------------------------------------- items


def _owners(cat: Catalogue) -> dict[str, Item]:
    """Every code an item ever had -> the current item."""
    owner: dict[str, Item] = {}
    for item in cat.items:
        for code in [item.code, *item.formerly]:
            owner.setdefault(code, item)
    return owner


def _representative(item: Item, present: dict[str, str]) -> str | None:
    """The blob standing for ``item`` at a commit: its current code's file, else its latest former code's."""
    for code in [item.code, *reversed(item.formerly)]:
        if code in present:
            return present[code]
    return None


def read_versions(cat: Catalogue, folder: Path, warn: Callable[[str], None] | None = None,
                  parser: FileParser | None = None) -> dict[str, list[Version]]:
    """Each item's versions from the git history of ``folder`` (the catalogue); ``{}`` outside git.

    ``parser`` parses the earlier texts (a build passes the parser of its check: with the build's
    cache, an earlier text is parsed once, not on every build).
    """
    say = warn or (lambda text: print(text, file=sys.stderr))
    where = _locate(Path(folder))
    if where is None:
        return {}
    git, prefix = where
    history = commits(git, prefix)
    if not history:
        return {}
    if (git.run("rev-parse", "--is-shallow-repository") or b"").strip() == b"true":
        say("提示：这是浅克隆（shallow clone），git 历史不完整，事项的早期版本不会出现在网站上；"
            "流水线中请取完整历史（如 GitHub Actions 的 fetch-depth: 0）。")
    owner = _owners(cat)
    files: dict[str, str] = {}  # path -> blob at the current commit
    present: dict[str, str] = {}  # code -> blob
    timeline: dict[str, list[tuple[int, str]]] = {}  # current code -> (commit index, blob)
    states: list[tuple[tuple[str, str], ...]] = []
    ref_state: tuple[tuple[str, str], ...] = ()
    for index, commit in enumerate(history):
        touched: set[str] = set()
        ref_changed = False
        for rel, oid in commit.changes:
            if oid is None:
                files.pop(rel, None)
            else:
                files[rel] = oid
            path = PurePosixPath(rel)
            if rel.startswith("items/") and path.suffix == ".yml":
                code = path.stem
                same = sorted(p for p in files if p.startswith("items/") and PurePosixPath(p).stem == code) if oid is None else [rel]
                if same:
                    present[code] = files[same[0]]
                else:
                    present.pop(code, None)
                if code in owner:
                    touched.add(owner[code].code)
            elif rel in REFERENCE_FILES or (rel.startswith("laws/") and path.suffix == ".yml"):
                ref_changed = True
        if ref_changed or not states:
            ref_state = tuple(sorted((p, o) for p, o in files.items() if p in REFERENCE_FILES or p.startswith("laws/")))
        states.append(ref_state)
        for code in touched:
            blob = _representative(cat.item[code], present)
            line = timeline.setdefault(code, [])
            if blob is not None and (not line or line[-1][1] != blob):
                line.append((index, blob))
    return _versions(cat, Path(folder), git, history, states, timeline, say, parser or FileParser())


def _versions(cat: Catalogue, folder: Path, git: _Git, history: list[Commit], states: list[tuple[tuple[str, str], ...]],
              timeline: dict[str, list[tuple[int, str]]], say: Callable[[str], None], parser: FileParser) -> dict[str, list[Version]]:
    # Blobs equal to the working tree are the loaded items themselves: no need to read them again.
    current_blob = {}
    for item in cat.items:
        try:
            current_blob[item.code] = blob_id((folder / item.file).read_bytes())
        except OSError:
            pass
    wanted = sorted({oid for code, line in timeline.items() for _, oid in line if oid != current_blob.get(code)})
    data = git.blobs(wanted)
    earlier = sorted({(code, oid) for code, line in timeline.items() for _, oid in line if oid != current_blob.get(code) and oid in data})
    parsed = parser.parse([Source("items", f"items/{code}.yml", data=data[oid]) for code, oid in earlier])
    texts_of: dict[tuple[str, str], Item | None] = {key: value for key, (value, _) in zip(earlier, parsed, strict=True)}
    contexts = _Contexts(git, cat, say)
    out: dict[str, list[Version]] = {}
    for item in cat.items:
        texts: list[tuple[Item, int | None]] = []
        for index, oid in timeline.get(item.code, []):
            if oid == current_blob.get(item.code):
                texts.append((item, index))
                continue
            then = texts_of.get((item.code, oid))  # an old text is shown as it is; only an unreadable one is reported
            if then is None or not then.history:
                say(f"提示：事项 {item.code} 在提交 {history[index].sha[:10]} 的文本无法读取，该版本未列出。")
                continue
            texts.append((then, index))
        if not texts or texts[-1][0] != item:
            texts.append((item, None))  # uncommitted edits, or no history under this folder
        out[item.code] = _dated(cat, item, texts, history, states, contexts, say)
    return out


def _dated(cat: Catalogue, item: Item, texts: list[tuple[Item, int | None]], history: list[Commit],
           states: list[tuple[tuple[str, str], ...]], contexts: _Contexts, say: Callable[[str], None]) -> list[Version]:
    versions: list[Version] = []
    used: set[str] = set()
    for then, index in texts:
        if versions and then == versions[-1].item:
            continue  # the same content again (e.g. a file moved back and forth)
        ctx = contexts.of(states[index]) if index is not None else cat
        missing = [c.law for c in then.basis if c.law not in ctx.law]
        if missing:
            say(f"提示：事项 {item.code} 的一个早期版本引用的法规 {'、'.join(missing)} 已不存在，该版本未列出。")
            continue
        last = then.history[-1]
        new_entry = not versions or last != versions[-1].item.history[-1]
        if new_entry:
            start, change = last.date, last
        else:
            start, change = history[index].day if index is not None else versions[-1].start, None
        if versions and start < versions[-1].start:
            start = versions[-1].start  # keep the ranges in order when dates disagree with the commit order
        slug, n = start.isoformat(), 1
        while slug in used:
            n += 1
            slug = f"{start.isoformat()}-{n}"
        used.add(slug)
        if versions:
            versions[-1].end = start
        versions.append(Version(then, ctx, start, slug, change, commit=history[index].sha if index is not None else None))
    return versions
