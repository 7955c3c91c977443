"""Search index: text normalisation, article numbers, file format and determinism (no browser)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from generator.citations import cn_numeral
from generator.search.index import build_index, fnv1a
from generator.search.text import article_names, item_text, joined, norm, runs
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


def test_every_gram_is_in_the_file_its_hash_names() -> None:
    cat, _ = check(MINIMAL)
    assert cat is not None
    index = build_index(cat)
    shards = int(index.manifest["shards"])  # type: ignore[call-overload]
    name = norm(cat.items[0].name)
    for gram in {name[:1], name[:2], name[:3]}:
        assert gram in _records(index.files[f"g/{fnv1a(gram) % shards}.bin"])
    codes = json.loads(gzip.decompress(index.files["c/0.bin"]))
    assert codes[norm(cat.items[0].code)] == 0


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
    assert (tmp_path / "a" / "search-index" / meta["data"]).is_dir()
