"""``qingdan import-law``: a statute in the national database's text layout -> ``laws/<id>.yml``.

The layout (国家法律法规数据库, as in ``tests/data/laws/``): ``# title``,
promulgation and amendment lines, ``<!-- INFO END -->``, then ``## 第X章`` /
``### 第X节`` headings and articles that start a line with ``第X条``; the lines
after an article up to the next article or heading are its paragraphs (款),
kept one per line. Plain ``.txt`` files without ``#`` marks work the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from generator import yamlwrite
from generator.citations import NUMERAL, article_ref
from generator.errors import QingdanError
from generator.ids import law_id_for
from generator.sheets.book import decode_text
from generator.sheets.refs import law_key

ARTICLE = re.compile(rf"^第\s*({NUMERAL})\s*条(?:之({NUMERAL}))?(?:[\s\u3000]+|$)(.*)$")
ARTICLE_TIGHT = re.compile(rf"^第({NUMERAL})条(?:之({NUMERAL}))?(.+)$")
HEADING = re.compile(rf"^(#+\s*)?(第\s*{NUMERAL}\s*(分编|编|章|节))(?:[\s\u3000]+(.*))?$")
MISPRINT = re.compile(rf"^(#+\s*)?([笫苐弟茀])(\s*{NUMERAL}\s*(?:条|分编|编|章|节))")
"""笫 (and other look-alikes) for 第 at the start of an article or heading: a known typo in published texts."""
PREAMBLE = re.compile(r"^#*\s*序\s*言\s*$")
APPENDIX = re.compile(r"^#*\s*((?:附件|附录|附表)\s*[一二三四五六七八九十\d]*(?:[：:\s　].{0,40})?)$")
INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff")
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
    preamble: list[str] = field(default_factory=list)
    appendices: list[dict[str, str]] = field(default_factory=list)
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
    _body(law, body, len(lines) - len(body) + 1)
    _facts(law, file_date)
    return law


def _body(law: LawText, body: list[str], first_line: int = 1) -> None:
    """Articles, headings, 序言 and 附件; ``first_line`` is the file line of ``body[0]`` (for warnings)."""
    paragraphs: dict[str, list[str]] = {}
    current: list[str] | None = None
    appendix: list[str] | None = None
    appendices: list[tuple[str, list[str]]] = []
    previous: str | None = None
    expected = 1
    for number, raw in enumerate(body, start=first_line):
        line = raw.translate(INVISIBLE).strip().replace("\u3000", " ").strip()
        if not line:
            continue
        typo = MISPRINT.match(line)
        if typo and appendix is None:
            law.warnings.append(f"第 {number} 行：“{typo.group(2)}{typo.group(3).strip()}”中的“{typo.group(2)}”疑为“第”的错字，已按“第”读入；请核对原文。")
            line = (typo.group(1) or "") + "第" + line[typo.end(2):]
        if PREAMBLE.match(line) and not paragraphs:
            current = law.preamble
            continue
        m_app = APPENDIX.match(line)
        if m_app and (paragraphs or law.preamble):
            appendix = []
            appendices.append((m_app.group(1).strip(), appendix))
            continue
        if appendix is not None:
            appendix.append(line)
            continue
        heading = HEADING.match(line)
        if heading and (heading.group(1) or not ARTICLE.match(line)):
            name = re.sub(r"\s+", "", heading.group(2))
            rest = (heading.group(4) or "").strip()
            rest = re.sub(r"\s+", "", rest) if len(rest.replace(" ", "")) <= 4 else rest  # 总 则 -> 总则
            law.chapters.append({"title": f"{name} {rest}".strip(), "start": "", "kind": heading.group(3)})
            current = None
            continue
        if line.startswith("#"):  # another heading: closes the article
            current = None
            continue
        m = ARTICLE.match(line) or _tight(line, expected)
        if m:
            ref = article_ref(m.group(1), m.group(2))
            if ref in paragraphs:
                law.warnings.append(f"第 {number} 行：第{ref}条出现了两次，后一次的文字接在前一次之后。")
                current = paragraphs[ref]
            else:
                current = paragraphs[ref] = []
            if "之" not in ref:
                if int(ref) > expected:
                    missing = f"第{expected}条" if int(ref) == expected + 1 else f"第{expected}条至第{int(ref) - 1}条"
                    after = f"第{previous}条之后是第{ref}条" if previous else f"第一条是第{ref}条"
                    law.warnings.append(f"第 {number} 行：条号不连续，{after}，缺{missing}（原文可能有错字或漏行）。")
                elif int(ref) < expected and ref not in paragraphs:
                    law.warnings.append(f"第 {number} 行：条号倒退，第{previous}条之后是第{ref}条。")
                expected = max(expected, int(ref) + 1)
            previous = ref
            if m.group(3).strip():
                current.append(m.group(3).strip())
            for chapter in law.chapters:
                if not chapter["start"]:
                    chapter["start"] = ref
            continue
        if current is None:
            law.warnings.append(f"第 {number} 行：不属于任何条的文字已略过：{line[:30]}")
            continue
        current.append(line)
    law.articles = {ref: "\n".join(p) for ref, p in paragraphs.items()}
    for ref, text in law.articles.items():
        if not text:
            law.warnings.append(f"第{ref}条没有文字。")
    law.chapters = [c for c in law.chapters if c["start"]]
    law.appendices = [{"title": title, "text": "\n".join(lines)} for title, lines in appendices]


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
    title = str(existing.get("title") or law.title)
    if title != law.title and law_key(title) == law_key(law.title):  # 《森林法》 from a sheet gets the official title
        existing.setdefault("short", title)
        title = law.title
    out: dict[str, Any] = {"id": law_id, "title": title}
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
    text_keys = ("articles", "chapters", "promulgated", "effective", "preamble", "appendices")
    for key, value in existing.items():  # any other fields a person added
        if key not in out and key not in text_keys:
            out[key] = value
    out["articles"] = dict(law.articles)
    if law.chapters:
        out["chapters"] = [dict(c) if c["kind"] != "章" else {"title": c["title"], "start": c["start"]} for c in law.chapters]
    if law.preamble:
        out["preamble"] = "\n".join(law.preamble)
    if law.appendices:
        out["appendices"] = [dict(a) for a in law.appendices]
    return out


def _order(ref: str) -> tuple[int, int]:
    main, _, sub = ref.partition("之")
    return int(main), int(sub or 0)


def merge_part(law: LawText, existing: dict[str, Any] | None) -> tuple[LawText, bool]:
    """A code issued as several files (民法典's 编): a file that is one part keeps the other parts' articles.

    A file is a part when it carries a 编 heading or does not start at 第一条; its
    articles replace those in its own range, the rest stay. A whole text replaces all.
    """
    old = {str(k): str(v) for k, v in ((existing or {}).get("articles") or {}).items()}
    if not old or not law.articles:
        return law, False
    refs = sorted(law.articles, key=_order)
    is_part = any(c["kind"] == "编" for c in law.chapters) or _order(refs[0])[0] > 1
    if not is_part:
        return law, False
    low, high = _order(refs[0]), _order(refs[-1])
    kept = {ref: text for ref, text in old.items() if not low <= _order(ref) <= high}
    if not kept:
        return law, False
    merged = {**kept, **law.articles}
    law.articles = {ref: merged[ref] for ref in sorted(merged, key=_order)}
    old_chapters = [dict(c, kind=c.get("kind", "章")) for c in (existing or {}).get("chapters") or []
                    if not low <= _order(str(c.get("start", "0"))) <= high]
    law.chapters = sorted(old_chapters + law.chapters, key=lambda c: (_order(c["start"]), ["编", "分编", "章", "节"].index(c["kind"])))
    if not law.preamble and (existing or {}).get("preamble"):
        law.preamble = str(existing["preamble"]).split("\n")  # type: ignore[index]
    titles = {a["title"] for a in law.appendices}
    law.appendices = [a for a in (existing or {}).get("appendices") or [] if a.get("title") not in titles] + law.appendices
    return law, True


# --- reading files and finding the law each one fills ---

def read_statute(path: Path) -> str:
    """Text of a .md, .txt or .docx statute; ``QingdanError`` with one line naming the file otherwise."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        try:
            import docx

            document = docx.Document(str(path))
        except Exception as exc:  # noqa: BLE001 - python-docx raises zip, XML and key errors for broken files
            raise QingdanError(f"无法读取 {path}：不是完整的 .docx 文件（{type(exc).__name__}），请重新下载或用 Word/WPS 另存后再导入。") from None
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:  # 附件 tables: one line per row
            lines += ["　".join(dict.fromkeys(c.text.strip() for c in row.cells)) for row in table.rows]
        return "\n".join(lines)
    if suffix not in (".md", ".txt"):
        raise QingdanError(f"无法读取 {path}：只能导入 .docx、.txt 或 .md 格式的法规全文。")
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise QingdanError(f"无法读取 {path}：这不是文本文件。")
    return decode_text(data, path)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader where PyYAML has it: a law file of 500 articles loads in milliseconds."""
_HEAD = re.compile(r"^(id|title|short):\s*(.+)$")


def law_index(laws_dir: Path) -> dict[str, tuple[str, Path]]:
    """Title and short title (normalised) -> (id, file), from the first lines of each law file only.

    Importers write ``id``, ``title`` and ``short`` first, so a library of hundreds of laws
    is indexed without parsing every article of every file.
    """
    out: dict[str, tuple[str, Path]] = {}
    for path in sorted(laws_dir.glob("*.yml")):
        try:
            with path.open(encoding="utf-8-sig") as f:
                head = [f.readline() for _ in range(8)]
        except (OSError, UnicodeDecodeError):
            continue
        fields: dict[str, str] = {}
        for line in head:
            m = _HEAD.match(line.rstrip("\n"))
            if m and m.group(2).strip()[:1] in ("'", '"'):  # quoted: let YAML unquote it
                try:
                    fields[m.group(1)] = str(yaml.load(m.group(2), Loader=_LOADER))
                except yaml.YAMLError:
                    continue
            elif m:
                fields[m.group(1)] = m.group(2).split(" #")[0].strip()
        if "title" not in fields:  # written by hand in another order: read it whole
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
            except (yaml.YAMLError, OSError, UnicodeDecodeError):
                continue
            if not isinstance(data, dict) or not data.get("title"):
                continue
            fields = {k: str(data[k]) for k in ("title", "short") if data.get(k)}
        for key in ("title", "short"):
            if fields.get(key):
                out.setdefault(law_key(fields[key]), (path.stem, path))
    return out


def _load(path: Path) -> dict[str, Any] | None:
    try:
        data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_LOADER)
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _files(source: Path) -> list[Path]:
    if source.is_dir():
        found = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in (".docx", ".txt", ".md")
                       and not p.name.startswith(("~$", ".")) and p.name.lower() != "readme.md")
        if not found:
            raise QingdanError(f"{source} 中没有 .docx、.txt 或 .md 文件。")
        return found
    if not source.is_file():
        raise QingdanError(f"找不到文件 {source}。")
    return [source]


@dataclass
class LawReport:
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def text(self) -> list[str]:
        return self.lines + [f"提醒：{w}" for w in self.warnings]


def import_laws(source: Path, into: Path, law_id: str | None) -> LawReport:
    """Read and parse every file first (nothing is written if one fails), then write each law once."""
    files = _files(source)
    if law_id is not None and len(files) > 1:
        raise QingdanError("--id 只能用于导入单个文件；导入文件夹时按标题对应已有法规。")
    parsed: list[tuple[Path, LawText]] = []
    for path in files:
        m = re.search(r"(\d{4})-(\d{2})-(\d{2})", path.stem)
        file_date = date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
        law = parse_law(read_statute(path), file_date)
        if not law.articles:
            raise QingdanError(f"{path}：没有找到任何条文（每条应以“第X条”开头另起一行）。")
        parsed.append((path, law))
    laws_dir = into / "laws"
    index = law_index(laws_dir) if laws_dir.is_dir() else {}
    taken = {p.stem for p in laws_dir.glob("*.yml")} if laws_dir.is_dir() else set()
    report = LawReport()
    written: dict[str, dict[str, Any]] = {}
    for path, law in parsed:
        rid = law_id
        if rid is None:
            found = index.get(law_key(law.title)) or index.get(law_key(law.title.removeprefix("中华人民共和国")))
            rid = found[0] if found else law_id_for(law.title, taken)
            if not found and index:
                report.warnings.append(f"{path.name}：清单中原来没有《{law.title}》，已新建 laws/{rid}.yml。如果它就是清单里另一种名称的某部法规，"
                                       f"请删去 laws/{rid}.yml，用 qingdan import-law {path.name} --id 那部法规的id 重新导入；否则无需处理。")
        target = laws_dir / f"{rid}.yml"
        existing = written.get(rid) or (_load(target) if target.is_file() else None)
        old_articles = {str(k): str(v).strip() for k, v in ((existing or {}).get("articles") or {}).items()}
        law, merged = merge_part(law, existing)
        record = law_record(law, rid, existing)
        changed = [ref for ref, old in old_articles.items() if ref in law.articles and old != law.articles[ref]]
        if existing is not None and yamlwrite.record_like(existing) == yamlwrite.record_like(record):
            report.lines.append(f"{path.name}：《{law.title}》与 {target.name} 相同，未变。")
        else:
            yamlwrite.write(target, record)
            how = f"并入 {target.name}（同一法规的另一部分，现共 {len(law.articles)} 条）" if merged else f"写入 {target.name}"
            report.lines.append(f"{path.name}：{how}：《{law.title}》{len(record['articles'])} 条，{len(law.chapters)} 个章节标题"
                                + ("，有序言" if law.preamble else "") + (f"，{len(law.appendices)} 个附件" if law.appendices else "")
                                + f"，版本日期 {law.promulgated or '未知'}，施行日期 {law.effective or '未知'}，效力级别“{record['level']}”。")
        if changed and not merged:
            report.warnings.append(f"{path.name}：原文件中 {len(changed)} 条的文字与本次导入不同（已按本次导入更新）：第{'、'.join(changed[:10])}条。")
        report.warnings += [f"{path.name} {w}" for w in law.warnings]
        written[rid] = record
        taken.add(rid)
        index.setdefault(law_key(law.title), (rid, target))
    return report


def run_import_law(source: Path, into: Path, law_id: str | None) -> LawReport:
    if law_id is not None and not re.fullmatch(r"[a-z0-9-]+", law_id):
        raise QingdanError(f"法规 id“{law_id}”格式不对：只能用小写英文字母、数字和连字符“-”。", usage=True)
    return import_laws(source, into, law_id)
