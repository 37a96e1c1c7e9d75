"""Work a rule would otherwise repeat for every resource it checks: answers that do not depend on that
resource (computed once per estate), equality indexes over a selection's members, and `collect` lists of
"every member but those whose value equals this one" answered from per-value buckets.

Both only skip work whose outcome is already decided, so outcomes, reasons, evidence and the order of
members are the same as evaluating everything (tests/conditions/test_reuse.py compares the two).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from linter.conditions.core import Combination, Condition, Not, Scope, Tri
from linter.conditions.dependence import CURRENT, OUTER, SELECTION, SUBJECT, needs, subject_paths
from linter.conditions.operators import Compare, Exists, Subject, fold
from linter.model import Estate, Resource, Unknown
from linter.paths import FieldPath, resolve
from linter.records import field, record

if TYPE_CHECKING:
    from linter.conditions.relations import Collect, Selection

ENABLED = True  # tests turn reuse off to compare outcomes with plain evaluation


def remembered(node: Any, scope: Scope, compute: Callable[[], Any], copy: Callable[[Any], Any]) -> Any:
    """`compute()`, once per estate, rule parameters and whatever of the scope `node` reads: its current
    resource, and the values it reads of the subject (every hub of one region asks the same question of the
    estate); `copy` hands out a value the caller may change."""
    wanted = needs(node)
    if not ENABLED or SELECTION in wanted or OUTER in wanted:
        return compute()
    keep: tuple[Any, ...] = (node, scope.params)
    if CURRENT in wanted:
        keep += (scope.root, scope.resource)
    read: tuple[Any, ...] = ()
    if SUBJECT in wanted:
        if scope.subject is None:
            return compute()
        fields = scope.subject.fields()
        read = tuple(resolve(fields, path) for path in subject_paths(node))
        if not all(value is None or isinstance(value, (str, int, float, bool)) for value in read):
            return compute()  # UNKNOWN, absent or structured: not worth a key
        read = tuple((type(value).__name__, value) for value in read)
    key = ("remembered", *(id(k) for k in keep), read)
    found = scope.estate.memo.get(key)
    if found is None or any(a is not b for a, b in zip(found[0], keep, strict=True)):
        found = (keep, compute())
        scope.estate.memo[key] = found
    return copy(found[1])


# --- equality indexes ------------------------------------------------------------------------------------

_WILDCARD = object()


def _key(value: Any, case_sensitive: bool) -> Any:
    """The bucket of a value: equal under `equals` implies the same key. Values `equals` treats otherwise
    (UNKNOWN, absent, arrays, objects) have none and are always tested."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, str):
        return ("s", fold(value, case_sensitive))
    if isinstance(value, (int, float)):
        return ("n", value)
    if value is None:
        return ("null",)
    return _WILDCARD


def _reads_member(node: Any) -> bool:
    return needs(node) == frozenset({CURRENT})


def _free_of_member(node: Any) -> bool:
    return CURRENT not in needs(node) and SELECTION not in needs(node)


def _joins(where: Condition | None) -> list[tuple[str, Any, Any, bool]]:
    """In a `where` that fails whenever one comparison fails (the comparison itself, or a part of an `allOf`),
    each comparison between a member's own value and a value that does not depend on the member: (`equals` or
    `within`, how to read the member's side, the other side, case sensitivity). `within` joins when the
    member gives the scope (a lock's scope that a resource id is within)."""
    parts = [where] if isinstance(where, Compare) else (
        where.parts if isinstance(where, Combination) and where.decisive is Tri.FAIL else [])
    found = []
    for part in parts:
        if not isinstance(part, Compare) or part.operator not in ("equals", "within"):
            continue
        subject_side = part.subject.operand if part.subject.path is None else part.subject
        if part.operator == "equals" and _reads_member(subject_side) and _free_of_member(part.expected):
            found.append(("equals", part.subject, part.expected, part.case_sensitive))
        elif _reads_member(part.expected) and _free_of_member(subject_side):
            found.append((part.operator, part.expected, subject_side, part.case_sensitive))
    return found


def _scope_key(value: Any) -> Any:
    return value.rstrip("/").casefold() if isinstance(value, str) else _WILDCARD


