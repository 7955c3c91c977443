"""The search index: n-gram posting lists cut into small static files.

Chinese has no spaces, so every run of letters and digits is indexed by its
characters (1-grams), pairs (2-grams) and triples (3-grams). A query matches
the items that hold all the query's longest n-grams, which keeps the words of a
phrase next to each other far better than word indexes do (a shared
3-gram chain is nearly always the phrase itself), and needs no dictionary.

Files, by their logical names (search.write gives each a name from its own
content); all gzip with a zero timestamp, so builds are byte-identical; the
browser inflates them with DecompressionStream, so the transfer stays small
even on a server that does not compress:

- ``g/<n>`` grams whose FNV-1a hash is ``n`` mod ``shards``; per gram its
  items (a bitmap or ascending varint gaps, whichever is smaller) and the items
  that have it in the title (name, codes, keywords): one bit per item of the
  first list, in its order, so a gram common in names costs an eighth of a byte
  per item more, not a byte.
- ``d/<n>`` (JSON) display records of items ``n*DOCS_PER_FILE`` onwards.
- ``c/<n>`` (JSON) code (and former code) without separators -> item number, by hash.
- ``s/<n>`` (JSON) the sentences results quote (search.text.snippet_lines)
  of items ``n*SNIPPETS_PER_FILE`` onwards, fetched only for shown results
  whose name does not hold the match.
- ``f/<facet>-<i>`` a bitmap of the items a filter value keeps.

- ``x/synonyms``, ``x/confusions`` (JSON) the lists of search.forgiving cut to
  this catalogue: synonyms come with the first query's grams, confusions only
  when a query finds nothing.

The manifest also carries what the browser matches without fetching: the
township, department, law and category pages (shown above items).
"""

from __future__ import annotations

import bisect
import collections
import functools
import gzip
import hashlib
import itertools
import json
import math
import operator
import sys
import zlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from generator.cache import Cache
from generator.cache import key as cache_key
from generator.model import Catalogue, Item
from generator.pages.memo import item_key
from generator.parallel import results
from generator.search.forgiving import manifest_part
from generator.search.text import (
    ItemText,
    compact,
    item_text,
    junctions,
    norm,
    runs,
    snippet_lines,
    t2s_table,
)

DOCS_PER_FILE = 32
SNIPPETS_PER_FILE = 32
SHARD_TARGET = 1000  # zlib-1 bytes per gram file, on average: a query fetches one per 3-gram (~1.6 KB as gz -9 in hashed groups)
CODES_PER_FILE = 256
MAX_GRAM = 3
DOC_CHUNK = 512  # items per job of the posting-list step and per cache entry: a changed item redoes its block
GRAM_CHUNK = 2048  # grams per job of the encoding step
RECORD_CHUNK = 1024  # items per job of the display records and sentences: a multiple of both per-file counts
FORK_FROM = 3  # blocks to make from which forked workers are quicker than this process (forking a large build costs)


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


_SHORT = [varint(n) for n in range(1 << 14)]  # one and two bytes: nearly every gap


def gaps(ids: Sequence[int]) -> bytes:
    """Varints of the gaps between ascending ``ids`` (the first from -1), made at C speed."""
    steps = list(map(operator.sub, ids, itertools.chain((0,), map((1).__add__, ids))))  # i - (previous + 1)
    top = max(steps, default=0)
    if top < 0x80:
        return bytes(steps)
    if top < len(_SHORT):
        return b"".join(map(_SHORT.__getitem__, steps))
    return b"".join(map(varint, steps))


_BITS = bytes.maketrans(b"\x00\x01", b"01")


def bitmap(ids: Sequence[int], size: int) -> bytes:
    """Bit ``i % 8`` of byte ``i // 8`` set for each of the (distinct) ``ids``: one flag byte per id,
    read as a binary number (the last flag first) and written out little-endian."""
    length = (size + 7) // 8
    if not length:
        return b""
    flags = bytearray(length * 8)
    collections.deque(map(flags.__setitem__, ids, itertools.repeat(1)), maxlen=0)
    flags.reverse()
    return int(flags.translate(_BITS), 2).to_bytes(length, "little")


