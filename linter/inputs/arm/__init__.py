"""The ARM template front end: evaluates templates the way Azure Resource Manager would.

Modules: `expressions` (parse), `evaluator` + `functions/` (evaluate), `template` + `resources` + `nested`
(one template evaluation), `scope` (subscription, resource group, ids), `hashing` (uniqueString, guid),
`literals` (where a value came from: literal, parameter, caller), `deployments` (which deployments the files
make), `emit` (instances into Resources), `loader` (the whole load). This module only describes the front end
and recognises its files; the machinery is imported by `load`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from linter.inputs import SOURCE_LINE, InputFile, LoadContext, Loaded
from linter.inputs.jsondoc import JsonDocument

TEMPLATE_SCHEMA = "deploymenttemplate.json"
PARAMETERS_SCHEMA = "deploymentparameters.json"


def json_kind(data: Any) -> str | None:
    """`arm-template` or `arm-parameters` for JSON that is one (by `$schema`, else by shape), else None."""
    if not isinstance(data, Mapping):
        return None
    schema = data.get("$schema")
    schema = schema.lower() if isinstance(schema, str) else ""
    if TEMPLATE_SCHEMA in schema:
        return "arm-template"
    if PARAMETERS_SCHEMA in schema:
        return "arm-parameters"
    if "resources" in data and ("contentVersion" in data or "$schema" in data) and (
        isinstance(data["resources"], (list, Mapping))
    ):
        return "arm-template"
    if "contentVersion" in data and isinstance(data.get("parameters"), Mapping) and not schema:
        entries = data["parameters"].values()
        if all(isinstance(e, Mapping) and ("value" in e or "reference" in e) for e in entries):
            return "arm-parameters"
    return None


class ArmFrontEnd:
    name = "arm"
    title = "an ARM template or parameter file"
    category = "templates"
    fingerprint = SOURCE_LINE
    suffixes = (".json", ".jsonc")
    reads_json = True
    hints = ("deploymenttemplate", "deploymentparameters", '"resources"')

    def classify(self, path: Path, document: JsonDocument | None) -> str | None:
        return json_kind(document.data) if document is not None else None

    def describe(self, files: list[InputFile], ctx: LoadContext) -> tuple[list[Any], list[Any]]:
        """What the deployment planner needs of each template and parameter file."""
        from linter.inputs.arm.loader import describe

        return describe(files)

    def load(self, files: list[InputFile], ctx: LoadContext) -> Loaded:
        from linter.inputs.arm.deployments import SourceFile
        from linter.inputs.arm.loader import load_files

        sources = [SourceFile(f.path.resolve(), f.display, f.document) for f in files if f.document is not None]
        return load_files(sources, files, ctx)


FRONT_END = ArmFrontEnd()
