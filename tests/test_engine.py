"""The engine: selection, outcomes per rule and resource, estate-scope rules, rule errors."""

from __future__ import annotations

from linter.engine import evaluate_rule, plan_rules, run_rules
from linter.model import Estate, Unknown
from linter.results import Outcome
from linter.rules import compile_rule
from linter.yamlsource import load_yaml
from tests.helpers import make

HUBS_IN_TWO_REGIONS = """\
id: TT101
name: hubs
title: hubs in two regions
severity: error
scope: estate
select:
  type: Microsoft.MachineLearningServices/workspaces
  where: {field: kind, equals: Hub}
condition:
  aggregate: {distinct: location}
  greaterOrEquals: 2
message: "{count} hub(s) in {distinct} region(s): {values}"
docs: {what: w, why: y, fix: f}
"""


def rule(text: str = HUBS_IN_TWO_REGIONS):
    return compile_rule(load_yaml(text, "t.yaml"), builtin=False)


def hub(name, location, **kw):
    return make("Microsoft.MachineLearningServices/workspaces", name, location, kind="Hub", **kw)


def test_estate_rule_outcomes():
    assert evaluate_rule(rule(), Estate([hub("a", "eastus2"), hub("b", "centralus")]))[0].outcome is Outcome.PASS
    failed = evaluate_rule(rule(), Estate([hub("a", "eastus2"), hub("b", "East US 2", line=9)]))[0]
    assert failed.outcome is Outcome.FAIL and failed.estate_scope
    assert failed.message == "2 hub(s) in 1 region(s): eastus2"
    assert [r.position.line for r in failed.related] == [9]
    assert evaluate_rule(rule(), Estate([]))[0].outcome is Outcome.NOT_APPLICABLE


def test_a_hub_deployed_under_an_unknown_condition_makes_the_count_unknown():
    maybe = hub("b", "centralus", conditional=Unknown("condition depends on parameter deploySecondary"))
    result = evaluate_rule(rule(), Estate([hub("a", "eastus2"), maybe]))[0]
    assert result.outcome is Outcome.UNKNOWN and "deploySecondary" in result.reason


def test_a_hub_whose_kind_is_unknown_makes_the_count_unknown():
    maybe = make("Microsoft.MachineLearningServices/workspaces", "b", "centralus", kind=Unknown("kind from param"))
    result = evaluate_rule(rule(), Estate([hub("a", "eastus2"), maybe]))[0]
    assert result.outcome is Outcome.UNKNOWN and result.reason == "kind from param"


def test_unknown_region_is_unknown_not_fail():
    result = evaluate_rule(rule(), Estate([hub("a", "eastus2"), hub("b", Unknown("resourceGroup().location"))]))[0]
    assert result.outcome is Outcome.UNKNOWN and result.reason == "resourceGroup().location"


def test_a_rule_that_raises_becomes_error_and_others_still_run(monkeypatch):
    broken, healthy = rule(), rule(HUBS_IN_TWO_REGIONS.replace("TT101", "TT102"))

    def explode(scope):
        raise RuntimeError("boom")

    monkeypatch.setattr(broken.condition, "evaluate", explode)
    results, diagnostics = run_rules([broken, healthy], Estate([hub("a", "eastus2")]))
    outcomes = {r.rule.id: r.outcome for r in results}
    assert outcomes == {"TT101": Outcome.ERROR, "TT102": Outcome.FAIL}
    assert diagnostics and diagnostics[0].code == "internal-error"


def test_plan_rules_by_posture_prefix_and_override():
    from linter.config import RuleOverride

    base = rule()
    hot = rule(HUBS_IN_TWO_REGIONS.replace("TT101", "TT201") + "postures: [hot-hot]\n")
    assert [r.id for r in plan_rules([base, hot], posture="hot-cold")] == ["TT101"]
    assert [r.id for r in plan_rules([base, hot], posture="hot-hot", select=["tt2"])] == ["TT201"]
    assert plan_rules([base], posture="hot-cold", ignore=["TT1"]) == []
    planned = plan_rules([base], posture="hot-cold", overrides={"tt101": RuleOverride("note", {"x": 1})})
    assert planned[0].severity == "note" and planned[0].parameters == {"x": 1}
    assert plan_rules([base], posture="hot-cold", overrides={"TT101": RuleOverride("off")}) == []


STANDARD_ACCOUNTS = """\
id: TT102
name: accounts
title: standard accounts are geo-redundant
severity: warning
select:
  type: Microsoft.Storage/storageAccounts
  where: {field: sku.name, startsWith: Standard_}
condition: {field: sku.name, in: [Standard_GRS, Standard_GZRS]}
message: "{resource.name} uses {actual}"
docs: {what: w, why: y, fix: f}
"""


