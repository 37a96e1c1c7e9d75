"""The audit's results document: Resource Graph rows plus a record of what the audit fetched.

`drlint audit --save FILE` writes it in the shape `az graph query` prints (`count`, `data`, ...), so
`drlint scan FILE` reads it back with the Resource Graph reader. The `drlint` member records:

- `fetched`: every type the audit read in full (queried, or listed under every parent): absent means none
  exist, so a rule needing one FAILs; a type not fetched is UNKNOWN (`*`), never a false failure;
- `notFetched`: types the rules needed that could not be read at all, with the reason;
- `failedLists`: parents whose child list call failed (403: the permission that is missing);
- `failedScopes`: subscription batches or management groups that could not be queried.

The same record gives every resource its `Origin` (what its input could observe), both for a live audit and
for a saved file, so both give the same findings for the same resources.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from linter.diagnostics import Diagnostic
from linter.inputs.live.children import CHILD_LISTS, SUBSCRIPTION
from linter.model import Origin, Position, Resource
from linter.records import field, record

RECORD_KEY = "drlint"
FORMAT = "drlint-audit/1"
NOT_FETCHED = ("this audit did not fetch this type (no active rule needed it); audit again with the rule "
               "active to check it")
NOT_LISTED = ("this audit did not list these for this resource (no active rule read them here); audit again "
              "with the rule active to check it")
MAX_RECORD_ITEMS = 1_000_000
KEPT_FIELDS = ("id", "name", "type", "location", "kind", "sku", "properties", "tags", "identity", "zones",
               "subscriptionId", "resourceGroup", "tenantId", "managedBy", "plan", "extendedLocation")


@record
class FailedScope:
    describe: str  # "12 subscriptions (a ... b)", "management group x"
    subscriptions: list[str]
    management_group: str | None
    table: str
    reason: str


@record
class AuditRecord:
    fetched: set[str] = field(default_factory=set)
    not_fetched: dict[str, str] = field(default_factory=dict)
    failed_lists: list[tuple[str, str, str]] = field(default_factory=list)  # (parent id, child type, reason)
    failed_scopes: list[FailedScope] = field(default_factory=list)
    listed: dict[str, list[str]] = field(default_factory=dict)  # child type -> the parents it was listed under

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "fetched": sorted(self.fetched),
            "notFetched": dict(sorted(self.not_fetched.items())),
            "failedLists": [{"parent": p, "type": t, "reason": r} for p, t, r in self.failed_lists],
            "failedScopes": [{"scope": f.describe, "subscriptions": f.subscriptions,
                              "managementGroup": f.management_group, "table": f.table, "reason": f.reason}
                             for f in self.failed_scopes],
            "listed": {t: ids for t, ids in sorted(self.listed.items())},
        }


def results_document(rows: list[dict[str, Any]], record: AuditRecord) -> dict[str, Any]:
    return {"count": len(rows), "total_records": len(rows), "skip_token": None, "data": rows,
            RECORD_KEY: record.to_json()}


def complete_row(row: Any) -> Any:
    """The row with every column (None where absent), so the reader's case-insensitive lookup never scans
    a row for a column that is not there (a column present in another case is left alone)."""
    if not isinstance(row, dict):
        return row
    present = {k.lower() for k in row if isinstance(k, str)}
    missing = [k for k in KEPT_FIELDS if k.lower() not in present]
    return {**dict.fromkeys(missing), **row} if missing else row


def trim_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A Resource Manager item reduced to Resource Graph's columns (no etag, systemData, ...)."""
    return {k: row[k] for k in KEPT_FIELDS if k in row}


def read_record(data: Any) -> tuple[AuditRecord | None, list[tuple[tuple[str | int, ...], str]]]:
    """The record of a saved audit (None for an ordinary export) and its problems, each with its path."""
    if not isinstance(data, Mapping) or not isinstance(data.get(RECORD_KEY), Mapping):
        return None, []
    raw = data[RECORD_KEY]
    problems: list[tuple[tuple[str | int, ...], str]] = []
    record = AuditRecord()
    if raw.get("format") != FORMAT:
        return None, [((RECORD_KEY, "format"), f"unknown audit record format (expected {FORMAT}); the record is "
                       "ignored and types Resource Graph does not index are UNKNOWN")]
    record.fetched = {t.lower() for t in _items(raw.get("fetched"), list) if isinstance(t, str)}
    for key, value in _items(raw.get("notFetched"), dict):
        if isinstance(key, str) and isinstance(value, str):
            record.not_fetched[key.lower()] = _clean(value)
    for i, item in enumerate(_items(raw.get("failedLists"), list)):
        if isinstance(item, Mapping) and all(isinstance(item.get(k), str) for k in ("parent", "type", "reason")):
            record.failed_lists.append((item["parent"], item["type"].lower(), _clean(item["reason"])))
        else:
            problems.append(((RECORD_KEY, "failedLists", i), "a failed list needs string parent, type, reason"))
    for key, value in _items(raw.get("listed"), dict):
        if isinstance(key, str) and isinstance(value, list):
            record.listed[key.lower()] = [v.lower() for v in value[:MAX_RECORD_ITEMS] if isinstance(v, str)]
        else:
            problems.append(((RECORD_KEY, "listed"), "`listed` maps a child type to a list of parent ids"))
    for i, item in enumerate(_items(raw.get("failedScopes"), list)):
        subscriptions = item.get("subscriptions") if isinstance(item, Mapping) else None
        if isinstance(item, Mapping) and isinstance(item.get("reason"), str) and isinstance(subscriptions, list):
            group = item.get("managementGroup")
            record.failed_scopes.append(FailedScope(
                _clean(str(item.get("scope") or "")), [s.lower() for s in subscriptions if isinstance(s, str)],
                group if isinstance(group, str) else None, _clean(str(item.get("table") or "resources")),
                _clean(item["reason"])))
        else:
            problems.append(((RECORD_KEY, "failedScopes", i), "a failed scope needs subscriptions and a reason"))
    return record, problems


