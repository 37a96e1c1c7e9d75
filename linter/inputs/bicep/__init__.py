"""Bicep front end, in three layers, each using only the ones above it:

- `syntax/`: a dependency-free lexer and parser giving a positioned AST of `.bicep` and `.bicepparam` files
  (`lexer`, `cursor`, `parser`, `expressions` and `types` for expressions and type expressions, `ast`);
- `compile/`: each file into the ARM template the Bicep compiler would write (`transpile` with `symbols`,
  `expressions`, `modules`, `imports`, `parameters`, and a `sourcemap` back to the Bicep lines), evaluated by
  the ARM front end, so every rule reads Bicep resources exactly as it reads ARM ones;
- loading: `workspace` (the files one load may read), `deployments` (which templates are deployed with which
  `.bicepparam` files), `bicepparam` (their values), `loader` (the `load` the scan calls).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from linter.inputs import SOURCE_LINE, InputFile, LoadContext, Loaded
from linter.inputs.jsondoc import JsonDocument

KINDS = {".bicep": "bicep", ".bicepparam": "bicepparam"}


class BicepFrontEnd:
    name = "bicep"
    title = "a Bicep file"
    category = "templates"
    fingerprint = SOURCE_LINE
    suffixes = tuple(KINDS)
    reads_json = False
    hints = ()

    def classify(self, path: Path, document: JsonDocument | None) -> str | None:
        return KINDS.get(path.suffix.lower())

    def describe(self, files: list[InputFile], ctx: LoadContext) -> tuple[list[Any], list[Any]]:
        """What the deployment planner needs of each file: a template's parameters and modules, a
        .bicepparam's `using` (files are parsed once, in the load's shared workspace)."""
        from linter.inputs.bicep.deployments import describe

        return describe(files, ctx)

    def load(self, files: list[InputFile], ctx: LoadContext) -> Loaded:
        # imported on first use: parsing alone (tests, tools) does not need the ARM machinery
        from linter.inputs.bicep.loader import load

        return load(files, ctx)


FRONT_END = BicepFrontEnd()
