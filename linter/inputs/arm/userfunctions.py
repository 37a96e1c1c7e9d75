"""A template's user-defined functions (`functions: [{namespace, members}]`): found by `namespace.name`, and
called with a frame in which the body sees its own parameters only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from linter.inputs.arm.budget import USER_FUNCTION_STEPS
from linter.inputs.arm.evaluator import Env, resolve
from linter.inputs.arm.expressions import Call
from linter.inputs.arm.functions.core import get_ci
from linter.model import MISSING, Unknown

if TYPE_CHECKING:
    from linter.inputs.arm.template import TemplateRun


class UserFunctions:
    __slots__ = ("_specs", "run")

    def __init__(self, run: TemplateRun) -> None:
        self.run = run
        self._specs: dict[str, dict[str, Any] | None] = {}  # by lower-case `namespace.name`

    def call_user_function(self, node: Call, env: Env) -> Any:
        owner = self.run._definitions()
        spec = owner.functions._user_function(node.name)
        if spec is None:
            self.run.report(f"unknown template function '{node.spelled}'")
            return Unknown(f"the template function '{node.spelled}' is not defined")
        if env.budget is not None:
            env.budget.step(USER_FUNCTION_STEPS)
        names = [str(p.get("name", "")) for p in spec.get("parameters") or [] if isinstance(p, dict)]
        args = [env.eval(arg) for arg in node.args]
        output = spec.get("output") if isinstance(spec.get("output"), dict) else {}
        frame = _FunctionFrame(owner, dict(zip((n.lower() for n in names), args, strict=False)))
        if env.depth > 40:
            return Unknown(f"{node.spelled}() recurses too deeply")
        return resolve(output.get("value"), Env(frame, depth=env.depth + 1))

    def _user_function(self, name: str) -> dict[str, Any] | None:
        if name not in self._specs:  # a recursive function is looked up at every call
            self._specs[name] = self._find(name)
        return self._specs[name]

    def _find(self, name: str) -> dict[str, Any] | None:
        namespace, _, member = name.partition(".")
        for group in self.run.template.get("functions") or []:
            if not isinstance(group, dict) or str(group.get("namespace", "")).lower() != namespace:
                continue
            members = group.get("members") if isinstance(group.get("members"), dict) else {}
            spec = get_ci(members, member)
            if isinstance(spec, dict):
                return spec
        return None


class _FunctionFrame:
    """A user-defined function's body sees its own parameters only (and the rest of its template)."""

    def __init__(self, owner: TemplateRun, args: dict[str, Any]) -> None:
        self._owner = owner
        self._args = args

    def parameter(self, name: str, env: Env) -> Any:
        value = self._args.get(name.lower(), MISSING)
        return Unknown(f"the function has no parameter '{name}'") if value is MISSING else value

    def variable(self, name: str, env: Env) -> Any:
        return Unknown("variables() cannot be used inside a user-defined function")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._owner, name)
