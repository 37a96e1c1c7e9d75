"""Field operators (`equals`, `in`, `match`, `count`...) and bounded numbers for aggregates."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from linter.conditions.core import Condition, Evidence, Scope, Tri, Verdict
from linter.conditions.operands import Operand
from linter.model import MISSING, Unknown, known_different, same_value
from linter.paths import FieldPath, resolve
from linter.records import record

MAX_MATCH_INPUT = 4096  # regexes from rule files run on untrusted values: bound what they scan


# Values that hold nothing else (never an Unknown inside): the common case, decided without the slower
# `isinstance(value, Mapping)` (an abstract class check) the general case needs.
_ATOMS = frozenset({str, int, float, bool, type(None)})


def fold(value: Any, case_sensitive: bool) -> Any:
    if type(value) is str:
        return value if case_sensitive else value.casefold()
    if isinstance(value, str) and not case_sensitive:
        return value.casefold()
    if type(value) in _ATOMS:
        return value
    if isinstance(value, list):
        return [fold(v, case_sensitive) for v in value]
    if isinstance(value, Mapping):
        return {fold(k, False): fold(v, case_sensitive) for k, v in value.items()}
    return value


def find_unknown(value: Any) -> Unknown | None:
    if type(value) in _ATOMS:
        return None
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        for item in value:
            found = find_unknown(item)
            if found is not None:
                return found
    elif isinstance(value, Mapping):
        for item in value.values():
            found = find_unknown(item)
            if found is not None:
                return found
    return None


def _same(a: Any, b: Any, case_sensitive: bool) -> bool:
    if type(a) is str and type(b) is str:  # the common case, decided as the general one below decides it
        return a == b if case_sensitive else a.casefold() == b.casefold()
    # bool is an int in Python; Azure's JSON does not treat true as 1.
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    return fold(a, case_sensitive) == fold(b, case_sensitive)


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


Comparator = Callable[[Any, Any, bool], bool | None]  # None = the operator does not apply to the value


def _op_equals(value: Any, expected: Any, cs: bool) -> bool:
    return value is not MISSING and _same(value, expected, cs)


def _op_in(value: Any, expected: Any, cs: bool) -> bool:
    if value is MISSING:
        return False
    if type(value) is str:  # a string among strings (`sku.name in [...]`): `_same` without a call per item
        folded = value if cs else value.casefold()
        for item in expected:
            if type(item) is str:
                if (item if cs else item.casefold()) == folded:
                    return True
            elif _same(value, item, cs):
                return True
        return False
    return any(_same(value, item, cs) for item in expected)


def _op_starts(value: Any, expected: Any, cs: bool) -> bool | None:
    if not isinstance(value, str):
        return None if value is not MISSING else False
    return fold(value, cs).startswith(fold(str(expected), cs))


def _op_ends(value: Any, expected: Any, cs: bool) -> bool | None:
    if not isinstance(value, str):
        return None if value is not MISSING else False
    return fold(value, cs).endswith(fold(str(expected), cs))


def _op_contains(value: Any, expected: Any, cs: bool) -> bool | None:
    if isinstance(value, str):
        return fold(str(expected), cs) in fold(value, cs)
    if isinstance(value, list):
        return any(_same(item, expected, cs) for item in value)
    return None if value is not MISSING else False


def _op_within(value: Any, expected: Any, cs: bool) -> bool | None:
    """A resource id equal to, or below, a scope id (segment by segment, case-insensitively as Azure ids)."""
    if not isinstance(value, str) or not isinstance(expected, str):
        return None if value is not MISSING and expected is not MISSING else False
    inner, outer = value.rstrip("/").casefold(), expected.rstrip("/").casefold()
    return not outer or inner == outer or inner.startswith(outer + "/")


def _op_subset(value: Any, expected: Any, cs: bool) -> bool:
    """Every element of the value (a list, or one value) is in the operand's list; nothing is a subset."""
    items = [] if value is MISSING else value if isinstance(value, list) else [value]
    return all(any(_same(item, other, cs) for other in expected) for item in items)


