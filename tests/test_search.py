"""Search index: text normalisation, article numbers, file format and determinism (no browser)."""

from __future__ import annotations

import dataclasses
import gzip
import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from generator.citations import cn_numeral
from generator.model import Item
from generator.parallel import results
from generator.search.index import Index, _title_flags, build_index, fnv1a, postings, varint
from generator.search.text import article_names, compact, item_text, joined, norm, runs
from generator.search.write import index_site
from generator.validate import check

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal"


def test_article_numbers_in_both_forms() -> None:
    assert [cn_numeral(n) for n in (1, 10, 15, 20, 34, 100, 102, 110, 1000)] == [
        "一", "十", "十五", "二十", "三十四", "一百", "一百零二", "一百一十", "一千"]
    assert article_names("34") == ["第34条", "第三十四条"]
    assert article_names("34.2") == ["第34条第2款", "第三十四条第二款"]
    assert article_names("10之1") == ["第10条之1", "第十条之一"]


def test_norm_folds_width_case_and_traditional_characters() -> None:
    assert norm("ＳＸ－ＹＪＧＬ－００４") == "sx-yjgl-004"
    assert norm("違規建房") == "违规建房"
    assert norm("森林防火") == "森林防火"
    assert runs("违规建房，森林 防火") == ["违规建房", "森林", "防火"]


def test_item_text_has_what_search_promises() -> None:
    cat, _ = check(MINIMAL)
    assert cat is not None
    item = cat.items[0]
    text = joined(item_text(cat, item))
    assert norm(item.name) in text and norm(item.code) in text
    for citation in item.basis:
        assert norm(cat.law[citation.law].title) in text


SAMPLE = ROOT / "catalogue"


def test_item_text_has_what_the_item_page_shows() -> None:
    """Workflow actors (full and short names), time limits, codes without separators, law + article."""
    cat, _ = check(SAMPLE)
    assert cat is not None
    item = cat.item["SX-CXJS-001"]
    text = joined(item_text(cat, item))
    assert compact(item.code) == "sxcxjs001" and "sxcxjs001" in text.split("\n")
    for step in item.workflow:
        dept = cat.department.get(step.actor)
        names = [dept.name, dept.label] if dept else [cat.actor_label(step.actor)]
        assert all(norm(n) in text for n in names), step.actor
        assert not step.time_limit or norm(step.time_limit) in text
    citation = next(c for c in item.basis if c.articles)
    law = cat.law[citation.law]
    typed = [norm(t) for t in item_text(cat, item).typed]
    for name in (law.title, law.label):
        assert norm(name + article_names(citation.articles[0])[1]) in typed  # 城乡规划法第六十五条


def _records(shard: bytes) -> dict[str, int]:
    """Gram -> record kind, read back from a gram file."""
    data, i, out = gzip.decompress(shard), 0, {}
    while i < len(data):
        n = data[i]
        gram = data[i + 1 : i + 1 + n].decode()
        i += 1 + n
        kind = data[i]
        i += 1
        for _ in range(2):  # body postings, then title postings: varint length + payload
            length, shift = 0, 0
            while True:
                b = data[i]
                i += 1
                length |= (b & 0x7F) << shift
                shift += 7
                if b < 0x80:
                    break
            i += length
        out[gram] = kind
    return out


