"""Template evaluation: loops, conditions, nested deployments, symbolic names, positions, DR113 source info."""

from __future__ import annotations

from linter.model import Unknown
from tests.conftest import REPO

FIXTURES = REPO / "fixtures" / "arm"


def storage(name: str, **extra: object) -> dict:
    return {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": name,
            "location": "eastus", "sku": {"name": "Standard_LRS"}, **extra}


def nested(name: str, inner: dict, scope: str | None = None, params: dict | None = None, **extra: object) -> dict:
    properties: dict = {"mode": "Incremental", "template": inner}
    if scope:
        properties["expressionEvaluationOptions"] = {"scope": scope}
    if params is not None:
        properties["parameters"] = {k: {"value": v} for k, v in params.items()}
    return {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": name,
            "properties": properties, **extra}


def test_resource_copy_loop_with_copy_index(tmp_path, arm):
    arm.write(tmp_path, "t.json", arm.template([storage("[concat('st', copyIndex(1))]",
                                                copy={"name": "loop", "count": 3})]))
    assert sorted(r.name for r in arm.load(tmp_path).resources) == ["st1", "st2", "st3"]


def test_property_and_variable_copy_loops(tmp_path, arm):
    variables = {"copy": [{"name": "zones", "count": 2, "input": "[string(add(copyIndex('zones'), 1))]"}]}
    properties = {"copy": [{"name": "rules", "count": 2, "input": {"n": "[copyIndex('rules')]"}}]}
    arm.write(tmp_path, "t.json", arm.template([storage("st", zones="[variables('zones')]", properties=properties)],
                                       variables=variables))
    [resource] = arm.load(tmp_path).resources
    assert resource.zones == ["1", "2"]
    assert resource.properties == {"rules": [{"n": 0}, {"n": 1}]}


def test_copy_count_is_bounded(tmp_path, arm):
    looped = storage("[concat('st', copyIndex())]", copy={"name": "l", "count": 5000})
    arm.write(tmp_path, "t.json", arm.template([looped]))
    [resource] = arm.load(tmp_path).resources
    assert isinstance(resource.conditional, Unknown) and isinstance(resource.name, Unknown)


def test_conditions_true_false_and_unknown(tmp_path, arm):
    arm.write(tmp_path, "t.json", arm.template(
        [storage("yes", condition="[equals(1, 1)]"), storage("no", condition=False),
         storage("maybe", condition="[parameters('deploy')]")],
        parameters={"deploy": {"type": "bool"}}))
    resources = arm.by_name(arm.load(tmp_path))
    assert set(resources) == {"yes", "maybe"}
    assert resources["yes"].conditional is None
    assert isinstance(resources["maybe"].conditional, Unknown)
    assert "deploy" in resources["maybe"].conditional.reason


def test_short_circuit_logic_decides_with_an_unknown_part(tmp_path, arm):
    arm.write(tmp_path, "t.json", arm.template(
        [storage("st", properties={
            "a": "[and(false(), parameters('x'))]", "b": "[or(true(), parameters('x'))]",
            "c": "[if(parameters('x'), 'same', 'same')]", "d": "[coalesce('set', parameters('x'))]",
            "e": "[if(parameters('x'), 'a', 'b')]", "f": "[concat('a', parameters('x'))]"})],
        parameters={"x": {"type": "bool"}}))
    properties = arm.load(tmp_path).resources[0].properties
    assert properties["a"] is False and properties["b"] is True
    assert properties["c"] == "same" and properties["d"] == "set"
    assert isinstance(properties["e"], Unknown) and isinstance(properties["f"], Unknown)
    assert "'x'" in properties["f"].reason


def test_nested_inner_scope_with_parameters_and_outputs(tmp_path, arm):
    inner = arm.template([storage("[parameters('name')]", location="[parameters('location')]")],
                     parameters={"name": {"type": "string"}, "location": {"type": "string"}},
                     outputs={"sku": {"type": "string", "value": "[reference(parameters('name')).x]"},
                              "id": {"type": "string",
                                     "value": "[resourceId('Microsoft.Storage/storageAccounts', parameters('name'))]"}})
    hub = {"type": "Microsoft.MachineLearningServices/workspaces", "apiVersion": "2024-04-01", "name": "hub",
           "location": "eastus", "kind": "Hub", "properties": {
               "storageAccount": "[reference(resourceId('Microsoft.Resources/deployments', 'mod'), "
                                 "'2022-09-01').outputs.id.value]"}}
    arm.write(tmp_path, "t.json", arm.template(
        [nested("mod", inner, scope="inner", params={"name": "innerst", "location": "[parameters('where')]"}), hub],
        parameters={"where": {"type": "string", "defaultValue": "northeurope"}}))
    resources = arm.by_name(arm.load(tmp_path))
    assert resources["innerst"].location == "northeurope"
    assert resources["hub"].properties["storageAccount"] == resources["innerst"].id


