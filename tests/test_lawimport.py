"""``qingdan import-law`` in bulk: folders, .docx, codes issued in parts, 序言 and 附件, misprints, gaps."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main
from generator.laws.importer import parse_law

ROOT = Path(__file__).resolve().parent.parent
LAWS = ROOT / "tests" / "data" / "laws"

# A made-up code in the database's layout, issued as two files like the 民法典's 编.
PART_ONE = """# 示例法典

2020年5月28日 第十三届全国人民代表大会第三次会议通过

<!-- INFO END -->

## 第一编 总则

### 第一章 基本规定

第一条 为了示例，制定本法。

第二条 本法调整示例关系。

第三条 示例权利受法律保护。
"""
PART_TWO = """# 示例法典

2020年5月28日 第十三届全国人民代表大会第三次会议通过

<!-- INFO END -->

## 第二编 物权

## 第一分编 通则

### 第一章 一般规定

第四条 本编调整物权关系。

第五条 物权的种类由法律规定。
"""


def _law(into: Path, rid: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((into / "laws" / f"{rid}.yml").read_text(encoding="utf-8"))
    return data


def test_parts_of_a_code_are_merged_not_overwritten(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "下载"
    folder.mkdir()
    (folder / "示例法典第二编.md").write_text(PART_TWO, encoding="utf-8")
    (folder / "示例法典第一编.md").write_text(PART_ONE, encoding="utf-8")
    assert main(["import-law", str(folder), "--into", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "并入" in out
    [path] = (tmp_path / "laws").glob("*.yml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(data["articles"]) == ["1", "2", "3", "4", "5"]
    assert [(c["title"], c["start"], c.get("kind", "章")) for c in data["chapters"]] == [
        ("第一编 总则", "1", "编"), ("第一章 基本规定", "1", "章"), ("第二编 物权", "4", "编"), ("第一分编 通则", "4", "分编"),
        ("第一章 一般规定", "4", "章")]
    # importing one part again changes nothing, and keeps the other part
    assert main(["import-law", str(folder / "示例法典第一编.md"), "--into", str(tmp_path)]) == 0
    assert "未变" in capsys.readouterr().out
    assert list(yaml.safe_load(path.read_text(encoding="utf-8"))["articles"]) == ["1", "2", "3", "4", "5"]


def test_preamble_and_appendix_are_their_own_sections() -> None:
    text = """# 示例省条例

2020年1月1日 示例省人民代表大会常务委员会通过

<!-- INFO END -->

序言

本条例的由来是一个示例。

第一条 为了示例，制定本条例。

第二条 本条例自2020年3月1日起施行。

附件：示例名录

一、甲

二、乙
"""
    law = parse_law(text)
    assert law.preamble == ["本条例的由来是一个示例。"]
    assert list(law.articles) == ["1", "2"] and law.articles["2"] == "本条例自2020年3月1日起施行。"
    assert law.appendices == [{"title": "附件：示例名录", "text": "一、甲\n二、乙"}]
    assert law.warnings == []


def test_misprint_and_gap_warnings_name_the_line_and_the_article() -> None:
    text = "# 示例条例\n<!-- INFO END -->\n第一条 一。\n第二条 二。\n笫三条 三。\n\u200b\n第五条 五。\n"
    law = parse_law(text)
    assert list(law.articles) == ["1", "2", "3", "5"]
    assert law.warnings == [
        "第 5 行：“笫三条”中的“笫”疑为“第”的错字，已按“第”读入；请核对原文。",
        "第 7 行：条号不连续，第3条之后是第5条，缺第4条（原文可能有错字或漏行）。",
    ]


def test_docx_folder_fills_the_laws_a_sheet_import_created(minimal_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import docx
    # the sheet import wrote 《森林防火条例》 as a law without text, under an id of its own and a short title
    (minimal_copy / "laws" / "forest-fire-regulation.yml").unlink()
    (minimal_copy / "laws" / "fhtl.yml").write_text("id: fhtl\ntitle: 森林防火条例\nlevel: 行政法规\n", encoding="utf-8")
    for item in (minimal_copy / "items").rglob("*.yml"):
        item.write_text(item.read_text(encoding="utf-8").replace("forest-fire-regulation", "fhtl"), encoding="utf-8")
    source = next(LAWS.glob("森林防火条例(*).md")).read_text(encoding="utf-8")
    document = docx.Document()
    for line in source.splitlines():
        if line.strip() and line.strip() != "<!-- INFO END -->":
            document.add_paragraph(line.lstrip("# "))
    folder = tmp_path / "法规"
    folder.mkdir()
    document.save(str(folder / "森林防火条例.docx"))
    shutil.copy(next(LAWS.glob("消防法(*).md")), folder)
    assert main(["import-law", str(folder), "--into", str(minimal_copy)]) == 0
    out = capsys.readouterr().out
    assert "写入 fhtl.yml" in out
    assert "提醒：消防法(2021-04-29).md：清单中原来没有《中华人民共和国消防法》，已新建 laws/xiaofangfa.yml" in out  # a person decides
    law = _law(minimal_copy, "fhtl")
    assert len(law["articles"]) == 56 and law["level"] == "行政法规"
    assert sorted(p.name for p in (minimal_copy / "laws").iterdir()) == ["fhtl.yml", "xiaofangfa.yml"]
    assert main(["check", str(minimal_copy)]) == 0


def test_broken_docx_is_one_line_and_nothing_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "法规"
    folder.mkdir()
    shutil.copy(next(LAWS.glob("消防法(*).md")), folder)
    (folder / "坏.docx").write_bytes(b"PK\x03\x04 truncated")
    assert main(["import-law", str(folder), "--into", str(tmp_path)]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"无法读取 {folder / '坏.docx'}：")
    assert not (tmp_path / "laws").exists()


def test_law_page_shows_preamble_and_appendices(minimal_copy: Path, tmp_path: Path) -> None:
    law_file = minimal_copy / "laws" / "forest-fire-regulation.yml"
    data = yaml.safe_load(law_file.read_text(encoding="utf-8"))
    data["preamble"] = "序言第一段<b>不是标记</b>。\n序言第二段。"
    data["appendices"] = [{"title": "附件：示例名录", "text": "一、甲\n二、乙"}]
    law_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    site = tmp_path / "site"
    assert main(["build", "--catalogue", str(minimal_copy), "--out", str(site), "--quiet"]) == 0
    page = (site / "laws" / "forest-fire-regulation" / "index.html").read_text(encoding="utf-8")
    preamble, first_article, appendix = page.index("序言第二段"), page.index('id="art-20"'), page.index("附件：示例名录")
    assert preamble < first_article < appendix and "二、乙" in page[appendix:]
    assert "&lt;b&gt;不是标记&lt;/b&gt;" in page and "<b>不是标记" not in page
