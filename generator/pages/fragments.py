"""Per-item HTML that list pages repeat thousands of times: table rows, and how such pages are put together.

Rendered here in Python, not by a Jinja macro per row: at 16,000 items the township pages alone hold
170,000 rows, and a macro call per row cost several seconds. Every value is escaped with markupsafe,
as Jinja's autoescape does (same bytes), because catalogue text is text, never HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import jinja2
from markupsafe import Markup, escape

from generator.cache import Cache, key, runs
from generator.model import KINDS, Catalogue, Item, Township
from generator.pages.base import lead_label
from generator.pages.memo import item_key

RUN = 256
"""Items per cache entry of their list fragments, on average: a list page needs every item's, so few
large entries (a read each) rather than many small ones; remaking 256 rows is quicker than a read."""


def kind_badges(env: jinja2.Environment) -> dict[str, str]:
    """The kind badge of _macros.html for each kind, rendered once."""
    badge = env.get_template("_macros.html").module.kind_badge  # type: ignore[attr-defined]
    return {kind: str(badge(kind)) for kind in KINDS}


def all_items_row(cat: Catalogue, item: Item, badges: dict[str, str]) -> bytes:
    """The item's row of /items/ (UTF-8, with its line end): its data for the table's filters, then
    code, linked name, category, kind and who leads."""
    depts = " ".join(d.department for d in item.departments if d.department in cat.department)
    towns = "all" if item.townships == "all" else " ".join(item.townships)
    code = escape(item.code)
    return (f'<tr data-kind="{escape(item.responsibility)}" data-category="{escape(item.category)}" data-department="{escape(depts)}"'
            f' data-township="{escape(towns)}"><td class="qd-code">{code}</td><td><a href="{code}/">{escape(item.name)}</a></td>'
            f"<td>{escape(cat.category[item.category].name)}</td><td>{badges[item.responsibility]}</td>"
            f"<td>{escape(lead_label(cat, item))}</td></tr>\n").encode()


class ItemRows:
    """Table rows of items for pages at one depth (``root``), each item's shared cells escaped once."""

    def __init__(self, cat: Catalogue, env: jinja2.Environment, root: str) -> None:
        self.cat = cat
        self.root = str(escape(root))
        self.badges = kind_badges(env)
        self.cells: dict[str, str] = {}
        self.town_contacts: dict[tuple[str, str | None], bytes] = {}

    def head_cells(self, item: Item) -> str:
        """Code, linked name and kind: the same in every table of items."""
        cells = self.cells.get(item.code)
        if cells is None:
            code = escape(item.code)
            cells = self.cells[item.code] = (
                f'<td class="qd-code">{code}</td><td><a href="{self.root}items/{code}/">{escape(item.name)}</a></td>'
                f"<td>{self.badges[item.responsibility]}</td>")
        return cells

    def item_row(self, item: Item) -> bytes:
        """A row of a category or department table: who leads, in general (UTF-8)."""
        return f"<tr>{self.head_cells(item)}<td>{escape(lead_label(self.cat, item))}</td></tr>".encode()

    def county_row(self, item: Item) -> bytes:
        """A 配合/收回 item's row of a township's answer table, the same on every township page: its lead
        department and that department's phone; UTF-8, with its line end (a township's table is megabytes)."""
        dept = self.cat.department.get(item.lead_department or "")
        return self.township_head(item) + self.contact_cells(lead_label(self.cat, item), dept.phone if dept else None)

    def township_head(self, item: Item) -> bytes:
        """A township row up to its contact: the row id is the item code, so an item page can link
        to its line on each township page."""
        return f'<tr id="{escape(item.code)}">{self.head_cells(item)}'.encode()

    def town_cells(self, item: Item, township: Township) -> bytes:
        """Who leads a 基本履职 item in ``township`` and whom to call, and the row's end: alike on
        every row of the township's page that names the same office (lead_label's only other input)."""
        office = item.township.office if item.township else None
        cells = self.town_contacts.get((township.id, office))
        if cells is None:
            cells = self.town_contacts[township.id, office] = self.contact_cells(lead_label(self.cat, item, township), township.phone)
        return cells

    @staticmethod
    def contact_cells(lead: str, phone: str | None) -> bytes:
        """Who leads and whom to call, and the row's end."""
        return f'<td>{escape(lead)}</td><td class="qd-phone">{escape(phone or "")}</td></tr>\n'.encode()


def cached_parts(env: jinja2.Environment, cat: Catalogue, kind: str, items: Sequence[Item],
                 make: Callable[[Item], Sequence[bytes]], width: int) -> list[Sequence[bytes]]:
    """``make(item)`` (``width`` pieces of a list page's HTML, UTF-8) for each of ``items``, or what it
    made in an earlier build for the same item keys (:func:`generator.pages.memo.item_key`: the item,
    its versions, everything but the items, the code and its templates).

    Runs of items (:func:`generator.cache.runs` of their keys) share an entry: an approved change
    remakes its item's run only. An entry's pieces are separated by NUL, so a piece that holds one
    (never an escaped catalogue text in practice) makes its run's count wrong: made again, not trusted.
    """
    cache = env.globals.get("build_cache")  # set by generator.pages.write_pages
    if not isinstance(cache, Cache) or cache.folder is None:
        return [make(item) for item in items]
    keys = [item_key(cat, item) for item in items]
    out: list[Sequence[bytes]] = []
    for a, b in runs(keys, RUN):
        run = items[a:b]

        def made(run: Sequence[Item] = run) -> bytes:
            return b"\0".join(piece for item in run for piece in make(item))

        pieces = cache.get_or_make(f"parts-{kind}", key(kind, *keys[a:b]), made).split(b"\0")
        if len(pieces) != width * len(run):
            out += [make(item) for item in run]
            continue
        out += [pieces[n : n + width] for n in range(0, len(pieces), width)]
    return out


SLOT = Markup("<qd-slot>")
"""Where :func:`spliced` puts a block into a rendered page: never in rendered text otherwise (catalogue
text is escaped, so a raw ``<`` comes from a template, and no template writes this)."""


def spliced(html: str, blocks: list[bytes]) -> bytes:
    """``html`` (a page rendered with :data:`SLOT` in place of each block) as UTF-8 with the blocks put
    in, in order: a township's megabytes of rows are joined as bytes, never decoded and encoded again."""
    parts = html.encode("utf-8").split(SLOT.encode())
    assert len(parts) == len(blocks) + 1, "a slot of the page is missing or repeated"
    out = [parts[0]]
    for block, part in zip(blocks, parts[1:], strict=True):
        out += (block, part)
    return b"".join(out)
