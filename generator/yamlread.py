"""Safe YAML reading that keeps the line of every value.

We build our own small tree from PyYAML's event stream instead of using
``safe_load``: that lets us refuse anchors, aliases and tags, catch
duplicate keys, and keep each scalar's source text (so ``version: 2025.10``
stays ``"2025.10"`` and ``articles: [34]`` stays ``"34"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

try:  # the C parser is ~10x faster on large catalogues
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from generator.problems import Problem

_resolver = yaml.resolver.Resolver()
MAX_DEPTH = 64
"""Deepest nesting of lists and mappings read; a catalogue needs about 6."""


@dataclass
class Scalar:
    text: str
    """The value as written (quotes removed)."""
    tag: str
    """Resolved YAML type: ``str``, ``int``, ``float``, ``bool``, ``null`` or ``timestamp``."""
    line: int


@dataclass
class Mapping:
    line: int
    items: dict[str, "Node"] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)


@dataclass
class Sequence:
    line: int
    items: list["Node"] = field(default_factory=list)


Node = Scalar | Mapping | Sequence


def describe(node: Node) -> str:
    """Name a node's type in the editor's words."""
    if isinstance(node, Mapping):
        return "键值表"
    if isinstance(node, Sequence):
        return "列表"
    return {"null": "空值", "bool": "布尔值", "int": "数字", "float": "数字"}.get(node.tag, "文本")


def _scalar_tag(event: yaml.ScalarEvent) -> str:
    if event.style:  # quoted or block scalar: always text
        return "str"
    if event.value and event.value[0] > "~":  # starts with CJK etc.: no YAML type begins so
        return "str"
    tag = _resolver.resolve(yaml.ScalarNode, event.value, (True, False))
    return tag.rsplit(":", 1)[-1]


class _Builder:
    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.problems: list[Problem] = []

    def problem(self, line: int, key: str, code: str, message: str) -> None:
        self.problems.append(Problem(self.rel, line, key, code, message))

    def build(self, events: list[yaml.Event]) -> Node | None:
        pos = 0
        roots: list[Node] = []
        while pos < len(events):
            ev = events[pos]
            if isinstance(ev, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)):
                node, pos = self._node(events, pos, "", 0)
                roots.append(node)
            else:
                pos += 1
        if len(roots) > 1:
            self.problem(roots[1].line, "", "yaml-multiple-documents", "一个文件只能有一个 YAML 文档，请删除多余的“---”分隔线。")
        return roots[0] if roots else None

    def _node(self, events: list[yaml.Event], pos: int, key: str, depth: int) -> tuple[Node, int]:
        ev = events[pos]
        line = ev.start_mark.line + 1
        if depth > MAX_DEPTH and isinstance(ev, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            self.problem(line, key, "yaml-too-deep", f"列表或键值表嵌套超过 {MAX_DEPTH} 层，未读取这部分：清单最多只需要几层，请检查是否多写了“[”或“- ”。")
            return Scalar("", "null", line), _skip(events, pos)
        if isinstance(ev, yaml.AliasEvent):
            self.problem(line, key, "yaml-alias", f"不能使用 YAML 引用“*{ev.anchor}”，请把内容完整写出来。")
            return Scalar("", "null", line), pos + 1
        if getattr(ev, "anchor", None):
            self.problem(line, key, "yaml-anchor", f"不能使用 YAML 锚点“&{ev.anchor}”，请删除它。")
        tag = getattr(ev, "tag", None)
        if tag is not None and tag != "!":
            self.problem(line, key, "yaml-tag", f"不能使用 YAML 标签“{tag}”，请删除它。")
        if isinstance(ev, yaml.ScalarEvent):
            return Scalar(ev.value, _scalar_tag(ev), line), pos + 1
        if isinstance(ev, yaml.SequenceStartEvent):
            seq = Sequence(line)
            pos += 1
            while not isinstance(events[pos], yaml.SequenceEndEvent):
                item, pos = self._node(events, pos, f"{key}[{len(seq.items)}]", depth + 1)
                seq.items.append(item)
            return seq, pos + 1
        mapping = Mapping(line)
        pos += 1
        while not isinstance(events[pos], yaml.MappingEndEvent):
            key_node, pos = self._node(events, pos, key, depth + 1)
            name = key_node.text if isinstance(key_node, Scalar) else "?"
            if name.startswith("\u3000"):  # YAML reads full-width spaces as part of the key
                self.problem(key_node.line, key, *_FULLWIDTH_SPACE)
                name = name.lstrip("\u3000 ")
            full = f"{key}.{name}" if key else name
            value, pos = self._node(events, pos, full, depth + 1)
            if not isinstance(key_node, Scalar):
                self.problem(key_node.line, key, "yaml-complex-key", "键必须是简单的文本。")
                continue
            if name in mapping.items:
                first = mapping.key_lines[name]
                self.problem(key_node.line, full, "duplicate-key", f"键“{name}”重复出现（第 {first} 行已有），请删除或合并其中一个。")
                continue
            mapping.items[name] = value
            mapping.key_lines[name] = key_node.line
        return mapping, pos + 1


_FULLWIDTH_COLON = re.compile(r"^[ \u3000]*(- )?[A-Za-z_][A-Za-z0-9_]*[ \u3000]*：")
_FULLWIDTH_INDENT = re.compile(r"^ *\u3000")
_TAB_INDENT = re.compile(r"^[ \u3000]*\t")


_FULLWIDTH_SPACE = ("yaml-fullwidth-space", "这一行开头用了全角空格（中文输入法的空格）：YAML 只能用半角空格缩进，请删除后用半角空格重新缩进。")
FULLWIDTH_COLON = ("yaml-fullwidth-colon", "这一行的键名后面用了中文全角冒号“：”：请改成英文半角冒号加一个空格“: ”。")


def looks_like_fullwidth_key(text: str) -> bool:
    """``name：森林`` read as one text where a key was meant."""
    return bool(_FULLWIDTH_COLON.match(text))


def _line_hint(line: str) -> tuple[str, str] | None:
    """What an editor typed on this line that YAML cannot read: (code, message), or None."""
    if _TAB_INDENT.match(line):
        return "yaml-tab", "这一行用了制表符（Tab）缩进：YAML 只能用空格缩进，请把 Tab 换成空格（每层两个空格）。"
    if _FULLWIDTH_INDENT.match(line):
        return _FULLWIDTH_SPACE
    if _FULLWIDTH_COLON.match(line):
        return FULLWIDTH_COLON
    return None


def syntax_problem(text: str, exc: yaml.MarkedYAMLError, rel: str) -> Problem:
    """PyYAML's error, said in Chinese at the line the editor must fix (often before where the parser gave up)."""
    lines = text.split("\n")
    start = exc.context_mark.line if exc.context_mark else None
    end = exc.problem_mark.line if exc.problem_mark else len(lines) - 1
    column = exc.context_mark.column if exc.context_mark else 0
    context, problem = exc.context or "", exc.problem or ""
    opened = _runaway_quote(text, end) if "quoted scalar" not in context else None
    if opened is not None or ("quoted scalar" in context and start is not None):
        line, column = opened or (start or 0, column)
        quote = lines[line][column] if column < len(lines[line]) else "引"
        return Problem(rel, line + 1, "", "yaml-unclosed-quote",
                       f"这一行的引号 {quote} 没有配对：在文字末尾补上另一个 {quote}；文字里本身有 {quote} 时，改用另一种引号把整段括起来。")
    for number in range(max((start if start is not None else end) - 1, 0), min(end, len(lines) - 1) + 1):
        hint = _line_hint(lines[number])
        if hint:
            return Problem(rel, number + 1, "", *hint)
    if ("flow sequence" in context or "flow mapping" in context) and start is not None:
        bracket = "[ ]" if "sequence" in context else "{ }"
        return Problem(rel, start + 1, "", "yaml-unclosed-bracket",
                       f"这一行的括号 {bracket} 没有配对，或括号里的各项没有用英文逗号“,”分开：请补上括号或逗号；文字里有括号时请给文字加引号。")
    if "simple key" in context and start is not None:
        return Problem(rel, start + 1, "", "yaml-syntax", "这一行缺少英文冒号“:”：键和值之间写“键: 值”（冒号后有一个空格）；如果这一行是上一行文字的延续，请把它们合成一行。")
    if "mapping values are not allowed" in problem and _indented_key(lines, end):
        return Problem(rel, end + 1, "", "yaml-syntax", "这一行比上一行多缩进了：同一层的键要左端对齐；如果它属于上一行，请在上一行的冒号后不写内容。")
    if "mapping values are not allowed" in problem:
        return Problem(rel, end + 1, "", "yaml-syntax", "这一行的文字里有“: ”（冒号加空格），YAML 把它当成了键：请给整段文字加引号，或把冒号换成中文全角冒号“：”。")
    return Problem(rel, end + 1, "", "yaml-syntax", f"YAML 格式错误（{problem or context}）：请检查这一行及上一行的缩进（只用空格，同一层对齐）、冒号和引号。")


