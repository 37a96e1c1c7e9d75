"""Safe YAML loading that can say where a key or value is (file:line:col) and rejects duplicate keys.

Rule and config files are untrusted: only the safe loader is used, and size, nesting, aliases and the size of
the document once aliases are expanded are bounded (a "billion laughs" file is an error, not a hang).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from linter.filesafe import FileReadError, read_regular_file
from linter.located import LocatedDocument
from linter.model import Position

MAX_YAML_BYTES = 1_000_000
MAX_DEPTH = 64
MAX_ALIASES = 100  # anchors are a convenience in a rule file; thousands of them are an attack
MAX_NODES = 200_000  # values in the document once aliases are expanded

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(ValueError):
    def __init__(self, message: str, position: Position) -> None:
        super().__init__(message)
        self.position = position


def read_text(path: Path, display: str) -> str:
    try:
        raw = read_regular_file(path, MAX_YAML_BYTES)
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", Position(display)) from None
    except FileReadError as exc:
        raise YamlError(str(exc), Position(display)) from None


def load_yaml(text: str, display: str) -> LocatedDocument:
    """Parse one YAML document, keeping positions. Raises YamlError with a position on any problem."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Position(display, mark.line + 1, mark.column + 1) if mark else Position(display)
        raise YamlError(f"invalid YAML: {exc.problem or exc.context}", where) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", Position(display)) from None
    except RecursionError:
        raise YamlError(f"invalid YAML: nested deeper than {MAX_DEPTH} levels", Position(display)) from None
    positions: dict[tuple[str | int, ...], Position] = {}
    if node is None:
        return LocatedDocument(display, None, positions)
    data = _Constructor(display, positions).construct(node, (), 0)
    return LocatedDocument(display, data, positions)


def _pos(node: yaml.Node, display: str) -> Position:
    return Position(display, node.start_mark.line + 1, node.start_mark.column + 1)


class _Constructor:
    """Builds plain data from the node graph, counting what aliases would make it expand to."""

    def __init__(self, display: str, positions: dict[tuple[str | int, ...], Position]) -> None:
        self.display = display
        self.positions = positions
        self.nodes = 0
        self.seen: set[int] = set()
        self.aliases = 0

    def construct(self, node: yaml.Node, path: tuple[str | int, ...], depth: int) -> Any:
        display = self.display
        if depth > MAX_DEPTH:
            raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", _pos(node, display))
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise YamlError(f"the document expands to more than {MAX_NODES} values (YAML aliases?); "
                            "write it out or split it", _pos(node, display))
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            # A collection met a second time is an alias (`*name`): each one repeats the whole anchored value.
            if id(node) in self.seen:
                self.aliases += 1
                if self.aliases > MAX_ALIASES:
                    raise YamlError(f"more than {MAX_ALIASES} aliases (*name) of collections; write the values "
                                    "out", _pos(node, display))
            self.seen.add(id(node))
        self.positions[path] = _pos(node, display)
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
                result[key] = self.construct(value_node, (*path, key), depth + 1)
                self.positions[(*path, key)] = _pos(key_node, display)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.construct(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
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
    except (ValueError, OverflowError) as exc:
        # an impossible date (2024-02-30), an integer over Python's 4,300-digit limit
        _SCALAR_LOADER.constructed_objects.clear()
        raise YamlError(f"invalid value {_shown(node.value)}: {exc}; quote it to make it text",
                        _pos(node, display)) from None


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "...")


_SCALAR_LOADER = yaml.SafeLoader("")

