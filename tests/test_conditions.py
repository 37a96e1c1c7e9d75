"""The condition language: Kleene truth tables, every operator, cross-resource nodes."""

from __future__ import annotations

import itertools

import pytest

from linter.conditions import Bounds, ConditionError, Tri, compile_condition
from linter.model import Estate, Origin, Unknown
from tests.helpers import U, evaluate, make, verdict

P, F, N = Tri.PASS, Tri.FAIL, Tri.UNKNOWN

# Leaf conditions with a known outcome, on a resource with flag=true and u=Unknown.
LEAF = {P: {"field": "properties.flag", "equals": True},
        F: {"field": "properties.flag", "equals": False},
        N: {"field": "properties.u", "equals": 1}}


def thing():
    return make("Microsoft.Test/things", "t", properties={"flag": True, "u": U, "n": 3, "s": "Hello",
                                                           "list": ["a", "b"], "objs": [{"k": 1}, {"k": 2}]})


def kleene_and(a, b):
    if F in (a, b):
        return F
    return N if N in (a, b) else P


def kleene_or(a, b):
    if P in (a, b):
        return P
    return N if N in (a, b) else F


@pytest.mark.parametrize(("a", "b"), list(itertools.product([P, F, N], repeat=2)))
def test_all_of_and_any_of_follow_kleene(a, b):
    assert evaluate({"allOf": [LEAF[a], LEAF[b]]}, thing()) is kleene_and(a, b)
    assert evaluate({"anyOf": [LEAF[a], LEAF[b]]}, thing()) is kleene_or(a, b)


@pytest.mark.parametrize(("a", "expected"), [(P, F), (F, P), (N, N)])
def test_not_swaps_pass_and_fail_and_keeps_unknown(a, expected):
    assert evaluate({"not": LEAF[a]}, thing()) is expected


OPERATOR_CASES = [
    ({"field": "properties.s", "equals": "hello"}, P),
    ({"field": "properties.s", "equals": "hello", "caseSensitive": True}, F),
    ({"field": "properties.s", "notEquals": "other"}, P),
    ({"field": "properties.absent", "notEquals": "x"}, P),
    ({"field": "properties.absent", "equals": "x"}, F),
    ({"field": "properties.flag", "equals": 1}, F),  # a bool is not a number
    ({"field": "properties.s", "in": ["HELLO", "x"]}, P),
    ({"field": "properties.s", "notIn": ["x"]}, P),
    ({"field": "properties.s", "exists": True}, P),
    ({"field": "properties.absent", "exists": False}, P),
    ({"field": "properties.s", "match": "^h.l+o$"}, P),
    ({"field": "properties.s", "match": "^x"}, F),
    ({"field": "properties.s", "startsWith": "HE"}, P),
    ({"field": "properties.s", "endsWith": "LO"}, P),
    ({"field": "properties.s", "contains": "ell"}, P),
    ({"field": "properties.list", "contains": "B"}, P),
    ({"field": "properties.n", "greater": 2}, P),
    ({"field": "properties.n", "greaterOrEquals": 3}, P),
    ({"field": "properties.n", "less": 3}, F),
    ({"field": "properties.n", "lessOrEquals": 3}, P),
    ({"field": "properties.s", "greater": 1}, F),  # not comparable: a failure with a reason
    ({"field": "properties.list", "count": 2}, P),
    ({"field": "properties.objs", "count": {"where": {"field": "k", "greater": 1}, "equals": 1}}, P),
    ({"field": "properties.objs[*].k", "count": {"greaterOrEquals": 2}}, P),
    ({"field": "properties.absent", "count": 0}, P),
]


@pytest.mark.parametrize(("condition", "expected"), OPERATOR_CASES)
def test_operators(condition, expected):
    assert evaluate(condition, thing()) is expected


@pytest.mark.parametrize("operator", ["equals", "notEquals", "in", "notIn", "startsWith", "endsWith", "contains",
                                      "greater", "greaterOrEquals", "less", "lessOrEquals"])
def test_every_comparison_of_an_unknown_is_unknown(operator):
    operand = ["x"] if operator in ("in", "notIn") else 1
    result = verdict({"field": "properties.u", operator: operand}, thing())
    assert result.tri is N and result.reason == "test"


def test_exists_match_and_count_of_unknown_are_unknown():
    for condition in ({"field": "properties.u", "exists": True}, {"field": "properties.u", "match": "x"},
                      {"field": "properties.u", "count": 1}):
        assert evaluate(condition, thing()) is N


def test_count_where_with_unknown_elements_is_bounded():
    resource = make("Microsoft.Test/things", "t", properties={"objs": [{"k": 1}, {"k": U}]})
    assert evaluate({"field": "properties.objs", "count": {"where": {"field": "k", "equals": 1},
                                                          "greaterOrEquals": 1}}, resource) is P
    assert evaluate({"field": "properties.objs", "count": {"where": {"field": "k", "equals": 1},
                                                          "greaterOrEquals": 2}}, resource) is N
    assert evaluate({"field": "properties.objs", "count": {"where": {"field": "k", "equals": 1},
                                                          "greaterOrEquals": 3}}, resource) is F


