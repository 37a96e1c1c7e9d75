"""`drlint rules test`: the built-in pack and a team's own rule folder, run as a real process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from linter.ruletest import BrokenFixture, collect_suite, find_cases, read_expectations, run_suite
from tests.conftest import FIXTURES, REPO, drlint_process

TEAM = FIXTURES / "team-rules"


@pytest.fixture
def team(tmp_path) -> Path:
    folder = tmp_path / "policies"
    shutil.copytree(TEAM, folder)
    return folder


def expect_file(folder: Path, case: str) -> Path:
    return folder / "fixtures" / "ACME101" / case / "expect.yaml"


def test_the_whole_built_in_pack_agrees_with_its_fixtures():
    run = drlint_process("rules", "test", cwd=REPO, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    summary = run.stdout.splitlines()[-1]
    cases = len(find_cases(FIXTURES / "rules"))
    assert f"{cases} case(s): {cases} passed, 0 failed" in summary and "0 broken" in summary


def test_a_team_folder_passes_and_lists_its_cases():
    run = drlint_process("rules", "test", TEAM, "--verbose", cwd=REPO)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("ok fixtures/team-rules/fixtures/ACME101/") == 3
    assert run.stdout.splitlines()[-1].startswith("1 rule(s), 3 case(s): 3 passed")


def test_a_disagreement_names_case_resource_outcomes_and_message(team):
    path = expect_file(team, "rg-fail")
    path.write_text(path.read_text().replace("outcome: FAIL", "outcome: PASS"))
    run = drlint_process("rules", "test", "policies", cwd=team.parent)
    assert run.returncode == 1, run.stdout + run.stderr
    (line, message) = [x for x in run.stdout.splitlines() if "kv-short" in x or "keeps deleted" in x]
    assert line.startswith("policies/fixtures/ACME101/rg-fail/expect.yaml:3:")
    assert "ACME101 kv-short: expected PASS, got FAIL at policies/fixtures/ACME101/rg-fail/resources.json:" in line
    assert "Key Vault 'kv-short'" in message and "7 days" in message
    assert "1 failed (1 disagreement(s))" in run.stdout.splitlines()[-1]


def test_missing_and_unexpected_results_are_disagreements(team):
    path = expect_file(team, "rg-pass")
    path.write_text("rule: ACME101\nexpect:\n  - {resource: kv-default, outcome: pass}\n"
                    "  - {resource: kv-gone, outcome: fail}\n")
    run = drlint_process("rules", "test", "policies", cwd=team.parent)
    assert run.returncode == 1
    assert "ACME101 kv-gone: expected FAIL, got no result for it" in run.stdout
    assert "ACME101 kv-long: expected no result, got PASS" in run.stdout


def test_a_wrong_line_is_a_disagreement(team):
    path = expect_file(team, "bicep-fail-strict-team")
    path.write_text(path.read_text().replace("line: 10", "line: 9"))
    run = drlint_process("rules", "test", "policies", cwd=team.parent)
    assert run.returncode == 1
    assert "kv-team: expected FAIL at line 9, got FAIL at policies/fixtures/ACME101/" in run.stdout
    assert "main.bicep:10" in run.stdout


def test_a_broken_fixture_is_exit_2_located_and_the_rest_still_runs(team):
    path = expect_file(team, "rg-fail")
    path.write_text("rule: ACME101\nexpect:\n  - {resource: kv-short, outcome: FIALED}\n")
    run = drlint_process("rules", "test", "policies", cwd=team.parent)
    assert run.returncode == 2
    assert "policies/fixtures/ACME101/rg-fail/expect.yaml:3:" in run.stdout and "`outcome` is one of" in run.stdout
    assert "2 passed, 0 failed (0 disagreement(s)), 1 broken" in run.stdout.splitlines()[-1]


@pytest.mark.parametrize("text, problem", [
    ("rule: ACME999\nexpect: [{outcome: pass}]\n", "no loaded rule ACME999"),
    ("rule: ACME101\nposture: hot-cold\nexpect: [{outcome: pass}]\nnotes: x\n", "unknown key `notes`"),
    ("rule: ACME101\nexpect: []\n", "`expect` is a non-empty list"),
    ("rule: ACME101\nposture: warm\nexpect: [{outcome: pass}]\n", "`posture` is one of"),
    ("rule: ACME101\nexpect: [{outcome: pass, line: 0}]\n", "`line` is a line number"),
    ("expect: [{outcome: pass}\n", "invalid YAML"),
])
def test_broken_expectations_are_reported(team, text, problem):
    expect_file(team, "rg-pass").write_text(text)
    run = drlint_process("rules", "test", "policies", cwd=team.parent)
    assert run.returncode == 2, run.stdout
    assert problem in run.stdout and "rg-pass/expect.yaml:" in run.stdout


def test_a_case_runs_in_the_rules_first_posture_and_not_in_one_it_does_not_list(team):
    rule = team / "ACME101-key-vault-retention.yaml"
    rule.write_text(rule.read_text().replace("postures: [hot-cold, hot-warm, hot-hot]", "postures: [hot-hot]"))
    assert drlint_process("rules", "test", "policies", cwd=team.parent).returncode == 0
    path = expect_file(team, "rg-fail")
    path.write_text("rule: ACME101\nposture: hot-cold\nexpect: [{resource: kv-short, outcome: fail}]\n")
    run = drlint_process("rules", "test", "policies", cwd=team.parent)
    assert run.returncode == 2 and "ACME101 does not run in posture hot-cold" in run.stdout


def test_a_broken_rule_file_is_exit_2_at_its_line_and_other_rules_still_run(team):
    (team / "ACME102-broken.yaml").write_text("id: ACME102\nname: broken\nseverity: loud\n")
    run = drlint_process("rules", "test", "policies", cwd=team.parent)
    assert run.returncode == 2
    assert "policies/ACME102-broken.yaml:3:" in run.stderr and "severity" in run.stderr
    assert "3 case(s): 3 passed" in run.stdout.splitlines()[-1]


def test_a_team_rule_reusing_a_built_in_id_is_reported(team):
    rule = team / "ACME101-key-vault-retention.yaml"
    (team / "copy.yaml").write_text(rule.read_text().replace("id: ACME101", "id: DR201"))
    run = drlint_process("rules", "test", "policies", cwd=team.parent)
    assert run.returncode == 2 and "duplicate rule id DR201" in run.stderr


def test_rules_without_fixtures_are_named_in_the_summary(team):
    rule = team / "ACME101-key-vault-retention.yaml"
    (team / "ACME102-copy.yaml").write_text(rule.read_text().replace("id: ACME101", "id: ACME102"))
    run = drlint_process("rules", "test", "policies", cwd=team.parent)
    assert run.returncode == 0
    assert run.stdout.splitlines()[-1].startswith("2 rule(s), 3 case(s)")
    assert "without fixtures: ACME102" in run.stdout


def test_select_runs_only_matching_rules():
    run = drlint_process("rules", "test", "--select", "DR20", cwd=REPO)
    assert run.returncode == 0, run.stdout
    ids = {read_expectations(c)[0] for c in find_cases(FIXTURES / "rules")}
    wanted = sum(1 for c in find_cases(FIXTURES / "rules") if read_expectations(c)[0].startswith("DR20"))
    assert f"{len({i for i in ids if i.startswith('DR20')})} rule(s), {wanted} case(s)" in run.stdout


def test_without_paths_the_rule_paths_of_drlint_yaml_are_tested(team):
    (team.parent / "drlint.yaml").write_text("rulePaths: [policies]\n")
    run = drlint_process("rules", "test", cwd=team.parent)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines()[-1].startswith("1 rule(s), 3 case(s): 3 passed")


def test_a_scan_with_the_team_folder_as_rule_path_skips_its_fixtures(team):
    """rulePaths may point at a folder that also holds the cases: their YAML is not read as rules."""
    (team.parent / "drlint.yaml").write_text("rulePaths: [policies]\n")
    case = team / "fixtures" / "ACME101" / "rg-fail"
    run = drlint_process("scan", case / "resources.json", "--select", "ACME", "--format", "json", cwd=team.parent)
    assert run.returncode == 1, run.stdout + run.stderr
    assert '"rule": "ACME101"' in run.stdout and "rule-error" not in run.stdout


def test_the_suite_api_reports_broken_fixtures_without_raising(team):
    expect_file(team, "rg-fail").write_text("rule: [x]\n")
    with pytest.raises(BrokenFixture):
        read_expectations(expect_file(team, "rg-fail").parent)
    report = run_suite(collect_suite([team], root=team.parent))
    assert [c.display for c in report.broken] == ["policies/fixtures/ACME101/rg-fail"]
    assert report.exit_code() == 2


def test_help_explains_the_convention():
    run = drlint_process("rules", "test", "--help")
    assert run.returncode == 0
    for words in ("expect.yaml", "fixtures/<RULE-ID>/<case>", "rulePaths", "Exit codes"):
        assert words in run.stdout


def test_without_a_folder_or_the_packs_fixtures_it_says_what_to_name(monkeypatch, tmp_path):
    """An installed drlint has no fixtures of its own pack: `drlint rules test` alone must say what to do."""
    import linter.ruletest as ruletest

    monkeypatch.setattr(ruletest, "builtin_fixtures_dir", lambda: None)
    suite = ruletest.collect_suite([], root=tmp_path)
    assert suite.cases == []
    (problem,) = suite.problems
    assert "rulePaths" in problem.message and problem.severity == "error"
    assert run_suite(suite).exit_code() == 2


def test_symlinked_folders_are_not_followed_for_cases(team, tmp_path):
    outside = tmp_path / "outside"
    shutil.copytree(TEAM / "fixtures" / "ACME101" / "rg-pass", outside / "case")
    (team / "fixtures" / "linked").symlink_to(outside, target_is_directory=True)
    assert len(find_cases(team)) == 3


def test_an_unreadable_input_in_a_case_is_a_broken_fixture_at_its_line(team):
    resources = team / "fixtures" / "ACME101" / "rg-fail" / "resources.json"
    resources.write_text('[\n  {"id": "/subscriptions/x/resourceGroups/r/providers/Microsoft.KeyVault/vaults/v",\n'
                         '   "type": }\n]\n')
    run = drlint_process("rules", "test", "policies", cwd=team.parent)
    assert run.returncode == 2, run.stdout
    (line,) = [x for x in run.stdout.splitlines() if "resources.json" in x]
    assert line.startswith("policies/fixtures/ACME101/rg-fail/resources.json:3:")


def test_naming_the_packs_own_folder_tests_the_built_in_pack():
    named = drlint_process("rules", "test", "rules", cwd=REPO, timeout=600)
    assert named.returncode == 0, named.stdout + named.stderr
    cases = len(find_cases(FIXTURES / "rules"))
    assert f"{cases} case(s): {cases} passed" in named.stdout.splitlines()[-1]


def test_json_output_lists_every_case_with_its_status(team):
    import json

    path = expect_file(team, "rg-fail")
    path.write_text(path.read_text().replace("outcome: FAIL", "outcome: PASS"))
    run = drlint_process("rules", "test", "policies", "--format", "json", cwd=team.parent)
    assert run.returncode == 1
    data = json.loads(run.stdout)
    assert data["summary"] == {"rules": 1, "cases": 3, "passed": 2, "failed": 1, "broken": 0, "untested": [],
                               "exitCode": 1}
    (failed,) = [c for c in data["cases"] if c["status"] == "failed"]
    (disagreement,) = failed["disagreements"]
    assert failed["case"] == "policies/fixtures/ACME101/rg-fail" and failed["rule"] == "ACME101"
    assert disagreement["resource"] == "kv-short" and disagreement["expected"] == "PASS"
    assert disagreement["actual"].startswith("FAIL at ") and "7 days" in disagreement["message"]


def test_untrusted_text_reaches_the_terminal_escaped(team):
    case = team / "fixtures" / "ACME101" / "rg-fail"
    resources = case / "resources.json"
    resources.write_text(resources.read_text().replace('"name": "kv-short"', '"name": "kv-\\u001b[2J\\u202eshort"'))
    (case / "expect.yaml").write_text("rule: ACME101\nexpect:\n  - {resource: kv-short, outcome: FAIL}\n")
    run = drlint_process("rules", "test", "policies", cwd=team.parent)
    assert run.returncode == 1
    assert "\x1b" not in run.stdout and "\u202e" not in run.stdout
    assert "kv-\\x1b[2J\\u202eshort" in run.stdout
