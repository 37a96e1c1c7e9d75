"""Bicep expressions into ARM template expressions, the way the Bicep compiler writes them.

Operators become functions (`&&` and, `==` equals, `=~` equals of toLower, `??` coalesce, `?:` if), string
interpolation becomes `format()`, `a.?b.c` becomes `tryGet(a, 'b', 'c')`, lambdas become `lambda()` with
`lambdaVariables()`, and a for-expression becomes `map()` over its array (a filtered one over the indexes that
pass the filter). Names are resolved by the file transpiler (`resolve_name`, `resource_access`, ...), which
knows the file's declarations; local names (loop items, lambda parameters, function parameters) are a
`Scope`: name -> the expression text that stands for it.

Two contexts, as in a template: `expr()` gives expression text; `value()` gives a JSON value, where objects and
arrays stay JSON (so positions can be recorded for each property) and only the leaves that compute are
`"[...]"` strings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from linter.inputs.bicep.compile.armtext import (
    as_expression,
    call,
    format_template,
    json_string,
    literal,
    member,
    quote,
    wrap,
)
from linter.inputs.bicep.syntax import ast as A
from linter.inputs.jsondoc import strip_comments

Scope = dict[str, str]
PathKey = tuple[str | int, ...]

_BINARY = {
    "&&": "and", "||": "or", "==": "equals", "<": "less", "<=": "lessOrEquals", ">": "greater",
    ">=": "greaterOrEquals", "+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod",
}  # fmt: skip
_LOAD_FUNCTIONS = {"loadtextcontent", "loadjsoncontent", "loadyamlcontent", "loadfileasbase64"}
_INDEX = "__i"  # the lambda variable of a filtered for-expression (not a valid Bicep name, so no clash)


class ExpressionTranslator:
    """The expression half of the transpiler; the file transpiler subclasses it."""

    file_path: Path  # the file being translated (relative paths of load functions and modules start here)

    # ---- hooks the file transpiler provides ----------------------------------------------------------------
    def unknown(self, reason: str, key: Any = None, text: str | None = None) -> str:
        raise NotImplementedError

    def resolve_name(self, node: A.Identifier, scope: Scope) -> str:
        raise NotImplementedError

    def symbol_access(self, base: A.Expr, steps: list[tuple[str, Any, bool]], scope: Scope) -> str | None:
        """`base.steps` when `base` names a resource, module or import (else None)."""
        raise NotImplementedError

    def call_symbol(self, node: A.Call, scope: Scope) -> str | None:
        """A user-defined or imported function, or a method of a resource (else None)."""
        raise NotImplementedError

    def read_file(self, node: A.Expr) -> bytes | str:
        """The bytes of a file named by a load function's argument, or why it cannot be read."""
        raise NotImplementedError

    def record(self, path: PathKey, node: A.Node) -> None:
        """Remember where the value at `path` is written (no-op by default)."""

    def load_problem(self, node: A.Node, message: str) -> None:
        """Report a file a load function names that cannot be read or parsed (no-op by default)."""

    # ---- JSON context ------------------------------------------------------------------------------------
    def value(self, node: A.Expr, scope: Scope, path: PathKey | None = None) -> Any:
        kind = type(node)
        if kind is A.StringLit or kind is A.MultilineString:
            return json_string(node.value)  # type: ignore[union-attr]
        if kind is A.IntLit or kind is A.BoolLit:
            return node.value  # type: ignore[union-attr]
        if kind is A.NullLit:
            return None
        if kind is A.Unary and node.op == "-" and isinstance(node.operand, A.IntLit):  # type: ignore[union-attr]
            return -node.operand.value  # type: ignore[union-attr]
        if kind is A.ObjectLit and not any(isinstance(i, A.Spread) for i in node.items):  # type: ignore[union-attr]
            out: dict[str, Any] = {}
            for prop in node.properties:  # type: ignore[union-attr]
                key = prop.key if isinstance(prop.key, str) else wrap(self.expr(prop.key, scope))
                child = None if path is None else (*path, key)
                if child is not None:
                    self.record(child, prop)
                out[key] = self.value(prop.value, scope, child)
            return out
        if kind is A.ArrayLit and not any(isinstance(i, A.Spread) for i in node.items):  # type: ignore[union-attr]
            items = []
            for i, item in enumerate(node.items):  # type: ignore[union-attr]
                child = None if path is None else (*path, i)
                if child is not None:
                    self.record(child, item)
                items.append(self.value(item, scope, child))
            return items
        return wrap(self.expr(node, scope))

    # ---- expression context ------------------------------------------------------------------------------
    def expr(self, node: A.Expr, scope: Scope) -> str:
        kind = type(node)
        if kind is A.StringLit or kind is A.MultilineString:
            return quote(node.value)  # type: ignore[union-attr]
        if kind is A.IntLit:
            return str(node.value)  # type: ignore[union-attr]
        if kind is A.BoolLit:
            return "true()" if node.value else "false()"  # type: ignore[union-attr]
        if kind is A.NullLit:
            return "null()"
        if kind is A.InterpString:
            if not node.exprs:  # type: ignore[union-attr]
                return quote("".join(node.segments))  # type: ignore[union-attr]
            args = [self.expr(e, scope) for e in node.exprs]  # type: ignore[union-attr]
            return call("format", quote(format_template(node.segments)), *args)  # type: ignore[union-attr]
        if kind is A.Identifier:
            found = scope.get(node.name)  # type: ignore[union-attr]
            return found if found is not None else self.resolve_name(node, scope)  # type: ignore[arg-type]
        if kind in (A.MemberAccess, A.IndexAccess, A.ResourceAccess):
            return self.access(node, scope)
        if kind is A.Call:
            return self.call(node, scope)  # type: ignore[arg-type]
        if kind is A.Unary:
            return self.unary(node, scope)  # type: ignore[arg-type]
        if kind is A.NonNull:
            return self.expr(node.expr, scope)  # type: ignore[union-attr]
        if kind is A.Binary:
            return self.binary(node, scope)  # type: ignore[arg-type]
        if kind is A.Ternary:
            return call("if", self.expr(node.condition, scope), self.expr(node.then, scope),  # type: ignore[union-attr]
                        self.expr(node.otherwise, scope))  # type: ignore[union-attr]
        if kind is A.Lambda:
            inner = {**scope, **{p: call("lambdaVariables", quote(p)) for p in node.params}}  # type: ignore[union-attr]
            return call("lambda", *(quote(p) for p in node.params), self.expr(node.body, inner))  # type: ignore[union-attr]
        if kind is A.ObjectLit:
            return self.object_expr(node, scope)  # type: ignore[arg-type]
        if kind is A.ArrayLit:
            return self.array_expr(node, scope)  # type: ignore[arg-type]
        if kind is A.ForExpr:
            return self.for_expr(node, scope)  # type: ignore[arg-type]
        return self.unknown(f"a {kind.__name__} cannot be evaluated here")

    def unary(self, node: A.Unary, scope: Scope) -> str:
        if node.op == "!":
            return call("not", self.expr(node.operand, scope))
        if isinstance(node.operand, A.IntLit):
            return str(-node.operand.value)
        return call("sub", "0", self.expr(node.operand, scope))

    def binary(self, node: A.Binary, scope: Scope) -> str:
        op = node.op
        if op == "??":
            operands: list[A.Expr] = []
            pending: list[A.Expr] = [node]
            while pending:  # flatten a ?? b ?? c into coalesce(a, b, c)
                current = pending.pop()
                if isinstance(current, A.Binary) and current.op == "??":
                    pending.extend((current.right, current.left))
                else:
                    operands.append(current)
            return call("coalesce", *(self.expr(o, scope) for o in operands))
        left, right = self.expr(node.left, scope), self.expr(node.right, scope)
        if op in ("=~", "!~"):
            same = call("equals", call("toLower", left), call("toLower", right))
            return same if op == "=~" else call("not", same)
        if op == "!=":
            return call("not", call("equals", left, right))
        function = _BINARY.get(op)
        if function is None:
            return self.unknown(f"the operator '{op}' is not supported")
        return call(function, left, right)

    def object_expr(self, node: A.ObjectLit, scope: Scope) -> str:
        groups: list[str] = []
        parts: list[str] = []
        spread = False
        for item in node.items:
            if isinstance(item, A.ObjectProperty):
                key = quote(item.key) if isinstance(item.key, str) else self.expr(item.key, scope)
                parts.extend((key, self.expr(item.value, scope)))
            elif isinstance(item, A.Spread):
                spread = True
                if parts:
                    groups.append(call("createObject", *parts))
                    parts = []
                groups.append(self.expr(item.expr, scope))
        if not spread:
            return call("createObject", *parts)
        if parts:
            groups.append(call("createObject", *parts))
        return call("shallowMerge", call("createArray", *groups))

    def array_expr(self, node: A.ArrayLit, scope: Scope) -> str:
        if not any(isinstance(i, A.Spread) for i in node.items):
            return call("createArray", *(self.expr(i, scope) for i in node.items))  # type: ignore[arg-type]
        groups: list[str] = []
        plain: list[str] = []
        for item in node.items:
            if isinstance(item, A.Spread):
                if plain:
                    groups.append(call("createArray", *plain))
                    plain = []
                groups.append(self.expr(item.expr, scope))
            else:
                plain.append(self.expr(item, scope))
        if plain:
            groups.append(call("createArray", *plain))
        return call("flatten", call("createArray", *groups))

    def for_expr(self, node: A.ForExpr, scope: Scope) -> str:
        iterable = self.expr(node.iterable, scope)
        item = node.item or "__item"
        condition = node.condition
        body = node.body.body if isinstance(node.body, A.IfExpr) else node.body
        if condition is None:
            names = [item] + ([node.index] if node.index else [])
            inner = {**scope, **{n: call("lambdaVariables", quote(n)) for n in names}}
            return call("map", iterable, call("lambda", *(quote(n) for n in names), self.expr(body, inner)))
        # filtered: keep the indexes whose item passes, then map each kept index (so `i` stays the original one)
        name = f"{_INDEX}{len(scope)}"  # nested filtered loops each get their own
        index = call("lambdaVariables", quote(name))
        inner = {**scope, item: f"{iterable}[{index}]"}
        if node.index:
            inner[node.index] = index
        indexes = call("range", "0", call("length", iterable))
        kept = call("filter", indexes, call("lambda", quote(name), self.expr(condition, inner)))
        return call("map", kept, call("lambda", quote(name), self.expr(body, inner)))

    # ---- member and index access -------------------------------------------------------------------------
    def access(self, node: A.Expr, scope: Scope) -> str:
        steps: list[tuple[str, Any, bool]] = []  # ("m", name, safe) or ("i", index node, safe)
        current = node
        while isinstance(current, (A.MemberAccess, A.IndexAccess)):
            if isinstance(current, A.MemberAccess):
                steps.append(("m", current.name, current.safe))
            else:
                steps.append(("i", current.index, current.safe))
            current = current.obj
        steps.reverse()
        if not (isinstance(current, A.Identifier) and current.name in scope):
            found = self.symbol_access(current, steps, scope)
            if found is not None:
                return found
        return self.apply_steps(self.expr(current, scope), steps, scope)

    def apply_steps(self, text: str, steps: list[tuple[str, Any, bool]], scope: Scope) -> str:
        for at, (kind, payload, safe) in enumerate(steps):
            if safe:  # `a.?b.c`: null as soon as anything from `b` on is missing
                keys = [quote(p) if k == "m" else self.expr(p, scope) for k, p, _ in steps[at:]]
                return call("tryGet", text, *keys)
            text = member(text, payload) if kind == "m" else f"{text}[{self.expr(payload, scope)}]"
        return text

    def environment_variable(self, node: A.Call) -> str:
        """`readEnvironmentVariable('X', 'default')`: read as azd reads `${X=default}` (see inputs/azd.py)."""
        from linter.inputs.azd import environment_value

        args = node.args
        if not args or not isinstance(args[0], A.StringLit):
            return self.unknown("readEnvironmentVariable() of a name that is not written as a string")
        default = args[1].value if len(args) > 1 and isinstance(args[1], A.StringLit) else None
        if len(args) > 1 and default is None:
            return self.unknown(f"the default of readEnvironmentVariable('{args[0].value}') is not a plain string")
        found = environment_value(args[0].value, default, "readEnvironmentVariable()")
        if isinstance(found, str):
            return quote(found)
        return self.unknown(found.reason, found.key, f"readEnvironmentVariable('{args[0].value}')")

    # ---- calls -------------------------------------------------------------------------------------------
    def call(self, node: A.Call, scope: Scope) -> str:
        found = self.call_symbol(node, scope)
        if found is not None:
            return found
        if node.base is not None and node.namespace is None:
            return self.unknown(f"{node.name}() of a value is only known at deployment")
        name = node.name
        lowered = name.lower()
        if lowered == "any" and len(node.args) == 1:
            return self.expr(node.args[0], scope)
        if lowered in _LOAD_FUNCTIONS:
            return self.load_function(lowered, node, scope)
        if lowered == "loaddirectoryfileinfo":
            return self.unknown("loadDirectoryFileInfo() is not evaluated")
        if lowered == "readenvironmentvariable":
            return self.environment_variable(node)
        if lowered == "getsecret":
            return self.unknown("a Key Vault secret (getSecret()) is not in the files")
        if lowered == "externalinput":
            return self.unknown("externalInput() is provided by the deployment tooling")
        if lowered == "nameof" and len(node.args) == 1:
            target = node.args[0]
            written = getattr(target, "name", None)
            return quote(written) if isinstance(written, str) else self.unknown("nameof() of an expression")
        return call(name, *(self.expr(a, scope) for a in node.args))

    def load_function(self, lowered: str, node: A.Call, scope: Scope) -> str:
        if not node.args or not isinstance(node.args[0], A.StringLit):
            return self.unknown(f"{node.name}() needs a file path written as a string")
        data = self.read_file(node.args[0])
        if isinstance(data, str):
            self.load_problem(node, f"{node.name}(): {data}")
            return self.unknown(f"{node.name}(): {data}")
        if lowered == "loadfileasbase64":
            import base64  # here: rare in templates, and every Bicep scan would import it

            return quote(base64.b64encode(data).decode("ascii"))
        text = data.decode("utf-8-sig", errors="replace")
        if lowered == "loadtextcontent":
            return quote(text)
        try:
            if lowered == "loadjsoncontent":
                try:
                    content: Any = json.loads(text, strict=False)
                except json.JSONDecodeError:
                    content = json.loads(strip_comments(text), strict=False)
            else:
                from linter.yamlsource import load_yaml

                content = load_yaml(text, str(node.args[0].value)).data
        except Exception as exc:  # a broken data file is the template's problem, not a crash
            self.load_problem(node, f"{node.name}('{node.args[0].value}') cannot be parsed: {exc}")
            return self.unknown(f"{node.name}('{node.args[0].value}') cannot be parsed: {exc}")
        if len(node.args) >= 2:
            path = node.args[1]
            if not isinstance(path, A.StringLit):
                return self.unknown(f"{node.name}() with a path that is not a literal")
            content = _select(content, path.value)
            if content is _NOT_FOUND:
                return self.unknown(f"{node.name}(): the path '{path.value}' is not supported or not found")
        return literal(content)


_NOT_FOUND = object()


def _select(content: Any, path: str) -> Any:
    """A simple JSONPath (`$.a.b`, `a.b[0]`) into loaded content; anything fancier is not supported."""
    text = path.strip()
    if text.startswith("$"):
        text = text[1:]
    value = content
    for raw in text.replace("[", ".[").split("."):
        if not raw:
            continue
        if raw.startswith("[") and raw.endswith("]"):
            inner = raw[1:-1].strip("'\"")
            if inner.isdigit() and isinstance(value, list) and int(inner) < len(value):
                value = value[int(inner)]
                continue
            raw = inner
        if isinstance(value, dict) and raw in value:
            value = value[raw]
        else:
            return _NOT_FOUND
    return value


__all__ = ["ExpressionTranslator", "Scope", "as_expression"]
