"""``qingdan import``: a county workbook (or our own export) -> catalogue files, and a report.

The target folder's catalogue.yml is kept. New departments, townships,
categories and laws are appended to their files (comments stay); items are
written one file each. Every sheet is read, and every row with text gets a
fate in the report: imported as a code, merged into a code, or skipped with
the reason. Everything is read and mapped before the first file is written,
so a file that cannot be read changes nothing. Afterwards the folder is
checked and the report says exactly what a person still has to do.
"""

from __future__ import annotations

import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml

from generator import yamlwrite
from generator.errors import QingdanError
from generator.load import load
from generator.model import CODE, Catalogue, Item, fields_of
from generator.problems import Problem, errors
from generator.sheets import assignments, exact
from generator.sheets.book import Book, open_book
from generator.sheets.layout import ITEMS_SHEET, sheet_kind, squeeze
from generator.sheets.read import SheetRows, read_sheet
from generator.sheets.refs import Registry
from generator.sheets.rows import merge_continuation, row_item
from generator.validate import check

PLACEHOLDER = "待补充批准文件"
ITEM_ORDER = [f.name for f in fields_of(Item)]
MAX_LINES = 60
"""At most this many problem lines of each kind in the report; the rest are counted."""


Status = Literal["imported", "merged", "skipped"]
PART = {"lead": "JB", "support": "PH", "returned": "SH"}
"""Code part for a sheet that holds one list (基本履职 JB, 配合履职 PH, 上级部门收回 SH): their 序号 each restart at 1."""


@dataclass
class Fate:
    """What became of one input row."""

    sheet: str
    row: int
    status: Status
    code: str | None = None
    reason: str = ""


@dataclass
class Report:
    file: str = ""
    lines: list[str] = field(default_factory=list)
    """What was read and written, in order."""
    fates: list[Fate] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    """Rows imported with a remark (a department without duties …), by sheet and row."""
    decisions: list[str] = field(default_factory=list)
    """What a person must decide: what, where, and how."""
    left: list[str] = field(default_factory=list)
    """Errors left after the import, grouped into tasks."""
    checked: int | None = None
    """Items in the catalogue when it passed ``check`` after the import."""
    dry_run: bool = False
    sheets: list[str] = field(default_factory=list)
    """Sheet names in workbook order (the report lists rows in this order)."""

    def say(self, text: str) -> None:
        self.lines.append(text)

    @property
    def exit_code(self) -> int:
        """1 while a person still has something to do (errors left, decisions), else 0."""
        return 1 if self.left or self.decisions else 0

    def fate(self, sheet: str, row: int, status: Status, code: str | None = None, reason: str = "") -> None:
        self.fates.append(Fate(sheet, row, status, code, reason))


@dataclass
class Mapping:
    headers: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    header_row: int | None = None


def read_mapping(path: Path | None) -> Mapping:
    """The optional mapping file: ``headers`` (表头 -> 字段), ``responsibility``, ``sheet``, ``header_row``."""
    if path is None:
        return Mapping()
    from generator.sheets.layout import FIELDS, HEADER_WORDS, KIND_WORDS

    data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}：映射文件应为键值表（headers:、responsibility:）。")
    headers: dict[str, str] = {}
    for header, target in (data.get("headers") or {}).items():
        key = target if target in FIELDS else HEADER_WORDS.get(str(target))
        if key is None:
            raise ValueError(f"{path}：headers 中“{header}: {target}”的目标不认识；可用：{'、'.join(FIELDS)}，或标准表头如“乡镇职责”。")
        headers[str(header)] = key
    kinds: dict[str, str] = {}
    for word, target in (data.get("responsibility") or {}).items():
        kind = target if target in ("lead", "support", "returned") else KIND_WORDS.get(str(target))
        if kind is None:
            raise ValueError(f"{path}：responsibility 中“{word}: {target}”应对应 lead、support 或 returned。")
        kinds[str(word)] = kind
    row = data.get("header_row")
    return Mapping(headers, kinds, data.get("sheet"), int(row) if row else None)


def _ordered(item: dict[str, Any]) -> dict[str, Any]:
    """Keys in the model's order; empty optional values left out (basis and history are required)."""
    return {k: item[k] for k in ITEM_ORDER if k in item and (item[k] not in (None, []) or k in ("basis", "history"))}


