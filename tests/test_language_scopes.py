"""Condition-language pieces the disaster-recovery pack needs: scopes of extension resources (locks, role
assignments), computed references, a child's parent, regions the table does not know, guidance quotes."""

from __future__ import annotations

import pytest

from linter.conditions import Tri, compile_condition
from linter.model import Estate, Origin, Unknown
from tests.helpers import SUB, U, evaluate, make, verdict

P, F, N = Tri.PASS, Tri.FAIL, Tri.UNKNOWN
HUB_TYPE = "Microsoft.MachineLearningServices/workspaces"
LOCK_TYPE = "Microsoft.Authorization/locks"
RG_ID = SUB.removesuffix("/providers")  # /subscriptions/s/resourceGroups/rg


def hub(name="hub", location="eastus2", **properties):
    return make(HUB_TYPE, name, location, kind="Hub", properties=properties)


def lock(scope, name="no-delete", level="CanNotDelete"):
    return make(LOCK_TYPE, name, None, id=f"{scope}/providers/{LOCK_TYPE}/{name}", properties={"level": level})


LOCKED = {"aggregate": {"select": {"type": LOCK_TYPE, "where": {"allOf": [
    {"field": "properties.level", "in": ["CanNotDelete", "ReadOnly"]},
    {"value": {"subject": "id"}, "within": {"scopeOf": {"field": "id"}}}]}}}, "greaterOrEquals": 1}


@pytest.mark.parametrize(("scope", "expected"), [
    ("{hub}", P),                                   # on the resource itself
    (RG_ID, P),                                     # on its resource group
    ("/subscriptions/s", P),                        # on its subscription
    (RG_ID + "-other", F),                          # a resource group whose name merely starts the same
    ("/subscriptions/s/resourceGroups/RG", P),      # ids compare case-insensitively
    (SUB + "/Microsoft.Storage/storageAccounts/st", F),  # on another resource
])
def test_a_lock_covers_its_scope_and_everything_below_it(scope, expected):
    h = hub()
    the_lock = lock(scope.replace("{hub}", h.id))
    assert evaluate(LOCKED, h, Estate([h, the_lock])) is expected


def test_a_lock_of_another_level_does_not_count_and_no_lock_fails_when_locks_are_observable():
    h = hub()
    assert evaluate(LOCKED, h, Estate([h, lock(h.id, level="Informational")])) is F
    assert evaluate(LOCKED, h, Estate([h])) is F


def test_a_missing_lock_is_unknown_where_the_input_cannot_show_locks():
    template = Origin("arm", "main.json", None, {LOCK_TYPE.lower(): "templates show only their own locks"})
    h = make(HUB_TYPE, "hub", origin=template, kind="Hub")
    result = verdict(LOCKED, h, Estate([h]))
    assert result.tri is N and result.reason == "templates show only their own locks"
    assert evaluate(LOCKED, h, Estate([h, lock(h.id)])) is P  # a lock it does deploy still counts


@pytest.mark.parametrize(("value", "expected"), [
    (f"{SUB}/Microsoft.X/things/t/providers/{LOCK_TYPE}/l", f"{SUB}/Microsoft.X/things/t"),
    (f"{RG_ID}/providers/{LOCK_TYPE}/l", RG_ID),
    (f"/subscriptions/s/providers/{LOCK_TYPE}/l", "/subscriptions/s"),
])
def test_scope_of_an_extension_resource_id(value, expected):
    thing = make("Microsoft.X/things", "t", properties={"id": value, "expected": expected})
    assert evaluate({"value": {"scopeOf": {"field": "properties.id"}}, "equals": {"field": "properties.expected"}},
                    thing) is P


def test_scope_of_an_unknown_id_is_unknown_and_within_needs_strings():
    thing = make("Microsoft.X/things", "t", properties={"id": U, "n": 3})
    assert evaluate({"value": {"scopeOf": {"field": "properties.id"}}, "equals": "x"}, thing) is N
    assert evaluate({"field": "properties.n", "within": "/subscriptions/s"}, thing) is F
    assert evaluate({"field": "properties.absent", "within": "/subscriptions/s"}, thing) is F


def test_ref_to_a_computed_id_follows_the_scope_of_a_role_assignment():
    h = hub()
    role = make("Microsoft.Authorization/roleAssignments", "ra", None,
                id=f"{h.id}/providers/Microsoft.Authorization/roleAssignments/ra", properties={"principalId": "p"})
    condition = {"ref": {"scopeOf": {"field": "id"}}, "condition": {"field": "kind", "equals": "Hub"}}
    assert evaluate(condition, role, Estate([h, role])) is P
    assert evaluate(condition, role, Estate([role])) is N  # the hub is not in the estate


def test_parent_id_reaches_a_childs_parent():
    account = make("Microsoft.CognitiveServices/accounts", "acc", "swedencentral")
    deployment = make("Microsoft.CognitiveServices/accounts/deployments", "acc/gpt", None)
    condition = {"ref": "parentId", "condition": {"field": "location", "equals": "swedencentral"}}
    assert evaluate(condition, deployment, Estate([account, deployment])) is P
    assert evaluate({"field": "parentId", "exists": False}, account) is P
    orphan = make("Microsoft.CognitiveServices/accounts/projects", "p", None, id=Unknown("name from a parameter"))
    assert evaluate(condition, orphan, Estate([account, orphan])) is N  # its parent is unknown, not absent


