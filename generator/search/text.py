"""What the search finds: each item's searchable text, normalised the same way as queries.

Text is built from the model, not scraped from HTML, so the index holds exactly
the fields the search promises (name, code, old codes, keywords, duties,
departments, law titles and article numbers) and never Material's header or nav.
The browser normalises the query with the same rules (search.js ``norm``):
NFKC (full-width letters and digits become ASCII), lower case, traditional
characters mapped to simplified with OpenCC's character table, and every
character that is not a letter or digit treated as a separator.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from generator.citations import article_label
from generator.model import Catalogue, Item

DATA = Path(__file__).resolve().parent / "data"
# A run of letters/digits (CJK characters count as letters); everything else separates.
RUN = re.compile(r"[^\W_]+")


@lru_cache(maxsize=1)
def t2s_table() -> dict[str, str]:
    """Traditional -> simplified characters, from OpenCC's TSCharacters.txt (Apache-2.0)."""
    table: dict[str, str] = {}
    for line in (DATA / "TSCharacters.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        trad, _, simp = line.partition("\t")
        first = simp.split(" ")[0]
        if len(trad) == 1 and len(first) == 1 and trad != first:
            table[trad] = first
    return table


def norm(text: str) -> str:
    """The form both the index and the query are compared in."""
    text = unicodedata.normalize("NFKC", text).lower()
    table = t2s_table()
    return "".join(table.get(ch, ch) for ch in text)


def runs(text: str) -> list[str]:
    """Normalised runs of letters and digits: the units n-grams never cross."""
    return RUN.findall(norm(text))


def junctions(text: str) -> list[str]:
    """``巡查，发现`` -> ``查,发``: a punctuation mark with the characters either side.

    Indexed as extra grams and used by the query only as a ranking bonus, so a
    query that keeps the text's punctuation ranks the exact phrase first, and
    one that leaves it out still matches.
    """
    text = norm(text)
    found = list(RUN.finditer(text))
    return [text[a.end() - 1 : b.start() + 1] for a, b in itertools.pairwise(found)
            if b.start() - a.end() == 1 and not text[a.end()].isspace()]


def article_names(ref: str) -> list[str]:
    """``34.2`` -> 第34条第2款 and 第三十四条第二款: both forms people type."""
    number, _, para = ref.partition(".")
    main, _, sub = number.partition("之")
    if not main.isdigit():
        return [ref]
    digits = f"第{main}条" + (f"之{sub}" if sub else "") + (f"第{para}款" if para else "")
    return [digits, article_label(ref)]


@dataclass(frozen=True)
class ItemText:
    """An item's searchable text: ``title`` (name, codes, keywords) ranks above ``body``."""

    title: list[str]
    body: list[str]


def item_text(cat: Catalogue, item: Item) -> ItemText:
    title = [item.name, item.code, *item.formerly, *item.keywords]
    body: list[str] = []
    if item.summary:
        body.append(item.summary)
    category = cat.category.get(item.category)
    if category:
        body.append(category.name)
    body.append(cat.labels.of(item.responsibility))
    for duty in item.lead_departments():
        dept = cat.department.get(duty.department)
        if dept:
            body += [dept.name, *([dept.short] if dept.short else [])]
        body += duty.duties
    if item.township:
        body += item.township.duties
    for citation in item.basis:
        law = cat.law.get(citation.law)
        if law:
            body += [law.title, *([law.short] if law.short else [])]
        for ref in citation.articles:
            body += article_names(ref)
        if citation.note:
            body.append(citation.note)
    body += [step.action for step in item.workflow]
    body += item.accountability + item.exemption
    if item.cancelled:
        body.append("已取消")
    return ItemText(title=title, body=body)


def joined(text: ItemText) -> str:
    """All of an item's text as one normalised string: the ground truth for exact matches."""
    return "\n".join(norm(part) for part in text.title + text.body)
