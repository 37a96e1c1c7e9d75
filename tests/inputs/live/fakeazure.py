"""A fake Azure Resource Graph + Resource Manager on 127.0.0.1, for tests and bench/audit.py.

It speaks the real wire protocol the SDK uses (POST .../Microsoft.ResourceGraph/resources with a QueryRequest
body, `$skipToken` paging, quota headers; GET list calls with `value`/`nextLink`), interprets the small KQL
subset drlint generates (table, `type in~`, `type =~ ... and (kind ...)`, `id in~`, `project`), and lets a
test script faults per request. Every request is logged so tests can count them.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

GRAPH_PATH = "/providers/microsoft.resourcegraph/resources"
TOKEN = "fake-token"
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


@dataclass(slots=True)
class Reply:
    status: int
    body: bytes | str | dict | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Request:
    method: str
    path: str  # lower-case path without query
    query: dict[str, str]
    body: Any
    number: int  # 1-based, over the server's life
    kind: str  # "graph", "subscriptions", "list"


@dataclass
class Tenant:
    """What the fake holds: rows per table, child collections per parent id, locks per subscription."""

    subscriptions: list[str] = field(default_factory=list)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {"resources": []})
    children: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)  # (parent, coll) -> items
    management_groups: dict[str, list[str]] = field(default_factory=dict)
    forbidden: set[str] = field(default_factory=set)  # lower-case list paths that answer 403

    def add(self, row: dict[str, Any], table: str = "resources") -> None:
        self.rows.setdefault(table, []).append(row)

    def add_child(self, parent_id: str, collection: str, item: dict[str, Any]) -> None:
        self.children.setdefault((parent_id.lower(), collection.lower()), []).append(item)


class FakeAzure:
    def __init__(self, tenant: Tenant, *, quota: int | None = None, quota_window: float = 5.0,
                 scale: float = 0.001, script: Callable[[Request], Reply | None] | None = None,
                 list_page: int = 100, subscription_page: int = 1000) -> None:
        self.tenant = tenant
        self.quota = quota  # queries per window; None: no quota headers
        self.quota_window = quota_window  # seconds, as reported in x-ms-user-quota-resets-after
        self.scale = scale  # real seconds per reported second (the client scales its waits the same way)
        self.script = script
        self.list_page = list_page
        self.subscription_page = subscription_page
        self.log: list[tuple[Request, int]] = []
        self.tokens_accepted = {TOKEN}
        self._window_start = time.monotonic()
        self._used = 0
        self._lock = threading.Lock()
        self._sorted: dict[str, list[dict[str, Any]]] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeAzure:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def count(self, kind: str, status: int | None = None) -> int:
        return sum(1 for r, s in self.log if r.kind == kind and (status is None or s == status))

    # -- the protocol -------------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                path = parts.path.lower().rstrip("/")
                kind = "graph" if path == GRAPH_PATH else "subscriptions" if path == "/subscriptions" else "list"
                with fake._lock:
                    number = len(fake.log) + 1
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                request = Request(method, path, {k: v[0] for k, v in parse_qs(parts.query).items()}, body, number,
                                  kind)
                reply = fake._answer(request, self.headers.get("Authorization", ""))
                with fake._lock:
                    fake.log.append((request, reply.status))
                payload = reply.body
                if isinstance(payload, (dict, list)):
                    payload = json.dumps(payload)
                data = payload.encode() if isinstance(payload, str) else (payload or b"")
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def _answer(self, request: Request, authorization: str) -> Reply:
        token = authorization[7:] if authorization.startswith("Bearer ") else ""
        if token not in self.tokens_accepted:
            return Reply(401, {"error": {"code": "ExpiredAuthenticationToken", "message": "The access token "
                                         "expiry UTC time is earlier than current UTC time."}})
        if self.script is not None:
            scripted = self.script(request)
            if scripted is not None:
                if request.kind == "graph":
                    scripted.headers = {**self._quota_headers(spend=False), **scripted.headers}
                return scripted
        if request.kind == "graph":
            return self._graph(request)
        if request.kind == "subscriptions":
            return self._subscriptions(request)
        return self._list(request)

    def _quota_headers(self, spend: bool = True) -> dict[str, str]:
        if self.quota is None:
            return {}
        with self._lock:
            now = time.monotonic()
            if now - self._window_start >= self.quota_window * self.scale:
                self._window_start, self._used = now, 0
            if spend:
                self._used += 1
            remaining = self.quota - self._used
            left = max(0.0, self.quota_window - (now - self._window_start) / self.scale)
        seconds = int(left + 0.999)
        return {"x-ms-user-quota-remaining": str(remaining),
                "x-ms-user-quota-resets-after": f"00:00:{seconds:02d}"}

    def _graph(self, request: Request) -> Reply:
        headers = self._quota_headers()
        if self.quota is not None and int(headers["x-ms-user-quota-remaining"]) < 0:
            headers["x-ms-user-quota-remaining"] = "0"
            return Reply(429, {"error": {"code": "RateLimiting", "message": "Please provide below info when asking "
                                         "for support: timestamp = ..."}}, headers)
        body = request.body or {}
        rows = self.run_kql(body.get("query", ""), body.get("subscriptions"), body.get("managementGroups"))
        options = body.get("options") or {}
        top = min(int(options.get("$top") or 100), 1000)
        offset = 0
        if options.get("$skipToken"):
            offset = json.loads(base64.b64decode(options["$skipToken"]))["offset"]
        page = rows[offset:offset + top]
        result: dict[str, Any] = {"totalRecords": len(rows), "count": len(page), "resultTruncated": "false",
                                  "data": page}
        if offset + top < len(rows):
            result["$skipToken"] = base64.b64encode(json.dumps({"offset": offset + top}).encode()).decode()
        return Reply(200, result, headers)

    def run_kql(self, kql: str, subscriptions: list[str] | None, groups: list[str] | None) -> list[dict[str, Any]]:
        """The drlint KQL subset: table, where (types, kind filters, ids), project, order by id."""
        lines = kql.split("\n| ")
        table = lines[0].strip()
        where = next((line[len("where "):] for line in lines if line.startswith("where ")), "")
        project = next((line[len("project "):] for line in lines if line.startswith("project ")), None)
        columns = [c.strip() for c in project.split(",")] if project else None
        allowed: set[str] | None = None
        if subscriptions:
            allowed = {s.lower() for s in subscriptions}
        if groups:
            allowed = (allowed or set()) | {s.lower() for g in groups for s in self.tenant.management_groups.get(g, [])}
        match = _matcher(where)
        out = []
        for row in self._rows(table):
            subscription = row["id"].split("/")[2].lower()
            if allowed is not None and subscription not in allowed:
                continue
            if match(row):
                out.append({c: row.get(c, "") for c in columns} if columns else row)
        return out

    def _rows(self, table: str) -> list[dict[str, Any]]:
        if table not in self._sorted:
            self._sorted[table] = sorted(self.tenant.rows.get(table, []), key=lambda r: r["id"].lower())
        return self._sorted[table]

    def _subscriptions(self, request: Request) -> Reply:
        start = int(request.query.get("$skip", "0"))
        items = [{"id": f"/subscriptions/{s}", "subscriptionId": s, "state": "Enabled"}
                 for s in self.tenant.subscriptions[start:start + self.subscription_page]]
        body: dict[str, Any] = {"value": items}
        if start + self.subscription_page < len(self.tenant.subscriptions):
            body["nextLink"] = f"{self.url}/subscriptions?api-version=2022-12-01&$skip={start + self.subscription_page}"
        return Reply(200, body)

    def items_at(self, path: str) -> list[dict[str, Any]]:
        """Every item of a list call's collection (lower-case path without query)."""
        parent, _, collection = path.rpartition("/")
        if collection == "locks" and parent.endswith("/providers/microsoft.authorization"):
            parent, collection = parent[: -len("/providers/microsoft.authorization")], "locks"
        return self.tenant.children.get((parent, collection), [])

    def served_ids(self) -> set[str]:
        """The ids of every row the queries and list calls made so far select (whatever the paging)."""
        ids: set[str] = set()
        for request, status in list(self.log):
            if status != 200 or (not isinstance(request.body, dict) and request.kind == "graph"):
                continue
            if request.kind == "graph":
                body = request.body
                rows = self.run_kql(body.get("query", ""), body.get("subscriptions"), body.get("managementGroups"))
                ids |= {r["id"].lower() for r in rows}
            elif request.kind == "list":
                ids |= {item["id"].lower() for item in self.items_at(request.path)}
        return ids

    def _list(self, request: Request) -> Reply:
        if request.path in self.tenant.forbidden:
            return Reply(403, {"error": {"code": "AuthorizationFailed", "message": "The client does not have "
                                         "authorization to perform action over scope."}})
        items = self.items_at(request.path)
        start = int(request.query.get("$skip", "0"))
        body: dict[str, Any] = {"value": items[start:start + self.list_page]}
        if start + self.list_page < len(items):
            api = request.query.get("api-version", "")
            body["nextLink"] = f"{self.url}{request.path}?api-version={api}&$skip={start + self.list_page}"
        return Reply(200, body)