def _scopes_of(resource_id: str) -> list[str]:
    """The scope keys an id is `within`: every scope (no scope, itself, and each ancestor by `/` segment)."""
    inner = resource_id.rstrip("/").casefold()
    return ["", *(inner[:i] for i, char in enumerate(inner) if char == "/" and i), inner]


def candidates(selection: Selection, scope: Scope) -> list[Resource] | None:
    """The members of `selection` whose join value can equal this scope's, in estate order; None when the
    selection has no such join (or reuse is off): then every member of its types is a candidate.

    Every join is a condition each member must meet, so any of them finds all the members: the one with the
    fewest candidates here is used (`{field: id, equals: {outer: id}}` rather than `{field: kind, equals: Hub}`,
    which every hub meets)."""
    if not ENABLED or selection.relation is not None:
        return None
    best: list[list[tuple[int, Resource]]] | None = None
    for operator, member_side, other_side, case_sensitive in _joins(selection.where):
        # the other side is evaluated where the `where` is: in a member's scope, whose outer is this scope
        probe = Scope(scope.estate, None, None, scope.params, scope.subject, scope, None)
        value = _read(other_side, probe)
        if operator == "within":
            if not isinstance(value, str):
                continue
            wanted = _scopes_of(value)
        else:
            wanted = [_key(value, case_sensitive)]
            if wanted[0] is _WILDCARD:
                continue
        buckets, wildcard = _index(scope.estate, selection, operator, member_side, case_sensitive, scope)
        lists = [buckets[key] for key in dict.fromkeys(wanted) if key in buckets] + [wildcard]
        if best is None or sum(map(len, lists)) < sum(map(len, best)):
            best = lists
    if best is None:
        return None
    return [r for _, r in heapq.merge(*best, key=lambda pair: pair[0])]


def _read(side: Any, scope: Scope) -> Any:
    return side.read(scope) if isinstance(side, Subject) else side.get(scope)


def _index(estate: Estate, selection: Selection, operator: str, member_side: Any, case_sensitive: bool,
           scope: Scope) -> tuple[dict[Any, list[tuple[int, Resource]]], list[tuple[int, Resource]]]:
    keep = (selection, member_side, scope.params)
    key = ("index", operator, *(id(k) for k in keep), case_sensitive)
    found = estate.memo.get(key)
    if found is not None and all(a is b for a, b in zip(found[0], keep, strict=True)):
        return found[1]
    buckets: dict[Any, list[tuple[int, Resource]]] = {}
    wildcard: list[tuple[int, Resource]] = []
    ordinal = 0
    for resource_type in selection.types:
        for resource in estate.of_type(resource_type):
            member = Scope(estate, resource, resource.fields(), scope.params)
            value = _read(member_side, member)
            bucket = _scope_key(value) if operator == "within" else _key(value, case_sensitive)
            (wildcard if bucket is _WILDCARD else buckets.setdefault(bucket, [])).append((ordinal, resource))
            ordinal += 1
    estate.memo[key] = (keep, (buckets, wildcard))
    return buckets, wildcard



# --- `notEquals` joins: every member but one bucket ------------------------------------------------------
#
# "The principals with a role on any other hub" is a `collect` whose `where` holds
# `{value: {scopeOf: {field: id}}, notEquals: {subject: id}}`: every hub would re-test every role assignment.
# When the rest of the `where` reads only the member, each member is tested once per estate and filed under
# the value it compares (its bucket); the list for one resource is then the members of every bucket but its
# own, merged in estate order. Members whose value has no bucket (UNKNOWN, absent, structured) are tested
# for each resource, as without reuse.

_UNSURE = object()  # a member only possibly selected, with no reason of its own: plain evaluation words it


