"""A Bicep file into an ARM template (`languageVersion 2.0`, symbolic resources), with a source map.

What the compiler does, so the ARM front end evaluates the result exactly as it evaluates compiled templates:
parameters, variables, user functions (namespace `__bicep`), resources (nested children hoisted as
`parent::child`, loops as `copy`, `if` and loop filters as `condition`, `existing`, `parent:`, `scope:`),
modules as inner-scope nested deployments with their own template embedded, and outputs. References become
`resourceId()` for `.id`, the name expression for `.name`, `reference('symbol')` for properties and
`reference('module').outputs.x.value` for module outputs.

What cannot be known becomes a variable holding an `Unknown` with the reason (`unknown()`), so the ARM
evaluator carries the reason to whatever reads it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from linter.inputs.bicep.compile.armtext import call, quote, to_json, wrap
from linter.inputs.bicep.compile.expressions import ExpressionTranslator, Scope
from linter.inputs.bicep.compile.imports import Imports
from linter.inputs.bicep.compile.modules import Modules
from linter.inputs.bicep.compile.parameters import Parameters
from linter.inputs.bicep.compile.sourcemap import SourceMap
from linter.inputs.bicep.compile.symbols import ModuleSym, ResourceSym, Symbols, access_symbol, collect
from linter.inputs.bicep.syntax import ast as A
from linter.inputs.bicep.workspace import ParsedFile, Workspace
from linter.model import TRACKED_FIELDS, Position, Unknown

PathKey = tuple[str | int, ...]
SCHEMAS = {
    "resourceGroup": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    "subscription": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
    "managementGroup":
        "https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#",
    "tenant": "https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#",
}
FUNCTION_NAMESPACE = "__bicep"
_NOT_BODY = frozenset(("name", "parent", "scope", "dependsOn"))
_SCOPE_FUNCTIONS = frozenset(("resourcegroup", "subscription", "managementgroup", "tenant"))
_RESOURCE_FIELDS = frozenset(("id", "name", "type", "apiVersion"))


class Transpiled:
    """A file's template, its source map, and the registry modules it (or a module of it) leaves unevaluated."""

    __slots__ = ("external", "map", "problems", "template")

    def __init__(self, template: dict[str, Any], source_map: SourceMap, external: list[str], problems: bool) -> None:
        self.template = template
        self.map = source_map
        self.external = external  # "module 'x' (br/public:...)" for each module not fetched
        self.problems = problems  # some declaration did not parse


def transpile(ws: Workspace, parsed: ParsedFile, stack: tuple[Path, ...] = ()) -> Transpiled:
    """The file's template (cached per file: a module used twice is transpiled once)."""
    key = ("template", parsed.path)
    cached = ws.cache.get(key)
    if isinstance(cached, Transpiled):
        return cached
    result = FileTranspiler(ws, parsed, (*stack, parsed.path)).build()
    ws.cache[key] = result
    return result


