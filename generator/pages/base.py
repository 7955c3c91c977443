"""Shared helpers for page writers: the Jinja environment and the page file format.

A generated page is a Markdown file that MkDocs turns into HTML: YAML front
matter (title and dates, JSON-quoted) and one raw HTML block rendered by our
own Jinja templates with autoescape. Python-Markdown passes a raw HTML block
through untouched, so catalogue text is never read as Markdown, and since the
text is HTML-escaped before MkDocs sees it, never as HTML either. MkDocs'
own templates do not autoescape, so the page title is escaped here once.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
from markupsafe import Markup, escape

from generator import jsondata
from generator.citations import article_label
from generator.model import Catalogue, Item, Township

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def last_date(cat: Catalogue) -> date:
    """The newest date in the catalogue: the default 更新 date of list pages (never the clock)."""
    dates = [cat.identity.effective] + [c.date for i in cat.items for c in i.history]
    dates += [d for a in cat.assignments for d in [a.approval.date, *(e.date for e in a.extensions)]]
    return max(dates)


def anchor(article: str) -> str:
    """``34.2`` -> ``art-34-2``: the permanent anchor of an article on a law page."""
    return "art-" + article.replace(".", "-")


def make_env(cat: Catalogue, today: date | None = None) -> jinja2.Environment:
    """One environment for every page kind; other modules add templates beside ours.

    ``today`` is the build's day: only 交办事项 states depend on it (current or ended).
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )
    env.globals.update(cat=cat, labels=cat.labels, anchor=anchor, actor_label=cat.actor_label, today=today or date.today())
    # Item pages link /items/<code>.json (written by generator.opendata) and carry schema.org JSON-LD.
    env.globals["item_json_url"] = lambda root, item: f"{root}items/{item.code}.json"
    env.globals["item_jsonld"] = lambda item: Markup(jsondata.jsonld(cat, item))  # jsonld() escapes for <script>
    env.globals["lead_label"] = functools.partial(lead_label, cat)
    env.globals["townships_json"] = Markup(townships_json(cat))
    env.filters["cn_date"] = cn_date
    env.filters["article_label"] = article_label
    return env


def lead_label(cat: Catalogue, item: Item, township: Township | None = None) -> str:
    """Who leads, in a few words: the county lead department, or the township and its office.

    Used by every list of items (table columns, township pages, the answer box) so they agree.
    """
    if item.responsibility != "lead":
        lead = item.lead_department
        dept = cat.department.get(lead) if lead else None
        return dept.label if dept else ""
    office = cat.office_of(item)
    if township is None:
        return office.label if office else "乡镇（街道）"
    return f"{township.government}（{office.label}）" if office else township.government


def townships_json(cat: Catalogue) -> str:
    """The townships' contacts for the 我的乡镇 answer box, safe inside ``<script type="application/json">``."""
    keys = ("id", "name", "office", "phone", "address", "hours", "note")
    data = [{k: getattr(t, k) for k in keys if getattr(t, k)} | {"gov": t.government} for t in cat.townships]
    return jsondata.for_script(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def today_of(env: jinja2.Environment) -> date:
    """The build's day, set by :func:`make_env` (交办事项 states depend on it)."""
    day = env.globals["today"]
    assert isinstance(day, date)
    return day


def cn_date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def root_of(rel: str) -> str:
    """Relative prefix from a page back to the site root: ``items/T-001/index.md`` and
    ``items/T-001.md`` are both the page ``items/T-001/`` (MkDocs' directory URLs)."""
    path = PurePosixPath(rel)
    return "../" * (len(path.parent.parts) + (path.name != "index.md"))


def write_page(
    docs_dir: Path,
    rel: str,
    *,
    title: str,
    body: str | bytes,
    updated: date,
    published: date | None = None,
    hide: Iterable[str] = ("navigation", "toc"),
    meta: dict[str, Any] | None = None,
) -> None:
    """Write ``rel`` (e.g. ``items/T-001/index.md``) under ``docs_dir``.

    ``body`` is HTML that the caller rendered with autoescape; it must start
    with a block-level tag and contain no blank line that could end the block
    early (our templates use trim_blocks). ``title`` is plain text. A body of
    megabytes (a township's table) may come as UTF-8 bytes, never decoded here.
    """
    head: dict[str, Any] = {
        "title": str(escape(title)),
        "qd_updated": updated.isoformat(),
        "qd_updated_text": cn_date(updated),
        "hide": list(hide),
        "qd_raw": True,  # body is one raw HTML block (see generator/mkplugin.py)
    }
    if published:
        head["qd_published"] = published.isoformat()
        head["qd_published_text"] = cn_date(published)
    head.update(meta or {})
    lines = ["---"] + [f"{k}: {front_value(v)}" for k, v in head.items()] + ["---", "", ""]
    path = docs_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        out.write("\n".join(lines).encode("utf-8"))
        out.write(body.strip().encode("utf-8") if isinstance(body, str) else body.strip())
        out.write(b"\n")


_PAIR = re.compile(r"\\ud[89ab][0-9a-f]{2}\\ud[c-f][0-9a-f]{2}")


def front_value(value: Any) -> str:
    """``value`` as front matter: JSON, which YAML reads alike, but a character beyond U+FFFF as itself.

    JSON escapes such a character as a surrogate pair, which YAML (MkDocs' reader)
    would keep as two lone surrogates: the page would show two broken characters.
    """
    return _PAIR.sub(lambda pair: str(json.loads(f'"{pair.group(0)}"')), json.dumps(value))


def render(env: jinja2.Environment, template: str, rel: str, **context: Any) -> str:
    """Render a page template with ``root`` set for relative links (works under any sub-path)."""
    return env.get_template(template).render(root=root_of(rel), **context)


def published_of(item: Item) -> date | None:
    return item.history[0].date if item.history else None


__all__ = ["Markup", "anchor", "article_label", "cn_date", "last_date", "make_env", "render", "root_of", "write_page"]
