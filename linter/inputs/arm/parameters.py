"""A template's parameters bound to their values: what its caller (or parameter file) gives, else the default.

Also checks the value against `allowedValues` and says whether it is a literal in the source (for provenance).
A parameter typed by a user-defined type inherits that type's `nullable` and friends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from linter.inputs.arm import provenance
from linter.inputs.arm.budget import locate
from linter.inputs.arm.evaluator import Env, resolve
from linter.inputs.arm.functions.core import BudgetExceeded
from linter.inputs.arm.memo import _memoised, one_value
from linter.model import Unknown

if TYPE_CHECKING:
    from linter.inputs.arm.template import TemplateRun


SECURE_TYPES = ("securestring", "secureobject")


def is_secure(spec: Any) -> bool:
    """A `securestring` / `secureObject` parameter or output (Bicep's `@secure()`)."""
    return isinstance(spec, dict) and str(spec.get("type", "")).lower() in SECURE_TYPES


def _withheld(name: str, spec: dict[str, Any], value: Any) -> Any:
    """A secure parameter's value as the rest of the evaluation sees it: every non-empty string in it is
    Unknown; its shape, empty values, numbers and booleans are kept. Templates test `empty(secret)` or
    `settings.enabled` of a secureObject to decide what to deploy, and none of that is a secret; passwords,
    keys and tokens are strings. A value never handed on cannot reach a message, a report or a diagnostic
    (not even allowedValues', which is not checked for a secure parameter)."""
    if isinstance(value, str):
        return value if not value else Unknown(
            f"parameter '{name}' is secure ({spec.get('type')}); drlint does not read its value")
    if isinstance(value, dict):
        return {key: _withheld(name, spec, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_withheld(name, spec, item) for item in value]
    return value


class ParameterBinding:
    __slots__ = ("_params", "_specs", "run")

    def __init__(self, run: TemplateRun) -> None:
        self.run = run
        self._params: dict[str, Any] = {}
        self._specs: dict[str, tuple[str, dict[str, Any]]] | None = None

    def parameter_spec(self, name: str) -> tuple[str, dict[str, Any]] | None:
        if self._specs is None:
            self._specs = {
                key.lower(): (key, self._with_definition(spec if isinstance(spec, dict) else {}))
                for key, spec in self.run._section("parameters").items()
            }
        return self._specs.get(name.lower())

    def _with_definition(self, spec: dict[str, Any], depth: int = 0) -> dict[str, Any]:
        """A parameter typed by a user-defined type (`$ref: #/definitions/x`) inherits `nullable` etc."""
        ref = spec.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/definitions/") or depth > 10:
            return spec
        definition = self.run._section("definitions").get(ref.rsplit("/", 1)[-1])
        if not isinstance(definition, dict):
            return spec
        return {**self._with_definition(definition, depth + 1), **spec}

    def parameter(self, name: str, env: Env) -> Any:
        owner = self.run._definitions()
        if owner is not self.run:
            return owner.parameter(name, env)
        return _memoised(self._params, name, "parameter",
                         lambda n: one_value(self.run, "parameters()", n, self._parameter_value(n)))

    def _parameter_value(self, name: str) -> Any:
        found = self.parameter_spec(name)
        if found is None:
            return Unknown(f"the template has no parameter '{name}'")
        declared, spec = found
        given = self.run.inputs.get(declared.lower())
        # a null passed for a parameter with a default gets the default (Bicep's optional module parameters)
        if given is not None and not (given.value is None and "defaultValue" in spec):
            value = _converted(given.value, spec)
        elif "defaultValue" in spec:
            try:
                value = resolve(spec["defaultValue"], Env(self.run))
            except BudgetExceeded as exc:
                locate(exc, self.run.document, (*self.run.base, "parameters", declared, "defaultValue"))
                raise
        elif spec.get("nullable") is True:
            value = None
        else:
            where = "a parameter file or the deployment's parameters" if self.run.parent is None else "its parent"
            # one value per deployment, whatever it is: every use of it is the same (symbolic) value
            run = self.run
            return Unknown(f"parameter '{declared}' has no value and no default; give it in {where}",
                           ("parameters()", run.context.label, run.document.display, run.base, declared.lower()),
                           declared)
        if is_secure(spec):
            return _withheld(declared, spec, value)
        self._check_allowed(declared, spec, value)
        return value

    def _check_allowed(self, name: str, spec: dict[str, Any], value: Any) -> None:
        allowed = spec.get("allowedValues")
        if not isinstance(allowed, list) or isinstance(value, Unknown) or value is None:
            return
        # An array's allowedValues constrain its elements. The declared type may not say "array" (a Bicep
        # type derived from a resource schema is not known here), so a list checked against scalar options
        # is checked element by element too.
        array_like = isinstance(value, list) and (
            str(spec.get("type", "")).lower() == "array" or not any(isinstance(o, list) for o in allowed))
        candidates = value if array_like else [value]
        for item in candidates:
            if isinstance(item, Unknown):
                continue
            if not any(_loose_equal(item, option) for option in allowed):
                self.run.sink.report(
                    f"parameter '{name}' has the value {item!r}, which is not one of its allowedValues",
                    self.run.document, (*self.run.base, "parameters", name), severity="error",
                )

    def parameter_literal(self, name: str, depth: int = 0) -> bool:
        owner = self.run._definitions()
        if owner is not self.run:
            return owner.parameter_literal(name, depth)
        found = self.parameter_spec(name)
        if found is None:
            return False
        declared, spec = found
        given = self.run.inputs.get(declared.lower())
        if given is not None and not (given.value is None and "defaultValue" in spec):
            return given.literal
        if self.run.parent is None:
            return False  # a top-level parameter: whoever deploys may set it
        return "defaultValue" in spec and provenance.is_literal(spec["defaultValue"], self.run, depth)


def _converted(value: Any, spec: dict[str, Any]) -> Any:
    """ARM converts a string given for a bool or int parameter ("true", "3"), as azd's substituted files have."""
    declared = str(spec.get("type", "")).lower()
    if not isinstance(value, str):
        return value
    text = value.strip()
    if declared == "bool" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    if declared == "int" and text.lstrip("-").isdigit() and len(text) <= 18:
        return int(text)
    return value


def _loose_equal(value: Any, option: Any) -> bool:
    if isinstance(value, str) and isinstance(option, str):
        return value.lower() == option.lower()
    return bool(value == option)
