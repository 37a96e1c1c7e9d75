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
from linter.model import Provenance, Unknown, ValueSource

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
        return Provenance(ValueSource.LITERAL, text)
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
