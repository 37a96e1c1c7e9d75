"""Lambda functions: `lambda('x', body)` makes a closure; map, filter, reduce, sort... apply it."""

from __future__ import annotations

from typing import Any

from linter.inputs.arm.expressions import Lit
from linter.inputs.arm.functions.core import EvalError, expect, register, to_string
from linter.model import Unknown


@register("lambda", lazy=True, min_args=1)
def lambda_(env: Any, nodes: tuple[Any, ...]) -> Any:
    names: list[str] = []
    for node in nodes[:-1]:
        if not isinstance(node, Lit) or not isinstance(node.value, str):
            raise EvalError("lambda() parameter names must be string literals")
        names.append(node.value)
    return env.lambda_(tuple(names), nodes[-1])


@register("lambdaVariables", min_args=1, max_args=1)
def lambda_variables(env: Any, name: Any) -> Any:
    key = expect(name, str, "lambdaVariables").lower()
    if key not in env.lambdas:
        raise EvalError(f"no lambda variable '{name}'")
    return env.lambdas[key]


def _function(value: Any, name: str) -> Any:
    if not callable(value):
        raise EvalError(f"{name}() expects a lambda")
    return value


def _call(function: Any, *args: Any) -> Any:
    # A lambda with fewer parameters than offered (map's index) takes the leading ones.
    return function(*args[: len(function.names)])


@register("map", min_args=2, max_args=2)
def map_(env: Any, values: Any, function: Any) -> list[Any]:
    fn = _function(function, "map")
    return [_call(fn, item, i) for i, item in enumerate(expect(values, list, "map"))]


@register("filter", min_args=2, max_args=2)
def filter_(env: Any, values: Any, function: Any) -> Any:
    fn = _function(function, "filter")
    out = []
    for i, item in enumerate(expect(values, list, "filter")):
        keep = _call(fn, item, i)
        if isinstance(keep, Unknown):
            return keep
        if keep is True:
            out.append(item)
    return out


@register("reduce", min_args=3, max_args=3)
def reduce_(env: Any, values: Any, initial: Any, function: Any) -> Any:
    fn = _function(function, "reduce")
    accumulator = initial
    for i, item in enumerate(expect(values, list, "reduce")):
        accumulator = _call(fn, accumulator, item, i)
    return accumulator


@register("sort", min_args=2, max_args=2)
def sort_(env: Any, values: Any, function: Any) -> Any:
    fn = _function(function, "sort")
    items = list(expect(values, list, "sort"))
    # insertion sort with the lambda as "a comes before b": lists in templates are short
    result: list[Any] = []
    for item in items:
        position = len(result)
        for i, existing in enumerate(result):
            before = fn(item, existing)
            if isinstance(before, Unknown):
                return before
            if before is True:
                position = i
                break
        result.insert(position, item)
    return result


@register("toObject", min_args=2, max_args=3)
def to_object(env: Any, values: Any, key_function: Any, value_function: Any = None) -> Any:
    out: dict[str, Any] = {}
    for item in expect(values, list, "toObject"):
        key = _function(key_function, "toObject")(item)
        if isinstance(key, Unknown):
            return key
        out[to_string(key)] = value_function(item) if value_function is not None else item
    return out


@register("groupBy", min_args=2, max_args=2)
def group_by(env: Any, values: Any, function: Any) -> Any:
    out: dict[str, list[Any]] = {}
    for item in expect(values, list, "groupBy"):
        key = _function(function, "groupBy")(item)
        if isinstance(key, Unknown):
            return key
        out.setdefault(to_string(key), []).append(item)
    return out


@register("mapValues", min_args=2, max_args=2)
def map_values(env: Any, values: Any, function: Any) -> Any:
    fn = _function(function, "mapValues")
    return {key: fn(value) for key, value in expect(values, dict, "mapValues").items()}
