"""Forgiving search: the confusion and synonym lists shipped in ``data/``.

The browser only uses them when a query needs help (search.js ``correct`` and
``synonymVariants``): a misspelt character is replaced by one it is often
confused with, an everyday word (盖房) is also looked up as the list's own word
(建房). Both lists are cut to what the catalogue can use before they go into
the search manifest, so a phone downloads a few kilobytes at most.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from generator.search.text import DATA, norm


@dataclass(frozen=True)
class Synonym:
    """One line of synonyms.txt: the list's words, and the everyday words that mean them."""

    line: int
    canonical: list[str]
    everyday: list[str]


def _lines(name: str) -> list[tuple[int, str, str]]:
    """(line number, text, note) of each non-comment line."""
    out = []
    for number, line in enumerate((DATA / name).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            text, _, note = line.partition("#")
            out.append((number, text.strip(), note.strip()))
    return out


@lru_cache(maxsize=1)
def confusion_groups() -> list[tuple[int, list[str], str]]:
    """(line, characters, note) for each group of confusions.txt."""
    return [(number, [norm(c) for c in text.split()], note) for number, text, note in _lines("confusions.txt")]


@lru_cache(maxsize=1)
def synonyms() -> list[Synonym]:
    out = []
    for number, text, _ in _lines("synonyms.txt"):
        left, bar, right = text.partition("|")
        if not bar or not left.split() or not right.split():
            raise ValueError(f"synonyms.txt 第 {number} 行：应写成“清单用语 | 日常说法”")
        out.append(Synonym(number, [norm(w) for w in left.split()], [norm(w) for w in right.split()]))
    return out


def manifest_part(frequency: dict[str, int], present: Callable[[str], bool]) -> dict[str, object]:
    """The lists as the browser gets them, cut to this catalogue.

    ``frequency`` is how many items use each character: a character may only be
    corrected into one the catalogue uses, most used first (``"杆秆竿"``: 杆 may
    be 秆, else 竿). ``present(word)`` says whether the catalogue's text holds a
    word: only those are offered as synonyms.
    """
    alternatives: dict[str, list[str]] = {}
    for _, group, _ in confusion_groups():
        for c in group:
            known = alternatives.setdefault(c, [])
            known += [o for o in group if o != c and o in frequency and o not in known]
    confusions = [c + "".join(sorted(alts, key=lambda o: (-frequency[o], o)))
                  for c, alts in sorted(alternatives.items()) if alts]
    words: dict[str, list[str]] = {}
    for syn in synonyms():
        found = [w for w in syn.canonical if present(w)]
        for word in syn.everyday:
            if found and word not in found:
                words.setdefault(word, [])
                words[word] += [w for w in found if w not in words[word]]
    return {"confusions": confusions, "synonyms": sorted(words.items())}
