"""One evaluation of one template: its parameters, variables, user functions, resources and outputs.

Everything is evaluated on demand and memoised, because templates refer forwards (a variable used before it
is declared, a resource whose properties read another resource or a module's outputs). Resources are
expanded in two steps: first what identifies them (condition, copy index, type, name, id), for every
resource, so `resourceId()`/`reference()` lookups can find them; then, on demand, the rest of their body.

`TemplateRun` is the scope expressions are evaluated in; each section has its own module: `parameters.py`
(binding parameters to values), `variables.py`, `userfunctions.py`, `resourceindex.py` (declarations,
instances, lookups by symbol and id; the expansion itself is `resources.py`) and `outputs.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from linter.inputs.arm import resources
from linter.inputs.arm.evaluator import Env
from linter.inputs.arm.expressions import Call, Node
from linter.inputs.arm.instances import Decl, Instance, ParameterInput, PathKey
from linter.inputs.arm.outputs import Outputs
from linter.inputs.arm.parameters import ParameterBinding
from linter.inputs.arm.resourceindex import ResourceIndex
from linter.inputs.arm.scope import DeploymentContext
from linter.inputs.arm.userfunctions import UserFunctions
from linter.inputs.arm.variables import Variables
from linter.inputs.jsondoc import JsonDocument
from linter.model import Unknown
from linter.records import field, record


@record
class TemplateRun:
    """The evaluation scope of one template (what `Env.run` is), composed of one collaborator per section;
    its methods are the interface the evaluator, the resource expansion and the loaders use."""

    sink: Any  # deployments.Sink: diagnostics, documents, the estate-wide id index
    template: dict[str, Any]
    document: JsonDocument
    base: PathKey
    file: Path | None  # the file the template is in (linked templates resolve relative to it)
    context: DeploymentContext
    inputs: dict[str, ParameterInput] = field(default_factory=dict)
    parent: TemplateRun | None = None
    outer: TemplateRun | None = None  # expressionEvaluationOptions.scope == outer: the parent's definitions
    depth: int = 0
    conditional: Unknown | None = None
    parameters: ParameterBinding = field(init=False, repr=False)
    variables: Variables = field(init=False, repr=False)
    functions: UserFunctions = field(init=False, repr=False)
    resource_index: ResourceIndex = field(init=False, repr=False)
    output_values: Outputs = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.parameters = ParameterBinding(self)
        self.variables = Variables(self)
        self.functions = UserFunctions(self)
        self.resource_index = ResourceIndex(self)
        self.output_values = Outputs(self)

    def _definitions(self) -> TemplateRun:
        return self.outer._definitions() if self.outer is not None else self

    def report(self, message: str) -> None:
        self.sink.report(message, self.document, self.base)

    def _section(self, name: str) -> dict[str, Any]:
        section = self.template.get(name)
        return section if isinstance(section, dict) else {}

    # ---- parameters and variables (parameters.py, variables.py) ------------------------------------------
    def parameter_spec(self, name: str) -> tuple[str, dict[str, Any]] | None:
        return self.parameters.parameter_spec(name)

    def parameter(self, name: str, env: Env) -> Any:
        return self.parameters.parameter(name, env)

    def parameter_literal(self, name: str, depth: int = 0) -> bool:
        return self.parameters.parameter_literal(name, depth)

    def variable(self, name: str, env: Env) -> Any:
        return self.variables.variable(name, env)

    def variable_raw(self, name: str) -> Any:
        """A variable as declared (MISSING when there is none; a copy variable's spec is a tuple)."""
        return self.variables.variable_raw(name)

    def variable_literal(self, name: str, depth: int = 0) -> bool:
        return self.variables.variable_literal(name, depth)

    # ---- user-defined functions (userfunctions.py) -------------------------------------------------------
    def call_user_function(self, node: Call, env: Env) -> Any:
        return self.functions.call_user_function(node, env)

    # ---- resources (resourceindex.py; expansion and reference() in resources.py) --------------------------
    def decls(self) -> list[Decl]:
        return self.resource_index.decls()

    def instances(self, decl: Decl) -> list[Instance]:
        return self.resource_index.instances(decl)

    def all_instances(self) -> list[Instance]:
        return self.resource_index.all_instances()

    def find_symbol(self, text: str) -> list[Instance] | None:
        return self.resource_index.find_symbol(text)

    def find_id(self, resource_id: str) -> Instance | None:
        return self.resource_index.find_id(resource_id)

    def reference(self, nodes: tuple[Node, ...], env: Env) -> Any:
        return resources.reference(self, nodes, env)

    def references(self, nodes: tuple[Node, ...], env: Env) -> Any:
        return resources.references(self, nodes, env)

    def nested_run(self, **fields: Any) -> TemplateRun:
        """A nested deployment's template run, sharing this run's sink (see `nested.start_nested`)."""
        run = TemplateRun(sink=self.sink, parent=self, depth=self.depth + 1, **fields)
        self.sink.runs.append(run)
        return run

    # ---- outputs (outputs.py) ----------------------------------------------------------------------------
    def outputs(self) -> dict[str, Any]:
        return self.output_values.outputs()