def _items(value: Any, kind: type) -> Iterable[Any]:
    if kind is dict:
        return list(value.items())[:MAX_RECORD_ITEMS] if isinstance(value, Mapping) else []
    return value[:MAX_RECORD_ITEMS] if isinstance(value, list) else []


def _clean(text: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in text)[:2000]


def subscription_of(resource_id: Any) -> str | None:
    if isinstance(resource_id, str):
        parts = resource_id.split("/")
        if len(parts) > 2 and parts[1].lower() == "subscriptions":
            return parts[2].lower()
    return None


def assign_origins(resources: list[Resource], record: AuditRecord, kind: str, display: str,
                   locate: Any = None) -> tuple[list[Origin], list[Diagnostic]]:
    """Give each resource the origin that says what its part of the audit could observe; the origins to
    register (including one per failed scope, so estate-wide counts are UNKNOWN) and the diagnostics."""
    base: dict[str, str] = {"*": NOT_FETCHED}
    base.update({t: "" for t in record.fetched})  # "": observed in full (absent means none exist)
    base.update(record.not_fetched)
    origins: dict[frozenset[tuple[str, str]], Origin] = {}

    def origin_for(overrides: Mapping[str, str]) -> Origin:
        key = frozenset(overrides.items())
        if key not in origins:
            origins[key] = Origin(kind, display, None, {**base, **overrides})
        return origins[key]

    by_parent: dict[str, dict[str, str]] = {}
    for parent, child_type, reason in record.failed_lists:
        by_parent.setdefault(parent.lower(), {})[child_type] = reason
    incomplete: dict[str, str] = {}
    for failure in record.failed_scopes:
        for subscription in failure.subscriptions:
            incomplete.setdefault(subscription, f"{failure.describe} could not be queried ({failure.reason})")

    # A child type listed under some parents only: the others were not looked at (UNKNOWN, never FAIL).
    unlisted: list[tuple[str, str, set[str]]] = []  # (child type, parent type, parent ids listed)
    for child_type, parents in record.listed.items():
        child = CHILD_LISTS.get(child_type)
        if child is not None:
            unlisted.append((child_type, child.parent, {p.lower() for p in parents}))

    origin_for({})  # registered even for an empty estate: it says which types this audit fetched
    for resource in resources:
        subscription = subscription_of(resource.id)
        if subscription is not None and subscription in incomplete:
            resource.origin = origin_for({"*": incomplete[subscription], **{t: incomplete[subscription]
                                                                            for t in record.fetched}})
            continue
        overrides: dict[str, str] = {}
        for child_type, parent_type, parents in unlisted:
            key = f"/subscriptions/{subscription}" if parent_type == SUBSCRIPTION else resource.id_key
            applies = parent_type == SUBSCRIPTION or resource.type_key == parent_type
            if applies and key not in parents:
                overrides[child_type] = NOT_LISTED
        if resource.id_key is not None:
            overrides.update(by_parent.get(resource.id_key, {}))
        resource.origin = origin_for(overrides)
    registered = list(origins.values())
    diagnostics: list[Diagnostic] = []
    # one origin per failed scope (estate-wide counts there are UNKNOWN); one diagnostic per table and reason
    grouped: dict[tuple[str, str], list[tuple[int, FailedScope]]] = {}
    for i, failure in enumerate(record.failed_scopes):
        registered.append(Origin(kind, display, None,
                                 {"*": f"{failure.describe} could not be queried ({failure.reason})"}))
        grouped.setdefault((failure.table, failure.reason), []).append((i, failure))
    for (table, reason), failures in grouped.items():
        position = locate((RECORD_KEY, "failedScopes", failures[0][0])) if locate else None
        what = failures[0][1].describe if len(failures) == 1 else f"{len(failures)} scopes"
        subscriptions = [s for _, f in failures for s in f.subscriptions]
        diagnostics.append(Diagnostic(
            f"Resource Graph ({table}): {what} could not be queried ({reason}); {_listed(subscriptions)}rules are "
            "UNKNOWN where they depend on it; check the identity's access to those subscriptions and audit again",
            position))
    for (child_type, reason), parents in _by_reason(record.failed_lists).items():
        shown = ", ".join(parents[:3]) + (f" and {len(parents) - 3} more" if len(parents) > 3 else "")
        position = locate((RECORD_KEY, "failedLists")) if locate else None
        diagnostics.append(Diagnostic(f"{reason}, for {len(parents)} resource(s) ({shown}); rules reading "
                                      f"{child_type} are UNKNOWN there", position))
    for child_type, reason in sorted(record.not_fetched.items()):
        position = locate((RECORD_KEY, "notFetched")) if locate else None
        diagnostics.append(Diagnostic(f"{child_type} was not fetched: {reason}", position, severity="warning"))
    return registered, diagnostics


def _listed(subscriptions: list[str]) -> str:
    if not subscriptions:
        return ""
    shown = ", ".join(subscriptions[:5])
    more = f" and {len(subscriptions) - 5} more" if len(subscriptions) > 5 else ""
    return f"subscriptions {shown}{more}: "


def _by_reason(failed: list[tuple[str, str, str]]) -> dict[tuple[str, str], list[str]]:
    grouped: dict[tuple[str, str], list[str]] = {}
    for parent, child_type, reason in failed:
        grouped.setdefault((child_type, reason), []).append(parent)
    return grouped


def anchor_position(resource_id: str) -> Position:
    """Without a saved file, a finding points at the resource id."""
    return Position(resource_id, 1, 1)
