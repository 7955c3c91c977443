"""Run MkDocs (with Material) over a prepared docs folder: the one place that calls MkDocs' build."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from generator.cache import Cache


class MkDocsFailed(Exception):
    """MkDocs refused the configuration or a page; the message is for the user (Chinese)."""


@contextmanager
def _source_date(day: date) -> Iterator[None]:
    """MkDocs stamps sitemap dates and the sitemap.xml.gz header from SOURCE_DATE_EPOCH."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()))
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def run_mkdocs(config_dict: dict[str, Any], work: Path, say: Callable[[str], None], updated: date,
               *, parallel: bool, markdown_all: bool = False, stencils: bool = True, replaces: Path | None = None,
               page_dates: dict[str, date] | None = None, cache: Cache | None = None) -> set[str] | None:
    """Build the site ``config_dict`` describes (its docs_dir must be temporary: the build deletes from it).

    ``parallel`` renders theme pages on forked workers; ``markdown_all`` runs
    Python-Markdown over generated pages too (they come out the same); ``stencils``
    fills alike pages from one theme rendering, outside MkDocs (off: MkDocs
    reads and renders every page, the reference). ``replaces``: the site
    folder this build replaces. Returns its files (generator.reuse.plain_tree)
    if it is updated in place: then its unchanged pages were kept, not written again.
    ``page_dates``: hand-written pages' own dates (config.docs_dates), shown and put in the
    sitemap instead of the site's date. ``cache``: the build cache.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from generator.mkdocs_site.config import escape_text
    from generator.mkdocs_site.plugin import QingdanPlugin

    config_file = work / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config_dict, allow_unicode=True, sort_keys=True), encoding="utf-8")
    mk_log = logging.getLogger("mkdocs")
    level = mk_log.level
    mk_log.setLevel(logging.WARNING)
    try:
        with _source_date(updated):
            for bulk in (stencils, False):  # a stencil that did not hold: again, every page through MkDocs
                config = load_config(str(config_file))
                escape_text(config)
                plugin = QingdanPlugin(say, parallel=parallel, markdown_all=markdown_all, stencils=bulk,
                                       replaces=str(replaces) if replaces is not None else None, page_dates=page_dates,
                                       cache=cache)
                config.plugins["qingdan"] = plugin
                try:
                    build(config)
                finally:
                    plugin.close()
                if not plugin.retry:
                    break
    except MkDocsException as exc:
        raise MkDocsFailed(f"MkDocs 生成失败：{exc}") from exc
    finally:
        mk_log.setLevel(level)
    return plugin.old_files
