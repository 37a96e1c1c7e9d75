"""Benchmark: `drlint audit` of a 100,000-resource fake tenant on 127.0.0.1 (the real SDK, real HTTP).

    python bench/audit.py [--resources N] [--subscriptions N] [--hubs N]

Reports the requests made against the fewest possible (full 1,000-row pages in each batch of 250
subscriptions, one list call per parent the rules read children of, one page of the subscription list), rows
per second, and the
audit process's peak memory. The baseline, measured in the same run, replays the very requests the audit
made with plain `urllib` and `json` in a process of its own (no SDK, no drlint): the cost of the traffic alone.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.inputs.live.fakeazure import TOKEN, FakeAzure, Tenant, resource, sub_id  # noqa: E402

HUB = "Microsoft.MachineLearningServices/workspaces"
KINDS = [  # (type, kind, sku) of the bulk of the estate, all read by the built-in pack
    ("Microsoft.Storage/storageAccounts", "StorageV2", {"name": "Standard_LRS"}),
    ("Microsoft.Storage/storageAccounts", "StorageV2", {"name": "Standard_GZRS"}),
    ("Microsoft.KeyVault/vaults", "", {"name": "standard", "family": "A"}),
    ("Microsoft.ContainerRegistry/registries", "", {"name": "Premium"}),
    ("Microsoft.Insights/components", "web", {}),
]
ACCOUNT = "Microsoft.CognitiveServices/accounts"


def build(resources: int, subscriptions: int, hubs: int) -> tuple[Tenant, int]:
    """The tenant (as many AI Services accounts as hubs, the rest storage, vaults, registries and Application
    Insights), and how many connections it holds (listed through Resource Manager)."""
    tenant = Tenant(subscriptions=[sub_id(i) for i in range(subscriptions)])
    regions = ["eastus2", "centralus", "westus3", "swedencentral"]
    for n in range(resources):
        subscription = tenant.subscriptions[n % subscriptions]
        region = regions[n % len(regions)]
        properties = {"provisioningState": "Succeeded", "creationTime": "2025-01-01T00:00:00Z",
                      "networkAcls": {"defaultAction": "Allow", "ipRules": []}}
        if n < hubs:
            provider_type, kind, sku = HUB, "Hub", {}
            properties = {"publicNetworkAccess": "Enabled", "description": "x" * 200}
        elif n < 2 * hubs:
            provider_type, kind, sku = ACCOUNT, "AIServices", {"name": "S0"}
        else:
            provider_type, kind, sku = KINDS[n % len(KINDS)]
        tenant.add(resource(subscription, f"rg{n % 7}", provider_type, f"r{n}", location=region, kind=kind, sku=sku,
                            properties=properties))
    rows = tenant.rows["resources"]
    accounts = [r["id"] for r in rows if r["type"] == ACCOUNT.lower()]
    storage = [r["id"] for r in rows if r["type"] == "microsoft.storage/storageaccounts"]
    connections = 0
    for n, hub in enumerate(r for r in rows if r["type"] == HUB.lower()):
        hub["properties"]["storageAccount"] = storage[n % len(storage)]
        for c in range(2):  # two AI Services accounts of the tenant (returned by the query: no follow-up)
            tenant.add_child(hub["id"], "connections", {
                "id": f"{hub['id']}/connections/ai{c}", "name": f"ai{c}", "type": f"{HUB}/connections",
                "properties": {"category": "AIServices", "target": "https://x.openai.azure.com/",
                               "metadata": {"ResourceId": accounts[(2 * n + c) % len(accounts)]}}})
            connections += 1
    return tenant, connections


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, peak resident memory (MiB) and exit code of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        sys.stderr.write(process.stderr.read().decode() if process.stderr else "")
    return seconds, usage.ru_maxrss / 1024, process.returncode


REPLAY = """
import json, sys, urllib.request
kept = 0
for method, url, body in json.load(open(sys.argv[1])):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": "Bearer " + sys.argv[2], "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        page = json.loads(response.read())
    kept += len(page.get("data") or page.get("value") or [])
