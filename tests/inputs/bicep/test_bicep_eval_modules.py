"""Modules as nested deployments: parameters, outputs, loops, conditions, registry modules, broken modules."""

from __future__ import annotations

import json

VAULT = """
param name string
param location string = 'eastus'
param purge bool = true
resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  properties: { enablePurgeProtection: purge }
}
output id string = kv.id
output loc string = kv.location
"""


def test_module_parameters_and_outputs(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"modules/vault.bicep": VAULT, "main.bicep": """
        module vault 'modules/vault.bicep' = {
          name: 'vault-deployment'
          params: { name: 'kv-main', location: 'westus', purge: false }
        }
        resource hub 'Microsoft.MachineLearningServices/workspaces@2024-04-01' = {
          name: 'hub'
          location: vault.outputs.loc
          kind: 'Hub'
          properties: { keyVault: vault.outputs.id }
        }
        """})
    names = bicep.by_name(loaded)
    assert set(names) == {"kv-main", "hub"}  # modules are deployed through main.bicep only
    assert names["kv-main"].properties == {"enablePurgeProtection": False}
    assert names["hub"].properties["keyVault"] == names["kv-main"].id
    assert names["hub"].location == "westus"
    assert names["kv-main"].position.file == "modules/vault.bicep"
    assert names["kv-main"].locate(("properties", "enablePurgeProtection")).line == 7


def test_looped_and_conditional_modules(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"modules/vault.bicep": VAULT, "main.bicep": """
        param regions array = ['eastus', 'westus', 'northeurope']
        param withExtra bool = false
        module vaults 'modules/vault.bicep' = [for (r, i) in regions: if (r != 'westus') {
          name: 'vault-${r}'
          params: { name: 'kv-${i}', location: r }
        }]
        module extra 'modules/vault.bicep' = if (withExtra) {
          name: 'extra'
          params: { name: 'kv-extra' }
        }
        output second string = vaults[2].outputs.loc
        output extraId string = extra.?outputs.?id ?? 'none'
        resource probe 'Microsoft.Test/probes@2020-01-01' = {
          name: 'probe'
          properties: { second: vaults[2].outputs.loc, extra: extra.?outputs.?id ?? 'none' }
        }
        """})
    names = bicep.by_name(loaded)
    assert {n for n in names if n.startswith("kv")} == {"kv-0", "kv-2"}
    assert names["kv-2"].location == "northeurope"
    assert names["probe"].properties == {"second": "northeurope", "extra": "none"}


def test_registry_modules_are_unknown_with_a_diagnostic_naming_them(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"main.bicep": """
        module st 'br/public:avm/res/storage/storage-account:0.9.0' = {
          name: 'st'
          params: { name: 'st1' }
        }
        module spec 'ts:00000000-0000-0000-0000-000000000000/rg/spec:1.0' = { name: 'spec' }
        resource hub 'Microsoft.MachineLearningServices/workspaces@2024-04-01' = {
          name: 'hub'
          location: 'eastus'
          kind: 'Hub'
          properties: { storageAccount: st.outputs.resourceId }
        }
        """})
    hub = bicep.one(loaded)
    assert "br/public:avm/res/storage/storage-account:0.9.0" in bicep.reason(hub.properties["storageAccount"])
    text = bicep.messages(loaded)
    assert "br/public:avm/res/storage/storage-account:0.9.0" in text and "ts:" in text
    warning = next(d for d in loaded.diagnostics if "storage-account" in d.message)
    assert (warning.position.file, warning.position.line) == ("main.bicep", 1)
    # the deployment may have resources drlint cannot see: of any type
    assert "storage-account" in loaded.origins[0].unobserved_reason("Microsoft.Storage/storageAccounts")


def test_json_modules_and_module_problems(tmp_path, bicep):
    arm = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
           "contentVersion": "1.0.0.0", "parameters": {"name": {"type": "string"}},
           "resources": [{"type": "Microsoft.KeyVault/vaults", "apiVersion": "2023-07-01",
                          "name": "[parameters('name')]", "location": "eastus"}]}
    loaded = bicep.load(tmp_path, {"arm/vault.json": json.dumps(arm), "main.bicep": """
        module fromJson 'arm/vault.json' = { name: 'j', params: { name: 'kv-json' } }
        module missing 'nowhere.bicep' = { name: 'm' }
        module outside '../../outside.bicep' = { name: 'o' }
        resource probe 'Microsoft.Test/probes@2020-01-01' = {
          name: 'probe'
          properties: { m: missing.outputs.x }
        }
        """}, only=["main.bicep"])
    names = bicep.by_name(loaded)
    assert "kv-json" in names
    assert "nowhere.bicep" in bicep.reason(names["probe"].properties["m"])
    text = bicep.messages(loaded)
    assert "nowhere.bicep does not exist" in text and "outside the scanned tree" in text


def test_a_module_that_includes_itself_is_reported_not_followed(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"main.bicep": """
        module self 'main.bicep' = { name: 'again' }
        resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = { name: 'kv', location: 'eastus' }
        """})
    assert [r.name for r in loaded.resources] == ["kv"]
    assert "includes itself" in bicep.messages(loaded)


def test_module_scope_targets_another_resource_group(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"modules/vault.bicep": VAULT, "main.bicep": """
        module vault 'modules/vault.bicep' = {
          name: 'v'
          scope: resourceGroup('sub-1', 'rg-shared')
          params: { name: 'kv-shared' }
        }
        """})
    kv = bicep.one(loaded)
    assert kv.id == "/subscriptions/sub-1/resourceGroups/rg-shared/providers/Microsoft.KeyVault/vaults/kv-shared"
    assert kv.extra["resourceGroup"] == "rg-shared"


def test_module_scope_from_a_variable_holding_a_conditional_scope(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"modules/vault.bicep": VAULT, "main.bicep": """
        param otherGroup string = 'rg-acr'
        var target = empty(otherGroup) ? resourceGroup() : resourceGroup(otherGroup)
        module vault 'modules/vault.bicep' = {
          name: 'v'
          scope: target
          params: { name: 'kv-target' }
        }
        module here 'modules/vault.bicep' = {
          name: 'h'
          scope: resourceGroup()
          params: { name: 'kv-here' }
        }
        """}, deployments=[{"template": "main.bicep", "resourceGroup": "rg-main", "subscription": "s"}])
    names = bicep.by_name(loaded)
    assert names["kv-target"].extra["resourceGroup"] == "rg-acr"
    assert names["kv-here"].extra["resourceGroup"] == "rg-main"
    assert "not understood" not in bicep.messages(loaded)
