"""Problems found in a catalogue, and the two ways of reporting them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing an editor must fix (error) or should look at (warning)."""

    file: str
    """Path relative to the catalogue folder, e.g. ``items/yjgl/SX-YJGL-001.yml``."""
    line: int | None
    """1-based line of the offending value; ``None`` where no line fits (a missing file)."""
    key: str
    """Dotted key inside the file, e.g. ``basis[0].law``; empty for the whole file."""
    code: str
    """Stable machine code, e.g. ``unknown-department``."""
    message: str
    """Plain-words message for the editor (Chinese)."""
    severity: Severity = "error"

    def text(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        key = f" {self.key}:" if self.key else ""
        tag = "" if self.severity == "error" else "（提醒）"
        return f"{where}:{key} {tag}{self.message} [{self.code}]"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def report_text(problems: list[Problem]) -> str:
    lines = [p.text() for p in problems]
    count = len(errors(problems))
    warnings = len(problems) - count
    if count:
        lines.append(f"发现 {count} 个错误" + (f"、{warnings} 个提醒" if warnings else "") + "，请逐条修改后再提交。")
    else:
        lines.append("清单有效" + (f"（{warnings} 个提醒）" if warnings else "") + "。")
    return "\n".join(lines) + "\n"


def report_json(problems: list[Problem]) -> str:
    return json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2) + "\n"
