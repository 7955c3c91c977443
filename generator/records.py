"""YAML nodes of one file -> model records, collecting every problem instead of stopping.

The shape of each record (required keys, types, allowed values, patterns)
is checked here, driven by the dataclass fields in ``model``; rules that
span records (references, uniqueness, order) live in ``validate``. A file
is given as bytes: from the catalogue folder (``load``) or a blob from git.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import sys
import types
import typing
from datetime import date
from typing import Any, Literal, TypeVar, get_args, get_origin
from urllib.parse import urlsplit

from generator import model
from generator import problems as P
from generator.model import field_hints, fields_of, is_required
from generator.problems import Code, Problem
from generator.yamlread import Mapping, Node, Scalar, Sequence, describe, looks_like_fullwidth_key, parse_yaml

T = TypeVar("T")


class _Reader:
    """Converts YAML nodes of one file into model objects."""

    def __init__(self, rel: str, problems: list[Problem]) -> None:
        self.rel = rel
        self.problems = problems

    def problem(self, line: int | None, key: str, code: Code, variant: str = "", /, **values: object) -> None:
        self.problems.append(code.at(self.rel, line, key, variant, **values))

    def record(self, node: Node, cls: type[T], key: str) -> T | None:
        if not isinstance(node, Mapping):
            if isinstance(node, Scalar) and looks_like_fullwidth_key(node.text):
                self.problem(node.line, key, P.YAML_FULLWIDTH_COLON)
            else:
                self.problem(node.line, key, P.WRONG_TYPE, "mapping", actual=describe(node))
            return None
        known = {f.name: f for f in fields_of(cls)}
        values: dict[str, Any] = {}
        ok = True
        for name, child in node.items.items():
            full = f"{key}.{name}" if key else name
            f = known.get(name)
            if f is None:
                guess = difflib.get_close_matches(name, known, n=1)
                hint = f"，是不是“{guess[0]}”？" if guess else "，将被忽略。"
                self.problem(node.key_lines[name], full, P.UNKNOWN_KEY, name=name, hint=hint)
                continue
            if isinstance(child, Scalar) and child.tag == "null" and not is_required(f):
                continue  # an empty optional value means "not given"
            value, good = self.value(child, field_hints(cls)[name], full, f.metadata.get("pattern"))
            if good:
                values[name] = value
            ok = ok and good
        for name, f in known.items():
            if is_required(f) and name not in node.items:
                full = f"{key}.{name}" if key else name
                self.problem(node.line, full, P.MISSING_KEY, name=name, doc=f.metadata["doc"])
                ok = False
        if not ok:
            return None
        obj = cls(**values)
        obj.file, obj.line, obj.lines = self.rel, node.line, dict(node.key_lines)  # type: ignore[attr-defined]
        return obj

    def value(self, node: Node, hint: Any, key: str, pattern: str | None = None) -> tuple[Any, bool]:
        origin, args = get_origin(hint), get_args(hint)
        if origin in (typing.Union, types.UnionType):
            options = [a for a in args if a is not type(None)]
            if len(options) == 1:
                return self.value(node, options[0], key, pattern)
            # Literal["all"] | list[str]: choose by the node's shape.
            for option in options:
                if (get_origin(option) is list) == isinstance(node, Sequence) and not isinstance(node, Mapping):
                    return self.value(node, option, key, pattern)
            wanted = "或".join(_want(o) for o in options)
            self.problem(node.line, key, P.WRONG_TYPE, wanted=wanted, actual=describe(node))
            return None, False
        if origin is list:
            if not isinstance(node, Sequence):
                self.problem(node.line, key, P.WRONG_TYPE, "list", actual=describe(node))
                return None, False
            out, ok = [], True
            for i, child in enumerate(node.items):
                v, good = self.value(child, args[0], f"{key}[{i}]", pattern)
                ok = ok and good
                if good:
                    out.append(v)
            return out, ok
        if origin is dict:
            if not isinstance(node, Mapping):
                self.problem(node.line, key, P.WRONG_TYPE, wanted="键值表", actual=describe(node))
                return None, False
            out_map, ok = {}, True
            for name, child in node.items.items():
                full = f"{key}.{name}"
                if not re.match(model.ARTICLE, name):  # the only mapping field is law articles
                    self.problem(node.key_lines[name], full, P.BAD_ARTICLE_NUMBER, name=name)
                    ok = False
                    continue
                v, good = self.value(child, args[1], full)
                ok = ok and good
                if good:
                    out_map[name] = v
            return out_map, ok
        if dataclasses.is_dataclass(hint):
            obj = self.record(node, hint, key)  # type: ignore[arg-type]
            return obj, obj is not None
        if not isinstance(node, Scalar) or node.tag == "null":
            what = "空值" if isinstance(node, Scalar) else describe(node)
            self.problem(node.line, key, P.WRONG_TYPE, wanted=_want(hint), actual=what)
            return None, False
        return self.scalar(node, hint, key, pattern)

    def scalar(self, node: Scalar, hint: Any, key: str, pattern: str | None) -> tuple[Any, bool]:
        text = node.text.strip()
        if get_origin(hint) is Literal:
            allowed = [str(a) for a in get_args(hint)]
            if text not in allowed:
                self.problem(node.line, key, P.BAD_VALUE, text=text, allowed="、".join(allowed))
                return None, False
            return (int(text) if isinstance(get_args(hint)[0], int) else sys.intern(text)), True
        if hint is date:
            try:
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                    raise ValueError
                return date.fromisoformat(text), True
            except ValueError:
                self.problem(node.line, key, P.BAD_DATE, text=text)
                return None, False
        if hint is bool:
            if node.tag != "bool" or text.lower() not in ("true", "false"):
                self.problem(node.line, key, P.WRONG_TYPE, "written", wanted="true 或 false", text=text)
                return None, False
            return text.lower() == "true", True
        if hint is int:
            if node.tag != "int":
                self.problem(node.line, key, P.WRONG_TYPE, "written", wanted="整数", text=text)
                return None, False
            return int(text), True
        if not text:
            self.problem(node.line, key, P.EMPTY_TEXT)
            return None, False
        if pattern and not fits(pattern, text):
            code = P.BAD_URL if pattern == model.URL else P.BAD_FORMAT
            self.problem(node.line, key, code, text=text, rule=_PATTERN_WORDS.get(pattern, pattern))
            return None, False
        return sys.intern(text), True  # one object for a text written many times: a run of files unpickles it once


def fits(pattern: str, text: str) -> bool:
    """The one check of a configured value's form; a URL is also parsed (host and port must make sense)."""
    if not re.match(pattern, text):
        return False
    if pattern != model.URL:
        return True
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError when out of range
    except ValueError:
        return False
    host = parts.hostname
    return bool(host and all(host.split(".")))


