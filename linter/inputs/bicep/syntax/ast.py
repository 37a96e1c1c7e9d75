"""Bicep syntax tree.

Every node carries `line`/`col` (1-based, where it starts) and `end_line`/`end_col` (just past its last
character). A declaration starts at its keyword; its decorators are separate nodes with their own positions.

The tree is faithful rather than resolved: names are not bound, function namespaces (`az.`, `sys.`) are kept as
the call's `base`, string interpolation is kept as literal segments and expressions, and parentheses are
dropped (the tree shape already says how the expression groups). Type expressions reuse the literal nodes
(`StringLit`, `IntLit`, `BoolLit`, `NullLit`, `Unary('-', IntLit)`) for literal types.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.records import KW_ONLY, field, fields, record

# The namespaces Bicep always provides; a call `az.f()` or `sys.f()` is a namespaced function call.
BUILTIN_NAMESPACES = frozenset(("az", "sys"))


# Every node class is a `@record` (see linter/records.py): a Bicep scan imports this module on every run, and
# making its ~60 classes with `@dataclass` cost ~20 ms of a pre-commit hook's budget.


@record
class Node:
    _: KW_ONLY
    line: int = 0
    col: int = 0
    end_line: int = 0
    end_col: int = 0


# ---------------------------------------------------------------- expressions


@record
class IntLit(Node):
    value: int


@record
class BoolLit(Node):
    value: bool


@record
class NullLit(Node):
    pass


@record
class StringLit(Node):
    """A string without interpolation; `value` is unescaped."""

    value: str


@record
class MultilineString(StringLit):
    """`'''...'''`: no escapes, no interpolation; a line break right after the opening quotes is dropped."""


@record
class InterpString(Node):
    """`'a${x}b${y}c'`: `segments` are the literal parts (one more than `exprs`), interleaved with `exprs`."""

    segments: list[str]
    exprs: list[Expr]

    @property
    def parts(self) -> list[str | Expr]:
        """Literal and expression parts in source order (empty literal parts left out)."""
        out: list[str | Expr] = []
        for i, seg in enumerate(self.segments):
            if seg:
                out.append(seg)
            if i < len(self.exprs):
                out.append(self.exprs[i])
        return out


@record
class Identifier(Node):
    name: str


@record
class MemberAccess(Node):
    """`obj.name`, or `obj.?name` when `safe`.

    Safe access short-circuits the rest of its chain: in `a.?b.c`, a missing `b` makes the whole chain null
    (the compiler emits `tryGet(a, 'b', 'c')`). The tree keeps the plain `.c` node; evaluators propagate.
    """

    obj: Expr
    name: str
    safe: bool = False


@record
class IndexAccess(Node):
    """`obj[index]`, or `obj[?index]` when `safe`."""

    obj: Expr
    index: Expr
    safe: bool = False


@record
class ResourceAccess(Node):
    """`parent::child`: a nested child resource of a resource symbol."""

    obj: Expr
    name: str


@record
class Call(Node):
    """`name(args)`; `base.name(args)` when `base` is set: a namespaced call (`az.resourceGroup()`,
    `sys.concat()`) or a method on a value (`storage.listKeys()`), which only name binding can tell apart."""

    name: str
    args: list[Expr]
    base: Expr | None = None

    @property
    def namespace(self) -> str | None:
        """`az`/`sys` for calls written with a built-in namespace, else None."""
        b = self.base
        if isinstance(b, Identifier) and b.name in BUILTIN_NAMESPACES:
            return b.name
        return None


@record
class Unary(Node):
    """`!x` or `-x`."""

    op: str
    operand: Expr


@record
class NonNull(Node):
    """`x!`: asserts that `x` is not null."""

    expr: Expr


@record
class Binary(Node):
    """Arithmetic, comparison, logical and `??` (coalesce) operators; `op` is the operator text."""

    op: str
    left: Expr
    right: Expr


@record
class Ternary(Node):
    condition: Expr
    then: Expr
    otherwise: Expr


@record
class Lambda(Node):
    """`x => body`, `(x, y) => body`, `() => body`."""

    params: list[str]
    body: Expr


@record
class Decorator(Node):
    """`@name(args)` or `@ns.name(args)` (e.g. `@sys.description('...')`)."""

    name: str
    args: list[Expr]
    namespace: str | None = None


@record
class ObjectProperty(Node):
    """`key: value`. `key` is a str for identifier and plain-string keys, an `InterpString` otherwise."""

    key: str | InterpString
    value: Expr
    decorators: list[Decorator] = field(default_factory=list)


@record
class Spread(Node):
    """`...expr` inside an object or array literal."""

    expr: Expr


@record
class ObjectLit(Node):
    """`{ ... }`. `items` keeps source order of properties, spreads and nested child resource declarations."""

    items: list[ObjectProperty | Spread | Resource]

    @property
    def properties(self) -> list[ObjectProperty]:
        return [i for i in self.items if isinstance(i, ObjectProperty)]

    @property
    def resources(self) -> list[Resource]:
        return [i for i in self.items if isinstance(i, Resource)]

    def get(self, key: str) -> Expr | None:
        """The value of the last property literally named `key`, if any."""
        found = None
        for i in self.items:
            if isinstance(i, ObjectProperty) and i.key == key:
                found = i.value
        return found


@record
class ArrayLit(Node):
    items: list[Expr | Spread]


@record
class IfExpr(Node):
    """`if (condition) body`: the conditional body of a resource or module (and of a filtered loop)."""

    condition: Expr
    body: Expr


@record
class ForExpr(Node):
    """`[for item in iterable: body]` / `[for (item, index) in iterable: body]`.

    A filtered loop `[for x in xs: if (c) {...}]` has `body` set to an `IfExpr`.
    """

    item: str | None
    index: str | None
    iterable: Expr
    body: Expr

    @property
    def condition(self) -> Expr | None:
        return self.body.condition if isinstance(self.body, IfExpr) else None


# ---------------------------------------------------------------- type expressions


@record
class TypeRef(Node):
    """A named type: a built-in (`string`, `int`, `bool`, `object`, `array`, `any`) or a user type."""

    name: str


@record
class ArrayType(Node):
    """`item[]`."""

    item: TypeExpr


@record
class NullableType(Node):
    """`inner?`."""

    inner: TypeExpr


@record
class UnionType(Node):
    """`a | b | c` (members are usually literal types or object types)."""

    members: list[TypeExpr]


@record
class ObjectTypeProperty(Node):
    """`name: type` (or `name?: type` when `optional`) inside an object type; `name` is `*` for the
    additional-properties entry `*: type`."""

    name: str
    type: TypeExpr
    optional: bool = False
    decorators: list[Decorator] = field(default_factory=list)


@record
class ObjectType(Node):
    properties: list[ObjectTypeProperty]

    @property
    def additional(self) -> ObjectTypeProperty | None:
        """The `*: type` entry, if any."""
        for p in self.properties:
            if p.name == "*":
                return p
        return None


@record
class TupleItem(Node):
    type: TypeExpr
    decorators: list[Decorator] = field(default_factory=list)


@record
class TupleType(Node):
    """`[string, int]`."""

    items: list[TupleItem]


@record
class ResourceType(Node):
    """`resource 'Microsoft.X/y@2023-01-01'` as a parameter or output type."""

    type_name: str


@record
class ParameterizedType(Node):
    """`resourceInput<'Microsoft.X/y@2023-01-01'>` and other `name<args>` types."""

    name: str
    args: list[TypeExpr]


@record
class TypePropertyAccess(Node):
    """`base.name`: a property's type (`myType.prop`) or a namespaced type (`sys.string`, `types.myType`)."""

    base: TypeExpr
    name: str


