"""Where a template value came from (`model.ValueSource`): written into the template, a parameter of the
deployment, a parameter its caller computes, or the deployment's context.

A value is literal when it is a plain string or an expression made only of literals, pure functions and
variables that are themselves literal. Top-level parameters are never literal (a parameter file or the
deployment gives them). A parameter of a nested deployment is literal when the value its parent passes is
literal, so a module whose location parameter receives `'eastus'` from its parent is still hard-coded.
"""

from __future__ import annotations

from typing import Any

from linter.inputs.arm.expressions import Call, ExpressionError, Index, Lit, Member, Node, parse_template_string
from linter.model import MISSING, Position, Provenance, Unknown, ValueSource, get_ci

# Functions whose value depends on where or when the template is deployed, or on other resources.
_CONTEXTUAL = frozenset({
    "resourcegroup", "subscription", "deployment", "environment", "tenant", "managementgroup", "deployer",
    "reference", "references", "utcnow", "newguid", "pickzones", "providers", "lambdavariables",
})


def is_literal(raw: Any, run: Any, depth: int = 0) -> bool:
    if depth > 20 or isinstance(raw, Unknown):  # an Unknown in a template (Bicep's unknowables) is not literal
        return False
    if isinstance(raw, dict):
        return all(is_literal(v, run, depth + 1) for v in raw.values())
    if isinstance(raw, list):
        return all(is_literal(v, run, depth + 1) for v in raw)
    if not isinstance(raw, str) or raw[:1] != "[":
        return True
    node = parse_template_string(raw)
    if isinstance(node, ExpressionError):
        return False
    return _node_literal(node, run, depth)


def _node_literal(node: Node, run: Any, depth: int) -> bool:
    if isinstance(node, Lit):
        return True
    if isinstance(node, (Member, Index)):
        parts = [node.target] + ([node.index] if isinstance(node, Index) else [])
        return all(_node_literal(p, run, depth) for p in parts)
    assert isinstance(node, Call)
    name = node.name
    if name in _CONTEXTUAL or name.startswith("list") or "." in name:
        return False
    if name in ("parameters", "variables"):
        if len(node.args) != 1 or not isinstance(node.args[0], Lit) or not isinstance(node.args[0].value, str):
            return False
        key = node.args[0].value
        return run.parameter_literal(key, depth + 1) if name == "parameters" else run.variable_literal(key, depth + 1)
    return all(_node_literal(arg, run, depth) for arg in node.args)


def provenance(raw: Any, run: Any) -> Provenance:
    """Where a field's value (as declared, `raw`) came from, with its text when it is written as one string."""
    text = raw if isinstance(raw, str) else None
    if raw is None:
        return Provenance(ValueSource.DEPLOYMENT, None)  # not written: the deployment decides
    if is_literal(raw, run):
        found = literal_origin(raw, run)
        if found is None:
            return Provenance(ValueSource.LITERAL, text)
        where, by_caller, value = found
        shown = f"'{value}'" if isinstance(value, str) and value[:1] != "[" else text
        return Provenance(ValueSource.LITERAL, shown, where, by_caller)
    if _reads_parameters(raw, run, 0):
        return Provenance(ValueSource.CALLER if run.parent is not None else ValueSource.PARAMETER, text)
    return Provenance(ValueSource.DEPLOYMENT, text)


def _reads_parameters(raw: Any, run: Any, depth: int) -> bool:
    """Whether the value reads a parameter, directly or through variables."""
    if depth > 20:
        return False
    if isinstance(raw, dict):
        return any(_reads_parameters(v, run, depth + 1) for v in raw.values())
    if isinstance(raw, list):
        return any(_reads_parameters(v, run, depth + 1) for v in raw)
    if not isinstance(raw, str) or raw[:1] != "[":
        return False
    node = parse_template_string(raw)
    return not isinstance(node, ExpressionError) and _node_reads_parameters(node, run, depth)


