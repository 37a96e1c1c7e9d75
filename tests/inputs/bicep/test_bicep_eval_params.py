"""`.bicepparam` files: pairing with their template, values, and the rules run over the deployments."""

from __future__ import annotations

from linter.config import Config

HUB = """
param location string
param prefix string
param storageSku string = 'Standard_LRS'
resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: '${prefix}st'
  location: location
  kind: 'StorageV2'
  sku: { name: storageSku }
}
resource hub 'Microsoft.MachineLearningServices/workspaces@2024-04-01' = {
  name: '${prefix}-hub'
  location: location
  kind: 'Hub'
  properties: { storageAccount: st.id }
}
"""


def two_regions(root, bicep):
    bicep.write(root, {
        "main.bicep": HUB,
        "main.primary.bicepparam": "using './main.bicep'\nparam location = 'eastus2'\nparam prefix = 'eus2'\n",
        "main.secondary.bicepparam": "using './main.bicep'\nvar region = 'centralus'\nparam location = region\n"
                                     "param prefix = 'cus'\nparam storageSku = 'Standard_GZRS'\n",
    })


def test_each_bicepparam_is_a_deployment_of_its_template(tmp_path, bicep):
    two_regions(tmp_path, bicep)
    loaded = bicep.load(tmp_path)
    names = bicep.by_name(loaded)
    assert set(names) == {"eus2st", "eus2-hub", "cusst", "cus-hub"}  # no third deployment with defaults
    assert names["cus-hub"].location == "centralus"
    assert names["cusst"].sku == {"name": "Standard_GZRS"}
    assert {o.deployment for o in loaded.origins} == {"main.primary", "main.secondary"}
    assert names["eus2-hub"].properties["storageAccount"] == names["eus2st"].id


def test_two_region_estate_passes_dr101_and_one_region_fails(tmp_path, bicep):
    two_regions(tmp_path, bicep)
    assert bicep.outcomes(tmp_path, "DR101") == {None: "pass"}
    (tmp_path / "main.secondary.bicepparam").unlink()
    assert bicep.outcomes(tmp_path, "DR101") == {None: "fail"}


def test_a_template_without_parameter_file_is_deployed_with_its_defaults(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"main.bicep": HUB})
    hub = bicep.by_name(loaded)
    assert all("prefix" in bicep.reason(r.name) for r in hub.values())
    assert "no value and no default" in bicep.reason(next(iter(hub.values())).name)


def test_drlint_yaml_deployments_pair_a_template_with_a_bicepparam(tmp_path, bicep):
    bicep.write(tmp_path, {"infra/main.bicep": HUB,
                     "infra/prod.bicepparam": "using 'main.bicep'\nparam location = 'westeurope'\nparam prefix = 'p'\n",
                     "drlint.yaml": "deployments:\n  - name: prod\n    template: infra/main.bicep\n"
                                    "    parameters: infra/prod.bicepparam\n    resourceGroup: rg-prod\n"})
    config = Config(path=tmp_path / "drlint.yaml", deployments=[
        {"name": "prod", "template": "infra/main.bicep", "parameters": "infra/prod.bicepparam",
         "resourceGroup": "rg-prod"}])
    loaded = bicep.load(tmp_path, deployments=config.deployments)
    names = bicep.by_name(loaded)
    assert set(names) == {"pst", "p-hub"}
    assert names["p-hub"].extra["resourceGroup"] == "rg-prod"
    assert loaded.origins[0].deployment == "prod"


def test_unusable_parameter_files_and_values_are_reported(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {
        "main.bicep": HUB,
        "a.bicepparam": "using './main.bicep'\nparam location = readEnvironmentVariable('REGION')\n"
                        "param prefix = az.getSecret('s', 'rg', 'kv', 'p')\nparam typo = 1\n",
        "b.bicepparam": "using none\nparam location = 'x'\n",
        "c.bicepparam": "using './gone.bicep'\n",
    })
    hub = next(r for r in loaded.resources if r.type.endswith("workspaces"))
    assert "REGION" in bicep.reason(hub.location)
    assert "secret" in bicep.reason(hub.name).lower()
    text = bicep.messages(loaded)
    assert "'typo' is not declared" in text
    assert "b.bicepparam" in text and "gone.bicep does not exist" in text
    typo = next(d for d in loaded.diagnostics if "typo" in d.message)
    assert (typo.position.file, typo.position.line) == ("a.bicepparam", 4)


def test_extends_merges_a_base_parameter_file(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {
        "main.bicep": HUB,
        "base.bicepparam": "using none\nparam location = 'eastus'\nparam prefix = 'base'\n",
        "main.bicepparam": "using './main.bicep'\nextends 'base.bicepparam'\nparam prefix = 'own'\n",
    }, only=["main.bicep", "main.bicepparam"])
    names = bicep.by_name(loaded)
    assert set(names) == {"ownst", "own-hub"} and names["own-hub"].location == "eastus"


def test_location_literal_vs_parameter_for_dr113(tmp_path, bicep):
    bicep.write(tmp_path, {"main.bicep": """
        param location string = resourceGroup().location
        resource literal 'Microsoft.KeyVault/vaults@2023-07-01' = { name: 'kv-literal', location: 'eastus2' }
        resource fromParam 'Microsoft.KeyVault/vaults@2023-07-01' = { name: 'kv-param', location: location }
        """})
    assert bicep.outcomes(tmp_path, "DR113") == {"kv-literal": "fail", "kv-param": "pass"}
    literal = next(r for r in bicep.load(tmp_path).resources if r.name == "kv-literal")
    assert literal.fields()["template"]["location"] == {"source": "literal", "literal": True, "text": "'eastus2'"}


def test_rules_are_unknown_not_failed_when_a_registry_module_provides_the_value(tmp_path, bicep):
    bicep.write(tmp_path, {"main.bicep": """
        module st 'br/public:avm/res/storage/storage-account:0.9.0' = { name: 'st', params: { name: 'st1' } }
        resource hub 'Microsoft.MachineLearningServices/workspaces@2024-04-01' = {
          name: 'hub'
          location: 'eastus'
          kind: 'Hub'
          properties: { storageAccount: st.outputs.resourceId }
        }
        """})
    assert bicep.outcomes(tmp_path, "DR201") == {"hub": "unknown"}


def test_estate_rules_are_unknown_when_a_registry_module_may_deploy_more(tmp_path, bicep):
    bicep.write(tmp_path, {"main.bicep": """
        module other 'br/public:avm/res/machine-learning-services/workspace:0.8.1' = { name: 'w' }
        resource hub 'Microsoft.MachineLearningServices/workspaces@2024-04-01' = {
          name: 'hub'
          location: 'eastus'
          kind: 'Hub'
        }
        """})
    assert bicep.outcomes(tmp_path, "DR101") == {None: "unknown"}
