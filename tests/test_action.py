"""The composite action (action.yml) and the example workflow: valid YAML with the expected inputs and steps,
and the action's scan script run for real (bash) against the CLI: it writes a valid SARIF log, the job
summary and the outputs, and fails the step as drlint's exit code says."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import FIXTURES, REPO, shared_path
from tests.report.sarif_checks import github_problems, schema_problems

ACTION = REPO / "action.yml"
EXAMPLE = REPO / "docs" / "examples" / "github-workflow.yml"
INPUTS = {"paths", "sarif-file", "posture", "fail-on", "config", "baseline", "show-unknown", "omit-accepted",
          "summary", "version"}


def action() -> dict:
    return yaml.safe_load(ACTION.read_text())


def step(name: str) -> dict:
    return next(s for s in action()["runs"]["steps"] if s["name"] == name)


def test_action_is_a_composite_with_the_expected_inputs_and_steps():
    data = action()
    assert data["name"] == "drlint" and data["description"]
    assert set(data["inputs"]) == INPUTS
    assert all("description" in spec and "default" in spec for spec in data["inputs"].values())
    assert set(data["outputs"]) == {"sarif-file", "exit-code"}
    assert data["runs"]["using"] == "composite"
    assert [s["name"] for s in data["runs"]["steps"]] == ["Install drlint", "Scan"]
    assert all(s["shell"] == "bash" for s in data["runs"]["steps"])
    # No upload here: that is github/codeql-action/upload-sarif's job, in the workflow.
    assert "upload" not in ACTION.read_text().split("runs:")[1].lower()


def test_inputs_reach_scripts_only_through_the_environment():
    for s in action()["runs"]["steps"]:
        assert "${{" not in s["run"], f"{s['name']}: an expression inside a script allows injection"
    used = set(re.findall(r"\$\{\{ inputs\.([\w-]+) \}\}", ACTION.read_text()))
    assert used == INPUTS


def run_scan_step(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess, dict, Path]:
    """Run the action's Scan script with bash as the runner would (`bash -e -o pipefail`)."""
    wrapper = tmp_path / "bin" / "drlint"
    wrapper.parent.mkdir(exist_ok=True)
    wrapper.write_text(f'#!/bin/sh\nPYTHONPATH="{REPO}" exec "{sys.executable}" -m linter.cli "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    scan = step("Scan")
    defaults = {name: str(spec["default"]) for name, spec in action()["inputs"].items()}
    values = {**defaults, **inputs}
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    for variable, expression in scan["env"].items():
        env[variable] = values[re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", expression).group(1)]
    outputs, summary = tmp_path / "output.txt", tmp_path / "summary.md"
    env.update(DRLINT=str(wrapper), GITHUB_OUTPUT=str(outputs), GITHUB_STEP_SUMMARY=str(summary),
               GITHUB_ACTIONS="true")
    work = tmp_path / "repo"
    run = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", scan["run"]], cwd=work, env=env,
                         capture_output=True, text=True, timeout=300)
    written = dict(line.split("=", 1) for line in outputs.read_text().splitlines()) if outputs.exists() else {}
    return run, written, work


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "demo", tmp_path / "repo" / "estate")
    shutil.copytree(FIXTURES / "arm" / "hub", tmp_path / "repo" / "infra")
    return tmp_path


def test_scan_step_writes_sarif_summary_and_outputs(repo_copy):
    run, outputs, work = run_scan_step(repo_copy, paths="estate\ninfra")
    assert run.returncode == 1, run.stderr  # findings at the default fail-on
    assert outputs == {"sarif-file": "drlint.sarif", "exit-code": "1"}
    log = json.loads((work / "drlint.sarif").read_text())
    assert schema_problems(log, shared_path("schemas", "sarif-schema-2.1.0.json")) == []
    assert github_problems(log) == []
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert {"estate/estate.json", "infra/hub.json"} <= uris  # relative to the repository root
    summary = (repo_copy / "summary.md").read_text()
    assert summary.startswith("## drlint:") and "### Regions" in summary


