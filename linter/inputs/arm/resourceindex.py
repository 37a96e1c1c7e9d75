"""A template's resources: their declarations (nested children flattened), each expanded on demand into its
instances (see `resources.expand`), and found again by symbolic name or by resource id, in this template, the
templates it is nested in, then the whole estate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.inputs.arm import resources
from linter.inputs.arm.instances import Decl, Instance

if TYPE_CHECKING:
    from linter.inputs.arm.template import TemplateRun


class ResourceIndex:
    __slots__ = ("_by_id", "_decls", "_instances", "run")

    def __init__(self, run: TemplateRun) -> None:
        self.run = run
        self._decls: list[Decl] | None = None
        self._instances: dict[int, list[Instance]] = {}
        self._by_id: dict[str, Instance] | None = None

    def decls(self) -> list[Decl]:
        if self._decls is None:
            self._decls = []
            resources = self.run.template.get("resources")
            if isinstance(resources, dict):
                entries = [(str(k), v, (*self.run.base, "resources", k)) for k, v in resources.items()]
            elif isinstance(resources, list):
                entries = [(None, v, (*self.run.base, "resources", i)) for i, v in enumerate(resources)]
            else:
                entries = []
            for symbol, raw, path in entries:
                if isinstance(raw, dict):
                    self._collect(Decl(symbol, raw, path))
        return self._decls

    def _collect(self, decl: Decl) -> None:
        assert self._decls is not None
        self._decls.append(decl)
        children = decl.raw.get("resources")
        if isinstance(children, list):
            for i, child in enumerate(children):
                if isinstance(child, dict):
                    self._collect(Decl(None, child, (*decl.path, "resources", i), decl))

    def instances(self, decl: Decl) -> list[Instance]:
        key = id(decl)
        found = self._instances.get(key)
        if found is None:
            self._instances[key] = []  # a resource whose name refers to itself finds nothing
            found = resources.expand(self.run, decl)
            self._instances[key] = found
        return found

    def all_instances(self) -> list[Instance]:
        return [inst for decl in self.decls() for inst in self.instances(decl)]

    def find_symbol(self, text: str) -> list[Instance] | None:
        symbol, _, rest = text.partition("[")
        for decl in self.decls():
            if decl.symbol is not None and decl.symbol.lower() == symbol.lower():
                found = self.instances(decl)
                if rest:
                    try:
                        position = int(rest.rstrip("]"))
                    except ValueError:
                        return None
                    return [i for i in found if i.copy_index == position]
                return found
        return None

    def find_id(self, resource_id: str) -> Instance | None:
        run: TemplateRun | None = self.run
        key = resource_id.lower()
        while run is not None:
            index = run.resource_index
            if index._by_id is None:
                index._by_id = {}
                for inst in index.all_instances():
                    if isinstance(inst.id, str) and inst.condition is not False:
                        index._by_id.setdefault(inst.id.lower(), inst)
            found = index._by_id.get(key)
            if found is not None:
                return found
            run = run.parent
        return self.run.sink.find_id(key)

    def indexed(self, key: str) -> Instance | None:
        """The instance with this (lower-case) id, if the id index has been built (never builds it)."""
        return self._by_id.get(key) if self._by_id is not None else None
