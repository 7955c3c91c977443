"""The township handbook (工作手册): /townships/<id>/handbook/, one print-ready page.

Cover (township, list version and date), a table of contents by category,
then every current item that applies in the township with its duties,
basis (article texts quoted) and steps; print CSS starts each item on a new
page. Registered in ``generator.pages.SIDE_WRITERS``; the township page
links here when the file exists. An item's block is the same in every
township's handbook, so it is rendered once and reused.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from generator.model import KINDS, Catalogue, Item, Township
from generator.pages.base import last_date, render, root_of, write_page
from generator.pages.fragments import SLOT, cached_parts, spliced
from generator.pages.items import citations, department_rows
from generator.pages.lists import in_list_order, township_items, township_tables

REL = "townships/{id}/handbook/index.md"
FULL_TEXT_MAX = 1000
"""Above this many items (a 2,000-page printout) a handbook keeps its cover and contents, the
contents linking to the item pages; every township repeating thousands of full items would
make the site grow by gigabytes (measured: 16,000 items x 20 townships -> 1.1 GB)."""


def handbook_items(cat: Catalogue, township: Township) -> list[Item]:
    """Current items of the township in handbook order: category order, then code."""
    return township_items(cat)[township.id]


def contents_entry(root: str, item: Item, full: bool) -> bytes:
    """The item's entry in a handbook's contents, the same in every handbook: linking to its text
    there (``full``) or else to its page."""
    href = f"#{item.code}" if full else f"{root}items/{item.code}/"
    return f'<li><a href="{escape(href)}">{escape(item.name)}</a> <span class="qd-code">{escape(item.code)}</span></li>'.encode()


def write_pages(cat: Catalogue, docs_dir: Path, env: jinja2.Environment) -> None:
    blocks: dict[str, Markup] = {}
    template = env.get_template("handbook_item.html")
    root = root_of(REL)  # every handbook sits at the same depth: one rendering serves all
    updated = last_date(cat)
    items = in_list_order(cat, cat.active_items)
    # Contents of 16,000 items x 20 townships: each entry made once (or kept in the build cache),
    # joined as UTF-8 bytes and put into the rendered page (fragments.spliced).
    made = cached_parts(env, cat, "handbook-contents", items, lambda i: [contents_entry(root, i, False), contents_entry(root, i, True)], 2)
    pieces = [(link, whole, item) for (link, whole), item in zip(made, items, strict=True)]
    for township, (table, kinds) in zip(cat.townships, township_tables(cat, items, pieces), strict=True):
        rel = REL.format(id=township.id)
        total = kinds.total()
        full = total <= FULL_TEXT_MAX
        listed = [item for _, _, entries in table for _, _, item in entries] if full else []
        for item in listed:
            if item.code not in blocks:
                blocks[item.code] = Markup(template.render(
                    root=root, item=item, departments=department_rows(cat, item),
                    citations=citations(cat, item), permalink=cat.permalink(item.code),
                    office=cat.office_of(item)))
        html = render(env, "handbook.html", rel, township=township, total=total, toc=[(c, n, SLOT) for c, n, _ in table],
                      blocks=Markup("".join(blocks[i.code] for i in listed)),
                      counts=[(k, kinds[k]) for k in KINDS if kinds[k]],
                      updated=updated, full=full, limit=FULL_TEXT_MAX)
        contents = [b"".join([whole if full else link for link, whole, _ in entries]) for _, _, entries in table]
        write_page(docs_dir, rel, title=f"{township.name}工作手册", body=spliced(html, contents), updated=updated,
                   hide=("toc", "navigation"), meta={"qd_kind": "handbook"})