_WANT = {date: "日期 YYYY-MM-DD", int: "整数", bool: "true 或 false"}


def _want(hint: Any) -> str:
    if get_origin(hint) is list:
        return "列表"
    if get_origin(hint) is Literal:
        return "、".join(f"“{a}”" for a in get_args(hint))
    return _WANT.get(hint, "一段文字")
_PATTERN_WORDS = {
    model.SLUG: "只能用小写英文字母、数字和连字符“-”",
    model.CODE: "事项编码以字母或数字开头，只能含字母、数字、“.”“_”“-”，最长 64 个字符，不能含“/”或空格",
    model.ARTICLE: "条号应为阿拉伯数字，如 \"34\" 或第二款 \"34.2\"",
    model.URL: "应为以 https:// 或 http:// 开头的网址，如 https://qingdan.example.gov.cn/；不能含引号、空格、尖括号或汉字",
    model.PHONE: "电话只写数字，可用“-”或空格分隔，分机写“转”加数字，如 0000-1234567 或 0000-1234567转801",
}


def read_record(data: bytes, rel: str, cls: type[T], problems: list[Problem]) -> T | None:
    """A file holding one record (catalogue.yml, a law, an item, an assignment)."""
    return _record_of(parse_yaml(data, rel), rel, cls, problems)


def read_records(data: bytes, rel: str, cls: type[T], problems: list[Problem]) -> list[T]:
    """A list file (departments.yml …) given as bytes."""
    return _records_of(parse_yaml(data, rel), rel, cls, problems)


def _records_of(parsed: tuple[Node | None, list[Problem]], rel: str, cls: type[T], problems: list[Problem]) -> list[T]:
    node, found = parsed
    problems.extend(found)
    if node is None:
        return []
    if not isinstance(node, Sequence):
        problems.append(P.WRONG_TYPE.at(rel, node.line, "", "file_list", rel=rel))
        return []
    reader = _Reader(rel, problems)
    out = []
    for i, child in enumerate(node.items):
        obj = reader.record(child, cls, f"[{i}]")
        if obj is not None:
            out.append(obj)
    return out


def _record_of(parsed: tuple[Node | None, list[Problem]], rel: str, cls: type[T], problems: list[Problem]) -> T | None:
    node, found = parsed
    problems.extend(found)
    if node is None:
        if not found:
            problems.append(P.EMPTY_FILE.at(rel, None, ""))
        return None
    return _Reader(rel, problems).record(node, cls, "")
