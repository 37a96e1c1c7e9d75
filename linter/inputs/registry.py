"""The front ends of this build, in the order they are asked to recognise a file.

Each entry is a module whose `FRONT_END` describes itself (see `linter.inputs.FrontEnd`). Those modules are
light: a front end imports its machinery only in `load`, so a scan of Resource Graph files never imports the
template evaluator.
"""

from __future__ import annotations

import importlib

from linter.inputs import FrontEnd

# Adding an input format: its module (or package) under linter/inputs/ and one line here. Order matters where
# two front ends read the same suffix: the first that recognises a file reads it.
FRONT_END_MODULES = (
    "linter.inputs.arm",
    "linter.inputs.bicep",
    "linter.inputs.resource_graph",
)

_front_ends: list[FrontEnd] | None = None


def front_ends() -> list[FrontEnd]:
    """Every front end of this build (a module left out of the build is skipped)."""
    global _front_ends
    if _front_ends is None:
        found = []
        for name in FRONT_END_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name is None or not name.startswith(exc.name):
                    raise
                continue
            found.append(module.FRONT_END)
        _front_ends = found
    return _front_ends


def front_end(name: str) -> FrontEnd | None:
    """The front end called `name` (the `Origin.kind` of its resources), or None."""
    return next((f for f in front_ends() if f.name == name), None)


def suffixes() -> tuple[str, ...]:
    """Every file name ending some front end reads (a folder walk considers only these)."""
    return tuple(sorted({s for f in front_ends() for s in f.suffixes}))
