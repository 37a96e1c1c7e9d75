"""Field paths: the jsonpath-ng syntax, compiled once into steps evaluated case-insensitively.

jsonpath-ng's parser is slow to call (milliseconds a path), and its evaluation is case-sensitive and knows
nothing of Unknown values. So a path is parsed into a tuple of steps once, simple dotted paths by a
fast equivalent of jsonpath-ng's grammar (checked against jsonpath-ng in the tests), anything else by
jsonpath-ng itself; evaluation then walks the steps here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from linter.model import MISSING, Unknown, get_ci
from linter.records import record

WILDCARD = "*"
Step = str | int  # a str is a field name (or WILDCARD for every element/value); an int is an array index


class PathError(ValueError):
    pass


_SIMPLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[(?:\d+|\*)\])*\Z")
_SIMPLE_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+|\*)\]")


@record(frozen=True)
class FieldPath:
    text: str
    steps: tuple[Step, ...]

    @property
    def has_wildcard(self) -> bool:
        return WILDCARD in self.steps

    def key(self) -> tuple[str | int, ...]:
        """The path as a position key (lower-case names), for locating the value in its source."""
        return _position_key(self.steps)


@lru_cache(maxsize=4096)
def _position_key(steps: tuple[Step, ...]) -> tuple[str | int, ...]:
    return tuple(s.lower() if isinstance(s, str) else s for s in steps if s != WILDCARD)


@lru_cache(maxsize=4096)
def compile_path(text: str) -> FieldPath:
    if _SIMPLE.match(text):
        steps: list[Step] = []
        for m in _SIMPLE_STEP.finditer(text):
            if m.group(1) is not None:
                steps.append(m.group(1))
            else:
                steps.append(WILDCARD if m.group(2) == "*" else int(m.group(2)))
        return FieldPath(text, tuple(steps))
    return FieldPath(text, _steps_from_jsonpath(text))


def _steps_from_jsonpath(text: str) -> tuple[Step, ...]:
    from jsonpath_ng import jsonpath
    from jsonpath_ng.parser import parse

    try:
        tree = parse(text)
    except Exception as exc:  # jsonpath-ng raises bare Exceptions for syntax errors
        raise PathError(f"invalid field path {text!r}: {exc}") from None

    steps: list[Step] = []

    def walk(node: Any) -> None:
        if isinstance(node, jsonpath.Child):
            walk(node.left)
            walk(node.right)
        elif isinstance(node, jsonpath.Fields):
            if len(node.fields) != 1:
                raise PathError(f"field path {text!r}: one field name per step")
            steps.append(WILDCARD if node.fields[0] == "*" else node.fields[0])
        elif isinstance(node, jsonpath.Index):
            if len(node.indices) != 1:
                raise PathError(f"field path {text!r}: one index per step")
            steps.append(node.indices[0])
        elif isinstance(node, getattr(jsonpath, "Wildcard", ())) or (
            isinstance(node, jsonpath.Slice) and node.start is None and node.end is None and node.step is None
        ):
            steps.append(WILDCARD)
        elif isinstance(node, jsonpath.Root):
            pass
        else:
            raise PathError(
                f"field path {text!r}: only names, quoted names, [N] and [*] are supported, not {node}"
            )

    walk(tree)
    if not steps:
        raise PathError(f"field path {text!r} names no field")
    return tuple(steps)


def resolve(root: Any, path: FieldPath) -> Any:
    """The value at `path`: MISSING when absent, Unknown when an Unknown lies on the way.

    A path with a wildcard returns a list of the values it reaches (MISSING ones left out), or Unknown.
    """
    # Most paths are plain names through plain dicts (`sku.name`): walk them directly, exact keys first.
    value = root
    for step in path.steps:
        if type(value) is not dict or type(step) is not str or step == WILDCARD:
            break
        found = value.get(step, MISSING)
        if found is MISSING:
            found = get_ci(value, step)
        if found is MISSING or found is None:
            return MISSING
        value = found
    else:
        return value
    values = [root]
    fanned = False
    for step in path.steps:
        next_values: list[Any] = []
        for value in values:
            if isinstance(value, Unknown):
                return value
            if step == WILDCARD:
                fanned = True
                if isinstance(value, list):
                    next_values.extend(value)
                elif isinstance(value, Mapping):
                    next_values.extend(value.values())
            elif isinstance(step, int):
                if isinstance(value, list) and -len(value) <= step < len(value):
                    next_values.append(value[step])
                elif not fanned:
                    return MISSING
            elif isinstance(value, Mapping):
                found = get_ci(value, step)
                if found is MISSING or found is None:
                    if not fanned:
                        return MISSING
                else:
                    next_values.append(found)
            elif not fanned:
                return MISSING
        values = next_values
    if fanned:
        for value in values:
            if isinstance(value, Unknown):
                return value
        return values
    return values[0] if values else MISSING
