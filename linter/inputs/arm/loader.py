"""The ARM front end's `load`: plan the deployments, evaluate each, collect resources and diagnostics."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from linter.diagnostics import Diagnostic
from linter.inputs import LoadContext, Loaded
from linter.inputs.arm.budget import Budget, budget_diagnostic_text
from linter.inputs.arm.deployments import SourceFile, parameter_facts, parameter_inputs, read_source, template_facts
from linter.inputs.arm.emit import emit
from linter.inputs.arm.functions.core import BudgetExceeded
from linter.inputs.arm.scope import deployment_context
from linter.inputs.arm.template import TemplateRun
from linter.inputs.deployments import ARM, Deployment, plan_for
from linter.inputs.jsondoc import JsonDocument
from linter.inputs.observability import TEMPLATE_IF_NONE_TYPES, TEMPLATE_PARTIAL_TYPES
from linter.model import Origin, Position, Resource
from linter.records import record

PathKey = tuple[str | int, ...]
MAX_DIAGNOSTICS_PER_FILE = 50


class Sink:
    """What every template run of one load shares: diagnostics, documents read, runs made."""

    def __init__(self, ctx: LoadContext, documents: dict[Path, SourceFile]) -> None:
        self.ctx = ctx
        self.documents = documents
        self.diagnostics: list[Diagnostic] = []
        self._seen: set[tuple[str, str]] = set()
        self._per_file: dict[str, int] = {}
        self.runs: list[TemplateRun] = []
        self.budget = Budget()  # one per deployment: every run nested in it shares it

    def report(self, message: str, document: JsonDocument, path: PathKey, severity: str = "warning") -> None:
        key = (document.display, message)
        if key in self._seen:
            return
        self._seen.add(key)
        count = self._per_file.get(document.display, 0) + 1
        self._per_file[document.display] = count
        if count <= MAX_DIAGNOSTICS_PER_FILE:
            self.diagnostics.append(Diagnostic(message, document.position(path), severity=severity))

    def linked_document(self, path: Path, document: JsonDocument, at: PathKey) -> JsonDocument | None:
        resolved = path.resolve()
        source = self.documents.get(resolved)
        if source is None:
            problems: list[Diagnostic] = []
            if not self.ctx.inside_root(resolved):
                self.report(f"linked template {self.ctx.display(path)} is outside the scanned tree; not read",
                            document, at, severity="error")
                return None
            source = read_source(resolved, self.ctx, problems)
            self.diagnostics.extend(problems)
            if source is None:
                if not problems:
                    self.report(f"linked template {self.ctx.display(path)} does not exist", document, at,
                                severity="error")
                return None
            self.documents[resolved] = source
        return source.document

    def find_id(self, key: str) -> Any:
        for run in self.runs:
            found = run.resource_index.indexed(key)
            if found is not None:
                return found
        return None


def load_files(sources: list[SourceFile], files: list[Any], ctx: LoadContext) -> Loaded:
    """Evaluate the ARM deployments the planner made of the scanned files (and of files drlint.yaml names)."""
    loaded = Loaded()
    documents = {f.path: f for f in sources}

    def open_file(path: Path) -> SourceFile | None:
        found = documents.get(path)
        if found is None:
            found = read_source(path, ctx, loaded.diagnostics)
            if found is not None:
                documents[path] = found
        return found

    deployments, problems = plan_for(ARM, ctx, lambda: describe(files))
    loaded.diagnostics.extend(problems)
    for deployment in deployments:
        plan = _open(deployment, open_file, ctx, loaded.diagnostics)
        if plan is None:
            continue
        origin = Origin(kind="arm", file=plan.template.display, deployment=plan.label,
                        unobservable=TEMPLATE_PARTIAL_TYPES,
                        unobservable_if_none=TEMPLATE_IF_NONE_TYPES)
        loaded.origins.append(origin)
        sink = Sink(ctx, documents)
        try:
            loaded.resources.extend(evaluate_plan(plan, origin, sink))
        except BudgetExceeded as exc:
            sink.diagnostics.append(Diagnostic(budget_diagnostic_text(exc),
                                               exc.position or Position(plan.template.display), code="input-error"))
        except (RecursionError, MemoryError) as exc:
            sink.diagnostics.append(Diagnostic(
                f"template too complex to evaluate ({type(exc).__name__}); its resources are not checked",
                Position(plan.template.display), code="input-error"))
        except Exception as exc:  # one template's evaluation bug must not lose the others
            sink.diagnostics.append(Diagnostic(
                f"internal error evaluating this template ({type(exc).__name__}: {exc}); please report it",
                Position(plan.template.display), code="internal-error"))
        loaded.diagnostics.extend(sink.diagnostics)
    loaded.files.extend(f.display for f in sources)
    return loaded


def describe(files: list[Any]) -> tuple[list[Any], list[Any]]:
    templates, parameters = [], []
    for file in files:
        if file.document is not None:
            source = SourceFile(file.path.resolve(), file.display, file.document)
            if file.kind == "arm-parameters":
                parameters.append(parameter_facts(source))
            else:
                templates.append(template_facts(source))
    return templates, parameters


@record
class Plan:
    label: str
    template: SourceFile
    parameters: SourceFile | None = None
    config: Mapping[str, Any] | None = None


def _open(deployment: Deployment, open_file: Any, ctx: LoadContext, diagnostics: list[Diagnostic]) -> Plan | None:
    """The files of a planned deployment; one that cannot be read is said where the deployment is named."""
    where = deployment.config_position or Position(ctx.display(deployment.parameters or deployment.template))
    template = open_file(deployment.template)
    if template is None:
        diagnostics.append(Diagnostic(f"the template {ctx.display(deployment.template)} cannot be read",
                                      where, code="config-error" if deployment.config else "input-error"))
        return None
    parameters = None
    if deployment.parameters is not None:
        parameters = open_file(deployment.parameters)
        if parameters is None:
            diagnostics.append(Diagnostic(f"the parameter file {ctx.display(deployment.parameters)} cannot be read",
                                          where, code="config-error" if deployment.config else "input-error"))
    return Plan(deployment.label, template, parameters, deployment.config)


def evaluate_plan(plan: Plan, origin: Origin, sink: Sink) -> list[Resource]:
    template = plan.template.document.data
    if not isinstance(template, dict):
        return []
    inputs = parameter_inputs(plan.parameters)
    _check_inputs(plan, inputs, template, sink)
    run = TemplateRun(
        sink=sink, template=template, document=plan.template.document, base=(), file=plan.template.path,
        context=deployment_context(plan.label, plan.config, template), inputs=inputs,
    )
    sink.runs.append(run)
    resources: list[Resource] = []
    emit(run, origin, resources)
    return resources


def _check_inputs(plan: Plan, inputs: dict[str, Any], template: dict[str, Any], sink: Sink) -> None:
    if plan.parameters is None:
        return
    declared = {k.lower() for k in (template.get("parameters") or {})}
    given = plan.parameters.document.data.get("parameters") if isinstance(plan.parameters.document.data, dict) else None
    for name in given if isinstance(given, dict) else {}:
        if name.lower() not in declared:  # named as written in the file
            sink.report(f"parameter '{name}' is not declared by {plan.template.display}",
                        plan.parameters.document, ("parameters", name))
