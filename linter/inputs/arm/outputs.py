"""A template's outputs, evaluated once: conditional outputs (null when the condition is false) and copy
outputs (a list)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from linter.inputs.arm.budget import locate
from linter.inputs.arm.evaluator import Env, copy_count, resolve
from linter.inputs.arm.functions.core import BudgetExceeded
from linter.inputs.arm.parameters import is_secure
from linter.model import Unknown

if TYPE_CHECKING:
    from linter.inputs.arm.template import TemplateRun


class Outputs:
    __slots__ = ("_outputs", "run")

    def __init__(self, run: TemplateRun) -> None:
        self.run = run
        self._outputs: dict[str, Any] | None = None

    def outputs(self) -> dict[str, Any]:
        if self._outputs is None:
            self._outputs = {}
            for name, spec in self.run._section("outputs").items():
                if is_secure(spec):
                    self._outputs[name] = {"type": spec.get("type"), "value": Unknown(
                        f"output '{name}' is secure; drlint does not read its value")}
                elif isinstance(spec, dict):
                    try:
                        self._outputs[name] = {"type": spec.get("type"), "value": self._output_value(spec)}
                    except BudgetExceeded as exc:
                        locate(exc, self.run.document, (*self.run.base, "outputs", name))
                        raise
        return self._outputs

    def _output_value(self, spec: dict[str, Any]) -> Any:
        env = Env(self.run)
        if "condition" in spec:
            condition = resolve(spec["condition"], env)
            if condition is False:
                return None
        copy = spec.get("copy")
        if isinstance(copy, dict):
            count = copy_count(copy, env)
            if isinstance(count, Unknown):
                return count
            return [resolve(copy.get("input"), env.with_copy("", i)) for i in range(count)]
        return resolve(spec.get("value"), env)
