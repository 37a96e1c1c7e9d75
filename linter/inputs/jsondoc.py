"""JSON files as Azure reads them (comments, BOM, multi-line strings), with positions found on demand.

Values are parsed by the C `json` module (fast); the line and column of a value are computed only when a
finding needs them, by one pure-Python scan of the file that indexes every value's position by path. Most
files never produce a finding, so most files never pay for the scan.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.model import Position

MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 200

PathKey = tuple[str | int, ...]


class JsonError(ValueError):
    def __init__(self, message: str, position: Position) -> None:
        super().__init__(message)
        self.position = position


@dataclass(slots=True)
class JsonDocument:
    display: str  # the path shown to users (relative to the scan root, `/` separators)
    text: str  # comment-free text with the same offsets as the file
    data: Any
    _index: dict[PathKey, tuple[int, int]] | None = field(default=None, repr=False)

    def position(self, path: PathKey) -> Position:
        """The position of the value at `path` (keys compared case-insensitively); for a missing path, the
        deepest existing ancestor. For an object member this is the line of its key."""
        index = self._build_index()
        key = tuple(p.lower() if isinstance(p, str) else p for p in path)
        while key:
            found = index.get(key)
            if found is not None:
                return Position(self.display, *found)
            key = key[:-1]
        line, column = index.get((), (1, 1))
        return Position(self.display, line, column)

    def _build_index(self) -> dict[PathKey, tuple[int, int]]:
        if self._index is None:
            self._index = _index_positions(self.text)
        return self._index


@dataclass(frozen=True, slots=True)
class JsonAnchor:
    """Anchors a resource at `base` inside a JSON document; property paths extend the base path."""

    document: JsonDocument
    base: PathKey

    def locate(self, path: PathKey) -> Position | None:
        return self.document.position(self.base + tuple(path))


def read_json(path: Path, display: str) -> JsonDocument:
    try:
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise JsonError(f"file is {size} bytes; the limit is {MAX_JSON_BYTES}", Position(display))
        raw = path.read_bytes()
    except OSError as exc:
        raise JsonError(f"cannot read: {exc.strerror}", Position(display)) from None
    return parse_json(raw, display)


def parse_json(raw: bytes | str, display: str) -> JsonDocument:
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise JsonError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", Position(display)) from None
    else:
        text = raw.lstrip("\ufeff")
    try:
        data = json.loads(text, strict=False)
    except json.JSONDecodeError:
        text = strip_comments(text)
        try:
            data = json.loads(text, strict=False)
        except json.JSONDecodeError as exc:
            raise JsonError(f"invalid JSON: {exc.msg}", Position(display, exc.lineno, exc.colno)) from None
    except RecursionError:
        raise JsonError("JSON nested too deeply", Position(display)) from None
    if _depth_exceeds(data, MAX_DEPTH):
        raise JsonError(f"JSON nested deeper than {MAX_DEPTH} levels", Position(display))
    return JsonDocument(display, text, data)


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether containers nest deeper than `limit` (deeper data would exhaust the stack of later walks).

    Only containers are visited, with exact type checks: this runs on every file, so it must cost a fraction
    of parsing it.
    """
    if type(value) is not dict and type(value) is not list:
        return False
    stack: list[tuple[Any, int]] = [(value, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        item, depth = pop()
        if depth > limit:
            return True
        deeper = depth + 1
        for child in item.values() if type(item) is dict else item:
            kind = type(child)
            if kind is dict or kind is list:
                push((child, deeper))
    return False


_COMMENT_OR_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|//[^\n]*|/\*.*?\*/', re.DOTALL)


def strip_comments(text: str) -> str:
    """Blank out // and /* */ comments outside strings, keeping every offset and newline in place."""

    def blank(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith('"'):
            return token
        return re.sub(r"[^\n]", " ", token)

    return _COMMENT_OR_STRING.sub(blank, text)


_TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*")|([{}\[\],:])|(-?[0-9][0-9.eE+\-]*|true|false|null))', re.DOTALL)


def _index_positions(text: str) -> dict[PathKey, tuple[int, int]]:
    """Map every value's path (lower-case keys) to its (line, column); object members map to their key."""
    line_starts = [0]
    for match in re.finditer("\n", text):
        line_starts.append(match.end())

    import bisect

    def where(offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(line_starts, offset)
        return line, offset - line_starts[line - 1] + 1

    index: dict[PathKey, tuple[int, int]] = {}
    # stack of [container kind, path, next array index, pending key]
    stack: list[list[Any]] = []
    path: PathKey = ()
    pos = 0
    pending_key: str | None = None
    key_offset = 0
    expecting_key = False
    length = len(text)
    while pos < length:
        match = _TOKEN.match(text, pos)
        if match is None:
            break
        pos = match.end()
        string, punct, _literal = match.groups()
        start = match.start(1) if string else match.start(2) if punct else match.start(3)
        if punct == ":" or punct == ",":
            if punct == "," and stack and stack[-1][0] == "{":
                expecting_key = True
            continue
        if punct in ("}", "]"):
            if stack:
                stack.pop()
            expecting_key = False
            continue
        if string is not None and expecting_key:
            try:
                pending_key = json.loads(string, strict=False).lower()
            except json.JSONDecodeError:
                pending_key = string.strip('"').lower()
            key_offset = start
            expecting_key = False
            continue
        # a value starts here: work out its path
        if stack:
            top = stack[-1]
            if top[0] == "{":
                value_path = (*top[1], pending_key if pending_key is not None else "")
                index[value_path] = where(key_offset)
            else:
                value_path = (*top[1], top[2])
                top[2] += 1
                index[value_path] = where(start)
        else:
            value_path = ()
            index[value_path] = where(start)
        if punct == "{":
            stack.append(["{", value_path, 0])
            expecting_key = True
        elif punct == "[":
            stack.append(["[", value_path, 0])
    del path
    return index
