"""Rule parameters set in drlint.yaml (validated against what each rule declares) and postures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from linter.config import Config, check_rule_parameters, load_config
from linter.rules import POSTURES, builtin_pack_dir, load_rules
from tests.conftest import FIXTURES, REPO, drlint_process

DR201_FAIL = FIXTURES / "rules" / "DR201" / "rg-fail"


def estate_with_config(tmp_path: Path, config: str) -> Path:
    shutil.copy(DR201_FAIL / "resources.json", tmp_path / "resources.json")
    (tmp_path / "drlint.yaml").write_text(config)
    return tmp_path


def scan_json(folder: Path, *args: str) -> tuple[dict, int, str]:
    run = drlint_process("scan", ".", "--select", "DR201", "--format", "json", *args, cwd=folder)
    return json.loads(run.stdout), run.returncode, run.stderr


def outcome_of(data: dict, name: str) -> str | None:
    return next((r["outcome"] for r in data["results"] if r["resource_name"] == name), None)


def test_a_parameter_changes_the_verdict(tmp_path):
    data, code, _ = scan_json(estate_with_config(tmp_path, "rules:\n  DR201: {parameters: {acceptedSkus: "
                                                           "[Standard_LRS, Standard_GZRS]}}\n"))
    assert code == 0 and outcome_of(data, "hub-cus") is None  # LRS accepted now: no finding


def test_an_unknown_parameter_is_a_located_error_naming_the_valid_ones(tmp_path):
    folder = estate_with_config(tmp_path, "rules:\n  DR201:\n    parameters:\n      acceptedSku: [Standard_LRS]\n")
    data, code, _ = scan_json(folder)
    assert code == 2
    (problem,) = [d for d in data["diagnostics"] if d["code"] == "config-error"]
    assert problem["line"] == 4 and problem["file"].endswith("drlint.yaml")
    assert "acceptedSku" in problem["message"] and "acceptedSkus" in problem["message"]
    # the rule still ran, with its default
    assert outcome_of(data, "hub-cus") == "fail"


@pytest.mark.parametrize("value, words", [
    ("Standard_LRS", "expected a list"),
    ("[1, 2]", "list of strings"),
    ("{a: 1}", "expected a list"),
])
def test_a_parameter_of_the_wrong_type_is_a_located_error(tmp_path, value, words):
    folder = estate_with_config(tmp_path, f"rules:\n  DR201: {{parameters: {{acceptedSkus: {value}}}}}\n")
    data, code, _ = scan_json(folder)
    assert code == 2
    (problem,) = [d for d in data["diagnostics"] if d["code"] == "config-error"]
    assert problem["line"] == 2 and words in problem["message"]


def test_parameters_of_a_rule_without_any(tmp_path):
    rules, _ = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    bare = next(r for r in sorted(rules, key=lambda r: r.id) if not r.parameters)
    path = tmp_path / "drlint.yaml"
    path.write_text(f"rules:\n  {bare.id}:\n    parameters: {{minimum: 3}}\n")
    config, loaded = load_config(path, "drlint.yaml")
    assert loaded == []
    (problem,) = check_rule_parameters(config, rules)
    assert f"{bare.id} has no parameter `minimum`" in problem.message and "none" in problem.message
    assert str(problem.position) == "drlint.yaml:3:18"
    assert config.rules[bare.id].parameters == {}


def test_parameters_of_unconfigured_rules_and_configs_without_a_file_are_fine():
    rules, _ = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    assert check_rule_parameters(Config(), rules) == []


def test_rules_show_documents_each_parameter_and_its_default():
    rules, _ = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    with_parameters = [r for r in rules if r.parameters]
    assert with_parameters
    for rule in with_parameters:
        run = drlint_process("rules", "show", rule.id)
        assert run.returncode == 0
        for name in rule.parameters:
            assert f"`{name}`: default" in run.stdout


def listed(*args: str) -> list[dict]:
    run = drlint_process("rules", "list", "--format", "json", *args, cwd=REPO)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("posture", POSTURES)
def test_rules_list_posture_shows_exactly_the_rules_of_that_posture(posture):
    everything = listed()
    chosen = listed("--posture", posture)
    assert [r["id"] for r in chosen] == [r["id"] for r in everything if posture in r["postures"]]


@pytest.mark.parametrize("posture", POSTURES)
def test_a_scan_runs_only_the_rules_of_its_posture(posture):
    run = drlint_process("scan", FIXTURES / "rules" / "DR201" / "rg-fail", "--posture", posture, "--format", "json",
                         cwd=REPO)
    ran = set(json.loads(run.stdout)["summary"]["rules"])
    assert ran == {r["id"] for r in listed("--posture", posture)}


def test_the_drlint_yaml_snippet_of_rules_show_is_a_valid_config_with_the_defaults(tmp_path):
    from linter.rulesdoc import render_markdown

    rules, _ = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    for rule in (r for r in rules if r.parameters):
        snippet = render_markdown(rule).split("```yaml\n", 1)[1].split("```", 1)[0]
        path = tmp_path / "drlint.yaml"
        path.write_text(snippet)
        config, problems = load_config(path, "drlint.yaml")
        assert problems == [] and check_rule_parameters(config, rules) == [], rule.id
        assert dict(config.rules[rule.id].parameters) == rule.parameters, rule.id
