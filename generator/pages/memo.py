"""Per-item page bodies reused from the build cache, so a rebuild renders only the items that changed.

An item's pages (its page and its version pages) show the item, its versions and
records from the rest of the catalogue (departments, townships, categories, laws,
labels, assignments, removed ids, the county's settings) but never another item.
So a body is keyed by the item's own text, its versions and a digest of everything
except the items; :func:`generator.cache.key` mixes in the code's fingerprint,
templates included. The inputs' text is their dataclass ``repr``: every field a
page can show is in it (``Located``'s file and line are not, and no page shows
them). tests/test_cache.py edits each kind of file and compares a rebuild that
uses the cache with a build without one.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable

import jinja2

from generator.cache import Cache, key
from generator.model import Catalogue, Item

_CONTEXT: dict[int, tuple[weakref.ref[Catalogue], str]] = {}


def context_digest(cat: Catalogue) -> str:
    """SHA-256 of everything ``cat`` holds except its items (worked out once per catalogue object)."""
    held = _CONTEXT.get(id(cat))
    if held is not None and held[0]() is cat:
        return held[1]
    text = repr((cat.identity, cat.departments, cat.townships, cat.categories, cat.laws, cat.removed, cat.assignments))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    _CONTEXT[id(cat)] = (weakref.ref(cat), digest)
    return digest


def item_key(cat: Catalogue, item: Item) -> str:
    """The cache key of ``item``'s page bodies: the item, each of its versions (text and context), the rest."""
    # A version that is the item itself (outside git, the only one) adds nothing to repr(item).
    versions = [("=" if v.item is item else repr(v.item), context_digest(v.context), v.start, v.slug, repr(v.change), v.end, v.commit)
                for v in cat.versions_of(item)]
    return key("item-pages", repr(item), repr(versions), context_digest(cat))


def item_body(env: jinja2.Environment, kind: str, cat: Catalogue, item: Item, make: Callable[[], str], part: str = "") -> str:
    """``make()``, or what it made for the same inputs in an earlier build (``kind`` and ``part``: which page)."""
    cache = env.globals["build_cache"]
    assert isinstance(cache, Cache)  # set by generator.pages.write_pages
    if cache.folder is None:  # nothing to look up: no key to work out
        return make()
    name = key(item_key(cat, item), part)
    return cache.get_or_make(f"body-{kind}", name, lambda: make().encode("utf-8")).decode("utf-8")
