"""Markdown for `$GITHUB_STEP_SUMMARY` and pull request comments: counts by severity, a table of findings,
the region matrix, and the unknowns and accepted findings folded in `<details>`.

Every cell holds input-derived text (names, messages, paths), so cells are escaped: HTML is neutralised
(`<`, `>`, `&`), Markdown syntax that would change the table or the text is backslash-escaped (`|`, `*`, `_`,
`` ` ``, `[`, `]`, ...), `@` cannot mention anyone, and line breaks and control characters cannot end a row.
Tables are capped (a PR comment holds at most 65,536 characters) with a line saying how many rows were left
out.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TextIO

from linter.regionmatrix import Workload, build
from linter.report.writing import WriteOptions, reported_results
from linter.results import Outcome, Result, RunReport

MAX_ROWS = 100
MAX_CELL = 300
# Controls end a row; bidirectional controls and lone surrogates would make a cell read otherwise than it is.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_MARKDOWN = re.compile(r"([\\`*_\[\]|~])")
_ICONS = {"error": "🔴 error", "warning": "🟠 warning", "note": "🔵 note"}


def cell(text: object, limit: int = MAX_CELL) -> str:
    """Text safe inside a table cell (and anywhere in the document)."""
    value = " ".join(_CONTROL.sub(" ", str(text)).split())
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MARKDOWN.sub(r"\\\1", value)
    return value.replace("@", "&#64;")


def _where(result: Result) -> str:
    position = result.position
    return cell(f"{position.file}:{position.line}") if position is not None else "–"


def _resource(result: Result) -> str:
    if result.estate_scope:
        return "the estate"
    return cell(result.resource.display_name) if result.resource is not None else "–"


def _table(header: list[str], rows: list[list[str]], noun: str) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        lines.append("")
        lines.append(f"… and {len(rows) - MAX_ROWS} more {noun} (see the SARIF or JSON report for all).")
    return lines


def _counts(report: RunReport) -> list[str]:
    failures = Counter(r.severity for r in report.results if r.outcome is Outcome.FAIL and not r.accepted)
    unknown = sum(1 for r in report.results if r.outcome is Outcome.UNKNOWN and not r.accepted)
    suppressed = sum(1 for r in report.results if r.suppressions)
    baselined = sum(1 for r in report.results if r.baseline_state == "unchanged" and not r.suppressions)
    problems = sum(1 for d in report.diagnostics if d.severity == "error")
    rows = [[_ICONS[s], str(failures.get(s, 0))] for s in ("error", "warning", "note")]
    rows.append(["❔ unknown", str(unknown)])
    if suppressed:
        rows.append(["suppressed (with a reason)", str(suppressed)])
    if baselined:
        rows.append(["in the baseline", str(baselined)])
    if problems:
        rows.append(["⚠️ input problems", str(problems)])
    return _table(["", "count"], rows, "rows")


def _headline(report: RunReport) -> str:
    failures = sum(1 for r in report.results if r.outcome is Outcome.FAIL and not r.accepted)
    problems = any(d.severity == "error" for d in report.diagnostics)
    verdict = f"{failures} finding{'s' if failures != 1 else ''}" if failures else "no findings"
    if problems:
        verdict += ", some inputs could not be checked"
    return f"## drlint: {verdict}"


def regions_section(workloads: list[Workload]) -> list[str]:
    lines: list[str] = []
    for workload in workloads:
        heads = ", ".join(cell(h, 60) for h in workload.heads[:5])
        if len(workload.heads) > 5:
            heads += f" +{len(workload.heads) - 5}"
        gaps = workload.gaps
        lines += ["", f"### Regions: {cell(workload.title)} ({heads}), {gaps} gap{'s' if gaps != 1 else ''}", ""]
        rows = [[cell(part), *(cell(c.text("MISSING", "–", "? not visible"), 120) if not c.gap else "❌ **missing**"
                               for c in cells)] for part, cells in workload.rows]
        lines += _table(["part", *(cell(r) for r in workload.regions)], rows, "parts")
    if workloads:
        lines += ["", "❌ a region of the workload without this part · – not used there · ? not visible in this "
                      "input (connections) or in an unknown region"]
    return lines


def write(report: RunReport, out: TextIO, options: WriteOptions) -> None:
    lines = [_headline(report), ""]
    lines.append(f"Posture **{cell(report.posture)}**, {len(report.rules)} rules, {report.resource_count} "
                 f"resources in {len(report.files)} file{'s' if len(report.files) != 1 else ''}.")
    if report.baseline is not None:
        from linter.baseline import summary_text

        lines.append("")
        lines.append(cell(summary_text(report.baseline)))
    lines.append("")
    lines += _counts(report)

    findings = reported_results(report, show_unknown=False)  # unknowns are folded below
    if findings:
        lines += ["", "### Findings", ""]
        rows = [[_ICONS.get(r.severity, cell(r.severity)) if r.outcome is Outcome.FAIL else "⛔ rule error",
                 cell(r.rule.id), _resource(r), _where(r), cell(r.message)] for r in findings]
        lines += _table(["severity", "rule", "resource", "where", "message"], rows, "findings")

    if report.estate is not None:
        lines += regions_section(build(report.estate))

    unknown = [r for r in report.results if r.outcome is Outcome.UNKNOWN and not r.accepted]
    if unknown:
        lines += ["", f"<details><summary>{len(unknown)} check{'s' if len(unknown) != 1 else ''} drlint could not "
                      f"decide (UNKNOWN)</summary>", ""]
        rows = [[cell(r.rule.id), _resource(r), _where(r), cell(r.reason or r.message)] for r in unknown]
        lines += _table(["rule", "resource", "where", "what could not be determined"], rows, "unknowns")
        lines += ["", "</details>"]

    accepted = [r for r in report.results if r.accepted and r.outcome in (Outcome.FAIL, Outcome.UNKNOWN)]
    if accepted:
        lines += ["", f"<details><summary>{len(accepted)} accepted finding{'s' if len(accepted) != 1 else ''} "
                      f"(suppressed with a reason, or in the baseline)</summary>", ""]
        rows = [[cell(r.rule.id), _resource(r), _where(r),
                 cell(r.suppressions[0].reason if r.suppressions else "in the baseline")] for r in accepted]
        lines += _table(["rule", "resource", "where", "why accepted"], rows, "accepted findings")
        lines += ["", "</details>"]

    problems = report.diagnostics
    if problems:
        lines += ["", f"<details><summary>{len(problems)} problem{'s' if len(problems) != 1 else ''} with the "
                      f"inputs, rules or suppressions</summary>", ""]
        rows = [[cell(d.severity), cell(d.code), cell(str(d.position) if d.position else "–"), cell(d.message)]
                for d in problems]
        lines += _table(["level", "code", "where", "problem"], rows, "problems")
        lines += ["", "</details>"]
    out.write("\n".join(lines) + "\n")
