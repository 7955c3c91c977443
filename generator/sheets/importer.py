"""``qingdan import``: a county workbook (or our own export) -> catalogue files, and a report.

The target folder's catalogue.yml is kept. New departments, townships,
categories and laws are appended to their files (comments stay); items are
written one file each. Afterwards the folder is checked and the report
says exactly what a person still has to do.
"""

from __future__ import annotations

import re
import sys
import warnings
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook

from generator import yamlwrite
from generator.load import load
from generator.model import CODE, Catalogue, Item, fields_of
from generator.problems import Problem, errors
from generator.sheets import exact
from generator.sheets.read import read_sheet
from generator.sheets.refs import Registry
from generator.sheets.rows import merge_continuation, row_item
from generator.validate import check

PLACEHOLDER = "待补充批准文件"
ITEM_ORDER = [f.name for f in fields_of(Item)]
MAX_LINES = 60
"""At most this many problem lines of each kind in the report; the rest are counted."""


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)
    """Rows that could not be mapped, or were mapped with a remark, by row number."""

    def say(self, text: str) -> None:
        self.lines.append(text)


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


def _plain(wb: Any, cat: Catalogue, reg: Registry, prefix: str, mapping: Mapping, approval: str, report: Report) -> list[dict[str, Any]]:
    names = [mapping.sheet] if mapping.sheet else wb.sheetnames
    sheet = None
    for name in names:
        if name not in wb.sheetnames:
            raise ValueError(f"工作簿中没有名为“{name}”的工作表；现有：{'、'.join(wb.sheetnames)}。")
        sheet = read_sheet(wb[name], mapping.headers, mapping.header_row)
        if sheet is not None and "name" in sheet.columns.values():
            report.say(f"读取工作表“{name}”：第 {sheet.header_row} 行为表头，识别的列：" + "、".join(sorted(set(sheet.columns.values()))) + "。")
            break
        sheet = None
    if sheet is None:
        raise ValueError("没有找到表头行（应有“事项名称”“责任类型”等列）。表头用词不同时，请用 --mapping 指定映射文件。")
    if sheet.unknown_headers:
        report.say("未识别、已忽略的列：" + "、".join(sheet.unknown_headers) + "（可在映射文件 headers 中指定）。")
    for number, why in sheet.skipped:
        report.rows.append(f"第 {number} 行：{why}，已跳过。")
    seqs = [_seq_number(r.values.get("seq", "")) for r in sheet.rows if not r.continued]
    width = max(3, len(str(max([s for s in seqs if s] or [0]))))
    labels = {k: cat.labels.of(k) for k in ("lead", "support", "returned")}
    existing = {i.code: i for i in cat.items}
    out: list[dict[str, Any]] = []
    used: set[str] = {c for i in cat.items for c in i.formerly}
    running = 0
    for row in sheet.rows:
        if row.continued and out:
            result = row_item(row, out[-1]["code"], reg, labels, mapping.kinds)
            if result.item:
                merge_continuation(out[-1], result.item)
            for problem in result.problems:
                if problem != "没有乡镇职责":  # the item above has them
                    report.rows.append(f"第 {row.number} 行（{out[-1]['code']} 的续行）：{problem}。")
            continue
        running += 1
        code = row.values.get("code", "").strip().translate(str.maketrans("０１２３４５６７８９－", "0123456789-"))
        if code and not re.match(CODE, code):
            report.rows.append(f"第 {row.number} 行：编码“{code}”含有不允许的字符，已改用自动编码。")
            code = ""
        if not code:
            seq = _seq_number(row.values.get("seq", "")) or running
            code = f"{prefix}-{seq:0{width}d}"
        if code in used:
            n = 2
            while f"{code}-{n}" in used:
                n += 1
            report.rows.append(f"第 {row.number} 行：编码“{code}”重复，改为“{code}-{n}”。")
            code = f"{code}-{n}"
        result = row_item(row, code, reg, labels, mapping.kinds)
        if result.item is None:
            report.rows.append(f"第 {row.number} 行：{'；'.join(result.problems)}，未导入。")
            continue
        used.add(code)
        for problem in result.problems:
            report.rows.append(f"第 {row.number} 行（{code}）：{problem}。")
        old = existing.get(code)
        if old is not None:
            result.item["history"] = yamlwrite.record(old.history)
            if old.formerly and "formerly" not in result.item:
                result.item["formerly"] = list(old.formerly)
            if old.workflow:
                result.item["workflow"] = yamlwrite.record(old.workflow)
        else:
            result.item["history"] = [{"date": cat.identity.effective, "action": "added", "approval": approval}]
        out.append(result.item)
    return out


