"""What the names of one Bicep file stand for: parameters, variables, resources (with their parents, loops and
scopes), modules, functions, types and imports. Built before anything is transpiled, because Bicep refers
forwards freely."""

from __future__ import annotations

from linter.inputs.bicep.syntax import ast as A
from linter.records import field, record


@record(eq=False)
class ResourceSym:
    symbol: str  # the template's symbolic name (`parent::child` for a nested child)
    decl: A.Resource
    full_type: str
    api: str | None
    body: A.ObjectLit | None
    loop: A.ForExpr | None
    condition: A.Expr | None
    lexical_parent: ResourceSym | None = None  # declared inside this resource's body
    parent: ResourceSym | None = None  # `parent:` or lexical nesting
    parent_index: A.Expr | None = None  # `parent: vnet[i]`
    scope: A.Expr | None = None  # `scope:` (own, or inherited from the top ancestor)

    @property
    def existing(self) -> bool:
        return self.decl.existing

    def top(self) -> ResourceSym:
        node = self
        seen = 0
        while node.parent is not None and seen < 32:
            node, seen = node.parent, seen + 1
        return node


@record(eq=False)
class ModuleSym:
    symbol: str
    decl: A.Module
    source: str | None  # the path or registry reference as written (None: not a plain string)
    body: A.ObjectLit | None
    loop: A.ForExpr | None
    condition: A.Expr | None

    @property
    def external(self) -> bool:
        """A registry (`br:`, `br/public:`) or template spec (`ts:`) module: never fetched."""
        return self.source is not None and self.source.split(":", 1)[0].split("/", 1)[0] in ("br", "ts")


@record
class Symbols:
    target_scope: str = "resourceGroup"
    params: dict[str, A.Param] = field(default_factory=dict)
    vars: dict[str, A.Var] = field(default_factory=dict)
    resources: dict[str, ResourceSym] = field(default_factory=dict)  # by symbol, and nested ones by `a::b`
    modules: dict[str, ModuleSym] = field(default_factory=dict)
    funcs: dict[str, A.FuncDecl] = field(default_factory=dict)
    types: dict[str, A.TypeDecl] = field(default_factory=dict)
    outputs: list[A.Output] = field(default_factory=list)
    imports: list[A.CompileTimeImport] = field(default_factory=list)
    order: list[ResourceSym | ModuleSym] = field(default_factory=list)  # declaration order


def unwrap(body: A.Expr) -> tuple[A.ObjectLit | None, A.ForExpr | None, A.Expr | None]:
    """A resource or module body: the object, its loop, its condition (`if`, or a filtered loop's)."""
    loop = body if isinstance(body, A.ForExpr) else None
    inner = body.body if loop is not None else body
    condition = None
    if isinstance(inner, A.IfExpr):
        condition, inner = inner.condition, inner.body
    return (inner if isinstance(inner, A.ObjectLit) else None), loop, condition


def split_type(text: str) -> tuple[str, str | None]:
    resource_type, _, api = text.partition("@")
    return resource_type, api or None


def collect(tree: A.File) -> Symbols:
    symbols = Symbols()
    for statement in tree.statements:
        if isinstance(statement, A.TargetScope) and isinstance(statement.value, A.StringLit):
            symbols.target_scope = statement.value.value
        elif isinstance(statement, A.Param):
            symbols.params[statement.name] = statement
        elif isinstance(statement, A.Var):
            symbols.vars[statement.name] = statement
        elif isinstance(statement, A.Resource):
            _resource(symbols, statement, None)
        elif isinstance(statement, A.Module):
            body, loop, condition = unwrap(statement.body)
            source = statement.path.value if isinstance(statement.path, A.StringLit) else None
            module = ModuleSym(statement.name, statement, source, body, loop, condition)
            symbols.modules[statement.name] = module
            symbols.order.append(module)
        elif isinstance(statement, A.FuncDecl):
            symbols.funcs[statement.name] = statement
        elif isinstance(statement, A.TypeDecl):
            symbols.types[statement.name] = statement
        elif isinstance(statement, A.Output):
            symbols.outputs.append(statement)
        elif isinstance(statement, A.CompileTimeImport):
            symbols.imports.append(statement)
    for resource in list(symbols.resources.values()):
        _bind_parent(symbols, resource)
    for resource in symbols.resources.values():
        top = resource.top()
        if resource.scope is None and top is not resource:
            resource.scope = top.scope
    return symbols


def _resource(symbols: Symbols, decl: A.Resource, outer: ResourceSym | None) -> None:
    body, loop, condition = unwrap(decl.body)
    written = decl.type_string or ""
    resource_type, api = split_type(written)
    if outer is not None and "/" not in resource_type:
        resource_type = f"{outer.full_type}/{resource_type}"
        api = api or outer.api
    symbol = decl.name if outer is None else f"{outer.symbol}::{decl.name}"
    scope = body.get("scope") if body is not None else None
    resource = ResourceSym(symbol, decl, resource_type, api, body, loop, condition, outer, outer, None, scope)
    symbols.resources[symbol] = resource
    symbols.order.append(resource)
    if body is not None:
        for child in body.resources:
            _resource(symbols, child, resource)


def _bind_parent(symbols: Symbols, resource: ResourceSym) -> None:
    if resource.body is None or resource.lexical_parent is not None:
        return
    written = resource.body.get("parent")
    index = None
    if isinstance(written, A.IndexAccess):
        written, index = written.obj, written.index
    target = None
    if isinstance(written, A.Identifier):
        target = symbols.resources.get(written.name)
    elif isinstance(written, A.ResourceAccess):
        target = symbols.resources.get(access_symbol(written) or "")
    if target is not None and target is not resource:
        resource.parent, resource.parent_index = target, index


def access_symbol(node: A.Expr) -> str | None:
    """`a::b::c` as the symbol `a::b::c`."""
    parts: list[str] = []
    while isinstance(node, A.ResourceAccess):
        parts.append(node.name)
        node = node.obj
    if not isinstance(node, A.Identifier):
        return None
    return "::".join([node.name, *reversed(parts)])