def test_a_where_that_reads_only_the_member_is_tested_once_per_member(monkeypatch):
    from linter.conditions.operators import Compare

    calls: list[str] = []
    real = Compare.evaluate

    def counting(self, scope):
        calls.append(self.operator)
        return real(self, scope)

    monkeypatch.setattr(Compare, "evaluate", counting)
    accounts = [make("Microsoft.Storage/storageAccounts", f"st{i}", sku={"name": sku})
                for i, sku in enumerate(["Standard_LRS", "Standard_GRS", "Premium_LRS"])]
    uncertain = make("Microsoft.Storage/storageAccounts", "st9", sku={"name": Unknown("sku from param")})
    results = evaluate_rule(rule(STANDARD_ACCOUNTS), Estate([*accounts, uncertain]))
    assert [(r.resource.name, r.outcome) for r in results] == [
        ("st0", Outcome.FAIL), ("st1", Outcome.PASS), ("st9", Outcome.UNKNOWN)]
    # each account's `where` once (the UNKNOWN one twice: its outcome says why), each selected one's condition
    assert calls.count("startsWith") == 5 and calls.count("in") == 2


def test_a_where_that_reads_another_scope_is_tested_again_in_the_rule_s_own_scope():
    # in the selection, `outer` is the estate (no such field: the where passes, certainly); in the rule's own
    # scope there is no outer resource (UNKNOWN): the rule's outcome is the one its own scope gives
    text = STANDARD_ACCOUNTS.replace("where: {field: sku.name, startsWith: Standard_}",
                                     "where: {value: {outer: name}, exists: false}")
    accounts = [make("Microsoft.Storage/storageAccounts", "st0", sku={"name": "Standard_LRS"})]
    assert [r.outcome for r in evaluate_rule(rule(text), Estate(accounts))] == [Outcome.UNKNOWN]


def test_after_a_run_the_estate_keeps_no_evaluation_caches_and_a_second_run_is_the_same():
    accounts = [make("Microsoft.Storage/storageAccounts", f"st{i}", sku={"name": sku})
                for i, sku in enumerate(["Standard_LRS", "Standard_GRS", "Premium_LRS"])]
    estate = Estate(accounts)
    fields = [a.fields() for a in accounts]
    first, _ = run_rules([rule(STANDARD_ACCOUNTS), rule()], estate)
    assert estate.memo == {}
    assert all(a.fields() is not before and a.fields() == before for a, before in zip(accounts, fields, strict=True))
    second, _ = run_rules([rule(STANDARD_ACCOUNTS), rule()], estate)
    assert [(r.rule.id, r.resource and r.resource.name, r.outcome, r.message) for r in first] == \
        [(r.rule.id, r.resource and r.resource.name, r.outcome, r.message) for r in second]


def test_results_without_related_locations_or_suppressions_share_nothing_mutable():
    accounts = [make("Microsoft.Storage/storageAccounts", f"st{i}", sku={"name": "Standard_LRS"}) for i in range(3)]
    results, _ = run_rules([rule(STANDARD_ACCOUNTS)], Estate(accounts))
    assert [r.outcome for r in results] == [Outcome.FAIL] * 3
    assert all(r.related == () and r.suppressions == () for r in results)  # immutable: one cannot leak into another


def test_results_are_ordered_by_place_rule_and_resource_id_ignoring_case():
    from linter.model import Origin

    def account(name, file, line, resource_id=None):
        extra = {"id": resource_id} if resource_id else {}
        return make("Microsoft.Storage/storageAccounts", name, origin=Origin("arm", file), line=line,
                    sku={"name": "Standard_LRS"}, **extra)

    accounts = [account("b", "z.json", 3), account("a", "a.json", 9), account("c", "a.json", 2),
                account("d", "a.json", 2, resource_id=f"{SUB_ID}/Q"), account("e", "a.json", 2, f"{SUB_ID}/p")]
    results, _ = run_rules([rule(STANDARD_ACCOUNTS), rule()], Estate(accounts))
    assert results[0].rule.id == "TT101" and results[0].position is None  # nothing selected: no place
    assert [(r.position.file, r.position.line, r.resource.name) for r in results[1:]] == [
        ("a.json", 2, "c"), ("a.json", 2, "e"), ("a.json", 2, "d"), ("a.json", 9, "a"), ("z.json", 3, "b")]


SUB_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts"