def _ordering(test: Callable[[float, float], bool]) -> Comparator:
    def compare(value: Any, expected: Any, cs: bool) -> bool | None:
        left, right = number(value), number(expected)
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
    "within": _op_within,
    "subsetOf": _op_subset,
    "greater": _ordering(lambda a, b: a > b),
    "greaterOrEquals": _ordering(lambda a, b: a >= b),
    "less": _ordering(lambda a, b: a < b),
    "lessOrEquals": _ordering(lambda a, b: a <= b),
}
ORDERING_OPERATORS = ("equals", "notEquals", "greater", "greaterOrEquals", "less", "lessOrEquals")
OPERATORS = (*_COMPARATORS, "exists", "match", "count")
LIST_OPERANDS = {"in", "notIn", "subsetOf"}


@record
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


@record
class Compare(Condition):
    subject: Subject
    operator: str
    expected: Operand
    case_sensitive: bool

    def evaluate(self, scope: Scope) -> Verdict:
        path = self.subject.path
        value = resolve(scope.root, path) if path is not None else self.subject.read(scope)
        expected = self.expected.get(scope)
        evidence = [Evidence(scope.resource, path.key(), value)] if (
            path is not None and scope.resource is not None) else []
        facts = {"actual": value, "expected": expected}
        if value is MISSING:
            facts["absentPath"] = self.subject.describe()  # for a message that must not print "not set"
        if isinstance(value, Unknown):  # both tests below need an UNKNOWN value
            if self.operator in ("equals", "notEquals", "within") and same_value(value, expected):
                # one symbolic value on both sides (a hub and its component both at `location`): equal, whatever
                # it is; an id is within itself (a lock whose scope is the resource declared with that very name)
                return Verdict(Tri.FAIL if self.operator == "notEquals" else Tri.PASS, None, evidence, facts)
            if self.operator in ("equals", "notEquals") and known_different(value, expected):
                return Verdict(Tri.FAIL if self.operator == "equals" else Tri.PASS, None, evidence, facts)
        unknown = find_unknown(value)
        if unknown is None:
            unknown = find_unknown(expected)
        if unknown is not None:
            return Verdict(Tri.UNKNOWN, unknown.reason, evidence, facts)
        if self.operator in LIST_OPERANDS and not isinstance(expected, list):
            expected = [] if expected is MISSING else [expected]
        outcome = _COMPARATORS[self.operator](value, expected, self.case_sensitive)
        if outcome is None:
            reason = f"`{self.subject.describe()}` is {type(value).__name__}, which `{self.operator}` cannot compare"
            return Verdict(Tri.FAIL, reason, evidence, facts)
        return Verdict(Tri.PASS if outcome else Tri.FAIL, None, evidence, facts)


@record
class Exists(Condition):
    subject: Subject
    expected: bool

    def evaluate(self, scope: Scope) -> Verdict:
        value = self.subject.read(scope)
        evidence = [Evidence(scope.resource, self.subject.path.key(), value)] if (
            scope.resource is not None and self.subject.path is not None) else []
        if isinstance(value, Unknown) and scope.estate.find(value) is None:
            return Verdict(Tri.UNKNOWN, value.reason, evidence, {"actual": value})
        # an unknown id that names a resource of the estate (a symbolic id) is set, whatever its text will be
        present = value is not MISSING and not (isinstance(value, list) and not value and
                                                 self.subject.path is not None and self.subject.path.has_wildcard)
        return Verdict(Tri.PASS if present == self.expected else Tri.FAIL, None, evidence, {"actual": value})


@record
class Match(Condition):
    subject: Subject
    pattern: Any  # a compiled RE2 pattern (see regex.py): linear-time `search`

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


@record
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


@record
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
        n = number(expected)
        if n is None:
            return Verdict(Tri.FAIL, f"count compares with a number, not {expected!r}", evidence)
        tri = Bounds(low, high).compare(self.operator, n)
        return Verdict(tri, reason if tri is Tri.UNKNOWN else None, evidence, {"count": low})