def test_a_principal_missing_on_one_hub_is_found_by_nested_aggregates():
    h1, h2 = hub("h1"), hub("h2", "centralus")

    def role(scope, name, principal):
        return make("Microsoft.Authorization/roleAssignments", name, None,
                    id=f"{scope.id}/providers/Microsoft.Authorization/roleAssignments/{name}",
                    properties={"principalId": principal})

    missing_here = {"aggregate": {"select": {"type": "Microsoft.Authorization/roleAssignments", "where": {"allOf": [
        {"value": {"scopeOf": {"field": "id"}}, "notEquals": {"subject": "id"}},
        {"not": {"aggregate": {"select": {"type": "Microsoft.Authorization/roleAssignments", "where": {"allOf": [
            {"value": {"scopeOf": {"field": "id"}}, "equals": {"subject": "id"}},
            {"field": "properties.principalId", "equals": {"outer": "properties.principalId"}}]}}},
            "greaterOrEquals": 1}}]}}}, "equals": 0}
    both = Estate([h1, h2, role(h1, "a", "p1"), role(h2, "b", "p1"), role(h1, "c", "p2")])
    assert evaluate(missing_here, h1, both) is P
    assert evaluate(missing_here, h2, both) is F  # p2 has a role on h1 only
    unknown_principal = Estate([h1, h2, role(h1, "a", U), role(h2, "b", "p1")])
    assert evaluate(missing_here, h2, unknown_principal) is N


ROLE_TYPE = "Microsoft.Authorization/roleAssignments"


def principals(where):
    return {"collect": {"select": {"type": ROLE_TYPE, "where": where}, "field": "properties.principalId"}}


SAME_PRINCIPALS = {
    "value": principals({"value": {"scopeOf": {"field": "id"}}, "notEquals": {"subject": "id"}}),
    "subsetOf": principals({"value": {"scopeOf": {"field": "id"}}, "equals": {"subject": "id"}}),
}


def role(scope, name, principal):
    return make(ROLE_TYPE, name, None, id=f"{scope.id}/providers/{ROLE_TYPE}/{name}",
                properties={"principalId": principal})


def test_collect_compares_whole_sets_of_principals():
    h1, h2 = hub("h1"), hub("h2", "centralus")
    estate = Estate([h1, h2, role(h1, "a", "p1"), role(h2, "b", "P1"), role(h1, "c", "p2")])
    assert evaluate(SAME_PRINCIPALS, h1, estate) is P     # h2's only principal (P1, any case) is on h1
    result = verdict(SAME_PRINCIPALS, h2, estate)
    assert result.tri is F and sorted(result.facts["actual"]) == ["p1", "p2"]  # p2 is on h1 only
    assert evaluate(SAME_PRINCIPALS, h1, Estate([h1])) is P  # nothing elsewhere: nothing missing


def test_a_collected_set_with_an_unknown_member_is_unknown():
    h1, h2 = hub("h1"), hub("h2", "centralus")
    assert evaluate(SAME_PRINCIPALS, h2, Estate([h1, h2, role(h1, "a", U), role(h2, "b", "p1")])) is N
    maybe = make(ROLE_TYPE, "m", None, id=f"{h1.id}/providers/{ROLE_TYPE}/m", properties={"principalId": "p9"},
                 conditional=U)
    assert evaluate(SAME_PRINCIPALS, h2, Estate([h1, h2, maybe, role(h2, "b", "p1")])) is N
    unseen = Origin("resource-graph", "g.json", None, {ROLE_TYPE.lower(): "authorizationresources not exported"})
    lone = make(HUB_TYPE, "h3", origin=unseen, kind="Hub")
    result = verdict(SAME_PRINCIPALS, lone, Estate([lone]))
    assert result.tri is N and result.reason == "authorizationresources not exported"


@pytest.mark.parametrize(("region", "function", "expected"), [
    ("eastus2", "pairedRegion", "centralus"),
    ("East US 2", "geography", "United States"),
])
def test_region_facts(region, function, expected):
    thing = make("Microsoft.X/things", "t", properties={"region": region})
    assert evaluate({"value": {function: {"field": "properties.region"}}, "equals": expected}, thing) is P


def test_a_region_without_a_pair_has_none_but_an_unknown_region_is_unknown():
    unpaired = make("Microsoft.X/things", "t", properties={"region": "austriaeast"})
    assert evaluate({"value": {"pairedRegion": {"field": "properties.region"}}, "exists": False}, unpaired) is P
    unknown = make("Microsoft.X/things", "t", properties={"region": "contosonorth"})
    result = verdict({"value": {"geography": {"field": "properties.region"}}, "equals": "x"}, unknown)
    assert result.tri is N and "contosonorth" in result.reason
    assert evaluate({"value": {"pairedRegion": {"field": "properties.region"}}, "exists": False}, unknown) is N


@pytest.mark.parametrize("bad", [
    {"value": {"scopeOf": {"nope": "id"}}, "equals": "x"},
    {"ref": {"scopeOf": {"field": "id"}}},
    {"ref": {"unknown": "id"}, "condition": {"field": "a", "exists": True}},
    {"value": {"collect": {"select": {"type": "Microsoft.X/y"}}}, "subsetOf": []},
    {"value": {"collect": {"select": {"type": "nope"}, "field": "a"}}, "subsetOf": []},
    {"field": "a", "subsetOf": "notalist"},
])
def test_invalid_uses_are_rejected(bad):
    with pytest.raises(ValueError):
        compile_condition(bad, ("condition",))


def test_rule_docs_quote_the_guidance_they_implement():
    from linter.rules import builtin_pack_dir, load_rules
    from linter.rulesdoc import render_markdown

    rules, problems = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    assert not problems
    quoted = {rule.id: rule for rule in rules if rule.docs.guidance}
    assert {"DR102", "DR601", "DR704", "DR709"} <= set(quoted)
    page = render_markdown(quoted["DR705"])
    assert "> Enable Continuous backup with point-in-time restore." in page
    assert all(source.startswith("https://learn.microsoft.com/") for rule in quoted.values()
               for _, source in rule.docs.guidance)