def postings(ids: Sequence[int], size: int) -> bytes:
    """Kind byte (0 gaps, 1 bitmap), length, payload: the smaller encoding wins.

    Gaps take at least a byte an item, so a list of more items than the bitmap's
    bytes is a bitmap without trying.
    """
    small = gaps(ids) if len(ids) <= (size + 7) // 8 else None
    if small is None or len(small) > (size + 7) // 8:
        payload = bitmap(ids, size)
        return b"\x01" + varint(len(payload)) + payload
    return b"\x00" + varint(len(small)) + small


def _title_flags(ids: Sequence[int], title: Sequence[int] | None) -> bytes:
    """Length, then bit ``i`` set when the ``i``-th item of ``ids`` has the gram in its title
    (the title's items are among ``ids``: an item's title grams are in its body grams)."""
    if not title:
        return varint(0)
    flags = bitmap(list(map(bisect.bisect_left, itertools.repeat(ids), title)), len(ids))
    return varint(len(flags)) + flags


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def grams(run: str) -> set[str]:
    out: set[str] = set()
    for n in range(1, MAX_GRAM + 1):
        out.update(run[i : i + n] for i in range(len(run) - n + 1))
    return out


@lru_cache(maxsize=200_000)
def _grams(text: str) -> frozenset[str]:
    """Grams of one piece of text; cached, as names, laws and set phrases repeat across items."""
    out = set(junctions(text))
    for run in runs(text):
        out |= grams(run)
    return frozenset(out)


Part = tuple[str, bytes | None] | dict[str, bytes]
"""What a block's job gives: a block of posting lists (:func:`_documents`) or of display records (:func:`_record_files`)."""


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


def doc_record(cat: Catalogue, item: Item) -> list[object]:
    category = cat.category.get(item.category)
    return [item.code, item.name, item.responsibility, category.name if category else item.category,
            1 if item.cancelled else 0, item.formerly, item.keywords]


def pages(cat: Catalogue) -> list[list[object]]:
    """[kind, path, name, other names] of each page a query may find besides items (交办事项 included)."""
    out: list[list[object]] = []
    out += [["township", f"townships/{t.id}/", t.name, []] for t in cat.townships]
    out += [["department", f"departments/{d.id}/", d.name, [d.short] if d.short else []] for d in cat.departments]
    out += [["law", f"laws/{law.id}/", law.title, [law.short] if law.short else []] for law in cat.laws]
    out += [["category", f"categories/{c.id}/", c.name, []] for c in cat.categories]
    out += [["assignment", f"assignments/{a.id}/", a.title, []] for a in cat.assignments]
    return out


def _invert(texts: Sequence[ItemText], start: int) -> bytes:
    """The posting lists of items ``start`` … (their texts), packed: grams, counts, then the item numbers.

    ``[grams, body counts, title counts]`` as JSON, a newline, every gram's item numbers
    (array ``I``, this machine's byte order), then its title items the same way.
    """
    body_of: collections.defaultdict[str, list[int]] = collections.defaultdict(list)
    title_of: collections.defaultdict[str, list[int]] = collections.defaultdict(list)
    for number, text in enumerate(texts, start):
        title = set().union(*map(_grams, text.title))
        body = title.union(*map(_grams, text.body), *map(_grams, text.typed))
        # number appended to each gram's list, the loop in C (a gram's first item makes its list)
        collections.deque(map(list.append, map(body_of.__getitem__, body), itertools.repeat(number)), maxlen=0)
        collections.deque(map(list.append, map(title_of.__getitem__, title), itertools.repeat(number)), maxlen=0)
    order = sorted(body_of)
    head = json_bytes([order, [len(body_of[g]) for g in order], [len(title_of.get(g, ())) for g in order]])
    lists = [*(body_of[g] for g in order), *(title_of.get(g, []) for g in order)]
    return b"".join([head, b"\n", *(array("I", ids).tobytes() for ids in lists)])


TEXT_RUN = 64
"""Items per cache entry of a text digest (see :func:`_documents`): a changed item makes the text of these again."""