def _exact(wb: Any, cat: Catalogue, reg: Registry, report: Report) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]], dict[str, dict[str, Any]]]:
    lists = exact.lists(wb)
    laws = exact.laws(wb)
    category_ids = {c.name: c.id for c in cat.categories} | {c["name"]: c["id"] for c in lists["categories"]}
    township_ids = {t.name: t.id for t in cat.townships} | {t["name"]: t["id"] for t in lists["townships"]}
    labels = {k: cat.labels.of(k) for k in ("lead", "support", "returned")}
    rows, problems = exact.items(wb, category_ids, township_ids, labels)
    report.rows += problems
    report.say(f"读取本工具导出的工作簿：{len(rows)} 个事项，{len(laws)} 部法规。")
    return [item for _, item in rows], lists, laws


def _write_lists(root: Path, cat: Catalogue, lists: dict[str, list[dict[str, Any]]], report: Report) -> None:
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


def _what_is_left(problems: list[Problem], cat: Catalogue | None, into: Path) -> list[str]:
    """Group the remaining errors into tasks for a person."""
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
        target = f"--id {law.id} " if law else ""
        out.append(f"《{title}》缺少第 {nums} 条的原文：用 qingdan import-law 法规全文.md {target}--into {into} 导入全文，或在 {law.file if law else 'laws/'} 的 articles 中补写。")
    for p in rest[:MAX_LINES]:
        out.append(p.text())
    if len(rest) > MAX_LINES:
        out.append(f"……另有 {len(rest) - MAX_LINES} 处错误，请运行 qingdan check {into} 查看全部。")
    return out


def import_workbook(file: Path, into: Path, prefix: str, mapping_file: Path | None, approval: str | None) -> int:
    if not file.is_file():
        print(f"找不到文件 {file}。", file=sys.stderr)
        return 2
    if not (into / "catalogue.yml").is_file():
        print(f"{into} 不是清单文件夹（缺少 catalogue.yml）：请先建好 catalogue.yml，再导入事项。", file=sys.stderr)
        return 2
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,40}", prefix):
        print(f"编码前缀“{prefix}”格式不对：只能用字母、数字、“.”“_”“-”。", file=sys.stderr)
        return 2
    try:
        mapping = read_mapping(mapping_file)
    except (ValueError, yaml.YAMLError, OSError) as exc:
        print(f"映射文件有误：{exc}", file=sys.stderr)
        return 2
    cat, load_problems = load(into)
    if cat is None:
        sys.stderr.write("".join(p.text() + "\n" for p in load_problems))
        print("catalogue.yml 有错误，请先改正。", file=sys.stderr)
        return 1
    try:
        with warnings.catch_warnings():  # openpyxl's notes on unsupported Excel features mean nothing to users
            warnings.simplefilter("ignore", UserWarning)
            wb = load_workbook(file, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        print(f"无法读取 {file}：不是有效的 .xlsx 文件（{exc}）。旧的 .xls 请先用 Excel 或 WPS 另存为 .xlsx。", file=sys.stderr)
        return 2
    report = Report()
    approval_text = approval or cat.identity.approval or PLACEHOLDER
    reg = Registry(cat, cat.identity.jurisdiction)
    try:
        if exact.is_export(wb):
            items, lists, laws = _exact(wb, cat, reg, report)
        else:
            items = _plain(wb, cat, reg, prefix, mapping, approval_text, report)
            lists, laws = {k: reg.new[k] for k in ("departments", "townships", "categories")}, {r["id"]: r for r in reg.new["laws"]}
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    _write_lists(into, cat, lists, report)
    _write_laws(into, cat, laws, report, guessed=not exact.is_export(wb))
    _write_items(into, cat, items, report)
    if not exact.is_export(wb) and approval_text == PLACEHOLDER and items:
        report.say(f"批准文件：没有 --approval，catalogue.yml 也没有 approval，新事项的 history 写了占位“{PLACEHOLDER}”，请改为实际文号。")
    final, problems = check(into)
    print("\n".join(report.lines))
    if report.rows:
        print(f"需要留意的行（{len(report.rows)} 处）：")
        print("\n".join(f"  {line}" for line in report.rows[:MAX_LINES * 4]))
    left = _what_is_left(problems, final, into)
    if left:
        print(f"导入完成，但清单还不能通过校验，还需人工处理 {len(errors(problems))} 处：")
        print("\n".join(f"  - {line}" for line in left))
        return 1
    print(f"导入完成，qingdan check 通过（{len(final.items) if final else 0} 个事项）。")
    return 0


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
