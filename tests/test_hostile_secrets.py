"""A secure parameter's value (`@secure()`, `securestring`, `secureObject`) never appears in a message, a
report or a diagnostic: drlint does not read it (checks that would need it are UNKNOWN)."""

from __future__ import annotations

import json
import textwrap

import pytest

from tests.conftest import drlint_process

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
PARAMS = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"
RULE = """\
id: SEC001
name: sec-echo
title: Echo everything a message can show
severity: error
select: {type: Microsoft.Storage/storageAccounts}
condition: {field: tags.pw, equals: nothing-like-this}
message: "{resource.name} has {actual} in {resource.tags.pw} and {resource.properties.conf}"
docs: {what: w, why: y, fix: f}
"""


def write_estate(root):
    storage = {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "location": "eastus",
               "tags": {"pw": "[parameters('pw')]"}, "properties": {"conf": "[parameters('conf')]"}}
    (root / "main.json").write_text(json.dumps({
        "$schema": SCHEMA, "contentVersion": "1.0.0.0",
        "parameters": {
            "pw": {"type": "securestring", "defaultValue": "SECRET-arm-default", "allowedValues": ["x"]},
            "conf": {"type": "secureObject", "defaultValue": {"key": "SECRET-arm-object"}},
            "other": {"type": "string", "defaultValue": "[parameters('pw')]", "allowedValues": ["y"]}},
        "resources": [{**storage, "name": "[concat('st', parameters('pw'))]"},
                      {**storage, "name": "[parameters('other')]"}],
        "outputs": {"leak": {"type": "securestring", "value": "[parameters('pw')]"}}}))
    (root / "main.parameters.json").write_text(json.dumps({
        "$schema": PARAMS, "contentVersion": "1.0.0.0",
        "parameters": {"pw": {"value": "SECRET-arm-file"}, "conf": {"value": {"key": "SECRET-arm-file-object"}}}}))
    (root / "app.bicep").write_text(textwrap.dedent("""
        @secure()
        param pw string = 'SECRET-bicep-default'
        @secure()
        param conf object = { key: 'SECRET-bicep-object' }
        module inner 'inner.bicep' = {
          name: 'inner'
          params: { pw: 'SECRET-bicep-literal-to-module' }
        }
        resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {
          name: 'st${pw}${inner.outputs.echo}'
          location: 'eastus'
          tags: { pw: pw }
          properties: { conf: conf }
        }
        """))
    (root / "inner.bicep").write_text(textwrap.dedent("""
        @secure()
        param pw string
        @secure()
        output echo string = pw
        resource t 'Microsoft.Storage/storageAccounts@2023-01-01' = {
          name: 'inner${pw}'
          location: 'eastus'
          tags: { pw: pw }
        }
        """))
    (root / "app.bicepparam").write_text("using 'app.bicep'\nparam pw = 'SECRET-bicepparam'\n")
    (root / "rule.yaml").write_text(RULE)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_secure_values_never_reach_any_output(tmp_path, fmt):
    write_estate(tmp_path)
    run = drlint_process("scan", ".", "--rules", "rule.yaml", "--select", "SEC", "--show-unknown", "--format", fmt,
                         cwd=tmp_path)
    assert "Traceback" not in run.stderr
    assert "SEC001" in run.stdout
    assert "SECRET" not in run.stdout and "SECRET" not in run.stderr


def test_checks_that_need_a_secure_value_are_unknown_not_failed(tmp_path):
    write_estate(tmp_path)
    run = drlint_process("scan", ".", "--rules", "rule.yaml", "--select", "SEC", "--show-unknown", "--format",
                         "json", cwd=tmp_path)
    outcomes = {r["outcome"] for r in json.loads(run.stdout)["results"]}
    assert outcomes == {"unknown"}


def test_a_secure_objects_flags_and_emptiness_still_decide_what_is_deployed(tmp_path):
    storage = {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "location": "eastus"}
    (tmp_path / "main.json").write_text(json.dumps({
        "$schema": SCHEMA, "contentVersion": "1.0.0.0",
        "parameters": {"settings": {"type": "secureObject", "defaultValue": {"enabled": False, "key": "SECRET"}},
                       "password": {"type": "securestring", "defaultValue": ""}},
        "resources": [{**storage, "name": "stflag", "condition": "[parameters('settings').enabled]"},
                      {**storage, "name": "stempty", "condition": "[not(empty(parameters('password')))]"},
                      {**storage, "name": "stkept"}]}))
    run = drlint_process("scan", ".", "--format", "json", "--show-unknown", "--select", "DR113", cwd=tmp_path)
    names = {r["resource_name"] for r in json.loads(run.stdout)["results"]}
    assert names == {"stkept"}
