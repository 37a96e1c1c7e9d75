"""Baselines through the CLI: record, compare (only new findings fail), fixed entries, survival of line moves
and reformatting, and a hostile or broken baseline file reported at its line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, drlint_process, shared_path
from tests.report.sarif_checks import github_problems, schema_problems

DEMO = FIXTURES / "demo"
HUB = FIXTURES / "arm" / "hub"


def record(cwd: Path, *paths: str, name: str = "baseline.json") -> dict:
    run = drlint_process("scan", *paths, "--write-baseline", name, cwd=cwd)
    assert run.returncode == 0, run.stdout + run.stderr  # recording is not a failure
    assert "recorded" in run.stderr
    return json.loads((cwd / name).read_text())


def compare(cwd: Path, *paths: str, name: str = "baseline.json") -> tuple[dict, int]:
    run = drlint_process("scan", *paths, "--baseline", name, "--format", "json", "--show-unknown", cwd=cwd)
    return json.loads(run.stdout), run.returncode


def findings_of(cwd: Path, *paths: str) -> int:
    """Failures and unknowns of a scan: what a baseline records (the pack decides how many)."""
    report = json.loads(drlint_process("scan", *paths, "--format", "json", cwd=cwd).stdout)
    return sum(r["outcome"] in ("fail", "unknown") for r in report["results"])


def test_recorded_findings_are_not_reported_again(tmp_path):
    shutil.copytree(DEMO, tmp_path / "estate")
    recorded = record(tmp_path, "estate")
    found = findings_of(tmp_path, "estate")
    assert recorded["format"] == "drlint-baseline" and len(recorded["entries"]) == found
    assert {e["rule"] for e in recorded["entries"]} >= {"DR201", "DR402", "DR105"}
    report, code = compare(tmp_path, "estate")
    assert code == 0
    assert {r["baseline"] for r in report["results"]} == {"unchanged"}
    assert report["summary"]["baseline"] == {"file": "baseline.json", "new": 0, "unchanged": found, "fixed": []}
    text = drlint_process("scan", "estate", "--baseline", "baseline.json", cwd=tmp_path)
    assert text.returncode == 0
    assert f"baseline.json: 0 new, {found} unchanged, 0 fixed" in text.stdout
    assert "DR201" not in text.stdout  # nothing listed


def test_a_new_finding_fails_and_fixed_entries_are_counted(tmp_path):
    shutil.copytree(DEMO, tmp_path / "estate")
    recorded = len(record(tmp_path, "estate")["entries"])
    data = json.loads((tmp_path / "estate" / "estate.json").read_text())
    rows = data["data"] if isinstance(data, dict) else data
    for row in rows:
        if row["name"] == "stcontosoaicus":
            row["sku"]["name"] = "Standard_RAGRS"  # fixes DR201 and one DR202
        if row["name"] == "kv-contoso-ai":
            row["properties"]["enableSoftDelete"] = False  # a new DR301 error
    (tmp_path / "estate" / "estate.json").write_text(json.dumps(data, indent=1))
    report, code = compare(tmp_path, "estate")
    assert code == 1
    new = [(r["rule"], r["resource_name"]) for r in report["results"] if r["baseline"] == "new"]
    assert new == [("DR301", "kv-contoso-ai")]
    fixed = sorted(e["rule"] for e in report["summary"]["baseline"]["fixed"])
    assert fixed == ["DR201", "DR202"]
    text = drlint_process("scan", "estate", "--baseline", "baseline.json", cwd=tmp_path)
    assert f"1 new, {recorded - 2} unchanged, 2 fixed" in text.stdout
    assert "DR301" in text.stdout and "DR402" not in text.stdout.split("\n\n")[0]


def test_matching_survives_line_moves_and_reformatting(tmp_path):
    shutil.copytree(HUB, tmp_path / "infra")
    recorded = record(tmp_path, "infra")
    assert recorded["entries"]
    template = tmp_path / "infra" / "hub.json"
    text = template.read_text()
    # comments and blank lines above everything, then the whole template reflowed onto a few long lines
    document = json.loads("\n".join(line for line in text.splitlines() if not line.strip().startswith("//")))
    template.write_text("// moved\n\n\n" + json.dumps(document, separators=(", ", ": ")))
    report, code = compare(tmp_path, "infra")
    assert code == 0, report["results"]
    assert report["summary"]["baseline"]["unchanged"] == len(recorded["entries"])
    assert all(r["baseline"] == "unchanged" for r in report["results"])
    assert {r["line"] for r in report["results"]} == {4}  # the findings did move


def test_renamed_template_still_matches_on_rule_and_resource(tmp_path):
    folder = tmp_path / "infra"
    folder.mkdir()
    shutil.copy(FIXTURES / "rules" / "DR201" / "arm-fail" / "main.json", folder / "main.json")
    (folder / "drlint.yaml").write_text("deployments:\n  - {template: main.json, location: eastus2}\n")
    recorded = record(folder, ".")
    (folder / "main.json").rename(folder / "hub.json")
    (folder / "drlint.yaml").write_text("deployments:\n  - {template: hub.json, location: eastus2}\n")
    report, code = compare(folder, ".")
    assert code == 0
    assert report["summary"]["baseline"]["new"] == 0, report["results"]
    assert report["summary"]["baseline"]["unchanged"] == len(recorded["entries"])


def test_sarif_with_a_baseline_is_valid_and_marks_unchanged_results_dismissed(tmp_path):
    shutil.copytree(DEMO, tmp_path / "estate")
    record(tmp_path, "estate")
    run = drlint_process("scan", "estate", "--baseline", "baseline.json", "--format", "sarif", "--show-unknown",
                         cwd=tmp_path)
    log = json.loads(run.stdout)
    assert schema_problems(log, shared_path("schemas", "sarif-schema-2.1.0.json")) == []
    assert github_problems(log) == []
    results = log["runs"][0]["results"]
    assert results and all(r["baselineState"] == "unchanged" for r in results)
    assert all(r["suppressions"][0]["kind"] == "external" for r in results)
    assert log["runs"][0]["properties"]["baseline"]["unchanged"] == len(results)


def test_missing_baseline_file_is_a_usage_error(tmp_path):
    run = drlint_process("scan", DEMO, "--baseline", tmp_path / "nope.json")
    assert run.returncode == 2
    assert "--write-baseline" in run.stderr


@pytest.mark.parametrize("content, line", [
    ("{not json", 1),
    ('{"format": "something-else", "version": 1, "entries": []}', 1),
    ('{"format": "drlint-baseline", "version": 99, "entries": []}', 1),
    ('{"format": "drlint-baseline", "version": 1,\n "entries": {"a": 1}}', 2),
    ('{"format": "drlint-baseline", "version": 1, "entries": [\n{"rule": "DR201", "resource": "x", "fingerprint": "y"},'
     '\n{"rule": 7, "resource": "x"}]}', 3),
    ('[' * 5000 + ']' * 5000, 1),
])
def test_broken_baseline_is_a_located_error_and_findings_are_new(tmp_path, content, line):
    (tmp_path / "baseline.json").write_text(content)
    shutil.copytree(DEMO, tmp_path / "estate")
    report, code = compare(tmp_path, "estate")
    assert code == 2
    errors = [d for d in report["diagnostics"] if d["code"] == "baseline-error"]
    assert len(errors) == 1 and errors[0]["file"] == "baseline.json" and errors[0]["line"] == line
    assert report["results"] and all(r["baseline"] == "new" for r in report["results"])


def test_huge_baseline_is_refused_not_read(tmp_path):
    (tmp_path / "baseline.json").write_text('{"format": "drlint-baseline", "pad": "' + "x" * 51_000_000 + '"}')
    shutil.copytree(DEMO, tmp_path / "estate")
    report, code = compare(tmp_path, "estate")
    assert code == 2
    assert any(d["code"] == "baseline-error" and "limit" in d["message"] for d in report["diagnostics"])


def test_unwritable_baseline_is_exit_2(tmp_path):
    run = drlint_process("scan", DEMO, "--write-baseline", tmp_path / "missing-folder" / "b.json")
    assert run.returncode == 2
    assert "cannot write" in run.stderr