@record
class _Buckets:
    """What a `collect` needs of its selection's members, once per estate."""

    tested: list[tuple[int, Resource]] = field(default_factory=list)  # no bucket: tested for each resource
    # the first member that makes the list UNKNOWN (ordinal, bucket, the UNKNOWN), and the first of another bucket
    stops: list[tuple[int, Any, Any]] = field(default_factory=list)
    # each value's first occurrence (position, bucket, value as written), and its first in another bucket
    first: dict[Any, tuple[tuple[int, int], Any, Any]] = field(default_factory=dict)
    second: dict[Any, tuple[tuple[int, int], Any]] = field(default_factory=dict)

    def add(self, ordinal: int, bucket: Any, found: Any) -> None:
        if not isinstance(found, list):
            if not self.stops or (len(self.stops) == 1 and self.stops[0][1] != bucket):
                self.stops.append((ordinal, bucket, found))
            return
        for index, (key, item) in enumerate(found):
            first = self.first.get(key)
            if first is None:
                self.first[key] = ((ordinal, index), bucket, item)
            elif first[1] != bucket and key not in self.second:
                self.second[key] = ((ordinal, index), item)


def _exclusion(where: Condition | None) -> tuple[Compare, Any, Any, Condition | None] | None:
    """In a `where` that fails whenever one comparison fails, `{<member's value>, notEquals: <a value that does
    not depend on the member>}` when every other part reads only the member: (the comparison, the member's
    side, the other side, the other parts as one condition, None when there are none)."""
    parts = [where] if isinstance(where, Compare) else (
        where.parts if isinstance(where, Combination) and where.decisive is Tri.FAIL else [])
    for part in parts:
        if not isinstance(part, Compare) or part.operator != "notEquals":
            continue
        subject_side = part.subject.operand if part.subject.path is None else part.subject
        if _reads_member(subject_side) and _free_of_member(part.expected):
            member_side, other_side = part.subject, part.expected
        elif _reads_member(part.expected) and _free_of_member(subject_side):
            member_side, other_side = part.expected, subject_side
        else:
            continue
        others = [p for p in parts if p is not part]
        if all(needs(p) <= {CURRENT} for p in others):
            return part, member_side, other_side, Combination(others, Tri.FAIL) if others else None
    return None


def _found(collect: Collect, resource: Resource, judged: tuple[bool, str | None]) -> Any:
    """A selected member's part of the list: its values with their keys, or the UNKNOWN that ends the list."""
    certain, reason = judged
    if not certain:
        return Unknown(reason) if reason else _UNSURE
    return collect.values_of(resource)


def collected_except(collect: Collect, scope: Scope) -> list[Any] | Unknown | None:
    """The value of `collect` in `scope` when its selection excludes, by a `notEquals` join, the members whose
    value equals this scope's; None when it has no such join (or reuse is off): then it is evaluated plainly."""
    selection = collect.selection
    if not ENABLED or selection.relation is not None:
        return None
    exclusion = _exclusion(selection.where)
    if exclusion is None:
        return None
    join, member_side, other_side, rest = exclusion
    probe = Scope(scope.estate, None, None, scope.params, scope.subject, scope, None)
    excluded = _key(_read(other_side, probe), join.case_sensitive)
    if excluded is _WILDCARD:
        return None
    buckets = _buckets(collect, member_side, join.case_sensitive, rest, scope)
    stop = next((s for s in buckets.stops if s[1] != excluded), None)
    earliest: dict[Any, tuple[tuple[int, int], Any]] = {}
    for ordinal, resource in buckets.tested:
        if stop is not None and ordinal > stop[0]:
            break
        judged = selection.judge(scope.enter(resource), selection.where)
        if judged is None:
            continue
        found = _found(collect, resource, judged)
        if not isinstance(found, list):
            stop = (ordinal, None, found)
            break
        for index, (key, item) in enumerate(found):
            earliest.setdefault(key, ((ordinal, index), item))
    if stop is not None:
        return None if stop[2] is _UNSURE else stop[2]
    for key, (position, bucket, item) in buckets.first.items():
        if bucket == excluded:
            if key not in buckets.second:
                continue
            position, item = buckets.second[key]
        if key not in earliest or position < earliest[key][0]:
            earliest[key] = (position, item)
    return [item for _, item in sorted(earliest.values(), key=lambda pair: pair[0])]