def _seq_number(text: str) -> int | None:
    m = re.fullmatch(r"[（(]?\s*(\d+)\s*[)）.、]?", text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    return int(m.group(1)) if m else None


def _code_for(row_code: str, seq: int | None, running: int, kind: str, part: bool, prefix: str, width: int) -> str:
    if row_code:
        return row_code
    number = f"{seq or running:0{width}d}"
    return f"{prefix}-{PART[kind]}-{number}" if part else f"{prefix}-{number}"


def _sheets(book: Book, mapping: Mapping, report: Report) -> list[tuple[str, SheetRows]]:
    """Every sheet with a header row; the others are named in the report with their rows."""
    names = [mapping.sheet] if mapping.sheet else book.sheetnames
    out = []
    for name in names:
        if name not in book.sheetnames:
            raise QingdanError(f"{report.file}：工作簿中没有名为“{name}”的工作表；现有：{'、'.join(book.sheetnames)}。")
        if assignments.is_assignment_sheet(name):
            continue  # read by _assignments
        grid = book[name]
        sheet = read_sheet(grid, mapping.headers, mapping.header_row)
        if sheet is None or "name" not in sheet.columns.values():
            if grid.rows:
                report.say(f"工作表“{name}”：没有找到表头行（应有“事项名称”等列），整张表未导入。")
                for r in grid.rows:
                    report.fate(name, r, "skipped", reason="所在工作表没有表头行")
            else:
                report.say(f"工作表“{name}”：空表。")
            continue
        kind = sheet_kind(name)
        said = f"工作表“{name}”：第 {sheet.header_row} 行为表头，识别的列：" + "、".join(sorted(set(sheet.columns.values())))
        lists = {"lead": "基本履职（主体责任）", "support": "配合履职（配合责任）", "returned": "上级部门收回"}
        report.say(said + (f"；按表名，本表为{lists[kind]}事项。" if kind else "。"))
        if sheet.unknown_headers:
            report.say(f"工作表“{name}”未识别、已忽略的列：" + "、".join(sheet.unknown_headers) + "（可在映射文件 headers 中指定）。")
        out.append((name, sheet))
    if not out and not any(assignments.is_assignment_sheet(n) for n in book.sheetnames):
        raise QingdanError(f"{report.file}：没有找到表头行（应有“事项名称”“责任类型”等列）。表头用词不同时，请用 --mapping 指定映射文件。")
    return out


def _plain(book: Book, cat: Catalogue, reg: Registry, prefix: str, mapping: Mapping, approval: str, report: Report) -> list[dict[str, Any]]:
    labels = {k: cat.labels.of(k) for k in ("lead", "support", "returned")}
    existing = {i.code: i for i in cat.items}
    out: list[dict[str, Any]] = []
    assigned: dict[str, tuple[str, int]] = {}
    used: set[str] = {c for i in cat.items for c in i.formerly}
    for name, sheet in _sheets(book, mapping, report):
        for number, why in sheet.skipped:
            report.fate(name, number, "skipped", reason=why)
        kind_of_sheet = sheet_kind(name)
        default_category = None
        if not {"category", "group"} & set(sheet.columns.values()) and not any(r.section for r in sheet.rows):
            default_category = name if kind_of_sheet else "未分类"
            report.say(f"工作表“{name}”没有类别列，也没有分类行：其中的事项归入分类“{default_category}”（可在 categories.yml 中改名）。")
        has_marks = any(k.startswith("mark:") for k in sheet.columns.values())
        seqs = [_seq_number(r.values.get("seq", "")) for r in sheet.rows if not r.continued]
        width = max(3, len(str(max([s for s in seqs if s] or [0]))))
        running = 0
        last: tuple[int, dict[str, Any] | None] | None = None  # the row above and what it became
        for row in sheet.rows:
            where = f"工作表“{name}”第 {row.number} 行"
            reg.where = where
            if row.continued:
                if last is None:
                    report.fate(name, row.number, "skipped", reason="是上一行的续行（事项名称向下合并），但上面没有事项")
                elif last[1] is None:
                    report.fate(name, row.number, "skipped", reason=f"是第 {last[0]} 行的续行，第 {last[0]} 行未导入")
                else:
                    target = last[1]
                    result = row_item(row, target["code"], reg, labels, mapping.kinds, kind_of_sheet, has_marks, default_category)
                    if result.item:
                        merge_continuation(target, result.item)
                    report.fate(name, row.number, "merged", target["code"], f"并入第 {last[0]} 行的事项")
                    report.remarks += [f"{where}（{target['code']} 的续行）：{p}。" for p in result.problems if p != "没有乡镇职责"]
                continue
            running += 1
            row_code = row.values.get("code", "").strip().translate(str.maketrans("０１２３４５６７８９－", "0123456789-"))
            if row_code and not re.match(CODE, row_code):
                report.remarks.append(f"{where}：编码“{row_code}”含有不允许的字符，已改用自动编码。")
                row_code = ""
            result = row_item(row, "", reg, labels, mapping.kinds, kind_of_sheet, has_marks, default_category)
            if result.item is None:
                report.fate(name, row.number, "skipped", reason="；".join(result.problems))
                last = (row.number, None)
                continue
            item = result.item
            code = _code_for(row_code, _seq_number(row.values.get("seq", "")), running, item["responsibility"],
                             not sheet.kind_from_columns, prefix, width)
            if code in used:
                n = 2
                while f"{code}-{n}" in used:
                    n += 1
                first = assigned.get(code)
                report.remarks.append(f"{where}：编码“{code}”已用于{f'工作表“{first[0]}”第 {first[1]} 行' if first else '一个旧编码'}，本行改为“{code}-{n}”。")
                code = f"{code}-{n}"
            old = existing.get(code)
            if old is not None and not row_code and (squeeze(old.name) != squeeze(item["name"]) or old.responsibility != item["responsibility"]):
                why = (f"自动编码“{code}”已是另一个事项“{old.name}”（{old.file}），为免覆盖，本行“{item['name']}”未导入")
                report.fate(name, row.number, "skipped", reason=why)
                report.decisions.append(f"{where}：{why}。处理：在表中加一列“事项编码”写明本行的编码，或用 --code-prefix 换一个前缀后重新导入。")
                last = (row.number, None)
                continue
            item["code"] = code
            used.add(code)
            assigned[code] = (name, row.number)
            report.remarks += [f"{where}（{code}）：{p}。" for p in result.problems]
            if old is not None:
                item["history"] = yamlwrite.record(old.history)
                if old.formerly and "formerly" not in item:
                    item["formerly"] = list(old.formerly)
                if old.workflow:
                    item["workflow"] = yamlwrite.record(old.workflow)
            else:
                item["history"] = [{"date": cat.identity.effective, "action": "added", "approval": approval}]
            out.append(item)
            report.fate(name, row.number, "imported", code, item["name"])
            last = (row.number, item)
    return out


def _exact(book: Book, cat: Catalogue, reg: Registry, report: Report) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]], dict[str, dict[str, Any]]]:
    lists = exact.lists(book)
    laws = exact.laws(book)
    for d in lists["departments"]:
        reg.learn("departments", d["id"], d["name"], d.get("short"))
    for town in lists["townships"]:
        reg.learn("townships", town["id"], town["name"])
    for law in laws.values():
        reg.learn("laws", law["id"], law["title"], law.get("short"))
    category_ids = {c.name: c.id for c in cat.categories} | {c["name"]: c["id"] for c in lists["categories"]}
    township_ids = {t.name: t.id for t in cat.townships} | {t["name"]: t["id"] for t in lists["townships"]}
    labels = {k: cat.labels.of(k) for k in ("lead", "support", "returned")}
    rows, problems = exact.items(book, category_ids, township_ids, labels)
    report.remarks += problems
    for number, item in rows:
        report.fate(ITEMS_SHEET, number, "imported", item["code"], item["name"])
    report.say(f"读取本工具导出的工作簿：{len(rows)} 个事项，{len(laws)} 部法规。")
    return [item for _, item in rows], lists, laws


