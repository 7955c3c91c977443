"""Open data in the site: /downloads/ (XLSX, CSV, JSON + schema) and /items/<code>.json.

The downloads are registered in ``generator.pages.SIDE_WRITERS`` and written into the
docs folder, which MkDocs copies verbatim; the records beside the item and 交办事项
pages go straight into the built site (:func:`write_records`). Every byte comes from the
catalogue (no clock), so two builds publish identical files. The item page
links its JSON and carries the JSON-LD (see ``pages.base.make_env``).
"""

from __future__ import annotations

import functools
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from generator import jsondata
from generator.cache import Cache, key, runs, whole_runs
from generator.model import Catalogue
from generator.pages.base import last_date, render, write_page
from generator.pages.memo import context_digest, item_key
from generator.parallel import CHUNK, Job, chunks, run_jobs
from generator.reuse import keep_all_unread, write_or_keep
from generator.sheets import export

BASENAME = "qingdan"
RUN = 128  # items per cache entry of their records, on average


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def write_files(cat: Catalogue, folder: Path, whole: bytes, keys: list[str] | None, cache: Cache) -> list[dict[str, str]]:
    """The three downloads (``whole``: the bytes of qingdan.json) and the two schemas; returns what the page lists.

    The workbook and the CSV come from the build cache while the catalogue is
    unchanged (by :func:`catalogue_key` of the item ``keys``; None: no cache).
    """
    folder.mkdir(parents=True, exist_ok=True)
    schema_text = json.dumps(jsondata.schema(), ensure_ascii=False, indent=1) + "\n"
    item_schema_text = json.dumps(jsondata.item_schema(), ensure_ascii=False, indent=1) + "\n"
    name = catalogue_key(cat, keys) if keys is not None else ""
    per_item = functools.cache(functools.partial(sheet_rows, cat, keys, cache))  # for the workbook and the CSV, if either is made
    workbook, cut = _workbook(cat, name, cache, per_item)
    table = cache.latest("csv", name, lambda: b"\xef\xbb\xbf" + export.csv_text(per_item()[0]).encode("utf-8"))
    files = [
        (f"{BASENAME}.xlsx", "Excel 工作簿", workbook, "完整清单：事项、部门职责、依据、流程、变更记录、部门、乡镇、分类、法规条文，可导回"
         + (f"；{'、'.join(cut)}的文字超过 Excel 一格的字数上限，已截断并注明，全文见 JSON 文件" if cut else "")),
        (f"{BASENAME}.csv", "CSV", table, "每行一个事项，便于统计"),
        (f"{BASENAME}.json", "JSON", whole, "完整清单，供其他系统读取"),
        (jsondata.SCHEMA_ID, "JSON Schema", schema_text.encode("utf-8"), f"{BASENAME}.json 的数据结构说明"),
        ("item.schema.json", "JSON Schema", item_schema_text.encode("utf-8"), "单个事项 JSON 的数据结构说明"),
    ]
    out = []
    for name, fmt, content, note in files:
        (folder / name).write_bytes(content)
        out.append({"name": name, "format": fmt, "size": human_size(len(content)), "note": note})
    return out


def catalogue_key(cat: Catalogue, keys: list[str]) -> str:
    """The cache key of what depends on the whole catalogue: the rest, and each item's key (``keys``, in order)."""
    return key("catalogue", context_digest(cat), *keys)


def _workbook(cat: Catalogue, name: str, cache: Cache, per_item: Callable[[], list[list[list[Any]]]]) -> tuple[bytes, list[str]]:
    """The workbook (from the cache while the catalogue is unchanged; else the sheets whose rows
    are unchanged come from it) and the cells it had to cut."""

    def make() -> tuple[bytes, bytes]:
        cut: list[str] = []
        workbook = export.xlsx_bytes(cat, cut, cache, per_item())
        return workbook, "\n".join(["cut", *cut]).encode("utf-8")  # never empty: the cache keeps no empty entry

    made: dict[str, bytes] = {}

    def part(which: str) -> bytes:  # both come from one writing of the workbook (it is deterministic)
        if not made:
            made["xlsx"], made["cut"] = make()
        return made[which]

    cut_text = cache.latest("xlsx-cut", name, lambda: part("cut"))
    workbook = cache.latest("xlsx", name, lambda: part("xlsx"))
    return workbook, cut_text.decode("utf-8").split("\n")[1:]


def sheet_rows(cat: Catalogue, keys: list[str] | None, cache: Cache) -> list[list[list[Any]]]:
    """Every item's rows in the workbook's item sheets (``export.item_sheet_rows``); with item ``keys``,
    each run of items' rows from the build cache while its items are unchanged (as :func:`item_texts`)."""
    if keys is None:
        return export.item_sheet_rows(cat)
    merged: list[list[list[Any]]] = [[] for _ in export.ITEM_SHEETS]
    for start, stop in runs(keys, RUN):
        def make(start: int = start, stop: int = stop) -> bytes:
            return pickle.dumps(export.item_sheet_rows(cat, start, stop), protocol=pickle.HIGHEST_PROTOCOL)

        # The key holds the run's place: the items sheet numbers its rows.
        run = pickle.loads(cache.get_or_make("sheet-rows", key("sheet-rows", str(start), *keys[start:stop]), make))
        for rows, more in zip(merged, run, strict=True):
            rows += more
    return merged


