"""Suppressions with reasons: Bicep comments, ARM metadata, drlint.yaml `suppress:`; run through the CLI.

A suppressed finding is not a failure, stays in SARIF as a dismissed result (valid against the official
schema), and a suppression without a reason, expired, naming no rule or matching nothing is reported at its
line.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from linter.suppressions import bicep_suppressions
from tests.conftest import FIXTURES, drlint_process, shared_path
from tests.report.sarif_checks import github_problems, schema_problems

ADOPTION = FIXTURES / "adoption"
DEMO = FIXTURES / "demo"


def scan_json(*args: object, cwd: Path | None = None) -> tuple[dict, int]:
    run = drlint_process("scan", *args, "--format", "json", "--show-unknown", cwd=cwd)
    assert run.returncode in (0, 1, 2), run.stderr
    return json.loads(run.stdout), run.returncode


def results_by(report: dict) -> dict[tuple[str, str], dict]:
    return {(r["rule"], r["resource_name"]): r for r in report["results"]}


def problems(report: dict) -> list[tuple[str, int, str]]:
    return sorted((d["file"], d["line"], d["message"]) for d in report["diagnostics"]
                  if d["code"] == "suppression-error")


def test_bicep_comment_suppresses_on_the_resource_line_and_the_property_line(tmp_path):
    shutil.copytree(ADOPTION / "bicep", tmp_path / "infra")
    report, _ = scan_json("infra", cwd=tmp_path)
    found = results_by(report)
    # above `resource hub` (with a decorator in between): DR201 is about the hub
    dr201 = found[("DR201", "fabrikam-hub")]
    assert [(s["kind"], s["line"]) for s in dr201["suppressions"]] == [("inSource", 47)]
    assert "re-created from the lake" in dr201["suppressions"][0]["reason"]
    # above the `containerRegistry:` property line, where the DR402 finding points
    dr402 = found[("DR402", "fabrikam-hub")]
    assert dr402["line"] == 58 and dr402["suppressions"][0]["line"] == 57
    # a comment without a reason suppresses nothing
    assert found[("DR202", "fabrikamst")]["suppressions"] == []
    assert report["summary"]["suppressed"] == 2


def test_bicep_suppression_problems_are_located(tmp_path):
    shutil.copytree(ADOPTION / "bicep", tmp_path / "infra")
    report, code = scan_json("infra", cwd=tmp_path)
    lines = [(file, line) for file, line, _ in problems(report)]
    assert lines == [("infra/main.bicep", 10), ("infra/main.bicep", 15), ("infra/main.bicep", 59)]
    messages = [m for _, _, m in problems(report)]
    assert "no reason" in messages[0] and "DR202" in messages[0]
    assert "matches no finding" in messages[1] and "DR302" in messages[1]
    assert "DR999" in messages[2]
    # warnings only: the run is complete, and the unsuppressed failures decide the exit code
    assert all(d["severity"] == "warning" for d in report["diagnostics"])
    assert code == 1


def test_comment_inside_a_multiline_string_is_not_a_suppression():
    text = (ADOPTION / "bicep" / "main.bicep").read_text()
    found = bicep_suppressions(text, "main.bicep")
    comment_lines = sorted(s.position.line for entries in found.values() for s in entries)
    assert 44 not in comment_lines  # the `// drlint-disable...` inside '''...'''
    assert comment_lines == [10, 15, 47, 57, 59]


def test_arm_metadata_suppression(tmp_path):
    shutil.copytree(ADOPTION / "arm", tmp_path / "arm")
    report, _ = scan_json("arm", cwd=tmp_path)
    found = results_by(report)
    assert found[("DR202", "wingtipst")]["suppressions"][0]["kind"] == "inSource"
    assert found[("DR402", "wingtip-hub")]["suppressions"][0]["line"] == 40
    assert found[("DR201", "wingtip-hub")]["suppressions"] == []  # empty reason
    located = [(line, message.split(";")[0]) for _, line, message in problems(report)]
    assert [line for line, _ in located] == [39, 41]
    assert "no reason" in located[0][1] and "DR301" in located[1][1]


def write_config(folder: Path, text: str) -> None:
    (folder / "drlint.yaml").write_text(text, encoding="utf-8")


def test_config_suppression_by_id_glob_and_name_with_expiry(tmp_path):
    shutil.copytree(DEMO, tmp_path / "estate")
    write_config(tmp_path, """\
suppress:
  - rule: DR202
    resource: "*/storageAccounts/stcontosodatasets"
    reason: datasets are re-downloadable from the public source
    expires: 2999-01-01
  - {rule: DR402, resource: "hub-contoso-*", reason: replica requested}
  - {rule: DR302, resource: "*", reason: old and gone, expires: 2001-01-01}
  - {rule: DR106, resource: "nothing-like-this", reason: stale entry}
