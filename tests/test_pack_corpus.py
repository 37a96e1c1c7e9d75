"""The Foundry rules on a real template: the Azure Verified Modules pattern for an AI Foundry account with its
Agent Service dependencies (Cosmos DB, Storage, AI Search), compiled to ARM, deployed to one region with its
associated resources and a lock on the account."""

from __future__ import annotations

import json
import shutil

from linter.config import load_config
from linter.results import Outcome
from linter.scan import ScanOptions, run_scan
from tests.conftest import shared_path

PARAMETERS = {"baseName": "contoso", "location": "eastus2", "includeAssociatedResources": True,
              "lock": {"kind": "CanNotDelete", "name": "keep"}, "enableTelemetry": False}
DEPLOYMENT = ("deployments:\n  - {name: main, template: main.json, parameters: main.parameters.json, location: "
              "eastus2, subscription: 00000000-0000-0000-0000-000000000001, resourceGroup: rg-ai}\n")


def test_the_foundry_rules_on_the_avm_ai_foundry_pattern(tmp_path):
    template = shared_path("corpus", "avm", "ptn", "ai-ml", "ai-foundry", "main.json")
    shutil.copy(template, tmp_path / "main.json")
    (tmp_path / "main.parameters.json").write_text(json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "contentVersion": "1.0.0.0", "parameters": {k: {"value": v} for k, v in PARAMETERS.items()}}))
    (tmp_path / "drlint.yaml").write_text(DEPLOYMENT)
    config, problems = load_config(tmp_path / "drlint.yaml", "drlint.yaml")
    assert not problems
    report = run_scan(ScanOptions([tmp_path], posture="hot-hot", select=["DR7"]), config)
    outcomes = {}
    for result in report.results:
        kind = result.resource.type.rsplit("/", 1)[-1].lower() if result.resource else None
        outcomes.setdefault((result.rule.id, None if result.estate_scope else kind), set()).add(result.outcome)
    assert not [r for r in report.results if r.outcome is Outcome.ERROR]
    assert not [d for d in report.diagnostics if d.code == "internal-error"]
    assert outcomes[("DR701", None)] == {Outcome.FAIL}                    # one region
    assert outcomes[("DR702", "accounts")] == {Outcome.PASS}              # the pattern deploys a project
    assert outcomes[("DR704", "databaseaccounts")] == {Outcome.FAIL}      # the thread store has one location
    assert outcomes[("DR706", "storageaccounts")] == {Outcome.FAIL}       # the file store is GRS, not GZRS
    assert outcomes[("DR705", "databaseaccounts")] == {Outcome.PASS}
    assert outcomes[("DR707", "searchservices")] == {Outcome.PASS}
    assert outcomes[("DR708", "accounts")] == {Outcome.PASS}              # the `lock` parameter locks the account
    # the stores get no lock from this template: another deployment may lock them
    assert outcomes[("DR708", "storageaccounts")] == {Outcome.UNKNOWN}
