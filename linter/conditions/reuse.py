"""Work a rule would otherwise repeat for every resource it checks: answers that do not depend on that
resource (computed once per estate) and equality indexes over a selection's members.

Both only skip work whose outcome is already decided, so outcomes, reasons, evidence and the order of
members are the same as evaluating everything (tests/conditions/test_reuse.py compares the two).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from linter.conditions.core import Combination, Condition, Scope, Tri
from linter.conditions.dependence import CURRENT, OUTER, SELECTION, SUBJECT, needs, subject_paths
from linter.conditions.operators import Compare, Subject, fold
from linter.model import Estate, Resource
from linter.paths import resolve

if TYPE_CHECKING:
    from linter.conditions.relations import Selection

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


def _join(where: Condition | None) -> tuple[str, Any, Any, bool] | None:
    """In a `where` that fails whenever one comparison fails (the comparison itself, or a part of an `allOf`),
    a comparison between a member's own value and a value that does not depend on the member: (`equals` or
    `within`, how to read the member's side, the other side, case sensitivity). `within` joins when the
    member gives the scope (a lock's scope that a resource id is within)."""
    parts = [where] if isinstance(where, Compare) else (
        where.parts if isinstance(where, Combination) and where.decisive is Tri.FAIL else [])
    for part in parts:
        if not isinstance(part, Compare) or part.operator not in ("equals", "within"):
            continue
        subject_side = part.subject.operand if part.subject.path is None else part.subject
        if part.operator == "equals" and _reads_member(subject_side) and _free_of_member(part.expected):
            return "equals", part.subject, part.expected, part.case_sensitive
        if _reads_member(part.expected) and _free_of_member(subject_side):
            return part.operator, part.expected, subject_side, part.case_sensitive
    return None


def _scope_key(value: Any) -> Any:
    return value.rstrip("/").casefold() if isinstance(value, str) else _WILDCARD


def _scopes_of(resource_id: str) -> list[str]:
    """The scope keys an id is `within`: every scope (no scope, itself, and each ancestor by `/` segment)."""
    inner = resource_id.rstrip("/").casefold()
    return ["", *(inner[:i] for i, char in enumerate(inner) if char == "/" and i), inner]


def candidates(selection: Selection, scope: Scope) -> list[Resource] | None:
    """The members of `selection` whose join value can equal this scope's, in estate order; None when the
    selection has no such join (or reuse is off): then every member of its types is a candidate."""
    if not ENABLED or selection.relation is not None:
        return None
    join = _join(selection.where)
    if join is None:
        return None
    operator, member_side, other_side, case_sensitive = join
    # the other side is evaluated where the `where` is: in a member's scope, whose outer is this scope
    probe = Scope(scope.estate, None, None, scope.params, scope.subject, scope, None)
    value = _read(other_side, probe)
    if operator == "within":
        if not isinstance(value, str):
            return None
        wanted = _scopes_of(value)
    else:
        wanted = [_key(value, case_sensitive)]
        if wanted[0] is _WILDCARD:
            return None
    buckets, wildcard = _index(scope.estate, selection, operator, member_side, case_sensitive, scope)
    lists = [buckets[key] for key in dict.fromkeys(wanted) if key in buckets]
    return [r for _, r in heapq.merge(*lists, wildcard, key=lambda pair: pair[0])]


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