def _documents(cat: Catalogue, items: Sequence[Item], start: int, cache: Cache, held: bool = False) -> tuple[str, bytes | None]:
    """The cache key of ``items[start : start + DOC_CHUNK]``'s posting lists (:func:`_invert`), and the lists
    when this made them (without a cache; with one, they are fetched only when the gram files must be
    made again: see :func:`_gram_files`).

    The key names the block's text (the digests of its runs of TEXT_RUN items' texts) and position: the
    gram files are cached by these keys. With a cache, each run's digest is kept by the run's item keys,
    so an unchanged run's text is not even made (``held``: see :func:`_entry`).
    """
    block = items[start : start + DOC_CHUNK]
    subs = [(at, block[at : at + TEXT_RUN]) for at in range(0, len(block), TEXT_RUN)]
    if cache.folder is None:
        texts = [item_text(cat, i) for i in block]
        digests = [_text_digest(texts[at : at + len(sub)]) for at, sub in subs]
    else:
        digests = [_entry(cache, "search-block", _block_key("documents", cat, sub, start + at),
                          functools.partial(_items_digest, cat, sub), held) for at, sub in subs]
    name = cache_key("search-documents", str(start), sys.byteorder, *digests)
    return name, _invert(texts, start) if cache.folder is None else None


def _text_digest(texts: list[ItemText]) -> bytes:
    return hashlib.sha256(json_bytes([[t.title, t.body, t.typed] for t in texts])).hexdigest().encode()


def _items_digest(cat: Catalogue, items: Sequence[Item]) -> bytes:
    return _text_digest([item_text(cat, i) for i in items])


def _lists(cat: Catalogue, items: Sequence[Item], start: int, cache: Cache, name: str) -> bytes:
    """The posting lists of the block at ``start`` whose key is ``name`` (see :func:`_documents`)."""
    return cache.get_or_make("search", name, lambda: _invert([item_text(cat, i) for i in items[start : start + DOC_CHUNK]], start))


def _block_key(kind: str, cat: Catalogue, block: Sequence[Item], start: int) -> str:
    """A block's cache key from its items' keys (generator.pages.memo: the item, its versions and the
    rest of the catalogue, all that an item's text and records show) and its position."""
    return cache_key(f"search-{kind}", str(start), *(item_key(cat, i) for i in block))


def _record_files(cat: Catalogue, items: Sequence[Item], start: int, cache: Cache, held: bool = False) -> dict[str, bytes]:
    """The ``d/`` and ``s/`` files of ``items[start : start + RECORD_CHUNK]`` (from the cache while their items
    are unchanged; ``held``: see :func:`_entry`)."""
    assert RECORD_CHUNK % DOCS_PER_FILE == 0 and RECORD_CHUNK % SNIPPETS_PER_FILE == 0, "a file of two jobs"
    stop = min(start + RECORD_CHUNK, len(items))

    def make() -> bytes:
        files = {}
        for at in range(start, stop, DOCS_PER_FILE):
            files[f"d/{at // DOCS_PER_FILE}"] = gz(json_bytes([doc_record(cat, i) for i in items[at : at + DOCS_PER_FILE]]))
        for at in range(start, stop, SNIPPETS_PER_FILE):
            files[f"s/{at // SNIPPETS_PER_FILE}"] = gz(json_bytes([snippet_lines(cat, i) for i in items[at : at + SNIPPETS_PER_FILE]]))
        return _packed(files)

    if cache.folder is None:
        return _unpacked(make())
    return _unpacked(_entry(cache, "search-records", _block_key("records", cat, items[start:stop], start), make, held))


class _Missing(Exception):
    """The cache lacks an entry that a block needs (see :func:`_entry`)."""


def _entry(cache: Cache, kind: str, name: str, make: Callable[[], bytes], held: bool) -> bytes:
    """The cache's entry, made (and stored) if it lacks it; ``held``: only what the cache holds, else _Missing."""
    if not held:
        return cache.get_or_make(kind, name, make)
    found = cache.load(kind, name)
    if found is None:
        raise _Missing
    return found


def _held(job: Callable[..., Part]) -> Part | None:
    """What ``job`` gives from the cache alone, or None when the cache lacks some of it."""
    try:
        return job(held=True)
    except _Missing:
        return None


def _packed(files: dict[str, bytes]) -> bytes:
    """Named files as one blob: a JSON head of names and sizes, then the bytes."""
    head = json_bytes([[name, len(data)] for name, data in files.items()])
    return head + b"\n" + b"".join(files.values())


def _unpacked(blob: bytes) -> dict[str, bytes]:
    head, _, data = blob.partition(b"\n")
    files, at = {}, 0
    for name, size in json.loads(head):
        files[name] = data[at : at + size]
        at += size
    return files


def _merge(part: bytes, body_of: dict[str, array[int]], title_of: dict[str, array[int]]) -> None:
    head, _, data = part.partition(b"\n")
    order, body_counts, title_counts = json.loads(head)
    view, at, width = memoryview(data), 0, array("I").itemsize
    for counts, lists in ((body_counts, body_of), (title_counts, title_of)):
        for g, n in zip(order, counts, strict=True):
            if n:
                lists.setdefault(g, array("I")).frombytes(view[at : at + n * width])
                at += n * width


