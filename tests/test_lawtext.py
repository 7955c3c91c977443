"""``qingdan import-law`` on every real statute in tests/data/laws/ (texts of the national law database)."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.citations import cn_number
from generator.cli import main
from generator.laws.importer import parse_law
from generator.validate import check

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "tests" / "data" / "laws"
STATUTES = sorted(REFERENCE.glob("*(*).md"))
MINIMAL = ROOT / "tests" / "data" / "valid" / "minimal"
LINE_ARTICLE = re.compile(r"^第([零〇一二三四五六七八九十百千]+)条(之[一二三四五六七八九十]+)?[ \u3000]")


def _numbers_in(path: Path) -> list[str]:
    """Article numbers as a person counts them: lines that start with 第X条."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = LINE_ARTICLE.match(line.strip())
        if m:
            out.append(str(cn_number(m.group(1))) + (f"之{cn_number(m.group(2)[1:])}" if m.group(2) else ""))
    return out


def test_reference_statutes_are_there() -> None:
    assert len(STATUTES) >= 25


@pytest.mark.parametrize("path", STATUTES, ids=[p.stem for p in STATUTES])
def test_every_article_found_in_order(path: Path, tmp_path: Path) -> None:
    assert main(["import-law", str(path), "--into", str(tmp_path)]) == 0
    [written] = list((tmp_path / "laws").glob("*.yml"))
    data = yaml.safe_load(written.read_text(encoding="utf-8"))
    articles: dict[str, str] = data["articles"]
    expected = _numbers_in(path)
    assert list(articles) == expected, "articles lost, merged or out of order"
    main_numbers = [int(a) for a in articles if "之" not in a]
    assert main_numbers == list(range(1, len(main_numbers) + 1)), "article numbers have a gap"
    assert all(text.strip() for text in articles.values())
    # none merged: no article text contains the start of another article
    assert not any(LINE_ARTICLE.match(p) for text in articles.values() for p in text.split("\n"))
    # the version date comes from the file name; the title from the first line
    version = re.search(r"\((\d{4}-\d{2}-\d{2})\)", path.name).group(1)  # type: ignore[union-attr]
    assert data["promulgated"] == date.fromisoformat(version)
    assert data["effective"] >= data["promulgated"]
    assert data["title"] == path.read_text(encoding="utf-8").splitlines()[0].lstrip("# ").strip()
    starts = [c["start"] for c in data.get("chapters", [])]
    assert all(s in articles for s in starts)


def test_paragraphs_and_chapters_of_forest_law(tmp_path: Path) -> None:
    path = next(p for p in STATUTES if p.name.startswith("森林法"))
    law = parse_law(path.read_text(encoding="utf-8"))
    assert law.title == "中华人民共和国森林法"
    assert law.level == "法律" and law.issuer == "全国人民代表大会常务委员会"
    assert law.effective == date(2020, 7, 1)  # 第八十四条 本法自2020年7月1日起施行
    assert law.articles["10"].split("\n") == ["植树造林、保护森林，是公民应尽的义务。各级人民政府应当组织开展全民义务植树活动。", "每年三月十二日为植树节。"]
    assert law.chapters[0] == {"title": "第一章 总则", "start": "1", "kind": "章"}
    assert law.warnings == []


def test_regulation_gets_state_council_facts() -> None:
    path = next(p for p in STATUTES if p.name.startswith("森林防火条例"))
    law = parse_law(path.read_text(encoding="utf-8"))
    assert (law.level, law.issuer, law.document_number) == ("行政法规", "国务院", "国务院令第541号")
    assert law.effective == date(2009, 1, 1)


def test_sections_and_article_suffixes() -> None:
    text = """# 示例省河湖管理条例

2020年1月1日 示例省人民代表大会常务委员会公告第5号公布

<!-- INFO END -->

## 第一章　总　则

第一条　为了管理河湖，制定本条例。

第二条 本条例适用于本省。
（一）河道；
（二）湖泊。

### 第一节 巡查

第二条之一 乡镇人民政府组织巡查。

第三条本条例自2020年3月1日起施行。
"""
    law = parse_law(text)
    assert list(law.articles) == ["1", "2", "2之1", "3"]
    assert law.articles["2"] == "本条例适用于本省。\n（一）河道；\n（二）湖泊。"
    assert law.articles["3"] == "本条例自2020年3月1日起施行。"
    assert [c["title"] for c in law.chapters] == ["第一章 总则", "第一节 巡查"]
    assert law.chapters[1]["start"] == "2之1"
    assert law.level == "地方性法规"
    assert law.effective == date(2020, 3, 1)


