"""Check parse trees against the ARM templates the Bicep compiler produced from the same corpus files.

Many corpus modules ship `main.json` (compiled from `main.bicep`, symbolic-name format) next to the source.
Parameters, outputs, type definitions, resource symbols (nested ones as `parent::child`), `existing`,
conditions, loops, `@batchSize`, resource types and literal values (defaults, `@allowed`, `@description`,
`@minValue`, ...) must agree: a parser that silently mis-grouped a declaration would not match.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.inputs.bicep import ast as A
from linter.inputs.bicep.parser import parse_path

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
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
