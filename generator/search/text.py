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


@lru_cache(maxsize=1)
def _t2s_translation() -> dict[int, str]:
    return {ord(t): s for t, s in t2s_table().items()}


def norm(text: str) -> str:
    """The form both the index and the query are compared in."""
    return unicodedata.normalize("NFKC", text).lower().translate(_t2s_translation())


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


@lru_cache(maxsize=4096)
def _article_forms(ref: str) -> tuple[str, ...]:
    """:func:`article_names`, worked out once per article number (items cite the same ones again and again)."""
    return tuple(article_names(ref))


@dataclass(frozen=True)
class ItemText:
    """An item's searchable text: ``title`` (name, codes, keywords) ranks above ``body``.

    ``typed`` are forms people type that the page shows apart (城乡规划法第六十五条):
    indexed like ``body``, but not part of the text exact matches are judged on.
    """

    title: list[str]
    body: list[str]
    typed: list[str]


def compact(code: str) -> str:
    """``SX-CXJS-001`` -> ``sxcxjs001``: a code as people type it without separators."""
    return "".join(runs(code))


def item_text(cat: Catalogue, item: Item) -> ItemText:
    codes = [item.code, *item.formerly]
    title = [item.name, *codes, *sorted({compact(c) for c in codes} - {norm(c) for c in codes}), *item.keywords]
    body: list[str] = []
    typed: list[str] = []
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
        names = [law.title, *([law.short] if law.short else [])] if law else []
        body += names
        for ref in citation.articles:
            # 城乡规划法第六十五条: the law and its article typed as one phrase.
            forms = _article_forms(ref)
            body += forms
            typed += [name + article for article in forms for name in names]
        if citation.note:
            body.append(citation.note)
    for step in item.workflow:  # what the step list on the item page shows
        body += [step.action, *_actor_names(cat, step.actor), *([step.time_limit] if step.time_limit else [])]
        body += [branch.when for branch in step.branches or []]
    body += item.accountability + item.exemption
    if item.cancelled:
        body.append("已取消")
    return ItemText(title=title, body=body, typed=typed)


def snippet_lines(cat: Catalogue, item: Item) -> list[str]:
    """The sentences a result may quote when the match is not in its name: duties, steps, cases."""
    out = [item.summary] if item.summary else []
    for duty in item.lead_departments():
        dept = cat.department.get(duty.department)
        out += [f"{dept.label if dept else duty.department}：{text}" for text in duty.duties]
    if item.township:
        out += [f"乡镇：{text}" for text in item.township.duties]
    for step in item.workflow:
        limit = f"（时限：{step.time_limit}）" if step.time_limit else ""
        out.append(f"{cat.actor_label(step.actor)}：{step.action}{limit}")
    out += [f"追责情形：{text}" for text in item.accountability]
    out += [f"免责情形：{text}" for text in item.exemption]
    return out


def _actor_names(cat: Catalogue, actor: str) -> list[str]:
    dept = cat.department.get(actor)
    if dept:
        return [dept.name, *([dept.short] if dept.short else [])]
    return [cat.actor_label(actor)]


def joined(text: ItemText) -> str:
    """All of an item's text as one normalised string: the ground truth for exact matches."""
    return "\n".join(norm(part) for part in text.title + text.body)
