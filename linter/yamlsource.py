"""Safe YAML loading that can say where a key or value is (file:line:col) and rejects duplicate keys.

Rule and config files are untrusted: only the safe loader is used, and size and nesting are bounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from linter.model import Position

MAX_YAML_BYTES = 1_000_000
MAX_DEPTH = 64

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(ValueError):
    def __init__(self, message: str, position: Position) -> None:
        super().__init__(message)
        self.position = position


@dataclass(slots=True)
class YamlDocument:
    """A parsed YAML document and the position of every node, by path (keys as written)."""

    path: str
    data: Any
    _positions: dict[tuple[str | int, ...], Position]

    def position(self, path: tuple[str | int, ...]) -> Position:
        """The position of the deepest node on `path` that exists (the document start when none)."""
        key = tuple(path)
        while key:
            found = self._positions.get(key)
            if found is not None:
                return found
            key = key[:-1]
        return self._positions.get((), Position(self.path, 1, 1))


def read_text(path: Path, display: str) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise YamlError(f"file is {size} bytes; the limit is {MAX_YAML_BYTES}", Position(display))
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", Position(display)) from None
    except OSError as exc:
        raise YamlError(f"cannot read: {exc.strerror}", Position(display)) from None


def load_yaml(text: str, display: str) -> YamlDocument:
    """Parse one YAML document, keeping positions. Raises YamlError with a position on any problem."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Position(display, mark.line + 1, mark.column + 1) if mark else Position(display)
        raise YamlError(f"invalid YAML: {exc.problem or exc.context}", where) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", Position(display)) from None
    positions: dict[tuple[str | int, ...], Position] = {}
    if node is None:
        return YamlDocument(display, None, positions)
    data = _construct(node, (), positions, display, 0)
    return YamlDocument(display, data, positions)


def _pos(node: yaml.Node, display: str) -> Position:
    return Position(display, node.start_mark.line + 1, node.start_mark.column + 1)


def _construct(node: yaml.Node, path: tuple[str | int, ...], positions: dict, display: str, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", _pos(node, display))
    positions[path] = _pos(node, display)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError("merge keys (<<) are not supported", _pos(key_node, display))
            key = _scalar(key_node, display)
            if isinstance(key, (list, dict)):
                raise YamlError("mapping keys must be scalars", _pos(key_node, display))
            if key in result:
                raise YamlError(f"duplicate key `{key}`", _pos(key_node, display))
            result[key] = _construct(value_node, (*path, key), positions, display, depth + 1)
            positions[(*path, key)] = _pos(key_node, display)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*path, i), positions, display, depth + 1) for i, item in enumerate(node.value)]
    return _scalar(node, display)


def _scalar(node: yaml.Node, display: str) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise YamlError("expected a scalar", _pos(node, display))
    try:
        value = _SCALAR_LOADER.construct_object(node)
        _SCALAR_LOADER.constructed_objects.clear()  # one shared constructor: keep it from growing
        return value
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid value: {exc}", _pos(node, display)) from None


_SCALAR_LOADER = yaml.SafeLoader("")