def _matcher(where: str) -> Callable[[dict[str, Any]], bool]:
    where = where.strip()
    if where.startswith("id in~ ("):
        ids = {m.lower() for m in _QUOTED.findall(where)}
        return lambda row: row["id"].lower() in ids
    clauses = where.split("\n    or ")
    plain: set[str] = set()
    filtered: list[tuple[str, Callable[[dict[str, Any]], bool]]] = []
    for clause in clauses:
        if clause.startswith("type in~ ("):
            plain |= {m.lower() for m in _QUOTED.findall(clause)}
        elif clause.startswith("(type =~ "):
            resource_type = _QUOTED.findall(clause)[0].lower()
            rest = clause[clause.index(" and ") + 5:]
            filtered.append((resource_type, _kind_filter(rest)))
        else:
            raise ValueError(f"the fake does not understand: {clause}")

    def match(row: dict[str, Any]) -> bool:
        row_type = str(row.get("type", "")).lower()
        if row_type in plain:
            return True
        return any(row_type == t and f(row) for t, f in filtered)

    return match


def _kind_filter(text: str) -> Callable[[dict[str, Any]], bool]:
    """`kind =~ 'x'` and `kind in~ ('a', 'b')` (others: everything passes, the engine filters)."""
    m = re.search(r"kind (=~|in~) (\([^)]*\)|'[^']*')", text)
    if not m:
        return lambda row: True
    kinds = {k.lower() for k in _QUOTED.findall(m.group(2))}
    return lambda row: str(row.get("kind", "")).lower() in kinds


def sub_id(n: int) -> str:
    return f"00000000-0000-0000-0000-{n:012d}"


def resource(subscription: str, group: str, provider_type: str, name: str, location: str = "eastus2",
             kind: str = "", sku: dict | None = None, properties: dict | None = None) -> dict[str, Any]:
    """A Resource Graph row as the service returns it (lower-case type, empty values as "" or {})."""
    rid = f"/subscriptions/{subscription}/resourceGroups/{group}/providers/{provider_type}/{name}"
    return {"id": rid, "name": name.rsplit("/", 1)[-1], "type": provider_type.lower(), "location": location,
            "kind": kind, "sku": sku or {}, "properties": properties or {}, "tags": {}, "zones": "",
            "identity": "", "subscriptionId": subscription, "resourceGroup": group, "tenantId": "t",
            "managedBy": "", "plan": {}, "extendedLocation": {}}