def test_nested_outer_scope_sees_the_parent_parameters(tmp_path, arm):
    inner = arm.template([storage("[parameters('name')]")])
    arm.write(tmp_path, "t.json", arm.template([nested("mod", inner)],
                                       parameters={"name": {"type": "string", "defaultValue": "outerst"}}))
    assert [r.name for r in arm.load(tmp_path).resources] == ["outerst"]


def test_nested_deployment_with_unknowable_name_still_passes_outputs(tmp_path, arm):
    inner = arm.template([], outputs={"v": {"type": "string", "value": "out"}})
    name = "[format('{0}-mod', uniqueString(deployment().name))]"
    reader = storage("st", properties={
        "v": f"[reference(resourceId('Microsoft.Resources/deployments', {name[1:-1]})).outputs.v.value]"})
    arm.write(tmp_path, "t.json", arm.template([nested(name, inner, scope="inner"), reader]))
    assert arm.load(tmp_path).resources[0].properties["v"] == "out"


def test_language_version_2_symbolic_names_and_existing(tmp_path, arm):
    resources = {
        "vault": {"type": "Microsoft.KeyVault/vaults", "apiVersion": "2023-07-01", "name": "kv", "existing": True},
        "sa": storage("st", properties={"vaultId": "[resourceId('Microsoft.KeyVault/vaults', 'kv')]",
                                        "vaultUri": "[reference('vault').vaultUri]"}),
        "hub": {"type": "Microsoft.MachineLearningServices/workspaces", "apiVersion": "2024-04-01",
                "name": "hub", "location": "eastus", "kind": "Hub",
                "properties": {"sku": "[reference('sa', '2023-01-01', 'full').sku.name]"}},
    }
    arm.write(tmp_path, "t.json", {**arm.template(resources), "languageVersion": "2.0"})
    loaded = arm.by_name(arm.load(tmp_path))
    assert set(loaded) == {"st", "hub"}  # the existing vault is not deployed by this template
    assert loaded["hub"].properties["sku"] == "Standard_LRS"
    assert isinstance(loaded["st"].properties["vaultUri"], Unknown)


def test_user_defined_functions_with_namespaces(tmp_path, arm):
    functions = [{"namespace": "naming", "members": {"prefixed": {
        "parameters": [{"name": "base", "type": "string"}],
        "output": {"type": "string", "value": "[concat('p-', parameters('base'))]"}}}}]
    arm.write(tmp_path, "t.json", arm.template([storage("[naming.prefixed('st')]")], functions=functions))
    assert arm.load(tmp_path).resources[0].name == "p-st"


def test_positions_of_a_resource_and_of_its_sku_name(arm):
    loaded = arm.load(FIXTURES / "hub", files=["hub.json"])
    storage_account = next(r for r in loaded.resources if r.type == "Microsoft.Storage/storageAccounts")
    text = (FIXTURES / "hub" / "hub.json").read_text().splitlines()
    sku_line = next(i for i, line in enumerate(text, 1) if '"name": "[parameters(\'storageSku\')]"' in line)
    start_line = next(i for i, line in enumerate(text, 1) if '"resources": [' in line) + 1
    assert storage_account.position.line == start_line
    assert storage_account.locate(("sku", "name")).line == sku_line