@record
class TypeIndexAccess(Node):
    """`base[0]`: the type of a tuple item."""

    base: TypeExpr
    index: int


@record
class TypeItemsAccess(Node):
    """`base[*]`: the item type of an array type."""

    base: TypeExpr


@record
class TypeAdditionalPropertiesAccess(Node):
    """`base.*`: the additional-properties type of an object type."""

    base: TypeExpr


# ---------------------------------------------------------------- statements


@record
class Statement(Node):
    _: KW_ONLY
    decorators: list[Decorator] = field(default_factory=list)


@record
class TargetScope(Statement):
    value: Expr


@record
class Metadata(Statement):
    name: str
    value: Expr


@record
class Param(Statement):
    """`param name type = default` in a `.bicep` file."""

    name: str
    type: TypeExpr
    default: Expr | None = None


@record
class ParamAssignment(Statement):
    """`param name = value` in a `.bicepparam` file."""

    name: str
    value: Expr


@record
class Var(Statement):
    name: str
    value: Expr
    type: TypeExpr | None = None


@record
class Resource(Statement):
    """`resource name 'type@version' [existing] = body`; `body` is an `ObjectLit`, `IfExpr` or `ForExpr`.

    `type` is the type string as written (a `StringLit`, or an `InterpString` which Bicep would reject);
    nested child resources are `Resource` items of the body object, with a type that may be relative.
    """

    name: str
    type: Expr
    body: Expr
    existing: bool = False

    @property
    def type_string(self) -> str | None:
        return self.type.value if isinstance(self.type, StringLit) else None


