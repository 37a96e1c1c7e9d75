"""ARM files for the deployment planner (`linter/inputs/deployments.py`): what each template and parameter file
says about how it is deployed, and the values a parameter file gives (azd placeholders substituted).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from linter.diagnostics import Diagnostic
from linter.inputs import LoadContext
from linter.inputs.arm.instances import ParameterInput
from linter.inputs.arm.provenance import Place
from linter.inputs.azd import has_placeholder, substitute
from linter.inputs.deployments import ARM, ParameterFacts, TemplateFacts
from linter.inputs.jsondoc import JsonDocument, JsonError, read_json
from linter.model import Position, Unknown
from linter.records import record


@record
class SourceFile:
    path: Path  # resolved
    display: str
    document: JsonDocument


def template_facts(template: SourceFile) -> TemplateFacts:
    data = template.document.data if isinstance(template.document.data, dict) else {}
    metadata = data.get("metadata")
    generator = metadata.get("_generator") if isinstance(metadata, dict) else None
    name = generator.get("name") if isinstance(generator, dict) else None
    parameters = data.get("parameters")
    names = tuple(str(k) for k in parameters) if isinstance(parameters, dict) else ()
    return TemplateFacts(template.path, template.display, ARM, name if isinstance(name, str) else None, names,
                         frozenset(_linked_templates(template)))


def parameter_facts(parameters: SourceFile) -> ParameterFacts:
    data = parameters.document.data if isinstance(parameters.document.data, dict) else {}
    metadata = data.get("metadata")
    named = metadata.get("template") if isinstance(metadata, dict) else None
    template = (parameters.path.parent / named).resolve() if isinstance(named, str) and named else None
    entries = data.get("parameters")
    names = tuple(str(k) for k in entries) if isinstance(entries, dict) else ()
    return ParameterFacts(parameters.path, parameters.display, "arm-parameters", template, names)


def _linked_templates(template: SourceFile) -> set[Path]:
    linked: set[Path] = set()
    if "relativePath" not in template.document.text:
        return linked
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
            value = entry["value"]
            # azd writes `${VAR}` / `${VAR=default}` where it substitutes the environment: not literals
            given = substitute(value) if has_placeholder(value) else value
            where = Place(parameters.document, ("parameters", name, "value"))
            inputs[name.lower()] = ParameterInput(given, written=(where, value, None))
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
