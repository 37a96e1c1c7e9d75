"""The drlint command: exit codes, options, config, rules commands. Run as a real process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, drlint_process

DEMO = FIXTURES / "demo"
DR201_FAIL = FIXTURES / "rules" / "DR201" / "rg-fail"
DR201_PASS = FIXTURES / "rules" / "DR201" / "rg-pass"


def drlint(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return drlint_process(*args, cwd=cwd)


def as_json(*args: str, cwd: Path | None = None) -> tuple[dict, int]:
    run = drlint(*args, "--format", "json", cwd=cwd)
    return json.loads(run.stdout), run.returncode


def test_demo_has_findings_and_exit_code_1():
    run = drlint("scan", DEMO)
    assert run.returncode == 1
    assert "DR201" in run.stdout and "DR402" in run.stdout


def test_clean_estate_exits_0():
    assert drlint("scan", DR201_PASS, "--select", "DR201").returncode == 0


def test_fail_on_controls_exit_code():
    data, code = as_json("scan", DEMO, "--select", "DR202")
    assert code == 1 and {r["severity"] for r in data["results"]} == {"warning"}
    assert drlint("scan", DEMO, "--select", "DR202", "--fail-on", "error").returncode == 0
    assert drlint("scan", DEMO, "--fail-on", "never").returncode == 0


def test_select_and_ignore_by_prefix():
    data, _ = as_json("scan", DEMO, "--select", "DR2,DR4", "--ignore", "DR202")
    assert set(data["summary"]["rules"]) == {"DR201", "DR203", "DR401", "DR402"}
    assert {r["rule"] for r in data["results"]} <= {"DR201", "DR203", "DR401", "DR402"}


def test_text_output_format_and_summary():
    run = drlint("scan", DR201_FAIL, "--select", "DR201")
    lines = run.stdout.splitlines()
    finding = next(line for line in lines if " DR201 " in line)
    location, severity = finding.split(": ", 1)[0], finding.split(": ", 1)[1].split()[0]
    file, line, column = location.rsplit(":", 2)
    assert file.endswith("resources.json") and int(line) > 1 and int(column) >= 1 and severity == "error"
    assert "1 error" in lines[-1] and "resources in 1 file" in lines[-1]
    assert "\033[" not in run.stdout  # no colour when not on a terminal


def test_json_contract():
    data, _ = as_json("scan", DEMO, "--show-unknown")
    assert data["version"] == "1" and data["tool"]["name"] == "drlint"
    assert set(data) >= {"version", "results", "diagnostics", "summary", "posture"}
    required = {"rule", "severity", "outcome", "resource", "resource_name", "resource_type", "file", "line",
                "column", "message", "reason"}
    for result in data["results"]:
        assert required <= set(result)
        assert result["outcome"] in {"fail", "unknown", "error"}
        if result["outcome"] == "unknown":
            assert result["reason"]
    fail = next(r for r in data["results"] if r["rule"] == "DR201")
    assert fail["resource_name"] == "hub-contoso-cus"
    assert fail["resource_type"].lower() == "microsoft.machinelearningservices/workspaces"
    assert fail["resource"].endswith("/hub-contoso-cus")
    assert any(r["outcome"] == "unknown" and r["rule"] == "DR105" for r in data["results"])


def test_output_file(tmp_path):
    out = tmp_path / "report.json"
    run = drlint("scan", DEMO, "--format", "json", "--output", out)
    assert run.returncode == 1 and run.stdout == ""
    assert json.loads(out.read_text())["results"]
    assert "errors" in run.stderr  # the summary still reaches the person


def test_bad_user_rule_is_reported_and_builtin_rules_still_run(tmp_path):
    (tmp_path / "bad.yaml").write_text("id: X1\nname: x\n")
    data, code = as_json("scan", DEMO, "--rules", tmp_path)
    assert code == 2
    assert any(d["code"] == "rule-error" and d["file"].endswith("bad.yaml") for d in data["diagnostics"])
    assert any(r["rule"] == "DR201" for r in data["results"])


def test_bad_input_file_is_located_and_others_still_checked(tmp_path):
    shutil.copy(DR201_FAIL / "resources.json", tmp_path / "good.json")
    (tmp_path / "broken.json").write_text('{"count": 1, "data": [{"id": "/subscriptions/x", \n "type": }]}')
    data, code = as_json("scan", tmp_path, "--select", "DR201")
    assert code == 2
    problem = next(d for d in data["diagnostics"] if d["file"].endswith("broken.json"))
    assert problem["line"] == 2
    assert any(r["rule"] == "DR201" and r["outcome"] == "fail" for r in data["results"])


def test_missing_path_is_exit_2():
    run = drlint("scan", "no/such/path.json")
    assert run.returncode == 2 and "no such file" in run.stdout


def test_usage_error_is_exit_2():
    assert drlint("scan").returncode == 2
    assert drlint("scan", DEMO, "--posture", "lukewarm").returncode == 2


def test_config_posture_severity_and_parameters(tmp_path):
    shutil.copytree(DEMO, tmp_path / "estate")
    (tmp_path / "drlint.yaml").write_text(
        "posture: hot-hot\n"
        "rules:\n"
        "  DR202: off\n"
        "  DR201:\n"
        "    severity: note\n"
        "    parameters: {acceptedSkus: [Standard_LRS, Standard_RAGZRS]}\n")
    data, _ = as_json("scan", tmp_path / "estate")
    assert data["posture"] == "hot-hot"
    assert "DR202" not in data["summary"]["rules"]
    assert not [r for r in data["results"] if r["rule"] == "DR201"]  # LRS accepted by the parameter
    (tmp_path / "drlint.yaml").write_text("rules:\n  DR201: {severity: note}\n")
    data, _ = as_json("scan", tmp_path / "estate")
    assert {r["severity"] for r in data["results"] if r["rule"] == "DR201"} == {"note"}


def test_unknown_config_key_is_located_exit_2(tmp_path):
    shutil.copytree(DR201_PASS, tmp_path / "estate")
    (tmp_path / "drlint.yaml").write_text("posture: hot-cold\nfailon: error\n")
    data, code = as_json("scan", tmp_path / "estate")
    assert code == 2
    problem = data["diagnostics"][0]
    assert problem["code"] == "config-error" and problem["line"] == 2 and "failon" in problem["message"]


def test_posture_filters_rules(tmp_path):
    rule = (tmp_path / "r.yaml")
    rule.write_text((FIXTURES.parent / "rules" / "storage" / "DR202-storage-geo-redundant.yaml").read_text()
                    .replace("DR202", "ACME202").replace("postures: [hot-cold, hot-warm, hot-hot]",
                                                         "postures: [hot-hot]"))
    cold, _ = as_json("scan", DEMO, "--rules", rule)
    hot, _ = as_json("scan", DEMO, "--rules", rule, "--posture", "hot-hot")
    assert "ACME202" not in cold["summary"]["rules"] and "ACME202" in hot["summary"]["rules"]


def test_rules_list_show_validate(tmp_path):
    listed = drlint("rules", "list", "--format", "json")
    ids = [r["id"] for r in json.loads(listed.stdout)]
    assert ids == sorted(ids) and {"DR101", "DR201", "DR402"} <= set(ids)
    shown = drlint("rules", "show", "dr201")
    assert shown.returncode == 0 and "## How to fix" in shown.stdout and "```bicep" in shown.stdout
    assert drlint("rules", "show", "DR999").returncode == 2
    (tmp_path / "bad.yaml").write_text("id: ACME1\nname: x\ntitle: t\nseverity: high\n")
    validated = drlint("rules", "validate", tmp_path)
    assert validated.returncode == 2 and "bad.yaml:4:" in validated.stderr


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help(flag):
    run = drlint("scan", flag)
    assert run.returncode == 0 and "Exit codes" in run.stdout


def test_installed_command_finds_the_shipped_pack_from_any_folder(tmp_path):
    """The console script of the environment, run away from the checkout, still has every built-in rule."""
    command = Path(sys.executable).with_name("drlint")
    if not command.exists():
        pytest.skip("drlint is not installed in this environment")
    run = subprocess.run([str(command), "rules", "list", "--format", "json"], capture_output=True, text=True,
                         cwd=tmp_path, timeout=60)
    assert run.returncode == 0, run.stderr
    assert {"DR101", "DR201", "DR402"} <= {r["id"] for r in json.loads(run.stdout)}


def test_unwritable_output_is_exit_2(tmp_path):
    run = drlint("scan", DR201_PASS, "--output", tmp_path / "no" / "such" / "dir" / "out.json")
    assert run.returncode == 2 and "cannot write" in run.stderr and "Traceback" not in run.stderr
