"""Compile condition mappings from rule files into condition trees; errors carry the offending key's path."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from linter.conditions.core import AllOf, AnyOf, Condition, ConditionError, Not
from linter.conditions.operands import (
    FieldOf,
    Literal,
    Operand,
    Param,
    RegionFunction,
    ScopeOf,
    compile_field_path,
)
from linter.conditions.operators import (
    LIST_OPERANDS,
    OPERATORS,
    ORDERING_OPERATORS,
    Compare,
    Count,
    Exists,
    Match,
    Subject,
)
from linter.conditions.regex import UnsafePattern, compile_safe_regex
from linter.conditions.relations import Aggregate, Collect, Ref, Selection

_LOGIC_KEYS = ("allOf", "anyOf", "not")
_SUBJECT_KEYS = ("field", "value", "aggregate")


def compile_condition(raw: Any, path: tuple[str | int, ...] = ()) -> Condition:
    """Compile a condition mapping from a rule file; errors carry the path of the offending key."""
    if not isinstance(raw, Mapping):
        raise ConditionError("a condition must be a mapping", path)
    keys = set(raw)
    for key in _LOGIC_KEYS:
        if key in raw:
            if len(keys) != 1:
                raise ConditionError(f"`{key}` must be alone in its condition (found {sorted(keys)})", path)
            if key == "not":
                return Not(compile_condition(raw[key], (*path, key)))
            items = raw[key]
            if not isinstance(items, list) or not items:
                raise ConditionError(f"`{key}` takes a non-empty list of conditions", (*path, key))
            parts = [compile_condition(item, (*path, key, i)) for i, item in enumerate(items)]
            return AllOf(parts) if key == "allOf" else AnyOf(parts)
    if "ref" in raw:
        extra = keys - {"ref", "condition"}
        if extra or "condition" not in raw:
            raise ConditionError("`ref` takes exactly `ref: <path>` and `condition: <condition>`", path)
        inner = compile_condition(raw["condition"], (*path, "condition"))
        if isinstance(raw["ref"], Mapping):  # an id computed by an operand, e.g. {scopeOf: {field: id}}
            return Ref(None, inner, compile_operand(raw["ref"], (*path, "ref")))
        return Ref(compile_field_path(raw["ref"], (*path, "ref")), inner)

    subjects = [k for k in _SUBJECT_KEYS if k in raw]
    if len(subjects) != 1:
        raise ConditionError(
            "a condition is allOf, anyOf, not, ref, or one of field / value / aggregate with one operator "
            f"(found keys {sorted(keys)})",
            path,
        )
    subject_key = subjects[0]
    operators = [k for k in raw if k in OPERATORS]
    allowed = {subject_key, *OPERATORS, "caseSensitive"}
    unknown_keys = sorted(keys - allowed)
    if unknown_keys:
        raise ConditionError(
            f"unknown key `{unknown_keys[0]}`; operators are: {', '.join(OPERATORS)}", (*path, unknown_keys[0])
        )
    if len(operators) != 1:
        raise ConditionError(f"`{subject_key}` needs exactly one operator (found {operators or 'none'})", path)
    operator = operators[0]
    operand_raw = raw[operator]
    op_path = (*path, operator)
    case_sensitive = raw.get("caseSensitive", False)
    if not isinstance(case_sensitive, bool):
        raise ConditionError("`caseSensitive` is true or false", (*path, "caseSensitive"))

    if subject_key == "aggregate":
        if operator not in ORDERING_OPERATORS:
            raise ConditionError(f"an aggregate compares with one of {', '.join(ORDERING_OPERATORS)}", op_path)
        return _compile_aggregate(raw["aggregate"], operator, compile_operand(operand_raw, op_path),
                                  (*path, "aggregate"))

    if subject_key == "field":
        subject = Subject(compile_field_path(raw["field"], (*path, "field")), None)
    else:
        subject = Subject(None, compile_operand(raw["value"], (*path, "value")))
    if subject.path is not None and subject.path.has_wildcard and operator not in ("count", "exists", "contains"):
        raise ConditionError(
            f"a path with [*] reads many values; use `count` (with `where`), `exists` or `contains`, "
            f"not `{operator}`", (*path, "field"))

    if operator == "exists":
        if not isinstance(operand_raw, bool):
            raise ConditionError("`exists` takes true or false", op_path)
        return Exists(subject, operand_raw)
    if operator == "match":
        return Match(subject, _compile_regex(operand_raw, case_sensitive, op_path))
    if operator == "count":
        return _compile_count(subject, operand_raw, op_path)
    if operator in LIST_OPERANDS and not isinstance(operand_raw, (list, Mapping)):
        raise ConditionError(f"`{operator}` takes a list", op_path)
    return Compare(subject, operator, compile_operand(operand_raw, op_path), case_sensitive)


_OPERAND_KEYS = {"param", "field", "outer", "subject", "pairedRegion", "geography", "scopeOf", "collect", "literal"}


def compile_operand(raw: Any, path: tuple[str | int, ...]) -> Operand:
    if isinstance(raw, Mapping):
        if len(raw) != 1 or next(iter(raw)) not in _OPERAND_KEYS:
            raise ConditionError(
                "an operand that is a mapping must be one of {param: name}, {field: path}, {outer: path}, "
                "{subject: path}, {pairedRegion: operand}, {geography: operand}, {scopeOf: operand}, "
                "{collect: {select: ..., field: path}} or {literal: value}",
                path,
            )
        key, value = next(iter(raw.items()))
        if key == "literal":
            return Literal(value)
        if key == "param":
            if not isinstance(value, str):
                raise ConditionError("`param` takes a parameter name", (*path, key))
            return Param(value)
        if key in ("pairedRegion", "geography"):
            return RegionFunction(key, compile_operand(value, (*path, key)))
        if key == "scopeOf":
            return ScopeOf(compile_operand(value, (*path, key)))
        if key == "collect":
            return _compile_collect(value, (*path, key))
        return FieldOf(compile_field_path(value, (*path, key)), key)
    return Literal(raw)


def _compile_collect(raw: Any, path: tuple[str | int, ...]) -> Collect:
    if not isinstance(raw, Mapping) or set(raw) != {"select", "field"}:
        raise ConditionError("`collect` takes {select: <selection>, field: <path>}", path)
    return Collect(compile_selection(raw["select"], (*path, "select"), True),
                   compile_field_path(raw["field"], (*path, "field")))


def _compile_regex(raw: Any, case_sensitive: bool, path: tuple[str | int, ...]) -> Any:
    if not isinstance(raw, str):
        raise ConditionError("`match` takes a regular expression string", path)
    try:
        return compile_safe_regex(raw, case_sensitive)
    except UnsafePattern as exc:
        raise ConditionError(f"`match`: {exc}", path) from None


def _compile_count(subject: Subject, raw: Any, path: tuple[str | int, ...]) -> Count:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return Count(subject, None, "equals", Literal(raw))
    if not isinstance(raw, Mapping):
        raise ConditionError("`count` takes a number, or {where: <condition>, <operator>: <number>}", path)
    operators = [k for k in raw if k in ORDERING_OPERATORS]
    extra = set(raw) - {"where", *ORDERING_OPERATORS}
    if extra or len(operators) != 1:
        raise ConditionError(
            f"`count` takes an optional `where` and one of {', '.join(ORDERING_OPERATORS)}", path)
    where = compile_condition(raw["where"], (*path, "where")) if "where" in raw else None
    return Count(subject, where, operators[0], compile_operand(raw[operators[0]], (*path, operators[0])))


def compile_selection(raw: Any, path: tuple[str | int, ...], allow_relation: bool) -> Selection:
    if not isinstance(raw, Mapping):
        raise ConditionError("`select` must be a mapping with `type` (and optional `where`)", path)
    allowed = {"type", "where", *(("relation",) if allow_relation else ())}
    extra = sorted(set(raw) - allowed)
    if extra:
        raise ConditionError(f"unknown key `{extra[0]}` in select; expected {sorted(allowed)}", (*path, extra[0]))
    types = raw.get("type")
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list) or not types or not all(isinstance(t, str) and "/" in t for t in types):
        raise ConditionError("`type` is a resource type such as Microsoft.Storage/storageAccounts, or a list",
                             (*path, "type"))
    relation = raw.get("relation")
    if relation not in (None, "children"):
        raise ConditionError("`relation` is `children`", (*path, "relation"))
    where = compile_condition(raw["where"], (*path, "where")) if "where" in raw else None
    return Selection(tuple(types), where, relation)


def _compile_aggregate(raw: Any, operator: str, expected: Operand, path: tuple[str | int, ...]) -> Aggregate:
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ConditionError("`aggregate` takes a mapping: select, via, distinct", path)
    extra = sorted(set(raw) - {"select", "via", "distinct", "as"})
    if extra:
        raise ConditionError(f"unknown key `{extra[0]}` in aggregate; expected select, via, distinct, as",
                             (*path, extra[0]))
    name = raw.get("as")
    if name is not None and not (isinstance(name, str) and name.isidentifier()):
        raise ConditionError("`as` names the aggregate's facts for messages: a word such as `replicas`",
                             (*path, "as"))
    selection = compile_selection(raw["select"], (*path, "select"), True) if "select" in raw else None
    via = compile_field_path(raw["via"], (*path, "via")) if "via" in raw else None
    distinct = compile_field_path(raw["distinct"], (*path, "distinct")) if "distinct" in raw else None
    return Aggregate(selection, via, distinct, operator, expected, name)