def test_imported_law_passes_check_and_keeps_hand_written_fields(minimal_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    law_file = minimal_copy / "laws" / "forest-fire-regulation.yml"
    law_file.write_text(law_file.read_text(encoding="utf-8") + "source: https://flk.npc.gov.cn/\nshort: 防火条例\n", encoding="utf-8")
    path = next(p for p in STATUTES if p.name.startswith("森林防火条例"))
    # no --id: the existing file with the same title is found and updated in place
    assert main(["import-law", str(path), "--into", str(minimal_copy)]) == 0
    out = capsys.readouterr().out
    assert "forest-fire-regulation.yml" in out and "56 条" in out
    assert sorted(p.name for p in (minimal_copy / "laws").iterdir()) == ["forest-fire-regulation.yml"]
    cat, problems = check(minimal_copy)
    assert cat is not None and not [p for p in problems if p.severity == "error"], problems
    law = cat.law["forest-fire-regulation"]
    assert (law.source, law.short, law.document_number) == ("https://flk.npc.gov.cn/", "防火条例", "国务院令第541号")
    assert len(law.articles) == 56 and law.article_text("20") is not None
    assert law.chapters[0].title == "第一章 总则"


def test_bad_input_is_a_plain_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "空.txt"
    empty.write_text("# 什么也没有\n\n只是一段话。\n", encoding="utf-8")
    assert main(["import-law", str(empty), "--into", str(tmp_path)]) == 1
    assert "没有找到任何条文" in capsys.readouterr().err
    binary = tmp_path / "图片.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert main(["import-law", str(binary), "--into", str(tmp_path)]) == 1
    assert capsys.readouterr().err.splitlines() == [f"无法读取 {binary}：这不是文本文件。"]
    assert main(["import-law", str(tmp_path / "missing.md"), "--into", str(tmp_path)]) == 1
    assert "找不到文件" in capsys.readouterr().err
    assert main(["import-law", str(empty), "--id", "Bad Id", "--into", str(tmp_path)]) == 2


def test_reimport_is_byte_identical(tmp_path: Path) -> None:
    path = next(p for p in STATUTES if p.name.startswith("土地管理法实施条例"))
    assert main(["import-law", str(path), "--id", "land-rules", "--into", str(tmp_path)]) == 0
    first = (tmp_path / "laws" / "land-rules.yml").read_bytes()
    shutil.copy(path, tmp_path / "copy.md")
    assert main(["import-law", str(path), "--id", "land-rules", "--into", str(tmp_path)]) == 0
    assert (tmp_path / "laws" / "land-rules.yml").read_bytes() == first


@given(st.text(alphabet="第条款项之章节一二三十百千零〇两0123456789３（）()、，；《》至\n #", max_size=80))
@settings(max_examples=300, deadline=None)
def test_parsers_never_raise_on_odd_text(text: str) -> None:
    from generator.citations import parse_basis

    parse_basis(text)
    law = parse_law("# 条例\n<!-- INFO END -->\n" + text)
    assert all(re.fullmatch(r"[0-9]+(之[0-9]+)?", ref) for ref in law.articles)


def test_plain_text_copy_without_markdown_marks(tmp_path: Path) -> None:
    """A .txt copied from a web page: no #, no INFO END, the history on one bracketed line."""
    path = next(p for p in STATUTES if p.name.startswith("森林法"))
    lines = path.read_text(encoding="utf-8").splitlines()
    info = [line for line in lines[1 : lines.index("<!-- INFO END -->")] if line.strip()]
    body = [line.lstrip("# ") for line in lines[lines.index("<!-- INFO END -->") + 1 :]]
    text = "\n".join([lines[0].lstrip("# "), "（" + "　".join(info) + "）", *body])
    plain = tmp_path / "森林法.txt"
    plain.write_text(text, encoding="utf-8")
    law = parse_law(text)
    assert law.title == "中华人民共和国森林法" and len(law.articles) == 84
    assert law.chapters[0]["title"] == "第一章 总则"
    assert law.promulgated == date(2019, 12, 28) and law.effective == date(2020, 7, 1)
    assert law.issuer == "全国人民代表大会常务委员会" and law.level == "法律"
    assert len(law.history) == 4
