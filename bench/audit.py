"""Benchmark: `drlint audit` of a 100,000-resource fake tenant on 127.0.0.1 (the real SDK, real HTTP).

    python bench/audit.py [--resources N] [--subscriptions N] [--hubs N]

Reports the requests made against the fewest possible (full 1,000-row pages in each batch of 250
subscriptions, one call per hub for its connections, one page of the subscription list), rows per second, and the
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
    ("Microsoft.CognitiveServices/accounts", "AIServices", {"name": "S0"}),
]


def build(resources: int, subscriptions: int, hubs: int) -> tuple[Tenant, int]:
    """The tenant, and how many connections it holds (listed through Resource Manager)."""
    tenant = Tenant(subscriptions=[sub_id(i) for i in range(subscriptions)])
    regions = ["eastus2", "centralus", "westus3", "swedencentral"]
    connections = 0
    for n in range(resources):
        subscription = tenant.subscriptions[n % subscriptions]
        region = regions[n % len(regions)]
        if n < hubs:
            hub = resource(subscription, f"rg{n % 7}", HUB, f"hub{n}", location=region, kind="Hub",
                           properties={"storageAccount": f"/subscriptions/{subscription}/resourceGroups/rg/providers/"
                                                         f"Microsoft.Storage/storageAccounts/st{n}",
                                       "publicNetworkAccess": "Enabled", "description": "x" * 200})
            tenant.add(hub)
            continue
        provider_type, kind, sku = KINDS[n % len(KINDS)]
        tenant.add(resource(subscription, f"rg{n % 7}", provider_type, f"r{n}", location=region, kind=kind, sku=sku,
                            properties={"provisioningState": "Succeeded", "creationTime": "2025-01-01T00:00:00Z",
                                        "networkAcls": {"defaultAction": "Allow", "ipRules": []}}))
    # each hub connects to two AI Services accounts of the tenant (returned by the query: no follow-up)
    accounts = [r["id"] for r in tenant.rows["resources"] if r["type"] == "microsoft.cognitiveservices/accounts"]
    hub_rows = [r for r in tenant.rows["resources"] if r["type"] == HUB.lower()]
    for n, hub in enumerate(hub_rows):
        for c in range(2):
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
    args = parser.parse_args(argv)

    tenant, connections = build(args.resources, args.subscriptions, args.hubs)
    env = {**os.environ, "PYTHONPATH": str(REPO), "DRLINT_ACCESS_TOKEN": TOKEN}
    with tempfile.TemporaryDirectory() as tmp, FakeAzure(tenant, quota=None) as fake:
        saved = Path(tmp) / "estate.json"
        audit = [sys.executable, "-m", "linter", "audit", "--all-subscriptions", "--auth", "token", "--endpoint",
                 fake.url, "--no-config", "--save", str(saved), "--format", "json", "-o", os.devnull]
        audit_seconds, audit_mib, code = run_measured(audit, env)
        if code not in (0, 1):
            print(f"audit failed (exit {code})")
            return 1
        graph = fake.count("graph")
        lists = fake.count("list")
        listed_subscriptions = fake.count("subscriptions")
        replay = Path(tmp) / "requests.json"
        replay.write_text(json.dumps([
            (r.method, f"{fake.url}{r.path}?" + "&".join(f"{k}={v}" for k, v in r.query.items()), r.body)
            for r, _ in fake.log]))
        base_seconds, base_mib, _ = run_measured([sys.executable, "-c", REPLAY, str(replay), TOKEN], env)
        saved_rows = saved.read_text().count('\n{"id":')

    rows = args.resources + connections
    # pages are per subscription batch (250 a request, Microsoft's guidance): the fewest is one page per
    # batch plus one per further 1,000 rows, with rows spread evenly over the subscriptions
    per_batch = [min(250, args.subscriptions - start) * args.resources / args.subscriptions
                 for start in range(0, args.subscriptions, 250)]
    fewest_graph = sum(max(1, math.ceil(rows_in / 1000)) for rows_in in per_batch)
    fewest = fewest_graph + args.hubs + math.ceil(args.subscriptions / 1000)
    made = graph + lists + listed_subscriptions
    print(f"fake tenant: {args.resources:,} resources in {args.subscriptions} subscriptions, {args.hubs:,} hubs "
          f"with {connections:,} connections")
    print(f"rows saved: {saved_rows:,} of {rows:,} ({'none lost' if saved_rows == rows else 'MISMATCH'})")
    print(f"requests: {made:,} made, {fewest:,} fewest possible ({made / fewest:.2f}x): Resource Graph "
          f"{graph} (fewest {fewest_graph}), Resource Manager lists {lists:,} (fewest {args.hubs:,}), "
          f"subscription list {listed_subscriptions}")
    print(f"audit: {audit_seconds:.1f}s, {rows / audit_seconds:,.0f} rows/s, peak memory {audit_mib:,.0f} MiB")
    print(f"baseline, the same requests with urllib: {base_seconds:.1f}s, {rows / base_seconds:,.0f} rows/s, "
          f"peak memory {base_mib:,.0f} MiB")
    print(f"audit / baseline: {audit_seconds / base_seconds:.2f}x time, {audit_mib / base_mib:.2f}x memory")
    return 0


if __name__ == "__main__":
    sys.exit(main())