print(kept)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--subscriptions", type=int, default=400)
    parser.add_argument("--hubs", type=int, default=1_000)
    parser.add_argument("--select", default="",
                        help="Rule id prefixes to audit with (default: the whole pack). Some rules of the pack "
                             "compare every resource with every other; --select keeps the run on fetching.")
    args = parser.parse_args(argv)

    tenant, connections = build(args.resources, args.subscriptions, args.hubs)
    env = {**os.environ, "PYTHONPATH": str(REPO), "DRLINT_ACCESS_TOKEN": TOKEN}
    with tempfile.TemporaryDirectory() as tmp, FakeAzure(tenant, quota=None) as fake:
        saved = Path(tmp) / "estate.json"
        audit = [sys.executable, "-m", "linter", "audit", "--all-subscriptions", "--auth", "token", "--endpoint",
                 fake.url, "--no-config", "--save", str(saved), "--format", "json", "-o", os.devnull,
                 *(["--select", args.select] if args.select else [])]
        audit_seconds, audit_mib, code = run_measured(audit, env)
        if code not in (0, 1):
            print(f"audit failed (exit {code})")
            return 1
        graph = fake.count("graph")
        lists = fake.count("list")
        collections: dict[str, int] = {}
        for path in {r.path for r, _ in fake.log if r.kind == "list"}:  # each parent listed needs one call
            name = "locks" if path.endswith("/locks") else path.rsplit("/", 1)[-1]
            collections[name] = collections.get(name, 0) + 1
        listed_subscriptions = fake.count("subscriptions")
        replay = Path(tmp) / "requests.json"
        replay.write_text(json.dumps([
            (r.method, f"{fake.url}{r.path}?" + "&".join(f"{k}={v}" for k, v in r.query.items()), r.body)
            for r, _ in fake.log]))
        base_seconds, base_mib, _ = run_measured([sys.executable, "-c", REPLAY, str(replay), TOKEN], env)
        saved_ids = [json.loads(line.rstrip(",\n"))["id"].lower() for line in saved.open() if line.startswith('{"id":')]
        served = fake.served_ids()
        scoped = {(r.body["query"], tuple(r.body.get("subscriptions") or ())) for r, _ in fake.log if r.kind == "graph"}
        fewest_pages = sum(max(1, math.ceil(len(fake.run_kql(query, list(subs), None)) / 1000))
                           for query, subs in scoped)

    rows = len(served)
    intact = set(saved_ids) == served and len(saved_ids) == len(set(saved_ids))
    # Resource Graph: each distinct query over each subscription batch needs one request per 1,000 rows it
    # selects (at least one); the batches themselves follow Microsoft's guidance (250 a request)
    fewest_graph = fewest_pages
    fewest_lists = sum(collections.values())
    fewest = fewest_graph + fewest_lists + math.ceil(args.subscriptions / 1000)
    made = graph + lists + listed_subscriptions
    print(f"fake tenant: {args.resources:,} resources in {args.subscriptions} subscriptions, {args.hubs:,} hubs "
          f"with {connections:,} connections, {args.hubs:,} AI Services accounts; rules: {args.select or 'all'}")
    print(f"rows saved: {len(saved_ids):,}; rows the queries and list calls select: {rows:,} "
          f"({'none lost, none twice' if intact else 'MISMATCH'})")
    listed = ", ".join(f"{name} of {count:,}" for name, count in sorted(collections.items()))
    print(f"requests: {made:,} made, {fewest:,} fewest possible ({made / fewest:.2f}x): Resource Graph "
          f"{graph} (fewest {fewest_graph}), Resource Manager lists {lists:,} (one a parent the rules read: "
          f"{listed}), subscription list {listed_subscriptions}")
    print(f"audit: {audit_seconds:.1f}s, {rows / audit_seconds:,.0f} rows/s, peak memory {audit_mib:,.0f} MiB")
    print(f"baseline, the same requests with urllib: {base_seconds:.1f}s, {rows / base_seconds:,.0f} rows/s, "
          f"peak memory {base_mib:,.0f} MiB")
    print(f"audit / baseline: {audit_seconds / base_seconds:.2f}x time, {audit_mib / base_mib:.2f}x memory")
    return 0


if __name__ == "__main__":
    sys.exit(main())
