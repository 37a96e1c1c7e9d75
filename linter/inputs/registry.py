"""Which front end reads which file, decided by content.

Front ends are imported lazily by name: a scan of Resource Graph files never imports the template machinery.
A front end module exposes `FRONT_END` with `name`, `category`, `suffixes`, `classify(path, document)` and
`load(files, ctx)`.
"""

from __future__ import annotations

import importlib
from typing import Any

from linter.inputs import FrontEnd

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
