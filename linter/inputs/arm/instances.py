"""What one template evaluation is made of: resources as declared (`Decl`), their deployed copies
(`Instance`) and the values passed to a template's parameters (`ParameterInput`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from linter.inputs.arm.evaluator import Env, evaluate_string, resolve
from linter.inputs.arm.scope import DeploymentContext
from linter.model import Unknown
from linter.records import record

if TYPE_CHECKING:
    from linter.inputs.arm.template import TemplateRun

PathKey = tuple[str | int, ...]
DEPLOYMENTS = "microsoft.resources/deployments"


@record
class ParameterInput:
    value: Any
    literal: bool = False  # written as a literal where it is passed (see provenance.is_literal)
    # where it is given: (position, the value as written there, the caller's run or None for a parameter
    # file), so a finding can point at the line to edit (see provenance.literal_origin)
    written: tuple[Any, Any, Any] | None = None


@record(eq=False)
class Decl:
    """A resource as declared: its JSON, where it is, its parent when nested in another resource."""

    symbol: str | None
    raw: dict[str, Any]
    path: PathKey
    parent: Decl | None = None


@record(eq=False)
class Instance:
    """One deployed copy of a declared resource (a copy loop makes several)."""

    decl: Decl
    env: Env
    type: str
    name: str | Unknown
    id: str | Unknown
    condition: bool | Unknown
    existing: bool
    scope_id: str | Unknown | None
    copy_index: int | Unknown | None
    run: TemplateRun
    body: dict[str, Any] | None = None
    nested: TemplateRun | None = None
    context: DeploymentContext | None = None
    busy: bool = False
    # The parent's id for a child nested in its parent's `resources`: known even when the child's own name
    # (and so its id) is not, so rules can still find it among the parent's children.
    parent_id: str | Unknown | None = None


def evaluate_field(raw: Any, env: Env) -> Any:
    """A resource field (condition, name, type) that may be an expression string."""
    return evaluate_string(raw, env) if isinstance(raw, str) else resolve(raw, env)
