"""The workbook layout shared by export and import: sheet names, columns, header words.

The items sheet reads like a county's own list (序号, 事项名称, 责任类型 …) so
people can edit it and the importer reads it like any county sheet; the
other sheets carry what a flat row cannot (one row per department duty,
citation, workflow step, change), so ``import(export(catalogue))`` is exact.
"""

from __future__ import annotations

import re

from generator.model import ACTION_LABELS

# Items sheet: field key -> header written on export.
ITEM_COLUMNS: list[tuple[str, str, int]] = [
    ("seq", "序号", 6),
    ("code", "事项编码", 16),
    ("category", "事项类别", 12),
    ("name", "事项名称", 28),
    ("kind", "责任类型", 10),
    ("lead_departments", "县级主管部门", 18),
    ("lead_duties", "县级部门职责", 40),
    ("support_departments", "配合部门", 18),
    ("support_duties", "配合部门职责", 40),
    ("township_duties", "乡镇职责", 40),
    ("township_office", "乡镇办理机构编号", 14),
    ("basis", "法律法规依据", 40),
    ("accountability", "追责情形", 30),
    ("exemption", "免责情形", 30),
    ("summary", "事项说明", 30),
    ("working_method", "工作方式", 30),
    ("townships", "适用乡镇", 14),
    ("keywords", "关键词", 14),
    ("formerly", "曾用编码", 12),
    ("status", "状态", 8),
]

# Header words seen in county sheets -> field key. Matched after removing spaces;
# a header that starts with one of these (法律法规依据（文件及条款）) matches too.
HEADER_WORDS: dict[str, str] = {
    "序号": "seq", "编号": "seq",
    "事项编码": "code", "编码": "code", "事项代码": "code",
    "一级类别": "group", "二级类别": "category", "事项一级类别": "group", "事项二级类别": "category",
    "事项类别": "category", "类别": "category", "分类": "category", "事项分类": "category", "领域": "category", "职责类别": "category",
    "事项名称": "name", "名称": "name", "履职事项": "name", "职责事项": "name", "事项": "name", "属地管理事项": "name",
    "责任类型": "kind", "责任类别": "kind", "履职类型": "kind", "事项类型": "kind", "职责类型": "kind", "责任": "kind",
    "县级主管部门": "lead_departments", "主管部门": "lead_departments", "县级部门": "lead_departments", "牵头部门": "lead_departments",
    "对应上级部门": "lead_departments", "上级部门": "lead_departments", "承接部门": "lead_departments", "承接单位": "lead_departments",
    "对应县级部门": "lead_departments", "上级部门职责": "lead_duties", "对应上级部门职责": "lead_duties", "承接部门职责": "lead_duties",
    "县级责任部门": "lead_departments", "责任部门": "lead_departments", "县直部门": "lead_departments", "县级职能部门": "lead_departments",
    "县级部门职责": "lead_duties", "部门职责": "lead_duties", "主管部门职责": "lead_duties", "县级职能部门职责": "lead_duties",
    "县直部门职责": "lead_duties", "牵头部门职责": "lead_duties",
    "配合部门": "support_departments", "协同部门": "support_departments", "县级配合部门": "support_departments",
    "配合部门职责": "support_duties", "协同部门职责": "support_duties",
    "乡镇职责": "township_duties", "乡镇（街道）职责": "township_duties", "乡镇街道职责": "township_duties",
    "乡镇履职内容": "township_duties", "乡镇配合职责": "township_duties", "乡镇（街道）配合职责": "township_duties",
    "乡镇（街道）主体责任": "township_duties", "乡镇（街道）履职内容": "township_duties", "乡镇主体责任": "township_duties", "乡镇责任": "township_duties",
    "工作方式": "working_method", "收回后工作方式": "working_method", "衔接方式": "working_method",
    "法律法规依据": "basis", "履职依据": "basis", "法律依据": "basis", "依据": "basis", "政策依据": "basis", "设定依据": "basis", "法律法规政策依据": "basis",
    "追责情形": "accountability", "责任追究": "accountability", "追责": "accountability", "问责情形": "accountability",
    "免责情形": "exemption", "免责": "exemption",
    "事项说明": "summary", "说明": "summary", "事项概述": "summary", "备注": "summary",
    "适用乡镇": "townships", "适用范围": "townships", "适用乡镇（街道）": "townships",
    "关键词": "keywords", "曾用编码": "formerly", "状态": "status", "更新日期": "updated",
}
FIELDS = sorted(set(HEADER_WORDS.values()))

KIND_WORDS: dict[str, str] = {
    "主体责任": "lead", "基本履职": "lead", "基本履职事项": "lead", "主体": "lead", "属地责任": "lead", "lead": "lead",
    "配合责任": "support", "配合履职": "support", "配合履职事项": "support", "配合": "support", "support": "support",
    "上级部门收回": "returned", "收回": "returned", "上级收回": "returned", "收回事项": "returned", "上级部门收回事项": "returned",
    "returned": "returned",
}

# A sheet's own name says which list it holds (基本履职事项, 配合履职事项, 上级部门收回事项).
SHEET_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "lead": ("基本履职", "主体责任", "基本事项"), "support": ("配合履职", "配合责任", "配合事项"), "returned": ("收回",),
}
MARKS = {"√", "✓", "✔", "☑", "✅", "●", "■", "★", "是", "Y", "y", "1"}
"""What a cell of a √ column holds when the row is of that kind."""

