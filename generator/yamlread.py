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
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        return None, [Problem(rel, line, "", "yaml-syntax", f"YAML 格式错误：{exc.problem or exc.context}。请检查这一行的缩进、冒号和引号。")]
    except yaml.YAMLError as exc:
        return None, [Problem(rel, None, "", "yaml-syntax", f"YAML 格式错误：{exc}。")]
    root = builder.build(events)
    return root, builder.problems
