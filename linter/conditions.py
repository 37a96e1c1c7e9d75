"""The condition language: a small tree compiled once from rule YAML and evaluated with Kleene logic.

A condition evaluates to PASS, FAIL or UNKNOWN. UNKNOWN is what an unknowable value (a template expression
that cannot be resolved, a resource outside the estate, a type the input cannot observe) turns into: it never
becomes PASS or FAIL by accident. See docs/rule-language.md for the user-facing description.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from linter import regions
from linter.model import MISSING, Estate, Resource, Unknown
from linter.paths import FieldPath, PathError, compile_path, resolve


class Tri(enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


class ConditionError(ValueError):
    """A condition that cannot be compiled; `path` locates it inside the rule document."""

    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.path = path


@dataclass(slots=True)
class Evidence:
    """A value a condition read: where it lives (for locations) and what it was (for messages)."""

    resource: Resource
    path: tuple[str | int, ...]
    value: Any


@dataclass(slots=True)
class Verdict:
    tri: Tri
    reason: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Scope:
    """What a condition is evaluated against.

    `root` is what field paths read (a resource's fields, or an array element inside `count`); `resource`
    is the resource that root belongs to; `outer` is the scope that was current before a `ref` or an
    `aggregate` moved to another resource; `selection` is the rule's selection for estate-scope rules.
    """

    estate: Estate
    resource: Resource | None
    root: Any
    params: Mapping[str, Any]
    subject: Resource | None = None
    outer: Scope | None = None
    selection: Sequence[tuple[Resource, bool]] | None = None

    def enter(self, resource: Resource) -> Scope:
        return Scope(self.estate, resource, resource.fields(), self.params, self.subject, self, None)

    def element(self, value: Any) -> Scope:
        return Scope(self.estate, self.resource, value, self.params, self.subject, self.outer, None)


class Condition:
    def evaluate(self, scope: Scope) -> Verdict:
        raise NotImplementedError


# ---------------------------------------------------------------------------------------------- logic


@dataclass(slots=True)
class AllOf(Condition):
    parts: list[Condition]

    def evaluate(self, scope: Scope) -> Verdict:
        unknown: Verdict | None = None
        facts: dict[str, Any] = {}
        evidence: list[Evidence] = []
        for part in self.parts:
            verdict = part.evaluate(scope)
            _merge_facts(facts, verdict.facts)
            if verdict.tri is Tri.FAIL:
                verdict.facts = {**facts, **verdict.facts}
                return verdict
            if verdict.tri is Tri.UNKNOWN and unknown is None:
                unknown = verdict
            evidence.extend(verdict.evidence)
        if unknown is not None:
            return Verdict(Tri.UNKNOWN, unknown.reason, unknown.evidence, facts)
        return Verdict(Tri.PASS, None, evidence, facts)


@dataclass(slots=True)
class AnyOf(Condition):
    parts: list[Condition]

    def evaluate(self, scope: Scope) -> Verdict:
        unknown: Verdict | None = None
        facts: dict[str, Any] = {}
        evidence: list[Evidence] = []
        for part in self.parts:
            verdict = part.evaluate(scope)
            _merge_facts(facts, verdict.facts)
            if verdict.tri is Tri.PASS:
                verdict.facts = {**facts, **verdict.facts}
                return verdict
            if verdict.tri is Tri.UNKNOWN and unknown is None:
                unknown = verdict
            evidence.extend(verdict.evidence)
        if unknown is not None:
            return Verdict(Tri.UNKNOWN, unknown.reason, unknown.evidence, facts)
        return Verdict(Tri.FAIL, None, evidence, facts)


@dataclass(slots=True)
class Not(Condition):
    part: Condition

    def evaluate(self, scope: Scope) -> Verdict:
        verdict = self.part.evaluate(scope)
        if verdict.tri is Tri.PASS:
            verdict.tri = Tri.FAIL
        elif verdict.tri is Tri.FAIL:
            verdict.tri = Tri.PASS
        return verdict


def _merge_facts(into: dict[str, Any], new: Mapping[str, Any]) -> None:
    for key, value in new.items():
        into.setdefault(key, value)


# ------------------------------------------------------------------------------------------- operands


class Operand:
    """A value on the right of an operator (or on the left, with `value:`)."""

    def get(self, scope: Scope) -> Any:
        raise NotImplementedError


@dataclass(slots=True)
class Literal(Operand):
    value: Any

    def get(self, scope: Scope) -> Any:
        return self.value


@dataclass(slots=True)
class Param(Operand):
    name: str

    def get(self, scope: Scope) -> Any:
        return scope.params.get(self.name, MISSING)


@dataclass(slots=True)
class FieldOf(Operand):
    """`{field: p}` (the current root), `{outer: p}` (the scope before ref/aggregate), `{subject: p}`."""

    path: FieldPath
    which: str

    def get(self, scope: Scope) -> Any:
        if self.which == "field":
            return resolve(scope.root, self.path)
        if self.which == "outer":
            target = scope.outer
            if target is None:
                return Unknown("`outer` used where there is no outer resource")
            return resolve(target.root, self.path)
        if scope.subject is None:
            return Unknown("`subject` used in an estate-scope rule")
        return resolve(scope.subject.fields(), self.path)


@dataclass(slots=True)
class RegionFunction(Operand):
    """`{pairedRegion: operand}` and `{geography: operand}`: facts from the region table."""

    function: str
    argument: Operand

    def get(self, scope: Scope) -> Any:
        region = self.argument.get(scope)
        if isinstance(region, Unknown) or region is MISSING:
            return region
        if not isinstance(region, str):
            return MISSING
        if self.function == "pairedRegion":
            return regions.paired(region) or MISSING
        return regions.geography(region) or MISSING


_OPERAND_KEYS = {"param", "field", "outer", "subject", "pairedRegion", "geography", "literal"}


def compile_operand(raw: Any, path: tuple[str | int, ...]) -> Operand:
    if isinstance(raw, Mapping):
        if len(raw) != 1 or next(iter(raw)) not in _OPERAND_KEYS:
            raise ConditionError(
                "an operand that is a mapping must be one of {param: name}, {field: path}, {outer: path}, "
                "{subject: path}, {pairedRegion: operand}, {geography: operand} or {literal: value}",
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
        return FieldOf(_compile_field_path(value, (*path, key)), key)
    return Literal(raw)


def _compile_field_path(raw: Any, path: tuple[str | int, ...]) -> FieldPath:
    if not isinstance(raw, str) or not raw:
        raise ConditionError("a field path must be a non-empty string such as `sku.name`", path)
    try:
        return compile_path(raw)
    except PathError as exc:
        raise ConditionError(str(exc), path) from None


# ------------------------------------------------------------------------------------------ operators

MAX_MATCH_INPUT = 4096  # regexes from rule files run on untrusted values: bound what they scan


def _fold(value: Any, case_sensitive: bool) -> Any:
    if isinstance(value, str) and not case_sensitive:
        return value.casefold()
    if isinstance(value, list):
        return [_fold(v, case_sensitive) for v in value]
    if isinstance(value, Mapping):
        return {_fold(k, False): _fold(v, case_sensitive) for k, v in value.items()}
    return value


def _find_unknown(value: Any) -> Unknown | None:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        for item in value:
            found = _find_unknown(item)
            if found is not None:
                return found
    elif isinstance(value, Mapping):
        for item in value.values():
            found = _find_unknown(item)
            if found is not None:
                return found
    return None


def _same(a: Any, b: Any, case_sensitive: bool) -> bool:
    # bool is an int in Python; Azure's JSON does not treat true as 1.
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    return _fold(a, case_sensitive) == _fold(b, case_sensitive)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


Comparator = Callable[[Any, Any, bool], bool | None]  # None = the operator does not apply to the value


def _op_equals(value: Any, expected: Any, cs: bool) -> bool:
    return value is not MISSING and _same(value, expected, cs)


def _op_in(value: Any, expected: Any, cs: bool) -> bool:
    return value is not MISSING and any(_same(value, item, cs) for item in expected)


def _op_starts(value: Any, expected: Any, cs: bool) -> bool | None:
    if not isinstance(value, str):
        return None if value is not MISSING else False
    return _fold(value, cs).startswith(_fold(str(expected), cs))


def _op_ends(value: Any, expected: Any, cs: bool) -> bool | None:
    if not isinstance(value, str):
        return None if value is not MISSING else False
    return _fold(value, cs).endswith(_fold(str(expected), cs))


def _op_contains(value: Any, expected: Any, cs: bool) -> bool | None:
    if isinstance(value, str):
        return _fold(str(expected), cs) in _fold(value, cs)
    if isinstance(value, list):
        return any(_same(item, expected, cs) for item in value)
    return None if value is not MISSING else False


def _ordering(test: Callable[[float, float], bool]) -> Comparator:
    def compare(value: Any, expected: Any, cs: bool) -> bool | None:
        left, right = _number(value), _number(expected)
        if left is None or right is None:
            return None if value is not MISSING else False
        return test(left, right)

    return compare


_COMPARATORS: dict[str, Comparator] = {
    "equals": _op_equals,
    "notEquals": lambda v, e, cs: not _op_equals(v, e, cs),
    "in": _op_in,
    "notIn": lambda v, e, cs: not _op_in(v, e, cs),
    "startsWith": _op_starts,
    "endsWith": _op_ends,
    "contains": _op_contains,
    "greater": _ordering(lambda a, b: a > b),
    "greaterOrEquals": _ordering(lambda a, b: a >= b),
    "less": _ordering(lambda a, b: a < b),
    "lessOrEquals": _ordering(lambda a, b: a <= b),
}
ORDERING_OPERATORS = ("equals", "notEquals", "greater", "greaterOrEquals", "less", "lessOrEquals")
OPERATORS = (*_COMPARATORS, "exists", "match", "count")
_LIST_OPERANDS = {"in", "notIn"}


@dataclass(slots=True)
class Subject:
    """The left-hand side of a comparison: a field path, or an operand (`value:`)."""

    path: FieldPath | None
    operand: Operand | None

    def read(self, scope: Scope) -> Any:
        if self.path is not None:
            return resolve(scope.root, self.path)
        assert self.operand is not None
        return self.operand.get(scope)

    def describe(self) -> str:
        return self.path.text if self.path is not None else "value"


@dataclass(slots=True)
class Compare(Condition):
    subject: Subject
    operator: str
    expected: Operand
    case_sensitive: bool

    def evaluate(self, scope: Scope) -> Verdict:
        value = self.subject.read(scope)
        expected = self.expected.get(scope)
        evidence = self._evidence(scope, value)
        facts = {"actual": value, "expected": expected}
        unknown = _find_unknown(value)
        if unknown is None:
            unknown = _find_unknown(expected)
        if unknown is not None:
            return Verdict(Tri.UNKNOWN, unknown.reason, evidence, facts)
        if self.operator in _LIST_OPERANDS and not isinstance(expected, list):
            expected = [] if expected is MISSING else [expected]
        outcome = _COMPARATORS[self.operator](value, expected, self.case_sensitive)
        if outcome is None:
            reason = f"`{self.subject.describe()}` is {type(value).__name__}, which `{self.operator}` cannot compare"
            return Verdict(Tri.FAIL, reason, evidence, facts)
        return Verdict(Tri.PASS if outcome else Tri.FAIL, None, evidence, facts)

    def _evidence(self, scope: Scope, value: Any) -> list[Evidence]:
        if scope.resource is None or self.subject.path is None:
            return []
        return [Evidence(scope.resource, self.subject.path.key(), value)]


@dataclass(slots=True)
class Exists(Condition):
    subject: Subject
    expected: bool

    def evaluate(self, scope: Scope) -> Verdict:
        value = self.subject.read(scope)
        evidence = [Evidence(scope.resource, self.subject.path.key(), value)] if (
            scope.resource is not None and self.subject.path is not None) else []
        if isinstance(value, Unknown):
            return Verdict(Tri.UNKNOWN, value.reason, evidence, {"actual": value})
        present = value is not MISSING and not (isinstance(value, list) and not value and
                                                 self.subject.path is not None and self.subject.path.has_wildcard)
        return Verdict(Tri.PASS if present == self.expected else Tri.FAIL, None, evidence, {"actual": value})


@dataclass(slots=True)
class Match(Condition):
    subject: Subject
    pattern: re.Pattern[str]

    def evaluate(self, scope: Scope) -> Verdict:
        value = self.subject.read(scope)
        evidence = [Evidence(scope.resource, self.subject.path.key(), value)] if (
            scope.resource is not None and self.subject.path is not None) else []
        facts = {"actual": value}
        if isinstance(value, Unknown):
            return Verdict(Tri.UNKNOWN, value.reason, evidence, facts)
        if not isinstance(value, str):
            return Verdict(Tri.FAIL, None, evidence, facts)
        if len(value) > MAX_MATCH_INPUT:
            return Verdict(Tri.UNKNOWN, f"value of {len(value)} characters is too long to match", evidence, facts)
        return Verdict(Tri.PASS if self.pattern.search(value) else Tri.FAIL, None, evidence, facts)


@dataclass(slots=True)
class Bounds:
    """A measured number known only to lie in [low, high] (high may be infinite)."""

    low: float
    high: float

    def compare(self, operator: str, n: float) -> Tri:
        lo, hi = self.low, self.high
        if operator == "equals":
            return Tri.PASS if lo == hi == n else (Tri.FAIL if n < lo or n > hi else Tri.UNKNOWN)
        if operator == "notEquals":
            inverse = self.compare("equals", n)
            return {Tri.PASS: Tri.FAIL, Tri.FAIL: Tri.PASS}.get(inverse, Tri.UNKNOWN)
        test = _ORDER_TESTS[operator]
        at_lo, at_hi = test(lo, n), test(hi, n)
        if at_lo and at_hi:
            return Tri.PASS
        if not at_lo and not at_hi:
            return Tri.FAIL
        return Tri.UNKNOWN


_ORDER_TESTS: dict[str, Callable[[float, float], bool]] = {
    "greater": lambda a, b: a > b,
    "greaterOrEquals": lambda a, b: a >= b,
    "less": lambda a, b: a < b,
    "lessOrEquals": lambda a, b: a <= b,
}


@dataclass(slots=True)
class Count(Condition):
    """`field: arr, count: N` (length equals N) or `count: {where: cond, <op>: N}`."""

    subject: Subject
    where: Condition | None
    operator: str
    expected: Operand

    def evaluate(self, scope: Scope) -> Verdict:
        value = self.subject.read(scope)
        evidence = [Evidence(scope.resource, self.subject.path.key(), value)] if (
            scope.resource is not None and self.subject.path is not None) else []
        expected = self.expected.get(scope)
        if isinstance(value, Unknown):
            return Verdict(Tri.UNKNOWN, value.reason, evidence, {"actual": value})
        if isinstance(expected, Unknown):
            return Verdict(Tri.UNKNOWN, expected.reason, evidence)
        items = value if isinstance(value, list) else ([] if value is MISSING else [value])
        low = high = 0
        reason = None
        for item in items:
            if self.where is None:
                low += 1
                high += 1
                continue
            verdict = self.where.evaluate(scope.element(item))
            if verdict.tri is Tri.PASS:
                low += 1
                high += 1
            elif verdict.tri is Tri.UNKNOWN:
                high += 1
                reason = reason or verdict.reason
        n = _number(expected)
        if n is None:
            return Verdict(Tri.FAIL, f"count compares with a number, not {expected!r}", evidence)
        tri = Bounds(low, high).compare(self.operator, n)
        return Verdict(tri, reason if tri is Tri.UNKNOWN else None, evidence, {"count": low})


# -------------------------------------------------------------------------------- cross-resource nodes


@dataclass(slots=True)
class Ref(Condition):
    """Follow a resource-id field to the resource it names and evaluate `condition` there."""

    path: FieldPath
    condition: Condition

    def evaluate(self, scope: Scope) -> Verdict:
        target_id = resolve(scope.root, self.path)
        evidence = [Evidence(scope.resource, self.path.key(), target_id)] if scope.resource is not None else []
        if isinstance(target_id, Unknown):
            return Verdict(Tri.UNKNOWN, target_id.reason, evidence)
        if target_id is MISSING or target_id == "":
            return Verdict(Tri.FAIL, f"`{self.path.text}` is not set", evidence, {"ref": None})
        if not isinstance(target_id, str):
            return Verdict(Tri.FAIL, f"`{self.path.text}` is not a resource id", evidence)
        target = scope.estate.get(target_id)
        if target is None:
            return Verdict(
                Tri.UNKNOWN,
                f"`{self.path.text}` names {target_id}, which is not in the scanned estate; "
                "scan it too to check it",
                evidence,
            )
        inner = self.condition.evaluate(scope.enter(target))
        facts = dict(inner.facts)
        facts.setdefault("ref", target)
        evidence += inner.evidence
        if not any(item.resource is target for item in inner.evidence):
            evidence.append(Evidence(target, (), None))  # at least point at the resource followed
        return Verdict(inner.tri, inner.reason, evidence, facts)


@dataclass(slots=True)
class Selection:
    """Which resources an aggregate (or a rule) looks at."""

    types: tuple[str, ...]
    where: Condition | None
    relation: str | None  # None: the whole estate; "children": children of the current resource

    def candidates(self, scope: Scope) -> list[Resource]:
        if self.relation == "children":
            if scope.resource is None:
                return []
            wanted = {t.lower() for t in self.types}
            return [r for r in scope.estate.children(scope.resource) if r.type_key in wanted]
        found: list[Resource] = []
        for resource_type in self.types:
            found.extend(scope.estate.of_type(resource_type))
        return found

    def select(self, scope: Scope) -> tuple[list[tuple[Resource, bool]], str | None]:
        """Members with whether each is certainly selected (False: the `where` or its deployment is
        UNKNOWN), and the first reason for doubt."""
        members: list[tuple[Resource, bool]] = []
        reason: str | None = None
        for resource in self.candidates(scope):
            certain = True
            if self.where is not None:
                verdict = self.where.evaluate(scope.enter(resource))
                if verdict.tri is Tri.FAIL:
                    continue
                if verdict.tri is Tri.UNKNOWN:
                    certain = False
                    reason = reason or verdict.reason
            if resource.conditional is not None:
                certain = False
                reason = reason or resource.conditional.reason
            members.append((resource, certain))
        return members, reason

    def unobserved_reason(self, scope: Scope) -> str | None:
        near = scope.resource if self.relation == "children" else None
        for resource_type in self.types:
            reason = scope.estate.unobserved_reason(resource_type, near)
            if reason:
                return reason
        return None


@dataclass(slots=True)
class Aggregate(Condition):
    """A number measured over a selection (`count`, or the number of `distinct` values of a field),
    optionally after following each member's resource-id field (`via`), compared with an operator."""

    selection: Selection | None  # None: the rule's own selection (estate-scope rules)
    via: FieldPath | None
    distinct: FieldPath | None
    operator: str
    expected: Operand
    name: str | None = None  # `as:` - its facts are offered to messages as {name.count}, {name.values}...

    def evaluate(self, scope: Scope) -> Verdict:
        if self.selection is None:
            members = list(scope.selection or [])
            reason = next((r.conditional.reason for r, certain in members if not certain and r.conditional), None)
            unobserved = None
        else:
            members, reason = self.selection.select(scope)
            unobserved = self.selection.unobserved_reason(scope)
        expected = _number(self.expected.get(scope))
        if expected is None:
            return Verdict(Tri.FAIL, "an aggregate compares with a number")

        certain_values: set[Any] = set()
        all_values: set[Any] = set()
        unknown_values = 0
        low = high = 0
        evidence: list[Evidence] = []
        for resource, certain in members:
            target: Resource | None = resource
            value: Any = None
            if self.via is not None:
                target, value = self._follow(scope, resource)
            if self.distinct is not None and target is not None:
                value = resolve(target.fields(), self.distinct)
            high += 1
            low += certain
            evidence.append(Evidence(resource, (), None))
            if self.distinct is None:
                continue
            if isinstance(value, Unknown) or value is MISSING:
                unknown_values += 1
                if isinstance(value, Unknown):
                    reason = reason or value.reason
                continue
            key = _fold(value, False)
            key = tuple(key) if isinstance(key, list) else key
            all_values.add(key)
            if certain:
                certain_values.add(key)

        if self.distinct is not None:
            low, high = len(certain_values), len(all_values) + unknown_values
        if unobserved:
            high = math.inf
            reason = reason or unobserved
        tri = Bounds(low, high).compare(self.operator, expected)
        facts = {
            "count": len(members),
            "distinct": len(all_values),
            # distinct: the values found; count: the names of the resources counted
            "values": ", ".join(sorted(str(v) for v in all_values) if self.distinct is not None
                                else sorted(r.display_name for r, _ in members)) or "none",
        }
        if self.name:
            facts = {self.name: facts}
        return Verdict(tri, reason if tri is Tri.UNKNOWN else None, evidence, facts)

    def _follow(self, scope: Scope, resource: Resource) -> tuple[Resource | None, Any]:
        assert self.via is not None
        target_id = resolve(resource.fields(), self.via)
        if isinstance(target_id, Unknown):
            return None, target_id
        if not isinstance(target_id, str) or not target_id:
            return None, Unknown(f"{resource.display_name} has no `{self.via.text}`")
        target = scope.estate.get(target_id)
        if target is None:
            return None, Unknown(f"{target_id} is not in the scanned estate")
        return target, None


# ---------------------------------------------------------------------------------------------- compile

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
        return Ref(_compile_field_path(raw["ref"], (*path, "ref")),
                   compile_condition(raw["condition"], (*path, "condition")))

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
        subject = Subject(_compile_field_path(raw["field"], (*path, "field")), None)
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
    if operator in _LIST_OPERANDS and not isinstance(operand_raw, (list, Mapping)):
        raise ConditionError(f"`{operator}` takes a list", op_path)
    return Compare(subject, operator, compile_operand(operand_raw, op_path), case_sensitive)


def _compile_regex(raw: Any, case_sensitive: bool, path: tuple[str | int, ...]) -> re.Pattern[str]:
    if not isinstance(raw, str):
        raise ConditionError("`match` takes a regular expression string", path)
    if len(raw) > 500:
        raise ConditionError("`match` patterns are limited to 500 characters", path)
    try:
        return re.compile(raw, 0 if case_sensitive else re.IGNORECASE)
    except re.error as exc:
        raise ConditionError(f"invalid regular expression: {exc}", path) from None


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
    via = _compile_field_path(raw["via"], (*path, "via")) if "via" in raw else None
    distinct = _compile_field_path(raw["distinct"], (*path, "distinct")) if "distinct" in raw else None
    return Aggregate(selection, via, distinct, operator, expected, name)
