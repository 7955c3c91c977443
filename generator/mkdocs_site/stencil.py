"""Theme pages from a stencil: Material's chrome rendered once per kind of page, then filled.

Rendering Material's ``base.html`` costs ~40 ms a page, and for the thousands
of generated pages of one kind (items, laws, …) it gives the same chrome every
time: only the page's own values differ (content, title, dates, URL). So the
generated pages are grouped before MkDocs runs, from their files alone
(:func:`locate`: front matter, content and URL are all a raw page's theme
rendering depends on). Of each group only ``PROBES`` pages go through MkDocs:
one of them is rendered once more with marker strings in place of its values,
giving a stencil, which is trusted only if it reproduces all three byte
for byte; the rest of the group never reaches MkDocs and is filled from the
stencil (:mod:`generator.mkdocs_site.parallel`). Only pages whose values read
the same whatever filter the theme applies (no ``&<>"'``, no doubled
whitespace) join a group: anything else goes through MkDocs. A stencil is
bytes and a filled page's content is copied from its file's bytes as it is
(each file is read as text only once, when it is planned).
tests/test_site.py and tests/test_site_large.py compare whole sites built
both ways.
"""

from __future__ import annotations

import codecs
import functools
import json
import re
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from generator import cache

MARK = "QDSLOT{}X"
_MARKS = re.compile(r"QDSLOT(\w+?)X")
_PLAIN = re.compile(r"[^&<>\"'\s]+(?: [^&<>\"'\s]+)*")
URL = "url"
CONTENT = "content"
PROBES = 3  # pages of a group that MkDocs renders: one gives the stencil, which must reproduce all three
H1 = "<h1"  # Material adds a heading when the content has none: the probe's content keeps that answer
FRONT = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)  # MkDocs' own front matter pattern
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")  # JSON joins an escaped pair into one character, YAML does not


@dataclass(frozen=True)
class Source:
    """A generated page as MkDocs would read it (generator.pages.base.write_page), known before MkDocs runs."""

    url: str
    meta: dict[str, Any]
    content: str


def _simple(value: object) -> bool:
    """A front matter value that JSON and YAML read alike."""
    if isinstance(value, list):
        return all(isinstance(v, str) for v in value)
    return isinstance(value, str | bool | int)


_NOT_SURE = object()


@functools.lru_cache(maxsize=8192)
def _value(text: str) -> object:
    """A front matter line's value (lines repeat from page to page: ``qd_raw: true``, dates), or _NOT_SURE."""
    if _SURROGATE.search(text):
        return _NOT_SURE
    try:
        value = json.loads(text)
    except ValueError:
        return _NOT_SURE
    return tuple(value) if isinstance(value, list) else value  # kept here: a page gets a list of its own


def _meta(front: str) -> dict[str, Any] | None:
    """The front matter of a generated page (JSON-quoted values), or None if it is not one for sure."""
    meta: dict[str, Any] = {}
    for line in front.splitlines():
        key, sep, text = line.partition(": ")
        value = _value(text) if sep and key.isidentifier() else _NOT_SURE
        if value is _NOT_SURE:
            return None
        meta[key] = list(value) if isinstance(value, tuple) else value
    if meta.get("qd_raw") is not True or "qd_frame" in meta or "template" in meta or not all(map(_simple, meta.values())):
        return None
    return meta


def read(text: str, url: str) -> Source | None:
    """The raw page of a generated file (JSON-quoted front matter), or None if it is not one for sure."""
    found = FRONT.match(text)
    meta = _meta(found.group(1)) if found is not None else None
    if found is None or meta is None:
        return None
    return Source(url, meta, text[found.end():].strip())


@dataclass(frozen=True)
class Located:
    """A generated page as :func:`locate` finds it in its file's bytes: its content is ``data[start:stop]``."""

    page: Source  # with the content left out ("")
    key: Hashable | None  # the page's group_key
    start: int
    stop: int
    size: int  # of the file


def locate(data: bytes, url: str) -> Located | None:
    """What :func:`read` gives for MkDocs' text of a file holding ``data``, the content left where it is.

    None where that text might not be ``data`` decoded (a byte order mark or a carriage return, which
    MkDocs' text mode reads otherwise), for a file that is not UTF-8 (MkDocs reports it) and where
    :func:`read` gives None.
    """
    if data.startswith(codecs.BOM_UTF8) or b"\r" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    found = FRONT.match(text)
    meta = _meta(found.group(1)) if found is not None else None
    if found is None or meta is None:
        return None
    start, stop = found.end(), len(text)
    while start < stop and text[start].isspace():  # what str.strip takes, without copying the content
        start += 1
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    page = Source(url, meta, "")
    head, tail = len(text[:start].encode("utf-8")), len(text[stop:].encode("utf-8"))
    return Located(page, group_key(page, start < stop, text.find(H1, start, stop) >= 0), head, len(data) - tail, len(data))


