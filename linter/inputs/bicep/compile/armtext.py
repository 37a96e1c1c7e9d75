"""Writing ARM template expression text (the inside of `"[...]"`), as the Bicep compiler writes it.

The transpiler produces text rather than expression nodes so that the template it builds is an ordinary ARM
template: the ARM front end parses and caches it like any other, and a transpiled template can be printed
and compared with the compiler's `main.json`.
"""

from __future__ import annotations

import json
import re
from typing import Any

_NAME = re.compile(r"[A-Za-z_$][\w$]*\Z")


def quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def call(name: str, *args: str) -> str:
    return f"{name}({', '.join(args)})"


def member(target: str, name: str) -> str:
    """`target.name`, or `target['name']` when the name is not an identifier."""
    return f"{target}.{name}" if _NAME.match(name) else f"{target}[{quote(name)}]"


def literal(value: Any) -> str:
    """A JSON value as an expression (`json('...')` for objects and arrays, as `loadJsonContent` compiles)."""
    if value is None:
        return "null()"
    if value is True:
        return "true()"
    if value is False:
        return "false()"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, float):
        return call("json", quote(json.dumps(value)))
    return call("json", quote(json.dumps(value, ensure_ascii=False, separators=(",", ":"))))


def wrap(expression: str) -> str:
    """A JSON string holding an expression."""
    return f"[{expression}]"


def json_string(value: str) -> str:
    """A literal JSON string: escaped when ARM would otherwise read it as an expression."""
    return "[" + value if value.startswith("[") else value


def format_template(segments: list[str]) -> str:
    """A `format()` template from interpolation's literal parts (braces doubled)."""
    out = []
    for i, segment in enumerate(segments):
        out.append(segment.replace("{", "{{").replace("}", "}}"))
        if i < len(segments) - 1:
            out.append("{" + str(i) + "}")
    return "".join(out)


def as_expression(value: Any) -> str:
    """A JSON-context value (possibly holding `"[...]"` strings) as one expression."""
    if isinstance(value, str):
        if value.startswith("[["):
            return quote(value[1:])
        if value.startswith("[") and value.endswith("]"):
            return value[1:-1]
        return quote(value)
    if isinstance(value, dict):
        parts: list[str] = []
        for key, item in value.items():
            parts.extend((as_expression(key), as_expression(item)))
        return call("createObject", *parts)
    if isinstance(value, list):
        return call("createArray", *(as_expression(item) for item in value))
    return literal(value)


def to_json(text: str) -> Any:
    """An expression as a JSON value: a plain string literal stays a plain string."""
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'" and "'" not in text[1:-1].replace("''", ""):
        value = text[1:-1].replace("''", "'")
        return "[" + value if value.startswith("[") else value
    return wrap(text)
