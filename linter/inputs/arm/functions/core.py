"""The function registry and the value helpers every function family shares.

A function receives its arguments already evaluated, unless it is registered `lazy` (then it receives the
argument nodes and the environment, so `if`, `coalesce`, `and`, `or` and lambdas evaluate only what they
need). Unless a function is registered with `unknown_ok`, any Unknown argument makes the result that same
Unknown, so the reason travels with the value.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from linter.model import MISSING, Unknown, get_ci


class EvalError(ValueError):
    """A function applied to values of the wrong shape (what Azure would reject as a template error)."""


@dataclass(frozen=True, slots=True)
class Function:
    call: Callable[..., Any]
    lazy: bool = False
    unknown_ok: bool = False
    min_args: int = 0
    max_args: int | None = None


FUNCTIONS: dict[str, Function] = {}


def register(
    *names: str, lazy: bool = False, unknown_ok: bool = False, min_args: int = 0, max_args: int | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(call: Callable[..., Any]) -> Callable[..., Any]:
        for name in names:
            FUNCTIONS[name.lower()] = Function(call, lazy, unknown_ok, min_args, max_args)
        return call

    return decorate


def find_unknown(value: Any, depth: int = 0) -> Unknown | None:
    """The first Unknown anywhere inside a value (for functions whose result depends on all of it)."""
    if isinstance(value, Unknown):
        return value
    if depth > 64:
        return None
    if isinstance(value, dict):
        for item in value.values():
            found = find_unknown(item, depth + 1)
            if found is not None:
                return found
    elif isinstance(value, list):
        for item in value:
            found = find_unknown(item, depth + 1)
            if found is not None:
                return found
    return None


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def expect(value: Any, kind: type | tuple[type, ...], function: str) -> Any:
    if isinstance(value, bool) and kind in (int, (int, float)):
        raise EvalError(f"{function}() expects a number, not a bool")
    if not isinstance(value, kind):
        raise EvalError(f"{function}() does not accept a value of type {type_name(value)}")
    return value


def to_string(value: Any) -> str:
    """ARM's string conversion: JSON for objects/arrays, `True`/`False` for booleans, `` for null."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    unknown = find_unknown(value)
    if unknown is not None:
        raise _UnknownInside(unknown)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class _UnknownInside(Exception):
    def __init__(self, unknown: Unknown) -> None:
        super().__init__(unknown.reason)
        self.unknown = unknown


UnknownInside = _UnknownInside


def deep_equals(a: Any, b: Any) -> bool | Unknown:
    """ARM `equals`: strings compare case-sensitively, objects by keys (case-insensitive) and values."""
    if isinstance(a, Unknown):
        return a
    if isinstance(b, Unknown):
        return b
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        pending: Unknown | None = None
        for x, y in zip(a, b, strict=False):
            same = deep_equals(x, y)
            if same is False:
                return False
            if isinstance(same, Unknown) and pending is None:
                pending = same  # the first reason; never a truth test on Unknown
        return pending if pending is not None else True
    if isinstance(a, dict) and isinstance(b, dict):
        if len(a) != len(b):
            return False
        pending = None
        for key, x in a.items():
            y = get_ci(b, key)
            if y is MISSING:
                return False
            same = deep_equals(x, y)
            if same is False:
                return False
            if isinstance(same, Unknown) and pending is None:
                pending = same  # the first reason; never a truth test on Unknown
        return pending if pending is not None else True
    return type(a) is type(b) and a == b
