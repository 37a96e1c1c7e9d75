"""The scanned tree is what the user named (or the folder of drlint.yaml): templates cannot read above it, and
no absolute path of the machine reaches a report."""

from __future__ import annotations

import json
import textwrap

from tests.conftest import drlint_process

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
SECRET = "TOPSECRET-0d1f"


def layout(root):
    """root/secret.txt and root/outside/ are above root/infra/, which tries to read them."""
    (root / "secret.txt").write_text(SECRET)
    (root / "outside").mkdir()
    (root / "outside" / "linked.json").write_text(json.dumps({
        "$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": [
            {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "stoutside",
             "location": "eastus", "sku": {"name": "Standard_LRS"}}]}))
    (root / "outside" / "mod.bicep").write_text(textwrap.dedent("""
        resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {
          name: 'stoutsidebicep'
          location: 'eastus'
        }
        """))
    infra = root / "infra"
    infra.mkdir()
    (infra / "main.json").write_text(json.dumps({
        "$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": [
            {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "up",
             "properties": {"mode": "Incremental", "templateLink": {"relativePath": "../outside/linked.json"}}}]}))
    (infra / "main.bicep").write_text(textwrap.dedent("""
        module up '../outside/mod.bicep' = {
          name: 'up'
        }
        resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {
          name: 'stinside'
          location: 'eastus'
          tags: {
            leak: loadTextContent('../secret.txt')
            deep: loadTextContent('../../../../../../../../etc/hostname')
          }
        }
        """))
    return infra


def scan(*args, cwd):
    run = drlint_process("scan", *args, "--show-unknown", cwd=cwd, timeout=120)
    assert "Traceback" not in run.stderr, run.stderr
    return run


def test_from_a_parent_folder_nothing_above_the_named_folder_is_read(tmp_path):
    layout(tmp_path)
    run = scan("infra", "--format", "json", cwd=tmp_path)
    data = json.loads(run.stdout)
    assert run.returncode == 2
    outside = [d for d in data["diagnostics"] if "outside the scanned tree" in d["message"]]
    assert {d["file"] for d in outside} >= {"infra/main.json", "infra/main.bicep"}
    assert all(d["severity"] == "error" for d in outside)
    assert SECRET not in run.stdout
    names = {r["resource_name"] for r in data["results"]}
    assert "stoutside" not in names and "stoutsidebicep" not in names
    assert "outside/linked.json" not in data["summary"]["files"]


def test_sarif_holds_no_absolute_path_nor_the_content_of_files_outside_the_tree(tmp_path):
    layout(tmp_path)
    infra = str(tmp_path / "infra")
    for cwd, target in ((tmp_path, "infra"), (tmp_path / "infra", infra), ("/", infra)):
        run = scan(target, "--format", "sarif", cwd=cwd)
        assert run.returncode == 2
        assert str(tmp_path) not in run.stdout and SECRET not in run.stdout
        log = json.loads(run.stdout)
        messages = [n["message"]["text"] for inv in log["runs"][0]["invocations"]
                    for n in inv.get("toolExecutionNotifications", [])]
        assert messages and not any(" /" in m or m.startswith("/") for m in messages), messages


def test_the_folder_of_drlint_yaml_is_the_tree(tmp_path):
    infra = layout(tmp_path)
    (tmp_path / "drlint.yaml").write_text("posture: hot-cold\n")
    run = scan(infra, "--format", "json", cwd=infra)
    data = json.loads(run.stdout)
    outside = [d["message"] for d in data["diagnostics"] if "outside the scanned tree" in d["message"]]
    assert len(outside) == 1 and "etc/hostname" in outside[0]  # above drlint.yaml's folder: still refused
    names = {r["resource_name"] for r in data["results"]}
    assert {"stoutside", "stoutsidebicep"} <= names


def test_drlint_yaml_deployments_cannot_name_files_above_its_folder(tmp_path):
    (tmp_path / "secret.json").write_text(json.dumps({"$schema": SCHEMA, "contentVersion": "1.0.0.0",
                                                      "parameters": {}, "resources": [], "x": SECRET}))
    project = tmp_path / "project"
    project.mkdir()
    (project / "drlint.yaml").write_text(
        "deployments:\n  - name: a\n    template: ../secret.json\n  - name: b\n    template: ../outside.bicep\n")
    (tmp_path / "outside.bicep").write_text(f"var x = '{SECRET}'\n")
    (project / "main.json").write_text(json.dumps({"$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": []}))
    run = scan(".", "--format", "json", cwd=project)
    data = json.loads(run.stdout)
    assert run.returncode == 2 and SECRET not in run.stdout
    assert len([d for d in data["diagnostics"] if d["severity"] == "error"]) >= 2
