"""Item.workflow -> swimlane SVG (stub: the flowchart issue fills this in)."""

from __future__ import annotations

from .model import Catalogue, Step


def draw(steps: list[Step], cat: Catalogue, title: str) -> str:
    """Return the workflow as inline SVG markup (already escaped), or "" when there are no steps."""
    return ""