def _node_reads_parameters(node: Node, run: Any, depth: int) -> bool:
    if isinstance(node, (Member, Index)):
        parts = [node.target] + ([node.index] if isinstance(node, Index) else [])
        return any(_node_reads_parameters(p, run, depth) for p in parts)
    if not isinstance(node, Call):
        return False
    if node.name == "parameters":
        return True
    if node.name == "variables" and len(node.args) == 1 and isinstance(node.args[0], Lit):
        return _reads_parameters(run.variable_raw(str(node.args[0].value)), run, depth + 1)
    return any(_node_reads_parameters(arg, run, depth) for arg in node.args)


class Place:
    """A place in a template, its position found only when asked (positions cost a scan of the file)."""

    __slots__ = ("document", "path")

    def __init__(self, document: Any, path: tuple[Any, ...]) -> None:
        self.document = document
        self.path = path

    def position(self) -> Position:
        return self.document.position(self.path)


def literal_origin(raw: Any, run: Any, depth: int = 0, rest: tuple[Any, ...] = ()
                   ) -> tuple[Position | Place, bool, Any] | None:
    """Where a value that reaches a field through variables and parameters is written, as (position, whether
    the template that deploys this one gives it, the value as written there): the variable
    `enforcedLocation = 'uksouth'`, the module parameter its caller passes, a parameter file's entry, a
    parameter's default. None when the field itself is where the value is written. `rest` is the path still
    to follow inside the value (`sku: sku` gives the whole object; `name` is read from what its caller wrote)."""
    if depth > 20:
        return None
    if rest and isinstance(raw, (dict, list)):
        inner = raw
        while rest and isinstance(inner, (dict, list)):
            inner, rest = _value_at(inner, rest[:1]), rest[1:]
        return literal_origin(inner, run, depth + 1, rest)
    if not isinstance(raw, str) or raw[:1] != "[":
        return None
    node = parse_template_string(raw)
    reference = _first_reference(node) if not isinstance(node, ExpressionError) else None
    if reference is None:
        return None
    kind, name = reference
    owner = run._definitions() if hasattr(run, "_definitions") else run
    if kind == "variables":
        path = (*owner.base, "variables", name)
        here = (Place(owner.document, path), False, _value_at(owner.document.data, path))
        return literal_origin(owner.variable_raw(name), owner, depth + 1, rest) or here
    found = owner.parameter_spec(name)
    if found is None:
        return None
    declared, spec = found
    given = owner.inputs.get(declared.lower())
    if given is not None and given.written is not None:
        where, written, caller = given.written
        deeper = literal_origin(written, caller, depth + 1, rest) if caller is not None else None
        return (deeper[0], True, deeper[2]) if deeper is not None else (where, True, written)
    if given is None and "defaultValue" in spec:
        path = (*owner.base, "parameters", declared, "defaultValue")
        here = (Place(owner.document, path), False, spec["defaultValue"])
        return literal_origin(spec["defaultValue"], owner, depth + 1, rest) or here
    return None


def field_origin(raw_resource: Any, path: tuple[Any, ...], run: Any) -> Position | None:
    """Where the value of a resource's property (`sku.name`) is given, when not at the property itself."""
    data, rest = raw_resource, tuple(path)
    while rest and not isinstance(data, str):  # the property, or the expression giving the object holding it
        data, rest = _value_at(data, rest[:1]), rest[1:]
    found = literal_origin(data, run, 0, rest)
    if found is None:
        return None
    return found[0] if isinstance(found[0], Position) else found[0].position()


def _first_reference(node: Node) -> tuple[str, str] | None:
    """The first `parameters('x')` or `variables('x')` an expression reads (a literal value reads one at most
    through pure functions: `toLower(variables('region'))`)."""
    if isinstance(node, (Member, Index)):
        return _first_reference(node.target)
    if not isinstance(node, Call):
        return None
    if node.name in ("parameters", "variables") and len(node.args) == 1 and isinstance(node.args[0], Lit):
        return node.name, str(node.args[0].value)
    for arg in node.args:
        found = _first_reference(arg)
        if found is not None:
            return found
    return None


def _value_at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            found = get_ci(data, part)  # rules address properties in any case, as Azure does
            data = None if found is MISSING else found
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data