def group_key(page: Source, has_content: bool, has_h1: bool) -> Hashable | None:
    """Pages of one key share their chrome but for their own values; None: never from a stencil.

    ``has_content``, ``has_h1``: whether the page's content is not empty, and holds ``H1``.
    """
    if not page.url or not has_content:
        return None
    shape = tuple((k, "" if isinstance(v, str) else repr(v)) for k, v in page.meta.items())
    return page.url.count("/"), page.meta.get("qd_kind"), shape, has_h1


def _own(page: Source, varying: list[str]) -> dict[str, str] | None:
    """The page's own values by slot, or None if one would not read the same through every filter."""
    out = {URL: page.url, CONTENT: page.content}
    out.update((f"m{i}", page.meta[key]) for i, key in enumerate(varying))
    return out if all(_PLAIN.fullmatch(v) for k, v in out.items() if k != CONTENT) else None


@dataclass
class Group:
    """Alike pages (by source path): ``probes`` go through MkDocs, ``rest`` are filled from their stencil."""

    probes: list[str]
    rest: list[str]
    varying: list[str]  # the meta keys whose values differ within the group: each has a slot


def plan(pages: dict[str, tuple[Hashable, Source]]) -> list[Group]:
    """The groups worth a stencil (more pages than probes) among ``pages`` (source path -> key, page).

    Planning needs no content: the key already says what it must about it.
    """
    by_key: dict[Hashable, list[str]] = {}
    for uri, (key, _) in pages.items():
        by_key.setdefault(key, []).append(uri)
    groups = []
    for uris in by_key.values():
        first = pages[uris[0]][1].meta
        varying = [k for k, v in first.items() if isinstance(v, str) and any(pages[u][1].meta[k] != v for u in uris)]
        usable = [u for u in uris if _own(pages[u][1], varying) is not None]
        if len(usable) > PROBES:
            groups.append(Group(usable[:PROBES], usable[PROBES:], varying))
    return groups


def utf8(text: str) -> bytes:
    """``text`` as MkDocs writes a page (a lone surrogate as a character reference)."""
    return text.encode("utf-8", errors="xmlcharrefreplace")


@dataclass
class Stencil:
    literals: list[bytes]  # the theme's page between the slots: literal, slot, literal, …, literal
    slots: list[str]
    varying: list[str]

    def key(self) -> str:
        """A cache key of the stencil: two stencils of one key fill every page alike."""
        return cache.key("stencil", repr((self.slots, self.varying)), *self.literals)

    def fill(self, page: Source, content: bytes) -> bytes:
        """The page's HTML as written, ``content`` being its content's bytes (its values are plain: it
        was planned into this stencil's group)."""
        own = {URL: utf8(page.url), CONTENT: content}
        own.update((f"m{i}", utf8(page.meta[key])) for i, key in enumerate(self.varying))
        pieces = [self.literals[0]]
        for slot, literal in zip(self.slots, self.literals[1:], strict=True):
            pieces += own[slot], literal
        return b"".join(pieces)


def markers(probe: Source, varying: list[str]) -> tuple[dict[str, Any], str]:
    """The first probe's meta and content with marker strings in place of its own values."""
    meta = dict(probe.meta)
    for i, key in enumerate(varying):
        meta[key] = MARK.format(f"m{i}")
    return meta, MARK.format(CONTENT) + (H1 if H1 in probe.content else "")


def make(probes: list[Source], varying: list[str], marked: str, real: list[str]) -> Stencil | None:
    """The stencil from ``marked`` (the first probe rendered with :func:`markers`); None unless
    filling it reproduces ``real`` (the probes, rendered as they are) byte for byte."""
    html = marked.replace(markers(probes[0], varying)[1], MARK.format(CONTENT))
    parts = _MARKS.split(html.replace(probes[0].url, MARK.format(URL)))
    slots = parts[1::2]
    if CONTENT not in slots or not set(slots) <= {URL, CONTENT, *(f"m{i}" for i in range(len(varying)))}:
        return None
    stencil = Stencil([utf8(part) for part in parts[::2]], slots, varying)
    if len(real) != len(probes):
        return None
    if any(stencil.fill(p, utf8(p.content)) != utf8(html) for p, html in zip(probes, real, strict=True)):
        return None
    return stencil
