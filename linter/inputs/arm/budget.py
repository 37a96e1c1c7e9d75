"""One budget of work per deployment, so that no template can make a scan hang or exhaust memory.

A template is a program: a user function that calls itself twice, copy loops nested 800 x 800 x 800, a
chain of linked templates that each link the next three times, or variables that each double the last all
describe exponential work in a few lines. Every deployment (an ARM template with one parameter set, or a
Bicep file, with everything nested in it) gets one Budget; evaluation charges it for each function call,
each value it builds and each nested deployment it starts. Past a bound, `BudgetExceeded` stops that
deployment only: it is reported at the expression that hit the bound, and the rest of the estate is checked.

The bounds are far above what real templates need (the largest of the 573 compiled templates of the Azure
Verified Modules corpus uses under 4% of them) and low enough that a pathological file costs seconds.
"""

from __future__ import annotations

from typing import Any

from linter.inputs.arm.functions.core import BudgetExceeded
from linter.model import Position

MAX_STEPS = 1_000_000  # function calls and values resolved (the corpus's largest deployment: 35,000)
MAX_CHARS = 50_000_000  # characters of strings built by functions, in all
MAX_DEPLOYMENTS = 1_000  # nested and linked deployments started (the corpus's most: 83)
USER_FUNCTION_STEPS = 20  # a user-defined function call costs many plain ones (frames, symbolic values)


class Budget:
    __slots__ = ("chars", "deployments", "steps")

    def __init__(self) -> None:
        self.steps = 0
        self.chars = 0
        self.deployments = 0

    def step(self, cost: int = 1) -> None:
        self.steps += cost
        if self.steps > MAX_STEPS:
            raise BudgetExceeded(f"evaluating this deployment takes more than {MAX_STEPS:,} steps")

    def built(self, chars: int) -> None:
        self.chars += chars
        if self.chars > MAX_CHARS:
            raise BudgetExceeded(f"evaluating this deployment builds more than {MAX_CHARS:,} characters of strings")

    def deployment(self) -> None:
        self.deployments += 1
        if self.deployments > MAX_DEPLOYMENTS:
            raise BudgetExceeded(f"this deployment starts more than {MAX_DEPLOYMENTS:,} nested deployments")
        self.step(100)


def locate(exc: BudgetExceeded, document: Any, path: tuple[str | int, ...]) -> None:
    """Say where the bound was hit: the innermost declaration (variable, resource field...) that knows."""
    if exc.position is None:
        try:
            exc.position = document.position(path)
        except Exception:  # a position is a courtesy; the diagnostic is made without one
            exc.position = Position(getattr(document, "display", "<template>"))


def budget_diagnostic_text(exc: BudgetExceeded) -> str:
    where = f" at {exc.expression}" if exc.expression else ""
    return f"{exc.message}{where}; this deployment's resources are not checked (drlint bounds the work a template " \
           "may ask for)"
