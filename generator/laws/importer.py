"""``qingdan import-law``: a statute in the national database's text layout -> ``laws/<id>.yml``.

The layout (国家法律法规数据库, as in ``shared/laws-reference/``): ``# title``,
promulgation and amendment lines, ``<!-- INFO END -->``, then ``## 第X章`` /
``### 第X节`` headings and articles that start a line with ``第X条``; the lines
after an article up to the next article or heading are its paragraphs (款),
kept one per line. Plain ``.txt`` files without ``#`` marks work the same.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from generator import yamlwrite
from generator.citations import NUMERAL, article_ref
from generator.ids import law_id_for

ARTICLE = re.compile(rf"^第\s*({NUMERAL})\s*条(?:之({NUMERAL}))?(?:[\s\u3000]+|$)(.*)$")
ARTICLE_TIGHT = re.compile(rf"^第({NUMERAL})条(?:之({NUMERAL}))?(.+)$")
HEADING = re.compile(rf"^(#+\s*)?(第\s*{NUMERAL}\s*([编章节]))(?:[\s\u3000]+(.*))?$")
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
ORDER = re.compile(r"([\u4e00-\u9fff]*令)\s*第\s*(\d+)\s*号")
INFO_END = "<!-- INFO END -->"


@dataclass
class LawText:
    """What a statute file says about itself."""

    title: str
    articles: dict[str, str] = field(default_factory=dict)
    chapters: list[dict[str, str]] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    """Promulgation and amendment lines, oldest first."""
    issuer: str | None = None
    document_number: str | None = None
    promulgated: date | None = None
    effective: date | None = None
    level: str = "规范性文件"
    warnings: list[str] = field(default_factory=list)


def _date(m: re.Match[str]) -> date | None:
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _info(lines: list[str]) -> list[str]:
    """Dated info lines, one per date; wrapped lines are joined first.

    The database's Markdown has one line per event; plain-text copies often put the
    whole history on one bracketed line (（1984年9月20日…通过　根据2009年…修正）).
    """
    text = "".join(line.strip() for line in lines if line.strip())
    text = text.replace("（", "").replace("）", "").replace("(", "").replace(")", "")
    parts = re.split(r"(?=\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)", text)
    return [p.strip().removesuffix("根据").strip() for p in parts if DATE.match(p.strip())]


def _issuer(line: str) -> str | None:
    if "全国人民代表大会常务委员会" in line:
        return "全国人民代表大会常务委员会"
    if "全国人民代表大会" in line:
        return "全国人民代表大会"
    if "国务院" in line:
        return "国务院"
    m = re.search(r"([\u4e00-\u9fff]{2,}?(?:人民代表大会常务委员会|人民政府|部|委员会|总局|局))", DATE.sub("", line))
    return m.group(1) if m else None


def _level(title: str, issuer: str | None) -> str:
    if issuer in ("全国人民代表大会", "全国人民代表大会常务委员会"):
        return "法律"
    if issuer == "国务院":
        return "行政法规"
    if issuer and issuer.endswith("人民代表大会常务委员会"):
        return "地方性法规"
    if issuer and issuer.endswith("人民政府"):
        return "地方政府规章"
    if issuer and issuer.endswith(("部", "委员会", "总局", "局")):
        return "部门规章"
    if title.startswith("中华人民共和国") and title.endswith("法"):
        return "法律"
    return "规范性文件"


def parse_law(text: str, file_date: date | None = None) -> LawText:
    """Parse one statute text; never raises on odd input, it notes warnings instead."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    title = lines[first].strip().lstrip("#").strip() if lines else ""
    rest = lines[first + 1 :]
    marker = next((i for i, line in enumerate(rest) if line.strip() == INFO_END), None)
    if marker is None:  # no marker: info runs to the first heading or article
        marker = next((i for i, line in enumerate(rest) if HEADING.match(line.strip()) or ARTICLE.match(line.strip())), 0)
        info, body = rest[:marker], rest[marker:]
    else:
        info, body = rest[:marker], rest[marker + 1 :]
    law = LawText(title=title, history=_info(info))
    _body(law, body)
    _facts(law, file_date)
    return law


def _body(law: LawText, body: list[str]) -> None:
    paragraphs: dict[str, list[str]] = {}
    current: list[str] | None = None
    expected = 1
    for raw in body:
        line = raw.strip().replace("\u3000", " ").strip()
        if not line:
            continue
        heading = HEADING.match(line)
        if heading and (heading.group(1) or not ARTICLE.match(line)):
            name = re.sub(r"\s+", "", heading.group(2))
            rest = (heading.group(4) or "").strip()
            rest = re.sub(r"\s+", "", rest) if len(rest.replace(" ", "")) <= 4 else rest  # 总 则 -> 总则
            law.chapters.append({"title": f"{name} {rest}".strip(), "start": "", "kind": heading.group(3)})
            current = None
            continue
        if line.startswith("#"):  # another heading (e.g. 附件): closes the article
            current = None
            continue
        m = ARTICLE.match(line) or _tight(line, expected)
        if m:
            ref = article_ref(m.group(1), m.group(2))
            if ref in paragraphs:
                law.warnings.append(f"第{ref}条出现了两次，后一次的文字接在前一次之后。")
                current = paragraphs[ref]
            else:
                current = paragraphs[ref] = []
            if "之" not in ref:
                if int(ref) != expected:
                    law.warnings.append(f"条号不连续：第{expected}条之后是第{ref}条。")
                expected = int(ref) + 1
            if m.group(3).strip():
                current.append(m.group(3).strip())
            for chapter in law.chapters:
                if not chapter["start"]:
                    chapter["start"] = ref
            continue
        if current is None:
            law.warnings.append(f"不属于任何条的文字已略过：{line[:30]}")
            continue
        current.append(line)
    law.articles = {ref: "\n".join(p) for ref, p in paragraphs.items()}
    empty = [ref for ref, text in law.articles.items() if not text]
    for ref in empty:
        law.warnings.append(f"第{ref}条没有文字。")
    law.chapters = [c for c in law.chapters if c["start"]]


