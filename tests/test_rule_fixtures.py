"""Every rule fixture folder (fixtures/rules/<ID>/<case>/expect.yaml) gives exactly the expected outcomes."""

from __future__ import annotations

import pytest

from linter.rules import builtin_pack_dir, load_rules
from linter.ruletest import find_cases, read_expectations, run_case
from tests.conftest import FIXTURES

CASES = find_cases(FIXTURES / "rules")


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_fixture(case):
    report = run_case(case)
    assert not report.diagnostics, report.diagnostics
    assert not report.mismatches, report.mismatches


def test_every_rule_has_pass_and_fail_fixtures():
    rules, problems = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    assert not problems
    outcomes: dict[str, set[str]] = {}
    for case in CASES:
        rule_id, _, expected = read_expectations(case)
        outcomes.setdefault(rule_id, set()).update(e.outcome for e in expected)
    for rule in rules:
        seen = outcomes.get(rule.id, set())
        assert "pass" in seen, f"{rule.id} has no passing fixture"
        assert "fail" in seen, f"{rule.id} has no failing fixture"
