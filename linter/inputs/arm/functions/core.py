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
from typing import Any

from linter.model import MISSING, Unknown, get_ci
from linter.records import record


class EvalError(ValueError):
    """A function applied to values of the wrong shape (what Azure would reject as a template error)."""


# Bounds on what one value may be. A template is untrusted: `padLeft(x, 2000000000)` or a variable that doubles
# another sixty times must cost an error, not the machine's memory. Azure's own limits are lower (a template
# is at most 4 MB), so no real template comes near these.
MAX_STRING_CHARS = 1_000_000
MAX_VALUE_ITEMS = 200_000  # elements of an array or object, counted through nested ones
INT64 = (-(2**63), 2**63 - 1)  # ARM's integers are 64-bit


class BudgetExceeded(Exception):
    """An evaluation went past a bound (a value's size, or the deployment's budget of work).

    Deliberately not an EvalError: nothing in the evaluator turns it into an Unknown and goes on, so it
    travels up to the deployment, which is reported (with the expression that hit the bound) and dropped.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.expression: str | None = None  # the innermost expression being evaluated, when known
        self.position: Any = None  # where in a file (set by the innermost declaration that knows)


def check_chars(count: int, function: str) -> None:
    """Refuse, before building it, a string of more than MAX_STRING_CHARS characters."""
    if count > MAX_STRING_CHARS:
        raise BudgetExceeded(f"{function}() would make a string of {count:,} characters; the limit is "
                             f"{MAX_STRING_CHARS:,}")


def value_items(value: Any, limit: int = MAX_VALUE_ITEMS) -> int:
    """The number of elements in a value counting nested ones as often as they appear (a value built from
    shared parts, `createArray(v, v)` doubled sixty times, is counted as what it expands to), up to
    `limit` + 1: the walk costs at most the distinct containers it meets."""
    if type(value) is not list and type(value) is not dict:
        return 0
    sizes: dict[int, int] = {}

    def size(item: Any, depth: int) -> int:
        known = sizes.get(id(item))
        if known is not None:
            return known
        total = len(item)
        if depth < 200:
            for child in item.values() if type(item) is dict else item:
                if type(child) is list or type(child) is dict:
                    total += size(child, depth + 1)
                    if total > limit:
                        break
        sizes[id(item)] = total
        return total

    return size(value, 0)


def check_items(value: Any, what: str) -> None:
    """Refuse a value of more than MAX_VALUE_ITEMS elements; `what` names what made it (`concat()`)."""
    if type(value) is list or type(value) is dict:
        count = value_items(value)
        if count > MAX_VALUE_ITEMS:
            raise BudgetExceeded(f"{what} would make a value of more than {MAX_VALUE_ITEMS:,} elements")


def check_int(value: int, function: str) -> int:
    if not INT64[0] <= value <= INT64[1]:
        raise EvalError(f"{function}() overflows a 64-bit integer")
    return value


@record(frozen=True)
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
    check_items(value, "string()")
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
