"""`drlint init` through the CLI: what it finds, the starter drlint.yaml it writes (which drlint then loads
without error), what it says it assumed and could not tell, and that it never overwrites without --force."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from tests.conftest import FIXTURES, drlint_process

PARAMETERS_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"


def azd_project(root: Path, env_location: str | None = "swedencentral") -> None:
    (root / "infra").mkdir(parents=True)
    (root / "azure.yaml").write_text("name: chat\nmetadata:\n  template: chat@0.1\n")
    shutil.copy(FIXTURES / "rules" / "DR201" / "bicep-fail" / "main.bicep", root / "infra" / "main.bicep")
    (root / "infra" / "main.parameters.json").write_text(json.dumps({
        "$schema": PARAMETERS_SCHEMA, "contentVersion": "1.0.0.0",
        "parameters": {"location": {"value": "${AZURE_LOCATION}"}, "prefix": {"value": "${AZURE_ENV_NAME}"}}}))
    if env_location is not None:
        (root / ".azure" / "prod").mkdir(parents=True)
        (root / ".azure" / "config.json").write_text('{"version": 1, "defaultEnvironment": "prod"}')
        (root / ".azure" / "prod" / ".env").write_text(
            f'AZURE_ENV_NAME="prod"\nAZURE_LOCATION="{env_location}"\n'
            'AZURE_SUBSCRIPTION_ID="6F1C2B9E-3D4A-4C8E-9B1F-2A7D5E8C0F13"\n')


def config_of(root: Path) -> dict:
    return yaml.safe_load((root / "drlint.yaml").read_text())


def test_azd_project_with_its_environment(tmp_path):
    azd_project(tmp_path)
    run = drlint_process("init", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    (deployment,) = config_of(tmp_path)["deployments"]
    assert deployment == {"name": "prod", "template": "infra/main.bicep", "parameters": "infra/main.parameters.json",
                          "location": "swedencentral", "subscription": "6f1c2b9e-3d4a-4c8e-9b1f-2a7d5e8c0f13"}
    assert "Assumed:" in run.stdout and "azd environment `prod`" in run.stdout
    assert "${AZURE_ENV_NAME}, ${AZURE_LOCATION}" in run.stdout and "azd env get-values" in run.stdout
    # drlint loads what init wrote without a problem, and deploys the template it names
    scan = drlint_process("scan", ".", "--format", "json", "--show-unknown", cwd=tmp_path)
    report = json.loads(scan.stdout)
    assert not [d for d in report["diagnostics"] if d["code"] == "config-error"]
    assert any(r["rule"] == "DR101" and r["file"] == "infra/main.bicep" for r in report["results"])
    # with the azd environment loaded, as init says, the region is the environment's
    loaded = drlint_process("scan", ".", "--format", "json", cwd=tmp_path,
                            env={"AZURE_LOCATION": "swedencentral", "AZURE_ENV_NAME": "prod"})
    hubs = [r for r in json.loads(loaded.stdout)["results"] if r["rule"] == "DR101"]
    assert hubs and {r["location"] for r in hubs} == {"swedencentral"}


def test_azd_project_without_an_environment_says_what_it_could_not_tell(tmp_path):
    azd_project(tmp_path, env_location=None)
    run = drlint_process("init", cwd=tmp_path)
    assert run.returncode == 0
    (deployment,) = config_of(tmp_path)["deployments"]
    assert "location" not in deployment
    could_not = run.stdout.split("Could not tell:")[1]
    assert "${AZURE_LOCATION}" in could_not and "region of deployment `azd`" in could_not
    assert "# location: " in (tmp_path / "drlint.yaml").read_text()


def test_bicepparam_json_parameters_modules_and_build_output(tmp_path):
    shutil.copytree(FIXTURES / "rules" / "DR201" / "bicep-fail-local-module", tmp_path / "bicep")
    shutil.copytree(FIXTURES / "arm" / "hub", tmp_path / "arm")
    # a committed `bicep build` output beside its source is not a second template
    (tmp_path / "bicep" / "main.json").write_text(json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0", "metadata": {"_generator": {"name": "bicep"}}, "resources": []}))
    run = drlint_process("init", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    deployments = {d["name"]: d for d in config_of(tmp_path)["deployments"]}
    assert deployments["primary"] == {"name": "primary", "template": "arm/hub.json",
                                      "parameters": "arm/hub.parameters.primary.json", "location": "eastus2"}
    assert deployments["secondary"]["location"] == "centralus"
    bicep = [d for d in deployments.values() if d["template"] == "bicep/main.bicep"]
    assert len(bicep) == 1 and bicep[0]["parameters"] == "bicep/main.bicepparam"
    assert not any("modules/" in d["template"] for d in deployments.values())  # a module is not a deployment
    assert not any(d["template"] == "bicep/main.json" for d in deployments.values())
    scan = drlint_process("scan", ".", "--format", "json", cwd=tmp_path)
    assert not [d for d in json.loads(scan.stdout)["diagnostics"] if d["code"] == "config-error"]


def test_never_overwrites_without_force(tmp_path):
    shutil.copytree(FIXTURES / "arm" / "hub", tmp_path / "arm")
    (tmp_path / "drlint.yaml").write_text("posture: hot-hot\n")
    run = drlint_process("init", cwd=tmp_path)
    assert run.returncode == 2 and "--force" in run.stderr
    assert (tmp_path / "drlint.yaml").read_text() == "posture: hot-hot\n"
    preview = drlint_process("init", "--stdout", cwd=tmp_path)
    assert preview.returncode == 0 and "deployments:" in preview.stdout
    assert (tmp_path / "drlint.yaml").read_text() == "posture: hot-hot\n"
    forced = drlint_process("init", ".", "--force", cwd=tmp_path)
    assert forced.returncode == 0
    assert config_of(tmp_path)["posture"] == "hot-cold"


def test_empty_folder_and_hostile_names(tmp_path):
    run = drlint_process("init", cwd=tmp_path)
    assert run.returncode == 0
    assert config_of(tmp_path) == {"posture": "hot-cold", "failOn": "warning"}
    folder = tmp_path / "odd"
    folder.mkdir()
    shutil.copy(FIXTURES / "arm" / "hub" / "hub.json", folder / 'we"ird: # name.json')
    (tmp_path / "escape").symlink_to("/etc")  # not followed
    run = drlint_process("init", "--force", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    (deployment,) = config_of(tmp_path)["deployments"]
    assert deployment["template"] == 'odd/we"ird: # name.json'


def test_templates_in_hidden_folders_are_checked_through_the_config(tmp_path):
    (tmp_path / ".infra").mkdir()
    shutil.copy(FIXTURES / "rules" / "DR201" / "bicep-fail" / "main.bicep", tmp_path / ".infra" / "main.bicep")
    (tmp_path / ".infra" / "main.bicepparam").write_text(
        "using './main.bicep'\n\nparam location = 'westeurope'\nparam prefix = 'agents'\n")
    run = drlint_process("init", cwd=tmp_path)
    assert run.returncode == 0 and ".infra" in run.stdout.split("Assumed:")[1]
    assert "Next: drlint scan . .infra" in run.stdout
    (deployment,) = config_of(tmp_path)["deployments"]
    assert deployment["template"] == ".infra/main.bicep" and deployment["location"] == "westeurope"
    report = json.loads(drlint_process("scan", ".", ".infra", "--format", "json", cwd=tmp_path).stdout)
    assert any(r["file"] == ".infra/main.bicep" and r["rule"] == "DR101" for r in report["results"])
    assert {r["location"] for r in report["results"] if r["rule"] == "DR101"} == {"westeurope"}