def _write_lists(root: Path, cat: Catalogue, lists: dict[str, list[dict[str, Any]]], report: Report) -> None:
    """New records appended (comments kept); a changed record rewrites its file, merged by id."""
    for kind, records in lists.items():
        path = root / f"{kind}.yml"
        if not path.is_file() and not records:
            path.write_text("[]\n", encoding="utf-8")
            what = {"departments": "部门", "townships": "乡镇（街道）", "categories": "分类"}[kind]
            report.say(f"{path.name} 原来没有，已建立空列表：请补充本县的{what}。")
        current = {r.id: yamlwrite.record(r) for r in getattr(cat, kind)}
        new = [r for r in records if r["id"] not in current]
        changed = [r for r in records if r["id"] in current and r != current[r["id"]]]
        if changed:  # a value changed: the file is rewritten, merged by id
            merged = [next((r for r in changed if r["id"] == rid), rec) for rid, rec in current.items()] + new
            yamlwrite.write(path, merged)
            report.say(f"{path.name}：更新 {len(changed)} 条（{'、'.join(r['id'] for r in changed[:10])}），新增 {len(new)} 条。")
        elif new:
            yamlwrite.append_records(path, new)
            report.say(f"{path.name}：新增 {len(new)} 条：" + "、".join(f"{r['id']}（{r['name']}）" for r in new[:30]) + ("……" if len(new) > 30 else "") + "。")


