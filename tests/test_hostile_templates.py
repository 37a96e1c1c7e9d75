"""Templates that ask for unbounded work: each deployment has one budget (steps, string and value sizes,
nested deployments); past it the deployment is reported at the expression that hit the bound, and the rest of
the estate is still checked.

The pathological shapes are the real ones (a self-recursive function, copies nested 800 x 800 x 800, a fan-out
of linked templates, doubling variables, huge pad widths); most tests lower the step budget so they stay quick,
and one runs at the shipped bounds.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from linter.config import Config
from linter.inputs.arm import budget
from linter.inputs.arm.functions import core
from linter.scan import ScanOptions, run_scan
from tests.conftest import FIXTURES

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
STORAGE = {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "location": "eastus"}


def template(**sections) -> str:
    return json.dumps({"$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": [], **sections}, indent=1)


def storage(name: str, **extra) -> dict:
    return {**STORAGE, "name": name, **extra}


RECURSIVE_FUNCTION = template(
    functions=[{"namespace": "ns", "members": {"f": {
        "parameters": [{"name": "x", "type": "string"}],
        "output": {"type": "string", "value": "[concat(ns.f(parameters('x')), ns.f(parameters('x')))]"}}}}],
    resources=[storage("[ns.f('a')]")])

PATHOLOGICAL = {
    "recursive.json": RECURSIVE_FUNCTION,
    "resource-copies.json": template(resources=[storage(
        "[concat('s', copyIndex())]", copy={"name": "c", "count": 800},
        properties={"copy": [{"name": "a", "count": 800, "input": {
            "copy": [{"name": "b", "count": 800, "input": "[copyIndex('b')]"}]}}]})]),
    "variable-copies.json": template(
        variables={"copy": [{"name": "v", "count": 800, "input": {"copy": [{"name": "w", "count": 800, "input": {
            "copy": [{"name": "z", "count": 800, "input": "x"}]}}]}}]},
        resources=[storage("s", properties={"x": "[variables('v')]"})]),
    "doubling.json": template(
        variables={"v0": "ab", **{f"v{i}": f"[concat(variables('v{i - 1}'), variables('v{i - 1}'))]"
                                  for i in range(1, 61)}},
        resources=[storage("[variables('v60')]")]),
    "doubling-arrays.json": template(
        variables={"v0": [1], **{f"v{i}": f"[createArray(variables('v{i - 1}'), variables('v{i - 1}'))]"
                                 for i in range(1, 61)}},
        resources=[storage("s", properties={"x": "[length(string(variables('v60')))]"})]),
    "pad.json": template(resources=[storage("[padLeft('x', 2000000000)]")]),
    "split.json": template(resources=[storage("[string(length(split(padLeft('', 500000000, ','), ',')))]")]),
    "format.json": template(resources=[storage("[format('{0,2000000000}', 'x')]")]),
    "recursive.bicep": """
        func f(x string) string => '${f(x)}${f(x)}'
        resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {
          name: f('a')
          location: 'eastus'
        }
        """,
    "loops.bicep": """
        var cube = [for i in range(0, 800): [for j in range(0, 800): [for k in range(0, 800): k]]]
        resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {
          name: 's'
          location: 'eastus'
          properties: {
            x: cube
          }
        }
        """,
    "doubling.bicep": "\n".join(["var v0 = 'ab'", *(f"var v{i} = '${{v{i - 1}}}${{v{i - 1}}}'" for i in range(1, 61)),
                                 "resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {", "  name: v60",
                                 "  location: 'eastus'", "}"]),
}


def linked_fan_out(root: Path, levels: int = 17, width: int = 3) -> None:
    """`t0.json` links `t1.json` three times, which links `t2.json` three times, and so on."""
    (root / "links").mkdir()
    for level in range(levels):
        resources = [storage(f"st{level}")]
        if level < levels - 1:
            resources += [{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
                           "name": f"d{level}-{k}", "properties": {
                               "mode": "Incremental", "templateLink": {"relativePath": f"t{level + 1}.json"}}}
                          for k in range(width)]
        (root / "links" / f"t{level}.json").write_text(template(resources=resources))


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"))


def scan(root: Path, *paths: str):
    options = ScanOptions([root / p for p in paths] if paths else [root], select=["DR201"])
    return run_scan(options, Config())


@pytest.fixture
def small_budget(monkeypatch):
    monkeypatch.setattr(budget, "MAX_STEPS", 30_000)
    monkeypatch.setattr(budget, "MAX_DEPLOYMENTS", 50)
    monkeypatch.setattr(core, "MAX_STRING_CHARS", 50_000)
    monkeypatch.setattr(core, "MAX_VALUE_ITEMS", 20_000)


def budget_diagnostics(report):
    return {d.position.file: d for d in report.diagnostics if "bounds the work" in d.message}


def test_an_estate_of_pathological_templates_is_reported_file_by_file_and_the_rest_checked(tmp_path, small_budget):
    write(tmp_path, PATHOLOGICAL)
    linked_fan_out(tmp_path)
    (tmp_path / "good.json").write_text((FIXTURES / "rules" / "DR201" / "rg-fail" / "resources.json").read_text())
    report = scan(tmp_path)
    found = budget_diagnostics(report)
    expected = set(PATHOLOGICAL)
    assert expected <= set(found), sorted(set(expected) - set(found))
    assert any(name.startswith("links/") for name in found)
    for diagnostic in found.values():
        assert diagnostic.severity == "error" and diagnostic.position.line >= 1
    assert any(r.rule.id == "DR201" and r.outcome.value == "fail" for r in report.results)


@pytest.mark.parametrize(("name", "line", "expression"), [
    ("recursive.json", None, "ns.f("),
    ("pad.json", None, "padLeft('x', 2000000000)"),
    ("format.json", None, "format('{0,2000000000}'"),
    ("doubling.json", None, "concat(variables("),
    ("recursive.bicep", 2, "__bicep.f("),
    ("doubling.bicep", None, "variables('v"),
])
def test_the_diagnostic_names_the_expression_that_hit_the_bound(tmp_path, small_budget, name, line, expression):
    write(tmp_path, {name: PATHOLOGICAL[name]})
    diagnostic = budget_diagnostics(scan(tmp_path))[name]
    assert expression in diagnostic.message
    if line is not None:
        assert diagnostic.position.line == line
    else:
        assert diagnostic.position.line > 1  # at the declaration, not the top of the file


def test_a_doubling_variable_is_stopped_at_its_own_line(tmp_path, small_budget):
    write(tmp_path, {"doubling.json": PATHOLOGICAL["doubling.json"]})
    diagnostic = budget_diagnostics(scan(tmp_path))["doubling.json"]
    text = (tmp_path / "doubling.json").read_text().splitlines()
    assert '"v' in text[diagnostic.position.line - 1]


def test_a_self_recursive_function_stops_at_the_shipped_bounds(tmp_path):
    (tmp_path / "recursive.json").write_text(RECURSIVE_FUNCTION)
    report = scan(tmp_path)
    assert list(budget_diagnostics(report)) == ["recursive.json"]
    assert report.resource_count == 0


def test_real_templates_stay_far_within_the_budget():
    from tests.conftest import shared_path

    root = shared_path("corpus", "avm", "ptn", "finops-toolkit")
    report = run_scan(ScanOptions([root]), Config())
    assert not budget_diagnostics(report) and report.resource_count > 0


def test_one_deployments_budget_is_not_shared_with_the_next(tmp_path, monkeypatch):
    monkeypatch.setattr(budget, "MAX_STEPS", 5_000)
    body = template(variables={"a": "[range(0, 900)]"}, resources=[storage("[concat('s', length(variables('a')))]")])
    for i in range(8):
        (tmp_path / f"t{i}.json").write_text(body)
    report = scan(tmp_path)
    assert not budget_diagnostics(report) and report.resource_count == 8
