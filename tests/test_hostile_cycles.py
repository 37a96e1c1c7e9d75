"""Templates that deploy each other in a cycle: reported, every resource checked once, nothing lost."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from linter.config import Config
from linter.scan import ScanOptions, run_scan

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
BICEP = """module m '{0}' = {{
  name: 'm'
}}
resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {{
  name: '{1}'
  location: 'eastus'
}}
"""


def arm(name: str, link: str) -> str:
    return json.dumps({"$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": [
        {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": name,
         "location": "eastus", "sku": {"name": "Standard_LRS"}},
        {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "d",
         "properties": {"mode": "Incremental", "templateLink": {"relativePath": link}}}]}, indent=1)


CASES = {
    "arm-unrooted": {"a.json": arm("sta", "b.json"), "b.json": arm("stb", "a.json")},
    "arm-rooted": {"main.json": arm("stmain", "a.json"), "a.json": arm("sta", "b.json"),
                   "b.json": arm("stb", "a.json")},
    "bicep-unrooted": {"a.bicep": BICEP.format("b.bicep", "sta"), "b.bicep": BICEP.format("a.bicep", "stb")},
    "bicep-rooted": {"main.bicep": BICEP.format("a.bicep", "stmain"), "a.bicep": BICEP.format("b.bicep", "sta"),
                     "b.bicep": BICEP.format("a.bicep", "stb")},
}


@pytest.mark.parametrize("case", CASES)
def test_a_cycle_is_reported_once_and_each_resource_checked_once(tmp_path, case):
    for name, text in CASES[case].items():
        (tmp_path / name).write_text(text)
    report = run_scan(ScanOptions([tmp_path]), Config())
    cycle = [d for d in report.diagnostics if "links back to itself" in d.message or "includes itself" in d.message]
    assert len(cycle) == 1 and cycle[0].severity == "error" and cycle[0].position.file in CASES[case]
    names = {"sta", "stb"} | ({"stmain"} if "rooted" in case and "unrooted" not in case else set())
    assert report.resource_count == len(names)
    findings = Counter((r.rule.id, r.resource.name) for r in report.results if r.resource is not None)
    assert {name for _, name in findings} == names
    assert set(findings.values()) == {1}  # no finding repeated for each turn of the cycle
