"""Input formats: each front end turns files into `Resource` records of the one model, with positions and
diagnostics.

A front end describes itself (`FrontEnd`): the file suffixes it reads, how it recognises its files by content
(never by name alone for JSON), the analysis category its findings belong to and how they are fingerprinted.
The scan and the reporters ask it through `registry`; adding a format is one new module or folder here and
one line in `registry.FRONT_END_MODULES`. Front ends that need to see several files together (a template and
its parameter files) receive every file of their kinds at once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from linter.diagnostics import Diagnostic
from linter.inputs.jsondoc import JsonDocument
from linter.model import Origin, Resource, UnreadInputs
from linter.records import field, record


@record
class Loaded:
    """What a front end produced from its files, and what a run collected from all of them: everything
    evaluation needs from the inputs (the scan's `collect` makes one; `evaluate` turns it into a report)."""

    resources: list[Resource] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    origins: list[Origin] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    # Inputs not made into resources because no rule selects their type (found by id if a rule follows one).
    unread: list[UnreadInputs] = field(default_factory=list)
    # Set by whoever collects the inputs of a run (the scan, a live audit), not by each front end:
    categories: set[str] = field(default_factory=set)  # the analyses the inputs belong to (`FrontEnd.category`)
    root: Path | None = None  # positions are relative to it; SARIF re-reads template lines under it
    seconds: float = 0.0  # time spent collecting

    def extend(self, other: Loaded) -> None:
        self.resources.extend(other.resources)
        self.diagnostics.extend(other.diagnostics)
        self.origins.extend(other.origins)
        self.files.extend(other.files)
        self.unread.extend(other.unread)
        self.categories |= other.categories


@record
class LoadContext:
    """What every front end may use: the scan root (no file outside it is ever read) and the config."""

    root: Path
    deployments: list[Mapping[str, Any]] = field(default_factory=list)  # drlint.yaml `deployments:`
    config_file: str = "drlint.yaml"  # the config file as shown in diagnostics
    config_root: Path | None = None  # where `deployments:` paths start (the config file's folder)
    config_positions: list[Any] = field(default_factory=list)  # where each `deployments:` entry is written
    plan: Any = None  # the run's DeploymentPlan (inputs/deployments.py), made once for every front end
    shared: dict[str, Any] = field(default_factory=dict)  # what front ends share within one load (parsed files)
    # The scanned trees: what the user named (a named file's folder), or the folder of drlint.yaml. No file
    # outside them is read on a template's behalf (links, modules, load*Content). Empty: the root.
    trees: tuple[Path, ...] = ()
    # Lower-cased resource types some rule selects; None: every type. A front end may leave inputs of other
    # types unread (see `Loaded.unread`).
    types_read: frozenset[str] | None = None

    def display(self, path: Path) -> str:
        """The path as shown to users and in SARIF: relative to the root, with `/` separators (`..` for a
        path outside it: never an absolute path, which would say where the scan ran)."""
        resolved = path.resolve()
        try:
            return resolved.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            try:
                return Path(os.path.relpath(resolved, self.root.resolve())).as_posix()
            except ValueError:  # another drive
                return resolved.name

    def inside_root(self, path: Path) -> bool:
        """Whether `path` (symbolic links followed) is inside the scanned trees."""
        resolved = path.resolve()
        for tree in self.trees or (self.root,):
            try:
                resolved.relative_to(tree.resolve())
                return True
            except ValueError:
                continue
        return False


@record
class InputFile:
    path: Path
    display: str
    kind: str  # e.g. "resource-graph", "arm-template", "arm-parameters", "bicep", "bicepparam"
    document: JsonDocument | None  # parsed JSON, for JSON formats


# How a front end's findings are fingerprinted in SARIF (`partialFingerprints.primaryLocationLineHash`).
SOURCE_LINE = "source-line"  # GitHub's hash of the source line: files people edit, where lines move
RESOURCE = "resource"  # a hash of rule and resource id: exports whose rows move on every export


class FrontEnd(Protocol):
    name: str  # also the `Origin.kind` of the resources it makes
    title: str  # what its files are, for messages: "an ARM template or parameter file"
    category: str  # the analysis its findings belong to: SARIF `automationDetails.id` is drlint/<category>/
    fingerprint: str  # SOURCE_LINE or RESOURCE
    suffixes: tuple[str, ...]  # lower-case file name endings it reads
    reads_json: bool  # the scan parses its files as JSON before asking `classify`
    hints: tuple[str, ...]  # lower-case text that marks a broken file as one of its own (reported, not skipped)

    def classify(self, path: Path, document: JsonDocument | None) -> str | None:
        """The file's kind (e.g. "arm-template") when this front end reads it, else None."""
        ...

    def load(self, files: list[InputFile], ctx: LoadContext) -> Loaded: ...
