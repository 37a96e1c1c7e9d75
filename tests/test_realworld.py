"""Real-world layouts and values (issue 9): each case is a fixture of our own under fixtures/realworld/,
reproducing something public repositories do, scanned end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.config import Config, find_config, load_config, shown_path
from linter.results import Outcome
from linter.scan import ScanOptions, run_scan

REALWORLD = Path(__file__).resolve().parents[1] / "fixtures" / "realworld"


def scan(*paths: Path, select: tuple[str, ...] = ()):
    config_path = find_config(paths[0])
    config, problems = load_config(config_path, shown_path(config_path)) if config_path else (Config(), [])
    assert not problems
    return run_scan(ScanOptions(list(paths), select=list(select)), config)


def outcomes(report, rule: str) -> list[tuple[str, str]]:
    """(resource shown, outcome) of a rule's results, in report order."""
    return [(r.resource.display_name if r.resource else "", r.outcome.value)
            for r in report.results if r.rule.id == rule]


# ---- one unknown expression, one value ------------------------------------------------------------------
@pytest.mark.parametrize("front_end", ["arm", "bicep"])
def test_resources_at_the_same_unknown_location_are_in_one_region(front_end):
    report = scan(REALWORLD / "same-unknown-region" / front_end, select=("DR101", "DR106"))
    # hub and App Insights both at `location` (= resourceGroup().location, not configured): same region
    assert sorted(outcomes(report, "DR106")) == [("lab-hub-a", "pass"), ("lab-hub-b", "pass")]
    # two hubs at that one location are one region: a real failure, not "cannot tell"
    [dr101] = [r for r in report.results if r.rule.id == "DR101"]
    assert dr101.outcome is Outcome.FAIL
    assert "resourceGroup().location" in dr101.message and "unknown" not in dr101.message


def test_the_same_expression_in_two_deployments_is_not_one_value():
    # hub.json deployed twice (two parameter files), neither says where: the regions may differ
    report = scan(REALWORLD / "two-deployments-unknown-region", select=("DR101",))
    [dr101] = report.results
    assert dr101.outcome is Outcome.UNKNOWN


def _value(text: str, label: str = "main", template: dict | None = None):
    from linter.inputs.arm.evaluator import Env, evaluate_string
    from linter.inputs.arm.scope import DeploymentContext
    from linter.inputs.arm.template import TemplateRun
    from linter.inputs.jsondoc import parse_json

    class Sink:
        def __init__(self) -> None:
            self.runs: list = []

        def report(self, *args, **kwargs) -> None:
            pass

        def find_id(self, key):
            return None

    run = TemplateRun(sink=Sink(), template=template or {}, document=parse_json("{}", "t.json"), base=(), file=None,
                      context=DeploymentContext(label=label, name=label))
    return evaluate_string(text, Env(run))


def test_symbolic_unknowns_are_equal_only_when_built_the_same_way_in_the_same_deployment():
    from linter.model import Unknown, same_value

    location = _value("[resourceGroup().location]")
    assert isinstance(location, Unknown) and location.text == "resourceGroup().location"
    assert same_value(location, _value("[resourceGroup().location]"))
    assert not same_value(location, _value("[resourceGroup().location]", label="other"))
    assert same_value(_value("[toLower(resourceGroup().location)]"), _value("[toLower(resourceGroup().location)]"))
    assert not same_value(location, _value("[toLower(resourceGroup().location)]"))
    assert not same_value(_value("[concat('a', resourceGroup().location)]"),
                          _value("[concat('b', resourceGroup().location)]"))
    # deployment-time values differ at every use; an Unknown is never `==` (ids must not join by accident)
    assert not same_value(_value("[utcNow()]"), _value("[utcNow()]"))
    assert not location == _value("[resourceGroup().location]")  # noqa: SIM201
    parameter = {"parameters": {"location": {"type": "string"}}}
    assert same_value(_value("[parameters('location')]", template=parameter),
                      _value("[parameters('location')]", template=parameter))


def test_a_resource_group_named_from_utcnow_says_so():
    from linter.inputs.arm.scope import DeploymentContext

    context = DeploymentContext(label="main", name="main", level="subscription")
    nested = context.nested("m", level="resourceGroup", resource_group=_value("[format('rg-{0}', utcNow())]"))
    region = nested.resource_group_object()["location"]
    assert "the resource group's name comes from utcNow()" in region.reason


