"""One evaluation of one template: its parameters, variables, user functions, resources and outputs.

Everything is evaluated on demand and memoised, because templates refer forwards (a variable used before it
is declared, a resource whose properties read another resource or a module's outputs). Resources are
expanded in two steps: first what identifies them (condition, copy index, type, name, id), for every
resource, so `resourceId()`/`reference()` lookups can find them; then, on demand, the rest of their body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.inputs.arm import provenance, resources
from linter.inputs.arm.evaluator import Env, copy_count, expand_copy, resolve
from linter.inputs.arm.expressions import Call, Node
from linter.inputs.arm.functions.core import get_ci
from linter.inputs.arm.instances import Decl, Instance, ParameterInput, PathKey
from linter.inputs.arm.scope import DeploymentContext
from linter.inputs.jsondoc import JsonDocument
from linter.model import MISSING, Unknown

_BUSY = object()


def _memoised(cache: dict[str, Any], name: str, kind: str, compute: Any) -> Any:
    """Evaluate a parameter or variable once; one that needs itself to be evaluated is Unknown."""
    key = name.lower()
    cached = cache.get(key, MISSING)
    if cached is _BUSY:
        return Unknown(f"{kind} '{name}' refers to itself")
    if cached is not MISSING:
        return cached
    cache[key] = _BUSY
    value = compute(name)
    cache[key] = value
    return value


@dataclass(slots=True)
class TemplateRun:
    sink: Any  # deployments.Sink: diagnostics, documents, the estate-wide id index
    template: dict[str, Any]
    document: JsonDocument
    base: PathKey
    file: Path | None  # the file the template is in (linked templates resolve relative to it)
    context: DeploymentContext
    inputs: dict[str, ParameterInput] = field(default_factory=dict)
    parent: TemplateRun | None = None
    outer: TemplateRun | None = None  # expressionEvaluationOptions.scope == outer: the parent's definitions
    depth: int = 0
    conditional: Unknown | None = None
    _params: dict[str, Any] = field(default_factory=dict)
    _specs: dict[str, tuple[str, dict[str, Any]]] | None = None
    _vars: dict[str, Any] = field(default_factory=dict)
    _decls: list[Decl] | None = None
    _instances: dict[int, list[Instance]] = field(default_factory=dict)
    _by_id: dict[str, Instance] | None = None
    _outputs: dict[str, Any] | None = None

    # ---- parameters and variables ------------------------------------------------------------------------
    def _definitions(self) -> TemplateRun:
        return self.outer._definitions() if self.outer is not None else self

    def report(self, message: str) -> None:
        self.sink.report(message, self.document, self.base)

    def _section(self, name: str) -> dict[str, Any]:
        section = self.template.get(name)
        return section if isinstance(section, dict) else {}

    def parameter_spec(self, name: str) -> tuple[str, dict[str, Any]] | None:
        if self._specs is None:
            self._specs = {
                key.lower(): (key, self._with_definition(spec if isinstance(spec, dict) else {}))
                for key, spec in self._section("parameters").items()
            }
        return self._specs.get(name.lower())

    def _with_definition(self, spec: dict[str, Any], depth: int = 0) -> dict[str, Any]:
        """A parameter typed by a user-defined type (`$ref: #/definitions/x`) inherits `nullable` etc."""
        ref = spec.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/definitions/") or depth > 10:
            return spec
        definition = self._section("definitions").get(ref.rsplit("/", 1)[-1])
        if not isinstance(definition, dict):
            return spec
        return {**self._with_definition(definition, depth + 1), **spec}

    def parameter(self, name: str, env: Env) -> Any:
        owner = self._definitions()
        if owner is not self:
            return owner.parameter(name, env)
        return _memoised(self._params, name, "parameter", self._parameter_value)

    def _parameter_value(self, name: str) -> Any:
        found = self.parameter_spec(name)
        if found is None:
            return Unknown(f"the template has no parameter '{name}'")
        declared, spec = found
        given = self.inputs.get(declared.lower())
        # a null passed for a parameter with a default gets the default (Bicep's optional module parameters)
        if given is not None and not (given.value is None and "defaultValue" in spec):
            value = given.value
        elif "defaultValue" in spec:
            value = resolve(spec["defaultValue"], Env(self))
        elif spec.get("nullable") is True:
            value = None
        else:
            where = "a parameter file or the deployment's parameters" if self.parent is None else "its parent"
            return Unknown(f"parameter '{declared}' has no value and no default; give it in {where}")
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
                self.sink.report(
                    f"parameter '{name}' has the value {item!r}, which is not one of its allowedValues",
                    self.document, (*self.base, "parameters", name), severity="error",
                )

    def parameter_literal(self, name: str, depth: int = 0) -> bool:
        owner = self._definitions()
        if owner is not self:
            return owner.parameter_literal(name, depth)
        found = self.parameter_spec(name)
        if found is None:
            return False
        declared, spec = found
        given = self.inputs.get(declared.lower())
        if given is not None and not (given.value is None and "defaultValue" in spec):
            return given.literal
        if self.parent is None:
            return False  # a top-level parameter: whoever deploys may set it
        return "defaultValue" in spec and provenance.is_literal(spec["defaultValue"], self, depth)

    def variable(self, name: str, env: Env) -> Any:
        owner = self._definitions()
        if owner is not self:
            return owner.variable(name, env)
        return _memoised(self._vars, name, "variable", self._variable_value)

    def _variable_raw(self, name: str) -> Any:
        variables = self._section("variables")
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
        if isinstance(raw, tuple):
            return expand_copy(raw[1], Env(self))
        return resolve(raw, Env(self))

    def variable_raw(self, name: str) -> Any:
        """A variable as declared (MISSING when there is none; a copy variable's spec is a tuple)."""
        owner = self._definitions()
        return owner._variable_raw(name) if owner is not self else self._variable_raw(name)

    def variable_literal(self, name: str, depth: int = 0) -> bool:
        owner = self._definitions()
        if owner is not self:
            return owner.variable_literal(name, depth)
        raw = self._variable_raw(name)
        if raw is MISSING or isinstance(raw, tuple):
            return False
        return provenance.is_literal(raw, self, depth)

    # ---- user-defined functions --------------------------------------------------------------------------
    def call_user_function(self, node: Call, env: Env) -> Any:
        owner = self._definitions()
        spec = owner._user_function(node.name)
        if spec is None:
            self.report(f"unknown template function '{node.spelled}'")
            return Unknown(f"the template function '{node.spelled}' is not defined")
        names = [str(p.get("name", "")) for p in spec.get("parameters") or [] if isinstance(p, dict)]
        args = [env.eval(arg) for arg in node.args]
        output = spec.get("output") if isinstance(spec.get("output"), dict) else {}
        frame = _FunctionFrame(owner, dict(zip((n.lower() for n in names), args, strict=False)))
        if env.depth > 40:
            return Unknown(f"{node.spelled}() recurses too deeply")
        return resolve(output.get("value"), Env(frame, depth=env.depth + 1))

    def _user_function(self, name: str) -> dict[str, Any] | None:
        namespace, _, member = name.partition(".")
        for group in self.template.get("functions") or []:
            if not isinstance(group, dict) or str(group.get("namespace", "")).lower() != namespace:
                continue
            members = group.get("members") if isinstance(group.get("members"), dict) else {}
            spec = get_ci(members, member)
            if isinstance(spec, dict):
                return spec
        return None

    # ---- resources -------------------------------------------------------------------------------------
    def decls(self) -> list[Decl]:
        if self._decls is None:
            self._decls = []
            resources = self.template.get("resources")
            if isinstance(resources, dict):
                entries = [(str(k), v, (*self.base, "resources", k)) for k, v in resources.items()]
            elif isinstance(resources, list):
                entries = [(None, v, (*self.base, "resources", i)) for i, v in enumerate(resources)]
            else:
                entries = []
            for symbol, raw, path in entries:
                if isinstance(raw, dict):
                    self._collect(Decl(symbol, raw, path))
        return self._decls

    def _collect(self, decl: Decl) -> None:
        assert self._decls is not None
        self._decls.append(decl)
        children = decl.raw.get("resources")
        if isinstance(children, list):
            for i, child in enumerate(children):
                if isinstance(child, dict):
                    self._collect(Decl(None, child, (*decl.path, "resources", i), decl))

    def instances(self, decl: Decl) -> list[Instance]:
        key = id(decl)
        found = self._instances.get(key)
        if found is None:
            self._instances[key] = []  # a resource whose name refers to itself finds nothing
            found = resources.expand(self, decl)
            self._instances[key] = found
        return found

    def all_instances(self) -> list[Instance]:
        return [inst for decl in self.decls() for inst in self.instances(decl)]

    def find_symbol(self, text: str) -> list[Instance] | None:
        symbol, _, rest = text.partition("[")
        for decl in self.decls():
            if decl.symbol is not None and decl.symbol.lower() == symbol.lower():
                found = self.instances(decl)
                if rest:
                    try:
                        position = int(rest.rstrip("]"))
                    except ValueError:
                        return None
                    return [i for i in found if i.copy_index == position]
                return found
        return None

    def find_id(self, resource_id: str) -> Instance | None:
        run: TemplateRun | None = self
        key = resource_id.lower()
        while run is not None:
            if run._by_id is None:
                run._by_id = {}
                for inst in run.all_instances():
                    if isinstance(inst.id, str) and inst.condition is not False:
                        run._by_id.setdefault(inst.id.lower(), inst)
            found = run._by_id.get(key)
            if found is not None:
                return found
            run = run.parent
        return self.sink.find_id(key)

    def reference(self, nodes: tuple[Node, ...], env: Env) -> Any:
        return resources.reference(self, nodes, env)

    def references(self, nodes: tuple[Node, ...], env: Env) -> Any:
        return resources.references(self, nodes, env)

    def nested_run(self, **fields: Any) -> TemplateRun:
        """A nested deployment's template run, sharing this run's sink (see `nested.start_nested`)."""
        run = TemplateRun(sink=self.sink, parent=self, depth=self.depth + 1, **fields)
        self.sink.runs.append(run)
        return run

    # ---- outputs ---------------------------------------------------------------------------------------
    def outputs(self) -> dict[str, Any]:
        if self._outputs is None:
            self._outputs = {}
            for name, spec in self._section("outputs").items():
                if isinstance(spec, dict):
                    self._outputs[name] = {"type": spec.get("type"), "value": self._output_value(spec)}
        return self._outputs

    def _output_value(self, spec: dict[str, Any]) -> Any:
        env = Env(self)
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


def _loose_equal(value: Any, option: Any) -> bool:
    if isinstance(value, str) and isinstance(option, str):
        return value.lower() == option.lower()
    return bool(value == option)