def _assignments(book: Book, cat: Catalogue, reg: Registry, report: Report) -> list[dict[str, Any]]:
    """Every 交办事项 sheet: each row imported into an assignment or skipped with its reason."""
    out: list[dict[str, Any]] = []
    for name in book.sheetnames:
        if not assignments.is_assignment_sheet(name):
            continue
        result = assignments.read(book[name], cat, reg)
        if result is None:
            report.say(f"工作表“{name}”：没有找到交办事项的表头行（应有“交办事项”“交办部门”“批准文件”等列），整张表未导入。")
            for r in book[name].rows:
                report.fate(name, r, "skipped", reason="所在工作表没有表头行")
            continue
        for row, status, aid, text in result.fates:
            report.fate(name, row, "imported" if status == "imported" else "skipped", aid, text)
        report.remarks += [f"工作表“{name}”第 {row} 行：{remark}。" for row, remark in result.remarks]
        report.say(f"工作表“{name}”：交办事项 {len(result.records)} 项。")
        out += result.records
    return out


def _write_assignments(root: Path, cat: Catalogue, records: list[dict[str, Any]], report: Report) -> None:
    current = {a.id: yamlwrite.record(a) for a in cat.assignments}
    created = updated = same = 0
    for record in records:
        if current.get(record["id"]) == yamlwrite.record_like(record):
            same += 1
            continue
        created, updated = (created, updated + 1) if record["id"] in current else (created + 1, updated)
        yamlwrite.write(root / "assignments" / f"{record['id']}.yml", record)
    if records:
        report.say(f"交办事项：新建 {created} 项，更新 {updated} 项，未变 {same} 项。")


def _write_items(root: Path, cat: Catalogue, items: list[dict[str, Any]], report: Report) -> None:
    where = {i.code: root / i.file for i in cat.items}
    current = {i.code: yamlwrite.record(i) for i in cat.items}
    created = updated = same = 0
    for item in items:
        record = _ordered(item)
        code = record["code"]
        if current.get(code) == yamlwrite.record_like(record):
            same += 1
            continue
        path = where.get(code) or root / "items" / record["category"] / f"{code}.yml"
        created, updated = (created, updated + 1) if code in where else (created + 1, updated)
        yamlwrite.write(path, record)
    report.say(f"事项：新建 {created} 个，更新 {updated} 个，未变 {same} 个。")


def _what_is_left(problems: list[Problem], cat: Catalogue | None, into: Path, seen: dict[str, str] | None = None) -> list[str]:
    """Group the remaining errors into tasks for a person; ``seen`` gives where a law was first cited (by id)."""
    out: list[str] = []
    missing: dict[str, set[str]] = defaultdict(set)
    rest = []
    for p in errors(problems):
        m = re.search(r"《(.+?)》没有收录第 (\S+) 条", p.message)
        if p.code == "unknown-article" and m:
            missing[m.group(1)].add(m.group(2))
        else:
            rest.append(p)
    laws = {law.title: law for law in cat.laws} if cat else {}
    for title, numbers in sorted(missing.items()):
        law = laws.get(title)
        nums = "、".join(sorted(numbers, key=lambda a: [int(x) for x in re.findall(r"\d+", a)]))
        where = (seen or {}).get(law.id, "") if law else ""
        out.append(f"《{title}》（{where + '首次引用' if where else '已有法规'}）缺少第 {nums} 条的原文：把它的全文（国家法律法规数据库下载的 .docx、.txt 或 .md）放进法规文件夹，"
                   f"运行 qingdan import-law 法规文件夹 --into {into}；或在 {law.file if law else 'laws/'} 的 articles 中补写。")
    for p in rest[:MAX_LINES]:
        out.append(p.text())
    if len(rest) > MAX_LINES:
        out.append(f"……另有 {len(rest) - MAX_LINES} 处错误，请运行 qingdan check {into} 查看全部。")
    return out


