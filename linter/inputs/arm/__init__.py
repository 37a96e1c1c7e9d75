"""The ARM template front end: evaluates templates the way Azure Resource Manager would.

Modules: `expressions` (parse), `evaluator` + `functions/` (evaluate), `template` + `resources` + `nested`
(one template evaluation), `scope` (subscription, resource group, ids), `hashing` (uniqueString, guid),
`literals` (does a value depend on a parameter), `deployments` (which deployments the files make),
`emit` (instances into Resources), `loader` (the whole load).
"""

from __future__ import annotations

from pathlib import Path

from linter.inputs import LoadContext, Loaded
from linter.inputs.jsondoc import JsonDocument
from linter.inputs.sniff import classify_json


class ArmFrontEnd:
    name = "arm"
    category = "templates"
    suffixes = (".json", ".jsonc")

    def classify(self, path: Path, document: JsonDocument | None) -> str | None:
        if document is None:
            return None
        kind = classify_json(document.data)
        return kind if kind in ("arm-template", "arm-parameters") else None

    def load(self, files: list, ctx: LoadContext) -> Loaded:  # type: ignore[type-arg]
        from linter.inputs.arm.deployments import SourceFile
        from linter.inputs.arm.loader import load_files

        sources = [SourceFile(f.path.resolve(), f.display, f.document) for f in files if f.document is not None]
        return load_files(sources, files, ctx)


FRONT_END = ArmFrontEnd()