@record
class Module(Statement):
    """`module name 'path-or-registry-ref' = body`."""

    name: str
    path: Expr
    body: Expr


@record
class Output(Statement):
    name: str
    type: TypeExpr
    value: Expr


@record
class TypeDecl(Statement):
    name: str
    type: TypeExpr


@record
class FuncParam(Node):
    name: str
    type: TypeExpr


@record
class FuncDecl(Statement):
    """`func name(a type, ...) returnType => body`."""

    name: str
    params: list[FuncParam]
    return_type: TypeExpr
    body: Expr


@record
class ImportItem(Node):
    """One `name` or `name as alias` of `import { ... } from '...'`."""

    name: str
    alias: str | None = None


@record
class CompileTimeImport(Statement):
    """`import { a, b as c } from 'file'` (items) or `import * as ns from 'file'` (wildcard_alias)."""

    source: Expr
    items: list[ImportItem] = field(default_factory=list)
    wildcard_alias: str | None = None


@record
class ExtensionDecl(Statement):
    """`extension spec [with config] [as alias]`; also the older `provider ...` and `import 'x@1' ...` forms
    (`keyword` says which). `spec` is an `Identifier` or a string expression."""

    keyword: str
    spec: Expr
    config: Expr | None = None
    alias: str | None = None


@record
class Using(Statement):
    """`using 'main.bicep'` (or `using none`, `path` None) in a `.bicepparam` file."""

    path: Expr | None
    config: Expr | None = None


@record
class Extends(Statement):
    """`extends 'base.bicepparam'` in a `.bicepparam` file."""

    path: Expr


@record
class Assert(Statement):
    name: str
    value: Expr


@record
class TestDecl(Statement):
    """`test name 'file.bicep' = { params: ... }`."""

    name: str
    path: Expr
    body: Expr


@record
class File(Node):
    """A parsed `.bicep` (kind "bicep") or `.bicepparam` (kind "bicepparam") file."""

    path: str
    kind: str
    statements: list[Statement]
    directives: list[tuple[int, int, str]] = field(default_factory=list)  # (line, col, text) of `#pragma` lines

    def of_type(self, cls: type[Statement]) -> list[Statement]:
        return [s for s in self.statements if isinstance(s, cls)]


# fmt: off
Expr = (
    IntLit | BoolLit | NullLit | StringLit | InterpString | Identifier | MemberAccess | IndexAccess | ResourceAccess
    | Call | Unary | NonNull | Binary | Ternary | Lambda | ObjectLit | ArrayLit | IfExpr | ForExpr
)
TypeExpr = (
    TypeRef | ArrayType | NullableType | UnionType | ObjectType | TupleType | ResourceType | ParameterizedType
    | TypePropertyAccess | TypeIndexAccess | TypeItemsAccess | TypeAdditionalPropertiesAccess | StringLit | IntLit
    | BoolLit | NullLit | Unary
)
# fmt: on


_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    names = _CHILD_FIELDS.get(cls)
    if names is None:
        names = tuple(f.name for f in fields(cls) if f.name not in ("line", "col", "end_line", "end_col"))
        _CHILD_FIELDS[cls] = names
    return names


def children(node: Node) -> Iterator[Node]:
    """The direct child nodes of `node`, in field order."""
    for name in _child_fields(type(node)):
        v = getattr(node, name)
        if isinstance(v, Node):
            yield v
        elif isinstance(v, list):
            for x in v:
                if isinstance(x, Node):
                    yield x


def walk(node: Node) -> Iterator[Node]:
    """`node` and all its descendants, depth first, in source order (iterative: no recursion limit)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(list(children(n))))
