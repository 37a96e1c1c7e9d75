"""Resource Graph results in every shape users save, detected by content, with the line of each row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter import model
from linter.inputs import InputFile, LoadContext
from linter.inputs.jsondoc import parse_json
from linter.inputs.registry import front_ends
from linter.inputs.resource_graph import FRONT_END
from linter.model import Unknown

HUB = {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/hub",
       "name": "hub", "type": "microsoft.machinelearningservices/workspaces", "kind": "Hub", "location": "eastus2",
       "sku": {"name": "Basic"}, "properties": {"storageAccount": "/x"}, "tags": {}, "zones": None, "identity": {}}
REPLICA = {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/cr/"
                 "replications/westus", "name": "westus",
           "type": "microsoft.containerregistry/registries/replications", "location": "westus", "properties": {}}
ROLE = {"id": HUB["id"] + "/providers/Microsoft.Authorization/roleAssignments/abc", "name": "abc",
        "type": "microsoft.authorization/roleassignments", "location": "",
        "properties": {"principalId": "p", "scope": HUB["id"], "roleDefinitionId": "/r"}}
COLUMNS = ["id", "name", "type", "kind", "location", "sku", "properties"]


def table(rows):
    return {"columns": [{"name": c, "type": "string"} for c in COLUMNS],
            "rows": [[row.get(c) for c in COLUMNS] for row in rows]}


SHAPES = {
    "az-graph-query": {"count": 2, "data": [HUB, REPLICA], "skip_token": None, "total_records": 2},
    "bare-list": [HUB, REPLICA],
    "table": table([HUB, REPLICA]),
    "table-under-data": {"count": 2, "data": table([HUB, REPLICA])},
    "sdk-dump": {"total_records": 2, "count": 2, "result_truncated": "false", "skip_token": None,
                 "data": [HUB, REPLICA]},
    "rest-response": {"totalRecords": 2, "count": 2, "resultTruncated": "false", "facets": [],
                      "data": [HUB, REPLICA]},
}


def kind_of(data) -> str | None:
    """The kind the first front end that recognises a JSON file (as a scan asks them) gives it."""
    document = parse_json(json.dumps(data), "export.json")
    kinds = (f.classify(Path("export.json"), document) for f in front_ends() if f.reads_json)
    return next((k for k in kinds if k is not None), None)


def load(tmp_path: Path, data, name="export.json", text: str | None = None):
    path = tmp_path / name
    path.write_text(text if text is not None else json.dumps(data, indent=2))
    document = parse_json(path.read_bytes(), name)
    assert kind_of(document.data) == "resource-graph"
    return FRONT_END.load([InputFile(path, name, "resource-graph", document)], LoadContext(tmp_path))


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_loads_the_same_resources(tmp_path, shape):
    loaded = load(tmp_path, SHAPES[shape])
    assert not [d for d in loaded.diagnostics if d.severity == "error"]
    by_type = {r.type_key: r for r in loaded.resources}
    hub = by_type["microsoft.machinelearningservices/workspaces"]
    assert hub.kind == "Hub" and hub.location == "eastus2" and hub.sku == {"name": "Basic"}
    replica = by_type["microsoft.containerregistry/registries/replications"]
    assert replica.parent_id.lower().endswith("/registries/cr")


def test_each_resource_points_at_its_row(tmp_path):
    text = json.dumps({"count": 2, "data": [HUB, REPLICA]}, indent=2)
    loaded = load(tmp_path, None, text=text)
    lines = text.splitlines()
    for resource in loaded.resources:
        line = resource.position.line
        assert lines[line - 1].strip() == "{"
        assert resource.name in "\n".join(lines[line - 1:line + 3])
    hub = loaded.resources[0]
    assert '"storageAccount"' in lines[hub.locate(("properties", "storageaccount")).line - 1]


def test_table_rows_point_at_the_row(tmp_path):
    text = json.dumps(table([HUB, REPLICA]), indent=1)
    loaded = load(tmp_path, None, text=text)
    assert loaded.resources[1].position.line > loaded.resources[0].position.line


def test_bad_rows_are_diagnostics_and_the_rest_loads(tmp_path):
    loaded = load(tmp_path, [HUB, {"id": "/x/y", "name": "no type"}, REPLICA])
    assert len(loaded.resources) == 2
    assert len(loaded.diagnostics) == 1 and loaded.diagnostics[0].position.line > 1


def test_one_page_of_many_is_a_warning(tmp_path):
    loaded = load(tmp_path, {"count": 1, "data": [HUB], "skip_token": "abc", "total_records": 5000})
    assert [d.severity for d in loaded.diagnostics] == ["warning"]


def test_role_assignments_are_observable_only_when_exported(tmp_path):
    without = load(tmp_path, [HUB])
    assert without.origins[0].unobserved_reason("Microsoft.Authorization/roleAssignments")
    with_roles = load(tmp_path, [HUB, ROLE], name="b.json")
    assert with_roles.origins[0].unobserved_reason("Microsoft.Authorization/roleAssignments") is None
    role = next(r for r in with_roles.resources if r.type_key.endswith("roleassignments"))
    assert role.extra["scope"] == HUB["id"]
    assert with_roles.origins[0].unobserved_reason("Microsoft.MachineLearningServices/workspaces/connections")


@pytest.mark.parametrize("data", [{"resources": []}, {"name": "x"}, [1, 2], {"columns": ["a"], "rows": []}])
def test_other_json_is_not_taken_for_resource_graph(data):
    assert kind_of(data) != "resource-graph"


def test_comments_and_bom_are_accepted(tmp_path):
    text = "\ufeff// saved by hand\n" + json.dumps([HUB])
    loaded = load(tmp_path, None, text=text)
    assert loaded.resources[0].position.line == 2


def test_resource_containers_load_as_resources(tmp_path):
    group = {"id": "/subscriptions/s/resourceGroups/rg-ai", "name": "rg-ai",
             "type": "microsoft.resources/subscriptions/resourcegroups", "location": "eastus2",
             "properties": {"provisioningState": "Succeeded"}, "tags": {}}
    subscription = {"id": "/subscriptions/s", "name": "prod", "type": "microsoft.resources/subscriptions",
                    "location": "", "properties": {"state": "Enabled"}}
    loaded = load(tmp_path, [group, subscription, HUB])
    types = {r.type_key: r for r in loaded.resources}
    assert types["microsoft.resources/subscriptions/resourcegroups"].location == "eastus2"
    assert types["microsoft.resources/subscriptions"].location is None


@pytest.mark.parametrize("spelling", [str.upper, str.title])
def test_members_spelled_otherwise_make_the_same_resource(tmp_path, spelling):
    """Members are found case-insensitively (Kusto projections keep the query's spelling): a row whose members
    (but the `id` and `type` recognition reads) are spelled otherwise makes the same resource; absent members
    stay absent."""
    row = {**HUB, "resourceGroup": "rg", "managedBy": "", "plan": {}, "tenantId": "t"}
    respelled = {key if key in ("id", "type") else spelling(key): value for key, value in row.items()}
    (a,), (b,) = load(tmp_path, [row], "a.json").resources, load(tmp_path, [respelled], "b.json").resources
    assert b.fields() == a.fields() and b.location == a.location
    assert b.extra == {"resourceGroup": "rg", "tenantId": "t"}
    without = {k: v for k, v in respelled.items() if k.lower() != "location"}
    (c,) = load(tmp_path, [without], "c.json").resources
    assert isinstance(c.location, Unknown) and c.kind == "Hub"


def test_rows_share_one_copy_of_their_subscription_group_and_region(tmp_path, monkeypatch):
    monkeypatch.setattr(model, "_SHARED_TEXT", {})  # as at the start of a run
    rows = [{**HUB, "id": HUB["id"] + suffix, "name": "hub" + suffix, "resourceGroup": "rg-app",
             "subscriptionId": "sub-0001", "location": "East US 2"} for suffix in ("1", "2")]
    loaded = load(tmp_path, {"data": rows})
    first, second = sorted(loaded.resources, key=lambda r: r.name)
    assert (first.name, second.name) == ("hub1", "hub2")
    # decoded from the file, each row has its own copies; the resources hold one
    assert (first.extra["resourceGroup"], first.extra["subscriptionId"]) == ("rg-app", "sub-0001")
    assert first.extra["resourceGroup"] is second.extra["resourceGroup"]
    assert first.extra["subscriptionId"] is second.extra["subscriptionId"]
    assert first.location == "eastus2" and first.location is second.location
    assert first.type_key is second.type_key and first.kind is second.kind
    assert first.fields()["resourceGroup"] == "rg-app" and first.parent_id is None
