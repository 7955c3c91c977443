"""Chinese legal citations: numerals and running-text legal basis.

A spreadsheet's 法律法规依据 column reads like
``《中华人民共和国森林法》第三十四条、第三十五条；《森林防火条例》第二十条``.
``parse_basis`` turns it into (law title, article refs) pairs using the
model's article numbering: ``"34"``, ``"34.2"`` (paragraph 2), ``"10之1"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2} | {str(i): i for i in range(10)}
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL = r"[零〇一二两三四五六七八九十百千0-9０-９]+"
_FULLWIDTH = str.maketrans("０１２３４５６７８９（）：；，", "0123456789():;,")


def cn_number(text: str) -> int:
    """三十四 -> 34, 一百零二 -> 102, 十 -> 10; Arabic digits pass through."""
    text = text.strip().translate(_FULLWIDTH)
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in UNITS:
            total += (digit or 1) * UNITS[ch]
            digit = 0
        else:
            raise ValueError(f"不是中文数字：{text}")
    return total + digit


_CN_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """34 -> 三十四, 10 -> 十, 105 -> 一百零五, 1200 -> 一千二百 (statutes number articles so)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            out += ("零" if zero else "") + _CN_DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


def article_label(ref: str, arabic: bool = False) -> str:
    """``34`` -> 第三十四条; ``34.2`` -> 第三十四条第二款; ``10之1`` -> 第十条之一.

    ``arabic``: 第34条第2款 (the change report, where reviewers compare numbers at a glance).
    """
    number, _, para = ref.partition(".")
    main, _, sub = number.partition("之")
    if not main.isdigit():
        return ref

    def num(digits: str) -> str:
        return digits if arabic else cn_numeral(int(digits))

    text = f"第{num(main)}条" + (f"之{num(sub)}" if sub.isdigit() else "")
    return text + (f"第{num(para)}款" if para.isdigit() else "")


def article_ref(number: str, sub: str | None = None, para: str | None = None) -> str:
    """Model article reference from numeral parts: (三十四, None, 二) -> "34.2"."""
    ref = str(cn_number(number))
    if sub:
        ref += f"之{cn_number(sub)}"
    if para:
        ref += f".{cn_number(para)}"
    return ref


@dataclass
class Cite:
    """One law named in running text and the articles cited after it."""

    title: str
    articles: list[str] = field(default_factory=list)
    note: str | None = None


_LAW = re.compile(r"《([^《》]+)》")
_TOKEN = re.compile(
    rf"第\s*(?P<art>{NUMERAL})\s*条(?:\s*之\s*(?P<sub>{NUMERAL}))?"
    rf"|第\s*(?P<para>{NUMERAL})\s*款"
    rf"|第?\s*[（(]\s*(?P<item>{NUMERAL})\s*[）)]\s*项"
    r"|(?P<range>至|到|～|~|—|－)"
)


def clean_title(title: str) -> str:
    """Normalise a law title as written in a cell: no spaces, ASCII brackets folded."""
    title = re.sub(r"\s+", "", title)
    return title.replace("<", "〈").replace(">", "〉")


def _articles(segment: str) -> tuple[list[str], list[str]]:
    """Article refs in the text after one law title, and the 项 mentioned (kept as a note)."""
    out: list[str] = []
    items: list[str] = []
    last_art: str | None = None  # the article a following 款 belongs to
    last_kind = ""
    ranged = False
    for m in _TOKEN.finditer(segment.translate(_FULLWIDTH)):
        if m.group("range"):
            ranged = last_kind in ("art", "para")
            continue
        if m.group("art"):
            ref = article_ref(m.group("art"), m.group("sub"))
            if ranged and last_art and "之" not in ref and last_art.isdigit():
                out.extend(str(n) for n in range(int(last_art) + 1, int(ref)))
            out.append(ref)
            last_art, last_kind, ranged = ref, "art", False
        elif m.group("para") and last_art:
            para = cn_number(m.group("para"))
            if last_kind == "art" and out and out[-1] == last_art:
                out[-1] = f"{last_art}.{para}"
            elif ranged and out and "." in out[-1]:
                start = int(out[-1].rsplit(".", 1)[1])
                out.extend(f"{last_art}.{n}" for n in range(start + 1, para))
                out.append(f"{last_art}.{para}")
            else:
                out.append(f"{last_art}.{para}")
            last_kind, ranged = "para", False
        elif m.group("item"):
            items.append(f"{_label(out[-1]) if out else ''}第（{m.group('item')}）项")
            last_kind, ranged = "item", False
    seen: set[str] = set()
    unique = [a for a in out if not (a in seen or seen.add(a))]  # type: ignore[func-returns-value]
    return unique, items


def _label(ref: str) -> str:
    """``34.2`` -> 第34条第2款; ``10之1`` -> 第10条之1 (what the importer reads back)."""
    number, _, para = ref.partition(".")
    main, _, sub = number.partition("之")
    return f"第{main}条" + (f"之{sub}" if sub else "") + (f"第{para}款" if para else "")


def parse_basis(text: str) -> tuple[list[Cite], str]:
    """Split running text into citations; also return any text naming no law (for the report)."""
    text = text.replace("\u3000", " ")
    cites: list[Cite] = []
    matches = list(_LAW.finditer(text))
    leftover = text[: matches[0].start()] if matches else text
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        articles, items = _articles(text[m.end() : end])
        title = clean_title(m.group(1))
        note = "、".join(items) or None
        same = next((c for c in cites if c.title == title), None)
        if same:  # the same law named twice in one cell: one citation
            same.articles += [a for a in articles if a not in same.articles]
            if note:
                same.note = f"{same.note}、{note}" if same.note else note
        else:
            cites.append(Cite(title, articles, note))
    leftover = re.sub(r"[\s,;，；、。.和及以及]+", "", leftover)
    return cites, leftover


def format_basis(cites: list[tuple[str, list[str]]]) -> str:
    """The reverse, for a readable export cell: 《森林法》第34条、第35条第2款."""
    parts = []
    for title, articles in cites:
        parts.append(f"《{title}》" + "、".join(_label(a) for a in articles))
    return "；".join(parts)
