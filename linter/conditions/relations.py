"""Cross-resource nodes: `ref` follows a resource id; `aggregate` measures a selection of resources."""

from __future__ import annotations

import math
from typing import Any

from linter import messages
from linter.conditions import reuse
from linter.conditions.core import Condition, Evidence, Scope, Tri, Verdict
from linter.conditions.dependence import CURRENT, SELECTION, entered, needs
from linter.conditions.operands import Operand
from linter.conditions.operators import Bounds, fold, number
from linter.model import MISSING, Resource, Unknown
from linter.paths import FieldPath, resolve
from linter.records import record


@record
class Ref(Condition):
    """Follow a resource-id field to the resource it names and evaluate `condition` there."""

    path: FieldPath | None
    condition: Condition
    operand: Operand | None = None  # `ref: {scopeOf: {field: id}}`: an id computed rather than read

    def scope_needs(self) -> frozenset[str]:
        return frozenset({CURRENT}) | needs(self.operand) | entered(needs(self.condition))

    def evaluate(self, scope: Scope) -> Verdict:
        if self.path is not None:
            target_id = resolve(scope.root, self.path)
            text = self.path.text
            evidence = [Evidence(scope.resource, self.path.key(), target_id)] if scope.resource is not None else []
        else:
            assert self.operand is not None
            target_id = self.operand.get(scope)
            text = "the computed id"
            evidence = [Evidence(scope.resource, (), None)] if scope.resource is not None else []
        if isinstance(target_id, Unknown):
            symbolic = scope.estate.find(target_id)
            if symbolic is None:
                return Verdict(Tri.UNKNOWN, target_id.reason, evidence)
            return self._at(scope, symbolic, evidence)
        if target_id is MISSING or target_id == "":
            return Verdict(Tri.FAIL, f"`{text}` is absent (it names no resource)", evidence, {"ref": None})
        if not isinstance(target_id, str):
            return Verdict(Tri.FAIL, f"`{text}` is not a resource id", evidence)
        target = scope.estate.get(target_id)
        if target is None:
            return Verdict(
                Tri.UNKNOWN,
                f"`{text}` names {target_id}, which is not in the scanned estate; "
                "scan it too to check it",
                evidence,
            )
        return self._at(scope, target, evidence)

    def _at(self, scope: Scope, target: Resource, evidence: list[Evidence]) -> Verdict:
        inner = self.condition.evaluate(scope.enter(target))
        facts = dict(inner.facts)
        facts.setdefault("ref", target)
        evidence += inner.evidence
        if not any(item.resource is target for item in inner.evidence):
            evidence.append(Evidence(target, (), None))  # at least point at the resource followed
        return Verdict(inner.tri, inner.reason, evidence, facts)


def _copy_verdict(verdict: Verdict) -> Verdict:
    # callers change verdicts they are handed (`not` flips it, allOf merges facts, ref adds evidence)
    return Verdict(verdict.tri, verdict.reason, list(verdict.evidence), dict(verdict.facts))