class FileTranspiler(ExpressionTranslator):
    def __init__(self, ws: Workspace, parsed: ParsedFile, stack: tuple[Path, ...],
                 var_prefix: str = "", namespace: str = FUNCTION_NAMESPACE, root: FileTranspiler | None = None) -> None:
        self.ws = ws
        self.parsed = parsed
        self.file_path = parsed.path
        self.stack = stack
        self.symbols: Symbols = collect(parsed.tree)
        self.var_prefix = var_prefix  # an imported file's variables are renamed into the importer's template
        self.namespace = namespace
        self.root = root or self
        self.map = SourceMap(parsed.display) if root is None else root.map
        self.external: list[str] = []
        self._unknowns: dict[str, str] = {} if root is None else root._unknowns
        self.variables: dict[str, Any] = {} if root is None else root.variables
        self.functions: list[dict[str, Any]] = [] if root is None else root.functions
        self.imports = Imports(self) if root is None else Imports(self, root.imports.table)
        self._iterables: dict[str, str] = {}
        self._enclosing: list[ResourceSym] = []  # the resources whose bodies are being translated
        self.parameters = Parameters(self)
        self.modules = Modules(self)

    # ---- other files: modules and imports compile the files they name ---------------------------------------
    def transpile_module(self, parsed: ParsedFile) -> Transpiled:
        """A module's file, as a template of its own (cached: a module used twice is transpiled once)."""
        return transpile(self.ws, parsed, self.stack)

    def library(self, parsed: ParsedFile, path: Path, k: int) -> FileTranspiler:
        """An imported file, its variables and functions renamed (`_k.`) into this file's root template."""
        return FileTranspiler(self.ws, parsed, (*self.stack, path), var_prefix=f"_{k}.", namespace=f"_{k}",
                              root=self.root)

    # ---- the template -----------------------------------------------------------------------------------
    def build(self) -> Transpiled:
        self.imports.bind(self.symbols.imports)
        self.modules.module_templates = self.modules.prepare_modules()
        template: dict[str, Any] = {
            "$schema": SCHEMAS.get(self.symbols.target_scope, SCHEMAS["resourceGroup"]),
            "languageVersion": "2.0",
            "contentVersion": "1.0.0.0",
        }
        parameters = {}
        for name, param in self.symbols.params.items():
            self.map.record(("parameters", name), param.line, param.col)
            parameters[name] = self.parameters.parameter_spec(param)
        template["parameters"] = parameters
        self.add_declarations()
        template["functions"] = self.functions
        resources: dict[str, Any] = {}
        for declared in self.symbols.order:
            if isinstance(declared, ResourceSym):
                resources[declared.symbol] = self.resource_json(declared)
            else:
                resources[declared.symbol] = self.modules.module_json(declared)
        template["resources"] = resources
        outputs = {}
        for output in self.symbols.outputs:
            path = ("outputs", output.name)
            self.map.record(path, output.line, output.col)
            outputs[output.name] = {"type": "object", "value": self.value(output.value, {}, (*path, "value"))}
        template["outputs"] = outputs
        template["variables"] = self.variables  # last: translating the rest may add unknowns
        problems = bool(self.parsed.problems)
        return Transpiled(template, self.map, self.external, problems)

    def add_declarations(self) -> None:
        """Variables and functions, into the root template (an imported file's under its own names)."""
        for name, var in self.symbols.vars.items():
            path = ("variables", self.var_prefix + name)
            self.map.record(path, var.line, var.col, self.parsed.display)
            self.variables[self.var_prefix + name] = self.value(var.value, {}, path)
        if self.symbols.funcs:
            members = {}
            for name, func in self.symbols.funcs.items():
                scope = {p.name: call("parameters", quote(p.name)) for p in func.params}
                members[name] = {
                    "parameters": [{"name": p.name, "type": "object"} for p in func.params],
                    "output": {"type": "object", "value": wrap(self.expr(func.body, scope))},
                }
            self.functions.append({"namespace": self.namespace, "members": members})

    # ---- hooks of the expression translator --------------------------------------------------------------
    def unknown(self, reason: str, key: Any = None, text: str | None = None) -> str:
        name = self._unknowns.get(reason)
        if name is None:
            name = f"__unknown{len(self._unknowns)}"
            self._unknowns[reason] = name
            self.variables[name] = Unknown(reason, key, text)
        return call("variables", quote(name))

    def record(self, path: PathKey, node: A.Node) -> None:
        self.map.record(path, node.line, node.col, self.parsed.display)

    def read_file(self, node: A.Expr) -> bytes | str:
        relative = node.value if isinstance(node, A.StringLit) else ""
        return self.ws.read_bytes((self.file_path.parent / relative).resolve())

    def load_problem(self, node: A.Node, message: str) -> None:
        self.ws.report(message, Position(self.parsed.display, node.line, node.col), severity="error")

    def resolve_name(self, node: A.Identifier, scope: Scope) -> str:
        name = node.name
        symbols = self.symbols
        if name in symbols.params:
            if self.var_prefix:
                return self.unknown(f"'{name}' is a parameter of an imported file")
            return call("parameters", quote(name))
        if name in symbols.vars:
            return call("variables", quote(self.var_prefix + name))
        resource = self.find_resource(name)
        if resource is not None:
            return self.resource_id(resource, self.self_index(resource))
        if name in symbols.modules:
            return self.unknown(f"module '{name}' used as a value")
        imported = self.imports.value(name)
        if imported is not None:
            return imported
        self.ws.report(f"'{name}' is not declared", Position(self.parsed.display, node.line, node.col))
        return self.unknown(f"'{name}' is not declared")

    def symbol_access(self, base: A.Expr, steps: list[tuple[str, Any, bool]], scope: Scope) -> str | None:
        symbol = base.name if isinstance(base, A.Identifier) else access_symbol(base)
        if symbol is None:
            return None
        resource = self.find_resource(symbol)
        module = self.symbols.modules.get(symbol) if resource is None else None
        if resource is None and module is None:
            if isinstance(base, A.Identifier) and steps and steps[0][0] == "m":
                imported = self.imports.member(symbol, steps[0][1])
                if imported is not None:
                    return self.apply_steps(imported, steps[1:], scope)
            return None
        loop = resource.loop if resource is not None else module.loop  # type: ignore[union-attr]
        index = None
        if loop is not None and steps and steps[0][0] == "i":
            index = self.expr(steps[0][1], scope)
            steps = steps[1:]
        elif loop is not None:
            index = self.self_index(resource or module)  # type: ignore[arg-type]
            if index is None:
                return self.unknown(f"'{symbol}' is a collection; index it to read one copy")
        if resource is not None:
            return self.resource_access(resource, index, steps, scope)
        return self.modules.module_access(module, index, steps, scope)  # type: ignore[arg-type]

    def call_symbol(self, node: A.Call, scope: Scope) -> str | None:
        args = [self.expr(a, scope) for a in node.args]
        if node.base is None:
            if node.name in self.symbols.funcs:
                return call(f"{self.namespace}.{node.name}", *args)
            return self.imports.call(node.name, args)
        if node.namespace is not None:
            return None
        base = node.base
        if isinstance(base, A.Identifier) and base.name not in scope and self.find_resource(base.name) is None:
            imported = self.imports.member_call(base.name, node.name, args)
            if imported is not None:
                return imported
        target = base.obj if isinstance(base, A.IndexAccess) else base
        symbol = target.name if isinstance(target, A.Identifier) else access_symbol(target)
        resource = self.find_resource(symbol or "")
        if resource is None or (isinstance(target, A.Identifier) and target.name in scope):
            return None
        if node.name.lower().startswith("list"):
            index = self.expr(base.index, scope) if isinstance(base, A.IndexAccess) else self.self_index(resource)
            return call(node.name, self.resource_id(resource, index), quote(resource.api or ""))
        return self.unknown(f"{node.name}() of '{resource.symbol}' is only known at deployment")

    # ---- resources ---------------------------------------------------------------------------------------
    def find_resource(self, symbol: str) -> ResourceSym | None:
        """A resource by its symbol. Inside a resource's body, the resources nested in it and in the resources
        it is nested in are in scope by their own names, as in Bicep (`first` for `hub::first` in a sibling)."""
        found = self.symbols.resources.get(symbol)
        if found is not None or not self._enclosing:
            return found
        node: ResourceSym | None = self._enclosing[-1]
        depth = 0
        while node is not None and depth < 32:
            found = self.symbols.resources.get(f"{node.symbol}::{symbol}")
            if found is not None:
                return found
            node, depth = node.lexical_parent, depth + 1
        return None

    @contextlib.contextmanager
    def inside(self, resource: ResourceSym) -> Iterator[None]:
        self._enclosing.append(resource)
        try:
            yield
        finally:
            self._enclosing.pop()

    def self_index(self, declared: ResourceSym | ModuleSym) -> str | None:
        return call("copyIndex", quote(declared.symbol)) if declared.loop is not None else None

    def iterable(self, declared: ResourceSym | ModuleSym) -> str:
        found = self._iterables.get(declared.symbol)
        if found is None:
            found = self.expr(declared.loop.iterable, {})  # type: ignore[union-attr]
            self._iterables[declared.symbol] = found
        return found

    def loop_scope(self, declared: ResourceSym | ModuleSym, index: str | None) -> Scope:
        loop = declared.loop
        if loop is None or index is None:
            return {}
        scope = {}
        if loop.item:
            scope[loop.item] = f"{self.iterable(declared)}[{index}]"
        if loop.index:
            scope[loop.index] = index
        return scope

    def name_segments(self, resource: ResourceSym, index: str | None, depth: int = 0) -> list[str]:
        scope = self.loop_scope(resource, index)
        written = resource.body.get("name") if resource.body is not None else None
        with self.inside(resource):
            own = self.expr(written, scope) if written is not None else self.unknown(
                f"resource '{resource.symbol}' has no name")
        if resource.parent is None or depth > 16:
            return [own]
        parent_index = self.expr(resource.parent_index, scope) if resource.parent_index is not None else None
        if parent_index is None and resource.parent.loop is not None:
            parent_index = self.self_index(resource.parent)
        return [*self.name_segments(resource.parent, parent_index, depth + 1), own]

    def resource_name(self, resource: ResourceSym, index: str | None) -> str:
        segments = self.name_segments(resource, index)
        if len(segments) == 1:
            return segments[0]
        return call("format", quote("/".join(f"{{{i}}}" for i in range(len(segments)))), *segments)

    def resource_id(self, resource: ResourceSym, index: str | None) -> str:
        segments = self.name_segments(resource, index)
        resource_type = quote(resource.full_type)
        scope = resource.scope
        if scope is None:
            level = self.symbols.target_scope
            if level == "subscription":
                return call("subscriptionResourceId", resource_type, *segments)
            if level == "tenant":
                return call("tenantResourceId", resource_type, *segments)
            if level == "managementGroup":
                return call("extensionResourceId", call("managementGroup") + ".id", resource_type, *segments)
            return call("resourceId", resource_type, *segments)
        local = self.loop_scope(resource, index)
        if isinstance(scope, A.Call) and scope.name.lower() in _SCOPE_FUNCTIONS and (
                scope.base is None or scope.namespace == "az"):
            args = [self.expr(a, local) for a in scope.args]
            kind = scope.name.lower()
            if kind == "resourcegroup":
                return call("resourceId", *args, resource_type, *segments)
            if kind == "subscription":
                return call("subscriptionResourceId", *args, resource_type, *segments)
            if kind == "tenant":
                return call("tenantResourceId", resource_type, *segments)
            group = call("tenantResourceId", quote("Microsoft.Management/managementGroups"), *args) if args else (
                call("managementGroup") + ".id")
            return call("extensionResourceId", group, resource_type, *segments)
        return call("extensionResourceId", self.expr(scope, local), resource_type, *segments)

    def resource_access(self, resource: ResourceSym, index: str | None, steps: list[tuple[str, Any, bool]],
                        scope: Scope) -> str:
        if not steps:
            return self.resource_id(resource, index)
        kind, name, safe = steps[0]
        if safe and (resource.condition is not None or resource.lexical_parent is not None):
            # `res.?x` of a conditional resource: null when it is not deployed (as the compiler writes it)
            condition = self.condition(resource, self.loop_scope(resource, index))
            if condition is not None:
                guarded = call("if", condition, self.reference(resource, index, full=True), "null()")
                return self.apply_steps(guarded, steps, scope)
        if kind == "i" and isinstance(name, A.StringLit):
            name = name.value
        elif kind == "i":
            return self.apply_steps(self.reference(resource, index, full=True), steps, scope)
        if name == "id":
            text = self.resource_id(resource, index)
        elif name == "name":
            text = self.name_segments(resource, index)[-1]  # its own name, not `parent/child`
        elif name == "type":
            text = quote(resource.full_type)
        elif name == "apiVersion":
            text = quote(resource.api or "")
        elif name == "properties" and not steps[0][2]:
            text = self.reference(resource, index, full=False)
        else:
            return self.apply_steps(self.reference(resource, index, full=True), steps, scope)
        return self.apply_steps(text, steps[1:], scope)

    def reference(self, declared: ResourceSym | ModuleSym, index: str | None, full: bool) -> str:
        target = quote(declared.symbol) if index is None else call("format", quote(declared.symbol + "[{0}]"), index)
        if not full:
            return call("reference", target)
        api = declared.api if isinstance(declared, ResourceSym) else "2022-09-01"
        return call("reference", target, quote(api or ""), quote("full"))

    def resource_json(self, resource: ResourceSym) -> dict[str, Any]:
        with self.inside(resource):
            return self._resource_json(resource)

    def _resource_json(self, resource: ResourceSym) -> dict[str, Any]:
        decl = resource.decl
        path: PathKey = ("resources", resource.symbol)
        self.map.record(path, decl.line, decl.col, self.parsed.display)
        index = self.self_index(resource)
        scope = self.loop_scope(resource, index)
        out: dict[str, Any] = {}
        if resource.loop is not None:
            out["copy"] = {"name": resource.symbol, "count": wrap(call("length", self.iterable(resource)))}
        condition = self.condition(resource, scope)
        if condition is not None:
            out["condition"] = wrap(condition)
        if resource.existing:
            out["existing"] = True
        out["type"] = resource.full_type
        if resource.api:
            out["apiVersion"] = resource.api
        out["name"] = to_json(self.resource_name(resource, index))
        written_name = resource.body.get("name") if resource.body is not None else None
        if written_name is not None:  # a name not known before deployment is shown as written
            self.map.record_text((*path, "name"), self.source_text(written_name))
        if resource.body is None:
            out["properties"] = wrap(self.unknown(f"the body of resource '{resource.symbol}' is not an object"))
            return out
        self.scope_fields(resource, out, scope)
        for prop in resource.body.properties:
            if not isinstance(prop.key, str) or prop.key in _NOT_BODY:
                continue
            child = (*path, prop.key)
            self.record(child, prop)
            if prop.key in TRACKED_FIELDS:  # its provenance shows the Bicep text, and findings point here
                self.map.record_text(child, self.source_text(prop.value))
                self.record((*path, "template", prop.key), prop)
            out[prop.key] = self.value(prop.value, scope, child)
        return out

    def condition(self, resource: ResourceSym, scope: Scope) -> str | None:
        """The resource's `if`, and (for a nested child) the conditions of the resources it is nested in."""
        parts = []
        lexical: ResourceSym | None = resource
        while lexical is not None:
            if lexical.condition is not None:
                parts.append(self.expr(lexical.condition, scope if lexical is resource else {}))
            lexical = lexical.lexical_parent
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else call("and", *reversed(parts))

    def scope_fields(self, resource: ResourceSym, out: dict[str, Any], local: Scope) -> None:
        scope = resource.scope
        if scope is None:
            return
        if isinstance(scope, A.Call) and scope.name.lower() in _SCOPE_FUNCTIONS and (
                scope.base is None or scope.namespace == "az"):
            kind = scope.name.lower()
            args = [self.value(a, local) for a in scope.args]
            if kind == "resourcegroup" and args:
                out["resourceGroup"] = args[-1]
                if len(args) == 2:
                    out["subscriptionId"] = args[0]
            elif kind == "subscription":
                subscription = self.expr(scope.args[0], local) if scope.args else (
                    call("subscription") + ".subscriptionId")
                out["scope"] = wrap(call("format", quote("/subscriptions/{0}"), subscription))
            elif kind == "tenant":
                out["scope"] = "/"
            elif kind == "managementgroup" and args:
                out["scope"] = wrap(call("tenantResourceId", quote("Microsoft.Management/managementGroups"),
                                         self.expr(scope.args[0], local)))
            return
        out["scope"] = wrap(self.expr(scope, local))

    def source_text(self, node: A.Node) -> str:
        """The Bicep text of a node (one line at most), for messages."""
        lines = self.parsed_lines()
        if not 1 <= node.line <= len(lines):
            return ""
        line = lines[node.line - 1]
        end = node.end_col - 1 if node.end_line == node.line else len(line)
        return line[node.col - 1:end].strip()

    def parsed_lines(self) -> list[str]:
        key = ("lines", self.parsed.path)
        found = self.ws.cache.get(key)
        if not isinstance(found, list):
            data = self.ws.read_bytes(self.parsed.path, 1 << 30)
            found = data.decode("utf-8-sig", errors="replace").splitlines() if isinstance(data, bytes) else []
            self.ws.cache[key] = found
        return found
