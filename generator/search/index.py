"""The search index: n-gram posting lists cut into small static files.

Chinese has no spaces, so every run of letters and digits is indexed by its
characters (1-grams), pairs (2-grams) and triples (3-grams). A query matches
the items that hold all the query's longest n-grams, which keeps the words of a
phrase next to each other far better than word indexes do (a shared
3-gram chain is nearly always the phrase itself), and needs no dictionary.

Files (all gzip with a zero timestamp, so builds are byte-identical; the browser
inflates them with DecompressionStream, so the transfer stays small even on a
server that does not compress; named ``.bin`` so no server adds a
Content-Encoding header by extension):

- ``g/<n>.bin`` grams whose FNV-1a hash is ``n`` mod ``shards``; per gram its
  items (a bitmap or ascending varint gaps, whichever is smaller) and the items
  that have it in the title (name, codes, keywords).
- ``d/<n>.bin`` (JSON) display records of items ``n*DOCS_PER_FILE`` onwards.
- ``c/<n>.bin`` (JSON) exact code (and former code) -> item number, by code hash.
- ``f/<facet>-<i>.bin`` a bitmap of the items a filter value keeps.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

from generator.model import Catalogue, Item
from generator.search.text import ItemText, item_text, junctions, norm, runs, t2s_table

DOCS_PER_FILE = 64
SHARD_TARGET = 1500  # compressed bytes per gram file, on average: a query fetches one per 3-gram
CODES_PER_FILE = 256
MAX_GRAM = 3


def fnv1a(text: str) -> int:
    """32-bit FNV-1a of the UTF-8 bytes; search.js computes the same."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        low = n & 0x7F
        n >>= 7
        if n:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def gaps(ids: Sequence[int]) -> bytes:
    out, prev = bytearray(), -1
    for i in ids:
        out += varint(i - prev - 1)
        prev = i
    return bytes(out)


def bitmap(ids: Sequence[int], size: int) -> bytes:
    out = bytearray((size + 7) // 8)
    for i in ids:
        out[i >> 3] |= 1 << (i & 7)
    return bytes(out)


def postings(ids: Sequence[int], size: int) -> bytes:
    """Kind byte (0 gaps, 1 bitmap), length, payload: the smaller encoding wins."""
    small = gaps(ids)
    if len(small) > (size + 7) // 8:
        payload = bitmap(ids, size)
        return b"\x01" + varint(len(payload)) + payload
    return b"\x00" + varint(len(small)) + small


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def grams(run: str) -> set[str]:
    out: set[str] = set()
    for n in range(1, MAX_GRAM + 1):
        out.update(run[i : i + n] for i in range(len(run) - n + 1))
    return out


def _grams(text: str) -> set[str]:
    out = set(junctions(text))
    for run in runs(text):
        out |= grams(run)
    return out


@dataclass
class Index:
    """Everything the site needs: file path -> bytes, and the manifest."""

    files: dict[str, bytes] = field(default_factory=dict)
    manifest: dict[str, object] = field(default_factory=dict)


def facets(cat: Catalogue) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(key, label, [(value id, label)]) for each filter, in display order."""
    return [
        ("kind", "责任类型", [(k, cat.labels.of(k)) for k in ("lead", "support", "returned")]),
        ("category", "事项类别", [(c.id, c.name) for c in cat.categories]),
        ("department", "部门", [(d.id, d.name) for d in cat.departments]),
        ("township", "乡镇（街道）", [(t.id, t.name) for t in cat.townships]),
    ]


def facet_members(cat: Catalogue, item: Item, key: str) -> list[str]:
    if key == "kind":
        return [item.responsibility]
    if key == "category":
        return [item.category]
    if key == "department":
        return sorted({d.department for d in item.departments})
    return [t.id for t in cat.item_townships(item)]


def doc_record(cat: Catalogue, item: Item) -> list[object]:
    category = cat.category.get(item.category)
    return [item.code, item.name, item.responsibility, category.name if category else item.category,
            1 if item.cancelled else 0, item.formerly, item.keywords]


def build_index(cat: Catalogue) -> Index:
    items = sorted(cat.items, key=lambda i: i.code)
    size = len(items)
    body_of: dict[str, array[int]] = {}
    title_of: dict[str, array[int]] = {}
    chars: set[str] = set()
    for number, item in enumerate(items):
        text: ItemText = item_text(cat, item)
        title = {g for part in text.title for g in _grams(part)}
        body = {g for part in text.body for g in _grams(part)} | title
        for g in body:
            body_of.setdefault(g, array("I")).append(number)
        for g in title:
            title_of.setdefault(g, array("I")).append(number)
        chars.update(g for g in body if len(g) == 1)

    records = {g: bytes([len(g.encode())]) + g.encode() + postings(ids, size) + varint(len(t := gaps(title_of.get(g, array("I")))))
               + t for g, ids in body_of.items()}
    ordered = b"".join(records[g] for g in sorted(records))
    shards = max(1, math.ceil(len(gz(ordered)) / SHARD_TARGET))
    grouped: dict[int, list[str]] = {}
    for g in records:
        grouped.setdefault(fnv1a(g) % shards, []).append(g)
    index = Index()
    for n, names in grouped.items():
        index.files[f"g/{n}.bin"] = gz(b"".join(records[g] for g in sorted(names)))

    for start in range(0, size, DOCS_PER_FILE):
        chunk = [doc_record(cat, i) for i in items[start : start + DOCS_PER_FILE]]
        index.files[f"d/{start // DOCS_PER_FILE}.bin"] = gz(_json(chunk))

    codes: dict[str, int] = {}
    for number, item in enumerate(items):
        for code in (item.code, *item.formerly):
            codes[norm(code)] = number
    code_files = max(1, math.ceil(len(codes) / CODES_PER_FILE))
    by_file: dict[int, dict[str, int]] = {}
    for code, number in sorted(codes.items()):
        by_file.setdefault(fnv1a(code) % code_files, {})[code] = number
    for n, mapping in by_file.items():
        index.files[f"c/{n}.bin"] = gz(_json(mapping))

    facet_list = []
    for key, label, values in facets(cat):
        members: dict[str, list[int]] = {v: [] for v, _ in values}
        for number, item in enumerate(items):
            for v in facet_members(cat, item, key):
                members.setdefault(v, []).append(number)
        for i, (v, _) in enumerate(values):
            index.files[f"f/{key}-{i}.bin"] = gz(bitmap(members[v], size))
        facet_list.append({"key": key, "label": label, "values": [[v, name] for v, name in values]})

    digest = hashlib.sha256()
    for path in sorted(index.files):
        digest.update(path.encode() + b"\0" + index.files[path])
    index.manifest = {
        "version": 1,
        "data": f"v-{digest.hexdigest()[:12]}/",
        "size": size,
        "shards": shards,
        "docsPerFile": DOCS_PER_FILE,
        "codeFiles": code_files,
        "maxGram": MAX_GRAM,
        "facets": facet_list,
        # Only the traditional characters whose simplified form occurs in the catalogue matter.
        "t2s": "".join(t + s for t, s in sorted(t2s_table().items()) if s in chars),
    }
    return index


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
