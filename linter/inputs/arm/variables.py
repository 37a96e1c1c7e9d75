"""A template's variables: evaluated on first use (a variable may be used before it is declared), copy
variables expanded, and whether each is a literal in the source (for provenance)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from linter.inputs.arm import provenance
from linter.inputs.arm.budget import locate
from linter.inputs.arm.evaluator import Env, expand_copy, resolve
from linter.inputs.arm.functions.core import BudgetExceeded, check_items, get_ci
from linter.inputs.arm.memo import _memoised, one_value
from linter.model import MISSING, Unknown

if TYPE_CHECKING:
    from linter.inputs.arm.template import TemplateRun


class Variables:
    __slots__ = ("_vars", "run")

    def __init__(self, run: TemplateRun) -> None:
        self.run = run
        self._vars: dict[str, Any] = {}

    def variable(self, name: str, env: Env) -> Any:
        owner = self.run._definitions()
        if owner is not self.run:
            return owner.variable(name, env)
        return _memoised(self._vars, name, "variable",
                         lambda n: one_value(self.run, "variables()", n, self._variable_value(n)))

    def _variable_raw(self, name: str) -> Any:
        variables = self.run._section("variables")
        value = get_ci(variables, name)
        if value is MISSING:
            for spec in variables.get("copy") or []:
                if isinstance(spec, dict) and str(spec.get("name", "")).lower() == name.lower():
                    return ("copy", spec)
        return value

    def _variable_value(self, name: str) -> Any:
        raw = self._variable_raw(name)
        if raw is MISSING:
            return Unknown(f"the template has no variable '{name}'")
        run = self.run
        try:
            value = expand_copy(raw[1], Env(run)) if isinstance(raw, tuple) else resolve(raw, Env(run))
            check_items(value, f"variables('{name}')")  # shared parts count as often as they appear
            return value
        except BudgetExceeded as exc:
            locate(exc, run.document, (*run.base, "variables", "copy" if isinstance(raw, tuple) else name))
            raise

    def variable_raw(self, name: str) -> Any:
        """A variable as declared (MISSING when there is none; a copy variable's spec is a tuple)."""
        owner = self.run._definitions()
        return owner.variable_raw(name) if owner is not self.run else self._variable_raw(name)

    def variable_literal(self, name: str, depth: int = 0) -> bool:
        owner = self.run._definitions()
        if owner is not self.run:
            return owner.variable_literal(name, depth)
        raw = self._variable_raw(name)
        if raw is MISSING or isinstance(raw, tuple):
            return False
        return provenance.is_literal(raw, self.run, depth)