# ---- duplicates -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("front_end", ["arm", "bicep"])
def test_a_resource_deployed_by_identical_loop_iterations_is_reported_once(front_end):
    report = scan(REALWORLD / "identical-loop" / front_end, select=("DR202",))
    assert outcomes(report, "DR202") == [("labstore", "fail")]
    assert report.resource_count == 1


# ---- module parameters written as createObject('value', ...) -------------------------------------------
@pytest.mark.parametrize("front_end", ["arm", "bicep"])
def test_a_module_parameter_built_by_an_expression_is_literal_only_when_the_expression_is(front_end):
    report = scan(REALWORLD / "module-parameter-object" / front_end, select=("DR113",))
    assert sorted(outcomes(report, "DR113")) == [("lab-kv", "pass"), ("labacr", "fail"), ("labdata", "pass")]


# ---- nested children that refer to each other -------------------------------------------------------------
def test_nested_children_refer_to_their_siblings_by_name():
    report = scan(REALWORLD / "nested-siblings", select=("DR105",))
    assert not [d for d in report.diagnostics if "not declared" in d.message]
    assert outcomes(report, "DR105") == [("lab-hub", "pass")]


def test_an_unknown_name_is_shown_as_written_in_the_bicep_file(tmp_path):
    (tmp_path / "main.bicep").write_text(
        "param baseName string\n"
        "resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {\n"
        "  name: 'kv-${baseName}'\n"
        "  location: 'eastus2'\n"
        "  properties: {\n"
        "    tenantId: subscription().tenantId\n"
        "    sku: { family: 'A', name: 'standard' }\n"
        "  }\n"
        "}\n")
    report = scan(tmp_path, select=("DR302",))
    [finding] = report.results
    assert finding.outcome is Outcome.FAIL
    assert "'kv-${baseName}'" in finding.message and "unknown" not in finding.message


# ---- IaC in hidden folders --------------------------------------------------------------------------------
def test_a_scan_that_finds_only_hidden_templates_says_where_they_are():
    report = scan(REALWORLD / "hidden-infra")
    [problem] = report.diagnostics
    assert problem.severity == "error" and ".infra/" in problem.message
    assert "drlint scan" in problem.message and problem.position.file.endswith(".infra")
    assert report.resource_count == 0


def test_naming_the_hidden_folder_scans_it():
    report = scan(REALWORLD / "hidden-infra" / ".infra", select=("DR101",))
    assert not report.diagnostics and report.resource_count == 1


