"""The JSON report: a stable contract other tools rely on (documented in docs/json-format.md).

Bump FORMAT_VERSION on any incompatible change; adding keys is compatible.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from linter import __version__
from linter.model import Position
from linter.report.writing import WriteOptions
from linter.results import Outcome, Result, RunReport

FORMAT_VERSION = "1"
_REPORTED = (Outcome.FAIL, Outcome.UNKNOWN, Outcome.ERROR)


def _position(position: Position | None) -> dict[str, Any]:
    if position is None:
        return {"file": None, "line": None, "column": None}
    return {"file": position.file, "line": position.line, "column": position.column}


def result_dict(result: Result) -> dict[str, Any]:
    resource = result.resource
    return {
        "rule": result.rule.id,
        "rule_name": result.rule.name,
        "severity": result.severity,
        "outcome": result.outcome.value,
        "resource": resource.id if resource is not None and isinstance(resource.id, str) else None,
        "resource_name": resource.display_name if resource is not None else None,
        "resource_type": resource.type if resource is not None else None,
        "location": resource.location if resource is not None and isinstance(resource.location, str) else None,
        **_position(result.position),
        "message": result.message,
        "reason": result.reason,
        "estate_scope": result.estate_scope,
        "related": [{**_position(r.position), "label": r.label} for r in result.related],
        "suppressions": [{"kind": s.kind, "reason": s.reason, **_position(s.position)} for s in result.suppressions],
        "baseline": result.baseline_state,
    }


def report_dict(report: RunReport) -> dict[str, Any]:
    """Every failure, unknown and error (the contract has no option to leave unknowns out)."""
    counts = {outcome.value: 0 for outcome in Outcome}
    for result in report.results:
        counts[result.outcome.value] += 1
    return {
        "version": FORMAT_VERSION,
        "tool": {"name": "drlint", "version": __version__},
        "posture": report.posture,
        "results": [result_dict(r) for r in report.results if r.outcome in _REPORTED],
        "diagnostics": [
            {"severity": d.severity, "code": d.code, "message": d.message, **_position(d.position)}
            for d in report.diagnostics
        ],
        "summary": {
            "outcomes": counts,
            "rules": [r.id for r in report.rules],
            "files": report.files,
            "resources": report.resource_count,
            "seconds": round(report.seconds, 3),
            "suppressed": sum(1 for r in report.results if r.suppressions),
            "baseline": None if report.baseline is None else {
                "file": report.baseline.file, "new": report.baseline.new, "unchanged": report.baseline.unchanged,
                "fixed": [{"rule": e.rule, "resource": e.resource, "fingerprint": e.fingerprint}
                          for e in report.baseline.fixed]},
        },
    }


def write(report: RunReport, out: TextIO, options: WriteOptions) -> None:
    json.dump(report_dict(report), out, indent=2, sort_keys=False)
    out.write("\n")