ALL_TOWNSHIPS = {"", "全部", "全部乡镇", "所有乡镇", "全县", "全县各乡镇", "全部乡镇（街道）", "all", "各乡镇"}

# Detail sheets: name -> columns (key, header, width).
DETAIL_SHEETS: dict[str, list[tuple[str, str, int]]] = {
    "部门职责": [("code", "事项编码", 16), ("department", "部门编号", 14), ("department_name", "部门名称", 22),
              ("role", "角色", 8), ("duties", "职责（每行一条）", 60)],
    "依据": [("code", "事项编码", 16), ("law", "法规编号", 18), ("law_title", "法规名称", 30),
           ("articles", "条款（逗号分隔）", 18), ("note", "说明", 30)],
    "流程步骤": [("code", "事项编码", 16), ("id", "步骤编号", 12), ("actor", "执行者编号", 14), ("actor_name", "执行者", 14),
             ("action", "做什么", 40), ("time_limit", "时限", 12), ("next", "下一步", 14), ("branches", "判断分支（条件→步骤，每行一个）", 30)],
    "变更记录": [("code", "事项编码", 16), ("date", "日期", 12), ("action", "变更类型", 10), ("approval", "批准文件", 22), ("note", "说明", 40)],
    "部门": [("id", "部门编号", 14), ("name", "部门名称", 30), ("short", "简称", 16), ("level", "层级", 8), ("phone", "电话", 16)],
    "乡镇": [("id", "乡镇编号", 14), ("name", "乡镇名称", 16), ("kind", "类型", 8), ("office", "办事窗口", 22), ("phone", "咨询电话", 16),
           ("address", "地址", 30), ("hours", "办公时间", 24), ("note", "说明", 30)],
    "分类": [("id", "分类编号", 14), ("name", "分类名称", 16), ("group", "分组", 14), ("description", "说明", 40)],
    "法规": [("id", "法规编号", 18), ("title", "名称", 36), ("short", "简称", 16), ("level", "效力级别", 12), ("issuer", "制定机关", 24),
           ("document_number", "文号", 18), ("promulgated", "公布日期", 12), ("effective", "施行日期", 12), ("source", "来源网址", 30),
           ("status", "时效性", 10), ("amended", "修正修订日期（逗号分隔）", 24), ("preamble", "序言", 40),
           ("total_articles", "全文条数", 8)],
    "条文": [("law", "法规编号", 18), ("article", "条号", 8), ("text", "条文", 80)],
    "章节": [("law", "法规编号", 18), ("title", "标题", 30), ("start", "起始条", 8), ("kind", "类型", 6)],
    "附件": [("law", "法规编号", 18), ("title", "附件标题", 30), ("text", "附件全文", 80)],
}
ITEMS_SHEET = "事项"
INFO_SHEET = "说明"

ROLE_WORDS = {"牵头": "lead", "配合": "support", "lead": "lead", "support": "support"}
LEVEL_WORDS = {"县级": "county", "乡镇": "township", "county": "county", "township": "township"}
ACTION_WORDS = {label: action for action, label in ACTION_LABELS.items()} | {action: action for action in ACTION_LABELS}
"""A history action as a sheet may write it (增加 or added …, 恢复 or reinstated included)."""
END_STEP = "（结束）"
ARROW = "→"

_SPACE = re.compile(r"[\s\u3000]+")


def squeeze(text: str) -> str:
    """Header or name text with all spaces removed (表头常有“事 项 名 称”、换行)."""
    return _SPACE.sub("", text).replace("*", "").replace("＊", "")


def header_key(text: str, extra: dict[str, str] | None = None) -> str | None:
    """The field key for a header cell, or ``None``."""
    words = {**HEADER_WORDS, **{squeeze(k): v for k, v in (extra or {}).items()}}
    clean = squeeze(text)
    if clean in words:
        return words[clean]
    bare = re.sub(r"[（(][^）)]*[）)]$", "", clean)
    if bare in words:
        return words[bare]
    for word in sorted(words, key=len, reverse=True):
        if len(word) >= 3 and clean.startswith(word):
            return words[word]
    return None


def sheet_kind(name: str) -> str | None:
    """The list a sheet's name names, or ``None`` (no name, or one that names two lists)."""
    found = {kind for kind, words in SHEET_KIND_WORDS.items() if any(w in squeeze(name) for w in words)}
    return found.pop() if len(found) == 1 else None


def join_lines(texts: list[str]) -> str:
    """A list in one cell, one text per line; a text's own line breaks continue with a tab.

    Excel users cannot type a tab into a cell (it moves to the next cell), so a
    line starting with a tab can only be our continuation mark.
    """
    return "\n".join(t.replace("\n", "\n\t") for t in texts)


def split_lines(cell: str) -> list[str]:
    """The reverse of ``join_lines``; blank lines are dropped."""
    out: list[str] = []
    for line in cell.split("\n"):
        if line.startswith("\t") and out:
            out[-1] += "\n" + line[1:]
        elif line.strip():
            out.append(line.strip())
    return [t.strip() for t in out]
