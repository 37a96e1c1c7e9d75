"""What a run produces: an outcome per rule and resource, and diagnostics about the inputs and rules."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from linter.diagnostics import Diagnostic
from linter.model import Position, Resource
from linter.records import record

if TYPE_CHECKING:
    from linter.baseline import BaselineSummary
    from linter.model import Estate
    from linter.rules import Rule
    from linter.suppressions import Suppression


class Outcome(enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


@record(frozen=True)
class RelatedLocation:
    position: Position
    label: str
    resource: Resource | None = None


@record
class Result:
    """One rule's verdict on one resource (or on the estate, for aggregate rules: `resource` is then the
    resource the finding is shown at, and `resources` lists every one it is about)."""

    rule: Rule
    outcome: Outcome
    severity: str
    message: str
    resource: Resource | None
    position: Position | None
    # Sequences, not lists, by default: most of a large run's results have none, and share one empty tuple
    # (a list each would be two objects more per result). Code that adds to them makes its own list.
    related: Sequence[RelatedLocation] = ()
    reason: str | None = None  # why the outcome is UNKNOWN or ERROR
    estate_scope: bool = False
    # Accepted risks (see linter/suppressions.py): a suppressed finding is reported as such, never as a failure.
    suppressions: Sequence[Suppression] = ()
    baseline_state: str | None = None  # "new" | "unchanged" when the run compared against a baseline

    @property
    def rule_id(self) -> str:
        return self.rule.id

    @property
    def accepted(self) -> bool:
        """Suppressed with a reason, or already recorded in the baseline: shown as such, not a failure."""
        return bool(self.suppressions) or self.baseline_state == "unchanged"


@record
class RunReport:
    """Everything a reporter needs; reporters compute nothing the engine should have."""

    results: list[Result]
    diagnostics: list[Diagnostic]
    rules: list[Rule]
    files: list[str]
    resource_count: int
    seconds: float
    posture: str
    category: str = "drlint/"  # which kind of analysis, e.g. drlint/templates/ or drlint/resource-graph/
    root: Path | None = None  # the scan root: positions are relative to it (SARIF re-reads template lines)
    estate: Estate | None = None  # every resource of the run (the region matrix reads it)
    baseline: BaselineSummary | None = None  # set when the run was compared against a baseline file