def _plain_postings(ids: list[int], size: int) -> bytes:
    """The posting list format written out the plain way: varint gaps, or a bitmap when that is smaller."""
    small, prev = bytearray(), -1
    for i in ids:
        small += varint(i - prev - 1)
        prev = i
    if len(small) > (size + 7) // 8:
        bits = bytearray((size + 7) // 8)
        for i in ids:
            bits[i >> 3] |= 1 << (i & 7)
        return b"\x01" + varint(len(bits)) + bytes(bits)
    return b"\x00" + varint(len(small)) + small


def test_posting_lists_are_the_plain_encoding() -> None:
    """The encoders work at C speed (tables, bisection, a big integer); the bytes are the plain loops' ones."""
    size = 40_000
    cases = [[], [0], [size - 1], [5, 6, 7], list(range(0, size, 9)), list(range(0, size, 7)), list(range(size)),
             [3, 130, 20_000, 20_001, 39_999], [0, 16_383, 32_767, 32_768], list(range(100, 2_000, 3)) + [39_990],
             [0, 129], [0, 129, 16_513, 32_898]]  # gaps of 128, 16,383 and 16,384
    for ids in cases:
        assert postings(ids, size) == _plain_postings(ids, size), ids[:5]
        for title in (ids[::3], ids[1::2], ids):
            flags, wanted = bytearray((len(ids) + 7) // 8), set(title)
            for n, item in enumerate(ids):
                if item in wanted:
                    flags[n >> 3] |= 1 << (n & 7)
            assert _title_flags(ids, title) == (varint(len(flags)) + bytes(flags) if title else varint(0)), ids[:5]
    assert postings([0, 2], 3) == _plain_postings([0, 2], 3) and postings([], 0) == _plain_postings([], 0)


def test_every_gram_is_in_the_file_its_hash_names() -> None:
    cat, _ = check(MINIMAL)
    assert cat is not None
    index = build_index(cat)
    shards = int(index.manifest["shards"])  # type: ignore[call-overload]
    name = norm(cat.items[0].name)
    for gram in {name[:1], name[:2], name[:3]}:
        assert gram in _records(index.files[f"g/{fnv1a(gram) % shards}"])
    codes = json.loads(gzip.decompress(index.files["c/0"]))
    assert codes[compact(cat.items[0].code)] == 0


def test_index_is_byte_identical_across_builds(tmp_path: Path) -> None:
    cat, _ = check(MINIMAL)
    assert cat is not None
    for name in ("a", "b"):
        index_site(tmp_path / name, cat)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b and files_a
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    meta = json.loads((tmp_path / "a" / "search-index" / "meta.json").read_text(encoding="utf-8"))
    assert (tmp_path / "a" / "search-index" / meta["manifest"]).is_file()


def _site_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_one_edited_item_changes_only_its_own_index_files(tmp_path: Path) -> None:
    """Files are named by their content: an edit leaves the other files' names and bytes alone."""
    from generator.search.write import digest

    cat, _ = check(SAMPLE)
    assert cat is not None
    index_site(tmp_path / "before", cat)
    old = cat.item["SX-CXJS-001"]  # an edited catalogue is a new one (a build never changes the one it loaded)
    new = dataclasses.replace(old, keywords=[*old.keywords, "宅前堆物"])  # ten new grams at most, one display record
    index_site(tmp_path / "after", dataclasses.replace(cat, items=[new if i is old else i for i in cat.items]))
    before, after = _site_files(tmp_path / "before"), _site_files(tmp_path / "after")
    assert all(rel == "search-index/meta.json" or rel.endswith(f"-{digest(data, 12 if 'manifest' in rel else 6)}.bin")
               for rel, data in after.items())
    changed = set(after) - set(before)
    assert 2 <= len(changed) <= 13 and len(after) > 100, (sorted(changed), len(after))  # grams, d/, manifest
    kept = set(after) & set(before) - {"search-index/meta.json"}
    assert all(before[rel] == after[rel] for rel in kept)
    assert any(rel.startswith("search-index/d/") for rel in kept) and any(rel.startswith("search-index/g/") for rel in kept)


def _same(a: Index, b: Index) -> bool:
    return a.files == b.files and a.manifest == b.manifest


def test_parallel_and_cached_index_builds_give_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both cores, small blocks, a cold, warm and damaged cache: every way gives the one-process bytes."""
    from generator.cache import Cache
    from generator.search import index

    cat, _ = check(SAMPLE)
    assert cat is not None
    plain = build_index(cat)
    monkeypatch.setattr(index, "DOC_CHUNK", 8)  # the sample's items in many blocks, its grams in many windows
    monkeypatch.setattr(index, "TEXT_RUN", 4)  # each block's text digest made of two runs' digests
    monkeypatch.setattr(index, "GRAM_CHUNK", 100)
    monkeypatch.setattr(index, "RECORD_CHUNK", 32)  # and its display records in three jobs
    assert _same(build_index(cat), plain)
    assert _same(build_index(cat, parallel=True), plain)
    folder = tmp_path / "cache"
    assert _same(build_index(cat, parallel=True, cache=Cache(folder)), plain)
    entries = sorted(p for p in folder.rglob("*") if p.is_file())
    assert len(list((folder / "search").iterdir())) == -(-len(cat.items) // 8)  # one entry per block of items
    assert len(list((folder / "search-grams").iterdir())) == 1  # and one of the gram files made of them all
    assert len(list((folder / "search-block").iterdir())) == -(-len(cat.items) // 4)  # each run's text digest, by its item keys
    assert len(list((folder / "search-records").iterdir())) == -(-len(cat.items) // 32)  # each block's display records
    made: list[int] = []  # the number of blocks each call of parallel.results makes

    def counted(jobs: list[Any], *, parallel: bool) -> Any:
        made.append(len(jobs))
        return results(jobs, parallel=parallel)

    monkeypatch.setattr(index, "results", counted)
    assert _same(build_index(cat, cache=Cache(folder)), plain)
    assert made == [0], "a warm cache makes no block"
    for n, entry in enumerate(entries):  # truncated, bit-flipped, emptied
        data = entry.read_bytes()
        entry.write_bytes([data[: len(data) // 2], bytes([data[0] ^ 1]) + data[1:], b""][n % 3])
    assert _same(build_index(cat, parallel=True, cache=Cache(folder)), plain)
    # An edited item (a new catalogue, as a build loads it): its block's text key, posting lists and
    # records are made again (new entries) and the gram files too (in place of the latest ones), the
    # other blocks are read, the bytes are a clean build's.
    old = cat.item["SX-CXJS-001"]
    new = dataclasses.replace(old, keywords=[*old.keywords, "宅前堆物"])
    cat = dataclasses.replace(cat, items=[new if i is old else i for i in cat.items])
    made.clear()
    edited = build_index(cat, cache=Cache(folder))
    assert made[0] == 2, "its block of texts and its block of records are made, no other"  # (then the gram files)
    assert len([p for p in folder.rglob("*") if p.is_file()]) == len(entries) + 3
    assert len(list((folder / "search-grams").iterdir())) == 1
    monkeypatch.undo()
    assert _same(edited, build_index(cat)) and not _same(edited, plain)


def test_each_filter_file_holds_the_items_of_its_value() -> None:
    """``f/<facet>-<i>``: bit n set exactly when item n (in code order) has the i-th value of the facet."""
    from .conftest import SAMPLE

    cat, _ = check(SAMPLE)
    assert cat is not None
    index = build_index(cat)
    items = sorted(cat.items, key=lambda i: i.code)
    facets = {facet["key"]: [v for v, _ in facet["values"]] for facet in index.manifest["facets"]}  # type: ignore[attr-defined]
    has: dict[str, Callable[[Item], set[str]]] = {
        "kind": lambda i: {i.responsibility}, "category": lambda i: {i.category},
        "department": lambda i: {d.department for d in i.departments},
        "township": lambda i: {t.id for t in cat.item_townships(i)}}
    assert set(facets) == set(has)
    for key, values in facets.items():
        for n, value in enumerate(values):
            bits = int.from_bytes(gzip.decompress(index.files[f"f/{key}-{n}"]), "little")
            assert {i for i in range(len(items)) if bits >> i & 1} == {i for i, item in enumerate(items) if value in has[key](item)}
    assert any(i.townships != "all" for i in items) and any(i.townships == "all" for i in items)


def test_an_edit_search_does_not_see_reads_no_posting_lists(tmp_path: Path) -> None:
    """A new history entry changes no text of the index: the gram files come from the cache without
    the blocks' posting lists (their entries are not read, nor made again when they are gone)."""
    from generator.cache import Cache

    cat, _ = check(MINIMAL)
    assert cat is not None
    folder = tmp_path / "cache"
    build_index(cat, cache=Cache(folder))
    shutil.rmtree(folder / "search")
    keys = len(list((folder / "search-block").iterdir()))
    item = cat.items[0]
    entry = dataclasses.replace(item.history[-1], date=date(2099, 1, 2), approval="示编办〔2099〕2号")
    edited = dataclasses.replace(cat, items=[dataclasses.replace(item, history=[*item.history, entry]), *cat.items[1:]])
    assert _same(build_index(edited, cache=Cache(folder)), build_index(edited)) and not (folder / "search").exists()
    assert len(list((folder / "search-block").iterdir())) == keys + 1  # its block's text was made (the same text)


def _reads(char: str) -> set[str]:
    """Toneless readings with zh/ch/sh and -ng folded, the near sounds confusions.txt allows."""
    from pypinyin import Style, pinyin

    out = set()
    for p in pinyin(char, style=Style.NORMAL, heteronym=True)[0]:
        for hard, soft in (("zh", "z"), ("ch", "c"), ("sh", "s")):
            p = p.replace(hard, soft, 1) if p.startswith(hard) else p
        out.add(p[:-1] if p.endswith("ng") else p)
    return out


def test_every_confusion_sounds_or_looks_alike() -> None:
    from generator.search.forgiving import confusion_groups

    groups = confusion_groups()
    assert len(groups) > 100
    for line, chars, note in groups:
        assert len(chars) >= 2 and len(set(chars)) == len(chars), line
        assert all(len(c) == 1 for c in chars), line
        if "形近" in note:
            continue
        for c in chars:
            assert any(_reads(c) & _reads(o) for o in chars if o != c), f"confusions.txt:{line}: {c}"


def test_forgiving_lists_are_cut_to_the_catalogue() -> None:
    from generator.search.forgiving import manifest_part, synonyms

    assert any("盖房" in s.everyday for s in synonyms())
    part = manifest_part({"秆": 5, "竿": 9, "规": 1}, lambda word: word == "建房")
    assert isinstance(part["confusions"], list) and isinstance(part["synonyms"], list)
    confusions = {c[0]: c[1:] for c in part["confusions"]}
    assert confusions["杆"] == "竿秆"  # only characters the catalogue uses, most used first
    assert confusions["归"] == "规" and "秆" in confusions["竿"]
    assert all(set(alts) <= {"秆", "竿", "规"} for alts in confusions.values())
    assert dict(part["synonyms"])["盖房"] == ["建房"]
    assert all(words == ["建房"] for _, words in part["synonyms"])


def test_the_code_files_follow_a_recode_through_the_cache(tmp_path: Path) -> None:
    """The ``c/`` files are kept in the cache by the items' codes: a recoded item makes them again."""
    from generator.cache import Cache

    cat, _ = check(MINIMAL)
    assert cat is not None
    folder = tmp_path / "cache"
    before = build_index(cat, cache=Cache(folder))
    old = cat.items[0]
    new = dataclasses.replace(old, code="T-900", formerly=[old.code])
    recoded = dataclasses.replace(cat, items=sorted([new, *cat.items[1:]], key=lambda i: i.code))
    after = build_index(recoded, cache=Cache(folder))
    assert _same(after, build_index(recoded))
    codes = {name: data for name, data in after.files.items() if name.startswith("c/")}
    assert codes != {name: data for name, data in before.files.items() if name.startswith("c/")}
    found = {k: v for data in codes.values() for k, v in json.loads(gzip.decompress(data)).items()}
    assert found[compact("T-900")] == found[compact(old.code)]
