"""What an audit fetches, derived from the active rules: one KQL query per table, and ARM list calls.

Every resource type a rule selects (directly, through `aggregate`, or as the parent of a child it reads) is
fetched; the type of a resource a `ref`/`via` follows is known for the well-known reference properties, and
otherwise found from the ids actually read (a follow-up query). A rule's `where` is pushed into the query
when it compares a plain column (`kind`, `name`, `resourceGroup`, `sku.name`) with literals, so Resource
Graph does the filtering; anything else is left to the engine (a query may return more, never less).

Only top-level columns are projected. Narrowing inside `properties` would need case-sensitive KQL member
access while rules read properties case-insensitively: a differently cased key would vanish from the row and
a rule could FAIL on a value that exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from linter import records
from linter.conditions.core import Combination, Condition, Tri
from linter.conditions.operands import Literal
from linter.conditions.operators import Compare, Exists
from linter.conditions.relations import Aggregate, Ref, Selection
from linter.inputs.live.children import CHILD_LISTS, LOCKS, SUBSCRIPTION, ChildList, depth
from linter.paths import FieldPath
from linter.records import field, record
from linter.rules import Rule

RESOURCES, CONTAINERS, AUTHORIZATION = "resources", "resourcecontainers", "authorizationresources"
TABLES = (RESOURCES, CONTAINERS, AUTHORIZATION)
CONTAINER_TYPES = {"microsoft.resources/subscriptions", "microsoft.resources/subscriptions/resourcegroups",
                   "microsoft.management/managementgroups"}
# Columns of a Resource Graph row (lower case -> the column's spelling).
COLUMNS = {c.lower(): c for c in ("id", "name", "type", "tenantId", "kind", "location", "resourceGroup",
                                  "subscriptionId", "managedBy", "sku", "plan", "properties", "tags",
                                  "identity", "zones", "extendedLocation")}
ALWAYS = ("id", "name", "type", "location", "kind")  # identity, parent, and what messages name
AUTHORIZATION_ALWAYS = ("id", "name", "type", "properties")  # role assignments have no location or kind
# Resource-id properties whose target type is fixed by Azure (a ref through them needs no follow-up query).
REFERENCE_TYPES = {
    "properties.storageaccount": "microsoft.storage/storageaccounts",
    "properties.keyvault": "microsoft.keyvault/vaults",
    "properties.applicationinsights": "microsoft.insights/components",
    "properties.containerregistry": "microsoft.containerregistry/registries",
    "properties.hubresourceid": "microsoft.machinelearningservices/workspaces",
    "properties.workspaceresourceid": "microsoft.operationalinsights/workspaces",
}
# Columns a `where` may be pushed down on (values Resource Graph returns as rules see them).
_PUSHABLE = {"kind": "kind", "name": "name", "resourcegroup": "resourceGroup", "sku.name": "tostring(sku.name)",
             "sku.tier": "tostring(sku.tier)"}
_KQL_OPERATORS = {"equals": "=~", "in": "in~", "startsWith": "startswith", "endsWith": "endswith",
                  "contains": "contains"}
_PLACEHOLDER = re.compile(r"\{[A-Za-z_]+\.([A-Za-z_]+)")
NEVER = "false"  # a filter no row passes
ROW_EXTRAS = {"scope"}  # fields the Resource Graph reader adds to rows (a role assignment's scope)
MAX_FOLLOW_UP_IDS = 64  # ids a follow-up query names (keeps the query text near 10 kB)


def table_of(resource_type: str) -> str | None:
    """The Resource Graph table holding a (lower-case) type; None for what only Resource Manager lists."""
    if resource_type in CHILD_LISTS:
        return None
    if resource_type in CONTAINER_TYPES:
        return CONTAINERS
    if resource_type.startswith("microsoft.authorization/"):
        return AUTHORIZATION
    return RESOURCES


def kql_string(value: str) -> str | None:
    """A KQL string literal, or None for a value that should not go into a query (control characters)."""
    if not value.isprintable() or len(value) > 400:
        return None
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


@record
class TableQuery:
    table: str
    types: dict[str, str | None] = field(default_factory=dict)  # lower-case type -> pushed-down filter, or None
    columns: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # a follow-up query: these resources, whatever their type

    def kql(self) -> str:
        if self.ids:
            literals = ", ".join(kql_string(i) or "''" for i in self.ids)
            return f"{self.table}\n| where id in~ ({literals})\n| project {', '.join(self.columns)}\n| order by id asc"
        unfiltered = sorted(t for t, f in self.types.items() if f is None)
        clauses = []
        if unfiltered:
            listed = ",\n        ".join(kql_string(t) or "''" for t in unfiltered)
            clauses.append(f"type in~ (\n        {listed})")
        for resource_type in sorted(t for t, f in self.types.items() if f is not None):
            clauses.append(f"(type =~ {kql_string(resource_type)} and ({self.types[resource_type]}))")
        where = "\n    or ".join(clauses)
        return f"{self.table}\n| where {where}\n| project {', '.join(self.columns)}\n| order by id asc"


@record
class AuditPlan:
    queries: list[TableQuery]
    children: list[ChildList]  # Resource Manager list calls, parents before children
    child_parents_filtered: dict[str, bool]  # child type -> list it only under the parents rules select
    unlistable: dict[str, str]  # types rules need that neither Resource Graph nor this audit can read
    follow_paths: list[FieldPath]  # ref/via paths whose target type is not fixed (shown by --show-query)
    columns: list[str]
    rules: list[Rule] = field(default_factory=list)  # the active rules (a dry run says which parents to list)
    every_parent: set[str] = field(default_factory=set)  # child types a rule selects directly: list them all
    dry_run_rules: list[Rule] = field(default_factory=list)  # rules that read children or follow open refs

    @property
    def fetched_types(self) -> set[str]:
        types = {t for q in self.queries for t in q.types}
        return types | {c.type for c in self.children}

    def follow_up(self, table: str, ids: list[str]) -> TableQuery:
        """A query for resources named by a `ref`/`via` that the first queries did not return."""
        return TableQuery(table, columns=_columns_for(table, self.columns), ids=ids)

    def show(self) -> str:
        """The queries and list calls, as `--show-query` prints them."""
        parts = [f"// {q.table}\n{q.kql()}" for q in self.queries]
        for child in self.children:
            if child.parent == SUBSCRIPTION:
                parent = "each subscription that holds a resource the rules read them for"
            else:
                parent = f"each {child.parent} the rules read them for"
            parts.append(f"// Resource Manager, {child.display_type}, for {parent}:\n"
                         f"GET {{id}}/{child.collection}?api-version={child.api_version}")
        if self.follow_paths:
            paths = ", ".join(p.text for p in self.follow_paths)
            parts.append(f"// then, for resources the rules follow ({paths}) that were not returned above:\n"
                         "// the same query with `where id in~ (...)`")
        for resource_type, reason in sorted(self.unlistable.items()):
            parts.append(f"// not fetched: {resource_type} ({reason})")
        return "\n\n".join(parts) + "\n"


def _columns_for(table: str, read: list[str]) -> list[str]:
    base = AUTHORIZATION_ALWAYS if table == AUTHORIZATION else ALWAYS
    columns = list(base)
    for column in read:
        if column not in columns and not (table == AUTHORIZATION and column in ("location", "kind", "sku")):
            columns.append(column)
    return columns


def plan_audit(rules: Iterable[Rule]) -> AuditPlan:
    rules = list(rules)
    filters: dict[str, list[str | None]] = {}  # type -> the filter of each selection of it
    direct_children: set[str] = set()  # child types some rule selects outside a `children` relation
    child_under: dict[str, set[str]] = {}  # child type -> types of the rules that read it as children
    read: set[str] = set()
    follow: dict[str, FieldPath] = {}

    def want(resource_type: str, condition: str | None) -> None:
        if condition != NEVER:
            filters.setdefault(resource_type, []).append(condition)

    for rule in rules:
        own_types = [t.lower() for t in rule.select.types]
        own_filter = pushdown(rule.select.where)
        if own_filter == NEVER:
            continue  # the rule cannot apply to a live estate (it reads how templates are written)
        for resource_type in own_types:
            want(resource_type, own_filter)
            if resource_type in CHILD_LISTS:
                direct_children.add(resource_type)
        for node in _walk(rule):
            if isinstance(node, Selection) and node is not rule.select:
                for resource_type in (t.lower() for t in node.types):
                    if node.relation == "children" and resource_type in CHILD_LISTS:
                        child_under.setdefault(resource_type, set()).update(own_types)
                        want(resource_type, None)
                    else:
                        want(resource_type, pushdown(node.where) if node.relation is None else None)
                        if resource_type in CHILD_LISTS:
                            direct_children.add(resource_type)
            elif isinstance(node, FieldPath) and node.steps and isinstance(node.steps[0], str):
                read.add(node.steps[0].lower())
            if isinstance(node, (Ref, Aggregate)):
                path = node.path if isinstance(node, Ref) else node.via
                if path is not None:
                    target = REFERENCE_TYPES.get(path.text.lower())
                    if target is not None:
                        want(target, None)
                    else:
                        follow.setdefault(path.text.lower(), path)
        read.update(m.lower() for m in _PLACEHOLDER.findall(rule.message))

    # A child is listed under its parents: fetch the parents too (all of them when a rule reads the child
    # directly, else those the rules reading it as children select).
    pending = [t for t in filters if t in CHILD_LISTS]
    filtered_parents: dict[str, bool] = {}
    while pending:
        child = CHILD_LISTS[pending.pop()]
        if child.parent == SUBSCRIPTION:
            continue
        selects_parent = child.type not in direct_children and child.parent in child_under.get(child.type, set())
        filtered_parents[child.type] = selects_parent
        if not selects_parent:
            if child.parent not in filters and child.parent in CHILD_LISTS:
                pending.append(child.parent)
            want(child.parent, None)

    columns = [COLUMNS[c] for c in sorted(read) if c in COLUMNS and COLUMNS[c] not in ALWAYS]
    queries: dict[str, TableQuery] = {}
    children: list[ChildList] = []
    unlistable: dict[str, str] = {}
    for resource_type, conditions in sorted(filters.items()):
        if resource_type in CHILD_LISTS:
            children.append(CHILD_LISTS[resource_type])
            continue
        table = table_of(resource_type)
        if table is None or kql_string(resource_type) is None:
            unlistable[resource_type] = "not a type Resource Graph or this audit can list"
            continue
        query = queries.setdefault(table, TableQuery(table, columns=_columns_for(table, columns)))
        query.types[resource_type] = _any_of(conditions)
    children.sort(key=lambda c: (depth(c), c.type))
    if any(c.type == LOCKS for c in children):
        filtered_parents[LOCKS] = False
    ordered = [queries[t] for t in TABLES if t in queries]
    asking = [r for r in rules if _reads_children_or_open_refs(r)]
    return AuditPlan(ordered, children, filtered_parents, unlistable, list(follow.values()), columns, rules,
                     {t for t in direct_children if t in CHILD_LISTS}, asking)


def _reads_children_or_open_refs(rule: Rule) -> bool:
    for node in _walk(rule):
        if isinstance(node, Selection) and node.relation == "children" and any(
                t.lower() in CHILD_LISTS for t in node.types):
            return True
        if isinstance(node, (Ref, Aggregate)):
            path = node.path if isinstance(node, Ref) else node.via
            if path is not None and path.text.lower() not in REFERENCE_TYPES:
                return True
    return False


def _any_of(conditions: list[str | None]) -> str | None:
    """The filter for a type several selections read: None (everything) unless each has a filter."""
    if any(c is None for c in conditions):
        return None
    distinct = sorted(set(conditions))  # type: ignore[arg-type]
    return distinct[0] if len(distinct) == 1 else " or ".join(f"({c})" for c in distinct)


def _walk(value: Any, seen: set[int] | None = None) -> Iterator[Any]:
    """Every node of a compiled rule (conditions, selections, operands, paths), whatever their classes."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    yield value
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _walk(item, seen)
    elif records.is_record(value) and not isinstance(value, type) and not isinstance(value, FieldPath):
        for item in records.fields(value):
            if item.name in ("docs", "position"):
                continue
            yield from _walk(getattr(value, item.name), seen)


