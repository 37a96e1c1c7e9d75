"""Message templates: placeholders filled from an outcome's facts, and whether every fact named was there.

A template is split into text and placeholders once and reused for every finding; these pin that reuse
changes nothing: each rendering reads its own facts, and absent or unusable facts are reported as before.
"""

from __future__ import annotations

from linter.messages import MAX_VALUE_CHARS, render, render_checked, show
from linter.model import MISSING, Unknown
from tests.helpers import make

TEMPLATE = "Account '{resource.name}' uses {actual}; use one of {param.skus}."


def _account(name: str, sku: str | None):
    return make("Microsoft.Storage/storageAccounts", name, sku={"name": sku} if sku else None)


def test_each_rendering_reads_its_own_facts():
    first = render_checked(TEMPLATE, {"resource": _account("st1", "Standard_LRS"), "actual": "Standard_LRS",
                                      "param": {"skus": ["Standard_GRS", "Standard_RAGRS"]}})
    second = render_checked(TEMPLATE, {"resource": _account("st2", "Standard_ZRS"), "actual": "Standard_ZRS",
                                       "param": {"skus": ["Standard_GZRS"]}})
    assert first == ("Account 'st1' uses Standard_LRS; use one of Standard_GRS, Standard_RAGRS.", True)
    assert second == ("Account 'st2' uses Standard_ZRS; use one of Standard_GZRS.", True)


def test_a_fact_the_outcome_did_not_produce_makes_the_message_incomplete():
    text, complete = render_checked(TEMPLATE, {"resource": _account("st1", None), "param": {"skus": []}})
    assert not complete
    assert "st1" in text and "{actual}" not in text


def test_an_absent_or_null_value_makes_the_message_incomplete():
    resource = _account("st1", None)
    for actual in (MISSING, None):
        assert render_checked(TEMPLATE, {"resource": resource, "actual": actual, "param": {"skus": ["x"]}})[1] is False
    # a path into a fact that is absent (no resource followed)
    assert render_checked("{ref.sku.name}", {"ref": None}) == ("not set", False)
    # a path to a property the resource does not have
    assert render_checked("{resource.sku.name}", {"resource": resource})[1] is False
    assert render_checked("{resource.sku.name}", {"resource": _account("st2", "Premium_LRS")}) == ("Premium_LRS",
                                                                                                  True)


def test_values_are_shown_for_people():
    text, complete = render_checked("{actual} / {expected} / {count}",
                                    {"actual": Unknown("r", text="resourceGroup().location"), "expected": True,
                                     "count": 3})
    assert (text, complete) == ("resourceGroup().location / true / 3", True)


def test_text_without_placeholders_and_braces_that_are_not_placeholders_are_kept():
    assert render_checked("no facts here", {}) == ("no facts here", True)
    assert render("{ not a placeholder } {1x} {actual}", {"actual": "v"}) == "{ not a placeholder } {1x} v"


def test_a_fact_the_outcome_did_not_produce_reads_not_set_and_marks_the_message_incomplete():
    template = "{resource.name} uses {actual}; accepted: {expected}"
    text, complete = render_checked(template, {"resource": _account("st1", "Standard_LRS"), "actual": None})
    assert text == "st1 uses not set; accepted: not set" and complete is False
    text, complete = render_checked(template, {"resource": _account("st1", "Standard_LRS"), "actual": "Standard_LRS",
                                               "expected": ["Standard_GRS", "Standard_ZRS"]})
    assert text == "st1 uses Standard_LRS; accepted: Standard_GRS, Standard_ZRS" and complete is True
    assert render_checked("no placeholders", {}) == ("no placeholders", True)
    assert render_checked("{resource.name}", {"resource": None}) == ("not set", False)


def test_shown_values_are_bounded_whatever_their_type():
    assert show("x" * MAX_VALUE_CHARS) == "x" * MAX_VALUE_CHARS
    long = show("x" * (MAX_VALUE_CHARS + 50))
    assert len(long) == MAX_VALUE_CHARS and long.endswith("…")
    assert show(["a", True, None, 3]) == "a, true, not set, 3" and show([]) == "none"
    assert len(show(10 ** (MAX_VALUE_CHARS + 5))) == MAX_VALUE_CHARS