def _runaway_quote(text: str, error_line: int) -> tuple[int, int] | None:
    """Where a quoted text opens that ran over several lines and ended where the parser failed.

    An unclosed quote swallows the following lines until the next quote of the same kind
    (``articles: ["20"]``), so PyYAML stops there, lines below the real mistake.
    """
    found = None
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") and token.end_mark.line > token.start_mark.line:
                found = token
    except yaml.MarkedYAMLError:
        pass
    if found is None or found.end_mark.line < error_line - 1:
        return None
    return found.start_mark.line, found.start_mark.column


def _indented_key(lines: list[str], number: int) -> bool:
    """Line ``number`` is ``key: value`` indented deeper than the line above it."""
    line = lines[number]
    above = next((lines[n] for n in range(number - 1, -1, -1) if lines[n].strip()), "")
    indent = len(line) - len(line.lstrip(" "))
    return bool(re.match(r" *[A-Za-z_][A-Za-z0-9_]*: ", line)) and indent > len(above) - len(above.lstrip(" "))


def _skip(events: list[yaml.Event], pos: int) -> int:
    """The position after the collection that starts at ``pos`` (without recursion)."""
    depth = 0
    while True:
        ev = events[pos]
        pos += 1
        if isinstance(ev, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
        elif isinstance(ev, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        if depth == 0:
            return pos


def _decode(data: bytes, rel: str) -> tuple[str | None, Problem | None]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        guess = ""
        try:
            data.decode("gb18030")
            guess = "看起来是 GBK/GB18030 编码（Windows 记事本、WPS 常见）；"
        except UnicodeDecodeError:
            pass
        msg = f"文件不是 UTF-8 编码：第 {exc.start + 1} 个字节（0x{data[exc.start]:02X}）无法按 UTF-8 读取；{guess}请用“UTF-8”编码另存此文件。"
        return None, Problem(rel, line, "", "encoding", msg)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_yaml(path: Path, rel: str) -> tuple[Node | None, list[Problem]]:
    """Read one YAML file; never raises for anything inside the file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(rel, None, "", "unreadable-file", f"无法读取文件：{exc.strerror or exc}。")]
    text, problem = _decode(data, rel)
    if problem:
        return None, [problem]
    assert text is not None
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        return None, [Problem(rel, line, "", "control-character", f"文件含有不可见的控制字符（U+{ord(bad.group()):04X}），请删除它。")]
    builder = _Builder(rel)
    try:
        events = list(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        return None, [syntax_problem(text, exc, rel)]
    except yaml.YAMLError as exc:
        return None, [Problem(rel, None, "", "yaml-syntax", f"YAML 格式错误：{exc}。")]
    root = builder.build(events)
    return root, builder.problems
