"""Array functions (and the ones shared with strings and objects: concat, contains, empty, length...)."""

from __future__ import annotations

from typing import Any

from linter.inputs.arm.functions.core import (
    BudgetExceeded,
    EvalError,
    UnknownInside,
    deep_equals,
    expect,
    find_unknown,
    get_ci,
    register,
    to_string,
)
from linter.model import MISSING, Unknown


@register("array", min_args=1, max_args=1)
def array_(env: Any, value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@register("createArray")
def create_array(env: Any, *items: Any) -> list[Any]:
    return list(items)


@register("concat", unknown_ok=True)
def concat(env: Any, *args: Any) -> Any:
    if args and isinstance(args[0], list):
        out: list[Any] = []
        for arg in args:
            if isinstance(arg, Unknown):
                return arg
            if arg is None:
                continue
            out.extend(arg if isinstance(arg, list) else [arg])
        return out
    for arg in args:
        if isinstance(arg, Unknown):
            return arg
    return "".join(to_string(arg) for arg in args)


@register("contains", min_args=2, max_args=2)
def contains(env: Any, container: Any, item: Any) -> Any:
    if isinstance(container, str):
        return to_string(item) in container
    if isinstance(container, dict):
        return get_ci(container, to_string(item)) is not MISSING
    if isinstance(container, list):
        pending: Unknown | None = None
        for element in container:
            same = deep_equals(element, item)
            if same is True:
                return True
            if isinstance(same, Unknown) and pending is None:
                pending = same  # the first reason; never a truth test on Unknown
        return pending if pending is not None else False
    raise EvalError("contains() expects a string, array or object")


@register("empty", min_args=1, max_args=1)
def empty(env: Any, value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, (str, list, dict)):
        return len(value) == 0
    raise EvalError("empty() expects a string, array or object")


@register("length", min_args=1, max_args=1)
def length(env: Any, value: Any) -> int:
    if isinstance(value, (str, list, dict)):
        return len(value)
    raise EvalError("length() expects a string, array or object")


@register("first", min_args=1, max_args=1)
def first(env: Any, value: Any) -> Any:
    if isinstance(value, str):
        return value[:1]
    expect(value, list, "first")
    return value[0] if value else None


@register("last", min_args=1, max_args=1)
def last(env: Any, value: Any) -> Any:
    if isinstance(value, str):
        return value[-1:]
    expect(value, list, "last")
    return value[-1] if value else None


def _index_of(value: Any, item: Any, reverse: bool) -> Any:
    if isinstance(value, str):
        needle = expect(item, str, "indexOf").lower()
        return value.lower().rfind(needle) if reverse else value.lower().find(needle)
    expect(value, list, "indexOf")
    order = range(len(value) - 1, -1, -1) if reverse else range(len(value))
    for i in order:
        same = deep_equals(value[i], item)
        if isinstance(same, Unknown):
            return same
        if same:
            return i
    return -1


@register("indexOf", min_args=2, max_args=2)
def index_of(env: Any, value: Any, item: Any) -> Any:
    return _index_of(value, item, reverse=False)


@register("lastIndexOf", min_args=2, max_args=2)
def last_index_of(env: Any, value: Any, item: Any) -> Any:
    return _index_of(value, item, reverse=True)


MAX_COMPARISONS = 4_000_000  # union and intersection compare every pair of elements


def _check_pairs(lists: list[list[Any]], function: str) -> None:
    total = sum(len(a) for a in lists)
    if total * total > MAX_COMPARISONS:
        raise BudgetExceeded(f"{function}() of arrays of {total:,} elements in all would compare too many pairs")


@register("intersection", min_args=2)
def intersection(env: Any, *args: Any) -> Any:
    if all(isinstance(a, dict) for a in args):
        out = {}
        for key, value in args[0].items():
            if all(get_ci(o, key) is not MISSING and deep_equals(get_ci(o, key), value) is True for o in args[1:]):
                out[key] = value
        return out
    lists = [expect(a, list, "intersection") for a in args]
    _check_pairs(lists, "intersection")
    result: list[Any] = []
    for item in lists[0]:
        if all(contains(env, other, item) is True for other in lists[1:]) and contains(env, result, item) is not True:
            result.append(item)
    return result


@register("union", min_args=1)
def union(env: Any, *args: Any) -> Any:
    if all(isinstance(a, dict) or a is None for a in args):
        merged: dict[str, Any] = {}
        for arg in args:
            if arg:
                merged = _merge(merged, arg)
        return merged
    _check_pairs([expect(arg, list, "union") for arg in args], "union")
    result: list[Any] = []
    for arg in args:
        for item in expect(arg, list, "union"):
            if contains(env, result, item) is not True:
                result.append(item)
    return result


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    # Nested objects merge recursively; everything else is replaced by the later value.
    out = dict(base)
    for key, value in extra.items():
        existing_key = next((k for k in out if k.lower() == key.lower()), key)
        existing = out.get(existing_key)
        if isinstance(existing, dict) and isinstance(value, dict):
            out[existing_key] = _merge(existing, value)
        else:
            out.pop(existing_key, None)
            out[key] = value
    return out


def _number_args(values: tuple[Any, ...], function: str) -> list[Any]:
    items = list(values[0]) if len(values) == 1 and isinstance(values[0], list) else list(values)
    unknown = find_unknown(items)
    if unknown is not None:
        raise UnknownInside(unknown)
    if not items:
        raise EvalError(f"{function}() needs at least one value")
    return [expect(v, (int, float), function) for v in items]


@register("max", min_args=1)
def max_(env: Any, *values: Any) -> Any:
    return max(_number_args(values, "max"))


@register("min", min_args=1)
def min_(env: Any, *values: Any) -> Any:
    return min(_number_args(values, "min"))


@register("range", min_args=2, max_args=2)
def range_(env: Any, start: Any, count: Any) -> list[int]:
    expect(start, int, "range")
    expect(count, int, "range")
    if count < 0 or count > 10000:
        raise EvalError(f"range() count {count} is outside 0..10000")
    return list(range(start, start + count))


@register("skip", min_args=2, max_args=2)
def skip(env: Any, value: Any, count: Any) -> Any:
    expect(count, int, "skip")
    if not isinstance(value, (str, list)):
        raise EvalError("skip() expects a string or array")
    return value[max(count, 0):]


@register("take", min_args=2, max_args=2)
def take(env: Any, value: Any, count: Any) -> Any:
    expect(count, int, "take")
    if not isinstance(value, (str, list)):
        raise EvalError("take() expects a string or array")
    return value[:max(count, 0)]


@register("flatten", min_args=1, max_args=1)
def flatten(env: Any, value: Any) -> list[Any]:
    out: list[Any] = []
    for item in expect(value, list, "flatten"):
        if isinstance(item, Unknown):
            return item  # type: ignore[return-value]
        out.extend(expect(item, list, "flatten"))
    return out


@register("indexFromEnd", "tryIndexFromEnd", min_args=2, max_args=2)
def index_from_end(env: Any, value: Any, position: Any) -> Any:
    expect(value, list, "indexFromEnd")
    expect(position, int, "indexFromEnd")
    return value[-position] if 1 <= position <= len(value) else None
