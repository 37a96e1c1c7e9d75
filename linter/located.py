"""A parsed document that can say where each of its nodes is written (file:line:col).

The YAML reader makes one (`linter.yamlsource`), and the rule-pack cache restores one from JSON
(`linter.packcache`) without importing PyYAML: the rule compiler reads both the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from linter.model import Position
from linter.records import record


@record
class LocatedDocument:
    """Parsed data and the position of every node, by path (keys as written)."""

    path: str
    data: Any
    positions: Mapping[tuple[str | int, ...], Position]  # only `get` is used: the cache gives a lazy one

    def position(self, path: tuple[str | int, ...]) -> Position:
        """The position of the deepest node on `path` that exists (the document start when none)."""
        key = tuple(path)
        while key:
            found = self.positions.get(key)
            if found is not None:
                return found
            key = key[:-1]
        return self.positions.get((), Position(self.path, 1, 1))