def _record(g: str, ids: array[int], title: array[int] | None, size: int) -> bytes:
    return bytes([len(g.encode())]) + g.encode() + postings(ids, size) + _title_flags(ids, title)


def build_index(cat: Catalogue, *, parallel: bool = False, cache: Cache | None = None) -> Index:
    """The index of ``cat``; ``parallel`` uses both cores (forked workers), ``cache`` keeps each
    block of items' posting lists and the gram files made of them for the next build. Neither
    changes a byte of the result."""
    items = sorted(cat.items, key=lambda i: i.code)
    size = len(items)
    store = cache or Cache(None)
    # The blocks' posting lists, and the display records and sentences.
    jobs: list[Callable[..., Part]] = [
        *(functools.partial(_documents, cat, items, start, store) for start in range(0, size, DOC_CHUNK)),
        *(functools.partial(_record_files, cat, items, start, store) for start in range(0, size, RECORD_CHUNK)),
    ]
    # Made before any worker forks: reading every item while workers run (here or on a worker) first copies
    # the memory pages that hold the items (0.6 s of CPU at 16,000 items).
    lookup = {**_code_files(items, store), **_facet_files(cat, items)}
    # What the cache holds is read here; only the blocks it lacks are made, on forked workers when there
    # are more than a few (after an approved change: one run of texts and one block of records, here).
    done: list[Part | None] = [_held(job) for job in jobs] if store.folder is not None else [None] * len(jobs)
    todo = [n for n, part in enumerate(done) if part is None]
    for n, part in zip(todo, results([jobs[n] for n in todo], parallel=parallel and len(todo) > FORK_FROM), strict=True):
        done[n] = part
    code_files = sum(1 for name in lookup if name.startswith("c/"))
    index = Index(files=lookup)
    blocks = [part for part in done if isinstance(part, tuple)]
    grams, shards, t2s = _gram_files(cat, items, blocks, parallel=parallel, cache=store)
    index.files.update((name, data) for name, data in grams.items() if name.startswith("g/"))
    for files in done:
        if isinstance(files, dict):
            index.files.update(files)
    facet_list = [{"key": key, "label": label, "values": [[v, name] for v, name in values]} for key, label, values in facets(cat)]
    index.files.update((name, data) for name, data in grams.items() if name.startswith("x/"))

    index.manifest = {
        "size": size,
        "shards": shards,
        "docsPerFile": DOCS_PER_FILE,
        "snippetsPerFile": SNIPPETS_PER_FILE,
        "codeFiles": code_files,
        "maxGram": MAX_GRAM,
        "facets": facet_list,
        "t2s": t2s,
        "pages": pages(cat),
    }
    return index


def _code_files(items: Sequence[Item], cache: Cache) -> dict[str, bytes]:
    """The ``c/`` files: code without separators -> item number (kept in the cache by the items' codes,
    which an approved change seldom touches)."""
    def make() -> bytes:
        codes: dict[str, int] = {}
        for number, item in enumerate(items):
            for code in (item.code, *item.formerly):
                codes[compact(code)] = number
        code_files = max(1, math.ceil(len(codes) / CODES_PER_FILE))
        by_file: dict[int, dict[str, int]] = {}
        for code, number in sorted(codes.items()):
            by_file.setdefault(fnv1a(code) % code_files, {})[code] = number
        return _packed({f"c/{n}": gz(json_bytes(by_file.get(n, {}))) for n in range(code_files)})

    name = cache_key("search-codes", json_bytes([[item.code, *item.formerly] for item in items]))
    return _unpacked(cache.latest("search-codes", name, make))


def _facet_files(cat: Catalogue, items: Sequence[Item]) -> dict[str, bytes]:
    """The ``f/`` files: a bitmap of the items of each filter value."""
    files: dict[str, bytes] = {}
    everywhere: list[int] = []  # the items of every township
    members: collections.defaultdict[tuple[str, str], list[int]] = collections.defaultdict(list)
    for number, item in enumerate(items):  # (an item named twice under a value sets its bit once)
        members["kind", item.responsibility].append(number)
        members["category", item.category].append(number)
        for duty in item.departments:
            members["department", duty.department].append(number)
        for township in () if item.townships == "all" else item.townships:
            members["township", township].append(number)
        if item.townships == "all":
            everywhere.append(number)
    for key, _, values in facets(cat):
        for i, (v, _) in enumerate(values):
            ids = members.get((key, v), [])
            files[f"f/{key}-{i}"] = gz(bitmap(everywhere + ids if key == "township" else ids, len(items)))
    return files


