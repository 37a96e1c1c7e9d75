"""Which front end reads which file, decided by content.

Front ends are imported lazily by name: a scan of Resource Graph files never imports the template machinery.
A front end module exposes `FRONT_END` with `name`, `category`, `suffixes`, `classify(path, document)` and
`load(files, ctx)`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from linter.inputs import LoadContext, Loaded
from linter.inputs.jsondoc import JsonDocument

FRONT_END_MODULES: dict[str, str] = {
    "arm": "linter.inputs.arm",
    "resource-graph": "linter.inputs.resource_graph",
    "bicep": "linter.inputs.bicep",
}
# file kind (see sniff.py) -> the front end that reads it
FRONT_END_OF_KIND: dict[str, str] = {
    "arm-template": "arm",
    "arm-parameters": "arm",
    "resource-graph": "resource-graph",
    "bicep": "bicep",
    "bicepparam": "bicep",
}
JSON_SUFFIXES = (".json", ".jsonc")
TEXT_KINDS = {".bicep": "bicep", ".bicepparam": "bicepparam"}


@dataclass(slots=True)
class InputFile:
    path: Path
    display: str
    kind: str  # e.g. "resource-graph", "arm-template", "arm-parameters", "bicep", "bicepparam"
    document: JsonDocument | None  # parsed JSON, for JSON formats


class FrontEnd(Protocol):
    name: str
    category: str
    suffixes: tuple[str, ...]

    def classify(self, path: Path, document: JsonDocument | None) -> str | None: ...

    def load(self, files: list[InputFile], ctx: LoadContext) -> Loaded: ...


_loaded: dict[str, Any] = {}


def front_end(name: str) -> FrontEnd | None:
    """The front end called `name`, or None when it is not part of this build."""
    if name not in _loaded:
        try:
            module = importlib.import_module(FRONT_END_MODULES[name])
        except ModuleNotFoundError as exc:
            if exc.name is None or not FRONT_END_MODULES[name].startswith(exc.name):
                raise
            module = None
        _loaded[name] = getattr(module, "FRONT_END", None)
    return _loaded[name]