@record
class Selection:
    """Which resources an aggregate (or a rule) looks at."""

    types: tuple[str, ...]
    where: Condition | None
    relation: str | None  # None: the whole estate; "children": children of the current resource

    def scope_needs(self) -> frozenset[str]:
        found = entered(needs(self.where))
        return found | {CURRENT} if self.relation is not None else found

    def candidates(self, scope: Scope) -> list[tuple[Resource, str | None]]:
        """Resources to consider, each with a reason to doubt it belongs (None: it certainly does)."""
        if self.relation == "children":
            if scope.resource is None:
                return []
            parent = scope.resource
            wanted = {t.lower() for t in self.types}
            found: list[tuple[Resource, str | None]] = [
                (r, None) for r in scope.estate.children(parent) if r.type_key in wanted]
            # A child whose name is not known (so neither is its parent) may be one of these: never a silent 0.
            for resource_type in wanted:
                for orphan in scope.estate.orphans(resource_type):
                    if orphan.origin == parent.origin:
                        found.append((orphan, _orphan_doubt(orphan, parent)))
            return found
        joined = reuse.candidates(self, scope)  # an index lookup when `where` joins on an equal value
        if joined is not None:
            return [(r, None) for r in joined]
        return [(r, None) for resource_type in self.types for r in scope.estate.of_type(resource_type)]

    def select(self, scope: Scope) -> tuple[list[tuple[Resource, bool]], str | None]:
        """Members with whether each is certainly selected (False: the `where` or its deployment is
        UNKNOWN, or it may not belong to the current resource), and the first reason for doubt."""
        members: list[tuple[Resource, bool]] = []
        reason: str | None = None
        where = self.where
        # outcomes of `where` that a member's type decides, by the type as the member spells it
        by_type: dict[str, Tri | None] | None = {} if reuse.decides_by_type(where) else None
        # a field `where` needs first: a member without it fails `where` (e.g. the template facts that Resource
        # Graph rows have none of), told without evaluating anything
        required = reuse.required_field(where)
        for resource, doubt in self.candidates(scope):
            reason = reason or doubt
            if required is not None and resolve(resource.fields(), required) is MISSING:
                continue
            member = scope.enter(resource)
            test = where
            if by_type is not None and where is not None:
                kind = member.root.get("type") if type(member.root) is dict else None
                if type(kind) is str:
                    decided = by_type[kind] if kind in by_type else by_type.setdefault(
                        kind, reuse.decided_by_type(where, member))
                    if decided is Tri.FAIL:
                        continue
                    if decided is Tri.PASS:
                        test = None  # admitted, as certainly as evaluating it would: its deployment may not be
            judged = self.judge(member, test)
            if judged is None:
                continue
            certain, why = judged
            reason = reason or why
            members.append((resource, certain and doubt is None))
        return members, reason

    @staticmethod
    def judge(member: Scope, where: Condition | None) -> tuple[bool, str | None] | None:
        """Whether the resource of `member` (a scope entered into it) passes `where`: None when it does not,
        else whether it certainly does (False: `where` or the resource's deployment is UNKNOWN) and why not."""
        resource = member.resource
        assert resource is not None
        certain, reason = True, None
        if where is not None:
            verdict = where.evaluate(member)
            if verdict.tri is Tri.FAIL:
                return None
            if verdict.tri is Tri.UNKNOWN:
                certain, reason = False, verdict.reason
        if resource.conditional is not None:
            certain = False
            reason = reason or resource.conditional.reason
        return certain, reason

    def unobserved_reason(self, scope: Scope) -> str | None:
        near = scope.resource if self.relation == "children" else None
        for resource_type in self.types:
            reason = scope.estate.unobserved_reason(resource_type, near)
            if reason:
                return reason
        return None


def _orphan_doubt(orphan: Resource, parent: Resource) -> str:
    name = orphan.name
    if isinstance(name, Unknown) and name.source:
        why = f"its name comes from {name.source}, known only at deployment"  # e.g. utcNow()
    elif isinstance(name, Unknown):
        why = f"its name is not known ({name.reason})"
    else:
        why = "its parent is not known"
    kind = orphan.type.rsplit("/", 1)[-1]
    return f"whether the {kind} resource {orphan.display_name} belongs to {parent.display_name} is not known: {why}"


