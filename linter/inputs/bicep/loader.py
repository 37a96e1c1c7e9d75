"""The Bicep front end's `load`: parse, pair templates with parameter files, transpile, evaluate with the ARM
machinery, and turn the instances into resources (positions in the `.bicep` files)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from linter import records
from linter.diagnostics import Diagnostic
from linter.inputs import InputFile, LoadContext, Loaded
from linter.inputs.arm.budget import budget_diagnostic_text
from linter.inputs.arm.deployments import SourceFile, parameter_inputs
from linter.inputs.arm.emit import emit
from linter.inputs.arm.functions.core import BudgetExceeded
from linter.inputs.arm.instances import ParameterInput
from linter.inputs.arm.loader import Sink
from linter.inputs.arm.scope import DeploymentContext, deployment_context
from linter.inputs.arm.template import TemplateRun
from linter.inputs.bicep.bicepparam import parameter_inputs as bicepparam_inputs
from linter.inputs.bicep.compile.sourcemap import BicepDocument
from linter.inputs.bicep.compile.transpile import transpile
from linter.inputs.bicep.deployments import describe
from linter.inputs.bicep.workspace import ParsedFile, Workspace, shared_workspace
from linter.inputs.deployments import BICEP, Deployment, plan_for
from linter.inputs.jsondoc import JsonError, read_json
from linter.inputs.observability import TEMPLATE_IF_NONE_TYPES, TEMPLATE_PARTIAL_TYPES
from linter.model import Origin, Position, Resource
from linter.records import record


def load(files: list[InputFile], ctx: LoadContext) -> Loaded:
    ws = shared_workspace(ctx)
    loaded = Loaded()
    for file in files:
        parsed = ws.parse(file.path)
        if isinstance(parsed, str):
            ws.diagnostics.append(Diagnostic(parsed, Position(file.display)))
    deployments, problems = plan_for(BICEP, ctx, lambda: describe(files, ctx))
    loaded.diagnostics.extend(problems)
    for deployment in deployments:
        plan = _open(deployment, ws)
        if plan is None:
            continue
        origin, resources, diagnostics = evaluate(plan, ws)
        loaded.origins.append(origin)
        loaded.resources.extend(resources)
        loaded.diagnostics.extend(diagnostics)
    loaded.diagnostics[:0] = ws.diagnostics
    loaded.files.extend(f.display for f in files)
    return loaded


@record
class Plan:
    label: str
    template: ParsedFile
    parameters: ParsedFile | None = None  # a .bicepparam
    json_parameters: Path | None = None  # a JSON parameter file (azd's main.parameters.json, or drlint.yaml's)
    config: Mapping[str, Any] | None = None


def _open(deployment: Deployment, ws: Workspace) -> Plan | None:
    """The parsed files of a planned deployment; one that cannot be read is said where the deployment is named."""
    where = deployment.config_position or Position(ws.display(deployment.parameters or deployment.template))
    code = "config-error" if deployment.config else "input-error"
    template = ws.parse(deployment.template)
    if isinstance(template, str):
        ws.diagnostics.append(Diagnostic(f"the template of this deployment: {template}", where, code=code))
        return None
    parameters: ParsedFile | None = None
    json_parameters = None
    if deployment.parameters is not None and deployment.parameters_kind == "bicepparam":
        found = ws.parse(deployment.parameters)
        if isinstance(found, str):
            ws.diagnostics.append(Diagnostic(found, where, code=code))
        else:
            parameters = found
    elif deployment.parameters is not None:
        json_parameters = deployment.parameters
    return Plan(deployment.label, template, parameters, json_parameters, deployment.config)


def evaluate(plan: Plan, ws: Workspace) -> tuple[Origin, list[Resource], list[Diagnostic]]:
    """One deployment: never raises (a bug costs this deployment, located at its template)."""
    sink = Sink(ws.ctx, {})
    resources: list[Resource] = []
    origin = Origin(kind="bicep", file=plan.template.display, deployment=plan.label,
                    unobservable=TEMPLATE_PARTIAL_TYPES,
                        unobservable_if_none=TEMPLATE_IF_NONE_TYPES)
    try:
        transpiled = transpile(ws, plan.template)
        unobservable = {**TEMPLATE_PARTIAL_TYPES,
                        **_unobservable(transpiled.external, transpiled.problems, plan.template.display)}
        origin = Origin(kind="bicep", file=plan.template.display, deployment=plan.label, unobservable=unobservable,
                        unobservable_if_none=TEMPLATE_IF_NONE_TYPES)
        template = transpiled.template
        document = BicepDocument(plan.template.display, template, transpiled.map)
        context = deployment_context(plan.label, plan.config, template)
        inputs = _inputs(plan, ws, context, sink, template)
        run = TemplateRun(sink=sink, template=template, document=document, base=(), file=plan.template.path,
                          context=context, inputs=inputs)
        sink.runs.append(run)
        emit(run, origin, resources)
        for resource in resources:
            _bicep_source_texts(resource)
    except BudgetExceeded as exc:
        resources = []
        sink.diagnostics.append(Diagnostic(budget_diagnostic_text(exc),
                                           exc.position or Position(plan.template.display), code="input-error"))
    except (RecursionError, MemoryError) as exc:
        resources = []
        sink.diagnostics.append(Diagnostic(
            f"template too complex to evaluate ({type(exc).__name__}); its resources are not checked",
            Position(plan.template.display), code="input-error"))
    except Exception as exc:  # one template's evaluation bug must not lose the others
        resources = []
        sink.diagnostics.append(Diagnostic(
            f"internal error evaluating this template ({type(exc).__name__}: {exc}); please report it",
            Position(plan.template.display), code="internal-error"))
    return origin, resources, sink.diagnostics


def _unobservable(external: list[str], problems: bool, display: str) -> dict[str, str]:
    """Resources this deployment may have that drlint cannot see (any type: they are not in the files)."""
    if external:
        shown = ", ".join(external[:3]) + (f" and {len(external) - 3} more" if len(external) > 3 else "")
        return {"*": f"{shown} in {display} cannot be fetched offline, so its resources are unknown"}
    if problems:
        return {"*": f"{display} has syntax errors, so some of its declarations were not read"}
    return {}


def _inputs(plan: Plan, ws: Workspace, context: DeploymentContext, sink: Sink,
            template: dict[str, Any]) -> dict[str, ParameterInput]:
    declared = {k.lower() for k in template.get("parameters") or {}}
    if plan.parameters is not None:
        inputs, positions = bicepparam_inputs(ws, plan.parameters, context, sink)
        for name, position in positions.items():
            if name.lower() not in declared:
                sink.diagnostics.append(Diagnostic(
                    f"parameter '{name}' is not declared by {plan.template.display}", position, severity="warning"))
        return inputs
    if plan.json_parameters is not None:
        display = ws.display(plan.json_parameters)
        if not ws.ctx.inside_root(plan.json_parameters):
            sink.diagnostics.append(Diagnostic(f"{display} is outside the scanned tree; not read", Position(display)))
            return {}
        try:
            document = read_json(plan.json_parameters, display)
        except JsonError as exc:
            sink.diagnostics.append(Diagnostic(str(exc), exc.position))
            return {}
        given = document.data.get("parameters") if isinstance(document.data, dict) else None
        for name in given if isinstance(given, dict) else {}:
            if name.lower() not in declared:
                sink.diagnostics.append(Diagnostic(f"parameter '{name}' is not declared by {plan.template.display}",
                                                   document.position(("parameters", name)), severity="warning"))
        return parameter_inputs(SourceFile(plan.json_parameters, display, document))
    return {}


def _bicep_source_texts(resource: Resource) -> None:
    """A field's provenance shows how it is written in the Bicep file, not the transpiled expression."""
    anchor = resource.anchor
    document = getattr(anchor, "document", None)
    if not isinstance(document, BicepDocument):
        return
    for name, provenance in resource.provenance.items():
        if provenance.written is not None:
            continue  # the literal written elsewhere (a caller's variable) is the text to show
        source = document.source_text((*anchor.base, name))
        if source:
            resource.provenance[name] = records.replace(provenance, text=source)


