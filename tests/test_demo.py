"""The demo estate (fixtures/demo/): one two-region estate in three forms, with deliberate gaps.

The forms must agree: ARM and Bicep on every outcome, and the Resource Graph export on every outcome it can
decide (what it cannot see is UNKNOWN, with the reason, and the templates decide it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.config import find_config, load_config
from linter.results import Outcome, RunReport
from linter.scan import ScanOptions, run_scan
from tests.conftest import FIXTURES, REPO, drlint_process

DEMO = FIXTURES / "demo"
# The Bicep form is what `drlint scan fixtures/demo` reads (fixtures/demo/drlint.yaml deploys it and leaves
# the other forms out); arm/ and resource-graph/ have their own drlint.yaml.
FOLDERS = {"bicep": DEMO, "arm": DEMO / "arm", "resource-graph": DEMO / "resource-graph"}
FORMS = tuple(FOLDERS)
Key = tuple[str, str | None]  # (rule, resource name; None for an estate-wide verdict)

# The gaps the demo is built to show (rule, resource): the secondary region was stamped out later, trimmed to
# save cost. Rules not in this build's pack are skipped; the pack check (test_pack.py) requires them all.
GAPS: list[Key] = [
    ("DR201", "hub-contoso-cus"),          # hub storage Standard_LRS
    ("DR202", "stcontosohubcus"),
    ("DR302", "kv-contoso-cus"),           # no purge protection
    ("DR105", "hub-contoso-cus"),          # connects to its own region's AI Services only
    ("DR106", "hub-contoso-cus"),          # reuses the primary's Application Insights
    ("DR402", "hub-contoso-eus2"),         # registry replica in West US, not in the pair (Central US)
    ("DR402", "hub-contoso-cus"),
    ("DR103", "hub-contoso-cus"),          # no project on the Central US hub
    ("DR109", "hub-contoso-cus"),          # the operators group has no role there
    ("DR703", "aif-contoso-eus2"),         # text-embedding-3-large only in East US 2
    ("DR704", "cosmos-contoso-agents-cus"),  # thread store in one region
    ("DR705", "cosmos-contoso-agents-cus"),  # periodic backup
    ("DR709", "aif-contoso-cus"),          # the Central US project reports to East US 2's App Insights
]
# deployLocks: false in Central US. The templates deploy no lock there, but a lock may come from elsewhere
# (another deployment, a policy, by hand): not a pass, whichever of FAIL or UNKNOWN the rule concludes.
LOCK_GAPS: list[Key] = [("DR601", "hub-contoso-cus"), ("DR708", "aif-contoso-cus"),
                        ("DR708", "cosmos-contoso-agents-cus")]


def scan(folder: Path) -> RunReport:
    found = find_config(folder)
    assert found is not None and found.parent == folder, "each form has its own drlint.yaml"
    config, problems = load_config(found, str(found))
    assert not problems
    return run_scan(ScanOptions([folder]), config, problems)


@pytest.fixture(scope="module")
def reports() -> dict[str, RunReport]:
    return {form: scan(folder) for form, folder in FOLDERS.items()}


def outcomes(report: RunReport) -> dict[Key, str]:
    found: dict[Key, str] = {}
    for result in report.results:
        name = None if result.estate_scope or result.resource is None else result.resource.display_name
        key = (result.rule.id, name)
        assert key not in found or found[key] == result.outcome.value, key
        found[key] = result.outcome.value
    return found


def test_every_form_loads_cleanly_in_the_demo_posture(reports):
    for form, report in reports.items():
        assert not [d for d in report.diagnostics if d.severity == "error"], (form, report.diagnostics)
        assert report.posture == "hot-warm" and report.resource_count >= 20
        assert not [r for r in report.results if r.outcome is Outcome.ERROR], form


def test_arm_and_bicep_agree_on_every_outcome(reports):
    assert outcomes(reports["arm"]) == outcomes(reports["bicep"])


def test_the_export_agrees_wherever_it_can_decide(reports):
    templates = outcomes(reports["bicep"])
    export = outcomes(reports["resource-graph"])
    decided = {k: v for k, v in export.items() if v in ("pass", "fail")}
    assert decided
    disagreements = {k: (v, templates.get(k)) for k, v in decided.items() if templates.get(k) != v}
    assert not disagreements


def test_what_the_export_cannot_see_is_unknown_with_a_reason_and_the_templates_decide_it(reports):
    templates = outcomes(reports["bicep"])
    unknowns = [r for r in reports["resource-graph"].results if r.outcome is Outcome.UNKNOWN]
    assert unknowns
    lock_rules = {rule for rule, _ in LOCK_GAPS}
    for result in unknowns:
        assert "Resource Graph" in (result.reason or ""), result.reason
        name = None if result.estate_scope else result.resource.display_name
        # decided: passed, failed, or not concerned (the export cannot tell whether a storage account holds
        # agent files; the templates show which one does)
        decided = ("pass", "fail", None, "unknown") if result.rule.id in lock_rules else ("pass", "fail", None)
        assert templates.get((result.rule.id, name)) in decided, (result.rule.id, name)


@pytest.mark.parametrize("form", FORMS)
def test_the_deliberate_gaps_are_found(reports, form):
    report = reports[form]
    loaded = {r.id for r in report.rules}
    found = outcomes(report)
    checked = 0
    for rule, resource in GAPS:
        if rule not in loaded:
            continue
        outcome = found.get((rule, resource))
        if form == "resource-graph" and outcome == "unknown":
            continue  # data an export cannot show (connections, projects, deployments, locks)
        assert outcome == "fail", (form, rule, resource, outcome)
        checked += 1
    assert checked >= 5
    for rule, resource in LOCK_GAPS:
        if rule in loaded:
            assert found.get((rule, resource)) in ("fail", "unknown"), (form, rule, resource)


def test_the_primary_region_is_clean_where_the_secondary_has_gaps(reports):
    found = outcomes(reports["bicep"])
    for rule, resource in [("DR201", "hub-contoso-eus2"), ("DR202", "stcontosohubeus2"),
                           ("DR302", "kv-contoso-eus2"), ("DR105", "hub-contoso-eus2"),
                           ("DR106", "hub-contoso-eus2")]:
        assert found[(rule, resource)] == "pass", (rule, resource)


def test_the_readme_first_command_shows_findings_and_unknowns():
    run = drlint_process("scan", "fixtures/demo", "--show-unknown", cwd=REPO)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "fixtures/demo/bicep/modules/hub.bicep:" in run.stdout and " DR201 " in run.stdout
    summary = run.stdout.splitlines()[-1]
    assert "(hot-warm)" in summary and "in 5 files" in summary  # the Bicep form only: one estate
