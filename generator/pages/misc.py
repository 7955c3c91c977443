"""The general 乡呼县应 workflow page and the fallback change log."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from pathlib import Path

import jinja2

from .. import flowchart
from ..model import Catalogue
from .base import render, write_page
from .items import ACTIONS


def write_workflow(cat: Catalogue, docs_dir: Path, env: jinja2.Environment, updated: date) -> None:
    steps = cat.identity.general_workflow
    if not steps:
        return
    title = "乡呼县应通用流程"
    body = render(env, "workflow.html", "workflow/index.md", steps=steps, chart=flowchart.draw(steps, cat, title))
    write_page(docs_dir, "workflow/index.md", title=title, body=body, updated=updated, meta={"qd_kind": "workflow"})


def write_changes(cat: Catalogue, docs_dir: Path, env: jinja2.Environment, updated: date) -> None:
    """A plain dated list of every history entry; the changes module replaces it when present."""
    rel = "changes/index.md"
    if (docs_dir / rel).exists():
        return  # written by generator.changes
    entries = sorted(((i, h) for i in cat.items for h in i.history), key=lambda e: (e[1].date, e[0].code), reverse=True)
    days = [(day, list(group)) for day, group in groupby(entries, key=lambda e: e[1].date)]
    body = render(env, "changes.html", rel, days=days, actions=ACTIONS)
    write_page(docs_dir, rel, title="变更记录", body=body, updated=updated, meta={"qd_kind": "changes"})
