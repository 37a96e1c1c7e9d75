"""Every finding and UNKNOWN the whole pack gives on the fixtures reads as a sentence a person can act on:
an absent or unknown value is never printed as a placeholder ("has purge protection not set", "'unknown'")."""

from __future__ import annotations

import re

import pytest

from linter.config import Config
from linter.results import Outcome
from linter.ruletest import find_cases
from linter.scan import ScanOptions, run_scan
from tests.conftest import FIXTURES

CASES = find_cases(FIXTURES / "rules")
# what a value the message could not fill looks like once printed
PLACEHOLDER_WORDS = re.compile(r"\bnot set\b|'unknown'|\(unknown\)|\bin unknown\b|\bNone\b|'none'")


@pytest.mark.parametrize("rule_dir", sorted({c.parent for c in CASES}), ids=lambda p: p.name)
def test_no_message_prints_an_absent_or_unknown_value_as_a_word(rule_dir):
    for case in sorted(c for c in CASES if c.parent == rule_dir):
        report = run_scan(ScanOptions([case], posture="hot-hot"), Config(), [])
        for result in report.results:
            if result.outcome in (Outcome.FAIL, Outcome.UNKNOWN):
                assert not PLACEHOLDER_WORDS.search(result.message), (case.name, result.rule.id, result.message)
