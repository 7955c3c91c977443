"""Reading back a workbook written by ``qingdan export``: every sheet, exactly.

The detail sheets (部门职责, 依据, 流程步骤, 变更记录, 部门, 乡镇, 分类, 法规, 条文,
章节) carry ids, so nothing is guessed; the items sheet gives the flat
fields. Text is kept as written (no enumerator stripping, spaces kept).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from generator.sheets.book import Book
from generator.sheets.layout import (
    ACTION_WORDS,
    ALL_TOWNSHIPS,
    ARROW,
    DETAIL_SHEETS,
    END_STEP,
    ITEM_COLUMNS,
    ITEMS_SHEET,
    LEVEL_WORDS,
    ROLE_WORDS,
    split_lines,
    squeeze,
)
from generator.sheets.rows import kind_of

NEEDED = ("部门职责", "依据", "流程步骤", "变更记录")


def is_export(wb: Book) -> bool:
    return ITEMS_SHEET in wb.sheetnames and all(name in wb.sheetnames for name in NEEDED)


def raw(value: Any) -> str:
    """Cell text as written; only line ends normalised and the ends trimmed (the loader trims too)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").replace("_x000D_", "").strip()


def _rows(wb: Book, name: str, columns: list[tuple[str, str, int]]) -> list[tuple[int, dict[str, str]]]:
    if name not in wb.sheetnames:
        return []
    grid = wb[name]
    keys = {squeeze(h): k for k, h, _ in columns}
    index = {c: keys[h] for c in grid.cols if (h := squeeze(raw(grid.values.get((1, c))))) in keys}
    out = []
    for n in grid.rows_from(2):
        values = {key: text for c, key in index.items() if (text := raw(grid.values.get((n, c))))}
        if values:
            out.append((n, values))
    return out


def _lines(text: str) -> list[str]:
    return split_lines(text)


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split("、") if n.strip()]


def _put(record: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, "", []):
        record[key] = value


def lists(wb: Book) -> dict[str, list[dict[str, Any]]]:
    """Departments, townships, categories from their sheets (in sheet order)."""
    out: dict[str, list[dict[str, Any]]] = {"departments": [], "townships": [], "categories": []}
    for _, v in _rows(wb, "部门", DETAIL_SHEETS["部门"]):
        rec = {"id": v.get("id", ""), "name": v.get("name", "")}
        _put(rec, "short", v.get("short"))
        rec["level"] = LEVEL_WORDS.get(v.get("level", ""), v.get("level", ""))
        _put(rec, "phone", v.get("phone"))
        out["departments"].append(rec)
    for _, v in _rows(wb, "乡镇", DETAIL_SHEETS["乡镇"]):
        town = {"id": v.get("id", ""), "name": v.get("name", ""), "kind": v.get("kind", "")}
        for key in ("office", "phone", "address", "hours", "note"):
            _put(town, key, v.get(key))
        out["townships"].append(town)
    for _, v in _rows(wb, "分类", DETAIL_SHEETS["分类"]):
        rec = {"id": v.get("id", ""), "name": v.get("name", "")}
        _put(rec, "group", v.get("group"))
        _put(rec, "description", v.get("description"))
        out["categories"].append(rec)
    return out


def laws(wb: Book) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for _, v in _rows(wb, "法规", DETAIL_SHEETS["法规"]):
        rec: dict[str, Any] = {"id": v.get("id", ""), "title": v.get("title", "")}
        for key in ("short", "level", "issuer", "document_number"):
            _put(rec, key, v.get(key))
        for key in ("promulgated", "effective"):
            if v.get(key):
                rec[key] = date.fromisoformat(v[key][:10])
        _put(rec, "source", v.get("source"))
        _put(rec, "status", v.get("status"))
        if v.get("total_articles", "").isdigit():
            rec["total_articles"] = int(v["total_articles"])
        _put(rec, "amended", [date.fromisoformat(d.strip()[:10]) for d in v.get("amended", "").split(",") if d.strip()])
        _put(rec, "preamble", v.get("preamble"))
        out[rec["id"]] = rec
    for _, v in _rows(wb, "条文", DETAIL_SHEETS["条文"]):
        if v.get("law") in out and v.get("article"):
            out[v["law"]].setdefault("articles", {})[v["article"]] = v.get("text", "")
    for _, v in _rows(wb, "章节", DETAIL_SHEETS["章节"]):
        if v.get("law") in out:
            chapter = {"title": v.get("title", ""), "start": v.get("start", "")}
            if v.get("kind", "章") != "章":
                chapter["kind"] = v["kind"]
            out[v["law"]].setdefault("chapters", []).append(chapter)
    for _, v in _rows(wb, "附件", DETAIL_SHEETS["附件"]):
        if v.get("law") in out:
            out[v["law"]].setdefault("appendices", []).append({"title": v.get("title", ""), "text": v.get("text", "")})
    return out


