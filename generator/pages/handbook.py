"""The township handbook (工作手册): /townships/<id>/handbook/, one print-ready page.

Cover (township, list version and date), a table of contents by category,
then every current item that applies in the township with its duties,
basis (article texts quoted) and steps; print CSS starts each item on a new
page. Registered in ``generator.build.EXTRA_WRITERS``; the township page
links here when the file exists. An item's block is the same in every
township's handbook, so it is rendered once and reused.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from generator.model import KINDS, Catalogue, Category, Item, Township
from generator.pages.base import last_date, render, write_page
from generator.pages.items import citations, department_rows

REL = "townships/{id}/handbook/index.md"
FULL_TEXT_MAX = 1000
"""Above this many items (a 2,000-page printout) a handbook keeps its cover and contents, the
contents linking to the item pages; every township repeating thousands of full items would
make the site grow by gigabytes (measured: 16,000 items x 20 townships -> 1.1 GB)."""


def handbook_items(cat: Catalogue, township: Township) -> list[Item]:
    """Current items of the township in handbook order: category order, then code."""
    order = {c.id: n for n, c in enumerate(cat.categories)}
    items = [i for i in cat.active_items if i.applies_to(township.id)]
    return sorted(items, key=lambda i: (order.get(i.category, len(order)), i.code))


def toc(cat: Catalogue, items: list[Item]) -> list[tuple[Category, list[Item]]]:
    out: list[tuple[Category, list[Item]]] = []
    for item in items:
        category = cat.category[item.category]
        if not out or out[-1][0].id != category.id:
            out.append((category, []))
        out[-1][1].append(item)
    return out


def write_pages(cat: Catalogue, docs_dir: Path, env: jinja2.Environment) -> None:
    blocks: dict[str, Markup] = {}
    template = env.get_template("handbook_item.html")
    updated = last_date(cat)
    for township in cat.townships:
        rel = REL.format(id=township.id)
        items = handbook_items(cat, township)
        full = len(items) <= FULL_TEXT_MAX
        for item in items if full else []:
            if item.code not in blocks:  # every handbook sits at the same depth: one rendering serves all
                blocks[item.code] = Markup(template.render(
                    root="../../../", item=item, departments=department_rows(cat, item),
                    citations=citations(cat, item), permalink=cat.permalink(item.code),
                    office=cat.office_of(item)))
        counts = [(k, sum(1 for i in items if i.responsibility == k)) for k in KINDS]
        body = render(env, "handbook.html", rel, township=township, items=items, toc=toc(cat, items),
                      blocks=[blocks[i.code] for i in items] if full else [], counts=[c for c in counts if c[1]],
                      updated=updated, full=full, limit=FULL_TEXT_MAX)
        write_page(docs_dir, rel, title=f"{township.name}工作手册", body=body, updated=updated,
                   hide=("toc", "navigation"), meta={"qd_kind": "handbook"})