def test_location_provenance_says_where_the_value_came_from(tmp_path, arm):
    inner = arm.template([storage("[concat('mod-', parameters('suffix'))]", location="[parameters('loc')]")],
                         parameters={"loc": {"type": "string"}, "suffix": {"type": "string"}})
    arm.write(tmp_path, "t.json", arm.template(
        [storage("literal", location="eastus"),
         storage("variable", location="[variables('where')]"),
         storage("param", location="[parameters('location')]"),
         storage("param-variable", location="[variables('chosen')]"),
         storage("context", location="[resourceGroup().location]"),
         nested("mod", inner, scope="inner", params={"loc": "westus", "suffix": "literal"}),
         nested("mod2", inner, scope="inner", params={"loc": "[parameters('location')]", "suffix": "caller"})],
        parameters={"location": {"type": "string", "defaultValue": "eastus"}},
        variables={"where": "eastus", "chosen": "[parameters('location')]"}))
    loaded = arm.by_name(arm.load(tmp_path))
    sources = {name: r.fields()["template"]["location"]["source"] for name, r in loaded.items()}
    assert sources == {"literal": "literal", "variable": "literal", "param": "parameter", "param-variable": "parameter",
                       "context": "deployment", "mod-literal": "literal", "mod-caller": "caller"}
    literal = {name: r.fields()["template"]["location"]["literal"] for name, r in loaded.items()}
    assert [name for name, is_literal in literal.items() if is_literal] == ["literal", "variable", "mod-literal"]
    assert loaded["param"].provenance["location"].text == "[parameters('location')]"


def test_unknown_paths_name_their_cause(tmp_path, arm):
    arm.write(tmp_path, "t.json", arm.template([storage("st", properties={
        "now": "[utcNow()]", "guid": "[newGuid()]",
        "external": "[reference('/subscriptions/x/resourceGroups/y/providers/A.B/c/d').value]",
        "keys": "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'st'), '2023-01-01')]",
        "deployment": "[deployment().name]", "subscription": "[subscription().subscriptionId]",
        "missing": "[parameters('nope')]", "unsupported": "[someFunction()]",
        "runtime": "[reference(resourceId('Microsoft.Storage/storageAccounts', 'other')).primaryEndpoints]"}),
        storage("other")]))
    properties = arm.by_name(arm.load(tmp_path))["st"].properties
    expected_words = {"now": "utcNow", "guid": "newGuid", "external": "not deployed", "keys": "listKeys",
                      "deployment": "name", "subscription": "subscription", "missing": "nope",
                      "unsupported": "someFunction", "runtime": "primaryEndpoints"}
    for key, word in expected_words.items():
        assert isinstance(properties[key], Unknown), key
        assert word in properties[key].reason, (key, properties[key].reason)


def test_unknown_location_without_configuration(tmp_path, arm):
    arm.write(tmp_path, "t.json", arm.template([storage("st", location="[resourceGroup().location]")]))
    arm.write(tmp_path, "t.parameters.json", arm.parameters())
    [resource] = arm.load(tmp_path).resources
    assert isinstance(resource.location, Unknown) and "resourceGroup().location" in resource.location.reason


def test_self_referencing_templates_do_not_recurse_forever(tmp_path, arm):
    arm.write(tmp_path, "t.json", arm.template(
        [storage("[variables('a')]", properties={"p": "[reference('st').p]"}), nested("self", arm.template([]))],
        variables={"a": "[variables('b')]", "b": "[variables('a')]"}))
    arm.write(tmp_path, "loop.json", arm.template([{
        "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "again",
        "properties": {"mode": "Incremental", "templateLink": {"relativePath": "loop.json"}}}]))
    loaded = arm.load(tmp_path)
    assert isinstance(loaded.resources[0].name, Unknown)


def test_allowed_values_of_an_array_constrain_its_elements_even_without_a_declared_array_type(tmp_path):
    from linter.inputs import InputFile, LoadContext
    from linter.inputs.arm import FRONT_END
    from linter.inputs.jsondoc import parse_json

    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"protocols": {"type": "object", "allowedValues": ["Http", "Https"],
                                     "defaultValue": ["Http", "Https"]},
                       "bad": {"type": "array", "allowedValues": ["Http"], "defaultValue": ["Ftp"]}},
        "resources": [{"type": "Microsoft.Cdn/profiles", "apiVersion": "2024-02-01", "name": "p",
                       "location": "global",
                       "properties": {"a": "[parameters('protocols')]", "b": "[parameters('bad')]"}}],
    }
    import json

    path = tmp_path / "main.json"
    path.write_text(json.dumps(template))
    document = parse_json(path.read_bytes(), "main.json")
    loaded = FRONT_END.load([InputFile(path, "main.json", "arm-template", document)], LoadContext(tmp_path))
    messages = [d.message for d in loaded.diagnostics]
    assert not any("protocols" in m for m in messages)
    assert any("'bad'" in m for m in messages)