def _gram_files(cat: Catalogue, items: Sequence[Item], blocks: list[tuple[str, bytes | None]], *, parallel: bool,
                cache: Cache) -> tuple[dict[str, bytes], int, str]:
    """The gram files (``g/<n>``) and what else needs every posting list (``x/`` files), the shard count
    and the manifest's ``t2s``, from the blocks of :func:`_documents` (their keys, in item order, and their
    lists when they were made).

    From the cache while every block's text is unchanged (their keys name their texts
    and positions): a rebuild after a change that search does not see (a history
    entry) neither reads, merges nor encodes the lists again.
    """
    size = len(items)

    def make() -> bytes:
        jobs = [functools.partial(_lists, cat, items, n * DOC_CHUNK, cache, name) for n, (name, made) in enumerate(blocks) if made is None]
        fetched = iter(list(results(jobs, parallel=parallel)))
        parts = [made if made is not None else next(fetched) for _, made in blocks]
        files, shards, t2s = _encode(parts, size, parallel=parallel)
        return json_bytes({"shards": shards, "t2s": t2s}) + b"\n" + _packed(files)  # compact JSON has no raw newline

    name = cache_key("search-grams", str(size), *(block for block, _ in blocks))
    head, _, packed = cache.latest("search-grams", name, make, slot=str(size)).partition(b"\n")
    told = json.loads(head)
    return _unpacked(packed), told["shards"], told["t2s"]


def _encode(parts: list[bytes], size: int, *, parallel: bool) -> tuple[dict[str, bytes], int, str]:
    """:func:`_gram_files` made: the lists merged, every gram's record encoded and the records sharded."""
    body_of: dict[str, array[int]] = {}
    title_of: dict[str, array[int]] = {}
    for part in parts:  # in item order, so every list stays ascending
        _merge(part, body_of, title_of)
    chars = {g for g in body_of if len(g) == 1}

    grams = sorted(body_of)
    windows = [grams[i : i + GRAM_CHUNK] for i in range(0, len(grams), GRAM_CHUNK)]

    def encode(window: list[str]) -> list[bytes]:
        return [_record(g, body_of[g], title_of.get(g), size) for g in window]

    records: dict[str, bytes] = {}
    for window, encoded in zip(windows, results([functools.partial(encode, w) for w in windows], parallel=parallel),
                               strict=True):
        records.update(zip(window, encoded, strict=True))
    ordered = b"".join(records[g] for g in grams)
    shards = shard_count(len(zlib.compress(ordered, 1)))
    grouped: dict[int, list[str]] = {n: [] for n in range(shards)}
    for g in grams:
        grouped[fnv1a(g) % shards].append(g)
    files = {f"g/{n}": gz(b"".join(records[g] for g in names)) for n, names in grouped.items()}

    # Synonyms are fetched with the first query's grams, confusions only when a query finds nothing.
    frequency = {c: len(body_of[c]) for c in chars}
    forgiving = manifest_part(frequency, lambda word: all(g in body_of for g in _chain(norm(word))))
    for name, value in sorted(forgiving.items()):
        files[f"x/{name}"] = gz(json_bytes(value))
    # Only the traditional characters whose simplified form occurs in the catalogue matter.
    t2s = "".join(t + s for t, s in sorted(t2s_table().items()) if s in chars)
    return files, shards, t2s


def shard_count(packed: int) -> int:
    """Gram files for ``packed`` bytes of records (zlib level 1), on a 4.4 % step scale.

    The step scale keeps the count, and so every gram's file, the same when an
    edit changes the index size a little: only the files of changed grams change.
    """
    need = max(1.0, packed / SHARD_TARGET)
    return round(2 ** (math.ceil(16 * math.log2(need)) / 16))


def _chain(word: str) -> list[str]:
    """The grams a query looks up for a word: its 3-grams, or the word itself when shorter."""
    if len(word) <= MAX_GRAM:
        return [word]
    return [word[i : i + MAX_GRAM] for i in range(len(word) - MAX_GRAM + 1)]


def json_bytes(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
