"""Reused work (answers computed once per estate, equality indexes over selections) never changes an outcome:
every check here evaluates the same thing with reuse on and off and compares what a user would see."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.conditions import Scope, compile_condition, reuse
from linter.conditions.compiler import compile_operand
from linter.config import Config
from linter.engine import run_rules
from linter.model import Estate, Origin, Unknown
from linter.results import Outcome
from linter.rules import builtin_pack_dir, load_rules
from linter.scan import collect
from tests.conftest import FIXTURES
from tests.helpers import SUB, make

CONNECTION = "Microsoft.CognitiveServices/accounts/projects/connections"
STORAGE = "Microsoft.Storage/storageAccounts"
TARGETS = {"aggregate": {"as": "uses", "select": {"type": CONNECTION, "where": {"allOf": [
    {"field": "properties.category", "in": ["AzureStorageAccount", "CosmosDB"]},
    {"field": "properties.metadata.ResourceId", "equals": {"outer": "id"}}]}}}, "greaterOrEquals": 1}


@pytest.fixture
def without_reuse(monkeypatch):
    def switch_off():
        monkeypatch.setattr(reuse, "ENABLED", False)
    return switch_off


def _seen(result) -> tuple:
    resource = result.resource.id if result.resource is not None else None
    return (result.rule.id, result.outcome, str(resource), result.message, result.reason, result.position,
            [(r.position, r.label) for r in result.related])


def _verdict(condition, subject, estate, params=None):
    scope = Scope(estate, subject, subject.fields(), params or {}, subject=subject)
    found = compile_condition(condition).evaluate(scope)
    return found.tri, found.reason, [(e.resource.id, e.path) for e in found.evidence], found.facts


def _connection(name, target, category="AzureStorageAccount", **extra):
    return make(CONNECTION, f"acct/p/{name}", None, properties={
        "category": category, "metadata": {"ResourceId": target}, **extra})


def _storage(name):
    return make(STORAGE, name)


@pytest.mark.parametrize("target", [
    "{id}",                                   # the same text
    "{ID}",                                   # another case: ids compare case-insensitively
    Unknown("set at deployment"),            # unknown: the member is only possibly selected
    ["{id}"],                                 # an array is never equal to a string
    None,                                     # null
    True,                                     # another type
    "{id}/other",                             # another resource
])
def test_a_join_finds_the_same_members_as_testing_every_one(target, without_reuse):
    subject = _storage("st")
    others = [_storage(f"other{n}") for n in range(3)]

    def build(value):
        if isinstance(value, str):
            return value.replace("{id}", subject.id).replace("{ID}", subject.id.upper())
        return [build(v) for v in value] if isinstance(value, list) else value

    estate = Estate([subject, *others, _connection("a", others[0].id), _connection("b", build(target)),
                     _connection("c", subject.id, category="Other"), _connection("d", others[1].id.lower())])
    with_index = _verdict(TARGETS, subject, estate)
    without_reuse()
    assert _verdict(TARGETS, subject, Estate(list(estate))) == with_index


def test_members_whose_value_is_unknown_are_still_counted_as_possible(without_reuse):
    subject = _storage("st")
    estate = Estate([subject, _connection("a", Unknown("a parameter")), _connection("b", subject.id)])
    tri, reason, evidence, facts = _verdict(TARGETS, subject, estate)
    assert facts["uses"]["count"] == 2 and len(evidence) == 2
    without_reuse()
    assert _verdict(TARGETS, subject, Estate(list(estate))) == (tri, reason, evidence, facts)


def test_an_unobservable_type_is_unknown_with_or_without_reuse(without_reuse):
    unseen = Origin("resource-graph", "export.json", None, {CONNECTION.lower(): "not indexed"})
    subject = make(STORAGE, "st", origin=unseen)
    estate = Estate([subject])
    found = _verdict(TARGETS, subject, estate)
    assert found[:2] == (found[0].UNKNOWN, "not indexed")
    without_reuse()
    assert _verdict(TARGETS, subject, Estate([subject])) == found


def test_an_answer_that_reads_no_resource_is_the_same_for_every_resource_and_can_be_negated(without_reuse):
    accounts = {"not": {"aggregate": {"select": {"type": "Microsoft.CognitiveServices/accounts",
                                                 "where": {"field": "properties.allowProjectManagement",
                                                           "equals": True}}}, "greaterOrEquals": 1}}
    account = make("Microsoft.CognitiveServices/accounts", "acct", properties={"allowProjectManagement": True})
    first, second = _storage("a"), _storage("b")
    estate = Estate([account, first, second])
    condition, params = compile_condition(accounts), {}  # one rule: one parameters mapping for every resource
    answers = [condition.evaluate(Scope(estate, r, r.fields(), params, subject=r)).tri
               for r in (first, second, first)]
    assert len(set(answers)) == 1  # `not` flips the verdict it is handed: a remembered one must stay intact
    without_reuse()
    assert compile_condition(accounts).evaluate(Scope(estate, first, first.fields(), {}, subject=first)).tri \
        is answers[0]


def test_an_estate_that_changes_forgets_what_it_computed():
    subject = _storage("st")
    estate = Estate([subject])
    assert _verdict(TARGETS, subject, estate)[0].name == "FAIL"
    estate.add(_connection("a", subject.id))
    assert _verdict(TARGETS, subject, estate)[0].name == "PASS"


def _pack_results(paths: list[Path]) -> list[tuple]:
    loaded = collect(paths, Config(), paths[0].parent)
    estate = Estate(loaded.resources)
    for origin in loaded.origins:
        estate.add_origin(origin)
    rules, problems = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    assert not problems
    results, diagnostics = run_rules(rules, estate)
    assert not diagnostics
    return [_seen(r) for r in results]


def test_the_whole_pack_gives_the_same_findings_on_a_generated_estate(tmp_path, without_reuse):
    from bench.pack_scale import estate_rows  # the benchmark's estate: hubs, Foundry accounts, locks, roles

    export = tmp_path / "estate.json"
    rows = estate_rows(300)
    export.write_text(json.dumps({"count": len(rows), "data": rows}))
    with_reuse = _pack_results([export])
    outcomes = {outcome for _, outcome, *_ in with_reuse}
    assert {Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN} <= outcomes
    without_reuse()
    assert _pack_results([export]) == with_reuse


@pytest.mark.parametrize("rule", ["DR109", "DR706", "DR708"])
def test_rule_fixtures_give_the_same_findings_without_reuse(rule, without_reuse):
    cases = sorted(p for p in (FIXTURES / "rules" / rule).iterdir() if p.is_dir())
    with_reuse = [_pack_results([case]) for case in cases]
    without_reuse()
    assert [_pack_results([case]) for case in cases] == with_reuse


def test_a_join_on_a_computed_scope_matches_ids_of_any_case(without_reuse):
    hub_type = "Microsoft.MachineLearningServices/workspaces"
    hub = make(hub_type, "hub", kind="Hub")
    role = "Microsoft.Authorization/roleAssignments"
    own = {"aggregate": {"select": {"type": role, "where": {"value": {"scopeOf": {"field": "id"}},
                                                            "equals": {"subject": "id"}}}},
           "greaterOrEquals": 1}
    on_hub = make(role, "r1", None, id=f"{hub.id.upper()}/providers/{role}/r1")
    elsewhere = make(role, "r2", None, id=f"{SUB}/Microsoft.X/things/t/providers/{role}/r2")
    estate = Estate([hub, on_hub, elsewhere])
    found = _verdict(own, hub, estate)
    assert found[0].name == "PASS" and found[3]["count"] == 1
    without_reuse()
    assert _verdict(own, hub, Estate(list(estate))) == found


LOCK = "Microsoft.Authorization/locks"
LOCKED = {"aggregate": {"as": "locks", "select": {"type": LOCK, "where": {"allOf": [
    {"field": "properties.level", "in": ["CanNotDelete"]},
    {"value": {"subject": "id"}, "within": {"scopeOf": {"field": "id"}}}]}}}, "greaterOrEquals": 1}


@pytest.mark.parametrize("scope", [
    "{id}", "{ID}", "/subscriptions/s/resourceGroups/rg", "/subscriptions/s/resourceGroups/rg/",
    "/subscriptions/S", "/subscriptions/s/resourceGroups/rg-other", "/subscriptions/s/resourceGroups/r",
    "{id}/child",
])
def test_a_scope_join_finds_the_same_locks_as_testing_every_one(scope, without_reuse):
    subject = _storage("st")
    scope = scope.replace("{id}", subject.id).replace("{ID}", subject.id.upper())
    locks = [make(LOCK, f"l{n}", None, id=f"{where}/providers/{LOCK}/l{n}", properties={"level": "CanNotDelete"})
             for n, where in enumerate([scope, "/subscriptions/other"])]
    odd = make(LOCK, "odd", None, id=Unknown("a lock named at deployment"), properties={"level": "CanNotDelete"})
    estate = Estate([subject, *locks, odd])
    found = _verdict(LOCKED, subject, estate)
    without_reuse()
    assert _verdict(LOCKED, subject, Estate(list(estate))) == found


HUB = "Microsoft.MachineLearningServices/workspaces"
ROLE = "Microsoft.Authorization/roleAssignments"
# DR109's comparison: the principals with a role on any other hub (a `notEquals` join on the scope) must
# have one on this hub
ON_OTHER_HUBS = {"collect": {"select": {"type": ROLE, "where": {"allOf": [
    {"value": {"scopeOf": {"field": "id"}},
     "match": "/providers/Microsoft\\.MachineLearningServices/workspaces/[^/]+$"},
    {"value": {"scopeOf": {"field": "id"}}, "notEquals": {"subject": "id"}},
    {"aggregate": {"select": {"type": HUB, "where": {"allOf": [
        {"field": "kind", "equals": "Hub"}, {"field": "id", "equals": {"scopeOf": {"outer": "id"}}}]}}},
     "greaterOrEquals": 1}]}}, "field": "properties.principalId"}}
EVERY_PRINCIPAL_ON_EACH_HUB = {"value": ON_OTHER_HUBS, "subsetOf": {"collect": {"select": {
    "type": ROLE, "where": {"value": {"scopeOf": {"field": "id"}}, "equals": {"subject": "id"}}},
    "field": "properties.principalId"}}}


def _role(n, scope, principal, **extra):
    fields = {"properties": {"principalId": principal}} if principal is not None else {"properties": {}}
    resource_id = scope if isinstance(scope, Unknown) else f"{scope}/providers/{ROLE}/r{n}"
    return make(ROLE, f"r{n}", None, id=resource_id, **fields, **extra)


def _shown(value):
    """Values as a user sees them (an UNKNOWN by its reason: no two UNKNOWNs are ever equal)."""
    if isinstance(value, Unknown):
        return ("UNKNOWN", value.reason)
    if isinstance(value, list):
        return [_shown(v) for v in value]
    if isinstance(value, dict):
        return {k: _shown(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("odd", [
    "none",
    "unknown principal",          # UNKNOWN on its own hub's list, not on the others'
    "unknown scope",              # scope not known: possibly any hub's, tested for every hub
    "symbolic scope",             # the same, with a symbolic id
    "scope in another case",      # ids compare case-insensitively: still its hub's own
    "principal in another case",  # one principal, written two ways: listed once, as first written elsewhere
    "twice on one hub",           # listed for the other hubs as written on the next hub that has it
    "unknown, then unknown scope",  # the first member that makes the list UNKNOWN decides its reason
    "possibly deployed",          # a member only possibly selected, on one hub
    "principals as a list",
    "no principal",
    "scope not a hub",            # a workspace that is not a hub, and one not scanned
])
def test_principals_on_other_hubs_are_the_same_as_testing_every_assignment(odd, without_reuse):
    hubs = [make(HUB, f"hub{n}", kind="Hub") for n in range(4)]
    project = make(HUB, "proj", kind="Project")
    roles = [_role(0, hubs[0].id, "team"), _role(1, hubs[1].id, "team"), _role(2, hubs[1].id, "ops"),
             _role(3, hubs[2].id, "ops"), _role(4, hubs[2].id, "dev"), _role(5, hubs[3].id, "team")]
    extra = {
        "none": [],
        "unknown principal": [_role(6, hubs[2].id, Unknown("a parameter")), _role(7, hubs[0].id, "late")],
        "unknown scope": [_role(6, Unknown("a scope set at deployment"), "late")],
        "symbolic scope": [_role(6, Unknown("a scope of main", key=("scope", "main")), "late")],
        "scope in another case": [_role(6, hubs[3].id.upper(), "dev"), _role(7, hubs[0].id.lower(), "admin")],
        "principal in another case": [_role(6, hubs[0].id, "OPS"), _role(7, hubs[3].id, "Dev")],
        "twice on one hub": [_role(6, hubs[0].id, "solo"), _role(7, hubs[0].id, "Solo"),
                             _role(8, hubs[3].id, "SOLO")],
        "unknown, then unknown scope": [_role(6, hubs[2].id, Unknown("a parameter")),
                                        _role(7, Unknown("a scope set at deployment"), "late")],
        "possibly deployed": [_role(6, hubs[1].id, "late", conditional=Unknown("deployed if a flag is set")),
                              _role(7, hubs[2].id, "admin")],
        "principals as a list": [_role(6, hubs[0].id, ["ops", "admin"]), _role(7, hubs[3].id, [])],
        "no principal": [_role(6, hubs[2].id, None), _role(7, hubs[2].id, {"nested": "x"})],
        "scope not a hub": [_role(6, project.id, "admin"), _role(7, f"{SUB}/{HUB}/unscanned", "admin")],
    }[odd]
    estate = Estate([*hubs, project, *roles[:3], *extra, *roles[3:]])
    assert isinstance(reuse.collected_except(compile_operand(ON_OTHER_HUBS, ()), Scope(
        estate, hubs[0], hubs[0].fields(), {}, subject=hubs[0])), list | Unknown)  # answered from buckets

    def answers():
        condition = compile_condition(EVERY_PRINCIPAL_ON_EACH_HUB)
        found = []
        for hub in hubs:
            verdict = condition.evaluate(Scope(estate, hub, hub.fields(), {}, subject=hub))
            found.append((verdict.tri, verdict.reason, [(e.resource.id, e.path) for e in verdict.evidence],
                          _shown(verdict.facts)))
        return found

    with_buckets = answers()
    without_reuse()
    estate = Estate(list(estate))
    assert answers() == with_buckets


# --- a selection's `where` decided by the member's type -------------------------------------------------------

ACCOUNT = "Microsoft.CognitiveServices/accounts"
COSMOS = "Microsoft.DocumentDB/databaseAccounts"
HAS_FOUNDRY = {"aggregate": {"select": {"type": ACCOUNT, "where": {"field": "properties.allowProjectManagement",
                                                                    "equals": True}}}, "greaterOrEquals": 1}
BY_TYPE_WHERES = [
    # DR708's shape: accounts by a property of their own, other types only when the estate has a Foundry account
    {"anyOf": [{"allOf": [{"field": "type", "equals": ACCOUNT},
                          {"field": "properties.allowProjectManagement", "equals": True}]},
               {"allOf": [{"field": "type", "notEquals": ACCOUNT}, HAS_FOUNDRY]}]},
    {"not": {"field": "type", "in": [STORAGE, COSMOS]}},
    {"allOf": [{"field": "type", "equals": STORAGE.upper()}, {"field": "sku.name", "startsWith": "Standard_"}]},
    {"allOf": [{"field": "type", "equals": STORAGE.upper(), "caseSensitive": True}, {"field": "kind", "exists": True}]},
    {"anyOf": [{"field": "kind", "equals": "StorageV2"}, {"field": "type", "equals": COSMOS}]},
    {"allOf": [HAS_FOUNDRY, {"field": "type", "equals": {"param": "wanted"}}]},
    # an answer that reads no resource and is UNKNOWN (a type the input cannot show): decided member by member
    {"allOf": [{"field": "type", "equals": STORAGE},
               {"aggregate": {"select": {"type": "Microsoft.Authorization/locks"}}, "greaterOrEquals": 1}]},
]


def _by_type_estate(with_foundry: bool) -> Estate:
    resources = [
        make(STORAGE, "st1", kind="StorageV2", sku={"name": "Standard_LRS"}),
        make(STORAGE.lower(), "st2", sku={"name": "Premium_LRS"}),  # the same type, spelled otherwise
        make(STORAGE, "st3", kind="StorageV2", sku={"name": Unknown("sku from a parameter")}),
        make(STORAGE, "st4", sku={"name": "Standard_GRS"}, conditional=Unknown("deployed if a parameter says")),
        make(COSMOS, "db1"), make(COSMOS, "db2", conditional=Unknown("deployed if a parameter says")),
        make(ACCOUNT, "plain", properties={"allowProjectManagement": False}),
        make(ACCOUNT, "foundry" if with_foundry else "other", properties={"allowProjectManagement": with_foundry}),
    ]
    estate = Estate(resources)
    # an input that cannot show locks: whether the estate has one is UNKNOWN
    estate.add_origin(Origin("bicep", "main.bicep", unobservable={"microsoft.authorization/locks": "not shown"}))
    return estate


def _selected(where, estate: Estate) -> tuple:
    from linter.conditions import compile_selection

    selection = compile_selection({"type": [STORAGE, COSMOS, ACCOUNT], "where": where}, ("select",), False)
    members, reason = selection.select(Scope(estate, None, None, {"wanted": COSMOS}))
    return [(r.name, certain) for r, certain in members], reason


@pytest.mark.parametrize("with_foundry", [True, False], ids=["foundry", "no-foundry"])
@pytest.mark.parametrize("where", BY_TYPE_WHERES, ids=range(len(BY_TYPE_WHERES)))
def test_a_where_decided_by_type_selects_what_testing_every_member_selects(where, with_foundry, without_reuse):
    with_reuse = _selected(where, _by_type_estate(with_foundry))
    without_reuse()
    assert _selected(where, _by_type_estate(with_foundry)) == with_reuse


def test_members_of_a_type_the_where_never_admits_are_not_tested(monkeypatch):
    from linter.conditions.operators import Compare

    tested: list[str] = []
    real = Compare.evaluate

    def counting(self, scope):
        tested.append(scope.resource.name)
        return real(self, scope)

    monkeypatch.setattr(Compare, "evaluate", counting)
    members, _ = _selected(BY_TYPE_WHERES[0], _by_type_estate(with_foundry=False))
    assert members == []
    # each storage account and database is decided with the first of its type; accounts test their property
    assert set(tested) - {"plain", "other"} == {"st1", "st2", "db1"}


# --- a field a where cannot do without ------------------------------------------------------------------------

REQUIRED_WHERES = [
    {"field": "template.location.text", "exists": True},
    {"allOf": [{"field": "properties.networkAcls", "exists": True},
               {"field": "properties.networkAcls.defaultAction", "equals": "Deny"}]},
    {"allOf": [{"allOf": [{"field": "kind", "exists": True}]}, {"field": "type", "equals": STORAGE}]},
    {"field": "kind", "exists": False},  # not a requirement: absent passes
    {"anyOf": [{"field": "kind", "exists": True}, {"field": "sku.name", "exists": True}]},  # nor this
]


def _required_estate() -> Estate:
    return Estate([
        make(STORAGE, "st1", kind="StorageV2", properties={"networkAcls": {"defaultAction": "Deny"}}),
        make(STORAGE, "st2", properties={"networkAcls": Unknown("from a parameter")}),
        make(STORAGE, "st3", kind=Unknown("kind from a parameter")),
        make(COSMOS, "db1", kind="GlobalDocumentDB", conditional=Unknown("deployed if a parameter says")),
        make(COSMOS, "db2", sku={"name": "x"}),
    ])


@pytest.mark.parametrize("where", REQUIRED_WHERES, ids=range(len(REQUIRED_WHERES)))
def test_members_without_a_required_field_are_left_out_as_evaluating_leaves_them_out(where, without_reuse):
    with_reuse = _selected(where, _required_estate())
    without_reuse()
    assert _selected(where, _required_estate()) == with_reuse


def test_a_member_without_a_required_field_is_not_evaluated(monkeypatch):
    from linter.conditions.operators import Exists

    tested: list[str] = []
    real = Exists.evaluate
    monkeypatch.setattr(Exists, "evaluate", lambda self, scope: tested.append(scope.resource.name) or real(self, scope))
    members, _ = _selected(REQUIRED_WHERES[1], _required_estate())
    assert members == [("st1", True), ("st2", False)]
    assert tested == ["st1", "st2"]  # the others have no `properties.networkAcls`: left out without a test
