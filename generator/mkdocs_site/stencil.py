"""Theme pages from a stencil: Material's chrome rendered once per kind of page, then filled.

Rendering Material's ``base.html`` costs ~40 ms a page, and for the thousands
of generated pages of one kind (items, laws, …) it gives the same chrome every
time: only the page's own values differ (content, title, dates, URL). So for
each group of such pages the theme is rendered once with marker strings in
place of those values, giving a stencil; each page is then the stencil with
its own values put back. A stencil is used only if filling it reproduces two
real pages of its group byte for byte (rendered the slow way), and only for
pages whose values read the same whatever filter the theme applies (no
``&<>"'``, no doubled whitespace): anything else is rendered normally.
tests/test_site.py and tests/test_site_large.py compare whole sites built
both ways.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from mkdocs.structure.pages import Page

MARK = "QDSLOT{}X"
_MARKS = re.compile(r"QDSLOT(\w+?)X")
_PLAIN = re.compile(r"[^&<>\"'\s]+(?: [^&<>\"'\s]+)*")
URL = "url"
CONTENT = "content"
VERIFY = 2  # real renders a stencil must reproduce before it is trusted
H1 = "<h1"  # Material adds a heading when the content has none: the probe's content keeps that answer


def group_key(page: Page, in_nav: bool) -> Hashable | None:
    """Pages of one key share their chrome but for their own values; None: never from a stencil."""
    if in_nav or not page.url or page.previous_page is not None or page.next_page is not None or not page.content:
        return None
    shape = tuple((k, "" if isinstance(v, str) else repr(v)) for k, v in page.meta.items())
    return page.url.count("/"), page.meta.get("qd_kind"), shape, bool(list(page.toc)), H1 in page.content


def _own(page: Page, varying: list[str]) -> dict[str, str] | None:
    """The page's own values by slot, or None if one would not read the same through every filter."""
    out = {URL: page.url, CONTENT: page.content or ""}
    out.update((f"m{i}", page.meta[key]) for i, key in enumerate(varying))
    return out if all(_PLAIN.fullmatch(v) for k, v in out.items() if k != CONTENT) else None


@dataclass
class Stencil:
    parts: list[str]  # literal, slot, literal, slot, …, literal
    varying: list[str]  # the meta keys that have a slot

    def fill(self, page: Page) -> str | None:
        """The page's HTML, or None when its values cannot go into a stencil."""
        own = _own(page, self.varying)
        if own is None:
            return None
        return "".join(part if i % 2 == 0 else own[part] for i, part in enumerate(self.parts))


def make(pages: list[Page], render: Callable[[Page], str]) -> Stencil | None:
    """A stencil for ``pages`` (one group), checked against real renders; None if it does not hold."""
    strings = [k for k, v in pages[0].meta.items() if isinstance(v, str)]
    varying = [k for k in strings if len({p.meta[k] for p in pages}) > 1]
    usable = [p for p in pages if _own(p, varying) is not None]
    if len(usable) < VERIFY + 2:
        return None
    probe = usable[0]
    url = probe.url
    saved = probe.content, dict(probe.meta)
    try:
        tail = H1 if H1 in (probe.content or "") else ""
        probe.content = MARK.format(CONTENT) + tail
        for i, key in enumerate(varying):
            probe.meta[key] = MARK.format(f"m{i}")
        html = render(probe)
    finally:
        probe.content, probe.meta = saved
    html = html.replace(MARK.format(CONTENT) + tail, MARK.format(CONTENT))
    parts = _MARKS.split(html.replace(url, MARK.format(URL)))
    slots = parts[1::2]
    if CONTENT not in slots or not set(slots) <= {URL, CONTENT, *(f"m{i}" for i in range(len(varying)))}:
        return None
    stencil = Stencil(parts, varying)
    for page in usable[1 : 1 + VERIFY]:
        if stencil.fill(page) != render(page):
            return None
    return stencil
