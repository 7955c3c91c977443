"""Safe YAML reading that keeps the line of every value.

We build our own small tree from PyYAML's event stream instead of using
``safe_load``: that lets us refuse anchors, aliases and tags, catch
duplicate keys, and keep each scalar's source text (so ``version: 2025.10``
stays ``"2025.10"`` and ``articles: [34]`` stays ``"34"``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

try:  # the C parser is ~10x faster on large catalogues
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from generator import problems as P
from generator.problems import Code, Problem

PARSER = f"PyYAML {yaml.__version__} {_Loader.__name__}"
"""What reads YAML here (a part of the parse cache's keys: another parser may read a file differently)."""
_resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = yaml.resolver.Resolver().resolve  # (untyped in PyYAML's stubs)
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
    items: dict[str, Node] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)


@dataclass
class Sequence:
    line: int
    items: list[Node] = field(default_factory=list)


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
    tag = _resolve(yaml.ScalarNode, event.value, (True, False))
    return tag.rsplit(":", 1)[-1]


class _Builder:
    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.problems: list[Problem] = []

    def problem(self, line: int, key: str, code: Code, /, **values: object) -> None:
        self.problems.append(code.at(self.rel, line, key, **values))

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
            self.problem(roots[1].line, "", P.YAML_MULTIPLE_DOCUMENTS)
        return roots[0] if roots else None

    def _node(self, events: list[yaml.Event], pos: int, key: str, depth: int) -> tuple[Node, int]:
        ev = events[pos]
        assert ev.start_mark is not None  # the parser marks every event
        line = ev.start_mark.line + 1
        if depth > MAX_DEPTH and isinstance(ev, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            self.problem(line, key, P.YAML_TOO_DEEP, depth=MAX_DEPTH)
            return Scalar("", "null", line), _skip(events, pos)
        if isinstance(ev, yaml.AliasEvent):
            self.problem(line, key, P.YAML_ALIAS, anchor=ev.anchor)
            return Scalar("", "null", line), pos + 1
        anchor = getattr(ev, "anchor", None)
        if anchor:
            self.problem(line, key, P.YAML_ANCHOR, anchor=anchor)
        tag = getattr(ev, "tag", None)
        if tag is not None and tag != "!":
            self.problem(line, key, P.YAML_TAG, tag=tag)
        if isinstance(ev, yaml.ScalarEvent):
            bad = _CONTROL.search(ev.value)
            if bad:  # written as an escape such as "\0" inside double quotes
                self.problem(line, key, P.CONTROL_CHARACTER, char=ord(bad.group()))
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
                self.problem(key_node.line, key, P.YAML_FULLWIDTH_SPACE)
                name = name.lstrip("\u3000 ")
            name = sys.intern(name)  # the same object as the field's name (a record's ``lines`` is keyed by it)
            full = f"{key}.{name}" if key else name
            value, pos = self._node(events, pos, full, depth + 1)
            if not isinstance(key_node, Scalar):
                self.problem(key_node.line, key, P.YAML_COMPLEX_KEY)
                continue
            if name in mapping.items:
                first = mapping.key_lines[name]
                self.problem(key_node.line, full, P.DUPLICATE_KEY, name=name, first=first)
                continue
            mapping.items[name] = value
            mapping.key_lines[name] = key_node.line
        return mapping, pos + 1


_FULLWIDTH_COLON = re.compile(r"^[ \u3000]*(- )?[A-Za-z_][A-Za-z0-9_]*[ \u3000]*：")
_FULLWIDTH_INDENT = re.compile(r"^ *\u3000")
_TAB_INDENT = re.compile(r"^[ \u3000]*\t")


def looks_like_fullwidth_key(text: str) -> bool:
    """``name：森林`` read as one text where a key was meant."""
    return bool(_FULLWIDTH_COLON.match(text))


def _line_hint(line: str) -> Code | None:
    """What an editor typed on this line that YAML cannot read, or None."""
    if _TAB_INDENT.match(line):
        return P.YAML_TAB
    if _FULLWIDTH_INDENT.match(line):
        return P.YAML_FULLWIDTH_SPACE
    if _FULLWIDTH_COLON.match(line):
        return P.YAML_FULLWIDTH_COLON
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
        return P.YAML_UNCLOSED_QUOTE.at(rel, line + 1, "", quote=quote)
    for number in range(max((start if start is not None else end) - 1, 0), min(end, len(lines) - 1) + 1):
        hint = _line_hint(lines[number])
        if hint:
            return hint.at(rel, number + 1, "")
    if ("flow sequence" in context or "flow mapping" in context) and start is not None:
        bracket = "[ ]" if "sequence" in context else "{ }"
        return P.YAML_UNCLOSED_BRACKET.at(rel, start + 1, "", bracket=bracket)
    if "simple key" in context and start is not None:
        return P.YAML_SYNTAX.at(rel, start + 1, "", "missing_colon")
    if "mapping values are not allowed" in problem and _indented_key(lines, end):
        return P.YAML_SYNTAX.at(rel, end + 1, "", "indented")
    if "mapping values are not allowed" in problem:
        return P.YAML_SYNTAX.at(rel, end + 1, "", "colon_in_text")
    return P.YAML_SYNTAX.at(rel, end + 1, "", reason=problem or context)


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
        return None, P.ENCODING.at(rel, line, "", position=exc.start + 1, byte=data[exc.start], guess=guess)


# Invisible characters that break pages or shift YAML's line count (U+0085, U+2028 and U+2029 are
# line breaks to YAML but not to an editor's window).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def parse_yaml(data: bytes, rel: str) -> tuple[Node | None, list[Problem]]:
    """The YAML file ``rel`` given as bytes; never raises for anything inside the file."""
    text, problem = _decode(data, rel)
    if problem:
        return None, [problem]
    assert text is not None
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        return None, [P.CONTROL_CHARACTER.at(rel, line, "", char=ord(bad.group()))]
    builder = _Builder(rel)
    try:
        events = list(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        return None, [syntax_problem(text, exc, rel)]
    except yaml.YAMLError as exc:
        return None, [P.YAML_SYNTAX.at(rel, None, "", "unplaced", reason=exc)]
    root = builder.build(events)
    return root, builder.problems