def _decisions(reg: Registry, cat: Catalogue, report: Report) -> None:
    known = {d.id: d.name for d in cat.departments} | {d["id"]: d["name"] for d in reg.new["departments"]}
    for record, other in reg.similar_departments():
        where = reg.first_seen.get(f"departments:{record['id']}", "")
        report.decisions.append(
            f"{where}：部门“{record.get('short', record['name'])}”与“{known.get(other, other)}”（{other}）可能是同一个部门，已作为新部门 {record['id']} 导入。"
            f"处理：如是同一个，在 departments.yml 中删去 {record['id']}，给 {other} 加一行 short: {record.get('short', record['name'])}，再重新导入；如不是，无需处理。")


def new_identity(book: Book, county: str | None) -> str:
    """catalogue.yml for a folder that has none: the list's title from the workbook, the county from
    ``--county`` or the title, today's date; the report asks a person to check each value."""
    titles = [str(v) for g in book.sheets[:1] for (r, _), v in sorted(g.values.items()) if r <= 3 and "清单" in str(v)]
    found = re.search(r"([\u4e00-\u9fff]{2,8}?[县市区旗])", titles[0]) if titles else None
    county = county or (found.group(1) if found else None)
    if not county:
        raise QingdanError(f"{book.path}：表中看不出是哪个县的清单，请加上 --county 县名（如 --county 某某县）。")
    title = re.sub(r"\s+", "", titles[0]) if titles and county in titles[0] else f"{county}乡镇履行职责事项清单"
    today = date.today()
    return yamlwrite.dump({"format": 1, "title": title, "jurisdiction": county, "publisher": f"中共{county}委机构编制委员会办公室",
                           "version": f"{today.year}.1", "effective": today})