def test_match_input_is_bounded():
    resource = make("Microsoft.Test/things", "t", properties={"s": "a" * 10_000})
    assert evaluate({"field": "properties.s", "match": "a+"}, resource) is N


def test_params_and_operands():
    resource = thing()
    assert evaluate({"field": "properties.s", "in": {"param": "ok"}}, resource, params={"ok": ["hello"]}) is P
    assert evaluate({"value": {"pairedRegion": {"field": "location"}}, "equals": "centralus"}, resource) is P
    assert evaluate({"value": {"geography": {"field": "location"}}, "equals": "United States"}, resource) is P
    assert evaluate({"value": {"pairedRegion": {"literal": "austriaeast"}}, "exists": False}, resource) is P


@pytest.mark.parametrize(("low", "high", "operator", "n", "expected"), [
    (2, 2, "greaterOrEquals", 2, P), (1, 1, "greaterOrEquals", 2, F), (1, 3, "greaterOrEquals", 2, N),
    (0, float("inf"), "greaterOrEquals", 1, N), (2, 2, "equals", 2, P), (1, 3, "equals", 5, F),
    (1, 3, "notEquals", 5, P), (1, 3, "less", 1, F), (0, 0, "lessOrEquals", 0, P),
])
def test_bounds(low, high, operator, n, expected):
    assert Bounds(low, high).compare(operator, n) is expected


def hub(name, location, **properties):
    return make("Microsoft.MachineLearningServices/workspaces", name, location, kind="Hub", properties=properties)


def test_ref_follows_ids_case_insensitively():
    storage = make("Microsoft.Storage/storageAccounts", "st", sku={"name": "Standard_GRS"})
    h = hub("hub", "eastus2", storageAccount=storage.id.upper())
    condition = {"ref": "properties.storageAccount", "condition": {"field": "sku.name", "equals": "Standard_GRS"}}
    result = verdict(condition, h, Estate([h, storage]))
    assert result.tri is P and result.facts["ref"] is storage


def test_ref_outcomes_when_the_target_is_absent_unknown_or_outside_the_estate():
    condition = {"ref": "properties.storageAccount", "condition": {"field": "sku.name", "exists": True}}
    assert evaluate(condition, hub("hub", "eastus2")) is F
    assert evaluate(condition, hub("hub", "eastus2", storageAccount=U)) is N
    assert evaluate(condition, hub("hub", "eastus2", storageAccount="/subscriptions/x/elsewhere")) is N


def test_outer_compares_with_the_resource_before_the_ref():
    appi = make("Microsoft.Insights/components", "appi", "centralus")
    h = hub("hub", "eastus2", applicationInsights=appi.id)
    condition = {"ref": "properties.applicationInsights",
                 "condition": {"field": "location", "equals": {"outer": "location"}}}
    assert evaluate(condition, h, Estate([h, appi])) is F


def test_aggregate_over_children_via_reference_counts_distinct_regions():
    a1 = make("Microsoft.CognitiveServices/accounts", "a1", "eastus2")
    a2 = make("Microsoft.CognitiveServices/accounts", "a2", "swedencentral")
    h = hub("hub", "eastus2")
    c1 = make("Microsoft.MachineLearningServices/workspaces/connections", "hub/c1", None,
              properties={"category": "AIServices", "metadata": {"ResourceId": a1.id}})
    c2 = make("Microsoft.MachineLearningServices/workspaces/connections", "hub/c2", None,
              properties={"category": "AIServices", "metadata": {"ResourceId": a2.id}})
    condition = {"aggregate": {"select": {"type": "Microsoft.MachineLearningServices/workspaces/connections",
                                          "relation": "children"},
                               "via": "properties.metadata.ResourceId", "distinct": "location"},
                 "greaterOrEquals": 2}
    assert evaluate(condition, h, Estate([h, a1, a2, c1, c2])) is P
    assert evaluate(condition, h, Estate([h, a1, c1])) is F
    assert evaluate(condition, h, Estate([h, a1, c1, c2])) is N  # a2 is not in the estate


def test_aggregate_of_an_unobservable_type_is_unknown_not_fail():
    graph = Origin("resource-graph", "g.json", None,
                   {"microsoft.machinelearningservices/workspaces/connections": "not indexed"})
    h = make("Microsoft.MachineLearningServices/workspaces", "hub", origin=graph, kind="Hub")
    condition = {"aggregate": {"select": {"type": "Microsoft.MachineLearningServices/workspaces/connections",
                                          "relation": "children"}}, "greaterOrEquals": 1}
    result = verdict(condition, h, Estate([h]))
    assert result.tri is N and result.reason == "not indexed"