def test_an_empty_scan_is_a_warning_not_silence(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here")
    report = scan(tmp_path)
    [problem] = report.diagnostics
    assert problem.severity == "warning" and "nothing was checked" in problem.message


# ---- build output beside its source -----------------------------------------------------------------------
def _copy(case: str, tmp_path: Path, *names: str) -> Path:
    import shutil

    for name in names:
        shutil.copy(REALWORLD / case / name, tmp_path / name)
    return tmp_path


def test_the_build_output_of_a_bicep_file_is_not_a_second_deployment():
    # a stale main.json (built when the default region was westus3) beside main.bicep (eastus2): one account
    report = scan(REALWORLD / "build-output", select=("DR104",))
    [dr104] = report.results
    assert dr104.outcome is Outcome.FAIL and report.resource_count == 1
    assert dr104.position.file.endswith("main.bicep")
    [note] = [d for d in report.diagnostics if d.severity == "note"]
    assert note.position.file.endswith("main.json") and "build output of main.bicep" in note.message


def test_a_build_output_alone_is_scanned(tmp_path):
    report = scan(_copy("build-output", tmp_path, "main.json"), select=("DR104",))
    [dr104] = report.results
    assert dr104.outcome is Outcome.FAIL and dr104.position.file == "main.json"
    assert not report.diagnostics


def test_drlint_yaml_naming_the_build_output_wins(tmp_path):
    _copy("build-output", tmp_path, "main.json", "main.bicep")
    (tmp_path / "drlint.yaml").write_text("deployments:\n  - name: built\n    template: main.json\n")
    report = scan(tmp_path, select=("DR104",))
    assert [r.position.file for r in report.results] == ["main.json"] and report.resource_count == 1
    assert [d.position.file for d in report.diagnostics if d.severity == "note"] == ["main.bicep"]


def test_the_parameter_files_of_a_build_output_give_the_source_its_values(tmp_path):
    _copy("build-output", tmp_path, "main.json", "main.bicep")
    for env, region in (("primary", "eastus2"), ("secondary", "centralus")):
        (tmp_path / f"main.{env}.parameters.json").write_text(
            '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", '
            f'"contentVersion": "1.0.0.0", "parameters": {{"location": {{"value": "{region}"}}, '
            f'"prefix": {{"value": "{env}"}}}}}}')
    report = scan(tmp_path, select=("DR104",))
    [dr104] = report.results
    assert dr104.outcome is Outcome.PASS and report.resource_count == 2
    assert dr104.resource.origin.kind == "bicep"


# ---- azd projects ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("front_end", ["arm", "bicep"])
def test_azd_parameters_belong_to_the_template_beside_them_and_placeholders_are_not_literals(front_end, monkeypatch):
    for name in ("AZURE_LOCATION", "AZURE_ENV_NAME", "LAB_STORAGE_SKU", "AZURE_PRINCIPAL_ID"):
        monkeypatch.delenv(name, raising=False)
    report = scan(REALWORLD / "azd" / front_end, select=("DR101", "DR201", "DR202"))
    # the parameter file is used (no "without a template"), its extra parameter named as written
    [extra] = report.diagnostics
    assert extra.severity == "warning" and "'principalId' is not declared" in extra.message
    # ${LAB_STORAGE_SKU=Standard_LRS}: the default after `=`; the hub finds its storage account although its
    # name comes from ${AZURE_ENV_NAME} (one symbolic name on both sides)
    assert outcomes(report, "DR202") == [("st${environmentName}" if front_end == "bicep"
                                          else "[format('st{0}', parameters('environmentName'))]", "fail")]
    assert [o for _, o in outcomes(report, "DR201")] == ["fail"]
    # ${AZURE_LOCATION} unset: not a region called "${azure_location}", and no allowedValues error
    [dr101] = [r for r in report.results if r.rule.id == "DR101"]
    assert dr101.outcome is Outcome.FAIL and dr101.resource.location.reason.startswith("set by azd from")


@pytest.mark.parametrize("front_end", ["arm", "bicep"])
def test_azd_placeholders_take_the_environment_when_it_is_set(front_end, monkeypatch):
    monkeypatch.setenv("AZURE_LOCATION", "swedencentral")
    monkeypatch.setenv("LAB_STORAGE_SKU", "Standard_GZRS")
    monkeypatch.setenv("AZURE_ENV_NAME", "dev")
    report = scan(REALWORLD / "azd" / front_end, select=("DR101", "DR202"))
    assert outcomes(report, "DR202") == [("stdev", "pass")]
    [dr101] = [r for r in report.results if r.rule.id == "DR101"]
    assert dr101.resource.location == "swedencentral"


def test_an_azd_value_outside_allowed_values_is_still_an_error(monkeypatch):
    monkeypatch.setenv("AZURE_LOCATION", "westus")  # not allowed: that is a real error
    report = scan(REALWORLD / "azd" / "arm", select=("DR101",))
    assert [d for d in report.diagnostics if d.severity == "error" and "allowedValues" in d.message]


def test_azd_substitution():
    from linter.inputs.azd import substitute
    from linter.model import Unknown

    env = {"NAME": "dev"}
    assert substitute("${NAME}", env) == "dev"
    assert substitute("rg-${NAME}-${REGION=eastus2}", env) == "rg-dev-eastus2"
    assert substitute({"tags": ["${NAME}", 3]}, env) == {"tags": ["dev", 3]}
    assert substitute("${EMPTY=}", env) == ""
    missing = substitute("${REGION}", env)
    assert isinstance(missing, Unknown) and "REGION" in missing.reason and missing.text == "${REGION}"
    assert substitute("$NAME and ${not a placeholder", env) == "$NAME and ${not a placeholder"


# ---- drlint.yaml deployments -------------------------------------------------------------------------------
def test_a_json_parameter_file_paired_with_bicep_in_drlint_yaml_is_used_and_not_reported():
    report = scan(REALWORLD / "config-json-parameters", select=("DR202",))
    assert not report.diagnostics
    assert outcomes(report, "DR202") == [("labprod", "pass")]  # Standard_GZRS from the JSON file
    assert report.results[0].resource.origin.deployment == "production"


def test_an_entry_no_front_end_reads_is_reported_at_its_line_in_the_named_config_file(tmp_path, monkeypatch):
    (tmp_path / "main.bicep").write_text("param location string = 'eastus2'\n")
    (tmp_path / ".drlint.yaml").write_text(
        "deployments:\n"
        "  - template: main.bicep\n"
        "  - name: network\n"
        "    template: infra/network.tf\n")
    monkeypatch.chdir(tmp_path)
    report = scan(tmp_path)
    [problem] = report.diagnostics
    assert problem.code == "config-error" and "network.tf" in problem.message
    assert ".drlint.yaml" in problem.message
    assert (problem.position.file, problem.position.line) == (".drlint.yaml", 3)


def test_result_paths_are_relative_to_the_current_directory_with_or_without_drlint_yaml(tmp_path, monkeypatch):
    import shutil

    project = tmp_path / "repo"
    shutil.copytree(REALWORLD / "config-json-parameters", project)
    monkeypatch.chdir(project)
    with_config = scan(Path("infra"), select=("DR202",))
    (project / "drlint.yaml").unlink()
    without_config = scan(Path("infra"), select=("DR202",))
    assert with_config.root == without_config.root == project.resolve()
    assert with_config.files == without_config.files == ["infra/main.bicep", "infra/production-values.json"]


# ---- a child of a known parent whose own name is not known ------------------------------------------------
@pytest.mark.parametrize("front_end", ["arm", "bicep"])
def test_a_child_with_parent_hub_belongs_to_it_even_when_its_name_is_unknown(front_end):
    report = scan(REALWORLD / "parent-unknown-name" / front_end, select=("DR105",))
    assert outcomes(report, "DR105") == [("lab-hub", "pass")]


def _hub_and_connections_named_from_utcnow(tmp_path, connection_stamp: str) -> None:
    hub = "[format('hub-{0}', parameters('stamp'))]"
    accounts = [{"type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01",
                 "name": f"ai-{region}", "location": region, "kind": "AIServices", "sku": {"name": "S0"}}
                for region in ("eastus2", "centralus")]
    connections = [{"type": "Microsoft.MachineLearningServices/workspaces/connections", "apiVersion": "2024-10-01",
                    "name": f"[format('{{0}}/{{1}}', format('hub-{{0}}', parameters('{connection_stamp}')), "
                            f"'{region}')]",
                    "properties": {"category": "AIServices", "metadata": {
                        "ResourceId": f"[resourceId('Microsoft.CognitiveServices/accounts', 'ai-{region}')]"}}}
                   for region in ("eastus2", "centralus")]
    (tmp_path / "main.json").write_text(json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"stamp": {"type": "string", "defaultValue": "[utcNow('yyyyMMdd')]"},
                       "otherStamp": {"type": "string", "defaultValue": "[utcNow('u')]"}},
        "resources": [{"type": "Microsoft.MachineLearningServices/workspaces", "apiVersion": "2024-10-01",
                       "name": hub, "location": "eastus2", "kind": "Hub"}, *accounts, *connections]}))


