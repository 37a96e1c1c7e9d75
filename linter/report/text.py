"""Text for people: `path:line:col: severity DRxxx message`, grouped by file, then a summary line."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from linter.report.escape import escape
from linter.report.writing import WriteOptions, reported_results
from linter.results import Outcome, Result, RunReport

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m", "unknown": "\033[35m",
            "bold": "\033[1m", "dim": "\033[2m"}
_RESET = "\033[0m"


def _paint(text: str, colour: str, enabled: bool) -> str:
    return f"{_COLOURS[colour]}{text}{_RESET}" if enabled else text


def _label(result: Result) -> str:
    if result.outcome is Outcome.UNKNOWN:
        return "unknown"
    if result.outcome is Outcome.ERROR:
        return "error"
    return result.severity


def write(report: RunReport, out: TextIO, options: WriteOptions) -> None:
    colour = options.colour
    # notes say what was not scanned on its own (a build output): shown with the other things not decided
    shown = [d for d in report.diagnostics if d.severity != "note" or options.show_unknown]
    for diagnostic in shown:
        where = f"{escape(diagnostic.position)}: " if diagnostic.position else ""
        level = diagnostic.severity if diagnostic.severity in ("error", "note") else "warning"
        out.write(f"{where}{_paint(level, level, colour)} [{diagnostic.code}] {escape(diagnostic.message)}\n")
    if shown:
        out.write("\n")

    current_file = None
    for result in reported_results(report, options.show_unknown):
        position = result.position
        file = position.file if position else "<estate>"
        if current_file is not None and file != current_file:
            out.write("\n")
        current_file = file
        where = escape(position if position else file)
        label = _label(result)
        out.write(f"{where}: {_paint(label, label, colour)} {_paint(escape(result.rule.id), 'bold', colour)} "
                  f"{escape(result.message)}\n")
        for related in result.related[:5]:
            out.write(_paint(f"    related: {escape(related.position)}: {escape(related.label)}", "dim", colour) + "\n")
    if current_file is not None:
        out.write("\n")
    if options.regions and report.estate is not None:
        from linter.regionmatrix import build, render_text

        matrix = render_text(build(report.estate))
        out.write((matrix or "Regions: the estate has no AI Foundry hub or Foundry account.") + "\n\n")
    out.write(summary_line(report) + "\n")
    if report.baseline is not None:
        from linter.baseline import summary_text

        out.write(summary_text(report.baseline) + "\n")


def summary_line(report: RunReport) -> str:
    failures = Counter(r.severity for r in report.results if r.outcome is Outcome.FAIL and not r.accepted)
    unknown = sum(1 for r in report.results if r.outcome is Outcome.UNKNOWN and not r.accepted)
    suppressed = sum(1 for r in report.results if r.suppressions)
    baselined = sum(1 for r in report.results if r.baseline_state == "unchanged" and not r.suppressions)
    errors = sum(1 for r in report.results if r.outcome is Outcome.ERROR)
    problems = sum(1 for d in report.diagnostics if d.severity == "error")
    parts = [f"{failures.get(s, 0)} {s}{'s' if failures.get(s, 0) != 1 else ''}" for s in ("error", "warning", "note")]
    text = ", ".join(parts) + f", {unknown} unknown"
    if suppressed:
        text += f", {suppressed} suppressed"
    if baselined:
        text += f", {baselined} in baseline"
    if errors:
        text += f", {errors} rule error{'s' if errors != 1 else ''}"
    if problems:
        text += f", {problems} input problem{'s' if problems != 1 else ''}"
    files = len(report.files)
    text += (f" | {len(report.rules)} rules ({report.posture}), {report.resource_count} resources in "
             f"{files} file{'s' if files != 1 else ''}, {report.seconds:.2f}s")
    return text
