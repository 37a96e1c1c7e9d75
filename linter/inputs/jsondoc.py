"""JSON files as Azure reads them (comments, BOM, multi-line strings), with positions found on demand.

Values are parsed by the C `json` module (fast); the line and column of a value are computed only when a
finding needs them, by one pure-Python scan of the file that indexes every value's position by path. Most
files never produce a finding, so most files never pay for the scan.
"""

from __future__ import annotations

import bisect
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.filesafe import FileReadError, read_regular_file
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
    _found: dict[PathKey, Position] = field(default_factory=dict, repr=False)
    _line_starts: list[int] | None = field(default=None, repr=False)

    def position(self, path: PathKey) -> Position:
        """The position of the value at `path` (keys compared case-insensitively); for a missing path, the
        deepest existing ancestor. For an object member this is the line of its key."""
        key = tuple(p.lower() if isinstance(p, str) else p for p in path)
        found = self._found.get(key)
        if found is None:
            offsets = locate_offsets(self.text, key)
            found = self._position_at(offsets[-1])
            self._found[key] = found
        return found

    def _position_at(self, offset: int) -> Position:
        if self._line_starts is None:
            self._line_starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        line = bisect.bisect_right(self._line_starts, offset)
        return Position(self.display, line, offset - self._line_starts[line - 1] + 1)


@dataclass(frozen=True, slots=True)
class JsonAnchor:
    """Anchors a resource at `base` inside a JSON document; property paths extend the base path."""

    document: JsonDocument
    base: PathKey

    def locate(self, path: PathKey) -> Position | None:
        return self.document.position(self.base + tuple(path))


def read_json(path: Path, display: str) -> JsonDocument:
    try:
        raw = read_regular_file(path, MAX_JSON_BYTES)
    except FileReadError as exc:
        raise JsonError(str(exc), Position(display)) from None
    return parse_json(raw, display)


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without a BOM), or UTF-16/32 with a BOM (what Windows PowerShell's `>` writes)."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom):].decode(codec)
    if len(raw) >= 4 and ((raw[1] == raw[3] == 0 and raw[0] != 0) or (raw[0] == raw[2] == 0 and raw[1] != 0)):
        raise UnicodeDecodeError("utf-8", raw, 0, 2, "UTF-16 text without a byte order mark; save it as UTF-8")
    return raw.decode("utf-8")


_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_LONG_DIGITS = re.compile(r"(?<!\d)\d{4000,}")  # one pass: never restarted inside a run


def parse_json(raw: bytes | str, display: str) -> JsonDocument:
    if isinstance(raw, bytes):
        try:
            text = decode_text(raw)
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
        except ValueError as exc:
            raise _number_error(text, display, exc) from None
        except RecursionError:
            raise JsonError("JSON nested too deeply", Position(display)) from None
    except ValueError as exc:  # an integer over Python's 4,300-digit limit
        raise _number_error(text, display, exc) from None
    except RecursionError:
        raise JsonError("JSON nested too deeply", Position(display)) from None
    if _depth_exceeds(data, MAX_DEPTH):
        raise JsonError(f"JSON nested deeper than {MAX_DEPTH} levels", Position(display))
    return JsonDocument(display, text, data)


def _number_error(text: str, display: str, exc: ValueError) -> JsonError:
    found = _LONG_DIGITS.search(text)
    offset = found.start() if found else 0
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return JsonError(f"a number of more than {sys.get_int_max_str_digits() or 4300} digits cannot be read ({exc})",
                     Position(display, line, column))


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


# An unterminated string or block comment runs to the end of the text: otherwise every later quote or `/*`
# would scan to the end again, and a file of 60 KB of `/* ` would take seconds (a megabyte, most of an hour).
_COMMENT_OR_STRING = re.compile(r'"(?:[^"\\]|\\.)*(?:"|\Z)|//[^\n]*|/\*.*?(?:\*/|\Z)', re.DOTALL)


def strip_comments(text: str) -> str:
    """Blank out // and /* */ comments outside strings, keeping every offset and newline in place."""

    def blank(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith('"'):
            return token
        return re.sub(r"[^\n]", " ", token)

    return _COMMENT_OR_STRING.sub(blank, text)


# Finding a value: walk down the path in the text, stepping over every sibling with the C JSON scanner, so a
# lookup costs about one native parse of what precedes the value, and nothing is indexed in advance.
_SKIPPER = json.JSONDecoder(strict=False)
_SPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def _key_text(token: str) -> str:
    if "\\" not in token:
        return token[1:-1].lower()
    try:
        return json.loads(token, strict=False).lower()
    except json.JSONDecodeError:
        return token[1:-1].lower()


def locate_offsets(text: str, path: PathKey) -> list[int]:
    """Offsets of the root and of each step of `path` that exists (object members: their key)."""
    end = len(text)

    def space(at: int) -> int:
        return _SPACE.match(text, at).end()  # type: ignore[union-attr]

    def char(at: int) -> str:
        return text[at] if at < end else ""

    pos = space(0)
    offsets = [pos]
    try:
        for step in path:
            opening = char(pos)
            if opening == "{" and isinstance(step, str):
                pos = space(pos + 1)
                while char(pos) == '"':
                    match = _STRING.match(text, pos)
                    if match is None:
                        return offsets
                    key_at, key = pos, _key_text(match.group())
                    pos = space(match.end())
                    if char(pos) != ":":
                        return offsets
                    pos = space(pos + 1)
                    if key == step:
                        offsets.append(key_at)
                        break
                    pos = space(_SKIPPER.raw_decode(text, pos)[1])
                    if char(pos) == ",":
                        pos = space(pos + 1)
                else:
                    return offsets
            elif opening == "[" and isinstance(step, int) and step >= 0:
                pos = space(pos + 1)
                for _ in range(step):
                    if char(pos) in ("]", ""):
                        return offsets
                    pos = space(_SKIPPER.raw_decode(text, pos)[1])
                    if char(pos) == ",":
                        pos = space(pos + 1)
                if char(pos) in ("]", ""):
                    return offsets
                offsets.append(pos)
            else:
                return offsets
    except (ValueError, RecursionError):
        pass  # a value the scanner cannot step over: the deepest place found so far
    return offsets
