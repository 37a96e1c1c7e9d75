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
