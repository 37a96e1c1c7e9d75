"""What every writer is given besides the report: its options, and which results a person sees."""

from __future__ import annotations

from linter.records import record
from linter.results import Outcome, Result, RunReport


@record(frozen=True)
class WriteOptions:
    show_unknown: bool = False  # also report checks whose outcome is UNKNOWN, with the reason
    colour: bool = False  # ANSI colours (only formats declared `colour=True` use them)
    regions: bool = False  # the text report adds the region matrix (`--summary`)
    accepted: bool = True  # SARIF keeps accepted (suppressed, baselined) findings, marked with `suppressions`


def reported_results(report: RunReport, show_unknown: bool, accepted: bool = False) -> list[Result]:
    """Findings a person sees: failures and errors, plus unknowns when asked for. Accepted findings
    (suppressed, or unchanged since the baseline) only with `accepted` (SARIF shows them as dismissed)."""
    wanted = {Outcome.FAIL, Outcome.ERROR} | ({Outcome.UNKNOWN} if show_unknown else set())
    return [r for r in report.results if r.outcome in wanted and (accepted or not r.accepted)]
