"""Input formats: each turns files into `Resource` records of the one model, with positions and diagnostics.

A file's format is decided by its content (`sniff`), never by its name alone. Front ends that need to see
several files together (a template and its parameter files) receive every file of their kinds at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from linter.inputs.jsondoc import JsonDocument
from linter.model import Origin, Resource
from linter.results import Diagnostic


@dataclass(slots=True)
class Loaded:
    """What a front end produced from its files."""

    resources: list[Resource] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    origins: list[Origin] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def extend(self, other: Loaded) -> None:
        self.resources.extend(other.resources)
        self.diagnostics.extend(other.diagnostics)
        self.origins.extend(other.origins)
        self.files.extend(other.files)


@dataclass(slots=True)
class LoadContext:
    """What every front end may use: the scan root (no file outside it is ever read) and the config."""

    root: Path
    deployments: list[Mapping[str, Any]] = field(default_factory=list)  # drlint.yaml `deployments:`

    def display(self, path: Path) -> str:
        """The path as shown to users and in SARIF: relative to the root, with `/` separators."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def inside_root(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.root.resolve())
            return True
        except ValueError:
            return False


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