def _step(v: dict[str, str]) -> dict[str, Any]:
    step: dict[str, Any] = {"id": v.get("id", ""), "actor": v.get("actor", ""), "action": v.get("action", "")}
    _put(step, "time_limit", v.get("time_limit"))
    nxt = v.get("next", "")
    if nxt == END_STEP:
        step["next"] = []
    elif nxt:
        step["next"] = _names(nxt)
    if v.get("branches"):
        step["branches"] = [{"when": w.rpartition(ARROW)[0].strip(), "next": w.rpartition(ARROW)[2].strip()} for w in _lines(v["branches"])]
    return step


def items(wb: Book, category_ids: dict[str, str], township_ids: dict[str, str], labels: dict[str, str]) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """Item records with the row they came from, and plain-words problems."""
    problems: list[str] = []
    detail: dict[str, dict[str, list[Any]]] = {}
    rows_of: dict[str, list[str]] = {}
    sheet_of = {"departments": "部门职责", "basis": "依据", "workflow": "流程步骤", "history": "变更记录"}

    def add(code: str, key: str, value: Any, n: int) -> None:
        detail.setdefault(code, {}).setdefault(key, []).append(value)
        rows_of.setdefault(code, []).append(f"{sheet_of[key]}表第 {n} 行")

    for n, v in _rows(wb, "部门职责", DETAIL_SHEETS["部门职责"]):
        add(v.get("code", ""), "departments", {"department": v.get("department", ""), "role": ROLE_WORDS.get(v.get("role", ""), v.get("role", "")),
                                               "duties": _lines(v.get("duties", ""))}, n)
    for n, v in _rows(wb, "依据", DETAIL_SHEETS["依据"]):
        cite: dict[str, Any] = {"law": v.get("law", "")}
        _put(cite, "articles", [a.strip() for a in v.get("articles", "").split(",") if a.strip()])
        _put(cite, "note", v.get("note"))
        add(v.get("code", ""), "basis", cite, n)
    for n, v in _rows(wb, "流程步骤", DETAIL_SHEETS["流程步骤"]):
        add(v.get("code", ""), "workflow", _step(v), n)
    for n, v in _rows(wb, "变更记录", DETAIL_SHEETS["变更记录"]):
        try:
            when = date.fromisoformat(v.get("date", "")[:10])
        except ValueError:
            problems.append(f"变更记录表第 {n} 行：日期“{v.get('date', '')}”不是 YYYY-MM-DD，已略过")
            continue
        change: dict[str, Any] = {"date": when, "action": ACTION_WORDS.get(v.get("action", ""), v.get("action", "")), "approval": v.get("approval", "")}
        _put(change, "note", v.get("note"))
        add(v.get("code", ""), "history", change, n)
    out = []
    for n, v in _rows(wb, ITEMS_SHEET, ITEM_COLUMNS):
        code = v.get("code", "")
        if not code or not v.get("name"):
            problems.append(f"事项表第 {n} 行：没有事项编码或事项名称，未导入")
            continue
        kind = kind_of(v.get("kind", ""), labels, {})
        item: dict[str, Any] = {"code": code, "name": v["name"], "category": category_ids.get(v.get("category", ""), v.get("category", "")),
                                "responsibility": kind or v.get("kind", "")}
        _put(item, "summary", v.get("summary"))
        _put(item, "working_method", v.get("working_method"))
        d = detail.get(code, {})
        _put(item, "departments", d.get("departments"))
        if v.get("township_duties"):
            item["township"] = {"duties": _lines(v["township_duties"])}
            _put(item["township"], "office", v.get("township_office"))
        if squeeze(v.get("townships", "")) not in ALL_TOWNSHIPS:
            item["townships"] = [township_ids.get(n, n) for n in _names(v["townships"])]
        item["basis"] = d.get("basis", [])
        _put(item, "workflow", d.get("workflow"))
        _put(item, "accountability", _lines(v.get("accountability", "")))
        _put(item, "exemption", _lines(v.get("exemption", "")))
        _put(item, "keywords", _lines(v.get("keywords", "")))
        item["history"] = d.get("history", [])
        _put(item, "formerly", _names(v.get("formerly", "")))
        out.append((n, item))
    codes = {item["code"] for _, item in out}
    for code, where in rows_of.items():  # a detail row is imported only with its item
        if code not in codes:
            problems += [f"{w}：事项编码“{code}”不在事项表中，未导入" for w in where]
    return out, problems
