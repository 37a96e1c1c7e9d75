"""`drlint audit` against a fake Resource Graph + Resource Manager on 127.0.0.1, driven by the real Azure SDK.

drlint runs as a real process (`--endpoint` points it at the fake, `--auth token` signs in with
DRLINT_ACCESS_TOKEN); DRLINT_AUDIT_CLOCK_SCALE makes throttling waits short without changing the code path.
Every case checks what the user sees and that no row is lost or duplicated (through `--save`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, shared_path
from tests.inputs.live.fakeazure import TOKEN, FakeAzure, Reply, Request, Tenant, resource, sub_id
from tests.report.sarif_checks import github_problems, schema_problems

HUB = "Microsoft.MachineLearningServices/workspaces"
CONNECTIONS_PERMISSION = "Microsoft.MachineLearningServices/workspaces/connections/read"


def drlint_audit(fake: FakeAzure, *args: object, token: str = TOKEN, cwd: Path | None = None,
                 timeout: int = 300) -> subprocess.CompletedProcess[str]:
    # the fake's quota window and drlint's waits run on the same scaled clock
    env = {**os.environ, "PYTHONPATH": str(REPO), "DRLINT_ACCESS_TOKEN": token,
           "DRLINT_AUDIT_CLOCK_SCALE": str(fake.scale)}
    return subprocess.run([sys.executable, "-m", "linter.cli", "audit", "--auth", "token", "--endpoint", fake.url,
                           "--no-config", *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=timeout)


def storage_tenant(subscriptions: int, per_subscription: int) -> Tenant:
    """Storage accounts only (DR202 reads them): every row is one the audit must return."""
    tenant = Tenant(subscriptions=[sub_id(i) for i in range(subscriptions)])
    for i, subscription in enumerate(tenant.subscriptions):
        for n in range(per_subscription):
            sku = "Standard_GRS" if (i + n) % 2 else "Standard_LRS"
            tenant.add(resource(subscription, f"rg{n % 3}", "Microsoft.Storage/storageAccounts", f"st{i}x{n}",
                                sku={"name": sku}))
    return tenant


def saved_ids(path: Path) -> list[str]:
    return [row["id"] for row in json.loads(path.read_text())["data"]]


def expected_ids(tenant: Tenant) -> list[str]:
    return sorted(r["id"] for r in tenant.rows["resources"])


def results(run: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    return json.loads(run.stdout)["results"]


def graph_requests(fake: FakeAzure) -> list[Request]:
    return [r for r, _ in fake.log if r.kind == "graph"]


def assert_no_traceback(run: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout


# -- paging and batches --------------------------------------------------------------------------------------

def test_pages_are_followed_by_skip_token_in_id_order(tmp_path):
    tenant = storage_tenant(1, 2500)
    with FakeAzure(tenant) as fake:
        run = drlint_audit(fake, "--subscription", sub_id(0), "--select", "DR202", "--save", tmp_path / "e.json",
                           "--format", "json")
        requests = graph_requests(fake)
    assert run.returncode == 1, run.stderr  # half the accounts are LRS
    ids = saved_ids(tmp_path / "e.json")
    assert ids == expected_ids(tenant)  # none lost, none twice, in id order
    assert len(requests) == 3
    assert [r.body["options"].get("$skipToken") is None for r in requests] == [True, False, False]
    assert all(r.body["options"]["$top"] == 1000 and "order by id" in r.body["query"] for r in requests)
    failed = [r for r in results(run) if r["outcome"] == "fail"]
    assert len(failed) == 1250 and {r["rule"] for r in failed} == {"DR202"}


def test_ten_thousand_subscriptions_in_batches(tmp_path):
    tenant = storage_tenant(10_000, 0)
    for i in range(0, 10_000, 7):  # a resource in every seventh subscription
        tenant.add(resource(sub_id(i), "rg", "Microsoft.Storage/storageAccounts", f"st{i}",
                            sku={"name": "Standard_GZRS"}))
    with FakeAzure(tenant) as fake:
        run = drlint_audit(fake, "--all-subscriptions", "--select", "DR202", "--save", tmp_path / "e.json")
        requests = graph_requests(fake)
        listed = fake.count("subscriptions")
    assert run.returncode == 0, run.stderr
    assert listed == 10  # the subscription list, 1,000 a page, through nextLink
    batches = [r.body["subscriptions"] for r in requests]
    assert len(batches) == 40 and all(len(b) <= 250 for b in batches)
    flat = [s for b in batches for s in b]
    assert len(flat) == len(set(flat)) == 10_000
    assert saved_ids(tmp_path / "e.json") == expected_ids(tenant)


# -- throttling ---------------------------------------------------------------------------------------------

def _fail_first(status: int, times: int, headers: dict[str, str] | None = None, body: Any = None):
    seen = {"n": 0}

    def script(request: Request) -> Reply | None:
        if request.kind != "graph" or seen["n"] >= times:
            return None
        seen["n"] += 1
        return Reply(status, body if body is not None else {"error": {"code": "X", "message": "scripted"}},
                     dict(headers or {}))

    return script


@pytest.mark.parametrize("headers, says", [
    ({"Retry-After": "3"}, "Retry-After"),
    ({}, "quota reset"),  # no Retry-After: the quota's reset time
])
def test_429_waits_and_retries(tmp_path, headers, says):
    tenant = storage_tenant(1, 1500)
    with FakeAzure(tenant, quota=15, script=_fail_first(429, 2, headers)) as fake:
        run = drlint_audit(fake, "--subscription", sub_id(0), "--select", "DR202", "--save", tmp_path / "e.json",
                           "--progress")
        throttled = fake.count("graph", 429)
    assert run.returncode == 1, run.stderr
    assert throttled == 2
    assert "throttled (429)" in run.stderr and says in run.stderr
    assert saved_ids(tmp_path / "e.json") == expected_ids(tenant)


def test_quota_near_zero_is_paced_before_a_429(tmp_path):
    tenant = storage_tenant(1, 6000)  # 6 pages against a quota of 3 queries a window
    with FakeAzure(tenant, quota=3, quota_window=5, scale=0.05) as fake:  # a window of 0.25 s
        run = drlint_audit(fake, "--subscription", sub_id(0), "--select", "DR202", "--save", tmp_path / "e.json",
                           "--progress")
        throttled, ok = fake.count("graph", 429), fake.count("graph", 200)
    assert run.returncode == 1, run.stderr
    assert throttled == 0 and ok == 6
    assert "pacing" in run.stderr
    assert saved_ids(tmp_path / "e.json") == expected_ids(tenant)


def test_without_a_terminal_progress_is_silent(tmp_path):
    tenant = storage_tenant(1, 10)
    with FakeAzure(tenant, script=_fail_first(429, 1, {"Retry-After": "1"})) as fake:
        run = drlint_audit(fake, "--subscription", sub_id(0), "--select", "DR202", "--format", "json")
    assert run.returncode == 1
    assert run.stderr == ""
    assert json.loads(run.stdout)["summary"]["resources"] == 10


# -- faults -------------------------------------------------------------------------------------------------

def test_transient_500s_are_retried(tmp_path):
    tenant = storage_tenant(1, 1200)
    with FakeAzure(tenant, script=_fail_first(500, 3)) as fake:
        run = drlint_audit(fake, "--subscription", sub_id(0), "--select", "DR202", "--save", tmp_path / "e.json",
                           "--progress")
        errors = fake.count("graph", 500)
    assert run.returncode == 1, run.stderr
    assert errors == 3 and "retrying" in run.stderr
    assert saved_ids(tmp_path / "e.json") == expected_ids(tenant)


def test_malformed_json_is_retried(tmp_path):
    tenant = storage_tenant(1, 20)
    with FakeAzure(tenant, script=_fail_first(200, 1, body='{"totalRecords": 3, "data": [')) as fake:
        run = drlint_audit(fake, "--subscription", sub_id(0), "--select", "DR202", "--save", tmp_path / "e.json",
                           "--progress")
        calls = fake.count("graph")
    assert run.returncode == 1, run.stderr
    assert calls == 2 and "not valid JSON" in run.stderr
    assert saved_ids(tmp_path / "e.json") == expected_ids(tenant)
    assert_no_traceback(run)


def _hub_tenant(subscriptions: int) -> Tenant:
    """One hub a subscription, each in its own region, with a connection to AI Services in two regions."""
    tenant = Tenant(subscriptions=[sub_id(i) for i in range(subscriptions)])
    regions = ["eastus2", "centralus", "westus3", "swedencentral"]
    for i, subscription in enumerate(tenant.subscriptions):
        region = regions[i % len(regions)]
        hub = resource(subscription, "rg", HUB, f"hub{i}", location=region, kind="Hub")
        tenant.add(hub)
        for n, where in enumerate(("eastus2", "centralus")):
            account = resource(subscription, "rg", "Microsoft.CognitiveServices/accounts", f"ai{i}x{n}",
                               location=where, kind="AIServices")
            tenant.add(account)
            tenant.add_child(hub["id"], "connections", {
                "id": f"{hub['id']}/connections/ai{n}", "name": f"ai{n}", "type": f"{HUB}/connections",
                "properties": {"category": "AIServices", "metadata": {"ResourceId": account["id"]}}})
    return tenant


def test_a_batch_that_keeps_failing_is_reported_and_its_rules_are_unknown(tmp_path):
    tenant = _hub_tenant(600)  # three batches: 250, 250, 100
    doomed = sub_id(300)

    def script(request: Request) -> Reply | None:
        if request.kind == "graph" and doomed in request.body.get("subscriptions", []):
            return Reply(503, {"error": {"code": "ServiceUnavailable", "message": "try later"}})
        return None

    with FakeAzure(tenant, script=script) as fake:
        run = drlint_audit(fake, "--subscription", ",".join(tenant.subscriptions), "--select", "DR101,DR105",
                           "--save", tmp_path / "e.json", "--format", "json", "--show-unknown")
        failing = fake.count("graph", 503)
    assert run.returncode == 2, run.stderr
    assert failing == 5  # bounded: tried five times, then given up
    report = json.loads(run.stdout)
    problems = [d for d in report["diagnostics"] if "could not be queried" in d["message"]]
    assert len(problems) == 1
    assert "250 subscriptions" in problems[0]["message"] and "503" in problems[0]["message"]
    assert sub_id(250) in problems[0]["message"]  # names the subscriptions
    ids = saved_ids(tmp_path / "e.json")
    in_failed_batch = {sub_id(i) for i in range(250, 500)}
    expected = sorted(r["id"] for r in tenant.rows["resources"] if r["subscriptionId"] not in in_failed_batch)
    expected += [c["id"] for (parent, _), items in tenant.children.items() for c in items
                 if parent.split("/")[2] not in in_failed_batch]
    assert sorted(ids) == sorted(expected) and len(ids) == len(set(ids))
    outcomes = {(r["rule"], r["outcome"]) for r in report["results"]}
    # 600 hubs in four regions still pass DR101 (two regions seen); no hub is failed for missing data
    assert ("DR105", "fail") not in outcomes and ("DR101", "fail") not in outcomes
    assert report["summary"]["outcomes"]["pass"] == 1 + 350  # DR101, and DR105 for every hub read


def test_estate_rules_are_unknown_not_fail_when_a_scope_is_missing(tmp_path):
    tenant = _hub_tenant(2)
    tenant.management_groups["finance"] = [sub_id(1)]

    def script(request: Request) -> Reply | None:
        if request.kind == "graph" and request.body.get("managementGroups"):
            return Reply(500, {"error": {"code": "InternalServerError", "message": "boom"}})
        return None

    with FakeAzure(tenant, script=script) as fake:
        run = drlint_audit(fake, "--subscription", sub_id(0), "--management-group", "finance", "--select", "DR101",
                           "--format", "json", "--show-unknown")
    # one hub seen, in one region: without the failed management group DR101 would FAIL
    assert run.returncode == 2
    assert [r["outcome"] for r in results(run) if r["rule"] == "DR101"] == ["unknown"]
    assert any("management group finance" in d["message"] for d in json.loads(run.stdout)["diagnostics"])


def test_expired_token_is_one_sentence_and_exit_2(tmp_path):
    with FakeAzure(storage_tenant(1, 3)) as fake:
        run = drlint_audit(fake, "--subscription", sub_id(0), token="an-expired-token")
    assert run.returncode == 2
    assert run.stdout == ""
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "rejected the access token" in lines[0] and "401" in lines[0]
    assert "DRLINT_ACCESS_TOKEN" in lines[0]
    assert_no_traceback(run)


def test_missing_token_is_one_sentence(tmp_path):
    with FakeAzure(storage_tenant(1, 1)) as fake:
        run = drlint_audit(fake, "--subscription", sub_id(0), token="")
        calls = len(fake.log)
    assert run.returncode == 2 and calls == 0
    assert len(run.stderr.strip().splitlines()) == 1 and "DRLINT_ACCESS_TOKEN" in run.stderr
    assert_no_traceback(run)


# -- Resource Manager children --------------------------------------------------------------------------------

def test_child_list_403_makes_dependent_rules_unknown_naming_the_permission(tmp_path):
    tenant = _hub_tenant(4)
    forbidden_hub = next(r for r in tenant.rows["resources"] if r["name"] == "hub2")
    tenant.forbidden.add((forbidden_hub["id"] + "/connections").lower())
    with FakeAzure(tenant, list_page=1) as fake:  # one connection a page: nextLink is followed
        run = drlint_audit(fake, "--subscription", ",".join(tenant.subscriptions), "--select", "DR105",
                           "--format", "json", "--show-unknown", "--save", tmp_path / "e.json")
        lists = fake.count("list")
    assert run.returncode == 2, run.stderr
    report = json.loads(run.stdout)
    unknown = [r for r in report["results"] if r["rule"] == "DR105"]
    assert [(r["resource_name"], r["outcome"]) for r in unknown] == [("hub2", "unknown")]
    assert CONNECTIONS_PERMISSION in unknown[0]["reason"] and "403" in unknown[0]["reason"]
    assert report["summary"]["outcomes"]["pass"] == 3
    assert lists == 3 * 2 + 1  # two pages for each allowed hub, one refused call
    ids = saved_ids(tmp_path / "e.json")
    # the hubs; the connections of the readable hubs and the accounts they name (fetched by id: no active
    # rule selects accounts, so the hub2's accounts, named by connections that could not be read, are not)
    assert len(ids) == len(set(ids)) == 4 + 3 * 2 + 3 * 2


def test_fetched_and_absent_children_fail_and_scan_of_the_saved_file_agrees(tmp_path):
    tenant = _hub_tenant(2)
    lonely = resource(sub_id(0), "rg", HUB, "lonely", location="eastus2", kind="Hub")
    tenant.add(lonely)  # a hub with no connection at all
    with FakeAzure(tenant) as fake:
        audited = drlint_audit(fake, "--subscription", f"{sub_id(0)},{sub_id(1)}", "--save", tmp_path / "e.json",
                               "--format", "json", "--show-unknown", cwd=tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    scanned = subprocess.run([sys.executable, "-m", "linter.cli", "scan", "e.json", "--format", "json",
                              "--show-unknown", "--no-config"], capture_output=True, text=True, cwd=tmp_path,
                             env=env, timeout=120)
    assert audited.returncode == scanned.returncode == 1, audited.stderr + scanned.stderr

    def key(report: dict) -> set[tuple]:
        return {(r["rule"], r["resource"], r["outcome"], r["line"]) for r in report["results"]}

    assert key(json.loads(audited.stdout)) == key(json.loads(scanned.stdout))
    dr105 = [(r["resource_name"], r["outcome"]) for r in results(audited) if r["rule"] == "DR105"]
    assert dr105 == [("lonely", "fail")]  # connections were listed: none means none


# -- the command ----------------------------------------------------------------------------------------------

def test_show_query_prints_one_query_a_table_without_signing_in():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-m", "linter.cli", "audit", "--show-query", "--no-config", "--select",
                          "DR101,DR105,DR113,DR202"], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("\nresources\n| where") == 1 and "order by id asc" in run.stdout
    assert "'microsoft.storage/storageaccounts'" in run.stdout and "kind =~ 'Hub'" in run.stdout
    assert "GET {id}/connections?api-version=" in run.stdout
    assert "template" not in run.stdout  # DR113 reads how templates are written: not a live question


def test_sarif_needs_save_and_a_scope_is_required():
    with FakeAzure(storage_tenant(1, 1)) as fake:
        no_scope = drlint_audit(fake)
        sarif = drlint_audit(fake, "--subscription", sub_id(0), "--format", "sarif")
        assert not fake.log
    assert no_scope.returncode == sarif.returncode == 2
    assert "--subscription" in no_scope.stderr and "--save" in sarif.stderr


def test_plain_http_to_another_host_is_refused():
    env = {**os.environ, "PYTHONPATH": str(REPO), "DRLINT_ACCESS_TOKEN": TOKEN}
    run = subprocess.run([sys.executable, "-m", "linter.cli", "audit", "--auth", "token", "--subscription",
                          sub_id(1), "--endpoint", "http://example.com", "--no-config"], capture_output=True,
                         text=True, env=env, timeout=120)
    assert run.returncode == 2 and "https" in run.stderr
    assert_no_traceback(run)


def test_a_subscription_that_is_not_an_id_is_a_usage_error():
    with FakeAzure(storage_tenant(1, 1)) as fake:
        run = drlint_audit(fake, "--subscription", "my-sub")
        assert not fake.log
    assert run.returncode == 2 and "my-sub" in run.stderr and "GUID" in run.stderr


def test_a_failed_azure_cli_sign_in_is_one_sentence():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "IDENTITY_", "MSI_"))}
    env.update(PYTHONPATH=str(REPO), PATH=os.devnull)  # no `az` to be found
    run = subprocess.run([sys.executable, "-m", "linter.cli", "audit", "--subscription", sub_id(1), "--auth", "cli",
                          "--no-config"], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 2 and run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "could not sign in" in lines[0] and "az login" in lines[0]
    assert_no_traceback(run)


def test_sarif_points_at_the_saved_file_and_validates(tmp_path):
    tenant = storage_tenant(1, 30)
    with FakeAzure(tenant) as fake:
        run = drlint_audit(fake, "--subscription", sub_id(0), "--select", "DR202", "--save", "e.json",
                           "--format", "sarif", "-o", "drlint.sarif", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    log = json.loads((tmp_path / "drlint.sarif").read_text())
    assert github_problems(log) == []
    assert schema_problems(log, shared_path("schemas", "sarif-schema-2.1.0.json")) == []
    lines = (tmp_path / "e.json").read_text().splitlines()
    sarif_results = log["runs"][0]["results"]
    assert len(sarif_results) == 15 and log["runs"][0]["automationDetails"]["id"] == "drlint/resource-graph/"
    for result in sarif_results:
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "e.json"
        resource_id = result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
        assert f'"id":"{resource_id}"' in lines[physical["region"]["startLine"] - 1]  # the resource's own row


def test_a_refused_query_is_not_sent_to_every_batch(tmp_path):
    tenant = storage_tenant(600, 1)

    def script(request: Request) -> Reply | None:
        if request.kind == "graph":
            return Reply(400, {"error": {"code": "BadRequest", "message": "Query is invalid."}})
        return None

    with FakeAzure(tenant, script=script) as fake:
        run = drlint_audit(fake, "--subscription", ",".join(tenant.subscriptions), "--select", "DR202",
                           "--format", "json")
        sent = fake.count("graph")
    assert run.returncode == 2 and sent == 1
    problems = json.loads(run.stdout)["diagnostics"]
    assert len(problems) == 1 and "3 scopes" in problems[0]["message"] and "Query is invalid" in problems[0]["message"]


def test_a_throttled_list_call_waits_and_loses_nothing(tmp_path):
    tenant = _hub_tenant(3)
    seen = {"n": 0}

    def script(request: Request) -> Reply | None:
        if request.kind == "list" and seen["n"] < 2:
            seen["n"] += 1
            return Reply(429, {"error": {"code": "TooManyRequests", "message": "slow down"}}, {"Retry-After": "2"})
        return None

    with FakeAzure(tenant, script=script) as fake:
        run = drlint_audit(fake, "--subscription", ",".join(tenant.subscriptions), "--select", "DR105",
                           "--save", tmp_path / "e.json", "--format", "json")
        throttled = fake.count("list", 429)
    assert run.returncode == 0, run.stdout + run.stderr
    assert throttled == 2
    ids = saved_ids(tmp_path / "e.json")
    connections = [c["id"] for items in tenant.children.values() for c in items]
    assert set(connections) <= set(ids) and len(ids) == len(set(ids))


def test_the_demo_estate_audited_live_gives_the_findings_of_its_export(tmp_path):
    """The demo export served by the fake: every decided finding of `drlint scan` is found by `drlint audit`
    for the same resource; what the export could not tell (children Resource Graph does not index, such as
    the hubs' connections, which the audit lists and finds absent) is all the audit adds."""
    demo = REPO / "fixtures" / "demo"
    tenant = Tenant()
    for name, table in (("estate.json", "resources"), ("role-assignments.json", "authorizationresources")):
        for row in json.loads((demo / name).read_text())["data"]:
            tenant.add(row, table)
    tenant.subscriptions = sorted({row["id"].split("/")[2] for rows in tenant.rows.values() for row in rows})
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    scanned = subprocess.run([sys.executable, "-m", "linter.cli", "scan", str(demo), "--format", "json",
                              "--show-unknown", "--no-config"], capture_output=True, text=True, env=env, timeout=120)
    with FakeAzure(tenant) as fake:
        audited = drlint_audit(fake, "--all-subscriptions", "--format", "json", "--show-unknown")

    def findings(run: subprocess.CompletedProcess[str]) -> dict[tuple[str, str], str]:
        return {(r["rule"], r["resource"].lower()): r["outcome"] for r in json.loads(run.stdout)["results"]}

    from_scan, from_audit = findings(scanned), findings(audited)
    decided = {key: outcome for key, outcome in from_scan.items() if outcome != "unknown"}
    assert decided and all(from_audit.get(key) == outcome for key, outcome in decided.items())
    added = {key: outcome for key, outcome in from_audit.items() if from_scan.get(key) != outcome}
    assert all(from_scan.get(key) == "unknown" for key in added)  # the audit only decides what was unknown
    hubs_without_connections = {key for key, outcome in from_scan.items() if key[0] == "DR105"}
    assert hubs_without_connections and all(from_audit.get(key) == "fail" for key in hubs_without_connections)


SOFT_DELETE_RULE = """\
id: ACME203
name: hub-storage-soft-delete
title: Each hub's storage keeps deleted blobs
severity: warning
select:
  type: Microsoft.MachineLearningServices/workspaces
  where: {field: kind, equals: Hub}
condition:
  ref: properties.storageAccount
  condition:
    aggregate:
      select:
        type: Microsoft.Storage/storageAccounts/blobServices
        relation: children
        where: {field: properties.deleteRetentionPolicy.enabled, equals: true}
    greaterOrEquals: 1
message: "{resource.name}: blob soft delete is off"
docs: {what: w, why: y, fix: f}
"""

THREAD_STORE_RULE = """\
id: ACME704
name: foundry-thread-store
title: Foundry projects keep agent threads in Cosmos DB
severity: warning
select:
  type: Microsoft.CognitiveServices/accounts
condition:
  aggregate:
    select:
      type: Microsoft.CognitiveServices/accounts/projects
      relation: children
      where:
        aggregate:
          select:
            type: Microsoft.CognitiveServices/accounts/projects/connections
            relation: children
            where: {field: properties.category, equals: CosmosDb}
        greaterOrEquals: 1
  greaterOrEquals: 1
message: "{resource.name} has no project with a Cosmos DB connection"
docs: {what: w, why: y, fix: f}
"""


def test_children_are_listed_only_where_the_rules_read_them(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "soft-delete.yaml").write_text(SOFT_DELETE_RULE)
    tenant = Tenant(subscriptions=[sub_id(0)])
    accounts = [resource(sub_id(0), "rg", "Microsoft.Storage/storageAccounts", f"st{i}") for i in range(7)]
    for i, account in enumerate(accounts):
        tenant.add(account)
        tenant.add_child(account["id"], "blobServices", {
            "id": account["id"] + "/blobServices/default", "name": "default",
            "type": "Microsoft.Storage/storageAccounts/blobServices",
            "properties": {"deleteRetentionPolicy": {"enabled": i == 0}}})
    for i in range(2):  # two hubs use st0 (soft delete on) and st1 (off); st2..st6 belong to no hub
        tenant.add(resource(sub_id(0), "rg", HUB, f"hub{i}", kind="Hub",
                            properties={"storageAccount": accounts[i]["id"]}))
    with FakeAzure(tenant) as fake:
        run = drlint_audit(fake, "--subscription", sub_id(0), "--rules", "rules", "--select", "ACME",
                           "--save", "e.json", "--format", "json", "--show-unknown", cwd=tmp_path)
        listed = sorted(r.path for r, _ in fake.log if r.kind == "list")
    assert run.returncode == 1, run.stdout + run.stderr
    assert listed == sorted(a["id"].lower() + "/blobservices" for a in accounts[:2])
    assert [(r["resource_name"], r["outcome"]) for r in results(run)] == [("hub1", "fail")]
    record = json.loads((tmp_path / "e.json").read_text())["drlint"]
    assert sorted(record["listed"]["microsoft.storage/storageaccounts/blobservices"]) == sorted(
        a["id"].lower() for a in accounts[:2])


def test_grandchildren_are_listed_round_after_round(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "threads.yaml").write_text(THREAD_STORE_RULE)
    tenant = Tenant(subscriptions=[sub_id(0)])
    for i, category in enumerate(("CosmosDb", "AzureStorageAccount")):
        account = resource(sub_id(0), "rg", "Microsoft.CognitiveServices/accounts", f"ai{i}", kind="AIServices")
        tenant.add(account)
        project = {"id": account["id"] + "/projects/p", "name": "p", "location": "eastus2",
                   "type": "Microsoft.CognitiveServices/accounts/projects", "properties": {}}
        tenant.add_child(account["id"], "projects", project)
        tenant.add_child(project["id"], "connections", {
            "id": project["id"] + "/connections/c", "name": "c", "properties": {"category": category},
            "type": "Microsoft.CognitiveServices/accounts/projects/connections"})
    with FakeAzure(tenant) as fake:
        run = drlint_audit(fake, "--subscription", sub_id(0), "--rules", "rules", "--select", "ACME",
                           "--save", "e.json", "--format", "json", "--show-unknown", cwd=tmp_path)
        lists = fake.count("list")
    assert run.returncode == 1, run.stdout + run.stderr
    assert lists == 4  # the projects of two accounts, then the connections of two projects
    assert [(r["resource_name"], r["outcome"]) for r in results(run)] == [("ai1", "fail")]
    ids = saved_ids(tmp_path / "e.json")
    assert len(ids) == len(set(ids)) == 6