def test_scan_step_passes_its_options(repo_copy):
    (repo_copy / "repo" / "drlint.yaml").write_text("failOn: error\n")
    (repo_copy / "repo" / "out").mkdir()
    run, outputs, work = run_scan_step(repo_copy, paths="estate", **{
        "fail-on": "never", "posture": "hot-hot", "show-unknown": "true", "summary": "false",
        "sarif-file": "out/x.sarif"})
    assert run.returncode == 0, run.stderr
    assert outputs["exit-code"] == "0"
    log = json.loads((work / "out" / "x.sarif").read_text())
    assert log["runs"][0]["properties"]["posture"] == "hot-hot"
    assert any(r["level"] == "note" for r in log["runs"][0]["results"])  # unknowns shown
    assert not (repo_copy / "summary.md").exists()


def test_scan_step_with_a_baseline(repo_copy):
    work = repo_copy / "repo"
    subprocess.run([sys.executable, "-m", "linter.cli", "scan", "estate", "--write-baseline", "b.json"], cwd=work,
                   env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, check=True)
    run, outputs, _ = run_scan_step(repo_copy, paths="estate", baseline="b.json")
    assert run.returncode == 0, run.stderr
    assert outputs["exit-code"] == "0"
    kept = json.loads((work / "drlint.sarif").read_text())["runs"][0]["results"]
    assert kept and all(r["suppressions"] for r in kept)  # accepted, kept as dismissed
    run, outputs, _ = run_scan_step(repo_copy, paths="estate", baseline="b.json", **{"omit-accepted": "true"})
    assert run.returncode == 0, run.stderr
    assert json.loads((work / "drlint.sarif").read_text())["runs"][0]["results"] == []


def test_example_workflow_uses_the_action_then_uploads_its_sarif():
    workflow = yaml.safe_load(EXAMPLE.read_text())
    job = workflow["jobs"]["drlint"]
    assert job["permissions"]["security-events"] == "write"
    steps = {s.get("name", s.get("uses")): s for s in job["steps"]}
    ours = steps["drlint"]
    upload = steps["Upload to code scanning"]
    assert ours["uses"].startswith("drlint/drlint@")
    assert set(ours["with"]) <= INPUTS
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == ours["with"]["sarif-file"]
    assert "cancelled()" in upload["if"]


def test_install_step_installs_the_checkout_and_exports_the_command(tmp_path):
    """The install script with `python3 -m venv` and pip replaced by recorders (no network in tests)."""
    fake = tmp_path / "fakebin"
    fake.mkdir()
    log = tmp_path / "calls.txt"
    (fake / "python3").write_text(f'#!/bin/sh\necho "python3 $*" >> "{log}"\nmkdir -p "$3/bin"\n'
                                  f'printf \'#!/bin/sh\\necho "venv-python $*" >> "{log}"\\n\' > "$3/bin/python"\n'
                                  'chmod +x "$3/bin/python"\n')
    (fake / "python3").chmod(0o755)
    env = {"PATH": f"{fake}:/usr/bin:/bin", "RUNNER_TEMP": str(tmp_path), "GITHUB_ENV": str(tmp_path / "env"),
           "DRLINT_SPEC": "", "ACTION_PATH": str(REPO)}
    run = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step("Install drlint")["run"]], env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    calls = log.read_text().splitlines()
    assert calls[0] == f"python3 -m venv {tmp_path}/drlint-venv"
    assert calls[1].startswith("venv-python -m pip install") and calls[1].endswith(str(REPO))
    assert (tmp_path / "env").read_text() == f"DRLINT={tmp_path}/drlint-venv/bin/drlint\n"
    env["DRLINT_SPEC"] = "drlint==1.2.3"
    subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step("Install drlint")["run"]], env=env, check=True,
                   capture_output=True)
    assert log.read_text().splitlines()[-1].endswith("drlint==1.2.3")
