"""Resources: loops, conditions, existing, parents and nested children, references, scopes, positions."""

from __future__ import annotations

STORAGE = "Microsoft.Storage/storageAccounts"


def test_loops_indexed_and_filtered(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"main.bicep": """
        param regions array = ['eastus', 'westus', 'northeurope']
        resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = [for (r, i) in regions: if (r != 'westus') {
          name: 'st${i}${r}'
          location: r
          sku: { name: 'Standard_GRS' }
        }]
        resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = [for i in range(0, 2): {
          name: 'kv${i}'
          location: 'eastus'
          properties: { peer: st[i].name, peerId: st[2].id }
        }]
        """})
    names = bicep.by_name(loaded)
    assert set(names) == {"st0eastus", "st2northeurope", "kv0", "kv1"}
    assert names["st2northeurope"].location == "northeurope"
    assert names["kv1"].properties["peer"] == "st1westus"
    assert names["kv0"].properties["peerId"] == names["st2northeurope"].id


def test_conditions_true_false_and_unknown(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"main.bicep": """
        param deployKv bool = false
        param flag bool
        resource a 'Microsoft.KeyVault/vaults@2023-07-01' = if (deployKv) { name: 'a', location: 'eastus' }
        resource b 'Microsoft.KeyVault/vaults@2023-07-01' = if (!deployKv) { name: 'b', location: 'eastus' }
        resource c 'Microsoft.KeyVault/vaults@2023-07-01' = if (flag) { name: 'c', location: 'eastus' }
        """})
    names = bicep.by_name(loaded)
    assert set(names) == {"b", "c"}
    assert names["b"].conditional is None
    assert "flag" in bicep.reason(names["c"].conditional)


def test_unknown_loop_count_gives_one_conditional_copy(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"main.bicep": """
        param names array
        resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = [for n in names: { name: n, location: 'x' }]
        """})
    resource = bicep.one(loaded)
    assert "names" in bicep.reason(resource.name)
    assert resource.conditional is not None


def test_existing_resources_are_not_emitted_but_their_ids_join(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"main.bicep": """
        resource st 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
          name: 'shared'
          scope: resourceGroup('other-rg')
        }
        resource hub 'Microsoft.MachineLearningServices/workspaces@2024-04-01' = {
          name: 'hub'
          location: 'eastus'
          kind: 'Hub'
          properties: { storageAccount: st.id, sku: st.sku.name, endpoint: st.properties.primaryEndpoints }
        }
        """})
    hub = bicep.one(loaded)
    assert hub.properties["storageAccount"].endswith(
        "/resourceGroups/other-rg/providers/Microsoft.Storage/storageAccounts/shared")
    assert "existing" in bicep.reason(hub.properties["sku"])
    assert "existing" in bicep.reason(hub.properties["endpoint"])


def test_parent_and_nested_children(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"main.bicep": """
        resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {
          name: 'st1'
          location: 'eastus'
          resource blob 'blobServices' = {
            name: 'default'
            properties: { deleteRetentionPolicy: { enabled: true } }
            resource c 'containers' = { name: 'data' }
          }
        }
        resource files 'Microsoft.Storage/storageAccounts/fileServices@2023-05-01' = {
          parent: st
          name: 'default'
          properties: { blobName: st::blob.name, containerId: st::blob::c.id }
        }
        """})
    names = bicep.by_name(loaded)
    assert names["st1/default"].type in (f"{STORAGE}/blobServices", f"{STORAGE}/fileServices")
    blob = next(r for r in loaded.resources if r.type == f"{STORAGE}/blobServices")
    container = next(r for r in loaded.resources if r.type == f"{STORAGE}/blobServices/containers")
    files = next(r for r in loaded.resources if r.type == f"{STORAGE}/fileServices")
    assert container.name == "st1/default/data"
    assert blob.parent_id == names["st1"].id and container.parent_id == blob.id
    assert files.properties == {"blobName": "default", "containerId": container.id}


def test_child_of_a_conditional_parent_shares_its_condition(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"main.bicep": """
        param on bool = false
        resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = if (on) {
          name: 'st1'
          location: 'eastus'
          resource blob 'blobServices' = { name: 'default' }
        }
        """})
    assert loaded.resources == []


def test_symbolic_references_read_the_evaluated_resource(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"main.bicep": """
        resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {
          name: 'st1'
          location: 'westeurope'
          sku: { name: 'Standard_RAGRS' }
          properties: { minimumTlsVersion: 'TLS1_2' }
        }
        resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {
          name: 'kv'
          location: st.location
          properties: {
            tls: st.properties.minimumTlsVersion
            sku: st.sku.name
            type: st.type
            missing: st.properties.?nothing ?? 'dflt'
            runtime: st.properties.primaryEndpoints
            keys: st.listKeys().keys
          }
        }
        """})
    kv = bicep.by_name(loaded)["kv"]
    assert kv.location == "westeurope"
    props = kv.properties
    assert (props["tls"], props["sku"], props["type"], props["missing"]) == (
        "TLS1_2", "Standard_RAGRS", STORAGE, "dflt")
    assert "primaryEndpoints" in bicep.reason(props["runtime"])
    assert "listkeys" in bicep.reason(props["keys"]).lower()


def test_extension_resources_with_scope(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"main.bicep": """
        resource hub 'Microsoft.MachineLearningServices/workspaces@2024-04-01' = {
          name: 'hub'
          location: 'eastus'
          kind: 'Hub'
        }
        resource lock 'Microsoft.Authorization/locks@2020-05-01' = {
          name: 'no-delete'
          scope: hub
          properties: { level: 'CanNotDelete' }
        }
        """})
    names = bicep.by_name(loaded)
    assert names["no-delete"].id == names["hub"].id + "/providers/Microsoft.Authorization/locks/no-delete"


def test_subscription_scope_template_and_deployment_config(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"main.bicep": """
        targetScope = 'subscription'
        resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
          name: 'rg-ai'
          location: deployment().location
        }
        """}, deployments=[{"template": "main.bicep", "name": "prod", "location": "swedencentral",
                            "subscription": "0000"}])
    rg = bicep.one(loaded)
    assert rg.id == "/subscriptions/0000/resourceGroups/rg-ai"
    assert rg.location == "swedencentral"


def test_findings_point_at_the_bicep_line_of_the_property(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"main.bicep": """
        param location string = 'eastus'

        resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {
          name: 'st1'
          location: location
          sku: {
            name: 'Standard_LRS'
          }
        }
        """})
    st = bicep.one(loaded)
    assert (st.position.file, st.position.line) == ("main.bicep", 3)
    assert st.locate(("sku", "name")).line == 7
    assert st.locate(("location",)).line == 5
    assert st.locate(("properties", "absent")).line == 3
