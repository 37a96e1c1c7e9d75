"""Every rule fixture folder (fixtures/rules/<ID>/<case>/expect.yaml) gives exactly the expected outcomes.

Run in process, one test per case, so a failure names the case and prints each disagreement the way
`drlint rules test` does (tests/test_rules_test.py runs the command itself on the whole pack).
"""

from __future__ import annotations

import pytest

from linter.ruletest import collect_suite, find_cases, run_case
from tests.conftest import FIXTURES, REPO

CASES = find_cases(FIXTURES / "rules")


@pytest.fixture(scope="module")
def suite():
    loaded = collect_suite([], root=REPO)
    assert not loaded.problems, "\n".join(map(str, loaded.problems))
    return loaded


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_fixture(case, suite):
    report = run_case(case, suite)
    assert report.ok, "\n" + "\n".join(report.broken + report.mismatches)