@record
class Aggregate(Condition):
    """A number measured over a selection (`count`, or the number of `distinct` values of a field),
    optionally after following each member's resource-id field (`via`), compared with an operator."""

    selection: Selection | None  # None: the rule's own selection (estate-scope rules)
    via: FieldPath | None
    distinct: FieldPath | None
    operator: str
    expected: Operand
    name: str | None = None  # `as:` - its facts are offered to messages as {name.count}, {name.values}...

    def scope_needs(self) -> frozenset[str]:
        found = needs(self.selection) if self.selection is not None else frozenset({SELECTION})
        return found | needs(self.expected)

    def evaluate(self, scope: Scope) -> Verdict:
        # the same for every resource checked when it reads none of them (e.g. "the estate has a Foundry
        # account"): measured once per estate
        return reuse.remembered(self, scope, lambda: self._evaluate(scope), _copy_verdict)

    def _evaluate(self, scope: Scope) -> Verdict:
        if self.selection is None:
            members = list(scope.selection or [])
            reason = scope.selection_reason
            unobserved = scope.selection_unobserved
        else:
            members, reason = self.selection.select(scope)
            unobserved = self.selection.unobserved_reason(scope)
        expected = number(self.expected.get(scope))
        if expected is None:
            return Verdict(Tri.FAIL, "an aggregate compares with a number")

        certain_values: set[Any] = set()
        all_values: set[Any] = set()
        # symbolic unknowns (one expression of one deployment): each is one value, which may or may not
        # equal a known value or another symbol
        certain_symbols: set[Any] = set()
        symbols: dict[Any, str] = {}
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
            if isinstance(value, Unknown) and value.key is not None:
                symbols.setdefault(value.key, messages.show(value))
                if certain:
                    certain_symbols.add(value.key)
                reason = reason or value.reason
                continue
            if isinstance(value, Unknown) or value is MISSING:
                unknown_values += 1
                if isinstance(value, Unknown):
                    reason = reason or value.reason
                continue
            key = fold(value, False)
            key = tuple(key) if isinstance(key, list) else key
            all_values.add(key)
            if certain:
                certain_values.add(key)

        if self.distinct is not None:
            low = max(len(certain_values), 1 if certain_symbols else 0)
            high = len(all_values) + len(symbols) + unknown_values
        if unobserved:
            high = math.inf
            reason = reason or unobserved
        tri = Bounds(low, high).compare(self.operator, expected)
        facts = {
            "count": len(members),
            # at most this many (values not known count once each): never "0 regions (none)" for unknowns
            "distinct": len(all_values) + len(symbols) + unknown_values,
            # distinct: the values found; count: the names of the resources counted
            "values": ", ".join(sorted([str(v) for v in all_values]) + sorted(symbols.values())
                                + ([f"{unknown_values} not known before deployment"] if unknown_values else [])
                                if self.distinct is not None
                                else sorted(r.display_name for r, _ in members)) or "none",
        }
        if self.name:
            facts = {self.name: facts}
        return Verdict(tri, reason if tri is Tri.UNKNOWN else None, evidence, facts)

    def _follow(self, scope: Scope, resource: Resource) -> tuple[Resource | None, Any]:
        assert self.via is not None
        target_id = resolve(resource.fields(), self.via)
        if isinstance(target_id, Unknown):
            symbolic = scope.estate.find(target_id)
            # not found: the value measured is not known (the id itself is not a value of the field measured)
            return (symbolic, None) if symbolic is not None else (None, Unknown(target_id.reason))
        if not isinstance(target_id, str) or not target_id:
            return None, Unknown(f"{resource.display_name} has no `{self.via.text}`")
        target = scope.estate.get(target_id)
        if target is None:
            return None, Unknown(f"{target_id} is not in the scanned estate")
        return target, None


@record
class Collect(Operand):
    """`{collect: {select: ..., field: path}}`: the distinct values of a field over a selection, as a list
    (e.g. the principals with a role on other hubs), to compare whole sets with `subsetOf`.

    The list must be exact to be compared, so a member that is only possibly selected, a value that is
    UNKNOWN, or a type the input cannot show makes the whole list UNKNOWN.
    """

    selection: Selection
    path: FieldPath

    def scope_needs(self) -> frozenset[str]:
        return needs(self.selection)

    def get(self, scope: Scope) -> Any:
        return reuse.remembered(self, scope, lambda: self._get(scope), lambda v: list(v) if isinstance(v, list)
                                else v)

    def _get(self, scope: Scope) -> Any:
        unobserved = self.selection.unobserved_reason(scope)
        if unobserved:
            return Unknown(unobserved)
        # "every member but those whose value equals the subject's" (`notEquals`), from per-value buckets
        excluding = reuse.collected_except(self, scope)
        if excluding is not None:
            return excluding
        members, reason = self.selection.select(scope)
        values: list[Any] = []
        seen: set[Any] = set()
        for resource, certain in members:
            if not certain:
                return Unknown(reason or f"whether {resource.display_name} is selected is not known")
            found = self.values_of(resource)
            if isinstance(found, Unknown):
                return found
            for key, item in found:
                if key not in seen:
                    seen.add(key)
                    values.append(item)
        return values

    def values_of(self, resource: Resource) -> Unknown | list[tuple[Any, Any]]:
        """A certain member's values of the field, in order, each with the key that tells it apart from the
        others (strings case-insensitively), or the UNKNOWN value that makes the whole list UNKNOWN."""
        value = resolve(resource.fields(), self.path)
        if isinstance(value, Unknown):
            return value
        found: list[tuple[Any, Any]] = []
        for item in value if isinstance(value, list) else [value]:
            if item is MISSING or isinstance(item, (dict, list)):
                continue
            if isinstance(item, Unknown):
                return item
            found.append((fold(item, False), item))
        return found