def test_a_child_named_from_utcnow_says_what_depends_on_it(tmp_path):
    # the connections' parent is named from another utcNow() parameter: maybe the hub, maybe not
    _hub_and_connections_named_from_utcnow(tmp_path, "otherStamp")
    report = scan(tmp_path, select=("DR105",))
    [dr105] = report.results
    assert dr105.outcome is Outcome.UNKNOWN and "its name comes from utcNow()" in dr105.reason


def test_a_child_of_a_parent_named_from_one_deployment_time_parameter_belongs_to_it(tmp_path):
    # a parameter has one value per deployment, even utcNow(): the connections' parent is the hub
    _hub_and_connections_named_from_utcnow(tmp_path, "stamp")
    report = scan(tmp_path, select=("DR105",))
    [dr105] = report.results
    assert dr105.outcome is Outcome.PASS


# ---- a region literal passed into a module ----------------------------------------------------------------
@pytest.mark.parametrize(("front_end", "written", "resource_line"), [
    ("arm", ("main.json", 5), ("main.json", 23)),
    ("bicep", ("main.bicep", 2), ("vault.bicep", 5)),
])
def test_a_literal_region_passed_to_a_module_is_reported_where_it_is_written(front_end, written, resource_line):
    report = scan(REALWORLD / "caller-literal-region" / front_end, select=("DR113",))
    [finding] = report.results
    assert finding.outcome is Outcome.FAIL and "'uksouth'" in finding.message
    assert (finding.position.file.rsplit("/", 1)[-1], finding.position.line) == written
    related = finding.related[0]
    assert related.resource is finding.resource
    assert (related.position.file.rsplit("/", 1)[-1], related.position.line) == resource_line


