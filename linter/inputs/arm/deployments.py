"""Which deployments the scanned files make: templates paired with parameter files and drlint.yaml entries.

A template is deployed once per parameter set: once per `deployments:` entry of drlint.yaml that names it,
once per parameter file that belongs to it (by `metadata.template`, or by name: `<stem>.parameters.json`,
`<stem>.parameters.<env>.json`, `<stem>.<env>.parameters.json`), or once with its defaults when nothing
names it. A template that another scanned template links to (`templateLink.relativePath`) is deployed only
through that link, so its resources are not counted twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linter.diagnostics import Diagnostic
from linter.inputs import LoadContext
from linter.inputs.arm.instances import ParameterInput
from linter.inputs.jsondoc import JsonDocument, JsonError, read_json
from linter.model import Position, Unknown


@dataclass(slots=True)
class SourceFile:
    path: Path  # resolved
    display: str
    document: JsonDocument


@dataclass(slots=True)
class Plan:
    label: str  # unique among the run's deployments
    template: SourceFile
    parameters: SourceFile | None = None
    config: Mapping[str, Any] | None = None


def plan_deployments(
    templates: list[SourceFile], parameter_files: list[SourceFile], ctx: LoadContext,
    open_file: Any, diagnostics: list[Diagnostic],
) -> list[Plan]:
    by_path = {t.path: t for t in templates}
    plans: list[Plan] = []
    deployed: set[Path] = set()
    used_parameters: set[Path] = set()
    for i, entry in enumerate(ctx.deployments):
        plan = _configured(entry, i, ctx, by_path, open_file, diagnostics)
        if plan is not None:
            plans.append(plan)
            deployed.add(plan.template.path)
            if plan.parameters is not None:
                used_parameters.add(plan.parameters.path)
    for parameters in parameter_files:
        if parameters.path in used_parameters:
            continue
        template = _template_of(parameters, by_path, ctx, open_file)
        if template is None:
            diagnostics.append(Diagnostic(
                "parameter file without a template: name it <template>.parameters.json beside the template, "
                "set metadata.template, or pair it in drlint.yaml `deployments:`",
                Position(parameters.display), severity="warning"))
            continue
        if template.path in deployed:
            continue  # drlint.yaml says how this template is deployed
        by_path.setdefault(template.path, template)
        plans.append(Plan(_label_of(parameters.path, template.path), template, parameters))
    paired = {p.template.path for p in plans}
    linked = _linked_templates(list(by_path.values()))
    for template in by_path.values():
        if template.path not in paired and template.path not in linked:
            plans.append(Plan(template.path.stem, template))
    make_labels_unique(plans)
    return plans


def _configured(entry: Mapping[str, Any], index: int, ctx: LoadContext, by_path: dict[Path, SourceFile],
                open_file: Any, diagnostics: list[Diagnostic]) -> Plan | None:
    template_path = (ctx.root / str(entry["template"])).resolve()
    if template_path.suffix.lower() not in (".json", ".jsonc"):
        return None  # a Bicep deployment: not ours
    template = by_path.get(template_path) or open_file(template_path)
    if template is None:
        diagnostics.append(Diagnostic(f"deployment {index + 1} of drlint.yaml: template {entry['template']} "
                                      "cannot be read", Position("drlint.yaml"), code="config-error"))
        return None
    by_path[template_path] = template
    parameters = None
    if entry.get("parameters"):
        parameters = open_file((ctx.root / str(entry["parameters"])).resolve())
        if parameters is None:
            diagnostics.append(Diagnostic(f"deployment {index + 1} of drlint.yaml: parameter file "
                                          f"{entry['parameters']} cannot be read", Position("drlint.yaml"),
                                          code="config-error"))
    label = str(entry.get("name") or (parameters and _label_of(parameters.path, template_path)) or template_path.stem)
    return Plan(label, template, parameters, entry)


def _template_of(parameters: SourceFile, by_path: dict[Path, SourceFile], ctx: LoadContext,
                 open_file: Any) -> SourceFile | None:
    data = parameters.document.data
    metadata = data.get("metadata") if isinstance(data, dict) else None
    named = metadata.get("template") if isinstance(metadata, dict) else None
    if isinstance(named, str):
        path = (parameters.path.parent / named).resolve()
        return by_path.get(path) or open_file(path)
    for candidate in _candidate_templates(parameters.path):
        if candidate in by_path:
            return by_path[candidate]
    for candidate in _candidate_templates(parameters.path):
        if candidate.is_file():
            found = open_file(candidate)
            if found is not None:
                return found
    return None


def _candidate_templates(path: Path) -> list[Path]:
    """`x.parameters.json`, `x.parameters.dev.json` and `x.dev.parameters.json` belong to `x.json`."""
    parts = path.name.split(".")
    lowered = [p.lower() for p in parts]
    if "parameters" not in lowered:
        return []
    at = lowered.index("parameters")
    stems = []
    if at >= 1:
        stems.append(".".join(parts[:at]))
        if at >= 2 and at == len(parts) - 2:
            stems.append(".".join(parts[:at - 1]))
    return [path.parent / f"{stem}{suffix}" for stem in stems for suffix in (".json", ".jsonc")]


def _label_of(parameters: Path, template: Path) -> str:
    stem = parameters.name.rsplit(".", 1)[0]
    parts = [p for p in stem.split(".") if p.lower() != "parameters"]
    return ".".join(parts) or template.stem


def make_labels_unique(plans: list[Any]) -> None:
    """Deployments are told apart by label: a clash is resolved by the file that makes the deployment."""
    seen: dict[str, int] = {}
    for plan in plans:
        seen[plan.label.lower()] = seen.get(plan.label.lower(), 0) + 1
    for plan in plans:
        if seen[plan.label.lower()] > 1 and plan.config is None:
            source = plan.parameters or plan.template
            plan.label = source.display.rsplit(".", 1)[0]


def _linked_templates(templates: list[SourceFile]) -> set[Path]:
    linked: set[Path] = set()
    for template in templates:
        if "relativePath" not in template.document.text:
            continue
        stack: list[Any] = [template.document.data]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                link = value.get("templateLink")
                if isinstance(link, dict) and isinstance(link.get("relativePath"), str):
                    linked.add((template.path.parent / link["relativePath"]).resolve())
                stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)
    return linked


def parameter_inputs(parameters: SourceFile | None) -> dict[str, ParameterInput]:
    """Values of a parameter file; Key Vault references are Unknown (the secret is not in the file)."""
    if parameters is None:
        return {}
    data = parameters.document.data
    entries = data.get("parameters") if isinstance(data, dict) else None
    inputs: dict[str, ParameterInput] = {}
    for name, entry in (entries or {}).items():
        if not isinstance(entry, dict):
            continue
        if "reference" in entry:
            inputs[name.lower()] = ParameterInput(Unknown(
                f"parameter '{name}' is a Key Vault reference in {parameters.display}; its value is a secret"))
        elif "value" in entry:
            inputs[name.lower()] = ParameterInput(entry["value"])
    return inputs


def read_source(path: Path, ctx: LoadContext, diagnostics: list[Diagnostic]) -> SourceFile | None:
    """A JSON file under the scan root (never outside it)."""
    display = ctx.display(path)
    if not ctx.inside_root(path):
        diagnostics.append(Diagnostic(f"{display} is outside the scanned tree; not read", Position(display)))
        return None
    if not path.is_file():
        return None
    try:
        return SourceFile(path.resolve(), display, read_json(path, display))
    except JsonError as exc:
        diagnostics.append(Diagnostic(str(exc), exc.position))
        return None
