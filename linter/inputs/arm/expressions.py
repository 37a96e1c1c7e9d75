"""ARM template expression strings (`"[concat('a', parameters('b')).x[0]]"`) parsed into a small AST.

A JSON string is an expression when it starts with `[` and ends with `]`; `[[` escapes a literal that starts
with `[`. Each distinct string is parsed once (templates repeat the same expressions across copy loops and
the corpus of modules repeats them across files), so parsing is cached by string.
"""

from __future__ import annotations

import re
from typing import Any

from linter.records import record


class ExpressionError(ValueError):
    """A string that looks like an expression but does not parse."""


@record(frozen=True)
class Lit:
    value: Any


@record(frozen=True)
class Call:
    name: str  # lower case; user-defined functions are `namespace.name`
    args: tuple[Node, ...]
    spelled: str  # as written, for messages


@record(frozen=True)
class Member:
    target: Node
    name: str


@record(frozen=True)
class Index:
    target: Node
    index: Node


Node = Lit | Call | Member | Index

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<str>'(?:[^']|'')*')"
    r"|(?P<num>-?\d+(?:\.\d+)?)"
    r"|(?P<name>[A-Za-z_$][\w$]*)"
    r"|(?P<punct>[()\[\],.])"
    r"|(?P<bad>\S)"
    r")"
)
_END = ("end", None)


def _tokenize(text: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    append = tokens.append
    for match in _TOKEN.finditer(text.rstrip()):
        kind = match.lastgroup
        value = match.group(kind)  # type: ignore[arg-type]
        if kind == "punct" or kind == "name":
            append((kind, value))
        elif kind == "str":
            append(("lit", value[1:-1].replace("''", "'")))
        elif kind == "num":
            append(("lit", float(value) if "." in value else int(value)))
        else:
            raise ExpressionError(f"unexpected character {value!r} at offset {match.start(kind)}")
    # padding, so looking ahead never runs off the end
    tokens.extend((_END, _END, _END))
    return tokens


_DOT = ("punct", ".")
_OPEN = ("punct", "(")
_CLOSE = ("punct", ")")
_COMMA = ("punct", ",")
_BRACKET = ("punct", "[")


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0

    def take(self, kind: str, value: str | None = None) -> Any:
        tok_kind, tok_value = self.tokens[self.pos]
        if tok_kind != kind or (value is not None and tok_value != value):
            shown = "end of expression" if tok_kind == "end" else repr(tok_value)
            raise ExpressionError(f"expected {value or kind}, found {shown}")
        self.pos += 1
        return tok_value

    def expression(self) -> Node:
        node = self.primary()
        tokens = self.tokens
        while True:
            token = tokens[self.pos]
            if token == _DOT:
                self.pos += 1
                node = Member(node, self.take("name"))
            elif token == _BRACKET:
                self.pos += 1
                index = self.expression()
                self.take("punct", "]")
                node = Index(node, index)
            else:
                return node

    def primary(self) -> Node:
        tokens = self.tokens
        kind, value = tokens[self.pos]
        if kind == "lit":
            self.pos += 1
            return Lit(value)
        if kind != "name":
            shown = "end of expression" if kind == "end" else repr(value)
            raise ExpressionError(f"expected a function call, found {shown}")
        self.pos += 1
        name = value
        # `namespace.function(...)`: a user-defined function
        if tokens[self.pos] == _DOT and tokens[self.pos + 1][0] == "name" and tokens[self.pos + 2] == _OPEN:
            self.pos += 1
            name = f"{name}.{self.take('name')}"
        if tokens[self.pos] != _OPEN:
            lowered = name.lower()
            if lowered in ("true", "false", "null"):
                return Lit({"true": True, "false": False, "null": None}[lowered])
            raise ExpressionError(f"{name!r} is not a function call")
        self.pos += 1
        args: list[Node] = []
        if tokens[self.pos] != _CLOSE:
            while True:
                args.append(self.expression())
                if tokens[self.pos] == _COMMA:
                    self.pos += 1
                    continue
                break
        self.take("punct", ")")
        return Call(name.lower(), tuple(args), name)


def parse_expression(text: str) -> Node:
    """Parse the inside of `[...]`."""
    parser = _Parser(text)
    node = parser.expression()
    parser.take("end")
    return node


def is_expression(value: str) -> bool:
    return len(value) >= 2 and value[0] == "[" and value[-1] == "]" and value[1] != "["


_CACHE: dict[str, Node | ExpressionError] = {}


def parse_template_string(value: str) -> Node | ExpressionError:
    """The AST of an expression string, or a literal; parse errors are returned (and cached), not raised."""
    cached = _CACHE.get(value)
    if cached is not None:
        return cached
    if is_expression(value):
        try:
            result: Node | ExpressionError = parse_expression(value[1:-1])
        except ExpressionError as exc:
            result = exc
        except RecursionError:
            result = ExpressionError("expression nested too deeply")
    elif value.startswith("[["):
        result = Lit(value[1:])
    else:
        result = Lit(value)
    if len(_CACHE) < 200_000:
        _CACHE[value] = result
    return result
