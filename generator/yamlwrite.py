"""Model -> catalogue YAML: the writing half used by the importers.

Records become plain dicts in the model's field order, leaving out what is
not given (``None``, empty optional lists, defaults) so written files look
like hand-written ones. YAML is produced with ``yaml.safe_dump`` (never
hand-built), multi-line or long text as literal block scalars.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import yaml

from generator.model import Located, fields_of

LONG = 60
"""Text longer than this (characters) is written as a block scalar, easier to edit."""


def record(obj: Any) -> Any:
    """A model object as plain data (dates stay ``date``; the loader reads them back)."""
    if isinstance(obj, Located):
        out: dict[str, Any] = {}
        for f in fields_of(type(obj)):
            value = getattr(obj, f.name)
            if value is None:
                continue
            if f.default_factory is not dataclasses.MISSING and value == f.default_factory():
                continue
            if f.default is not dataclasses.MISSING and f.default is not None and value == f.default:
                continue
            out[f.name] = record(value)
        return out
    if isinstance(obj, list):
        return [record(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): record(v) for k, v in obj.items()}
    return obj


def record_like(data: Any) -> Any:
    """A hand-built record in the same shape as ``record(model)`` (no ``None`` values), for comparing."""
    if isinstance(data, dict):
        return {k: record_like(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [record_like(v) for v in data]
    return data


class _Dumper(yaml.SafeDumper):
    """Safe dumper; lists indented under their key like the sample catalogue."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True  # the format forbids anchors and aliases, even for a date used twice


def _str(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    # A block scalar cannot carry trailing spaces or control characters faithfully.
    block = ("\n" in text or len(text) > LONG) and not re.search(r"[ \t]\n|[ \t]$|^\s|[\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029\ufeff]", text)
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if block else None)


_Dumper.add_representer(str, _str)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100_000, default_flow_style=False)


def write(path: Path, data: Any) -> None:
    """Write YAML atomically enough for a CLI: whole text at once, UTF-8, LF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(data), encoding="utf-8", newline="\n")


def append_records(path: Path, records: list[dict[str, Any]]) -> None:
    """Append entries to a list file (departments.yml …) without rewriting it, so comments stay."""
    if not records:
        return
    text = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")).strip()
    if body.startswith("["):  # a flow list cannot be continued line by line: rewrite it whole
        existing = yaml.safe_load(text) or []
        write(path, existing + records)
        return
    if not body:
        text = text if text.strip() else ""
    elif not text.endswith("\n"):
        text += "\n"
    path.write_text(text + dump(records), encoding="utf-8", newline="\n")
