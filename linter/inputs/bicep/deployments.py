"""Which deployments the scanned Bicep files make (pairing as for ARM parameter files).

A template is deployed once per drlint.yaml `deployments:` entry naming it, once per `.bicepparam` whose
`using` names it (`main.primary.bicepparam` and `main.secondary.bicepparam` make two deployments), or once with
its defaults when nothing names it. A file that another scanned file uses as a module is deployed only
through that use, so its resources are not counted twice. (A file others only import from is still deployed:
AVM child modules import types from their parent's `main.bicep`, which is a deployment in its own right.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linter.diagnostics import Diagnostic
from linter.inputs.arm.deployments import make_labels_unique
from linter.inputs.bicep.bicepparam import using_path
from linter.inputs.bicep.compile.imports import is_external
from linter.inputs.bicep.syntax import ast as A
from linter.inputs.bicep.workspace import ParsedFile, Workspace
from linter.model import Position


@dataclass(slots=True)
class Plan:
    label: str
    template: ParsedFile
    parameters: ParsedFile | None = None  # a .bicepparam
    json_parameters: Path | None = None  # an ARM parameter file named in drlint.yaml
    config: Mapping[str, Any] | None = None


def plan_deployments(templates: list[ParsedFile], parameter_files: list[ParsedFile], ws: Workspace) -> list[Plan]:
    ctx = ws.ctx
    by_path = {t.path: t for t in templates}
    plans: list[Plan] = []
    configured: set[Path] = set()
    used: set[Path] = set()
    for i, entry in enumerate(ctx.deployments):
        plan = _configured(entry, i, ws)
        if plan is not None:
            plans.append(plan)
            configured.add(plan.template.path)
            if plan.parameters is not None:
                used.add(plan.parameters.path)
    for parameters in parameter_files:
        if parameters.path in used:
            continue
        target = using_path(parameters)
        if not isinstance(target, Path):
            why = target or "it has no `using` line naming its template"
            ws.diagnostics.append(Diagnostic(f"parameter file not checked: {why}", Position(parameters.display),
                                             severity="warning"))
            continue
        if target in configured:
            continue  # drlint.yaml says how this template is deployed
        template = by_path.get(target) or ws.parse(target)
        if isinstance(template, str):
            ws.diagnostics.append(Diagnostic(f"the template of this parameter file: {template}",
                                             Position(parameters.display), severity="error"))
            continue
        by_path.setdefault(template.path, template)
        plans.append(Plan(_label_of(parameters.path), template, parameters))
    paired = {p.template.path for p in plans}
    included = _included(list(by_path.values()))
    for template in by_path.values():
        if template.path not in paired and template.path not in included:
            plans.append(Plan(template.path.stem, template))
    make_labels_unique(plans)
    return plans


def _configured(entry: Mapping[str, Any], index: int, ws: Workspace) -> Plan | None:
    ctx = ws.ctx
    template_path = (ctx.root / str(entry["template"])).resolve()
    if template_path.suffix.lower() != ".bicep":
        return None  # an ARM deployment: not ours
    where = Position("drlint.yaml")
    template = ws.parse(template_path)
    if isinstance(template, str):
        ws.diagnostics.append(Diagnostic(f"deployment {index + 1} of drlint.yaml: {template}", where,
                                         code="config-error"))
        return None
    parameters: ParsedFile | None = None
    json_parameters = None
    given = entry.get("parameters")
    if given:
        parameters_path = (ctx.root / str(given)).resolve()
        if parameters_path.suffix.lower() == ".bicepparam":
            found = ws.parse(parameters_path)
            if isinstance(found, str):
                ws.diagnostics.append(Diagnostic(f"deployment {index + 1} of drlint.yaml: {found}", where,
                                                 code="config-error"))
            else:
                parameters = found
        else:
            json_parameters = parameters_path
    label = str(entry.get("name") or (parameters and _label_of(parameters.path)) or template_path.stem)
    return Plan(label, template, parameters, json_parameters, entry)


def _label_of(parameters: Path) -> str:
    return parameters.name.rsplit(".", 1)[0]


def _included(templates: list[ParsedFile]) -> set[Path]:
    """Files the templates use as local modules."""
    found: set[Path] = set()
    for template in templates:
        for statement in template.tree.statements:
            source = statement.path if isinstance(statement, A.Module) else None
            if isinstance(source, A.StringLit) and not is_external(source.value):
                target = (template.path.parent / source.value).resolve()
                if target != template.path:  # a file naming itself is still a deployment (and reported)
                    found.add(target)
    return found
