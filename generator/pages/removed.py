"""Pages that keep published URLs of departments, townships, categories and laws working.

- A record listed in removed.yml keeps its page (and a township its handbook) as a tombstone:
  what happened, when, by which document, and where to go now (its successor, or the list).
- An id in a record's ``formerly`` gets a tiny static page forwarding to the current id,
  as item codes do (pages/items.py).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import jinja2

from generator.model import RECORD_KINDS, Catalogue
from generator.pages.base import last_date, render, write_page

HANDBOOK = "handbook/"


def write_pages(cat: Catalogue, docs_dir: Path, env: jinja2.Environment) -> None:
    updated = last_date(cat)
    for gone in cat.removed:
        folder, what = RECORD_KINDS[gone.kind]
        successor = next((r for r in cat.records(gone.kind) if r.id == gone.successor), None)
        tails = ["", HANDBOOK] if gone.kind == "township" else [""]
        for tail in tails:
            rel = f"{folder}/{gone.id}/{tail}index.md"
            body = render(env, "removed.html", rel, gone=gone, what=what, folder=folder, successor=successor, tail=tail)
            write_page(docs_dir, rel, title=f"{gone.name}（已移除）", body=body, updated=updated, published=gone.date,
                       meta={"qd_kind": "removed"})
    for kind, (folder, what) in RECORD_KINDS.items():
        for rec in cat.records(kind):
            tails = ["", HANDBOOK] if kind == "township" else [""]
            for old in rec.formerly:
                for tail in tails:
                    path = docs_dir / folder / old / tail / "index.html"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(redirect_html(what, old, rec.id, getattr(rec, "name", None) or rec.title, tail), encoding="utf-8")


def redirect_html(what: str, old: str, new: str, name: str, tail: str) -> str:
    """A static page at /<folder>/<old>/ forwarding to /<folder>/<new>/ (MkDocs copies it verbatim)."""
    target = "../" * (1 + tail.count("/")) + f"{new}/{tail}"
    return (
        '<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(what)} {escape(old)} 已改为 {escape(new)} {escape(name)}</title>\n"
        f'<meta http-equiv="refresh" content="0; url={escape(target)}">\n<meta name="robots" content="noindex">\n</head>\n<body>\n'
        f'<p>{escape(what)}的网址已改为新的 id“{escape(new)}”。请访问：<a href="{escape(target)}">{escape(name)}</a></p>\n'
        "</body>\n</html>\n"
    )
