"""Law library and one page per law: articles with anchors, cited ones marked with their items."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jinja2

from generator.cache import Cache, key
from generator.model import LAW_LEVELS, Catalogue, Chapter, Item, Law
from generator.pages.base import anchor, render, write_page
from generator.pages.lists import newest_by
from generator.pages.memo import context_digest

_REF = re.compile(r"^([0-9]+)(?:之([0-9]+))?(?:\.([0-9]+))?$")


def article_key(ref: str) -> tuple[int, int, int]:
    """Numeric order of article refs: 9 < 10 < 10之1 < 10.2 < 11."""
    m = _REF.match(ref)
    if not m:
        return (10**9, 0, 0)
    return (int(m[1]), int(m[2] or 0), int(m[3] or 0))


@dataclass
class Paragraph:
    text: str
    anchor: str | None
    items: list[Item]


@dataclass
class ArticleRow:
    ref: str
    anchor: str
    chapters: list[Chapter]
    paragraphs: list[Paragraph]
    items: list[Item]
    cited: bool = False
    ids: set[str] = field(default_factory=set)


def citing_items(cat: Catalogue) -> dict[str, dict[str, list[Item]]]:
    """law id -> article ref ("" for the whole law) -> active items citing it, by code."""
    out: dict[str, dict[str, list[Item]]] = defaultdict(lambda: defaultdict(list))
    for item in cat.items:
        if item.cancelled:
            continue
        for c in item.basis:
            for ref in c.articles or [""]:
                citing = out[c.law][ref]
                if not citing or citing[-1] is not item:  # items come one by one: a repeat can only be the last
                    citing.append(item)
    return out


def article_rows(law: Law, cited: dict[str, list[Item]]) -> list[ArticleRow]:
    """Every stored article in numeric order, with chapter headings that start before it.

    A paragraph stored under its own key ("34.2") is shown inside article 34
    when that article's text has that paragraph; otherwise as its own entry.
    """
    starts: dict[str, list[Chapter]] = defaultdict(list)
    for ch in law.chapters:
        starts[ch.start].append(ch)
    rows = []
    for ref in sorted(law.articles, key=article_key):
        number, dot, para = ref.partition(".")
        if dot and para.isdigit() and number in law.articles and int(para) <= len(law.paragraphs(number)):
            continue  # shown as a paragraph of its article
        paras = law.paragraphs(ref)
        row = ArticleRow(ref, anchor(ref), starts.get(ref, []), [], list(cited.get(ref, [])))
        for n, text in enumerate(paras, 1):
            sub = f"{ref}.{n}"
            own = anchor(sub) if not dot and (len(paras) > 1 or sub in law.articles) else None
            row.paragraphs.append(Paragraph(text, own, list(cited.get(sub, [])) if own else []))
        row.cited = bool(row.items or any(p.items for p in row.paragraphs))
        rows.append(row)
    return rows


def _law_body(env: jinja2.Environment, cat: Catalogue, rel: str, law: Law, cited: dict[str, list[Item]]) -> bytes:
    """A law page's body (UTF-8); from the build cache while the records other than the items (the law
    among them) and the code and name of each item citing it (all the page shows of them) are
    unchanged: the longest pages of the site, and an item's change seldom touches them."""

    def make() -> bytes:
        return render(env, "law.html", rel, law=law, rows=article_rows(law, cited), whole=cited.get("", [])).encode("utf-8")

    cache = env.globals.get("build_cache")
    if not isinstance(cache, Cache) or cache.folder is None:
        return make()
    shown = repr(sorted((ref, [(i.code, i.name) for i in items]) for ref, items in cited.items()))
    return cache.get_or_make("law-body", key("law-body", rel, context_digest(cat), shown), make)


def write_laws(cat: Catalogue, docs_dir: Path, env: jinja2.Environment, updated: date) -> None:
    cites = citing_items(cat)
    # A page's date: the newest change of an item that cites (or cited) the law, so that an
    # unrelated item's change leaves the page byte-identical.
    dates = newest_by(cat, lambda i: (c.law for c in i.basis))
    for law in cat.laws:
        rel = f"laws/{law.id}/index.md"
        cited = cites.get(law.id, {})
        # The page date is the site's own (when this page last changed), never the law's effective date.
        write_page(docs_dir, rel, title=law.title, body=_law_body(env, cat, rel, law, cited),
                   updated=dates.get(law.id, cat.identity.effective), meta={"qd_kind": "law"})
    groups = []
    for level in LAW_LEVELS:
        laws = sorted((law for law in cat.laws if law.level == level), key=lambda law: law.id)
        entries = [{"href": f"laws/{law.id}/", "text": f"《{law.title}》",
                    "extra": f"{len(cites.get(law.id, {}))} 处被引用" if cites.get(law.id) else ""} for law in laws]
        if entries:
            groups.append((level, entries))
    body = render(env, "index_page.html", "laws/index.md", heading="法律法规库", groups=groups)
    write_page(docs_dir, "laws/index.md", title="法律法规库", body=body, updated=updated)
