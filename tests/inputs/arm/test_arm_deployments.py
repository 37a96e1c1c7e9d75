"""Deployments: parameter files paired with templates, two parameter sets = two deployments, linked templates."""

from __future__ import annotations

import shutil

from linter.model import Unknown
from tests.conftest import REPO

FIXTURES = REPO / "fixtures" / "arm"

STORAGE = {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01",
           "name": "[parameters('name')]", "location": "[parameters('location')]", "sku": {"name": "Standard_LRS"}}
PARAMS = {"name": {"type": "string"}, "location": {"type": "string", "defaultValue": "[resourceGroup().location]"}}


def test_two_parameter_files_make_two_hubs_in_two_regions(arm):
    loaded = arm.load(FIXTURES / "hub")
    hubs = [r for r in loaded.resources if r.type_key == "microsoft.machinelearningservices/workspaces"]
    assert sorted(h.location for h in hubs) == ["centralus", "eastus2"]
    assert {r.origin.deployment for r in hubs} == {"hub.primary", "hub.secondary"}
    assert all(r.origin.file == "hub.json" and r.origin.kind == "arm" for r in loaded.resources)


def test_hub_storage_id_joins_the_storage_account_of_the_same_deployment(arm):
    loaded = arm.load(FIXTURES / "hub")
    resources = arm.by_name(loaded)
    hub = resources["contoso-eus2-hub"]
    storage = resources["contoso-eus2st"]
    assert hub.properties["storageAccount"].lower() == storage.id.lower()
    assert hub.properties["storageAccount"] != resources["contoso-cus-hub"].properties["storageAccount"]
    assert storage.sku == {"name": "Standard_GRS"}  # from the parameter's default
    assert isinstance(storage.extra["subscriptionId"], Unknown)


def test_child_resources_are_flattened_with_full_type_and_name(arm):
    resources = arm.by_name(arm.load(FIXTURES / "hub"))
    blob = resources["contoso-eus2st/default"]
    assert blob.type == "Microsoft.Storage/storageAccounts/blobServices"
    assert blob.parent_id.lower() == resources["contoso-eus2st"].id.lower()


def test_extension_resource_is_attached_to_its_scope(arm):
    loaded = arm.load(FIXTURES / "hub")
    resources = arm.by_name(loaded)
    lock = next(r for r in loaded.resources if r.type == "Microsoft.Authorization/locks"
                and r.origin.deployment == "hub.primary")
    hub = resources["contoso-eus2-hub"]
    assert lock.parent_id == hub.id
    assert lock.id.lower().startswith(hub.id.lower() + "/providers/microsoft.authorization/locks/")


def test_pairing_by_name_patterns(tmp_path, arm):
    arm.write(tmp_path, "a.json", arm.template([STORAGE], parameters=PARAMS))
    arm.write(tmp_path, "a.parameters.json", arm.parameters(name="one"))
    arm.write(tmp_path, "a.prod.parameters.json", arm.parameters(name="two"))
    arm.write(tmp_path, "a.parameters.dev.json", arm.parameters(name="three"))
    names = sorted(str(r.name) for r in arm.load(tmp_path).resources)
    assert names == ["one", "three", "two"]


def test_pairing_by_metadata_template(tmp_path, arm):
    arm.write(tmp_path, "infra/storage.json", arm.template([STORAGE], parameters=PARAMS))
    values = arm.parameters(name="meta")
    values["metadata"] = {"template": "../infra/storage.json"}
    arm.write(tmp_path, "env/prod.json", values)
    assert [r.name for r in arm.load(tmp_path).resources] == ["meta"]


def test_pairing_by_config_with_location_and_ids(tmp_path, arm):
    arm.write(tmp_path, "t.json", arm.template([STORAGE], parameters=PARAMS))
    arm.write(tmp_path, "p1.json", arm.parameters(name="configured"))
    arm.write(tmp_path, "t.parameters.json", arm.parameters(name="ignored"))  # drlint.yaml decides for t.json
    loaded = arm.load(tmp_path, deployments=[{"name": "primary", "template": "t.json", "parameters": "p1.json",
                                          "location": "West Europe", "subscription": "s1", "resourceGroup": "g1"}])
    [storage] = loaded.resources
    assert storage.name == "configured" and storage.location == "westeurope"
    assert storage.id == "/subscriptions/s1/resourceGroups/g1/providers/Microsoft.Storage/storageAccounts/configured"
    assert storage.extra["resourceGroup"] == "g1" and storage.origin.deployment == "primary"


def test_no_parameter_file_means_one_deployment_with_defaults(tmp_path, arm):
    arm.write(tmp_path, "t.json", arm.template([STORAGE], parameters=PARAMS))
    [storage] = arm.load(tmp_path).resources
    assert isinstance(storage.name, Unknown) and "'name'" in storage.name.reason
    assert isinstance(storage.location, Unknown) and "drlint.yaml" in storage.location.reason


def test_key_vault_reference_is_unknown(tmp_path, arm):
    arm.write(tmp_path, "t.json", arm.template([STORAGE], parameters=PARAMS))
    values = arm.parameters(location="eastus")
    values["parameters"]["name"] = {"reference": {"keyVault": {"id": "/x"}, "secretName": "s"}}
    arm.write(tmp_path, "t.parameters.json", values)
    [storage] = arm.load(tmp_path).resources
    assert isinstance(storage.name, Unknown) and "Key Vault" in storage.name.reason


def test_allowed_values_violation_is_a_diagnostic(tmp_path, arm):
    shutil.copy(FIXTURES / "hub" / "hub.json", tmp_path / "hub.json")
    arm.write(tmp_path, "hub.parameters.json", arm.parameters(prefix="x", storageSku="Premium_LRS"))
    loaded = arm.load(tmp_path)
    assert "allowedValues" in arm.messages(loaded.diagnostics)


def test_linked_template_is_loaded_from_disk_and_not_deployed_twice(arm):
    loaded = arm.load(FIXTURES / "linked")
    [storage] = loaded.resources
    assert storage.name == "linkedst" and storage.location == "westeurope"
    assert storage.anchor.document.display == "modules/storage.json"
    assert storage.origin.file == "main.json"
    assert "not fetched" in arm.messages(loaded.diagnostics)  # the uri link


def test_linked_template_outside_the_root_is_not_read(tmp_path, arm):
    root = tmp_path / "root"
    arm.write(tmp_path, "outside.json", arm.template([STORAGE], parameters=PARAMS))
    arm.write(root, "main.json", arm.template([{
        "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "x",
        "properties": {"mode": "Incremental", "templateLink": {"relativePath": "../outside.json"}}}]))
    loaded = arm.load(root)
    assert loaded.resources == []
    assert "outside" in arm.messages(loaded.diagnostics)


def test_one_bad_template_does_not_stop_the_others(tmp_path, arm):
    arm.write(tmp_path, "good.json", arm.template([STORAGE], parameters=PARAMS))
    bad = arm.template([{"type": 5, "name": ["x"], "condition": "[concat(]"}, "not an object"])
    arm.write(tmp_path, "bad.json", bad)
    loaded = arm.load(tmp_path)
    assert len(loaded.resources) >= 1
