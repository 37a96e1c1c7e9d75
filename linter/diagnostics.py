"""Diagnostics: problems with an input, a rule or the configuration (not findings), each at a position."""

from __future__ import annotations

from linter.model import Position
from linter.records import record


@record(frozen=True)
class Diagnostic:
    """A problem with an input or a rule (not a finding): bad file, bad rule, unreadable path."""

    message: str
    position: Position | None
    severity: str = "error"  # error: the run is incomplete (exit 2); warning: noteworthy; note: what was skipped
    code: str = "input-error"  # input-error | rule-error | config-error | internal-error

    def __str__(self) -> str:
        where = f"{self.position}: " if self.position else ""
        return f"{where}{self.severity}: {self.message}"
