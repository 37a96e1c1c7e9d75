"""Check parse trees against the ARM templates the Bicep compiler produced from the same corpus files.

Many corpus modules ship `main.json` (compiled from `main.bicep`, symbolic-name format) next to the source.
Parameters, outputs, type definitions, resource symbols (nested ones as `parent::child`), `existing`,
conditions, loops, `@batchSize`, resource types and literal values (defaults, `@allowed`, `@description`,
`@minValue`, ...) must agree: a parser that silently mis-grouped a declaration would not match.

Variable and output values are compared as expression trees: each parsed expression is rewritten the way
the compiler writes it (`a && b` -> `and(a, b)`, `c ? x : y` -> `if(c, x, y)`, `a.?b` -> `tryGet(a, 'b')`,
interpolation -> `format(...)`, ...), with names and resource references as wildcards, so operator
precedence, associativity and member/index grouping are checked on thousands of real expressions.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from linter.inputs.bicep.syntax import ast as A
from linter.inputs.bicep.syntax.parser import parse_path
from tests.conftest import SHARED

CORPUS = SHARED / "corpus"
# Compiled templates older than their source (different API versions and parameters): not a parser question.
KNOWN_STALE = {"res/azure-stack-hci/network-interface/main.bicep", "res/azure-stack-hci/virtual-hard-disk/main.bicep"}
_NOT_LITERAL = object()
_DECORATOR_KEYS = {
    "allowed": "allowedValues",
    "minValue": "minValue",
    "maxValue": "maxValue",
    "minLength": "minLength",
    "maxLength": "maxLength",
}


def pairs() -> list[tuple[Path, Path]]:
    if not CORPUS.is_dir():
        pytest.skip(f"no shared corpus at {CORPUS}")
    found = []
    for j in sorted(CORPUS.rglob("main.json")):
        b = j.with_suffix(".bicep")
        if b.is_file() and not any(str(b).endswith(s) for s in KNOWN_STALE):
            found.append((b, j))
    if not found:
        pytest.skip("no compiled templates in the corpus")
    return found


def literal(e: A.Node) -> object:
    """The JSON value ARM would hold for a literal expression, or _NOT_LITERAL."""
    if isinstance(e, A.StringLit):
        return "[" + e.value if e.value.startswith("[") else e.value  # ARM escapes a leading `[` as `[[`
    if isinstance(e, (A.IntLit, A.BoolLit)):
        return e.value
    if isinstance(e, A.Unary) and e.op == "-" and isinstance(e.operand, A.IntLit):
        return -e.operand.value
    if isinstance(e, A.NullLit):
        return None
    if isinstance(e, A.ArrayLit):
        items = [literal(i) for i in e.items]
        return _NOT_LITERAL if any(i is _NOT_LITERAL for i in items) else items
    if isinstance(e, A.ObjectLit):
        out = {}
        for i in e.items:
            if not isinstance(i, A.ObjectProperty) or not isinstance(i.key, str):
                return _NOT_LITERAL
            v = literal(i.value)
            if v is _NOT_LITERAL:
                return _NOT_LITERAL
            out[i.key] = v
        return out
    return _NOT_LITERAL


def symbols(tree: A.File) -> dict[str, tuple[A.Resource | A.Module, bool]]:
    """Resource and module symbols as ARM names them, with whether an enclosing resource is conditional."""
    out: dict[str, tuple[A.Resource | A.Module, bool]] = {}

    def conditional(body: A.Node) -> bool:
        return isinstance(body, A.IfExpr) or (isinstance(body, A.ForExpr) and isinstance(body.body, A.IfExpr))

    def nested(prefix: str, body: A.Node, inherited: bool) -> None:
        inner = body.body if isinstance(body, A.ForExpr) else body
        inner = inner.body if isinstance(inner, A.IfExpr) else inner
        if isinstance(inner, A.ObjectLit):
            for r in inner.resources:
                key = f"{prefix}::{r.name}"
                out[key] = (r, inherited)
                nested(key, r.body, inherited or conditional(r.body))

    for s in tree.statements:
        if isinstance(s, (A.Resource, A.Module)):
            out[s.name] = (s, False)
            if isinstance(s, A.Resource):
                nested(s.name, s.body, conditional(s.body))
    return out


def mismatches(bicep: Path, arm: dict) -> list[str]:
    tree, problems = parse_path(bicep)
    errs = [str(p) for p in problems]
    params = {s.name: s for s in tree.statements if isinstance(s, A.Param)}
    if set(params) != set(arm.get("parameters", {})):
        errs.append(f"parameters differ: {sorted(set(params) ^ set(arm.get('parameters', {})))}")
    outputs = {s.name for s in tree.statements if isinstance(s, A.Output)}
    if outputs != set(arm.get("outputs", {})):
        errs.append(f"outputs differ: {sorted(outputs ^ set(arm.get('outputs', {})))}")
    types = {s.name for s in tree.statements if isinstance(s, A.TypeDecl)}
    if not types <= set(arm.get("definitions", {})):
        errs.append(f"types missing from definitions: {sorted(types - set(arm.get('definitions', {})))}")
    resources = arm.get("resources")
    if isinstance(resources, dict):  # symbolic-name templates only
        mine = symbols(tree)
        if set(mine) != set(resources):
            errs.append(f"resource symbols differ: {sorted(set(mine) ^ set(resources))}")
        for key, (decl, inherited) in mine.items():
            r = resources.get(key)
            if r is None:
                continue
            body = decl.body
            if isinstance(decl, A.Resource) and bool(r.get("existing")) != decl.existing:
                errs.append(f"{key}: existing differs")
            if isinstance(body, A.ForExpr) != ("copy" in r):
                errs.append(f"{key}: loop differs")
            cond = inherited or isinstance(body, A.IfExpr) or isinstance(getattr(body, "body", None), A.IfExpr)
            if cond != ("condition" in r):
                errs.append(f"{key}: condition differs")
            for d in decl.decorators:
                if d.name == "batchSize" and r.get("copy", {}).get("batchSize") != literal(d.args[0]):
                    errs.append(f"{key}: batchSize differs")
            if isinstance(decl, A.Resource) and decl.type_string and "@" in decl.type_string:
                rtype, version = decl.type_string.split("@", 1)
                arm_type = r.get("type", "").lower()
                if not (arm_type == rtype.lower() or arm_type.endswith("/" + rtype.lower())):
                    errs.append(f"{key}: type {rtype} vs {r.get('type')}")
                if r.get("apiVersion") != version:
                    errs.append(f"{key}: apiVersion {version} vs {r.get('apiVersion')}")
    for name, p in params.items():
        a = arm.get("parameters", {}).get(name)
        if a is None:
            continue
        checks = []
        if p.default is not None:
            checks.append(("default", p.default, a.get("defaultValue", _NOT_LITERAL)))
        for d in p.decorators:
            if d.name in _DECORATOR_KEYS and d.args:
                checks.append((d.name, d.args[0], a.get(_DECORATOR_KEYS[d.name], _NOT_LITERAL)))
            # Multi-line descriptions are left out: the compiled text does not always keep their indentation.
            if d.name == "description" and d.args and not isinstance(d.args[0], A.MultilineString):
                desc = d.args[0]
                theirs = a.get("metadata", {}).get("description", _NOT_LITERAL)
                if isinstance(desc, A.StringLit) and desc.value != theirs:
                    errs.append(f"param {name}: description differs")
        for what, expr, theirs in checks:
            mine = literal(expr)
            if mine is not _NOT_LITERAL and mine != theirs:
                errs.append(f"param {name}: {what} {mine!r} vs {theirs!r}")
    return errs


# ---------------------------------------------------------------- expression trees

ANY = ("*",)  # matches anything: names, resource references, constructs the compiler rewrites
_ARM_TOKEN = re.compile(r"\s*(?:('(?:[^']|'')*')|(-?\d+)|([A-Za-z_$][\w$]*)|(\S))")
_OPS = {
    "&&": "and", "||": "or", "==": "equals", "<": "less", "<=": "lessorequals", ">": "greater",
    ">=": "greaterorequals", "+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod", "??": "coalesce",
}  # fmt: skip
_ASSOCIATIVE = ("and", "or", "coalesce")  # the compiler may flatten these


def arm_expression(text: str) -> tuple:
    """Parse an ARM template expression (the part inside `[...]`) into the tuple form used below."""
    toks = []
    pos = 0
    while pos < len(text):
        m = _ARM_TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        if m.group(1):
            toks.append(("s", m.group(1)[1:-1].replace("''", "'")))
        elif m.group(2):
            toks.append(("n", int(m.group(2))))
        elif m.group(3):
            toks.append(("i", m.group(3)))
        elif m.group(4):
            toks.append(("p", m.group(4)))
    i = 0

    def expr() -> tuple:
        nonlocal i
        kind, value = toks[i]
        i += 1
        if kind == "s":
            e: tuple = ("str", value)
        elif kind == "n":
            e = ("int", value)
        else:
            i += 1  # (
            args = []
            while toks[i] != ("p", ")"):
                args.append(expr())
                if toks[i] == ("p", ","):
                    i += 1
            i += 1
            name = value.lower()
            if name in ("true", "false") and not args:
                e = ("bool", name == "true")
            elif name == "null" and not args:
                e = ("null",)
            else:
                e = ("call", name, *args)
        while i < len(toks) and toks[i] in (("p", "."), ("p", "[")):
            if toks[i] == ("p", "."):
                e = ("index", e, ("str", toks[i + 1][1]))
                i += 2
            else:
                i += 1
                index = expr()
                i += 1  # ]
                e = ("index", e, index)
        return e

    return expr()


def arm_value(v: object) -> tuple:
    if isinstance(v, str):
        if v.startswith("[["):
            return ("str", v[1:])
        if v.startswith("[") and v.endswith("]"):
            return arm_expression(v[1:-1])
        return ("str", v)
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, int):
        return ("int", v)
    if v is None:
        return ("null",)
    if isinstance(v, list):
        return ("array", *[arm_value(x) for x in v])
    if isinstance(v, dict):
        return ("object", *[(k, arm_value(x)) for k, x in v.items()])
    return ANY


def compiled_form(e: A.Node, resources: set[str], top: bool = False) -> tuple:
    """`e` the way the compiler would write it, as far as that is decidable without name binding."""

    def go(x: A.Node) -> tuple:
        return compiled_form(x, resources)

    if isinstance(e, (A.MemberAccess, A.IndexAccess, A.NonNull)):
        root = e
        while isinstance(root, (A.MemberAccess, A.IndexAccess, A.NonNull, A.ResourceAccess)):
            root = root.expr if isinstance(root, A.NonNull) else root.obj
        if isinstance(root, A.Identifier) and root.name in resources:
            return ANY  # resource and module references compile to reference()/resourceId() forms
    if isinstance(e, A.StringLit):
        return ("str", e.value)
    if isinstance(e, (A.IntLit, A.BoolLit)):
        return ("int" if isinstance(e, A.IntLit) else "bool", e.value)
    if isinstance(e, A.NullLit):
        return ("null",)
    if isinstance(e, A.Unary):
        if e.op == "-" and isinstance(e.operand, A.IntLit):
            return ("int", -e.operand.value)
        return ("call", "not", go(e.operand)) if e.op == "!" else ANY
    if isinstance(e, A.Binary):
        left, right = go(e.left), go(e.right)
        if e.op in ("=~", "!~"):
            eq = ("call", "equals", ("call", "tolower", left), ("call", "tolower", right))
            return eq if e.op == "=~" else ("call", "not", eq)
        if e.op == "!=":
            return ("call", "not", ("call", "equals", left, right))
        return ("call", _OPS[e.op], left, right)
    if isinstance(e, A.Ternary):
        return ("call", "if", go(e.condition), go(e.then), go(e.otherwise))
    if isinstance(e, (A.MemberAccess, A.IndexAccess)):
        obj = go(e.obj)
        key = ("str", e.name) if isinstance(e, A.MemberAccess) else go(e.index)
        if e.safe:
            return ("call", "tryget", obj, key)
        if obj[:2] == ("call", "tryget"):
            return (*obj, key)  # null propagation continues along the chain: `a.?b.c` is tryGet(a, 'b', 'c')
        return ("index", obj, key)
    if isinstance(e, A.NonNull):
        return go(e.expr)
    if isinstance(e, A.InterpString):
        fmt = ""
        for n, seg in enumerate(e.segments):
            fmt += seg.replace("{", "{{").replace("}", "}}")
            if n < len(e.exprs):
                fmt += "{" + str(n) + "}"
        return ("call", "format", ("str", fmt), *[go(x) for x in e.exprs])
    if isinstance(e, A.Call):
        name = e.name.lower()
        if (e.base is not None and e.namespace is None) or name.startswith("load") or name == "any":
            return ANY  # methods on resources, file loads and any() are rewritten by the compiler
        if name in ("resourcegroup", "subscription", "managementgroup", "tenant") and e.args:
            return ANY  # scope values
        return ("call", name, *[go(a) for a in e.args])
    if isinstance(e, A.ObjectLit):
        if not all(isinstance(i, A.ObjectProperty) and isinstance(i.key, str) for i in e.items):
            return ANY
        if top:
            return ("object", *[(i.key, compiled_form(i.value, resources, True)) for i in e.items])
        flat: list[tuple] = []
        for i in e.items:
            flat += [("str", i.key), go(i.value)]
        return ("call", "createobject", *flat)
    if isinstance(e, A.ArrayLit):
        if any(isinstance(i, A.Spread) for i in e.items):
            return ANY
        if top:
            return ("array", *[compiled_form(i, resources, True) for i in e.items])
        return ("call", "createarray", *[go(i) for i in e.items])
    if isinstance(e, A.Lambda):
        return ("call", "lambda", *[("str", p) for p in e.params], go(e.body))
    return ANY


def flatten(t: object) -> object:
    if not isinstance(t, tuple) or t == ANY:
        return t
    if len(t) > 2 and t[0] == "call" and t[1] in _ASSOCIATIVE:
        args: list[object] = []
        for a in t[2:]:
            a = flatten(a)
            if isinstance(a, tuple) and a[:2] == ("call", t[1]):
                args += list(a[2:])
            else:
                args.append(a)
        return ("call", t[1], *args)
    return tuple(flatten(x) for x in t)


def same(a: object, b: object) -> bool:
    if a == ANY or b == ANY:
        return True
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def test_expressions_agree_with_compiled_templates() -> None:
    failures = []
    checked = 0
    for bicep, compiled in pairs():
        arm = json.loads(compiled.read_text(encoding="utf-8"))
        tree, _ = parse_path(bicep)
        resources = {n.name for n in A.walk(tree) if isinstance(n, (A.Resource, A.Module))}
        variables, outputs = arm.get("variables", {}), arm.get("outputs", {})
        for s in tree.statements:
            if isinstance(s, A.Var) and s.name in variables and not isinstance(s.value, A.ForExpr):
                theirs = variables[s.name]
            elif isinstance(s, A.Output) and "value" in outputs.get(s.name, {}):
                theirs = outputs[s.name]["value"]
            else:
                continue
            checked += 1
            mine = flatten(compiled_form(s.value, resources, top=True))
            if not same(mine, flatten(arm_value(theirs))):
                failures.append(f"{bicep.relative_to(CORPUS)}:{s.line} {s.name}: {str(mine)[:200]}")
    assert checked > 1000
    assert failures == [], f"{len(failures)}/{checked} disagree:\n" + "\n".join(failures[:30])


def test_parse_trees_agree_with_compiled_templates() -> None:
    failures = []
    checked = 0
    for bicep, compiled in pairs():
        arm = json.loads(compiled.read_text(encoding="utf-8"))
        checked += 1
        errs = mismatches(bicep, arm)
        if errs:
            failures.append(f"{bicep.relative_to(CORPUS)}: {errs[:3]}")
    assert checked > 0
    assert failures == [], f"{len(failures)}/{checked} disagree:\n" + "\n".join(failures[:30])