def test_aggregate_with_outer_in_where():
    h = hub("hub", "eastus2")
    same = make("Microsoft.Insights/components", "appi1", "eastus2")
    other = make("Microsoft.Insights/components", "appi2", "westus")
    condition = {"aggregate": {"select": {"type": "Microsoft.Insights/components",
                                          "where": {"field": "location", "equals": {"outer": "location"}}}},
                 "equals": 1}
    assert evaluate(condition, h, Estate([h, same, other])) is P


@pytest.mark.parametrize("bad", [
    {"field": "a"},                                     # no operator
    {"field": "a", "equals": 1, "in": [1]},             # two operators
    {"field": "a", "equal": 1},                         # unknown operator
    {"allOf": []},
    {"allOf": [{"field": "a", "exists": True}], "field": "b"},
    {"field": "a", "exists": "yes"},
    {"field": "a", "match": "("},
    {"field": "a[*]", "equals": 1},
    {"ref": "a"},
    {"aggregate": {"select": {"type": "notatype"}}, "greater": 1},
    {"aggregate": {}, "match": "x"},
    {"field": "a", "in": "notalist"},
    {"field": "a", "equals": {"param": 1}},
])
def test_invalid_conditions_are_rejected_with_a_path(bad):
    with pytest.raises(ConditionError) as info:
        compile_condition(bad, ("condition",))
    assert info.value.path[0] == "condition"


def test_a_child_whose_name_is_unknown_may_belong_to_the_parent():
    registry = make("Microsoft.ContainerRegistry/registries", "cr", "eastus2")
    replica = make("Microsoft.ContainerRegistry/registries/replications", "cr/x", Unknown("replica from a param"),
                   id=Unknown("name from a parameter"))
    other_origin = make("Microsoft.ContainerRegistry/registries/replications", "cr/y", "westus",
                        origin=Origin("arm", "other.json"), id=Unknown("name from a parameter"))
    condition = {"aggregate": {"select": {"type": "Microsoft.ContainerRegistry/registries/replications",
                                          "relation": "children"}}, "greaterOrEquals": 1}
    assert evaluate(condition, registry, Estate([registry, replica])) is N
    assert evaluate(condition, registry, Estate([registry, other_origin])) is F


def test_fold_and_find_unknown_on_plain_values_and_containers():
    from linter.conditions.operators import find_unknown, fold

    class Name(str):
        pass

    assert fold("Standard_LRS", False) == "standard_lrs" and fold("Standard_LRS", True) == "Standard_LRS"
    assert fold(Name("ABC"), False) == "abc"
    assert [fold(v, False) for v in (1, 1.5, True, None)] == [1, 1.5, True, None]
    assert fold({"A": ["X", {"B": "Y"}]}, False) == {"a": ["x", {"b": "y"}]}
    unknown = Unknown("from a parameter")
    assert [find_unknown(v) for v in ("x", 0, 2.5, False, None)] == [None] * 5
    assert find_unknown({"a": [1, {"b": unknown}]}) is unknown and find_unknown(unknown) is unknown


def test_string_comparisons_fold_case_unless_asked_not_to():
    resource = make("Microsoft.Storage/storageAccounts", "st", sku={"name": "Standard_LRS"}, kind="StorageV2")
    assert evaluate({"field": "sku.name", "equals": "standard_lrs"}, resource) is Tri.PASS
    assert evaluate({"field": "sku.name", "equals": "standard_lrs", "caseSensitive": True}, resource) is Tri.FAIL
    assert evaluate({"field": "sku.name", "in": ["x", "STANDARD_LRS"]}, resource) is Tri.PASS
    assert evaluate({"field": "sku.name", "notIn": ["x", "STANDARD_LRS"], "caseSensitive": True}, resource) is Tri.PASS
    assert evaluate({"field": "kind", "equals": {"param": "k"}}, resource, params={"k": "storagev2"}) is Tri.PASS
    assert evaluate({"field": "kind", "equals": True}, resource) is Tri.FAIL  # a string is never a boolean
    assert evaluate({"field": "sku.name", "in": [1, True, None, {"a": 1}, "standard_lrs"]}, resource) is Tri.PASS
    assert evaluate({"field": "sku.name", "in": [1, True, None, ["Standard_LRS"]]}, resource) is Tri.FAIL
    numbered = make("Microsoft.Storage/storageAccounts", "n", properties={"count": 2, "on": True})
    assert evaluate({"field": "properties.count", "in": ["2", 2.0]}, numbered) is Tri.PASS
    assert evaluate({"field": "properties.on", "in": [1, "true"]}, numbered) is Tri.FAIL
    assert evaluate({"field": "properties.missing", "notIn": ["x"]}, numbered) is Tri.PASS
