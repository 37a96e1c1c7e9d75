"""One live audit: sign in, run the plan's queries and list calls, and return the rows with their record.

`load_live` turns the result into `Loaded`, the same thing a scan's front ends produce, so a live estate is
evaluated exactly like a saved one.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from linter.inputs import Loaded
from linter.inputs.live.arm import ArmLister
from linter.inputs.live.auth import (
    CLOUDS,
    EndpointError,
    SignInError,
    make_credential,
    quiet_sdk_logs,
    rejected,
    resolve_endpoint,
    sign_in,
)
from linter.inputs.live.children import SUBSCRIPTION, ChildList
from linter.inputs.live.document import (
    AuditRecord,
    FailedScope,
    anchor_position,
    assign_origins,
    complete_row,
    subscription_of,
    trim_row,
)
from linter.inputs.live.dryrun import DryRun, Needs
from linter.inputs.live.graph import BATCH_SIZE, Scope, ScopeFailure, batches, run_query
from linter.inputs.live.http import Pacer, RequestFailed, Unauthorized
from linter.inputs.live.plan import MAX_FOLLOW_UP_IDS, AuditPlan, table_of
from linter.inputs.live.progress import Progress
from linter.model import FixedAnchor, Origin, Position, Resource
from linter.records import field, record

__all__ = ["AuditRequest", "AuditResult", "EndpointError", "NothingToAudit", "SignInError", "fetch_estate",
           "load_live"]


@record
class AuditRequest:
    subscriptions: list[str] = field(default_factory=list)
    management_groups: list[str] = field(default_factory=list)
    all_subscriptions: bool = False
    auth: str = "default"
    cloud: str = "AzureCloud"
    endpoint: str | None = None
    batch_size: int = BATCH_SIZE


@record
class AuditResult:
    rows: list[dict[str, Any]]
    record: AuditRecord
    graph_requests: int = 0
    arm_requests: int = 0
    throttled: int = 0
    retried: int = 0
    paced: int = 0
    duplicates: int = 0  # rows returned twice (kept once)
    seconds: float = 0.0
    built: dict[str, Resource] = field(default_factory=dict)  # resources the dry runs made, by lower-case id


MAX_ROUNDS = 4  # dry runs: children of children of children at most (account, project, connection)


class NothingToAudit(Exception):
    """The scopes named hold nothing the credential can read (one sentence, exit 2)."""


class _Rows:
    """Rows by lower-case id: a row returned twice (overlapping scopes, a retried page) is kept once."""

    def __init__(self) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}
        self.anonymous: list[dict[str, Any]] = []  # rows without an id: kept so the reader reports them
        self.duplicates = 0

    def add(self, row: Any) -> None:
        resource_id = row.get("id") if isinstance(row, dict) else None
        if not isinstance(resource_id, str):
            self.anonymous.append(row if isinstance(row, dict) else {"row": row})
            return
        key = resource_id.lower()
        if key in self.by_id:
            self.duplicates += 1
        else:
            self.by_id[key] = row

    def of_type(self, resource_type: str) -> list[str]:
        return [r["id"] for r in self.by_id.values() if str(r.get("type", "")).lower() == resource_type]

    def all(self) -> list[dict[str, Any]]:
        return sorted(self.by_id.values(), key=lambda r: r["id"].lower()) + self.anonymous


def fetch_estate(plan: AuditPlan, request: AuditRequest, progress: Progress) -> AuditResult:
    """Raises SignInError (one sentence) when signing in fails or Azure rejects the token, EndpointError for
    an endpoint drlint will not use; every other failure is recorded in the result."""
    started = time.perf_counter()
    cloud = CLOUDS[request.cloud]
    base, insecure = resolve_endpoint(cloud, request.endpoint)
    quiet_sdk_logs()
    credential = make_credential(request.auth, cloud)
    sign_in(credential, request.auth, cloud)
    from azure.mgmt.resourcegraph import ResourceGraphClient

    # retry_total=0: every retry and wait is decided by http.call, from the service's headers
    client = ResourceGraphClient(credential, base_url=base, credential_scopes=[cloud.scope], retry_total=0)
    graph_pacer, arm_pacer = Pacer(progress), Pacer(progress)
    arm = ArmLister(client, base, arm_pacer, progress, insecure)
    rows = _Rows()
    record = AuditRecord(not_fetched=dict(plan.unlistable))
    failures: list[ScopeFailure] = []
    try:
        try:
            scopes = _scopes(request, arm, progress)
        except RequestFailed as exc:
            if isinstance(exc, Unauthorized):
                raise
            raise NothingToAudit(f"the subscriptions could not be listed ({exc.reason}); name them with "
                                 "--subscription") from None
        for query in plan.queries:
            for row in run_query(client, query, scopes, graph_pacer, progress, insecure, failures):
                rows.add(row)
        built = _children_and_references(plan, client, arm, scopes, rows, record, graph_pacer, progress,
                                         insecure, failures)
    except Unauthorized as exc:
        raise rejected(request.auth, f"401: {exc.reason}") from None
    finally:
        client.close()
    record.fetched = plan.fetched_types
    for failure in failures:
        subscriptions = list(failure.scope.subscriptions) or sorted(failure.seen_subscriptions)
        record.failed_scopes.append(FailedScope(failure.scope.describe(), subscriptions,
                                                failure.scope.management_group, failure.table, failure.reason))
    stats = graph_pacer.stats, arm_pacer.stats
    return AuditResult(rows.all(), record, stats[0].requests, stats[1].requests,
                       sum(s.throttled for s in stats), sum(s.retried for s in stats), sum(s.paced for s in stats),
                       rows.duplicates, time.perf_counter() - started, built)


def _scopes(request: AuditRequest, arm: ArmLister, progress: Progress) -> list[Scope]:
    scopes = [Scope(management_group=group) for group in dict.fromkeys(request.management_groups)]
    subscriptions = list(request.subscriptions)
    if request.all_subscriptions:
        progress.say("listing subscriptions")
        subscriptions += arm.subscriptions()
        progress.say(f"{len(subscriptions)} subscription(s)")
        if not subscriptions:
            raise NothingToAudit("the credential can read no enabled subscription; give the identity the Reader "
                                 "role on the subscriptions to audit, or name them with --subscription")
    scopes += batches(subscriptions, request.batch_size)
    return scopes


def _children_and_references(plan: AuditPlan, client: Any, arm: ArmLister, scopes: list[Scope], rows: _Rows,
                              record: AuditRecord, pacer: Pacer, progress: Progress, insecure: bool,
                              failures: list[ScopeFailure]) -> dict[str, Resource]:
    """List the children the rules read and fetch the resources they follow, round after round (a dry run
    of the rules says which), until nothing new is asked."""
    listed: dict[str, set[str]] = {}  # child type -> parent ids listed (lower case)
    followed: set[str] = set()
    whole = {t for q in plan.queries for t, f in q.types.items() if f is None}  # a missing one does not exist
    dry = DryRun(plan.dry_run_rules, [c.type for c in plan.children]) if plan.dry_run_rules else None
    for _round in range(MAX_ROUNDS):
        needs = dry.needs(rows.by_id) if dry is not None else Needs()
        for child_type in plan.every_parent:
            needs.children.setdefault(child_type, set()).add(None)
        progressed = False
        for child in plan.children:
            wanted = needs.children.get(child.type)
            done = listed.setdefault(child.type, set())
            parents = {k: v for k, v in _parents(child, wanted, rows).items() if k not in done} if wanted else {}
            if not parents:
                continue
            progressed = True
            done.update(parents)
            outcome = arm.list_children(child, parents.values())
            for row in outcome.rows:
                rows.add(trim_row(row))
            record.failed_lists.extend((parent, child.type, reason) for parent, reason in outcome.failed.items())
        missing = {i for i in needs.missing - followed if _worth_following(i, whole, rows)}
        if missing:
            progressed = True
            followed |= missing
            _follow_up(plan, client, scopes, missing, rows, pacer, progress, insecure, failures)
        if dry is None or not progressed:
            break
    record.listed = {t: sorted(ids) for t, ids in listed.items() if ids}
    return dry.built if dry is not None else {}


def _parents(child: ChildList, wanted: set[str | None], rows: _Rows) -> dict[str, str]:
    """The ids (lower case -> as written) to list `child` under: every parent, or those the rules asked about."""
    every = None in wanted
    if child.parent == SUBSCRIPTION:
        subscriptions = {s for key in (rows.by_id if every else wanted) if key and (s := subscription_of(key))}
        return {f"/subscriptions/{s}": f"/subscriptions/{s}" for s in sorted(subscriptions)}
    return {key: row["id"] for key, row in rows.by_id.items()
            if str(row.get("type", "")).lower() == child.parent and (every or key in wanted)}


def _worth_following(resource_id: str, whole: set[str], rows: _Rows) -> bool:
    target_type = _type_of(resource_id)
    return (resource_id not in rows.by_id and target_type is not None and table_of(target_type) is not None
            and target_type not in whole)


def _follow_up(plan: AuditPlan, client: Any, scopes: list[Scope], ids: set[str], rows: _Rows, pacer: Pacer,
               progress: Progress, insecure: bool, failures: list[ScopeFailure]) -> None:
    """Fetch, by id, resources the rules follow that the first queries did not return (in their own batch:
    a resource outside the audited scopes stays outside, and its rules say it was not in the estate)."""
    failed = {f.scope for f in failures}
    batch_of = {s: scope for scope in scopes if scope not in failed for s in scope.subscriptions}
    groups = [scope for scope in scopes if scope.management_group and scope not in failed]
    wanted: dict[tuple[str, Scope], set[str]] = {}
    for target in ids:
        table = table_of(_type_of(target) or "")
        batch = batch_of.get(subscription_of(target) or "")
        for scope in [batch] if batch is not None else groups:
            if table is not None:
                wanted.setdefault((table, scope), set()).add(target)
    if wanted:
        progress.say(f"{len(ids)} referenced resource(s) not returned yet; fetching them")
    for (table, scope), chosen in sorted(wanted.items(), key=lambda item: (item[0][0], scopes.index(item[0][1]))):
        ordered = sorted(chosen)
        for start in range(0, len(ordered), MAX_FOLLOW_UP_IDS):
            query = plan.follow_up(table, ordered[start:start + MAX_FOLLOW_UP_IDS])
            for row in run_query(client, query, [scope], pacer, progress, insecure, failures):
                rows.add(row)


def _type_of(resource_id: str) -> str | None:
    """`microsoft.ns/type[/child]` from a resource id (the last provider segment)."""
    lowered = resource_id.lower()
    marker = lowered.rfind("/providers/")
    if marker < 0:
        return None
    tail = lowered[marker + len("/providers/"):].strip("/").split("/")
    if len(tail) < 3 or len(tail) % 2 == 0:
        return None
    return "/".join([tail[0], *tail[1::2]])


def load_live(result: AuditResult, display: str = "live estate", lines: Mapping[int, int] | None = None) -> Loaded:
    """The fetched rows as resources. With `lines` (row index -> line of the saved file) findings point at the
    saved file, else at the resource id."""
    from linter.diagnostics import Diagnostic
    from linter.inputs.resource_graph import resource_from_row

    loaded = Loaded()
    placeholder = Origin("live", display)
    resources = []
    for index, row in enumerate(result.rows):
        resource_id = row.get("id") if isinstance(row, Mapping) else None
        if lines is not None and index in lines:
            position = Position(display, lines[index], 1)
        else:
            position = anchor_position(resource_id if isinstance(resource_id, str) else display)
        made = result.built.get(resource_id.lower()) if isinstance(resource_id, str) else None
        if made is not None:  # made by a dry run from this very row: only where it points changes
            made.anchor = FixedAnchor(position)
        else:
            made = resource_from_row(complete_row(row), placeholder, FixedAnchor(position))
        if isinstance(made, str):
            loaded.diagnostics.append(Diagnostic(made, position))
        else:
            resources.append(made)
    origins, diagnostics = assign_origins(resources, result.record, "resource-graph", display)
    loaded.resources.extend(resources)
    loaded.origins.extend(origins)
    loaded.diagnostics.extend(diagnostics)
    if lines is not None:
        loaded.files.append(display)
    return loaded