def item_keys(cat: Catalogue) -> list[str]:
    """Each item's ``memo.item_key``: what its record depends on.

    A record holds the item, its versions and other records (the site's address,
    townships, departments) but never another item, as the item's pages do.
    """
    return [item_key(cat, item) for item in cat.items]


def item_texts(cat: Catalogue, keys: list[str] | None, cache: Cache, start: int = 0, stop: int | None = None) -> list[str]:
    """Each item's record of ``cat.items[start:stop]`` as ``jsondata.dumps`` text, in catalogue order (see
    :func:`item_records`)."""
    return [record + "\n" for part in item_records(cat, keys, cache, start, stop)
            for record in part.decode("utf-8").split("\n")[:-1]]  # compact JSON has no raw newline


def item_records(cat: Catalogue, keys: list[str] | None, cache: Cache, start: int = 0, stop: int | None = None) -> list[bytes]:
    """The records of ``cat.items[start:stop]`` as UTF-8 ``jsondata.dumps`` texts, several to a part, in
    catalogue order; from the build cache while unchanged (``keys``: :func:`item_keys`, or None without
    a cache). With ``keys``, ``start`` and ``stop`` are bounds of whole runs (:func:`record_bounds`).

    The cache holds the records of a run of items in one entry (thousands of small
    entries cost more to write than to make; see :func:`generator.cache.runs`).
    """
    stop = len(cat.items) if stop is None else stop
    if keys is None:
        return [_records(cat, start, stop)]
    parts: list[bytes] = []
    for a, b in runs(keys, RUN):
        if a < start or b > stop:
            assert b <= start or a >= stop, "not the bounds of runs"
            continue
        parts.append(cache.get_or_make("item-json", key(*keys[a:b]), functools.partial(_records, cat, a, b)))
    return parts


def _records(cat: Catalogue, start: int, stop: int) -> bytes:
    return "".join(jsondata.dumps(jsondata.item_data(cat, item)) for item in cat.items[start:stop]).encode("utf-8")


def record_bounds(cat: Catalogue, keys: list[str] | None) -> list[tuple[int, int]]:
    """``(start, stop)`` of jobs of about ``CHUNK`` items, made of whole runs of :func:`item_texts`."""
    return chunks(len(cat.items)) if keys is None else whole_runs(runs(keys, RUN), CHUNK)


def write_records(site_dir: Path, cat: Catalogue, *, parallel: bool, cache: Cache, previous: Path | None) -> None:
    """/items/<code>.json (and /items/<old code>.json: the same record, whose "code" and "formerly" say
    where it lives now) and /assignments/<id>.json, the very records of the whole-catalogue file.

    Written straight into the built site after MkDocs (16,000 files it would only have copied), on
    forked workers if ``parallel``; a file ``previous`` holds with the same bytes is kept (generator.reuse).
    """
    keys = item_keys(cat) if cache.folder is not None else None
    folder = os.fspath(site_dir)

    def job(start: int, stop: int) -> Job:
        def run() -> int:
            spans = [(start, stop)] if keys is None else [(a, b) for a, b in runs(keys, RUN) if start <= a < stop]
            for a, b in spans:
                # An item's files are its record, which its key stands for: a file the last build wrote
                # for the same key is kept without the record being read (generator.reuse.keep_unread).
                tokens = [None] * (b - a) if keys is None else [key("record-files", name) for name in keys[a:b]]
                todo = [t is None or not keep_all_unread(previous, folder, t) for t in tokens]
                if not any(todo):
                    continue
                for item, text, t, wanted in zip(cat.items[a:b], item_texts(cat, keys, cache, a, b), tokens, todo, strict=True):
                    for code in (item.code, *item.formerly) if wanted else ():
                        rel = f"items/{code}.json"
                        write_or_keep(previous, rel, os.path.join(folder, rel), text.encode("utf-8"), t)
            return stop - start

        return run

    run_jobs([job(a, b) for a, b in record_bounds(cat, keys)], parallel=parallel)
    for a in cat.assignments:
        rel = f"assignments/{a.id}.json"
        write_or_keep(previous, rel, os.path.join(folder, rel), jsondata.dumps(jsondata.assignment_data(cat, a)).encode("utf-8"))


def write_pages(cat: Catalogue, docs_dir: Path, env: jinja2.Environment) -> None:
    """/downloads/: the workbook, CSV and JSON of the whole catalogue, and the page that lists them
    (each record's own file is written after MkDocs: :func:`write_records`)."""
    cache = env.globals.get("build_cache")
    store = cache if isinstance(cache, Cache) else Cache(None)
    # Without a cache nothing is looked up: the keys (30 us an item) are not worked out at all.
    keys = item_keys(cat) if store.folder is not None else None
    assignments = [jsondata.dumps(jsondata.assignment_data(cat, a)).encode("utf-8") for a in cat.assignments]
    # The laws' full text is most of what is not an item: encoded again only when something but the items changed.
    head = store.get_or_make("catalogue-head", key("catalogue-head", context_digest(cat)),
                             lambda: jsondata.catalogue_head(cat).encode("utf-8"))
    whole = jsondata.catalogue_bytes(head, item_records(cat, keys, store), assignments)
    files = write_files(cat, docs_dir / "downloads", whole, keys, store)
    rel = "downloads/index.md"
    body = render(env, "downloads.html", rel, files=files, total=len(cat.items), active=len(cat.active_items),
                  example=cat.active_items[0] if cat.active_items else None)
    write_page(docs_dir, rel, title="数据下载", body=body, updated=last_date(cat), meta={"qd_kind": "downloads"})
