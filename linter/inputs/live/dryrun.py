"""Which child lists and referenced resources the active rules read, found by running them.

Listing children through Resource Manager costs one call per parent, so only the parents the rules look at
are listed. The rules that read children or follow resource ids are run over what has been fetched so far,
on an estate that records every (child type, parent) a `children` selection asks about and every id a
`ref`/`via` looks up in vain. Child types not listed yet are unobservable in that run, so an aggregate over
them is UNKNOWN, not FAIL, and three-valued logic goes on to evaluate the parts after it: the dry run asks
about at least what the final evaluation reads. It is repeated until nothing new is asked (projects before
their connections). A parent that was never listed stays UNKNOWN for that child type, never FAIL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from linter.engine import run_rules
from linter.inputs.live.document import complete_row
from linter.model import Estate, FixedAnchor, Origin, Position, Resource
from linter.records import field, record
from linter.rules import Rule

NOT_LISTED_YET = "not listed yet"


class RecordingEstate(Estate):
    """An estate that remembers what the rules asked of it."""

    def __init__(self, resources: Iterable[Resource], origin: Origin) -> None:
        super().__init__(resources)
        self.add_origin(origin)
        self.asked: set[tuple[str, str | None]] = set()  # (child type, parent id or None for every parent)
        self.missing: set[str] = set()  # ids looked up and not found (lower case)

    def unobserved_reason(self, resource_type: str, near: Resource | None = None) -> str | None:
        self.asked.add((resource_type.lower(), near.id_key if near is not None else None))
        return super().unobserved_reason(resource_type, near)

    def get(self, resource_id: str) -> Resource | None:
        found = super().get(resource_id)
        if found is None:
            self.missing.add(resource_id.lower())
        return found


@record
class Needs:
    children: dict[str, set[str | None]] = field(default_factory=dict)  # child type -> parent ids (None: all)
    missing: set[str] = field(default_factory=set)


class DryRun:
    """Resources are built once per row and reused across rounds."""

    def __init__(self, rules: list[Rule], child_types: Iterable[str]) -> None:
        self.rules = rules
        self.child_types = set(child_types)
        self.origin = Origin("resource-graph", "audit", None, {t: NOT_LISTED_YET for t in self.child_types})
        self.built: dict[str, Resource] = {}  # by lower-case id; the final evaluation reuses them

    def needs(self, rows: Mapping[str, dict[str, Any]]) -> Needs:
        from linter.inputs.resource_graph import resource_from_row

        for key, row in rows.items():
            if key not in self.built:
                made = resource_from_row(complete_row(row), self.origin, FixedAnchor(Position(key)))
                if not isinstance(made, str):
                    self.built[key] = made
        estate = RecordingEstate(self.built.values(), self.origin)
        run_rules(self.rules, estate)
        needs = Needs(missing=estate.missing)
        for child_type, parent in estate.asked:
            if child_type in self.child_types:
                needs.children.setdefault(child_type, set()).add(parent)
        return needs
