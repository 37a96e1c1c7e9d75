"""The SARIF report: valid against the official schema, accepted by GitHub, deterministic, within limits."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from linter import __version__, records
from linter.config import Config
from linter.diagnostics import Diagnostic
from linter.model import Origin, Position
from linter.report.sarif import MAX_RESULTS, build_log, render, write
from linter.report.sarif.fingerprints import line_hashes
from linter.report.sarif.locations import relative_uri
from linter.report.sarif.results import MESSAGE_LINKS
from linter.report.writing import WriteOptions
from linter.results import Outcome, RelatedLocation, Result, RunReport
from linter.rules import builtin_pack_dir, load_rules
from linter.scan import ScanOptions, run_scan
from tests.conftest import FIXTURES, REPO, drlint_process, shared_path
from tests.helpers import make
from tests.report.sarif_checks import github_problems, schema_problems

# Every rule fixture, the demo estate in its three forms, and the sample templates.
CASES = [*sorted(p for p in (FIXTURES / "rules").glob("*/*") if p.is_dir()),
         *(FIXTURES / "demo" / form for form in ("bicep", "arm", "resource-graph")),
         *sorted(p for p in (FIXTURES / "arm").glob("*") if p.is_dir())]
DEMO = FIXTURES / "demo" / "resource-graph"  # the demo estate as a Resource Graph export


def schema_path() -> Path:
    return shared_path("schemas", "sarif-schema-2.1.0.json")


def sarif_of(report: RunReport, show_unknown: bool = True) -> dict:
    text, _ = render(report, show_unknown)
    return json.loads(text)


def scan(*paths: Path, **options) -> RunReport:
    return run_scan(ScanOptions(list(paths), **options), Config())


@pytest.fixture(scope="module")
def rules() -> dict:
    loaded, problems = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    assert not problems
    return {rule.id: rule for rule in loaded}


def report_of(results: list[Result], rules: dict, **fields) -> RunReport:
    return RunReport(results=results, diagnostics=fields.pop("diagnostics", []), rules=sorted(
        rules.values(), key=lambda r: r.id), files=[], resource_count=len(results), seconds=0.0,
        posture="hot-cold", **fields)


def failure(rule, line: int, severity: str | None = None, file: str = "estate.json", name: str = "st",
            **fields) -> Result:
    resource = make("Microsoft.Storage/storageAccounts", f"{name}{line}", origin=Origin("resource-graph", file),
                    line=line)
    return Result(rule, Outcome.FAIL, severity or rule.severity, f"{resource.name} fails {rule.id}.", resource,
                  Position(file, line, 5), **fields)


@pytest.mark.parametrize("show_unknown", [False, True], ids=["failures", "with-unknown"])
@pytest.mark.parametrize("case", CASES, ids=[str(c.relative_to(FIXTURES)) for c in CASES])
def test_fixture_sarif_is_valid_and_accepted_by_github(case, show_unknown):
    report = scan(case)
    log = sarif_of(report, show_unknown)
    assert schema_problems(log, schema_path()) == []
    assert github_problems(log) == []
    wanted = {Outcome.FAIL, Outcome.UNKNOWN} if show_unknown else {Outcome.FAIL}
    run = log["runs"][0]
    # Every finding became a result: none lacked a position (that would be a notification instead).
    assert len(run["results"]) == sum(r.outcome in wanted for r in report.results)
    notes = run["invocations"][0].get("toolExecutionNotifications", [])
    assert not [n for n in notes if n["descriptor"]["id"] == "result-without-location"]
    assert run["invocations"][0]["executionSuccessful"] is True
    if report.category == "drlint/templates/":  # every finding is in a template: GitHub's own line hash
        for result in run["results"]:
            physical = result["locations"][0]["physicalLocation"]
            source = (report.root / unquote(physical["artifactLocation"]["uri"])).read_text(encoding="utf-8")
            expected = line_hashes(source, [physical["region"]["startLine"]])[physical["region"]["startLine"]]
            assert result["partialFingerprints"]["primaryLocationLineHash"] == expected


def test_schema_validation_checks_the_uri_formats():
    """The schema uses the formats uri, uri-reference and date-time. jsonschema checks a format only when its
    helper package is installed: rfc3986-validator (a test extra) makes the two URI formats live; date-time
    stays unchecked (it would need rfc3339-validator), and drlint writes no date-times."""
    from jsonschema import FormatChecker

    assert {"uri", "uri-reference"} <= set(FormatChecker().checkers)
    log = sarif_of(scan(DEMO))
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b.json"
    assert any("uri-reference" in problem for problem in schema_problems(log, schema_path()))


def test_run_describes_the_tool_and_every_loaded_rule():
    report = scan(DEMO)
    log = sarif_of(report)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json" and log["version"] == "2.1.0"
    (run,) = log["runs"]
    assert run["automationDetails"]["id"] == "drlint/resource-graph/"
    driver = run["tool"]["driver"]
    assert driver["name"] == "drlint" and driver["version"] == driver["semanticVersion"] == __version__
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == sorted(r.id for r in report.rules)
    for descriptor in driver["rules"]:
        rule = next(r for r in report.rules if r.id == descriptor["id"])
        assert descriptor["name"] == rule.name and descriptor["shortDescription"]["text"] == rule.title
        assert descriptor["fullDescription"]["text"] == " ".join(rule.docs.what.split())
        assert descriptor["help"]["markdown"].startswith(f"# {rule.id}") and "Why:" in descriptor["help"]["text"]
        assert descriptor["helpUri"].endswith(f"{rule.id}.md")
        assert descriptor["defaultConfiguration"]["level"] == rule.severity
        assert descriptor["properties"]["tags"] == list(rule.tags)
        assert "security-severity" not in descriptor["properties"]
    assert set(run["originalUriBaseIds"]) == {"%SRCROOT%"}
    assert "uri" not in run["originalUriBaseIds"]["%SRCROOT%"]  # no absolute path in the log


def test_results_point_at_the_row_and_name_the_resource():
    report = scan(DEMO)
    run = sarif_of(report, show_unknown=False)["runs"][0]
    failures = [r for r in report.results if r.outcome is Outcome.FAIL]
    for result, found in zip(failures, run["results"], strict=True):
        assert found["ruleId"] == result.rule.id and found["level"] == result.severity
        (location,) = found["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": "fixtures/demo/resource-graph/estate.json",
                                                "uriBaseId": "%SRCROOT%"}
        assert physical["region"] == {"startLine": result.position.line, "startColumn": result.position.column}
        (logical,) = location["logicalLocations"]
        assert logical["fullyQualifiedName"] == result.resource.id and logical["kind"] == "resource"
        assert logical["name"] == result.resource.name
        assert found["message"]["text"].startswith(result.message)


def test_related_locations_are_linked_from_the_message():
    run = sarif_of(scan(DEMO))["runs"][0]
    linked = [r for r in run["results"] if r.get("relatedLocations")]
    assert linked
    for result in linked:
        for related in result["relatedLocations"][:MESSAGE_LINKS]:  # then "and N more"
            assert f"]({related['id']})" in result["message"]["text"]
        if len(result["relatedLocations"]) > MESSAGE_LINKS:
            assert f" and {len(result['relatedLocations']) - MESSAGE_LINKS} more." in result["message"]["text"]
        for related in result["relatedLocations"]:
            assert related["message"]["text"] and related["physicalLocation"]["region"]["startLine"] >= 1
    registry = next(r for r in linked if r["ruleId"] == "DR402")
    assert registry["message"]["text"].endswith(" See [crcontosoai](1).")


def test_unknowns_are_notes_only_when_asked_for():
    report = scan(DEMO)
    quiet = sarif_of(report, show_unknown=False)["runs"][0]["results"]
    loud = sarif_of(report, show_unknown=True)["runs"][0]["results"]
    unknowns = [r for r in loud if r.get("properties", {}).get("outcome") == "unknown"]
    assert unknowns and len(loud) == len(quiet) + len(unknowns)
    assert all(r["level"] == "note" and "Resource Graph does not index" in r["message"]["text"] for r in unknowns)
    assert not [r for r in quiet if r.get("properties", {}).get("outcome") == "unknown"]


def test_unknown_reason_is_added_when_the_message_lacks_it(rules):
    rule = rules["DR201"]
    unknown = records.replace(failure(rule, 3), outcome=Outcome.UNKNOWN, message="Cannot tell.",
                                  reason="the sku is a parameter")
    (result,) = sarif_of(report_of([unknown], rules))["runs"][0]["results"]
    assert result["level"] == "note" and result["message"]["text"] == (
        "Cannot tell. (cannot tell: the sku is a parameter)")


def test_same_input_gives_byte_identical_output_without_absolute_paths(tmp_path):
    outputs = []
    for _ in range(2):
        run = drlint_process("scan", "fixtures/demo", "--format", "sarif", "--show-unknown", cwd=REPO)
        assert run.returncode == 1, run.stderr
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]
    assert str(REPO) not in outputs[0]
    json.loads(outputs[0])
    # Written to a file, the same bytes (plus the summary on standard error).
    out = tmp_path / "drlint.sarif"
    run = drlint_process("scan", "fixtures/demo", "--format", "sarif", "--show-unknown", "-o", out, cwd=REPO)
    assert out.read_text() == outputs[0] and run.stdout == ""


def test_input_problems_are_notifications_and_the_run_is_not_successful(tmp_path):
    shutil.copy(FIXTURES / "rules" / "DR202" / "rg-fail" / "resources.json", tmp_path / "good.json")
    (tmp_path / "broken.json").write_text('{"count": 1, "data": [{"id": "/subscriptions/x",\n "type": }]}')
    rules_dir = tmp_path / "policies"
    rules_dir.mkdir()
    (rules_dir / "bad.yaml").write_text("id: ACME1\nname: x\n")
    report = scan(tmp_path, rule_paths=[rules_dir])
    log = sarif_of(report)
    assert schema_problems(log, schema_path()) == [] and github_problems(log) == []
    run = log["runs"][0]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = {n["descriptor"]["id"]: n for n in invocation["toolExecutionNotifications"]}
    assert {"input-error", "rule-error"} <= set(notes)
    broken = notes["input-error"]
    assert broken["level"] == "error"
    where = broken["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == "broken.json" and where["region"]["startLine"] == 2
    assert notes["rule-error"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "policies/bad.yaml"
    descriptors = run["tool"]["driver"]["notifications"]
    for note in invocation["toolExecutionNotifications"]:
        assert descriptors[note["descriptor"]["index"]]["id"] == note["descriptor"]["id"]
    assert [r["ruleId"] for r in run["results"]] == ["DR202", "DR202"]  # the good file is still checked


def test_warning_diagnostics_leave_the_run_successful(rules):
    report = report_of([], rules, diagnostics=[Diagnostic("not a template", Position("x.json"), "warning")])
    invocation = sarif_of(report)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolExecutionNotifications"][0]["level"] == "warning"


def test_notifications_do_not_carry_the_absolute_scan_root(rules, tmp_path):
    problem = Diagnostic(f"x.json is outside the scanned tree ({tmp_path}); not read", Position("x.json"))
    text, _ = render(report_of([], rules, diagnostics=[problem], root=tmp_path), True)
    assert str(tmp_path) not in text
    (note,) = json.loads(text)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"] == "x.json is outside the scanned tree (%SRCROOT%); not read"


def test_error_outcomes_are_notifications_not_results(rules):
    rule = rules["DR202"]
    broken = Result(rule, Outcome.ERROR, rule.severity, "DR202 could not be evaluated: boom", None,
                    Position("/opt/pack/DR202.yaml", 1, 1), reason="boom")
    log = sarif_of(report_of([broken, failure(rule, 7)], rules))
    assert github_problems(log) == [] and schema_problems(log, schema_path()) == []
    run = log["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == ["DR202"]
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["descriptor"]["id"] == "evaluation-error" and note["level"] == "error"
    assert note["associatedRule"] == {"id": "DR202", "index": run["results"][0]["ruleIndex"]}
    assert "locations" not in note  # the rule file is outside the scanned tree: no absolute path
    assert run["invocations"][0]["executionSuccessful"] is False


@pytest.mark.parametrize("position", [None, Position("/elsewhere/estate.json", 3, 1), Position("../up.json", 3, 1)])
def test_a_finding_without_a_usable_position_is_left_out_with_a_notification(rules, position):
    rule = rules["DR202"]
    lost = records.replace(failure(rule, 3), position=position)
    log = sarif_of(report_of([lost, failure(rule, 9)], rules))
    run = log["runs"][0]
    assert len(run["results"]) == 1 and github_problems(log) == []
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["descriptor"]["id"] == "result-without-location" and "DR202" in note["message"]["text"]


def test_results_over_the_limit_keep_the_most_severe(rules):
    rule = rules["DR202"]
    extra = 15
    results = [failure(rule, i + 1, "note") for i in range(MAX_RESULTS)]
    results += [failure(rule, MAX_RESULTS + i + 1, "warning") for i in range(extra - 5)]
    results += [failure(rule, 2 * MAX_RESULTS + i + 1, "error") for i in range(5)]
    log = sarif_of(report_of(results, rules))
    assert github_problems(log) == []
    run = log["runs"][0]
    kept = run["results"]
    assert len(kept) == MAX_RESULTS
    assert [r["level"] for r in kept[:extra]] == ["error"] * 5 + ["warning"] * 10
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in kept[extra:]]
    assert lines == list(range(1, MAX_RESULTS - extra + 1))  # the notes kept are the first ones, in order
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["descriptor"]["id"] == "results-capped" and note["level"] == "warning"
    assert run["properties"]["resultsOmitted"] == extra


def test_a_log_too_large_for_github_is_flagged(rules, capsys, monkeypatch):
    import linter.report.sarif as module

    report = report_of([failure(rules["DR202"], 1)], rules)
    text, warnings = render(report, True, max_gzip_bytes=100)
    run = json.loads(text)["runs"][0]
    assert warnings and "over GitHub's upload limit" in warnings[0]
    assert run["properties"]["gzippedBytes"] > 100
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["descriptor"]["id"] == "log-too-large"
    assert run["tool"]["driver"]["notifications"][note["descriptor"]["index"]]["id"] == "log-too-large"
    monkeypatch.setattr(module, "MAX_GZIP_BYTES", 100)
    out = io.StringIO()
    write(report, out, WriteOptions(show_unknown=True))
    assert json.loads(out.getvalue()) == json.loads(text)
    assert "drlint: warning: the SARIF log is" in capsys.readouterr().err


def test_paths_are_percent_encoded(tmp_path):
    folder = tmp_path / "my estate"
    folder.mkdir()
    shutil.copy(FIXTURES / "rules" / "DR202" / "rg-fail" / "resources.json", folder / "estate #1.json")
    log = sarif_of(scan(folder.parent, select=["DR202"]))
    assert schema_problems(log, schema_path()) == [] and github_problems(log) == []
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"my%20estate/estate%20%231.json"}


@pytest.mark.parametrize(("path", "uri"), [
    ("infra/main.json", "infra/main.json"),
    ("my infra/a+b.json", "my%20infra/a%2Bb.json"),
    ("régions/ü.bicep", "r%C3%A9gions/%C3%BC.bicep"),
    ("infra\\main.json", "infra/main.json"),
    ("./infra/50%.json", "infra/50%25.json"),
    ("c:odd.json", None),
    ("/abs/main.json", None),
    ("C:/abs/main.json", None),
    ("../outside.json", None),
    ("https://example.com/x.json", None),
])
def test_relative_uri(path, uri):
    assert relative_uri(path) == uri


def test_many_related_locations_are_capped_and_linked_briefly(rules):
    rule = rules["DR402"]
    related = [RelatedLocation(Position("estate.json", i + 2, 1), f"replica [{i}]") for i in range(1_500)]
    log = sarif_of(report_of([failure(rule, 1, related=related)], rules))
    assert github_problems(log) == []
    (result,) = log["runs"][0]["results"]
    assert len(result["relatedLocations"]) == 999
    text = result["message"]["text"]
    assert text.endswith(r" See [replica \[0\]](1), [replica \[1\]](2), [replica \[2\]](3), [replica \[3\]](4), "
                         r"[replica \[4\]](5) and 994 more.")


def test_rule_tags_are_unique_and_at_most_20_and_descriptions_are_clipped(rules):
    rule = records.replace(
        rules["DR202"], tags=("storage", "Storage", *[f"t{i}" for i in range(30)]),
        docs=records.replace(rules["DR202"].docs, what="word " * 400), builtin=False)
    report = report_of([failure(rule, 1)], {"DR202": rule})
    log = sarif_of(report)
    assert github_problems(log) == [] and schema_problems(log, schema_path()) == []
    (descriptor,) = log["runs"][0]["tool"]["driver"]["rules"]
    tags = descriptor["properties"]["tags"]
    assert len(tags) == 20 and tags[:2] == ["storage", "t0"]
    assert len(descriptor["fullDescription"]["text"]) <= 1024 and descriptor["fullDescription"]["text"].endswith("…")
    assert "helpUri" not in descriptor  # a user's rule has no page on the project's site


def test_result_levels_are_explicit_even_when_warning(rules):
    """A result without `level` takes its rule's default level, so a 'warning' result of an 'error' rule
    must say so; the serializer must not drop it as sarif-om's default."""
    rule = rules["DR201"]
    log = sarif_of(report_of([failure(rule, 1, "warning")], rules))
    (result,) = log["runs"][0]["results"]
    descriptor = log["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert result["level"] == "warning" and descriptor["defaultConfiguration"]["level"] == "error"


def test_template_scan_category(rules):
    report = report_of([], rules, category="drlint/templates/")
    assert build_log(report, False).runs[0].automation_details.id == "drlint/templates/"


def test_cli_writes_sarif(tmp_path):
    out = tmp_path / "drlint.sarif"
    run = drlint_process("scan", DEMO, "--format", "sarif", "-o", out)
    assert run.returncode == 1, run.stderr
    log = json.loads(out.read_text())
    assert github_problems(log) == [] and log["runs"][0]["results"]


def _as_sarif_om(found, rule_index: int):
    """The result as sarif-om objects, built field by field as the SARIF writer once did."""
    import sarif_om as sarif

    from linter.report.sarif.locations import logical, physical
    from linter.report.sarif.results import _related, message_text, suppressions

    result = found.result
    related = [sarif.Location(id=loc["id"], physical_location=physical(item.position),
                              message=sarif.Message(text=item.label),
                              logical_locations=[logical(item.resource)] if item.resource is not None else None)
               for loc, item in zip(_related(result), result.related, strict=False)]
    return sarif.Result(
        rule_id=result.rule.id, rule_index=rule_index, level=found.level,
        message=sarif.Message(text=message_text(result, _related(result))),
        locations=[sarif.Location(physical_location=physical(result.position),
                                  logical_locations=[logical(result.resource)] if result.resource else None)],
        related_locations=related or None,
        partial_fingerprints={"primaryLocationLineHash": found.fingerprint},
        properties={"outcome": result.outcome.value} if result.outcome is not Outcome.FAIL else None,
        suppressions=suppressions(result, None), baseline_state=result.baseline_state)


@pytest.mark.parametrize("outcome", [Outcome.FAIL, Outcome.UNKNOWN])
def test_result_data_is_what_the_sarif_om_objects_serialize_to(rules, outcome):
    from linter.report.sarif import SERIALIZER
    from linter.report.sarif.fingerprints import Fingerprints
    from linter.report.sarif.results import candidate, to_sarif

    rule = rules["DR101"]
    replica = make("Microsoft.Storage/storageAccounts", "replica", origin=Origin("resource-graph", "estate.json"),
                   line=9)
    related = [RelatedLocation(Position("estate.json", 9, 3), "replica [0]", replica),
               RelatedLocation(Position("estate.json", 12, 1), "no resource")]
    result = records.replace(failure(rule, 4, related=related), outcome=outcome, reason="why")
    found = candidate(result, Fingerprints(REPO))
    assert found is not None
    assert SERIALIZER.to_data(to_sarif(found, 3)) == SERIALIZER.to_data(_as_sarif_om(found, 3))