def import_workbook(file: Path, into: Path, prefix: str, mapping_file: Path | None, approval: str | None, dry_run: bool = False,
                    county: str | None = None) -> Report:
    """Read and map the whole file, then write (unless ``dry_run``) and check; ``QingdanError`` when it cannot be read."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,40}", prefix):
        raise QingdanError(f"编码前缀“{prefix}”格式不对：只能用字母、数字、“.”“_”“-”。", usage=True)
    if into.exists() and not into.is_dir():
        raise QingdanError(f"{into} 不是文件夹。", usage=True)
    try:
        mapping = read_mapping(mapping_file)
    except (ValueError, yaml.YAMLError, OSError) as exc:
        raise QingdanError(f"映射文件有误：{exc}", usage=True) from None
    report = Report(file=str(file), dry_run=dry_run)
    identity: str | None = None
    book = open_book(file)
    report.sheets = book.sheetnames
    if not (into / "catalogue.yml").is_file():
        identity = new_identity(book, county)
    with tempfile.TemporaryDirectory() as scratch:  # a new folder is loaded from here until the import has succeeded
        if identity is not None:
            (Path(scratch) / "catalogue.yml").write_text(identity, encoding="utf-8")
        cat, load_problems = load(Path(scratch) if identity is not None else into)
    if cat is None:
        raise QingdanError("catalogue.yml 有错误，请先改正。", problems=load_problems)
    approval_text = approval or cat.identity.approval or PLACEHOLDER
    reg = Registry(cat, cat.identity.jurisdiction)
    is_export = exact.is_export(book)
    if is_export:
        items, lists, laws = _exact(book, cat, reg, report)
        admitted = _assignments(book, cat, reg, report)
    else:
        items = _plain(book, cat, reg, prefix, mapping, approval_text, report)
        admitted = _assignments(book, cat, reg, report)
        lists, laws = {k: reg.new[k] for k in ("departments", "townships", "categories")}, {r["id"]: r for r in reg.new["laws"]}
        _decisions(reg, cat, report)
    if identity is not None:
        i = cat.identity
        report.say(f"catalogue.yml：{into} 中原来没有，{'将' if dry_run else '已'}新建：清单名称“{i.title}”，县“{i.jurisdiction}”，发布机关“{i.publisher}”，"
                   f"版本 {i.version}，生效日期 {i.effective}（今天）。请打开 catalogue.yml 核对这几项，并补上 approval（批准文号）和 site_url（网站地址）。")
    if dry_run:
        report.say(f"试导入（--dry-run）：将导入 {len(items)} 个事项" + (f"、{len(admitted)} 项交办事项" if admitted else "") + "；没有写入任何文件。")
        return report
    if identity is not None:
        into.mkdir(parents=True, exist_ok=True)
        (into / "catalogue.yml").write_text(identity, encoding="utf-8")
    _write_lists(into, cat, lists, report)
    _write_laws(into, cat, laws, report, guessed=not is_export)
    _write_items(into, cat, items, report)
    _write_assignments(into, cat, admitted, report)
    if not is_export and approval_text == PLACEHOLDER and items:
        report.say(f"批准文件：没有 --approval，catalogue.yml 也没有 approval，新事项的 history 写了占位“{PLACEHOLDER}”，请改为实际文号。")
    final, problems = check(into)
    seen = {key.removeprefix("laws:"): where for key, where in reg.first_seen.items() if key.startswith("laws:")}
    report.left = _what_is_left(problems, final, into, seen)
    report.checked = None if report.left else len(final.items) if final else 0
    return report


def _runs(fates: list[Fate]) -> list[str]:
    """One line per row; consecutive rows skipped for the same reason share a line."""
    out: list[str] = []
    i = 0
    while i < len(fates):
        f = fates[i]
        j = i
        while (f.status == "skipped" and j + 1 < len(fates) and fates[j + 1].status == "skipped"
               and fates[j + 1].sheet == f.sheet and fates[j + 1].reason == f.reason):
            j += 1
        rows = f"第 {f.row} 行" if j == i else f"第 {f.row}–{fates[j].row} 行"
        if f.status == "imported":
            out.append(f"“{f.sheet}”{rows} → {f.code}（{f.reason}）")
        elif f.status == "merged":
            out.append(f"“{f.sheet}”{rows} → 并入 {f.code}（{f.reason}）")
        else:
            out.append(f"“{f.sheet}”{rows} → 未导入：{f.reason}")
        i = j + 1
    return out


def report_lines(report: Report) -> list[str]:
    """The whole report as the user reads it (``cli`` prints it)."""
    out = list(report.lines)
    counts = {s: sum(1 for f in report.fates if f.status == s) for s in ("imported", "merged", "skipped")}
    out.append(f"逐行结果（共 {len(report.fates)} 行有文字：导入 {counts['imported']} 行，并入上一事项 {counts['merged']} 行，未导入 {counts['skipped']} 行）：")
    order = {name: i for i, name in enumerate(report.sheets)}
    ordered = sorted(report.fates, key=lambda f: (order.get(f.sheet, len(order)), f.row))
    out += [f"  {line}" for line in _runs(ordered)]
    if report.remarks:
        out.append(f"需要留意的行（{len(report.remarks)} 处）：")
        out += [f"  {line}" for line in report.remarks]
    if report.decisions:
        out.append(f"需要人工决定（{len(report.decisions)} 处）：")
        out += [f"  - {line}" for line in report.decisions]
    if report.dry_run:
        return out
    if report.left:
        out.append(f"导入完成，但清单还不能通过校验，还需人工处理 {len(report.left)} 项：")
        out += [f"  - {line}" for line in report.left]
    else:
        out.append(f"导入完成，qingdan check 通过（{report.checked} 个事项）。")
    return out


def _write_laws(root: Path, cat: Catalogue, laws: dict[str, dict[str, Any]], report: Report, guessed: bool) -> None:
    current = {law.id: law for law in cat.laws}
    made = []
    for rid, record in sorted(laws.items()):
        old = current.get(rid)
        if old is not None and yamlwrite.record(old) == yamlwrite.record_like(record):
            continue
        path = root / old.file if old is not None else root / "laws" / f"{rid}.yml"
        yamlwrite.write(path, record)
        made.append(f"{rid}（{record['title']}，{record['level']}）")
    if made:
        note = "；效力级别按名称猜测，请核对" if guessed else ""
        report.say(f"法规：写入 {len(made)} 个文件{note}：" + "、".join(made) + "。")
