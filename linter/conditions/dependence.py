"""What a condition or operand reads from the scope it is evaluated in, so evaluation can reuse work.

A node's needs are a subset of:
- CURRENT: the scope's root or resource (a `field:` path, the resource evidence points at);
- OUTER: the scope that was current before a `ref` or an aggregate's member was entered (`outer:`);
- SUBJECT: the resource the rule is checking (`subject:`);
- SELECTION: the rule's own selection (an estate-scope aggregate without `select`).

A node that needs none of them gives the same answer everywhere in one estate (with one rule's parameters),
so it is computed once; a selection whose `where` compares a member's field with a value that does not depend
on the member is looked up in an index instead of tested member by member. Nodes this module does not know
need everything, so an extension of the language is never reused wrongly.
"""

from __future__ import annotations

from typing import Any

from linter import records
from linter.conditions.core import Combination, Not
from linter.conditions.operands import FieldOf, Literal, Param, RegionFunction, ScopeOf
from linter.conditions.operators import Compare, Count, Exists, Match, Subject
from linter.paths import FieldPath

CURRENT = "current"
OUTER = "outer"
SUBJECT = "subject"
SELECTION = "selection"
EVERYTHING = frozenset({CURRENT, OUTER, SUBJECT, SELECTION})

_cache: dict[int, tuple[Any, frozenset[str]]] = {}


def needs(node: Any) -> frozenset[str]:
    """What `node` (a condition, an operand or a selection) reads from its scope."""
    if node is None:
        return frozenset()
    cached = _cache.get(id(node))
    if cached is not None and cached[0] is node:
        return cached[1]
    found = _needs(node)
    _cache[id(node)] = (node, found)  # the node is kept alive, so its id is never reused for another
    return found


def subject_paths(node: Any) -> tuple[FieldPath, ...]:
    """Every `{subject: path}` inside `node`: what it reads of the subject, the only way it can."""
    found: list[FieldPath] = []
    seen: set[int] = set()

    def walk(value: Any) -> None:
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, FieldOf):
            if value.which == "subject":
                found.append(value.path)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif records.is_record(value) and not isinstance(value, (type, FieldPath)):
            for item in records.fields(value):
                walk(getattr(value, item.name))

    walk(node)
    return tuple(dict.fromkeys(found))


def entered(inner: frozenset[str]) -> frozenset[str]:
    """The needs, in the current scope, of a node evaluated in `scope.enter(member)`: the member's own fields
    are bound there, its `outer` is the current scope, the subject stays, the rule's selection is gone."""
    out = set()
    if OUTER in inner:
        out.add(CURRENT)
    if SUBJECT in inner:
        out.add(SUBJECT)
    return frozenset(out)


def _needs(node: Any) -> frozenset[str]:
    own = getattr(node, "scope_needs", None)  # cross-resource nodes (linter.conditions.relations) say theirs
    if own is not None:
        return own()
    if isinstance(node, (Literal, Param)):
        return frozenset()
    if isinstance(node, FieldOf):
        return frozenset({CURRENT if node.which == "field" else OUTER if node.which == "outer" else SUBJECT})
    if isinstance(node, (RegionFunction, ScopeOf)):
        return needs(node.argument)
    if isinstance(node, Subject):
        return frozenset({CURRENT}) if node.path is not None else needs(node.operand)
    if isinstance(node, Compare):
        return needs(node.subject) | needs(node.expected) | {CURRENT}  # evidence names the current resource
    if isinstance(node, (Exists, Match)):
        return needs(node.subject) | {CURRENT}
    if isinstance(node, Count):
        # the `where` runs on elements of the current root, with the same outer and subject
        return needs(node.subject) | needs(node.expected) | needs(node.where) | {CURRENT}
    if isinstance(node, Combination):
        return frozenset().union(*(needs(part) for part in node.parts))
    if isinstance(node, Not):
        return needs(node.part)
    return EVERYTHING
