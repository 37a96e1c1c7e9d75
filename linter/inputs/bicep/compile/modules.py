"""Modules into nested deployments: `module m './x.bicep' = {...}` (also looped and conditional).

A local module becomes an inner-scope `Microsoft.Resources/deployments` with the module's own template
embedded (a `.bicep` transpiled, a `.json` used as it is) and `params` as its parameters, exactly as the
compiler writes it; the ARM front end then evaluates it as any nested deployment, outputs included. A module
from a registry (`br:`, `br/public:`) or a template spec (`ts:`) cannot be fetched offline: it is declared
without a template, a diagnostic names it, and its outputs are Unknown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from linter.inputs.bicep.compile.armtext import call, quote, to_json, wrap
from linter.inputs.bicep.syntax import ast as A
from linter.inputs.jsondoc import JsonError, parse_json
from linter.model import Position

if TYPE_CHECKING:
    from linter.inputs.bicep.compile.expressions import Scope
    from linter.inputs.bicep.compile.symbols import ModuleSym
    from linter.inputs.bicep.compile.transpile import FileTranspiler

DEPLOYMENTS = "Microsoft.Resources/deployments"
API_VERSION = "2022-09-01"

# what a deployment's field is when its scope does not set it: the parent's own
_CURRENT = {"resourceGroup": "resourceGroup().name", "subscriptionId": "subscription().subscriptionId"}


class Modules:
    """One file's modules: their templates (read before anything refers to their outputs), their deployment
    resources, and what reading `module.outputs.x` or `module.name` becomes."""

    def __init__(self, owner: FileTranspiler) -> None:
        self.owner = owner
        self.failed_modules: dict[str, str] = {}  # module symbol -> why its template is not available
        self.module_templates: dict[str, dict[str, Any] | None] = {}

    def prepare_modules(self) -> dict[str, dict[str, Any] | None]:
        """Every module's template, before anything refers to a module's outputs (a module that cannot be
        read makes its outputs Unknown with the reason)."""
        return {m.symbol: self._template(m) for m in self.owner.symbols.modules.values()}

    def _fail(self, module: ModuleSym, message: str, reason: str, severity: str = "error") -> None:
        self.failed_modules[module.symbol] = reason
        self.owner.ws.report(message, Position(self.owner.parsed.display, module.decl.line, module.decl.col),
                             severity=severity)

    def _template(self, module: ModuleSym) -> dict[str, Any] | None:
        source = module.source
        if source is None:
            self._fail(module, f"module '{module.symbol}': its path is not a plain string; not evaluated",
                       f"module '{module.symbol}' has a computed path")
            return None
        if module.external:
            self.owner.external.append(f"module '{module.symbol}' ({source})")
            self._fail(module, f"module '{module.symbol}' comes from {source}, which drlint does not fetch "
                       "(no network): its resources are unknown; vendor it as a local module to have it checked",
                       f"module '{module.symbol}' comes from {source}, which is not fetched, so its outputs are "
                       "not known",
                       severity="warning")
            return None
        path = (self.owner.file_path.parent / source).resolve()
        if path in self.owner.stack:
            self._fail(module, f"module '{module.symbol}' includes itself ({source}); not evaluated",
                       f"module '{module.symbol}' includes itself")
            return None
        if path.suffix.lower() in (".json", ".jsonc"):
            data = self.owner.ws.read_bytes(path)
            if isinstance(data, str):
                self._fail(module, f"module '{module.symbol}': {data}", f"module '{module.symbol}': {data}")
                return None
            try:
                document = parse_json(data, self.owner.ws.display(path))
            except JsonError as exc:
                self._fail(module, f"module '{module.symbol}': {exc}", f"module '{module.symbol}' is not valid JSON")
                return None
            if not isinstance(document.data, dict):
                message = f"module '{module.symbol}' is not a template"
                self._fail(module, message, message)
                return None
            self.owner.map.mount(("resources", module.symbol, "properties", "template"), document)
            return document.data
        parsed = self.owner.ws.parse(path)
        if isinstance(parsed, str):
            self._fail(module, f"module '{module.symbol}': {parsed}", f"module '{module.symbol}': {parsed}")
            return None
        transpiled = self.owner.transpile_module(parsed)
        self.owner.external.extend(transpiled.external)
        self.owner.map.mount(("resources", module.symbol, "properties", "template"), transpiled.map)
        return transpiled.template

    def module_name(self, module: ModuleSym, index: str | None) -> str:
        written = module.body.get("name") if module.body is not None else None
        if written is not None:
            return self.owner.expr(written, self.owner.loop_scope(module, index))
        if index is not None:  # the compiler makes up a unique name; any unique name will do here
            return call("format", quote(module.symbol + "-{0}"), index)
        return quote(module.symbol)

    def module_json(self, module: ModuleSym) -> dict[str, Any]:
        decl = module.decl
        path = ("resources", module.symbol)
        self.owner.map.record(path, decl.line, decl.col, self.owner.parsed.display)
        index = self.owner.self_index(module)
        scope = self.owner.loop_scope(module, index)
        out: dict[str, Any] = {}
        if module.loop is not None:
            out["copy"] = {"name": module.symbol, "count": wrap(call("length", self.owner.iterable(module)))}
        if module.condition is not None:
            out["condition"] = wrap(self.owner.expr(module.condition, scope))
        out["type"] = DEPLOYMENTS
        out["apiVersion"] = API_VERSION
        out["name"] = to_json(self.module_name(module, index))
        template = self.module_templates.get(module.symbol)
        self._scope_fields(module, out, scope)
        if isinstance(template, dict) and "subscriptiondeploymenttemplate" in str(template.get("$schema", "")).lower():
            out["location"] = "[deployment().location]"
        properties: dict[str, Any] = {
            "expressionEvaluationOptions": {"scope": "inner"}, "mode": "Incremental",
            "parameters": self._parameters(module, scope, (*path, "properties", "parameters")),
        }
        if template is not None:
            properties["template"] = template
        out["properties"] = properties
        return out

    def _parameters(self, module: ModuleSym, scope: dict[str, str], path: tuple[Any, ...]) -> dict[str, Any]:
        written = module.body.get("params") if module.body is not None else None
        if written is None:
            return {}
        if not isinstance(written, A.ObjectLit):
            self.owner.ws.report(
                f"module '{module.symbol}': params is not an object literal; its parameters are unknown",
                Position(self.owner.parsed.display, written.line, written.col))
            return {}
        out: dict[str, Any] = {}
        for item in written.items:
            if isinstance(item, A.ObjectProperty) and isinstance(item.key, str):
                self.owner.record((*path, item.key), item)
                out[item.key] = {"value": self.owner.value(item.value, scope, (*path, item.key, "value"))}
            elif isinstance(item, A.Spread):
                self.owner.ws.report(f"module '{module.symbol}': spread parameters are not evaluated",
                                     Position(self.owner.parsed.display, item.line, item.col))
        return out

    def _scope_fields(self, module: ModuleSym, out: dict[str, Any], local: dict[str, str]) -> None:
        written = module.body.get("scope") if module.body is not None else None
        if written is None:
            return
        fields = self._scope_of(written, local, 0)
        if fields is None:
            self.owner.ws.report(f"module '{module.symbol}': this scope is not understood; the module is evaluated "
                                 "in its parent's scope",
                                 Position(self.owner.parsed.display, written.line, written.col))
            return
        out.update({key: to_json(text) for key, text in fields.items()})

    def _scope_of(self, node: A.Expr, local: dict[str, str], depth: int) -> dict[str, str] | None:
        """The deployment fields (`resourceGroup`, `subscriptionId`, `scope`) a module scope expression sets, as
        expression text; None when it is not a scope drlint understands."""
        if depth > 10:
            return None
        if isinstance(node, A.Call) and (node.base is None or node.namespace == "az"):
            kind = node.name.lower()
            args = [self.owner.expr(a, local) for a in node.args]
            if kind == "resourcegroup":
                fields = {"resourceGroup": args[-1]} if args else {}
                if len(args) == 2:
                    fields["subscriptionId"] = args[0]
                return fields
            if kind == "subscription":
                return {"subscriptionId": args[0]} if args else {}
            if kind == "managementgroup":
                if not args:
                    return {}
                return {"scope": call("format", quote("Microsoft.Management/managementGroups/{0}"), args[0])}
            if kind == "tenant":
                return {"scope": quote("/")}
            return None
        if isinstance(node, A.Ternary):
            then = self._scope_of(node.then, local, depth + 1)
            otherwise = self._scope_of(node.otherwise, local, depth + 1)
            if then is None or otherwise is None or "scope" in then or "scope" in otherwise:
                return None
            condition = self.owner.expr(node.condition, local)
            return {key: call("if", condition, then.get(key, _CURRENT[key]), otherwise.get(key, _CURRENT[key]))
                    for key in {*then, *otherwise}}
        if isinstance(node, A.Identifier) and node.name not in local:
            variable = self.owner.symbols.vars.get(node.name)
            if variable is not None:
                return self._scope_of(variable.value, {}, depth + 1)
            resource = self.owner.symbols.resources.get(node.name)
            if resource is not None:
                kind = resource.full_type.lower()
                name = self.owner.name_segments(resource, None)[-1]
                if kind == "microsoft.resources/resourcegroups":
                    return {"resourceGroup": name}
                if kind == "microsoft.management/managementgroups":
                    return {"scope": call("format", quote("Microsoft.Management/managementGroups/{0}"), name)}
        return None

    def module_access(self, module: ModuleSym, index: str | None, steps: list[tuple[str, Any, bool]],
                      scope: Scope) -> str:
        if not steps:
            return self.owner.unknown(f"module '{module.symbol}' used as a value")
        kind, name, safe = steps[0]
        if kind == "m" and name == "name":
            return self.owner.apply_steps(self.module_name(module, index), steps[1:], scope)
        if kind != "m" or name != "outputs":
            return self.owner.apply_steps(self.owner.reference(module, index, full=True), steps, scope)
        if module.symbol in self.failed_modules:
            return self.owner.unknown(self.failed_modules[module.symbol])
        if len(steps) == 1:
            return self.owner.unknown(f"the outputs of module '{module.symbol}' as one object")
        output = steps[1]
        rest = [output, ("m", "value", output[2]), *steps[2:]]
        base = self.owner.reference(module, index, full=False)
        if safe:  # `mod.?outputs`: null when the module is not deployed
            if module.condition is not None:
                condition = self.owner.expr(module.condition, self.owner.loop_scope(module, index))
                base = call("if", condition, base, "null()")
            return self.owner.apply_steps(base, [steps[0], *rest], scope)
        return self.owner.apply_steps(base + ".outputs", rest, scope)
