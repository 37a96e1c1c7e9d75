"""Parsing expression strings: literals, escaping, calls, member access and indexing."""

from __future__ import annotations

from linter.inputs.arm.expressions import Call, ExpressionError, Index, Lit, Member, parse_template_string
from linter.model import Unknown


def test_plain_and_escaped_strings_are_literals(arm):
    assert parse_template_string("eastus") == Lit("eastus")
    assert parse_template_string("[[not an expression]") == Lit("[not an expression]")
    assert arm.evaluate("[[concat('a')]") == "[concat('a')]"


def test_call_with_member_and_index():
    node = parse_template_string("[concat('a', parameters('b')).x[0]]")
    assert isinstance(node, Index)
    assert isinstance(node.target, Member) and node.target.name == "x"
    assert isinstance(node.target.target, Call) and node.target.target.name == "concat"


def test_function_names_are_case_insensitive(arm):
    assert arm.evaluate("[CONCAT('a', ToUpper('b'))]") == "aB"


def test_quotes_escape_by_doubling(arm):
    assert arm.evaluate("[concat('it''s', ' ok')]") == "it's ok"


def test_numbers_booleans_and_null(arm):
    assert arm.evaluate("[add(2, -3)]") == -1
    assert arm.evaluate("[createArray(true, false, null)]") == [True, False, None]


def test_member_access_and_indexing_forms(arm):
    assert arm.evaluate("[createObject('a', createArray(1, 2)).a[1]]") == 2
    assert arm.evaluate("[createObject('a', 1)['a']]") == 1
    assert arm.evaluate("[createObject('Name', 1).name]") == 1  # members are case-insensitive


def test_missing_member_is_unknown(arm):
    value = arm.evaluate("[createObject('a', 1).b]")
    assert isinstance(value, Unknown) and "'b'" in value.reason


def test_parse_errors_are_unknown_not_exceptions(arm):
    assert isinstance(parse_template_string("[concat('a']"), ExpressionError)
    value = arm.evaluate("[concat('a']")
    assert isinstance(value, Unknown) and "parse" in value.reason


def test_parsing_is_cached():
    assert parse_template_string("[toLower('Q')]") is parse_template_string("[toLower('Q')]")
