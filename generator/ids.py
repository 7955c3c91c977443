"""Readable, stable ids for records the importers create from Chinese names.

With ``pypinyin`` (PyPI, MIT, ships its own dictionary, works offline) an id
is the name's pinyin — 城关镇 -> ``chengguan``, 县林业局 -> ``lyj`` — which is
what Chinese government sites use in their own URLs. Without it an id falls
back to a short hash of the name: still stable, just not readable. Ids are
written into the catalogue once, and later imports match records by name,
so an id never changes after it was first made.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

_NOT_LOADED: Any = object()
lazy_pinyin: Callable[..., list[str]] | None = _NOT_LOADED
"""pypinyin's converter, imported on first use: its dictionary takes a second or more to load,
which a command that makes no new id (import-law of a known law) should not pay."""

MAX_FULL = 32
"""Pinyin longer than this is shortened to initials (县自然资源和规划局 -> zrzyhghj)."""


def _pinyin(name: str, initials: bool) -> str:
    global lazy_pinyin
    if lazy_pinyin is _NOT_LOADED:
        try:
            from pypinyin import lazy_pinyin as converter
        except ImportError:  # pragma: no cover - optional dependency
            lazy_pinyin = None
        else:
            lazy_pinyin = converter
    if lazy_pinyin is None:
        return ""
    from pypinyin import Style

    style = Style.FIRST_LETTER if initials else Style.NORMAL
    parts = lazy_pinyin(name, style=style, errors="default")
    return re.sub(r"[^a-z0-9]+", "", "".join(parts).lower())


def slug(name: str, *, initials: bool = False, prefix: str = "x") -> str:
    """A slug for ``name``: pinyin (initials when asked, or when long), else a hash."""
    text = _pinyin(name, initials)
    if not initials and len(text) > MAX_FULL:
        text = _pinyin(name, True)
    if not text:
        ascii_part = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        text = ascii_part if ascii_part and ascii_part == name.lower() else f"{prefix}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"
    return text


def unique(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3`` … whichever is free; the result is added to ``taken``."""
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def department_id(name: str, jurisdiction: str, taken: set[str]) -> str:
    short = name.removeprefix(jurisdiction) if name.startswith(jurisdiction) else name.removeprefix("县")
    short = short or name
    return unique(slug(short, initials=True, prefix="dept"), taken)


def township_id(name: str, taken: set[str]) -> str:
    for suffix in ("街道办事处", "街道", "镇", "乡"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return unique(slug(name, prefix="town"), taken)


def category_id(name: str, taken: set[str]) -> str:
    return unique(slug(name, prefix="cat"), taken)


def law_id_for(title: str, taken: set[str]) -> str:
    short = re.sub(r"[（(][^）)]*[）)]", "", title).removeprefix("中华人民共和国") or title
    return unique(slug(short, prefix="law"), taken)
