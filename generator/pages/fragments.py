"""Per-item HTML that list pages repeat thousands of times: table rows and handbook contents entries.

Rendered here in Python, not by a Jinja macro per row: at 16,000 items the township pages alone hold
170,000 rows, and a macro call per row cost several seconds. Every value is escaped with markupsafe,
as Jinja's autoescape does (same bytes), because catalogue text is text, never HTML.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup, escape

from generator.model import Catalogue, Item, Township
from generator.pages.base import lead_label


class ItemRows:
    """Table rows of items for pages at one depth (``root``), each item's shared cells escaped once."""

    def __init__(self, cat: Catalogue, env: jinja2.Environment, root: str) -> None:
        self.cat = cat
        self.root = str(escape(root))
        self.kind_badge = env.get_template("_macros.html").module.kind_badge  # type: ignore[attr-defined]
        self.badges: dict[str, str] = {}
        self.cells: dict[str, str] = {}
        self.item_rows: dict[str, Markup] = {}
        self.county_rows: dict[str, str] = {}
        self.township_heads: dict[str, str] = {}
        self.contacts: dict[tuple[str, str | None], str] = {}
        self.town_contacts: dict[tuple[str, str | None], str] = {}

    def badge(self, kind: str) -> str:
        """The one kind badge of _macros.html, rendered once per kind."""
        if kind not in self.badges:
            self.badges[kind] = str(self.kind_badge(kind))
        return self.badges[kind]

    def head_cells(self, item: Item) -> str:
        """Code, linked name and kind: the same in every table of items."""
        cells = self.cells.get(item.code)
        if cells is None:
            code = escape(item.code)
            cells = self.cells[item.code] = (
                f'<td class="qd-code">{code}</td><td><a href="{self.root}items/{code}/">{escape(item.name)}</a></td>'
                f"<td>{self.badge(item.responsibility)}</td>")
        return cells

    def item_row(self, item: Item) -> Markup:
        """A row of a category or department table: who leads, in general."""
        row = self.item_rows.get(item.code)
        if row is None:
            row = self.item_rows[item.code] = Markup(
                f"<tr>{self.head_cells(item)}<td>{escape(lead_label(self.cat, item))}</td></tr>")
        return row

    def township_row(self, item: Item, township: Township) -> str:
        """A row of a township's answer table: who leads there and whom to call."""
        if item.responsibility != "lead":
            row = self.county_rows.get(item.code)
            if row is None:  # a 配合/收回 item's row is the same on every township page
                dept = self.cat.department.get(item.lead_department or "")
                row = self.county_rows[item.code] = self.township_head(item) + self.contact_cells(
                    lead_label(self.cat, item), dept.phone if dept else None)
            return row
        office = item.township.office if item.township else None  # lead_label's only input besides the township
        cells = self.town_contacts.get((township.id, office))
        if cells is None:  # who leads on a 基本履职 row: the township (and its office), alike on many rows
            cells = self.town_contacts[township.id, office] = self.contact_cells(lead_label(self.cat, item, township), township.phone)
        return self.township_head(item) + cells

    def township_head(self, item: Item) -> str:
        """A township row up to its contact: the row id is the item code, so an item page can link
        to its line on each township page."""
        head = self.township_heads.get(item.code)
        if head is None:
            head = self.township_heads[item.code] = f'<tr id="{escape(item.code)}">{self.head_cells(item)}'
        return head

    def contact_cells(self, lead: str, phone: str | None) -> str:
        """Who leads and whom to call, and the row's end; a few pairs serve all of a township's rows."""
        cells = self.contacts.get((lead, phone))
        if cells is None:
            cells = self.contacts[lead, phone] = f'<td>{escape(lead)}</td><td class="qd-phone">{escape(phone or "")}</td></tr>'
        return cells


class ContentsEntries:
    """Each item's entry in a township handbook's contents, escaped once: every handbook lists it alike.

    ``full``: the handbook holds the items' text, so an entry links there; otherwise to the item page.
    """

    def __init__(self, root: str, full: bool) -> None:
        self.root = root
        self.full = full
        self.entries: dict[str, str] = {}

    def entry(self, item: Item) -> str:
        entry = self.entries.get(item.code)
        if entry is None:
            href = f"#{item.code}" if self.full else f"{self.root}items/{item.code}/"
            entry = self.entries[item.code] = (
                f'<li><a href="{escape(href)}">{escape(item.name)}</a> <span class="qd-code">{escape(item.code)}</span></li>')
        return entry


def rows_html(rows: list[str]) -> Markup:
    """Rows as one block for a template's <tbody>, one row a line."""
    return Markup("\n".join(rows))
