"""Positions of a transpiled template, mapped back to the Bicep source.

The ARM machinery locates a resource's property by asking its document for the position of a template path
(`("resources", "hub", "properties", "storageAccount")`). A Bicep file has no such document, so the
transpiler records, for every path it writes, where in the `.bicep` file the value came from; a path not
recorded falls back to its deepest recorded ancestor (the property, then the resource declaration).

A module's template is embedded in its parent's template, as the compiler does; its paths are answered by
the module file's own map (`mount`), so a finding inside a module points into the module's `.bicep` file.
"""

from __future__ import annotations

from typing import Any, Protocol

from linter.model import Position

PathKey = tuple[str | int, ...]


class Locator(Protocol):
    def position(self, path: PathKey) -> Position: ...


def _key(path: PathKey) -> PathKey:
    return tuple(p.lower() if isinstance(p, str) else p for p in path)


class SourceMap:
    """Template path -> Bicep position, for one transpiled file."""

    __slots__ = ("_mounts", "_positions", "_texts", "file")

    def __init__(self, file: str) -> None:
        self.file = file
        self._positions: dict[PathKey, Position] = {}
        self._mounts: dict[PathKey, Locator] = {}
        self._texts: dict[PathKey, str] = {}

    def record(self, path: PathKey, line: int, col: int, file: str | None = None) -> None:
        """The value at `path` is written at `line:col` of `file` (default: this map's file)."""
        if line > 0:
            self._positions.setdefault(_key(path), Position(file or self.file, line, max(col, 1)))

    def record_text(self, path: PathKey, text: str) -> None:
        """The Bicep text of a value (a field's provenance shows how it was written)."""
        self._texts[_key(path)] = text

    def mount(self, path: PathKey, locator: Locator) -> None:
        """Paths below `path` belong to another file's map (a module's template)."""
        self._mounts[_key(path)] = locator

    def text(self, path: PathKey) -> str | None:
        key = _key(path)
        for i in range(len(key), -1, -1):
            mounted = self._mounts.get(key[:i])
            if mounted is not None:
                inner = getattr(mounted, "text", None)
                return inner(key[i:]) if callable(inner) else None
        return self._texts.get(key)

    def position(self, path: PathKey) -> Position:
        key = _key(path)
        for i in range(len(key), -1, -1):
            prefix = key[:i]
            mounted = self._mounts.get(prefix)
            if mounted is not None:
                return mounted.position(key[i:])
            found = self._positions.get(prefix)
            if found is not None:
                return found
        return Position(self.file)


class BicepDocument:
    """Stands in for a `JsonDocument` where the ARM machinery expects one (`display`, `data`, `position`)."""

    __slots__ = ("data", "display", "map", "text")

    def __init__(self, display: str, data: Any, source_map: SourceMap) -> None:
        self.display = display
        self.data = data
        self.map = source_map
        self.text = ""  # no JSON text: nothing searches it for linked templates

    def position(self, path: PathKey) -> Position:
        return self.map.position(path)

    def source_text(self, path: PathKey) -> str | None:
        return self.map.text(path)
