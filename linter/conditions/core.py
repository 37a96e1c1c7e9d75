"""Outcomes, evaluation scope and the logical nodes (Kleene's three-valued allOf / anyOf / not)."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any

from linter.model import Estate, Resource
from linter.records import field, record


class Tri(enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


class ConditionError(ValueError):
    """A condition that cannot be compiled; `path` locates it inside the rule document."""

    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.path = path


@record
class Evidence:
    """A value a condition read: where it lives (for locations) and what it was (for messages)."""

    resource: Resource
    path: tuple[str | int, ...]
    value: Any


@record
class Verdict:
    tri: Tri
    reason: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)


@record
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
    selection_reason: str | None = None  # why some of `selection` are only possibly selected
    selection_unobserved: str | None = None  # why the estate may hold more of the selected types than it shows

    def enter(self, resource: Resource) -> Scope:
        return Scope(self.estate, resource, resource.fields(), self.params, self.subject, self, None)

    def element(self, value: Any) -> Scope:
        return Scope(self.estate, self.resource, value, self.params, self.subject, self.outer, None)


class Condition:
    def evaluate(self, scope: Scope) -> Verdict:
        raise NotImplementedError


@record
class Combination(Condition):
    """allOf / anyOf: the first part with the `decisive` outcome decides (FAIL for allOf, PASS for anyOf);
    otherwise any UNKNOWN part makes the whole UNKNOWN; otherwise the other outcome."""

    parts: list[Condition]
    decisive: Tri

    def evaluate(self, scope: Scope) -> Verdict:
        unknown: Verdict | None = None
        facts: dict[str, Any] = {}
        evidence: list[Evidence] = []
        for part in self.parts:
            verdict = part.evaluate(scope)
            merge_facts(facts, verdict.facts)
            if verdict.tri is self.decisive:
                verdict.facts = {**facts, **verdict.facts}
                return verdict
            if verdict.tri is Tri.UNKNOWN and unknown is None:
                unknown = verdict
            evidence.extend(verdict.evidence)
        if unknown is not None:
            return Verdict(Tri.UNKNOWN, unknown.reason, unknown.evidence, facts)
        return Verdict(Tri.PASS if self.decisive is Tri.FAIL else Tri.FAIL, None, evidence, facts)


def AllOf(parts: list[Condition]) -> Combination:
    return Combination(parts, Tri.FAIL)


def AnyOf(parts: list[Condition]) -> Combination:
    return Combination(parts, Tri.PASS)


@record
class Not(Condition):
    part: Condition

    def evaluate(self, scope: Scope) -> Verdict:
        verdict = self.part.evaluate(scope)
        if verdict.tri is Tri.PASS:
            verdict.tri = Tri.FAIL
        elif verdict.tri is Tri.FAIL:
            verdict.tri = Tri.PASS
        return verdict


def merge_facts(into: dict[str, Any], new: Mapping[str, Any]) -> None:
    for key, value in new.items():
        into.setdefault(key, value)