""")
    report, _ = scan_json("estate", cwd=tmp_path)
    found = results_by(report)
    assert found[("DR202", "stcontosodatasets")]["suppressions"][0]["kind"] == "external"
    assert found[("DR202", "stcontosoaicus")]["suppressions"] == []
    assert all(r["suppressions"] for r in report["results"] if r["rule"] == "DR402")
    assert found[("DR302", "kv-contoso-ai")]["suppressions"] == []  # expired
    messages = {line: message for _, line, message in problems(report)}
    assert "expired on 2001-01-01" in messages[7]
    assert "matches no finding" in messages[8]


def test_all_findings_suppressed_exit_0_and_text_says_suppressed(tmp_path):
    shutil.copytree(DEMO, tmp_path / "estate")
    write_config(tmp_path, "suppress:\n  - {rule: DR2, resource: '*', reason: x}\n")
    run = drlint_process("scan", "estate", "--select", "DR202", cwd=tmp_path)
    assert "suppression names no known rule `DR2`" in run.stdout
    write_config(tmp_path, "suppress:\n  - {rule: DR202, resource: '*', reason: accepted for the demo}\n")
    run = drlint_process("scan", "estate", "--select", "DR202", cwd=tmp_path)
    assert run.returncode == 0, run.stdout
    assert "0 warnings" in run.stdout and "2 suppressed" in run.stdout
    assert "DR202" not in run.stdout.split("\n\n")[0]  # no finding line


@pytest.mark.parametrize("entry, where", [
    ("[1, 2]", (2, 5)),  # the entry
    ("{rule: DR202, reason: x}", (2, 5)),  # the entry: `resource` is missing
    ("{rule: 'DR 202', resource: '*', reason: x}", (2, 6)),  # the key at fault
    ("{rule: DR202, resource: '*', reason: x, expires: someday}", (2, 45)),
    ("{rule: DR202, resource: '*', reason: x, owner: me}", (2, 45)),
])
def test_malformed_config_suppressions_are_located_config_errors(tmp_path, entry, where):
    shutil.copytree(DEMO, tmp_path / "estate")
    write_config(tmp_path, f"suppress:\n  - {entry}\n")
    report, code = scan_json("estate", cwd=tmp_path)
    errors = [(d["line"], d["column"]) for d in report["diagnostics"] if d["code"] == "config-error"]
    assert errors == [where]
    assert code == 2


def test_suppressed_results_in_sarif_are_valid_and_dismissed(tmp_path):
    shutil.copytree(ADOPTION / "bicep", tmp_path / "infra")
    write_config(tmp_path, "suppress:\n  - {rule: DR105, resource: '*', reason: connections are added by hand}\n")
    run = drlint_process("scan", "infra", "--format", "sarif", cwd=tmp_path)
    log = json.loads(run.stdout)
    assert schema_problems(log, shared_path("schemas", "sarif-schema-2.1.0.json")) == []
    assert github_problems(log) == []
    results = log["runs"][0]["results"]
    assert all("suppressions" in r for r in results)  # SARIF: all results carry the array once any does
    kinds = {r["ruleId"]: [s["kind"] for s in r["suppressions"]] for r in results}
    assert kinds["DR201"] == ["inSource"] and kinds["DR402"] == ["inSource"] and kinds["DR105"] == ["external"]
    assert kinds["DR202"] == [] and kinds["DR101"] == []
    dismissed = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "DR201")["suppressions"][0]
    assert dismissed["status"] == "accepted" and "lake" in dismissed["justification"]
    assert dismissed["location"]["physicalLocation"]["region"]["startLine"] == 47
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert {n["descriptor"]["id"] for n in notes} == {"suppression-error"}
    omitted = json.loads(drlint_process("scan", "infra", "--format", "sarif", "--omit-accepted", cwd=tmp_path).stdout)
    kept = sorted(r["ruleId"] for r in results if not r["suppressions"])
    assert sorted(r["ruleId"] for r in omitted["runs"][0]["results"]) == kept
    assert {"DR201", "DR402", "DR105"}.isdisjoint(kept)


def test_hostile_comments_are_bounded_and_cleaned():
    from linter.suppressions import MAX_REASON, MAX_SUPPRESSIONS

    line = "// drlint-disable-next-line DR201: " + "\x1b[2J\x07" + "r" * 100_000
    found = bicep_suppressions(line + "\nresource x 'a/b@1' = {}\n", "x.bicep")
    (suppression,) = found[2]
    assert len(suppression.reason) <= MAX_REASON and "\x1b" not in suppression.reason
    many = "\n".join(["// drlint-disable-next-line DR201: r"] * (MAX_SUPPRESSIONS * 3)) + "\nvar x = 1\n"
    counted = sum(len(v) for v in bicep_suppressions(many, "x.bicep").values())
    assert counted == MAX_SUPPRESSIONS
    malformed = bicep_suppressions("// drlint-disable-next-line DR201 $(rm -rf): r\nvar x = 1\n", "x.bicep")
    assert [s.rule for s in malformed[2]] == [""]  # reported as naming no rule, never half-parsed


def test_comment_in_a_module_applies_when_only_the_parent_is_named(tmp_path):
    shutil.copytree(FIXTURES / "rules" / "DR201" / "bicep-fail-local-module", tmp_path / "infra")
    module = tmp_path / "infra" / "modules" / "storage.bicep"
    lines = module.read_text().splitlines()
    declaration = next(i for i, line in enumerate(lines) if line.startswith("resource"))
    lines.insert(declaration, "// drlint-disable-next-line DR202: accepted in the module")
    module.write_text("\n".join(lines) + "\n")
    # the module file itself is not named on the command line
    report, _ = scan_json("infra/main.bicep", "infra/main.bicepparam", "--select", "DR202", cwd=tmp_path)
    (dr202,) = [r for r in report["results"] if r["rule"] == "DR202"]
    assert dr202["file"] == "infra/modules/storage.bicep"
    assert [(s["file"], s["line"]) for s in dr202["suppressions"]] == [("infra/modules/storage.bicep",
                                                                          declaration + 1)]
