"""Comparison, logical and numeric functions.

`if`, `coalesce`, `and` and `or` are lazy: an Unknown argument only makes the result Unknown when the known
arguments do not already decide it (`and(false, <unknown>)` is false; `if(<unknown>, 'a', 'a')` is 'a').
"""

from __future__ import annotations

from typing import Any

from linter.inputs.arm.functions.core import EvalError, check_int, deep_equals, expect, register
from linter.model import Unknown


def _truth(value: Any, function: str) -> bool | Unknown:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise EvalError(f"{function}() expects a bool, not {value!r}")


@register("if", lazy=True, min_args=3, max_args=3)
def if_(env: Any, nodes: tuple[Any, ...]) -> Any:
    condition = _truth(env.eval(nodes[0]), "if")
    if isinstance(condition, Unknown):
        then, otherwise = env.eval(nodes[1]), env.eval(nodes[2])
        return then if deep_equals(then, otherwise) is True else condition
    return env.eval(nodes[1] if condition else nodes[2])


@register("coalesce", lazy=True, min_args=1)
def coalesce(env: Any, nodes: tuple[Any, ...]) -> Any:
    for node in nodes:
        value = env.eval(node)
        if isinstance(value, Unknown):
            return value  # it may or may not be null: what follows cannot decide
        if value is not None:
            return value
    return None


@register("and", lazy=True, min_args=1)
def and_(env: Any, nodes: tuple[Any, ...]) -> Any:
    pending: Unknown | None = None
    for node in nodes:
        value = _truth(env.eval(node), "and")
        if value is False:
            return False
        if isinstance(value, Unknown) and pending is None:
            pending = value  # the first reason; never a truth test on Unknown
    return pending if pending is not None else True


@register("or", lazy=True, min_args=1)
def or_(env: Any, nodes: tuple[Any, ...]) -> Any:
    pending: Unknown | None = None
    for node in nodes:
        value = _truth(env.eval(node), "or")
        if value is True:
            return True
        if isinstance(value, Unknown) and pending is None:
            pending = value  # the first reason; never a truth test on Unknown
    return pending if pending is not None else False


@register("not", min_args=1, max_args=1)
def not_(env: Any, value: Any) -> Any:
    return not _truth(value, "not")


@register("bool", min_args=1, max_args=1)
def bool_(env: Any, value: Any) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value != 0
    result = _truth(value, "bool")
    assert isinstance(result, bool)
    return result


@register("true", max_args=0)
def true_(env: Any) -> bool:
    return True


@register("false", max_args=0)
def false_(env: Any) -> bool:
    return False


@register("null", max_args=0)
def null_(env: Any) -> None:
    return None


@register("equals", min_args=2, max_args=2, unknown_ok=True)
def equals(env: Any, a: Any, b: Any) -> Any:
    return deep_equals(a, b)


def _ordered(a: Any, b: Any, function: str) -> tuple[Any, Any]:
    if isinstance(a, str) and isinstance(b, str):
        return a, b  # ordinal comparison, as Azure does
    return expect(a, (int, float), function), expect(b, (int, float), function)


@register("greater", min_args=2, max_args=2)
def greater(env: Any, a: Any, b: Any) -> bool:
    x, y = _ordered(a, b, "greater")
    return x > y


@register("greaterOrEquals", min_args=2, max_args=2)
def greater_or_equals(env: Any, a: Any, b: Any) -> bool:
    x, y = _ordered(a, b, "greaterOrEquals")
    return x >= y


@register("less", min_args=2, max_args=2)
def less(env: Any, a: Any, b: Any) -> bool:
    x, y = _ordered(a, b, "less")
    return x < y


@register("lessOrEquals", min_args=2, max_args=2)
def less_or_equals(env: Any, a: Any, b: Any) -> bool:
    x, y = _ordered(a, b, "lessOrEquals")
    return x <= y


def _int(value: Any, function: str) -> int:
    return expect(value, int, function)


@register("add", min_args=2, max_args=2)
def add(env: Any, a: Any, b: Any) -> int:
    return check_int(_int(a, "add") + _int(b, "add"), "add")


@register("sub", min_args=2, max_args=2)
def sub(env: Any, a: Any, b: Any) -> int:
    return check_int(_int(a, "sub") - _int(b, "sub"), "sub")


@register("mul", min_args=2, max_args=2)
def mul(env: Any, a: Any, b: Any) -> int:
    x, y = _int(a, "mul"), _int(b, "mul")
    check_int(x, "mul")
    check_int(y, "mul")
    return check_int(x * y, "mul")


@register("div", min_args=2, max_args=2)
def div(env: Any, a: Any, b: Any) -> int:
    x, y = _int(a, "div"), _int(b, "div")
    if y == 0:
        raise EvalError("div() by zero")
    quotient = abs(x) // abs(y)  # .NET integer division truncates toward zero
    return quotient if (x >= 0) == (y >= 0) else -quotient


@register("mod", min_args=2, max_args=2)
def mod(env: Any, a: Any, b: Any) -> int:
    x, y = _int(a, "mod"), _int(b, "mod")
    if y == 0:
        raise EvalError("mod() by zero")
    return x - y * div(env, x, y)


@register("int", min_args=1, max_args=1)
def int_(env: Any, value: Any) -> int:
    if isinstance(value, str):
        text = value.strip()
        if len(text.lstrip("+-")) > 19:
            raise EvalError("int() overflows a 64-bit integer")
        return check_int(int(text), "int")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return check_int(int(value), "int")
    raise EvalError(f"int() cannot convert {value!r}")


@register("float", min_args=1, max_args=1)
def float_(env: Any, value: Any) -> float:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return float(value)
    raise EvalError(f"float() cannot convert {value!r}")


@register("fail", min_args=1, max_args=1)
def fail(env: Any, message: Any) -> Unknown:
    return Unknown(f"the template stops the deployment here: {message}")
