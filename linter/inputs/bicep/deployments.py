"""Bicep files for the deployment planner (`linter/inputs/deployments.py`): a `.bicep` file's parameters and
the local modules it deploys, and the template a `.bicepparam` names with `using`.

A file that another scanned file uses as a module is deployed only through that use, so its resources are
not counted twice. (A file others only import from is still deployed: AVM child modules import types from
their parent's `main.bicep`, which is a deployment in its own right.)
"""

from __future__ import annotations

from pathlib import Path

from linter.inputs import InputFile, LoadContext
from linter.inputs.bicep.bicepparam import using_path
from linter.inputs.bicep.compile.imports import is_external
from linter.inputs.bicep.syntax import ast as A
from linter.inputs.bicep.workspace import ParsedFile, shared_workspace
from linter.inputs.deployments import BICEP, ParameterFacts, TemplateFacts


def template_facts(template: ParsedFile) -> TemplateFacts:
    names = tuple(s.name for s in template.tree.statements if isinstance(s, A.Param))
    return TemplateFacts(template.path, template.display, BICEP, None, names, frozenset(_modules(template)))


def parameter_facts(parameters: ParsedFile) -> ParameterFacts:
    names = tuple(s.name for s in parameters.tree.statements if isinstance(s, A.ParamAssignment))
    return ParameterFacts(parameters.path, parameters.display, "bicepparam", using_path(parameters), names)


def _modules(template: ParsedFile) -> set[Path]:
    """Files the template uses as local modules."""
    found = set()
    for statement in template.tree.statements:
        source = statement.path if isinstance(statement, A.Module) else None
        if isinstance(source, A.StringLit) and not is_external(source.value):
            target = (template.path.parent / source.value).resolve()
            if target != template.path:  # a file naming itself is still a deployment (and reported)
                found.add(target)
    return found


def describe(files: list[InputFile], ctx: LoadContext) -> tuple[list[TemplateFacts], list[ParameterFacts]]:
    templates: list[TemplateFacts] = []
    parameters: list[ParameterFacts] = []
    workspace = shared_workspace(ctx)
    for file in files:
        parsed = workspace.parse(file.path)
        if isinstance(parsed, str):
            continue  # the load says why
        if file.kind == "bicepparam":
            parameters.append(parameter_facts(parsed))
        else:
            templates.append(template_facts(parsed))
    return templates, parameters