# ---- messages people can act on ---------------------------------------------------------------------------
def test_a_failure_about_a_resource_that_is_not_referenced_says_so_instead_of_filling_blanks(tmp_path):
    (tmp_path / "main.bicep").write_text(
        "resource hub 'Microsoft.MachineLearningServices/workspaces@2024-10-01' = {\n"
        "  name: 'lab-hub'\n  location: 'eastus2'\n  kind: 'Hub'\n}\n")
    report = scan(tmp_path, select=("DR201", "DR106"))
    for finding in report.results:
        assert finding.outcome is Outcome.FAIL
        assert "not set" not in finding.message
        # names what is absent (the reference) and says what to do
        assert "lab-hub" in finding.message and "`properties." in finding.message
        assert finding.message.endswith(finding.rule.docs.fix)


def test_a_hub_finds_its_registry_and_an_unknown_region_is_never_zero_regions(tmp_path):
    (tmp_path / "main.bicep").write_text(
        "param baseName string\n"
        "resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {\n"
        "  name: 'cr${baseName}'\n  location: resourceGroup().location\n  sku: { name: 'Basic' }\n}\n"
        "resource hub 'Microsoft.MachineLearningServices/workspaces@2024-10-01' = {\n"
        "  name: 'hub-${baseName}'\n  location: resourceGroup().location\n  kind: 'Hub'\n"
        "  properties: {\n    containerRegistry: registry.id\n  }\n"
        "  resource ai 'connections' = {\n    name: 'ai'\n"
        "    properties: { category: 'AIServices', metadata: { ResourceId: '/subscriptions/x/elsewhere' } }\n"
        "  }\n}\n")
    report = scan(tmp_path, select=("DR401", "DR105"))
    # the registry's name is not known, but it is the one the hub names: Basic is a failure, not "cannot tell"
    assert outcomes(report, "DR401") == [("hub-${baseName}", "fail")]
    [dr105] = [r for r in report.results if r.rule.id == "DR105"]
    assert dr105.outcome is Outcome.FAIL and "0 region" not in dr105.message and "(none)" not in dr105.message


@pytest.mark.parametrize("front_end", ["arm", "bicep"])
def test_a_finding_links_to_the_parameter_file_that_gives_the_deciding_value(front_end, monkeypatch):
    monkeypatch.delenv("LAB_STORAGE_SKU", raising=False)
    report = scan(REALWORLD / "azd" / front_end, select=("DR202",))
    [finding] = report.results
    given = finding.related[0]
    assert (given.position.file.rsplit("/", 1)[-1], given.position.line) == ("main.parameters.json", 12)
    assert "is given" in given.label


def test_a_value_given_by_a_parameter_file_through_two_modules_is_traced_to_the_file():
    report = scan(REALWORLD / "value-through-modules", select=("DR202",))
    [finding] = report.results
    assert finding.outcome is Outcome.FAIL and finding.position.file.endswith("modules/storage.bicep")
    given = finding.related[0]
    assert (given.position.file.rsplit("/", 1)[-1], given.position.line) == ("main.parameters.json", 6)


def test_a_hub_at_an_unknown_region_is_not_its_own_paired_partner():
    report = scan(REALWORLD / "same-unknown-region" / "arm", select=("DR102",))
    # both hubs are at resourceGroup().location: one region, so neither has a partner in another region
    assert {o for _, o in outcomes(report, "DR102")} <= {"fail", "unknown"}
    assert "pass" not in {o for _, o in outcomes(report, "DR102")}
