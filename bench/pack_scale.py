"""Benchmark: the whole rule pack over large Resource Graph exports, rule by rule, at growing sizes.

    python bench/pack_scale.py [--sizes 2000,10000] [--select DR1] [--profile DR109]

Generates a realistic estate at each size (hubs with their storage, Key Vault, registry and Application
Insights, projects and connections; Foundry accounts with projects, connections, Cosmos DB, AI Search and
their storage; role assignments on hubs; resource-group locks; a mix that passes and fails), saved as one
`az graph query` export. For each size it prints the time of every rule (evaluation only: findings'
source positions are the scan's cost), the growth of each rule's time
from one size to the next against the growth of the estate (1.0x per 1.0x is linear), and the whole scan
(`drlint scan` in-process, rules and positions included) against `json.load` of the same file, measured in
the same run.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import itertools
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from linter.config import Config  # noqa: E402
from linter.engine import evaluate_rule  # noqa: E402
from linter.model import Estate, FixedAnchor, Position  # noqa: E402
from linter.rules import builtin_pack_dir, load_rules  # noqa: E402
from linter.scan import ScanOptions, collect, evaluate  # noqa: E402

REGIONS = ["eastus2", "centralus", "westus3", "swedencentral", "francecentral", "japaneast"]
ML = "Microsoft.MachineLearningServices/workspaces"
COG = "Microsoft.CognitiveServices/accounts"


def _row(sub: str, group: str, provider_type: str, name: str, *, location: str = "", kind: str = "",
         sku: dict[str, Any] | None = None, properties: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": f"/subscriptions/{sub}/resourceGroups/{group}/providers/{provider_type}/{name}",
            "name": name.rsplit("/", 1)[-1], "type": provider_type.lower(), "kind": kind, "location": location,
            "resourceGroup": group, "subscriptionId": sub, "sku": sku or {}, "tags": {"env": "prod"},
            "properties": {"provisioningState": "Succeeded", **(properties or {})}}


def estate_rows(size: int) -> list[dict[str, Any]]:
    """About `size` rows: blocks of one hub landing zone and one Foundry landing zone, each in a resource
    group of its own; every third block is misconfigured somewhere, so the pack both passes and fails."""
    rows: list[dict[str, Any]] = []
    n = 0
    while len(rows) < size:
        sub = f"{n % 40:08d}-0000-4000-8000-{n % 40:012d}"
        group = f"rg-ai-{n}"
        region = REGIONS[n % len(REGIONS)]
        bad = n % 3 == 0
        prefix = f"/subscriptions/{sub}/resourceGroups/{group}/providers"

        def add(provider_type: str, name: str, sub: str = sub, group: str = group, **kw: Any) -> str:
            row = _row(sub, group, provider_type, name, **kw)
            rows.append(row)
            return row["id"]

        storage = add("Microsoft.Storage/storageAccounts", f"st{n}", location=region, kind="StorageV2",
                      sku={"name": "Standard_LRS" if bad else "Standard_GZRS"})
        vault = add("Microsoft.KeyVault/vaults", f"kv{n}", location=region,
                    properties={"enableSoftDelete": True, "enablePurgeProtection": not bad})
        registry = add("Microsoft.ContainerRegistry/registries", f"cr{n}", location=region,
                       sku={"name": "Standard" if bad else "Premium"})
        if not bad:
            add("Microsoft.ContainerRegistry/registries/replications", f"cr{n}/replications/r{n}",
                location=REGIONS[(n + 1) % len(REGIONS)])
        insights = add("Microsoft.Insights/components", f"appi{n}", kind="web",
                       location=REGIONS[(n + 1) % len(REGIONS)] if bad else region)
        hub = add(ML, f"hub{n}", location=region, kind="Hub",
                  properties={"storageAccount": storage, "keyVault": vault, "containerRegistry": registry,
                              "applicationInsights": insights, "publicNetworkAccess": "Disabled"})
        add(ML, f"proj{n}", location=region, kind="Project", properties={"hubResourceId": hub})
        add(f"{ML}/connections", f"hub{n}/connections/aoai", properties={
            "category": "AzureOpenAI", "target": "https://x.openai.azure.com/",
            "metadata": {"ResourceId": f"{prefix}/{COG}/aoai{n}"}})
        add(COG, f"aoai{n}", location=region, kind="OpenAI", sku={"name": "S0"})
        # a Foundry account with a project, its agent stores and their connections
        account = add(COG, f"foundry{n}", location=region, kind="AIServices", sku={"name": "S0"},
                      properties={"allowProjectManagement": True})
        add(f"{COG}/projects", f"foundry{n}/projects/p{n}", location=region)
        cosmos = add("Microsoft.DocumentDB/databaseAccounts", f"cosmos{n}", location=region,
                     kind="GlobalDocumentDB", properties={"locations": [{"locationName": region}]})
        search = add("Microsoft.Search/searchServices", f"srch{n}", location=region,
                     sku={"name": "standard"}, properties={"replicaCount": 1 if bad else 3})
        files = add("Microsoft.Storage/storageAccounts", f"stagent{n}", location=region, kind="StorageV2",
                    sku={"name": "Standard_GRS" if bad else "Standard_GZRS"})
        for category, target in (("CosmosDB", cosmos), ("CognitiveSearch", search),
                                 ("AzureStorageAccount", files)):
            add(f"{COG}/projects/connections", f"foundry{n}/projects/p{n}/connections/{category.lower()}",
                properties={"category": category, "target": "https://x/", "metadata": {"ResourceId": target}})
        # role assignments on the hub (one principal everywhere, one only on good hubs) and a group lock
        for principal in ("team", *([] if bad else ["ops"])):
            assignment = f"{hub}/providers/Microsoft.Authorization/roleAssignments/{principal}-{n}"
            rows.append({"id": assignment, "name": f"{principal}-{n}",
                         "type": "microsoft.authorization/roleassignments", "resourceGroup": group,
                         "subscriptionId": sub, "properties": {"principalId": principal, "scope": hub,
                                                               "roleDefinitionId": "/x/roleDefinitions/r"}})
        if not bad:
            rows.append({"id": f"/subscriptions/{sub}/resourceGroups/{group}/providers/Microsoft.Authorization/"
                               f"locks/keep-{n}", "name": f"keep-{n}", "type": "microsoft.authorization/locks",
                         "properties": {"level": "CanNotDelete"}})
        del account
        n += 1
    return rows


def _time(function: Any) -> tuple[float, Any]:
    gc.collect()
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def measure(path: Path, select: list[str], scan: bool) -> tuple[dict[str, float], float, float]:
    """Per-rule seconds, whole-scan seconds (NaN when not measured), json.load seconds."""
    load_seconds, _ = _time(lambda: json.loads(path.read_bytes()))
    options = ScanOptions(paths=[path], select=select, posture="hot-hot")
    config = Config()
    scan_seconds = float("nan")
    if scan:
        scan_seconds, _ = _time(lambda: evaluate(collect([path], config, path.parent), options, config))
    loaded = collect([path], config, path.parent)
    for resource in loaded.resources:
        # per-rule times measure evaluation: a finding's source position (its cost is the scan's) is fixed
        resource.anchor = FixedAnchor(Position(loaded.files[0]))
    estate = Estate(loaded.resources)
    for origin in loaded.origins:
        estate.add_origin(origin)
    rules, _ = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    per_rule = {}
    for rule in rules:
        if select and not any(rule.id.startswith(s) for s in select):
            continue
        per_rule[rule.id], _ = _time(lambda rule=rule: evaluate_rule(rule, estate))
    return per_rule, scan_seconds, load_seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,10000", help="estate sizes in rows, comma-separated")
    parser.add_argument("--select", default="", help="rule id prefixes (default: the whole pack)")
    parser.add_argument("--profile", default="", help="profile this rule at the largest size (cProfile)")
    parser.add_argument("--no-scan", action="store_true",
                        help="time the rules only (a whole scan also pays for every finding's source position)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    select = [s for s in args.select.split(",") if s]
    table: list[tuple[int, dict[str, float], float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = Path(tmp) / f"estate-{size}.json"
            rows = estate_rows(size)
            path.write_text(json.dumps({"count": len(rows), "data": rows}))
            per_rule, scan, load = measure(path, select, not args.no_scan)
            table.append((len(rows), per_rule, scan, load))
            print(f"{len(rows):,} rows ({path.stat().st_size / 2**20:.1f} MiB): "
                  f"scan {scan:.2f}s, json.load {load:.3f}s, scan/json.load {scan / load:.1f}x, "
                  f"rules {sum(per_rule.values()):.2f}s", flush=True)
        if args.profile:
            rules, _ = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
            rule = next(r for r in rules if r.id == args.profile)
            loaded = collect([path], Config(), path.parent)
            estate = Estate(loaded.resources)
            for origin in loaded.origins:
                estate.add_origin(origin)
            profiler = cProfile.Profile()
            profiler.runcall(evaluate_rule, rule, estate)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    ids = sorted({rule for _, per_rule, _, _ in table for rule in per_rule})
    header = "rule    " + "".join(f"{rows:>11,}" for rows, *_ in table) + "".join(
        f"   growth {a[0]:,}->{b[0]:,} (x{b[0] / a[0]:.1f})" for a, b in itertools.pairwise(table))
    print(header)
    for rule in ids:
        times = [per_rule.get(rule, 0.0) for _, per_rule, _, _ in table]
        growth = "".join(f"{(b / a if a > 1e-4 else float('nan')):>30.1f}x" for a, b in itertools.pairwise(times))
        print(f"{rule:8}" + "".join(f"{t:>10.3f}s" for t in times) + growth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
