"""The MkDocs configuration of one build, derived from the project's mkdocs.yml.

Settings live in mkdocs.yml (theme, features, nav, extensions); this module
only fills in what comes from the catalogue: the site name and URL, footer
facts, and the nav entries whose pages exist. MkDocs' own templates do not
autoescape, so catalogue text handed to them is escaped by ``escape_text``,
once, on the loaded config: as ``Markup``, so Material's own ``|e`` does not
escape it a second time.
``site_url`` needs no escaping: the loader accepts only URL characters
(model.URL), never a quote or an angle bracket.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from markupsafe import escape

from generator.model import Catalogue

REPO = Path(__file__).resolve().parent.parent.parent


def project_dir(catalogue: Path) -> Path:
    """The folder holding mkdocs.yml, docs/ and overrides/: beside the catalogue, else this repo."""
    beside = catalogue.resolve().parent
    return beside if (beside / "mkdocs.yml").is_file() else REPO


def git_commit(folder: Path) -> str | None:
    """Short hash of the checkout the catalogue is in, or None outside git (never fails the build)."""
    try:
        out = subprocess.run(["git", "-C", str(folder), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else None


def docs_dates(docs: Path) -> dict[str, date]:
    """Each hand-written page's date (path under ``docs``: the date of the last commit that changed it),
    from one ``git log``; empty outside git. A page git does not know keeps the site's date."""
    if not docs.is_dir():
        return {}
    try:
        out = subprocess.run(["git", "-C", str(docs), "log", "--format=%x00%cs", "--name-only", "--relative", "--", "."],
                             capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return {}
    found: dict[str, date] = {}
    for block in out.stdout.split("\0")[1:] if out.returncode == 0 else []:  # newest commit first
        day, *names = block.strip("\n").split("\n")
        for name in filter(None, names):
            found.setdefault(name, date.fromisoformat(day))
    return found


def cn_date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def footer_facts(cat: Catalogue, commit: str | None, updated: date) -> dict[str, Any]:
    """Raw (unescaped) values for overrides/: templates there output them with ``|e``."""
    ident = cat.identity
    portal = ident.portal
    contact = ident.contact
    return {
        "title": ident.title,
        "jurisdiction": ident.jurisdiction,
        "publisher": ident.publisher,
        "version": ident.version,
        "effective": ident.effective.isoformat(),
        "effective_text": cn_date(ident.effective),
        "approval": ident.approval or "",
        "updated": updated.isoformat(),
        "updated_text": cn_date(updated),
        "commit": commit or "",
        "sample": bool(ident.sample),
        "portal": {k: getattr(portal, k) or ""
                   for k in ("sponsor", "site_code", "icp", "police_record", "contact", "icp_url", "police_record_url")} if portal else {},
        "contact": {k: getattr(contact, k) or "" for k in ("phone", "email", "address", "hours")} if contact else {},
    }


def _prune_nav(nav: list[Any], docs_dir: Path) -> list[Any]:
    """Drop nav entries whose page was not written (e.g. /workflow/ without general_workflow)."""
    out: list[Any] = []
    for entry in nav:
        if isinstance(entry, dict):
            (title, target), = entry.items()
            if isinstance(target, list):
                sub = _prune_nav(target, docs_dir)
                if sub:
                    out.append({title: sub})
            elif "://" in str(target) or (docs_dir / str(target)).is_file():
                out.append(entry)
        elif (docs_dir / str(entry)).is_file():
            out.append(entry)
    return out


TEXT_KEYS = ("site_name", "site_description")
"""Config values holding catalogue text that Material's templates print without escaping."""


def escape_text(config: Any) -> None:
    """Escape the catalogue text in MkDocs' loaded config (after the YAML round trip, which keeps only str)."""
    for key in TEXT_KEYS:
        if config.get(key):
            config[key] = escape(config[key])


def derived_config(cat: Catalogue, project: Path, docs_dir: Path, site_dir: Path, commit: str | None, updated: date) -> dict[str, Any]:
    base = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8")) or {}
    theme = dict(base.get("theme") or {"name": "material"})
    if theme.get("custom_dir"):
        theme["custom_dir"] = str((project / theme["custom_dir"]).resolve())
    theme["font"] = False  # never fetch fonts from another host
    extra = dict(base.get("extra") or {})
    extra["generator"] = False
    extra["qingdan"] = footer_facts(cat, commit, updated)
    config = dict(base)
    config.update(
        site_name=cat.identity.title,
        site_description=f"{cat.identity.jurisdiction}乡镇履行职责事项清单",
        site_url=cat.identity.site_url or None,
        docs_dir=str(docs_dir),
        site_dir=str(site_dir),
        theme=theme,
        extra=extra,
        use_directory_urls=True,
        plugins=[p for p in base.get("plugins") or [] if p != "search" and not (isinstance(p, dict) and "search" in p)],
        nav=_prune_nav(base.get("nav") or [], docs_dir),
    )
    config.pop("repo_url", None)
    config.pop("edit_uri", None)
    if config["site_url"] is None:
        config.pop("site_url")
    return config
