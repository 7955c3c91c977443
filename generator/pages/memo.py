"""Per-item page bodies reused from the build cache, so a rebuild renders only the items that changed.

An item's pages (its page and its version pages) show the item, its versions and
records from the rest of the catalogue (departments, townships, categories, laws,
labels, assignments, removed ids, the county's settings) but never another item.
So an item's key is made of its own text, its versions and a digest of everything
except the items, and a cache entry of a run of items by their keys; :func:`generator.cache.key` mixes in the code's fingerprint,
templates included. The rest's text is its dataclass ``repr``: every field a page
can show is in it (``Located``'s file and line are not, and no page shows them).
An item's text is the digest of the file it was parsed from (``source_digest``,
set by generator.load.parse_file: the same digest, the same item, and no ``repr``
of 16,000 items before the writers fork), or its ``repr`` for an item made in
memory or edited (``dataclasses.replace`` does not copy the digest). Records are
never changed after loading. tests/test_cache.py edits each kind of file and
compares a rebuild that uses the cache with a build without one.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable, Iterator
from functools import partial

import jinja2

from generator.cache import Cache, key, runs, whole_runs
from generator.model import Catalogue, Item
from generator.parallel import CHUNK, chunks


class _Memo:
    """What :func:`context_digest` and :func:`item_key` worked out for one catalogue object."""

    def __init__(self, cat: Catalogue) -> None:
        held = id(cat)
        self.catalogue = weakref.ref(cat, lambda _: _MEMOS.pop(held, None))
        self.versions = cat.versions
        self.digest: str | None = None
        self.keys: dict[int, tuple[Item, str]] = {}
        """By id(item); the item is held so that its id is not reused while its key is here."""
        self.runs: list[tuple[int, int]] | None = None


_MEMOS: dict[int, _Memo] = {}
"""By id(catalogue); an entry goes with its catalogue (a long ``serve`` session loads many)."""


def _memo(cat: Catalogue) -> _Memo:
    memo = _MEMOS.get(id(cat))
    # Versions are read from git after the catalogue is loaded: keys worked out before then are not kept.
    if memo is None or memo.catalogue() is not cat or memo.versions is not cat.versions:
        memo = _MEMOS[id(cat)] = _Memo(cat)
    return memo


def context_digest(cat: Catalogue) -> str:
    """SHA-256 of everything ``cat`` holds except its items (worked out once per catalogue object)."""
    return _context_digest(cat, _memo(cat))


def _context_digest(cat: Catalogue, memo: _Memo) -> str:
    if memo.digest is None:
        text = repr((cat.identity, cat.departments, cat.townships, cat.categories, cat.laws, cat.removed, cat.assignments))
        memo.digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return memo.digest


def item_key(cat: Catalogue, item: Item) -> str:
    """The cache key of ``item``'s page bodies: the item, each of its versions (text and context), the rest.

    Worked out once per item and catalogue object (a few us apiece, and five writers ask for it):
    :func:`remember_keys` before the page writers fork leaves nothing for their workers to do.
    """
    memo = _memo(cat)
    held = memo.keys.get(id(item))
    if held is not None and held[0] is item:
        return held[1]
    name = _item_key(cat, item, _context_digest(cat, memo))
    memo.keys[id(item)] = (item, name)
    return name


def _item_key(cat: Catalogue, item: Item, rest: str) -> str:
    versions = cat.versions.get(item.code)
    if not versions:  # the one version versions_of makes: of the item and the catalogue's identity alone
        return key("item-pages", _text(item), rest)
    # A version that is the item itself (outside git, the only one) adds nothing to its text, and
    # nor does the change that approved it when that is its own last history entry (as a rule).
    return key("item-pages", _text(item), repr([
        ("=" if v.item is item else _text(v.item), rest if v.context is cat else context_digest(v.context), v.start,
         v.slug, "last" if v.item.history and v.change is v.item.history[-1] else repr(v.change), v.end, v.commit)
        for v in versions]), rest)


def _text(item: Item) -> str:
    """What an item's pages show of it: the digest of the file it was parsed from, else its ``repr``
    (an item made in memory, or an edited copy: ``dataclasses.replace`` leaves the digest out)."""
    return item.source_digest or repr(item)


def remember_keys(cat: Catalogue) -> None:
    """Work out every item's key in this process, so that forked workers inherit them (in this
    process: a pool forked for them from a large build cost more than it saved, 0.8 s against 0.5 s
    at 16,000 items)."""
    for item in cat.items:
        item_key(cat, item)


def item_pages(env: jinja2.Environment, kind: str, cat: Catalogue, start: int, stop: int,
               make: Callable[[Item], list[bytes]]) -> Iterator[tuple[Item, list[bytes]]]:
    """Each item of ``cat.items[start:stop]`` with ``make(item)`` (its pages of one ``kind``, as bytes),
    or what that made for the same inputs in an earlier build.

    The build cache holds a run of items in one entry (see :func:`job_bounds`): a file read
    and a digest per run, not per page, and a cold build writes one file per run.
    """
    cache = _cache_of(env)
    if cache.folder is None:  # nothing to look up: no key to work out
        for item in cat.items[start:stop]:
            yield item, make(item)
        return
    for a, b in _runs(cat, start, stop):
        items = cat.items[a:b]
        name = key(*(item_key(cat, item) for item in items))
        packed = _unpack(cache.get_or_make(f"pages-{kind}", name, partial(_made, items, make)))
        made = [_unpack(part) for part in packed] if packed is not None and len(packed) == len(items) else []
        yield from zip(items, made if made and None not in made else [make(item) for item in items], strict=True)


def _made(items: list[Item], make: Callable[[Item], list[bytes]]) -> bytes:
    return _pack([_pack(make(item)) for item in items])


def job_bounds(env: jinja2.Environment, cat: Catalogue, size: int = CHUNK) -> list[tuple[int, int]]:
    """``(start, stop)`` of the page writers' jobs over ``cat.items``: about ``size`` items each,
    made of whole runs of items that share a cache entry when there is a cache.

    Runs are :func:`generator.cache.runs` of the item keys: an added, removed or changed item
    changes its own run only, and the other runs' entries are still found.
    """
    if _cache_of(env).folder is None:
        return chunks(len(cat.items), size)
    return whole_runs(_runs(cat, 0, len(cat.items)), size)


def item_runs(env: jinja2.Environment, cat: Catalogue, start: int, stop: int) -> list[tuple[int, int]]:
    """The runs of items that share a cache entry within ``start:stop`` (a job's bounds: :func:`job_bounds`),
    each to be passed whole to :func:`item_pages`; without a cache, ``start:stop`` itself."""
    return _runs(cat, start, stop) if _cache_of(env).folder is not None else [(start, stop)]


RUN = 16
"""Items per cache entry of their pages, on average (remade together when one of them changes)."""


def _runs(cat: Catalogue, start: int, stop: int) -> list[tuple[int, int]]:
    """The runs of items (see :func:`job_bounds`) within ``start:stop``."""
    memo = _memo(cat)
    if memo.runs is None:
        memo.runs = runs([item_key(cat, item) for item in cat.items], RUN)
    return [(max(a, start), min(b, stop)) for a, b in memo.runs if a < stop and b > start]


def _cache_of(env: jinja2.Environment) -> Cache:
    cache = env.globals["build_cache"]
    assert isinstance(cache, Cache)  # set by generator.pages.write_pages
    return cache


def _pack(parts: list[bytes]) -> bytes:
    """``parts``, each after its length (never empty, as a cache entry must not be)."""
    return len(parts).to_bytes(4, "big") + b"".join(len(part).to_bytes(4, "big") + part for part in parts)


def _unpack(packed: bytes) -> list[bytes] | None:
    """What :func:`_pack` packed; None if ``packed`` is not of its making."""
    parts, at = [], 4
    for _ in range(int.from_bytes(packed[:4], "big")):
        size = int.from_bytes(packed[at : at + 4], "big")
        if at + 4 + size > len(packed):
            return None
        parts.append(packed[at + 4 : at + 4 + size])
        at += 4 + size
    return parts if at == len(packed) else None
