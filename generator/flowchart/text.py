"""Text measure and line wrapping for the flowchart.

The chart is drawn at build time without a font engine, so widths are
estimated: full-width characters (CJK, full-width punctuation) are 1 em,
everything else 0.55 em. Layout and tests use these same two functions, so
"fits in its box" means the same thing in both.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

HALF = 0.55
"""Width of a half-width character, in em (Noto Sans CJK's Latin is ~0.5–0.6)."""

# Line-breaking rules for Chinese (禁则): these never start / never end a line.
NO_START = set("，。、；：？！）》」』】〕〉”’…—·%‰,.;:?!)]}")
NO_END = set("（《「『【〔〈“‘([{")


@cache
def char_em(ch: str) -> float:
    # Ambiguous-width characters (“” · —) are full width in CJK fonts: count them as 1 em.
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else HALF


def text_width(text: str, size: float) -> float:
    """Estimated rendered width of ``text`` at font ``size`` px."""
    return sum(char_em(ch) for ch in text) * size


def _tokens(text: str) -> list[str]:
    """Unbreakable pieces: one CJK char, or a run of half-width word chars, with 禁则 punctuation glued on."""
    pieces: list[str] = []
    for ch in text:
        word = char_em(ch) == HALF and not ch.isspace() and ch not in NO_START and ch not in NO_END
        last = pieces[-1][-1] if pieces and pieces[-1] else ""
        if word and last and char_em(last) == HALF and not last.isspace() and last not in NO_START:
            pieces[-1] += ch
        else:
            pieces.append(ch)
    out: list[str] = []
    glue = False
    for piece in pieces:
        # A number stays with its unit: "1小时", "5个工作日".
        if out and (glue or piece[0] in NO_START or (out[-1][-1].isdigit() and char_em(piece[0]) == 1.0)):
            out[-1] += piece
        else:
            out.append(piece)
        glue = piece[-1] in NO_END
    return out


def wrap(text: str, width: float, size: float) -> list[str]:
    """Wrap into as few lines as fit ``width``, then even out their lengths (no lone last character)."""
    return list(_wrap(text, width, size))


@lru_cache(maxsize=4096)
def _wrap(text: str, width: float, size: float) -> tuple[str, ...]:
    tokens = _tokens(" ".join(text.split()))
    lines = _greedy(tokens, width, size)
    if len(lines) < 2:
        return tuple(lines)
    lo = max(text_width(line, size) for line in lines) / 2
    hi = width
    while hi - lo > 1:
        mid = (lo + hi) / 2
        if len(_greedy(tokens, mid, size)) == len(lines):
            hi = mid
        else:
            lo = mid
    return tuple(_greedy(tokens, hi, size))


def _greedy(tokens: list[str], width: float, size: float) -> list[str]:
    """Greedy fill of lines no wider than ``width`` (a too-long token is cut by characters)."""
    lines: list[str] = []
    line, used = "", 0.0
    for token in tokens:
        w = text_width(token, size)
        if used + w <= width + 1e-9:
            line, used = line + token, used + w
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = token.lstrip()
        while text_width(line, size) > width:
            cut = 1
            while cut < len(line) and text_width(line[: cut + 1], size) <= width:
                cut += 1
            lines.append(line[:cut])
            line = line[cut:]
        used = text_width(line, size)
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]
