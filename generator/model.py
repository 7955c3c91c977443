"""Typed model of a catalogue: format v1 and its compatible extensions.

These dataclasses are the single description of the format: the loader
reads YAML by walking their fields, and the JSON Schema is generated from
them. A field's docstring-like ``doc`` is shown to editors in their IDE.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, Literal

SLUG = r"^[a-z0-9-]+$"
CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
ARTICLE = r"^[0-9]+(之[0-9]+)?(\.[0-9]+)?$"
# An http(s) URL written into attributes and MkDocs' config: an ASCII host, then only URL characters
# that can never end an HTML attribute or start markup (no quotes, spaces, <, >, backslash, control).
URL = r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?#][A-Za-z0-9._~!$&()*+,;=:@%/?#-]*)?$"
PHONE = r"^(\+?[0-9][0-9 -]{3,}[0-9])(转[0-9]{1,6})?$"
"""A public phone: digits with optional spaces or hyphens (0000-1234567, 12345), an optional 转 extension."""

Kind = Literal["lead", "support", "returned"]
KINDS: tuple[Kind, ...] = ("lead", "support", "returned")
DEFAULT_LABELS: dict[str, str] = {"lead": "主体责任", "support": "配合责任", "returned": "上级部门收回"}
ACTORS: dict[str, str] = {
    "village": "村（社区）",
    "grid": "网格员",
    "township": "乡镇人民政府",
    "public": "群众/企业",
    "county": "县人民政府",
}
_LIST_ITEM = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")
LAW_LEVELS = ("法律", "行政法规", "地方性法规", "部门规章", "地方政府规章", "党内法规", "规范性文件")


def spec(doc: str, *, pattern: str | None = None, since: str | None = None) -> Any:
    """Field metadata: ``doc`` for editors; ``pattern`` a regex the text must match."""
    return {"doc": doc, "pattern": pattern, "extension": since}


@dataclass(kw_only=True)
class Located:
    """Where a record came from; filled by the loader, never read from YAML."""

    file: str = field(default="", compare=False, repr=False, metadata={"internal": True})
    line: int = field(default=0, compare=False, repr=False, metadata={"internal": True})
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False, metadata={"internal": True})
    source_digest: str = field(default="", init=False, compare=False, repr=False, metadata={"internal": True})
    """A digest of the file a whole record (an item, a law …) was parsed from, set by
    generator.load.parse_file: the same digest, the same record; "" for a record made in memory and
    for the records inside one. Not an init field, so ``dataclasses.replace`` never copies it onto
    an edited record (generator.pages.memo keys an item's pages by it)."""

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


@dataclass(kw_only=True)
class Contact(Located):
    phone: str | None = field(default=None, metadata=spec("咨询电话"))
    email: str | None = field(default=None, metadata=spec("电子邮箱"))
    address: str | None = field(default=None, metadata=spec("办公地址"))
    hours: str | None = field(default=None, metadata=spec("办公时间"))


@dataclass(kw_only=True)
class Portal(Located):
    """Government-portal footer facts (extension)."""

    sponsor: str | None = field(default=None, metadata=spec("主办单位"))
    site_code: str | None = field(default=None, metadata=spec("网站标识码"))
    icp: str | None = field(default=None, metadata=spec("ICP备案号"))
    police_record: str | None = field(default=None, metadata=spec("公安机关备案号"))
    icp_url: str | None = field(default=None, metadata=spec("ICP备案号链接到的官方备案查询网址；不写则备案号为纯文字", pattern=URL, since="1.1"))
    police_record_url: str | None = field(default=None, metadata=spec("公安备案号链接到的官方备案查询网址；不写则为纯文字", pattern=URL, since="1.1"))
    contact: str | None = field(default=None, metadata=spec("网站联系方式，一行文字"))


@dataclass(kw_only=True)
class Labels(Located):
    lead: str = field(default=DEFAULT_LABELS["lead"], metadata=spec("lead 的显示名称"))
    support: str = field(default=DEFAULT_LABELS["support"], metadata=spec("support 的显示名称"))
    returned: str = field(default=DEFAULT_LABELS["returned"], metadata=spec("returned 的显示名称"))

    def of(self, kind: str) -> str:
        return str(getattr(self, kind, kind))


@dataclass(kw_only=True)
class Branch(Located):
    when: str = field(metadata=spec("判断条件，如“属于违法建设”"))
    next: str = field(metadata=spec("条件成立时转到的步骤 id"))


@dataclass(kw_only=True)
class Step(Located):
    id: str = field(metadata=spec("步骤 id，在本事项内唯一", pattern=SLUG))
    actor: str = field(metadata=spec("执行者：部门 id，或 village、grid、township、public、county"))
    action: str = field(metadata=spec("做什么，一句话"))
    time_limit: str | None = field(default=None, metadata=spec("时限，如“2小时内”"))
    next: list[str] | None = field(default=None, metadata=spec("后续步骤 id；省略为列表中的下一步；[] 表示结束"))
    branches: list[Branch] | None = field(default=None, metadata=spec("判断分支（代替 next）"))


@dataclass(kw_only=True)
class Identity(Located):
    """catalogue.yml: the list's identity."""

    format: int = field(metadata=spec("格式版本，目前为 1"))
    title: str = field(metadata=spec("清单名称"))
    jurisdiction: str = field(metadata=spec("发布清单的县（市、区）"))
    publisher: str = field(metadata=spec("发布机关"))
    version: str = field(metadata=spec("清单版本号，如 \"2025.2\""))
    effective: date = field(metadata=spec("当前版本生效日期 YYYY-MM-DD"))
    approval: str | None = field(default=None, metadata=spec("批准当前版本的文件，如 示编办〔2025〕3号"))
    contact: Contact | None = field(default=None, metadata=spec("联系方式"))
    responsibility_labels: Labels = field(default_factory=Labels, metadata=spec("三类责任的显示名称"))
    site_url: str | None = field(default=None, metadata=spec("网站正式地址，用于永久链接和引用", pattern=URL))
    sample: bool = field(default=False, metadata=spec("true 表示示例数据，网站每页显示提示横幅", since="1.1"))
    portal: Portal | None = field(default=None, metadata=spec("政府网站页脚信息", since="1.1"))
    general_workflow: list[Step] = field(default_factory=list, metadata=spec("乡呼县应通用流程", since="1.1"))


@dataclass(kw_only=True)
class Department(Located):
    id: str = field(metadata=spec("部门 id，稳定不变", pattern=SLUG))
    name: str = field(metadata=spec("部门全称"))
    short: str | None = field(default=None, metadata=spec("简称，用于表格和流程图泳道"))
    level: Literal["county", "township"] = field(metadata=spec("county 县级部门；township 乡镇内设机构"))
    phone: str | None = field(default=None, metadata=spec("公开电话"))
    formerly: list[str] = field(default_factory=list, metadata=spec("曾用 id：改 id 后旧网址自动跳转到本页", pattern=SLUG, since="1.2"))

    @property
    def label(self) -> str:
        return self.short or self.name


@dataclass(kw_only=True)
class Township(Located):
    id: str = field(metadata=spec("乡镇 id", pattern=SLUG))
    name: str = field(metadata=spec("乡镇（街道）名称"))
    kind: Literal["镇", "乡", "街道"] = field(metadata=spec("镇、乡或街道"))
    office: str | None = field(default=None, metadata=spec("群众办事、咨询的窗口，如 城关镇便民服务中心", since="1.1"))
    phone: str | None = field(default=None, metadata=spec("咨询电话，如 0000-1234567", pattern=PHONE, since="1.1"))
    address: str | None = field(default=None, metadata=spec("办公地址", since="1.1"))
    hours: str | None = field(default=None, metadata=spec("办公时间，如 工作日 8:30—12:00，14:30—17:30", since="1.1"))
    note: str | None = field(default=None, metadata=spec("给群众的一句说明，如 节假日值班电话", since="1.1"))
    formerly: list[str] = field(default_factory=list, metadata=spec("曾用 id：改 id 后旧网址自动跳转到本页", pattern=SLUG, since="1.2"))

    @property
    def government(self) -> str:
        """The township's government: 清水镇人民政府, 东城街道办事处."""
        return self.name + ("办事处" if self.kind == "街道" else "人民政府")


@dataclass(kw_only=True)
class Category(Located):
    id: str = field(metadata=spec("分类 id", pattern=SLUG))
    name: str = field(metadata=spec("分类名称"))
    group: str | None = field(default=None, metadata=spec("分组，如 社会治理"))
    description: str | None = field(default=None, metadata=spec("说明"))
    formerly: list[str] = field(default_factory=list, metadata=spec("曾用 id：改 id 后旧网址自动跳转到本页", pattern=SLUG, since="1.2"))


@dataclass(kw_only=True)
class Chapter(Located):
    """A heading in a law's text (extension): it starts before article ``start``."""

    title: str = field(metadata=spec("标题，如“第四章 森林保护”"))
    start: str = field(metadata=spec("本章第一条的条号", pattern=ARTICLE))
    kind: Literal["编", "分编", "章", "节"] = field(default="章", metadata=spec("编、分编、章或节"))


@dataclass(kw_only=True)
class Appendix(Located):
    """附件 (or 附录, 附表) published with a law: kept apart from its articles (extension)."""

    title: str = field(metadata=spec("附件标题，如“附件：森林防火期”"))
    text: str = field(metadata=spec("附件全文，每段一行"))


@dataclass(kw_only=True)
class Law(Located):
    id: str = field(metadata=spec("法规 id，与文件名相同", pattern=SLUG))
    title: str = field(metadata=spec("全称"))
    short: str | None = field(default=None, metadata=spec("简称"))
    level: Literal["法律", "行政法规", "地方性法规", "部门规章", "地方政府规章", "党内法规", "规范性文件"] = field(
        metadata=spec("效力级别")
    )
    issuer: str | None = field(default=None, metadata=spec("制定机关"))
    document_number: str | None = field(default=None, metadata=spec("文号，如 国务院令第541号"))
    promulgated: date | None = field(default=None, metadata=spec("公布日期"))
    effective: date | None = field(default=None, metadata=spec("所引条文版本的施行日期"))
    source: str | None = field(default=None, metadata=spec("官方文本网址", pattern=URL))
    status: Literal["现行有效", "已修改", "已废止"] | None = field(
        default=None, metadata=spec("时效性：现行有效；已修改（本站条文不是现行文本）；已废止", since="1.1"))
    amended: list[date] = field(default_factory=list, metadata=spec("历次修正、修订的日期，按先后", since="1.1"))
    total_articles: int | None = field(default=None, metadata=spec("全文共有多少条（本站可只收录被引用的条文）", since="1.1"))
    articles: dict[str, str] = field(default_factory=dict, metadata=spec("条号 → 条文；\"34.2\" 为第三十四条第二款；一条多款可用换行分隔"))
    chapters: list[Chapter] = field(default_factory=list, metadata=spec("章节标题", since="1.1"))
    preamble: str | None = field(default=None, metadata=spec("序言全文，每段一行（宪法等有序言的法规）", since="1.2"))
    appendices: list[Appendix] = field(default_factory=list, metadata=spec("附件（附录、附表），在法规页条文之后显示", since="1.2"))
    formerly: list[str] = field(default_factory=list, metadata=spec("曾用 id：改 id 后旧网址自动跳转到本页", pattern=SLUG, since="1.2"))

    @property
    def label(self) -> str:
        return self.short or self.title

    def paragraphs(self, number: str) -> list[str]:
        """An article's 款; list lines such as （一）… belong to the 款 before them."""
        out: list[str] = []
        for line in self.articles.get(number, "").split("\n"):
            if not line.strip():
                continue
            if out and _LIST_ITEM.match(line):
                out[-1] += "\n" + line
            else:
                out.append(line)
        return out

    def shown_articles(self) -> int:
        """How many articles the file holds (paragraphs ``"34.2"`` belong to article 34)."""
        return len({ref.partition(".")[0] for ref in self.articles})

    def article_text(self, ref: str) -> str | None:
        """Text for ``"34"`` or ``"34.2"``; a paragraph may come from its article's lines."""
        if ref in self.articles:
            return self.articles[ref]
        number, _, para = ref.partition(".")
        paras = self.paragraphs(number)
        if para.isdigit() and 1 <= int(para) <= len(paras):
            return paras[int(para) - 1]
        return None


@dataclass(kw_only=True)
class DepartmentDuty(Located):
    department: str = field(metadata=spec("部门 id"))
    role: Literal["lead", "support"] = field(metadata=spec("lead 牵头；support 配合"))
    duties: list[str] = field(metadata=spec("该部门的职责"))


@dataclass(kw_only=True)
class TownshipDuty(Located):
    duties: list[str] = field(metadata=spec("乡镇的职责"))
    office: str | None = field(default=None, metadata=spec("乡镇内具体办理的机构：departments.yml 中 level: township 的部门 id", since="1.1"))


@dataclass(kw_only=True)
class Citation(Located):
    law: str = field(metadata=spec("法规 id"))
    articles: list[str] = field(default_factory=list, metadata=spec("条号，如 \"34\"、\"35.2\"；省略为引用全文"))
    note: str | None = field(default=None, metadata=spec("说明"))


HistoryAction = Literal["added", "adjusted", "cancelled", "recoded", "reinstated"]
ACTION_LABELS: dict[str, str] = {"added": "增加", "adjusted": "调整", "cancelled": "取消", "recoded": "改编码", "reinstated": "恢复"}
"""What each history action is called on the site and in reports; ``reinstated`` (extension 1.2) ends a cancellation."""


@dataclass(kw_only=True)
class Change(Located):
    date: date = field(metadata=spec("日期 YYYY-MM-DD"))
    action: HistoryAction = field(metadata=spec("added 增加、adjusted 调整、cancelled 取消、recoded 改编码、reinstated 恢复（紧跟 cancelled）"))
    approval: str = field(metadata=spec("批准文件，如 示编办〔2025〕3号"))
    note: str | None = field(default=None, metadata=spec("变更说明"))


@dataclass(kw_only=True)
class Item(Located):
    code: str = field(metadata=spec("事项编码，永久不变，是网页地址", pattern=CODE))
    name: str = field(metadata=spec("事项名称"))
    category: str = field(metadata=spec("分类 id"))
    responsibility: Kind = field(metadata=spec("lead 主体责任；support 配合责任；returned 上级部门收回"))
    summary: str | None = field(default=None, metadata=spec("一段通俗说明"))
    departments: list[DepartmentDuty] = field(default_factory=list, metadata=spec("县级部门及其职责"))
    township: TownshipDuty | None = field(default=None, metadata=spec("乡镇职责"))
    working_method: str | None = field(default=None, metadata=spec("工作方式：上级部门收回事项收回后乡镇如何配合、群众找谁", since="1.2"))
    townships: Literal["all"] | list[str] = field(default="all", metadata=spec("适用乡镇：all 或乡镇 id 列表"))
    basis: list[Citation] = field(metadata=spec("法律法规依据"))
    workflow: list[Step] = field(default_factory=list, metadata=spec("办理流程"))
    accountability: list[str] = field(default_factory=list, metadata=spec("追责情形"))
    exemption: list[str] = field(default_factory=list, metadata=spec("免责情形"))
    keywords: list[str] = field(default_factory=list, metadata=spec("检索关键词"))
    history: list[Change] = field(metadata=spec("变更记录，按时间先后"))
    formerly: list[str] = field(default_factory=list, metadata=spec("曾用编码", pattern=CODE))

    @property
    def cancelled(self) -> Change | None:
        """The cancelling change, if the item's last change cancels it."""
        last = self.history[-1] if self.history else None
        return last if last and last.action == "cancelled" else None

    @property
    def updated(self) -> date | None:
        return self.history[-1].date if self.history else None

    def applies_to(self, township_id: str) -> bool:
        return self.townships == "all" or township_id in self.townships

    def lead_departments(self) -> list[DepartmentDuty]:
        return [d for d in self.departments if d.role == "lead"] + [d for d in self.departments if d.role != "lead"]

    @property
    def lead_department(self) -> str | None:
        """The county department that leads (配合责任, 上级部门收回), if any."""
        return next((d.department for d in self.departments if d.role == "lead"), None)


RecordKind = Literal["department", "township", "category", "law"]
RECORD_KINDS: dict[str, tuple[str, str]] = {
    "department": ("departments", "部门"), "township": ("townships", "乡镇"),
    "category": ("categories", "分类"), "law": ("laws", "法规"),
}
"""Each kind of record with a page: its URL folder and its name for the public."""


@dataclass(kw_only=True)
class Removed(Located):
    """removed.yml (extension 1.2): a department, township, category or law taken out of the
    catalogue. Its published page stays, saying what happened, when, by which document and where to go."""

    kind: RecordKind = field(metadata=spec("department 部门、township 乡镇、category 分类或 law 法规"))
    id: str = field(metadata=spec("原来的 id（网址中的那一段）", pattern=SLUG))
    name: str = field(metadata=spec("原来的名称"))
    date: date = field(metadata=spec("移除日期 YYYY-MM-DD"))
    approval: str = field(metadata=spec("批准文件，如 示编办〔2025〕3号"))
    note: str | None = field(default=None, metadata=spec("发生了什么，如“撤乡并镇，并入城关镇”"))
    successor: str | None = field(default=None, metadata=spec("接替它的同类记录 id；省略时指向列表页", pattern=SLUG))

    @property
    def folder(self) -> str:
        return RECORD_KINDS[self.kind][0]


AssignmentKind = Literal["阶段性", "区域性"]
Day = date
"""``date`` under another name, for records that also have a field called ``date``."""


@dataclass(kw_only=True)
class Approval(Located):
    """The written approval a 交办事项 needs before a township may be given it (事项准入)."""

    document: str = field(metadata=spec("批准文件文号，如 示编办〔2025〕8号"))
    date: date = field(metadata=spec("批准日期 YYYY-MM-DD"))
    by: str | None = field(default=None, metadata=spec("批准机关，如 县委机构编制委员会办公室"))


@dataclass(kw_only=True)
class Period(Located):
    start: date = field(metadata=spec("开始日期 YYYY-MM-DD"))
    end: date | None = field(default=None, metadata=spec("结束日期；阶段性任务必须写"))


@dataclass(kw_only=True)
class Support(Located):
    """What the assigning department gives the township with the task (权责一致)."""

    funding: str | None = field(default=None, metadata=spec("经费保障"))
    staff: str | None = field(default=None, metadata=spec("人员保障"))
    technical: str | None = field(default=None, metadata=spec("技术支持"))
    training: str | None = field(default=None, metadata=spec("业务培训"))

    def given(self) -> list[tuple[str, str]]:
        """(label, text) for each kind of support stated, in a fixed order."""
        labels = (("funding", "经费"), ("staff", "人员"), ("technical", "技术"), ("training", "培训"))
        return [(label, text) for key, label in labels if (text := getattr(self, key))]


@dataclass(kw_only=True)
class Extension(Located):
    date: date = field(metadata=spec("批准延期的日期 YYYY-MM-DD"))
    approval: str = field(metadata=spec("批准延期的文件文号"))
    end: Day = field(metadata=spec("延期后的结束日期"))
    note: str | None = field(default=None, metadata=spec("延期说明"))


@dataclass(kw_only=True)
class Ending(Located):
    date: date = field(metadata=spec("提前结束的日期 YYYY-MM-DD"))
    approval: str | None = field(default=None, metadata=spec("决定提前结束的文件"))
    note: str | None = field(default=None, metadata=spec("说明"))


@dataclass(kw_only=True)
class Assignment(Located):
    """assignments/<id>.yml: a task assigned to townships outside the list, with its admission approval (extension)."""

    id: str = field(metadata=spec("交办事项 id，与文件名相同", pattern=SLUG))
    title: str = field(metadata=spec("交办事项名称，如 2025年汛期防汛值守"))
    kind: AssignmentKind = field(metadata=spec("阶段性 或 区域性"))
    department: str = field(metadata=spec("交办的县级部门 id"))
    approval: Approval = field(metadata=spec("准入批准：没有批准不得交办"))
    period: Period = field(metadata=spec("交办期限"))
    townships: Literal["all"] | list[str] = field(default="all", metadata=spec("承接乡镇：all 或乡镇 id 列表"))
    summary: str | None = field(default=None, metadata=spec("一段通俗说明"))
    duties: list[str] = field(metadata=spec("乡镇承担的工作"))
    support: Support = field(metadata=spec("交办部门提供的保障：经费、人员、技术、培训"))
    basis: list[Citation] = field(default_factory=list, metadata=spec("法律法规或政策依据"))
    item: str | None = field(default=None, metadata=spec("相关的清单事项编码"))
    extensions: list[Extension] = field(default_factory=list, metadata=spec("经批准的延期，按时间先后"))
    ended: Ending | None = field(default=None, metadata=spec("提前结束"))

    @property
    def end(self) -> date | None:
        """The day it ends: an early end, else the last approved extension, else the period's end."""
        if self.ended:
            return self.ended.date
        if self.extensions:
            return self.extensions[-1].end
        return self.period.end

    def is_over(self, today: date) -> bool:
        return self.end is not None and self.end < today

    def applies_to(self, township_id: str) -> bool:
        return self.townships == "all" or township_id in self.townships


@dataclass(eq=False)
class Version:
    """One approved text of an item: the item as it stood from ``start`` until the next version.

    ``context`` holds the laws, departments, townships and categories as they stood then
    (so the article texts are those the version cited); its ``items`` list is empty.
    """

    item: Item
    context: Catalogue
    start: date
    slug: str
    """URL segment under /items/<code>/v/: YYYY-MM-DD, YYYY-MM-DD-2 for a second version that day."""
    change: Change | None
    """The history entry that approved this text; None when the text changed without one."""
    end: date | None = None
    """The next version's start; None for the current version."""
    commit: str | None = None
    """The git commit this text was read from; None outside git or for uncommitted edits."""

    @property
    def approval(self) -> str | None:
        return self.change.approval if self.change else None


@dataclass
class Catalogue:
    """A whole catalogue, loaded; lists keep file order, items are sorted by code."""

    identity: Identity
    departments: list[Department]
    townships: list[Township]
    categories: list[Category]
    laws: list[Law]
    items: list[Item]
    removed: list[Removed] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    """交办事项 (extension), sorted by id."""
    versions: dict[str, list[Version]] = field(default_factory=dict, compare=False, repr=False)
    """Each item's versions by current code, oldest first, read from git by generator.history;
    empty for a catalogue without history (then every item has one version: see versions_of)."""

    def __post_init__(self) -> None:
        self.department = {d.id: d for d in self.departments}
        self.township = {t.id: t for t in self.townships}
        self.category = {c.id: c for c in self.categories}
        self.law = {law.id: law for law in self.laws}
        self.item = {i.code: i for i in self.items}
        self.assignment = {a.id: a for a in self.assignments}

    def records(self, kind: str) -> list[Any]:
        """The current departments, townships, categories or laws (``kind`` as in RECORD_KINDS)."""
        lists: dict[str, list[Any]] = {"department": self.departments, "township": self.townships,
                                       "category": self.categories, "law": self.laws}
        return lists[kind]

    @property
    def labels(self) -> Labels:
        return self.identity.responsibility_labels

    @property
    def active_items(self) -> list[Item]:
        return [i for i in self.items if not i.cancelled]

    def permalink(self, code: str) -> str | None:
        """The permanent absolute URL of item ``code``; None when site_url is not configured."""
        return self.site_link(f"items/{code}/")

    def site_link(self, path: str) -> str | None:
        """The absolute URL of ``path`` (relative to the site root); None when site_url is not configured."""
        base = self.identity.site_url
        return f"{base.rstrip('/')}/{path}" if base else None
    def versions_of(self, item: Item) -> list[Version]:
        """The item's versions, oldest first; the last one is the item as it stands now."""
        found = self.versions.get(item.code)
        if found:
            return found
        last = item.history[-1] if item.history else None
        start = last.date if last else self.identity.effective
        return [Version(item, self, start, start.isoformat(), last)]

    def actor_label(self, actor: str) -> str:
        if actor in ACTORS:
            return ACTORS[actor]
        dept = self.department.get(actor)
        return dept.label if dept else actor

    def office_of(self, item: Item) -> Department | None:
        """The township office that does the item's township work (``township.office``), if named."""
        office = item.township.office if item.township else None
        return self.department.get(office) if office else None

    def item_townships(self, item: Item | Assignment) -> list[Township]:
        """The townships an item (or a 交办事项) applies to, in townships.yml order for ``all``."""
        if item.townships == "all":
            return list(self.townships)
        return [self.township[t] for t in item.townships if t in self.township]


# --- describing the model: used by the loader, the schema and the writers ---


def field_hints(cls: type) -> dict[str, Any]:
    """Each field's resolved type (the module uses postponed annotations)."""
    return _field_hints(cls)


def fields_of(cls: type) -> list[dataclasses.Field[Any]]:
    """The fields an editor writes (not the loader's bookkeeping)."""
    return _fields_of(cls)


# (cached behind plain functions: mypy does not see a dataclass type as Hashable)
@cache
def _field_hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, globals())


@cache
def _fields_of(cls: type) -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


def is_required(f: dataclasses.Field[Any]) -> bool:
    """An editor must write this key (it has no default)."""
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def flow_successors(steps: list[Step]) -> dict[str, list[str]]:
    """Each step's following step ids (defaults and decisions resolved)."""
    out: dict[str, list[str]] = {}
    for i, step in enumerate(steps):
        if step.branches is not None:
            out[step.id] = [b.next for b in step.branches]
        elif step.next is not None:
            out[step.id] = list(step.next)
        else:
            out[step.id] = [steps[i + 1].id] if i + 1 < len(steps) else []
    return out
