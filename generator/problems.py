"""Problems found in a catalogue, the registry of their codes, and the two ways of reporting them.

Every problem code lives in the registry below (code, title, message template, severity) and
nowhere else: a step names the code's constant (``UNKNOWN_DEPARTMENT.at(file, line, key, ...)``)
and the message comes from the template. docs/editing/errors.md documents each code with the
same title; tests/test_docs.py checks both directions and that each code is emitted somewhere.
To add a code: add one ``_code(...)`` line here (constant = code in upper case, ``-`` as ``_``)
and one table row in docs/editing/errors.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing an editor must fix (error) or should look at (warning)."""

    file: str
    """Path relative to the catalogue folder, e.g. ``items/yjgl/SX-YJGL-001.yml``."""
    line: int | None
    """1-based line of the offending value; ``None`` where no line fits (a missing file)."""
    key: str
    """Dotted key inside the file, e.g. ``basis[0].law``; empty for the whole file."""
    code: str
    """Stable machine code, e.g. ``unknown-department``."""
    message: str
    """Plain-words message for the editor (Chinese)."""
    severity: Severity = "error"

    def text(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        key = f" {self.key}:" if self.key else ""
        tag = "" if self.severity == "error" else "（提醒）"
        return f"{where}:{key} {tag}{self.message} [{self.code}]"


@dataclass(frozen=True)
class Code:
    """One registered problem code."""

    code: str
    """Stable machine code, e.g. ``unknown-department``; printed in brackets after each message."""
    title: str
    """What it means, in a few words: the “意思” column of docs/editing/errors.md."""
    template: str
    """The message, ``str.format`` fields filled by the caller's keyword arguments."""
    severity: Severity = "error"
    variants: dict[str, str] = field(default_factory=dict)
    """Other wordings of the same problem, by name (e.g. ``wrong-type`` names what was expected)."""

    def message(self, variant: str = "", /, **values: object) -> str:
        template = self.variants[variant] if variant else self.template
        return template.format(**values)

    def at(self, file: str, line: int | None, key: str, variant: str = "", /, **values: object) -> Problem:
        """The problem at ``file:line`` under ``key``, its message filled from ``values``."""
        return Problem(file, line, key, self.code, self.message(variant, **values), self.severity)


CODES: dict[str, Code] = {}
"""Every problem code, by code, in the order of docs/editing/errors.md."""


def _code(code: str, title: str, template: str, severity: Severity = "error", **variants: str) -> Code:
    assert code not in CODES, code
    entry = Code(code, title, template, severity, dict(variants))
    CODES[code] = entry
    return entry


# 文件与 YAML 写法
MISSING_FOLDER = _code("missing-folder", "找不到清单文件夹", "找不到清单文件夹 {root}。")
MISSING_FILE = _code("missing-file", "缺少 catalogue.yml、departments.yml 等必需文件", "缺少文件 {rel}。",
                     catalogue="缺少 catalogue.yml（清单的名称、版本、生效日期等）。")
NO_ITEMS = _code("no-items", "items/ 里没有事项文件", "items/ 文件夹里没有任何事项文件（*.yml）。")
WRONG_EXTENSION = _code("wrong-extension",
                        "items/ 或 laws/ 里有不以 `.yml`（小写）结尾的文件（如 `X.YML`、`X.yaml`、`X.yml.txt`），未读取；以“.”开头的隐藏文件不算",
                        "此文件未被读取：{sub}/ 中的文件必须以 .yml 结尾（小写）；如果它是清单文件，请改名为 {name}，否则请移出 {sub}/。")
SYMLINK = _code("symlink", "符号链接指向不存在的文件、指向清单文件夹以外，或是指向文件夹的链接：未读取",
                "这是一个指向清单文件夹以外的符号链接，未读取：清单只发布清单文件夹里的文件。",
                folder="这是一个指向文件夹的符号链接，未读取：请把文件直接放进清单文件夹。",
                dangling="这是一个符号链接，但它指向的文件不存在，未读取：请删除它，或换成真正的文件。")
YAML_TOO_DEEP = _code("yaml-too-deep", "列表或键值表嵌套超过 64 层（多半是多写了 `[` 或 `- `）",
                      "列表或键值表嵌套超过 {depth} 层，未读取这部分：清单最多只需要几层，请检查是否多写了“[”或“- ”。")
UNREADABLE_FILE = _code("unreadable-file", "文件无法读取", "无法读取文件：{reason}。")
EMPTY_FILE = _code("empty-file", "文件是空的", "文件是空的。")
ENCODING = _code("encoding", "文件不是 UTF-8 编码（常见于记事本、WPS 存成的 GBK）",
                 "文件不是 UTF-8 编码：第 {position} 个字节（0x{byte:02X}）无法按 UTF-8 读取；{guess}请用“UTF-8”编码另存此文件。")
CONTROL_CHARACTER = _code("control-character", "文件里有看不见的控制字符", "文件含有不可见的控制字符（U+{char:04X}），请删除它。")
YAML_SYNTAX = _code("yaml-syntax", "YAML 格式错误（缺冒号、多缩进、文字里有“: ”等，提示会说明是哪一种）",
                    "YAML 格式错误（{reason}）：请检查这一行及上一行的缩进（只用空格，同一层对齐）、冒号和引号。",
                    unplaced="YAML 格式错误：{reason}。",
                    missing_colon="这一行缺少英文冒号“:”：键和值之间写“键: 值”（冒号后有一个空格）；如果这一行是上一行文字的延续，请把它们合成一行。",
                    indented="这一行比上一行多缩进了：同一层的键要左端对齐；如果它属于上一行，请在上一行的冒号后不写内容。",
                    colon_in_text="这一行的文字里有“: ”（冒号加空格），YAML 把它当成了键：请给整段文字加引号，或把冒号换成中文全角冒号“：”。")
YAML_UNCLOSED_QUOTE = _code("yaml-unclosed-quote", "引号没有配对；报告的是引号开始的那一行（没配对的引号会“吞掉”后面几行，直到下一个同样的引号）",
                            "这一行的引号 {quote} 没有配对：在文字末尾补上另一个 {quote}；文字里本身有 {quote} 时，改用另一种引号把整段括起来。")
YAML_UNCLOSED_BRACKET = _code("yaml-unclosed-bracket", "方括号 `[ ]` 或花括号 `{ }` 没有配对，或括号里的各项没用英文逗号分开",
                              "这一行的括号 {bracket} 没有配对，或括号里的各项没有用英文逗号“,”分开：请补上括号或逗号；文字里有括号时请给文字加引号。")
YAML_TAB = _code("yaml-tab", "用制表符（Tab）缩进", "这一行用了制表符（Tab）缩进：YAML 只能用空格缩进，请把 Tab 换成空格（每层两个空格）。")
YAML_FULLWIDTH_COLON = _code("yaml-fullwidth-colon", "键名后面用了中文全角冒号 `name：`",
                             "这一行的键名后面用了中文全角冒号“：”：请改成英文半角冒号加一个空格“: ”。")
YAML_FULLWIDTH_SPACE = _code("yaml-fullwidth-space", "行首用了全角空格（中文输入法的空格）缩进",
                             "这一行开头用了全角空格（中文输入法的空格）：YAML 只能用半角空格缩进，请删除后用半角空格重新缩进。")
YAML_MULTIPLE_DOCUMENTS = _code("yaml-multiple-documents", "一个文件里有多个 `---` 文档",
                                "一个文件只能有一个 YAML 文档，请删除多余的“---”分隔线。")
YAML_ANCHOR = _code("yaml-anchor", "用了锚点 `&`", "不能使用 YAML 锚点“&{anchor}”，请删除它。")
YAML_ALIAS = _code("yaml-alias", "用了引用 `*`", "不能使用 YAML 引用“*{anchor}”，请把内容完整写出来。")
YAML_TAG = _code("yaml-tag", "用了标签 `!!` 或 `!`", "不能使用 YAML 标签“{tag}”，请删除它。")
YAML_COMPLEX_KEY = _code("yaml-complex-key", "键不是简单文字", "键必须是简单的文本。")
DUPLICATE_KEY = _code("duplicate-key", "同一层级的键重复", "键“{name}”重复出现（第 {first} 行已有），请删除或合并其中一个。")

# 字段写法
MISSING_KEY = _code("missing-key", "缺少必填的键", "缺少必填的键“{name}”（{doc}）。")
UNKNOWN_KEY = _code("unknown-key", "不认识的键（多半是拼写错误），内容被忽略", "不认识的键“{name}”{hint}", "warning")
WRONG_TYPE = _code("wrong-type", "值的类型不对，如该写列表的写成了文字", "应为{wanted}，实际是{actual}。",
                   mapping="应为键值表（key: value），实际是{actual}。",
                   list="应为列表（每项以“- ”开头），实际是{actual}。",
                   written="应为{wanted}，实际是“{text}”。",
                   file_list="{rel} 应为列表，每个条目以“- ”开头。")
EMPTY_TEXT = _code("empty-text", "文字为空", "内容为空，请填写，或删除这个键。")
BAD_VALUE = _code("bad-value", "不是允许的值（如 responsibility 只能是 lead、support、returned）", "“{text}”不是允许的值；可选：{allowed}。")
BAD_DATE = _code("bad-date", "日期无效或格式不对", "“{text}”不是有效日期；请写成 YYYY-MM-DD，如 2025-03-01。")
BAD_FORMAT = _code("bad-format", "id、编码或乡镇电话的格式不对（id 只用小写字母、数字、连字符；编码不能含 `/`、空格；电话只写数字和“-”，分机写“转801”）", "“{text}”格式不对：{rule}。")
BAD_ARTICLE_NUMBER = _code("bad-article-number", "条号不是阿拉伯数字",
                           "条号“{name}”格式不对：应为阿拉伯数字，如 \"34\" 或第二款 \"34.2\"。")
BAD_URL = _code("bad-url", "site_url 或法规 source 不是普通网址（不以 http:// 或 https:// 开头，或含引号、空格、尖括号、汉字等）", "“{text}”格式不对：{rule}。")
TOTAL_ARTICLES = _code("total-articles", "法规的 total_articles（全文条数）小于收录的条数", "total_articles 是 {total}，但 articles 收录了 {shown} 条：请写全文的条数。")
AMENDED_ORDER = _code("amended-order", "法规的 amended（修正、修订日期）没有按先后排列，或早于公布日期", "amended 应按时间先后排列，且不早于 promulgated（公布日期）。")
UNSUPPORTED_FORMAT = _code("unsupported-format", "format 不是 1", "不支持的格式版本 {format}：本工具读取 format: 1。")

# 引用与唯一性
DUPLICATE_ID = _code("duplicate-id", "部门、乡镇或分类的 id 重复", "{what} id“{value}”重复（第 {first} 行已有）。")
UNKNOWN_CATEGORY = _code("unknown-category", "分类不存在", "分类“{category}”在 categories.yml 中不存在。")
UNKNOWN_DEPARTMENT = _code("unknown-department", "部门不存在", "部门“{department}”在 departments.yml 中不存在。")
OFFICE_NOT_TOWNSHIP = _code("office-not-township", "事项 `township.office` 写的是县级部门",
                            "“{name}”是县级部门：township.office 只能写乡镇内设机构（level: township），县级部门写在 departments 中。")
DUPLICATE_DEPARTMENT = _code("duplicate-department", "同一部门在一个事项里写了两次", "部门“{department}”在本事项中出现了 {count} 次，请合并。")
UNKNOWN_TOWNSHIP = _code("unknown-township", "乡镇不存在", "乡镇“{township}”在 townships.yml 中不存在。")
EMPTY_TOWNSHIPS = _code("empty-townships", "适用乡镇列表为空", "适用乡镇列表是空的；适用全部乡镇请写 all。")
UNKNOWN_LAW = _code("unknown-law", "法规不存在", "法规“{law}”在 laws/ 中不存在（应有文件 laws/{law}.yml）。")
UNKNOWN_ARTICLE = _code("unknown-article", "引用的条文没有收录",
                        "《{title}》没有收录第 {article} 条：请在 {file} 的 articles 中加入该条原文，或改正条号。")
LAW_FILE_MISMATCH = _code("law-file-mismatch", "法规 id 与文件名不一致", "法规 id“{id}”与文件名“{stem}.yml”不一致。")
DUPLICATE_CHAPTER_START = _code("duplicate-chapter-start", "两个同级章节（如两个“章”）的起始条相同", "两个同级章节的起始条相同。", "warning")
CODE_FILE_MISMATCH = _code("code-file-mismatch", "事项编码与文件名不一致",
                           "事项编码“{code}”与文件名“{stem}.yml”不一致：请把文件改名为 {code}.yml，或改正编码。")
DUPLICATE_CODE = _code("duplicate-code", "编码（含曾用编码）重复", "编码“{code}”已被 {file} 使用：事项编码（含曾用编码）永不重复使用。",
                       same_item="编码“{code}”在本事项中重复出现。")
CODE_COLLISION = _code(
    "code-collision", "两个编码发布成同一个文件：只差大小写（如 `T-001` 和 `t-001`），或一个是另一个加 `.json`（`X.json` 是编码 X 的数据文件），或是 `index.html`",
    "编码“{code}”发布为 items/{name}，与{file} 的编码“{other}”冲突（网址不区分大小写；X.json 是编码 X 的数据文件）：请换一个编码。",
    index="编码“{code}”发布为 items/{name}，与事项列表页 items/index.html冲突（网址不区分大小写；X.json 是编码 X 的数据文件）：请换一个编码。")

ID_REUSED = _code(
    "id-reused", "部门、乡镇、分类或法规的 id 与另一条记录的 id、曾用 id（formerly）或已移除的 id（removed.yml）相同",
    "{what} id“{value}”已经属于{owner}：已公布的网址 /{folder}/{value}/ 只能指向一处，请换一个从未用过的 id。")
RETIRED_ID = _code(
    "retired-id", "引用了已改名（formerly）或已移除（removed.yml）的部门、乡镇、分类或法规",
    "{what}“{value}”已于 {date} 移除（{approval}）{then}：请改为现有的{what} id。",
    renamed="{what}“{value}”已改名为“{new}”：请改为 {new}。")
UNKNOWN_SUCCESSOR = _code(
    "unknown-successor", "removed.yml 中的 successor 不是现有的同类记录",
    "successor“{value}”不是现有的{what} id：请写接替它的{what}的 id，没有接替的就删去 successor（页面将指向{what}列表）。")

# 事项内容
MISSING_DEPARTMENTS = _code("missing-departments", "配合责任、上级部门收回的事项没有写县级部门",
                            "{kind}事项必须写明县级部门（departments）及其职责。")
NO_LEAD_DEPARTMENT = _code("no-lead-department", "没有牵头部门", "{kind}事项须有一个牵头部门（role: lead）。")
MISSING_TOWNSHIP_DUTIES = _code("missing-township-duties", "主体责任、配合责任的事项没有写乡镇职责", "{kind}事项必须写明乡镇职责（township: duties）。")
EMPTY_DUTIES = _code("empty-duties", "乡镇或牵头部门的职责列表为空", "{who}职责列表是空的。")
EMPTY_BASIS = _code("empty-basis", "没有法律法规依据", "没有列出任何法律法规依据。", "warning")
EMPTY_HISTORY = _code("empty-history", "没有变更记录", "变更记录至少要有一条（通常是 added）。")
HISTORY_ORDER = _code("history-order", "变更记录没有按时间先后排列", "变更记录应按时间先后排列：{date} 早于上一条的 {before}。")
FIRST_NOT_ADDED = _code("first-not-added", "第一条变更记录不是 added", "第一条变更记录通常是 added（增加）。", "warning")
RECODED_WITHOUT_FORMERLY = _code("recoded-without-formerly", "有改编码记录但没有写曾用编码",
                                 "变更记录有 recoded（改编码），但没有写 formerly（曾用编码），旧网址将失效。")
CHANGE_AFTER_CANCELLED = _code("change-after-cancelled", "事项取消后又写了 adjusted、recoded 等记录（以前会让事项悄悄“复活”）",
                               "事项已在上一条记录中取消，不能再 {action}：如果批准恢复这个事项，请先加一条 action: reinstated（恢复，写明批准文件）。")
REINSTATED_NOT_CANCELLED = _code("reinstated-not-cancelled", "`reinstated`（恢复）没有紧跟在 `cancelled` 之后",
                                 "reinstated（恢复）只能紧跟在 cancelled（取消）之后：事项没有被取消，不需要恢复。")

# 流程
DUPLICATE_STEP = _code("duplicate-step", "步骤 id 重复", "步骤 id“{id}”在本流程中重复。")
UNKNOWN_ACTOR = _code("unknown-actor", "执行者不是部门 id，也不是 village、grid、township、public、county",
                      "执行者“{actor}”既不是 departments.yml 中的部门 id，也不是 {actors} 之一。")
UNKNOWN_STEP = _code("unknown-step", "next 或分支指向不存在的步骤", "next 指向的步骤“{target}”在本流程中不存在。",
                     branch="分支“{when}”指向的步骤“{target}”在本流程中不存在。")
NEXT_AND_BRANCHES = _code("next-and-branches", "一个步骤同时写了 next 和 branches",
                          "一个步骤不能同时有 next 和 branches：判断用 branches，普通步骤用 next。")
STEP_LOOPS_TO_ITSELF = _code("step-loops-to-itself", "步骤的 next 或分支指向它自己", "步骤“{id}”的 next 指向它自己：请写下一步的 id，结束请写 next: []。",
                             branch="分支“{when}”转回步骤“{id}”本身：请写下一步的 id。")
UNREACHABLE_STEP = _code("unreachable-step", "从第一步无法到达该步骤", "步骤“{id}”从第一步出发无法到达：请检查前面步骤的 next 或 branches。")
NO_END = _code("no-end", "流程没有结束步骤", "流程没有结束步骤：请给最后一步写 next: []，或去掉返回前面步骤的 next。")

# 交办事项（assignments/）
ASSIGNMENT_FILE_MISMATCH = _code("assignment-file-mismatch", "交办事项的 id 与文件名不一致", "交办事项 id“{id}”与文件名“{stem}.yml”不一致。")
ASSIGNMENT_NOT_COUNTY = _code("assignment-not-county", "交办部门是乡镇内设机构", "“{name}”是乡镇内设机构：交办事项须由县级部门交办。")
ASSIGNMENT_NO_SUPPORT = _code("assignment-no-support", "没有写经费、人员、技术、培训中的任何一项保障",
                              "没有写明交办部门提供的经费、人员、技术或培训保障。", "warning")
ASSIGNMENT_BEFORE_APPROVAL = _code("assignment-before-approval", "开始日期早于批准日期",
                                   "开始日期 {start} 早于批准日期 {approved}：交办事项须先批准、后交办。")
ASSIGNMENT_NO_END = _code("assignment-no-end", "阶段性交办事项没有结束日期", "阶段性交办事项必须写结束日期（period.end）。")
ASSIGNMENT_END_BEFORE_START = _code("assignment-end-before-start", "结束日期早于开始日期", "结束日期 {end} 早于开始日期 {start}。")
ASSIGNMENT_ENDED_OUTSIDE = _code("assignment-ended-outside", "提前结束的日期不在交办期限内",
                                 "提前结束日期 {date} 不在交办期限（{start} 至 {end}）之内。")
EXTENSION_WITHOUT_END = _code("extension-without-end", "没有结束日期的交办事项写了延期",
                              "没有结束日期的交办事项不需要延期：请先写明 period.end。")
EXTENSION_AFTER_END = _code("extension-after-end", "延期的批准日期晚于原结束日期",
                            "延期批准日期 {date} 晚于原结束日期 {end}：已到期的交办事项不能延期，请作为新的交办事项报批。")
EXTENSION_NOT_LATER = _code("extension-not-later", "延期后的结束日期不晚于原结束日期", "延期后的结束日期 {new} 不晚于原结束日期 {end}。")
UNKNOWN_ITEM = _code("unknown-item", "交办事项的 item 指向不存在的事项编码", "事项编码“{code}”在 items/ 中不存在。")

# 动态管理（qingdan check --against）
CHANGED_WITHOUT_HISTORY = _code(
    "changed-without-history", "事项内容改了，但没有新的变更记录",
    "事项 {code} 修改了{fields}，但没有新的变更记录。动态管理要求每次变化都有批准文件："
    "请在 history 末尾加一条，写明 date、action（adjusted、cancelled 或 recoded）和批准文件 approval。")
HISTORY_REWRITTEN = _code(
    "history-rewritten", "原有的变更记录被修改或删除",
    "事项 {code} 原有的变更记录被修改或删除了。变更记录只能追加：请恢复原来的 {count} 条记录，把新的变化写成末尾的一条新记录。")
CODE_VANISHED = _code(
    "code-vanished", "事项文件被删除，网址会失效",
    "事项 {code}（{name}）的文件被删除了，网址 /items/{code}/{also}将失效。事项不能删除：请恢复文件 {file}，"
    "在 history 末尾加一条 action: cancelled（写明 date 和批准文件 approval）；如果是改了编码，请在新事项的 formerly 中写上 {code}。")
CODE_REUSED = _code(
    "code-reused", "用了已取消事项的编码或别的事项的曾用编码",
    "编码 {code} 是事项 {owner}（{name}）的曾用编码，不能再用于其他事项。请为本事项另取一个从未用过的编码。",
    cancelled="编码 {code} 属于已取消的事项（{name}），编码永不重用。请为新事项另取一个从未用过的编码，并恢复原事项的文件。")
URL_VANISHED = _code(
    "url-vanished", "曾用编码从 formerly 中删去，旧网址会失效",
    "事项 {code} 的曾用编码 {former} 被删去了，已公布的网址 /items/{former}/ 将失效。请在 formerly 中保留 {former}（曾用编码永远保留）。")
URL_DROPPED = _code(
    "url-dropped", "一个已公布的网址（法规、部门、乡镇、分类、工作手册、数据文件或手写页面）会消失",
    "已公布的网址 {url} 将失效：{advice}。")
ASSIGNMENT_NO_APPROVAL = _code(
    "assignment-no-approval", "新增的交办事项没有真正的批准文件（写的是“待定”“无”等）",
    "新增的交办事项“{title}”没有批准文件（写的是“{document}”）：未经准入批准，不得向乡镇交办工作。")
ASSIGNMENT_EXTENDED_WITHOUT_APPROVAL = _code(
    "assignment-extended-without-approval", "交办事项的结束日期推迟了，但没有新的延期批准",
    "交办事项“{title}”的结束日期从 {old} 推迟到 {new}，但没有新的延期批准：请恢复原结束日期，"
    "在 extensions 末尾加一条，写明 date、批准文件 approval 和新的 end。")
ASSIGNMENT_ENDED_KEPT_CURRENT = _code(
    "assignment-ended-kept-current", "已到期的交办事项被改回现行",
    "交办事项“{title}”已于 {end} 到期，不能通过修改延续为现行：如仍需乡镇承担，请作为新的交办事项重新报批。")
ASSIGNMENT_HISTORY_REWRITTEN = _code(
    "assignment-history-rewritten", "原有的准入批准或延期记录被修改或删除",
    "交办事项“{title}”原有的准入批准或延期记录被修改或删除了：这些记录只能追加，请恢复，把新的批准写成 extensions 末尾的一条。")
ASSIGNMENT_VANISHED = _code(
    "assignment-vanished", "交办事项文件被删除，网址会失效",
    "交办事项“{title}”的文件被删除了，已公布的网址 /assignments/{id}/ 将失效。交办事项不能删除：请恢复文件；提前结束的，写 ended（日期和文件）。")
AGAINST_UNREADABLE = _code("against-unreadable", "读不到用来比较的旧版本", "无法读取用于比较的旧版本：{reason}")


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def report_text(problems: list[Problem]) -> str:
    lines = [p.text() for p in problems]
    count = len(errors(problems))
    warnings = len(problems) - count
    if count:
        lines.append(f"发现 {count} 个错误" + (f"、{warnings} 个提醒" if warnings else "") + "，请逐条修改后再提交。")
    else:
        lines.append("清单有效" + (f"（{warnings} 个提醒）" if warnings else "") + "。")
    return "\n".join(lines) + "\n"


def report_json(problems: list[Problem]) -> str:
    return json.dumps([asdict(p) for p in problems], ensure_ascii=False, indent=2) + "\n"
