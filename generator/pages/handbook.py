"""The township handbook (工作手册): /townships/<id>/handbook/, one print-ready page.

Cover (township, list version and date), a table of contents by category,
then every current item that applies in the township with its duties,
basis (article texts quoted) and steps; print CSS starts each item on a new
page. Registered in ``generator.pages.SIDE_WRITERS``; the township page
links here when the file exists. An item's block is the same in every
township's handbook, so it is rendered once and reused.
"""

from __future__ import annotations

from collections import Counter
from operator import attrgetter
from pathlib import Path

import jinja2
from markupsafe import Markup

from generator.model import KINDS, Catalogue, Category, Item, Township
from generator.pages.base import last_date, render, root_of, write_page
from generator.pages.fragments import ContentsEntries
from generator.pages.items import citations, department_rows
from generator.pages.lists import township_items

REL = "townships/{id}/handbook/index.md"
FULL_TEXT_MAX = 1000
"""Above this many items (a 2,000-page printout) a handbook keeps its cover and contents, the
contents linking to the item pages; every township repeating thousands of full items would
make the site grow by gigabytes (measured: 16,000 items x 20 townships -> 1.1 GB)."""


def handbook_items(cat: Catalogue, township: Township) -> list[Item]:
    """Current items of the township in handbook order: category order, then code."""
    return township_items(cat)[township.id]


def toc(cat: Catalogue, items: list[Item], entries: ContentsEntries) -> list[tuple[Category, int, Markup]]:
    """The contents: each category (the items come in category order) with its item count and entries."""
    groups: dict[str, list[str]] = {}
    for item in items:
        groups.setdefault(item.category, []).append(entries.entry(item))
    return [(cat.category[c], len(members), Markup("".join(members))) for c, members in groups.items()]


def write_pages(cat: Catalogue, docs_dir: Path, env: jinja2.Environment) -> None:
    blocks: dict[str, Markup] = {}
    template = env.get_template("handbook_item.html")
    root = root_of(REL)  # every handbook sits at the same depth: one rendering serves all
    contents = {full: ContentsEntries(root, full) for full in (True, False)}
    updated = last_date(cat)
    listed = township_items(cat)
    for township in cat.townships:
        rel = REL.format(id=township.id)
        items = listed[township.id]
        full = len(items) <= FULL_TEXT_MAX
        for item in items if full else []:
            if item.code not in blocks:
                blocks[item.code] = Markup(template.render(
                    root=root, item=item, departments=department_rows(cat, item),
                    citations=citations(cat, item), permalink=cat.permalink(item.code),
                    office=cat.office_of(item)))
        kinds = Counter(map(attrgetter("responsibility"), items))
        body = render(env, "handbook.html", rel, township=township, total=len(items), toc=toc(cat, items, contents[full]),
                      blocks=Markup("".join(blocks[i.code] for i in items)) if full else "",
                      counts=[(k, kinds[k]) for k in KINDS if kinds[k]],
                      updated=updated, full=full, limit=FULL_TEXT_MAX)
        write_page(docs_dir, rel, title=f"{township.name}工作手册", body=body, updated=updated,
                   hide=("toc", "navigation"), meta={"qd_kind": "handbook"})
