"""Bicep front end: a dependency-free lexer and parser giving a positioned AST of `.bicep` and `.bicepparam` files,
and the evaluation: each file is transpiled into the ARM template the compiler would write (`transpile`,
`translate`, `modules`, `imports`, `types`, with a `sourcemap` back to the Bicep lines) and evaluated by the ARM
front end, so every rule reads Bicep resources exactly as it reads ARM ones. `plan` pairs templates with
`.bicepparam` files, `params` evaluates those, `frontend` is the `load` the scan calls.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # imported on first use: parsing alone (tests, tools) does not need the ARM machinery
    if name == "FRONT_END":
        from linter.inputs.bicep.frontend import FRONT_END

        return FRONT_END
    raise AttributeError(name)
