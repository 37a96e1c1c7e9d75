"""Resource Graph queries over subscription batches (or management groups), page by page.

Each batch is paged through `$skipToken` (pages of up to 1,000 rows, `order by id` so pages do not overlap).
A batch that fails after the retries is reported with its subscriptions and the reason; the rows it already
returned are kept and marked incomplete, so rules there become UNKNOWN rather than FAIL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from linter.inputs.live.http import Pacer, RequestFailed, call
from linter.inputs.live.plan import TableQuery
from linter.inputs.live.progress import Progress
from linter.records import field, record

PAGE_SIZE = 1000  # the most Resource Graph returns a page
BATCH_SIZE = 250  # subscriptions a request (Microsoft's guidance: fewer than 300)
MAX_PAGES = 10_000  # a batch with more pages (10 million rows) is cut off and reported


@record(frozen=True)
class Scope:
    """One request's scope: a batch of subscriptions, one management group, or the whole tenant."""

    subscriptions: tuple[str, ...] = ()
    management_group: str | None = None

    def describe(self) -> str:
        if self.management_group:
            return f"management group {self.management_group}"
        if not self.subscriptions:
            return "every subscription the credential can read"
        if len(self.subscriptions) == 1:
            return f"subscription {self.subscriptions[0]}"
        return f"{len(self.subscriptions)} subscriptions ({self.subscriptions[0]} ... {self.subscriptions[-1]})"


@record
class ScopeFailure:
    scope: Scope
    table: str
    reason: str
    seen_subscriptions: set[str] = field(default_factory=set)  # of the rows it returned before failing


def batches(subscriptions: list[str], size: int = BATCH_SIZE) -> list[Scope]:
    unique = list(dict.fromkeys(s.lower() for s in subscriptions))
    return [Scope(tuple(unique[i:i + size])) for i in range(0, len(unique), size)]


def run_query(client: Any, query: TableQuery, scopes: list[Scope], pacer: Pacer, progress: Progress,
              insecure: bool, failures: list[ScopeFailure]) -> Iterator[dict[str, Any]]:
    """Every row the query returns over every scope (failed scopes are appended to `failures`)."""
    from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

    kql = query.kql()
    for number, scope in enumerate(scopes, 1):
        token: str | None = None
        seen_tokens: set[str] = set()
        subscriptions: set[str] = set()
        rows_in_scope = 0
        where = f"{query.table}, {scope.describe()}" + (f" [{number}/{len(scopes)}]" if len(scopes) > 1 else "")
        for page in range(1, MAX_PAGES + 1):
            request = QueryRequest(
                subscriptions=list(scope.subscriptions) or None,
                management_groups=[scope.management_group] if scope.management_group else None,
                query=kql,
                options=QueryRequestOptions(top=PAGE_SIZE, skip_token=token, result_format="objectArray",
                                            allow_partial_scopes=False),
            )
            try:
                response = call(pacer, _sender(client, request, pacer, insecure), f"{where}, page {page}")
                rows = _rows(response)
            except RequestFailed as exc:
                if exc.status == 401:
                    raise
                reason = exc.reason
                if exc.status == 403:
                    reason += "; the identity needs read access (the Reader role) on these subscriptions"
                failures.append(ScopeFailure(scope, query.table, reason, subscriptions))
                progress.say(f"{where}: failed ({reason})")
                if exc.status == 400:  # the query itself was refused: every other scope would refuse it too
                    failures.extend(ScopeFailure(s, query.table, reason) for s in scopes[number:])
                    return
                break
            for row in rows:
                subscription = _subscription_of(row)
                if subscription:
                    subscriptions.add(subscription)
                yield row
            rows_in_scope += len(rows)
            token = getattr(response, "skip_token", None) or None
            progress.say(f"{where}: page {page}, {rows_in_scope} row(s)")
            if not token:
                if str(getattr(response, "result_truncated", "")).lower() == "true":
                    failures.append(ScopeFailure(scope, query.table, "Resource Graph truncated the results "
                                                 "without a page token", subscriptions))
                break
            if token in seen_tokens:
                failures.append(ScopeFailure(scope, query.table, "Resource Graph repeated a page token",
                                             subscriptions))
                break
            seen_tokens.add(token)
        else:
            failures.append(ScopeFailure(scope, query.table, f"more than {MAX_PAGES} pages", subscriptions))


def _sender(client: Any, request: Any, pacer: Pacer, insecure: bool) -> Callable[[], Any]:
    def send() -> Any:
        def keep(pipeline_response: Any, deserialized: Any, _headers: Any) -> Any:
            pacer.observe(pipeline_response.http_response.headers)
            return deserialized

        return client.resources(request, cls=keep, enforce_https=not insecure)

    return send


def _rows(response: Any) -> list[dict[str, Any]]:
    data = getattr(response, "data", None)
    if isinstance(data, dict) and isinstance(data.get("rows"), list):  # table format
        names = [c.get("name") if isinstance(c, dict) else c for c in data.get("columns") or []]
        return [dict(zip(names, row, strict=False)) for row in data["rows"] if isinstance(row, list)]
    if not isinstance(data, list):
        raise RequestFailed("the response has no list of rows", None)
    return data


def _subscription_of(row: Any) -> str | None:
    if not isinstance(row, dict):
        return None
    resource_id = row.get("id")
    if isinstance(resource_id, str):
        parts = resource_id.split("/")
        if len(parts) > 2 and parts[1].lower() == "subscriptions":
            return parts[2].lower()
    return None