def pushdown(condition: Condition | None) -> str | None:
    """A KQL predicate that holds for every resource `condition` can select (None: no such predicate;
    NEVER: no Resource Graph row can be selected, e.g. a rule about how a template writes a value)."""
    if condition is None:
        return None
    if isinstance(condition, Combination):
        parts = [pushdown(p) for p in condition.parts]
        if condition.decisive is Tri.FAIL:  # allOf
            if NEVER in parts:
                return NEVER
            kept = [p for p in parts if p]
            return " and ".join(kept) if kept else None
        parts = [p for p in parts if p != NEVER]
        if not parts:
            return NEVER
        return "(" + " or ".join(parts) + ")" if all(parts) else None  # type: ignore[arg-type]
    if _never_on_rows(condition):
        return NEVER
    if isinstance(condition, Compare) and not condition.case_sensitive and condition.subject.path is not None:
        column = _PUSHABLE.get(condition.subject.path.text.lower())
        operator = _KQL_OPERATORS.get(condition.operator)
        if column is None or operator is None or not isinstance(condition.expected, Literal):
            return None
        expected = condition.expected.value
        if operator == "in~":
            if not isinstance(expected, list) or not expected or not all(isinstance(v, str) for v in expected):
                return None
            literals = [kql_string(v) for v in expected]
            return None if None in literals else f"{column} in~ ({', '.join(literals)})"  # type: ignore[arg-type]
        literal = kql_string(expected) if isinstance(expected, str) else None
        return None if literal is None else f"{column} {operator} {literal}"
    return None


def _never_on_rows(condition: Condition) -> bool:
    """True for `exists: true` / `equals`-like tests of a field no Resource Graph row has (`template.*`)."""
    subject = getattr(condition, "subject", None)
    path = getattr(subject, "path", None)
    if not isinstance(path, FieldPath) or not path.steps or not isinstance(path.steps[0], str):
        return False
    first = path.steps[0].lower()
    if first in COLUMNS or first in ROW_EXTRAS:
        return False
    if isinstance(condition, Exists):
        return condition.expected is True
    return isinstance(condition, Compare) and condition.operator in _KQL_OPERATORS
