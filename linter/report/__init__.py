"""Reporters: each writes a RunReport in one format. None of them computes what the engine should have."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from linter.results import Outcome, Result, RunReport

FORMATS = ("text", "json", "sarif", "github", "markdown")


def reported_results(report: RunReport, show_unknown: bool, accepted: bool = False) -> list[Result]:
    """Findings a person sees: failures and errors, plus unknowns when asked for. Accepted findings
    (suppressed, or unchanged since the baseline) only with `accepted` (SARIF shows them as dismissed)."""
    wanted = {Outcome.FAIL, Outcome.ERROR} | ({Outcome.UNKNOWN} if show_unknown else set())
    return [r for r in report.results if r.outcome in wanted and (accepted or not r.accepted)]


def writer(name: str) -> Callable[[RunReport, TextIO, bool, bool], None]:
    """The reporter for a format, imported only when asked for (SARIF pulls in sarif-om)."""
    if name == "text":
        from linter.report.text import write
    elif name == "json":
        from linter.report.json import write
    elif name == "sarif":
        from linter.report.sarif import write
    elif name == "github":
        from linter.report.github import write
    elif name == "markdown":
        from linter.report.markdown import write
    else:
        raise ValueError(f"unknown format {name}")
    return write
