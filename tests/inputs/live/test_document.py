"""The saved audit file: what it records decides UNKNOWN vs FAIL when scanned; a broken record is reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REPO

HUB_ID = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/hub"


def saved(record: dict | None, rows: list | None = None) -> dict:
    data = rows if rows is not None else [{"id": HUB_ID, "name": "hub", "type": "microsoft.machinelearningservices/"
                                           "workspaces", "location": "eastus2", "kind": "Hub", "properties": {}}]
    document: dict = {"count": len(data), "data": data}
    if record is not None:
        document["drlint"] = record
    return document


def scan(tmp_path, document: dict) -> tuple[dict, int]:
    (tmp_path / "e.json").write_text(json.dumps(document))
    run = subprocess.run([sys.executable, "-m", "linter.cli", "scan", "e.json", "--select", "DR105", "--format",
                          "json", "--show-unknown", "--no-config"], capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)
    return json.loads(run.stdout), run.returncode


def outcome(report: dict) -> str:
    return next((r["outcome"] for r in report["results"] if r["rule"] == "DR105"), "pass")


CONNECTIONS = "microsoft.machinelearningservices/workspaces/connections"


def test_a_plain_export_cannot_tell_and_an_audit_that_fetched_connections_can(tmp_path):
    assert outcome(scan(tmp_path, saved(None))[0]) == "unknown"
    fetched = {"format": "drlint-audit/1", "fetched": ["microsoft.machinelearningservices/workspaces", CONNECTIONS]}
    report, code = scan(tmp_path, saved(fetched))
    assert outcome(report) == "fail" and code == 1


def test_a_refused_list_keeps_the_rule_unknown_and_is_reported(tmp_path):
    record = {"format": "drlint-audit/1", "fetched": [CONNECTIONS],
              "failedLists": [{"parent": HUB_ID, "type": CONNECTIONS, "reason": "listing was refused (403)"}]}
    report, code = scan(tmp_path, saved(record))
    assert outcome(report) == "unknown" and code == 2
    assert any("403" in d["message"] and d["line"] for d in report["diagnostics"])


def test_a_failed_scope_is_an_error_and_estate_counts_are_unknown(tmp_path):
    record = {"format": "drlint-audit/1", "fetched": ["microsoft.machinelearningservices/workspaces"],
              "failedScopes": [{"scope": "subscription s2", "subscriptions": ["s2"], "reason": "HTTP 503"}]}
    (tmp_path / "e.json").write_text(json.dumps(saved(record)))
    run = subprocess.run([sys.executable, "-m", "linter.cli", "scan", "e.json", "--select", "DR101", "--format",
                          "json", "--show-unknown", "--no-config"], capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)
    report = json.loads(run.stdout)
    assert run.returncode == 2
    assert [r["outcome"] for r in report["results"]] == ["unknown"]  # one hub seen; s2 may hold another
    assert any("subscription s2" in d["message"] for d in report["diagnostics"])


def test_a_malformed_record_is_reported_and_the_rows_still_checked(tmp_path):
    report, _ = scan(tmp_path, saved({"format": "drlint-audit/1", "fetched": "everything",
                                      "failedScopes": ["nope"], "failedLists": [{"parent": 3}]}))
    assert outcome(report) == "unknown"  # nothing usable recorded as fetched
    assert sum("failed" in d["message"] for d in report["diagnostics"]) == 2
    report, _ = scan(tmp_path, saved({"format": "something-else/9"}))
    assert outcome(report) == "unknown"
    assert any("unknown audit record format" in d["message"] for d in report["diagnostics"])