def _tight(line: str, expected: int) -> re.Match[str] | None:
    """``第五条为了…`` (no space) counts as an article only where the numbering expects it."""
    m = ARTICLE_TIGHT.match(line)
    if m and not m.group(2):
        try:
            if int(article_ref(m.group(1))) == expected:
                return m
        except ValueError:
            return None
    return None


def _facts(law: LawText, file_date: date | None) -> None:
    dated = [(d, line) for line in law.history if (m := DATE.match(line)) and (d := _date(m))]
    if dated:
        law.issuer = _issuer(dated[0][1])
    orders = [m for line in law.history for m in ORDER.finditer(line)]
    if orders:
        law.document_number = f"{orders[-1].group(1).removeprefix('中华人民共和国')}第{orders[-1].group(2)}号"
    law.level = _level(law.title, law.issuer)
    made = [d for d, line in dated if "施行" not in line]
    version = file_date or (made[-1] if made else None)
    law.promulgated = version
    starts = [d for d, line in dated if "施行" in line]
    # The closing article (本法自…起施行) dates a revision; after an amendment it still names the old date.
    tail = next((m for text in reversed(list(law.articles.values())[-3:]) for m in [re.search(r"自(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)起施行", text)] if m), None)
    if tail and (m := DATE.match(tail.group(1))) and (d := _date(m)):
        starts.append(d)
    later = [d for d in starts if version is None or d >= version]
    law.effective = min(later) if later else version


def law_record(law: LawText, law_id: str, existing: dict[str, Any] | None) -> dict[str, Any]:
    """The YAML mapping: text-derived fields, with an existing file's other fields kept."""
    existing = dict(existing or {})
    out: dict[str, Any] = {"id": law_id, "title": existing.get("title") or law.title}
    short = law.title.removeprefix("中华人民共和国")
    for key, guess in (
        ("short", short if short != law.title else None),
        ("level", law.level),
        ("issuer", law.issuer),
        ("document_number", law.document_number),
    ):
        value = existing.get(key) or guess
        if value:
            out[key] = value
    if law.promulgated:
        out["promulgated"] = law.promulgated
    if law.effective:
        out["effective"] = law.effective
    if existing.get("source"):
        out["source"] = existing["source"]
    for key, value in existing.items():  # any other fields a person added
        if key not in out and key not in ("articles", "chapters", "promulgated", "effective"):
            out[key] = value
    out["articles"] = dict(law.articles)
    if law.chapters:
        out["chapters"] = [dict(c) if c["kind"] != "章" else {"title": c["title"], "start": c["start"]} for c in law.chapters]
    return out


def _find_existing(laws_dir: Path, title: str) -> tuple[str, dict[str, Any]] | None:
    """An existing law file with this title (so re-imports keep hand-chosen ids)."""
    for path in sorted(laws_dir.glob("*.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except (yaml.YAMLError, OSError, UnicodeDecodeError):
            continue
        if isinstance(data, dict) and str(data.get("title", "")).strip() == title:
            return path.stem, data
    return None


def run_import_law(file: Path, into: Path, law_id: str | None) -> int:
    if not file.is_file():
        print(f"找不到文件 {file}。", file=sys.stderr)
        return 2
    if law_id is not None and not re.fullmatch(r"[a-z0-9-]+", law_id):
        print(f"法规 id“{law_id}”格式不对：只能用小写英文字母、数字和连字符“-”。", file=sys.stderr)
        return 2
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        print(f"{file} 不是 UTF-8 编码：请用“UTF-8”编码另存后再导入。", file=sys.stderr)
        return 1
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})", file.stem)
    file_date = date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    law = parse_law(text, file_date)
    if not law.articles:
        print(f"{file}：没有找到任何条文（每条应以“第X条”开头另起一行）。", file=sys.stderr)
        return 1
    laws_dir = into / "laws"
    existing: dict[str, Any] | None = None
    if law_id is None:
        found = _find_existing(laws_dir, law.title)
        law_id, existing = found if found else (law_id_for(law.title, {p.stem for p in laws_dir.glob("*.yml")}), None)
    target = laws_dir / f"{law_id}.yml"
    if existing is None and target.is_file():
        existing = yaml.safe_load(target.read_text(encoding="utf-8-sig"))
        existing = existing if isinstance(existing, dict) else None
    changed = [ref for ref, old in ((existing or {}).get("articles") or {}).items()
               if str(ref) in law.articles and str(old).strip() != law.articles[str(ref)]]
    yamlwrite.write(target, law_record(law, law_id, existing))
    print(f"已写入 {target}：《{law.title}》{len(law.articles)} 条，{len(law.chapters)} 个章节标题，"
          f"版本日期 {law.promulgated or '未知'}，施行日期 {law.effective or '未知'}，效力级别“{law_record(law, law_id, existing)['level']}”。")
    if changed:
        print(f"注意：原文件中 {len(changed)} 条的文字与本次导入不同（已按本次导入更新）：第{'、'.join(changed[:10])}条。")
    for warning in law.warnings:
        print(f"提醒：{warning}")
    return 0