def _buckets(collect: Collect, member_side: Any, case_sensitive: bool, rest: Condition | None,
             scope: Scope) -> _Buckets:
    estate = scope.estate
    keep = (collect, scope.params)
    key = ("excluding", *(id(k) for k in keep))
    found = estate.memo.get(key)
    if found is not None and all(a is b for a, b in zip(found[0], keep, strict=True)):
        return found[1]
    buckets = _Buckets()
    ordinal = 0
    for resource_type in collect.selection.types:
        for resource in estate.of_type(resource_type):
            member = Scope(estate, resource, resource.fields(), scope.params)
            bucket = _key(_read(member_side, member), case_sensitive)
            if bucket is _WILDCARD:
                buckets.tested.append((ordinal, resource))
            else:
                judged = collect.selection.judge(member, rest)
                if judged is not None:
                    buckets.add(ordinal, bucket, _found(collect, resource, judged))
            ordinal += 1
    estate.memo[key] = (keep, buckets)
    return buckets


# --- outcomes decided by a member's type ---------------------------------------------------------------------

_TYPE_STEPS = ("type",)
_by_type_cache: dict[int, tuple[Any, bool]] = {}


def decides_by_type(where: Condition | None) -> bool:
    """Whether `where` has parts whose outcome is the same for every member of one type: comparisons of the
    member's `type` with a value that does not depend on the member, and answers that read no resource
    (e.g. "the estate has a Foundry account"). A rule that selects several types and tests which one it has
    (or first asks the estate a question) can then skip, for a whole type, members its `where` never admits."""
    if where is None or not ENABLED:
        return False
    cached = _by_type_cache.get(id(where))
    if cached is not None and cached[0] is where:
        return cached[1]
    found = _has_type_part(where)
    _by_type_cache[id(where)] = (where, found)  # the node is kept alive, so its id is never reused
    return found


def _has_type_part(node: Any) -> bool:
    if isinstance(node, Combination):
        return any(_has_type_part(part) for part in node.parts)
    if isinstance(node, Not):
        return _has_type_part(node.part)
    return _type_test(node) or not needs(node)


def _type_test(node: Any) -> bool:
    return (isinstance(node, Compare) and node.subject.path is not None and node.subject.path.steps == _TYPE_STEPS
            and not needs(node.expected))


def decided_by_type(where: Condition, member: Scope) -> Tri | None:
    """PASS or FAIL when `where` has that outcome for every member whose `type` field is the same string as
    this member's (its type tests and its parts that read no resource decide it, in the order evaluation
    meets them); None when the member's other fields may matter (or the outcome is UNKNOWN: its reason is
    the member's own). Parts are evaluated on `member` exactly as evaluating `where` would evaluate them."""
    decided = _decide(where, member)
    return None if decided is Tri.UNKNOWN else decided


def _decide(node: Any, member: Scope) -> Tri | None:
    if isinstance(node, Combination):
        # Kleene order, as `Combination.evaluate`: the first decisive part decides, whatever came before it
        unknown = False
        for part in node.parts:
            found = _decide(part, member)
            if found is None:
                return None  # this part is evaluated member by member before anything later is
            if found is node.decisive:
                return found
            unknown = unknown or found is Tri.UNKNOWN
        if unknown:
            return Tri.UNKNOWN
        return Tri.PASS if node.decisive is Tri.FAIL else Tri.FAIL
    if isinstance(node, Not):
        found = _decide(node.part, member)
        return {Tri.PASS: Tri.FAIL, Tri.FAIL: Tri.PASS}.get(found, found)  # type: ignore[arg-type]
    if _type_test(node) or not needs(node):
        return node.evaluate(member).tri
    return None


# --- a field a where cannot do without ------------------------------------------------------------------------

def required_field(where: Condition | None) -> FieldPath | None:
    """A field path of the member that `where` fails without: `where` is `{field: p, exists: true}`, or an
    allOf whose first part is (evaluated first, its FAIL decides). A member whose `p` is absent (MISSING,
    not UNKNOWN) fails `where`, so it can be skipped without evaluating it; None when there is no such path."""
    if not ENABLED:
        return None
    first = where
    while isinstance(first, Combination) and first.decisive is Tri.FAIL and first.parts:
        first = first.parts[0]
    if isinstance(first, Exists) and first.expected is True and first.subject.path is not None:
        return first.subject.path
    return None
