"""The general 乡呼县应 workflow page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import jinja2

from generator.flowchart import svg
from generator.model import Catalogue
from generator.pages.base import render, write_page
from generator.pages.items import chart_store


def write_workflow(cat: Catalogue, docs_dir: Path, env: jinja2.Environment, updated: date) -> None:
    steps = cat.identity.general_workflow
    if not steps:
        return
    title = "乡呼县应通用流程"
    body = render(env, "workflow.html", "workflow/index.md", steps=steps, chart=svg.draw(steps, cat, title, chart_store(env)))
    write_page(docs_dir, "workflow/index.md", title=title, body=body, updated=updated, meta={"qd_kind": "workflow"})
