"""JSON files as Azure reads them (comments, BOM, multi-line strings), with positions found on demand.

Values are parsed by the C `json` module (fast). The line and column of a value are computed only when a
finding needs them, by stepping over the text with the C scanner; every container stepped through remembers
where its members start, so all the findings of a file together cost one pass over it, in any order.

A large export's row array (`data`, `rows`, or a top-level list) is not decoded with the rest of the file: it
becomes `LazyRows`, which records where each row starts and ends, its line and column, and its `type`, and
decodes a row only when asked. Rows no rule reads are never kept, and the whole file never exists as Python
objects at once. A position inside a row is found in that row's text alone (`offset_in_element`: a key is
searched for, not stepped to), so a finding costs its own row, whatever the file's size. Once its rows are
indexed, a UTF-8 export of ASCII text releases its text (`JsonDocument.release_text`): rows and positions
read their own bytes from the file again (`FileText`), only while the file is unchanged.
"""

from __future__ import annotations

import bisect
import json
import os
import re
import sys
from array import array
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from linter.filesafe import FileReadError, open_unchanged, read_regular_file_and_identity
from linter.model import Position
from linter.records import field, record

# A safety limit against a runaway file, not a judgement on exports: 100,000 Resource Graph rows are ~75 MB.
MAX_JSON_BYTES = 1024 * 1024 * 1024
MAX_BYTES_VARIABLE = "DRLINT_MAX_FILE_MB"
MAX_DEPTH = 200
# Documents at least this large have their row arrays decoded lazily (smaller ones are parsed whole).
LAZY_ROWS_ABOVE = 1024 * 1024
_ROW_ARRAY_KEYS = ("data", "Data", "rows")

PathKey = tuple[str | int, ...]


class JsonError(ValueError):
    def __init__(self, message: str, position: Position) -> None:
        super().__init__(message)
        self.position = position


def max_json_bytes() -> int:
    """The size limit: MAX_JSON_BYTES, or DRLINT_MAX_FILE_MB megabytes when that is set to a number."""
    configured = os.environ.get(MAX_BYTES_VARIABLE, "").strip()
    if configured:
        try:
            megabytes = float(configured)
        except ValueError:
            return MAX_JSON_BYTES
        if megabytes > 0:
            return int(megabytes * 1024 * 1024)
    return MAX_JSON_BYTES


@record
class JsonDocument:
    display: str  # the path shown to users (relative to the scan root, `/` separators)
    text: str | None  # comment-free text with the same offsets as the file; None once released
    data: Any
    _found: dict[PathKey, Position] = field(default_factory=dict, repr=False)
    _index: PositionIndex | None = field(default=None, repr=False)
    _rows: dict[PathKey, LazyRows] | None = field(default=None, repr=False)  # row arrays by lower-cased path
    _file: FileText | None = field(default=None, repr=False)  # where a released text is read again

    def position(self, path: PathKey) -> Position:
        """The position of the value at `path` (keys compared case-insensitively); for a missing path, the
        deepest existing ancestor. For an object member this is the line of its key."""
        key = tuple([p.lower() if isinstance(p, str) else p for p in path])
        found = self._found.get(key)
        if found is None:
            found = self._row_position(key)
            if found is None:  # only the whole-text search is worth remembering: a row position costs its row
                found = self._found[key] = self._text_position(key)
        return found

    def _row_position(self, key: PathKey) -> Position | None:
        """A path inside a row of a LazyRows array: found in that row's text alone."""
        if self._rows is None:
            self._rows = _lazy_by_path(self.data)
        for base, rows in self._rows.items():
            depth = len(base)
            if len(key) > depth and type(key[depth]) is int and key[:depth] == base and 0 <= key[depth] < len(rows):
                line, column = rows.locate(key[depth], key[depth + 1:])
                return Position(self.display, line, column)
        return None

    def _text_position(self, key: PathKey) -> Position:
        if self._index is None:
            text = self.text
            if text is None:
                # Released: a position outside the rows (an audit record's problems, row arrays spelled
                # alike) reads the file again, once; the index keeps that text from then on, so a thousand
                # such positions cost one read, never one read each.
                text = self._file.read_all() if self._file is not None else None
                if text is None:
                    return Position(self.display)  # changed since it was read: no line is known
            self._index = PositionIndex(text, _lazy_arrays(self.data))
        index = self._index
        line, column = index.line_column(index.offset(key))
        return Position(self.display, line, column)

    def release_text(self) -> bool:
        """Drop the text of a document whose rows are LazyRows, when it can be read again from its file by
        offset (a UTF-8 file of ASCII text, unchanged since it was read): positions and rows decoded later
        read their own bytes. Whether it was released."""
        if self.text is None:
            return True
        if self._file is None or not self.text.isascii():
            return False
        found = _lazy_found(self.data)
        if not found:
            return False
        for _, lazy in found:
            lazy.text, lazy.source = None, self._file
        self.text, self._index = None, None
        return True


@record(frozen=True)
class JsonAnchor:
    """Anchors a resource at `base` inside a JSON document; property paths extend the base path."""

    document: JsonDocument
    base: PathKey

    def locate(self, path: PathKey) -> Position | None:
        return self.document.position(self.base + tuple(path))


def read_json(path: Path, display: str, lazy_rows: bool = False) -> JsonDocument:
    """The file as a document; with `lazy_rows`, a large one's row arrays are LazyRows (see `parse_json`)."""
    limit = max_json_bytes()
    try:
        size = path.stat().st_size
        if size > limit:
            raise JsonError(
                f"file is {size / 1048576:.0f} MB, over the {limit / 1048576:.0f} MB safety limit; "
                f"to read it, raise the limit (environment variable {MAX_BYTES_VARIABLE}=<megabytes>)",
                Position(display))
        # Never a FIFO's or a device's endless read. The status is the one taken as the file was opened: a
        # file changed while or after it is read is not the file whose offsets its rows were read at.
        raw, opened = read_regular_file_and_identity(path, limit)
        info = opened if lazy_rows else None
    except FileReadError as exc:
        raise JsonError(str(exc), Position(display)) from None
    except OSError as exc:
        raise JsonError(f"cannot read: {exc.strerror}", Position(display)) from None
    text = _decoded(raw, display)
    read_bytes, shift = len(raw), len(_UTF8_BOM) if raw.startswith(_UTF8_BOM) else 0
    utf8 = not raw.startswith(tuple(bom for bom, codec in _BOMS if codec != "utf-8"))
    del raw  # the bytes and the text are never both kept while the file is parsed
    document = parse_json(text, display, LAZY_ROWS_ABOVE if lazy_rows else None)
    if (info is not None and utf8 and document.text is not None and info.st_size == read_bytes
            and shift + len(document.text) == read_bytes):
        # UTF-8 text with as many characters as bytes (ASCII) is its bytes: offset N of the text is byte
        # N + `shift` of the file; a release (`JsonDocument.release_text`) checks the text is ASCII
        document._file = FileText(path, shift, info)
    return document


def _decoded(raw: bytes, display: str) -> str:
    try:
        return decode_text(raw)
    except UnicodeDecodeError as exc:
        raise JsonError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", Position(display)) from None


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without a BOM), or UTF-16/32 with a BOM (what Windows PowerShell's `>` writes)."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom):].decode(codec)
    if len(raw) >= 4 and ((raw[1] == raw[3] == 0 and raw[0] != 0) or (raw[0] == raw[2] == 0 and raw[1] != 0)):
        raise UnicodeDecodeError("utf-8", raw, 0, 2, "UTF-16 text without a byte order mark; save it as UTF-8")
    return raw.decode("utf-8")


_UTF8_BOM = b"\xef\xbb\xbf"
_CHANGED = "the file changed while it was being checked; scan it again"  # a released export read again
_BOMS = ((_UTF8_BOM, "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_LONG_DIGITS = re.compile(r"(?<!\d)\d{4000,}")  # one pass: never restarted inside a run


def _number_error(text: str, display: str, exc: ValueError) -> JsonError:
    """An integer over Python's digit limit (json.loads raises a bare ValueError): located at the number."""
    found = _LONG_DIGITS.search(text)
    offset = found.start() if found else 0
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return JsonError(f"a number of more than {sys.get_int_max_str_digits() or 4300} digits cannot be read ({exc})",
                     Position(display, line, column))


def parse_json(raw: bytes | str, display: str, lazy_rows_above: int | None = None) -> JsonDocument:
    """A document. With `lazy_rows_above`, one of at least that many characters has its row arrays as
    LazyRows (only readers of Resource Graph exports ask for that: everyone else gets plain lists)."""
    text = _decoded(raw, display) if isinstance(raw, bytes) else raw.lstrip("\ufeff")
    if lazy_rows_above is not None and len(text) >= lazy_rows_above:
        data = _shallow_parse(text)
        if data is not _NOT_SHALLOW:
            return JsonDocument(display, text, data)
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


# Stepping over values: the C scanner decodes a value and says where it ends; what it built is dropped.
_SKIPPER = json.JSONDecoder(strict=False)
_SCAN = _SKIPPER.scan_once  # (text, offset) -> (value, end); StopIteration when no value starts there
_SPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_KEY = r'[ \t\n\r]*("[^"\\]*(?:\\.[^"\\]*)*")[ \t\n\r]*:[ \t\n\r]*'  # a member's key, up to its value
_MEMBER = re.compile(_KEY, re.DOTALL)
_NEXT_MEMBER = re.compile(r"[ \t\n\r]*," + _KEY, re.DOTALL)  # after a value: the next member's key
_STRING_THEN_MEMBER = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"[ \t\n\r]*,' + _KEY, re.DOTALL)
_COMMA = re.compile(r"[ \t\n\r]*,")
_ELEMENT_SEPARATOR = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")
# A number, literal or empty container value, then the next member's key: what `_SCAN` and `_NEXT_MEMBER`
# together would match (the same number grammar), without decoding a value only to step over it.
_SCALAR_THEN_MEMBER = re.compile(
    r"(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|\{[ \t\n\r]*\}|\[[ \t\n\r]*\])"
    r"[ \t\n\r]*," + _KEY, re.DOTALL)
# Containers inside array elements (rows and their members) whose member offsets are remembered: the findings
# of one row are looked up together, and memory stays flat however many rows have findings.
_KEPT_CONTAINERS = 1024
_NOT_SHALLOW = object()


def _key_text(token: str) -> str:
    if "\\" not in token:
        return token[1:-1]
    try:
        return json.loads(token, strict=False)
    except json.JSONDecodeError:
        return token[1:-1]


class LazyRows(Sequence[Any]):
    """The elements of a large row array, decoded on demand.

    Built by one pass of the C scanner that records where each element starts and ends, the line and column
    it starts at and, for an object, its `type` member (lower-cased), so a reader can leave rows of types it
    does not want undecoded. Rows wanted together are decoded together (`decode_many`): one scanner call per
    batch shares the member names between rows, as a whole parse would, instead of a copy of every name in
    every row. Once the document's text is released, a row is read again from the file by its offsets.
    """

    __slots__ = ("_last_located", "_window", "columns", "ends", "lines", "offsets", "source", "start", "text",
                 "types")

    BATCH = 1000
    SPAN = 4 * 1024 * 1024
    # Positions of a released export: findings come rule by rule, each rule's in row order. When one follows
    # the last by at most NEAR rows, the rows of about AHEAD more such findings are read with it (at most
    # WINDOW characters, kept until a finding falls outside them): one read for a run of dense findings
    # instead of one each, and sparse findings still read their own row alone.
    NEAR = 16
    AHEAD = 64
    WINDOW = 1024 * 1024

    def __init__(self, text: str, start: int, offsets: array, ends: array, types: list[str | None],
                 lines: array, columns: array) -> None:
        self.text: str | None = text
        self.source: FileText | None = None  # where rows are read once the text is released
        self.start = start  # the offset of `[`
        self.offsets = offsets
        self.ends = ends
        self.types = types
        self.lines = lines  # the line and column each element starts at
        self.columns = columns
        self._window: tuple[int, str] | None = None  # (offset, text) of rows read ahead for positions
        self._last_located = -1

    def __len__(self) -> int:
        return len(self.offsets)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.decode(i) for i in range(*index.indices(len(self.offsets)))]
        return self.decode(index)

    def __iter__(self) -> Iterator[Any]:
        return (self.decode(i) for i in range(len(self.offsets)))

    def head(self, count: int) -> list[Any]:
        """The first `count` elements that decode (one too deep is left to the reader to report)."""
        found = []
        for index in range(min(count, len(self.offsets))):
            try:
                found.append(self.decode(index))
            except JsonError:
                continue
        return found

    def row_text(self, index: int) -> tuple[str, int, int] | None:
        """The text holding the element at `index`, and where the element starts and ends in it: the
        document's text, or once that is released, the element's own text read again from the file (None
        when the file has changed since)."""
        if self.text is not None:
            return self.text, self.offsets[index], self.ends[index]
        if self.source is None:
            return None
        found = self.source.read(self.offsets[index], self.ends[index])
        return None if found is None else (found, 0, len(found))

    def decode(self, index: int) -> Any:
        """The element at `index` (a fresh object each time); JsonError when it nests deeper than MAX_DEPTH."""
        where = self.row_text(index)
        if where is None:
            raise JsonError(_CHANGED, Position(""))
        text, start, end = where
        try:
            value = _SCAN(text, start)[0]
        except (StopIteration, ValueError, RecursionError):
            raise JsonError("JSON nested too deeply", Position("")) from None
        if _may_be_too_deep(text, start, end) and _depth_exceeds(value, MAX_DEPTH - 2):
            raise JsonError(f"JSON nested deeper than {MAX_DEPTH} levels", Position(""))
        return value

    def decode_many(self, indexes: Sequence[int]) -> Iterator[tuple[int, Any]]:
        """(index, element) for each index, in order; the element is a JsonError when it cannot be used."""
        offsets, ends = self.offsets, self.ends
        for batch, base, stop in self._batches(indexes):
            text = self.text
            if text is None:  # released: the batch's stretch of the file is read again
                text = self.source.read(base, stop) if self.source is not None else None
                if text is None:
                    changed = JsonError(_CHANGED, Position(""))
                    for index in batch:
                        yield index, changed
                    continue
            joined = "[" + ",".join([text[offsets[i] - base:ends[i] - base] for i in batch]) + "]"
            try:
                values = _SCAN(joined, 0)[0]
            except (StopIteration, ValueError, RecursionError):
                values = None
            del joined
            for position, index in enumerate(batch):
                if values is None:
                    try:
                        yield index, self.decode(index)
                    except JsonError as exc:
                        yield index, exc
                    continue
                value = values[position]
                values[position] = None
                if (_may_be_too_deep(text, offsets[index] - base, ends[index] - base)
                        and _depth_exceeds(value, MAX_DEPTH - 2)):
                    yield index, JsonError(f"JSON nested deeper than {MAX_DEPTH} levels", Position(""))
                else:
                    yield index, value

    def _batches(self, indexes: Sequence[int]) -> Iterator[tuple[Sequence[int], int, int]]:
        """`indexes` in batches of BATCH, each with the stretch of text its rows lie in; once the text is
        released (the stretch is read from the file), of at most SPAN characters each: a batch of rows far
        apart is split rather than read with all the rows between them."""
        offsets, ends = self.offsets, self.ends
        for first in range(0, len(indexes), self.BATCH):
            batch = indexes[first:first + self.BATCH]
            if self.text is not None:
                yield batch, 0, 0
                continue
            low, high = min(map(offsets.__getitem__, batch)), max(map(ends.__getitem__, batch))
            if high - low <= self.SPAN:
                yield batch, low, high
                continue
            part: list[int] = []
            for index in batch:
                if part and (max(high, ends[index]) - min(low, offsets[index]) > self.SPAN):
                    yield part, low, high
                    part = []
                if not part:
                    low, high = offsets[index], ends[index]
                part.append(index)
                low, high = min(low, offsets[index]), max(high, ends[index])
            if part:
                yield part, low, high

    def locate(self, index: int, path: PathKey) -> tuple[int, int]:
        """Line and column of the value at `path` (lower-case keys) inside the element at `index`, or of its
        deepest existing ancestor: found in the element's text alone, lines counted from where it starts."""
        line, column = self.lines[index], self.columns[index]
        where = self.row_text(index) if self.text is not None else self._located_text(index)
        if where is None:  # the file changed: the element's start, as it was read
            return line, column
        text, start, end = where
        offset = offset_in_element(text, start, end, path)
        newline = text.rfind("\n", start, offset)
        if newline < 0:
            return line, column + offset - start
        return line + text.count("\n", start, offset), offset - newline


    def _located_text(self, index: int) -> tuple[str, int, int] | None:
        """`row_text` of a released export for a position: from the rows read ahead when they hold it, else
        read from the file, with the rows after it when findings are coming close together in row order."""
        start, end = self.offsets[index], self.ends[index]
        gap, self._last_located = index - self._last_located, index
        window = self._window
        if window is not None and window[0] <= start and end <= window[0] + len(window[1]):
            return window[1], start - window[0], end - window[0]
        self._window = None
        if self.source is None:
            return None
        stop = end
        if 0 < gap <= self.NEAR:
            ahead = min(len(self.offsets) - 1, index + gap * self.AHEAD)
            stop = max(end, min(self.ends[ahead], start + self.WINDOW))
        found = self.source.read(start, stop)
        if found is None:
            return None
        if stop > end:
            # one window in the whole run: a scan of many exports holds one, not one per export
            if _READ_AHEAD and _READ_AHEAD[0] is not self:
                _READ_AHEAD[0]._window = None
            _READ_AHEAD[:] = [self]
            self._window = (start, found)
        return found, 0, end - start


def _may_be_too_deep(text: str, start: int, end: int) -> bool:
    # Nesting needs brackets: an element with fewer than the limit (counted in C) needs no walk.
    return text.count("{", start, end) + text.count("[", start, end) > MAX_DEPTH - 2


_READ_AHEAD: list[LazyRows] = []  # the LazyRows holding rows read ahead for positions (one at a time)
_OPEN: dict[FileText, int] = {}  # FileText's open descriptors, least recently read first


class FileText:
    """The file a document was read from, for reading parts of its text again by offset once the document
    has released its text: only while the file is unchanged (same file, size and modification time).

    At most OPEN_FILES descriptors are open at once, the most recently read (a scan of a thousand large
    exports must not run out of descriptors); a file is opened again, and checked again, when next read."""

    __slots__ = ("changed", "info", "path", "shift")

    OPEN_FILES = 16

    def __init__(self, path: Path, shift: int, info: os.stat_result) -> None:
        self.path = path
        self.shift = shift  # bytes before the text (a byte order mark)
        self.info = info
        self.changed = False

    def _descriptor(self) -> int | None:
        fd = _OPEN.pop(self, None)
        if fd is None:
            if self.changed:
                return None
            fd = open_unchanged(self.path, self.info)
            if fd is None:
                self.changed = True
                return None
            while len(_OPEN) >= self.OPEN_FILES:
                os.close(_OPEN.pop(next(iter(_OPEN))))
        _OPEN[self] = fd
        return fd

    def read(self, start: int, end: int) -> str | None:
        """The text from offset `start` to `end`; None when the file has changed or cannot be read."""
        fd = self._descriptor()
        if fd is None:
            return None
        try:
            os.lseek(fd, start + self.shift, os.SEEK_SET)
            chunks, wanted = [], end - start
            while wanted > 0:
                chunk = os.read(fd, wanted)
                if not chunk:
                    break
                chunks.append(chunk)
                wanted -= len(chunk)
            if wanted or os.fstat(fd).st_mtime_ns != self.info.st_mtime_ns:
                self.changed = True
                os.close(_OPEN.pop(self))
                return None
            return b"".join(chunks).decode("ascii")
        except (OSError, UnicodeDecodeError):
            return None

    def read_all(self) -> str | None:
        return self.read(0, self.info.st_size - self.shift)


def _row_type(value: Any) -> str | None:
    if type(value) is dict:
        found = value.get("type")
        if found is None:
            for key, item in value.items():
                if key.lower() == "type":
                    found = item
                    break
        if type(found) is str:
            return found.lower()
    return None


def _lazy_rows(text: str, start: int) -> tuple[LazyRows, int]:
    """The array at `start` as LazyRows, and the offset just after it."""
    offsets, ends, lines, columns = array("q"), array("q"), array("q"), array("q")
    types: list[str | None] = []
    interned: dict[str, str] = {}
    space, next_element, end = _SPACE.match, _ELEMENT_SEPARATOR.match, len(text)
    # the line of the element last seen, and the offset its line starts at (lines counted between elements)
    line, line_start, counted = text.count("\n", 0, start) + 1, text.rfind("\n", 0, start) + 1, start
    rows = LazyRows(text, start, offsets, ends, types, lines, columns)
    pos = space(text, start + 1).end()
    if pos < end and text[pos] == "]":
        return rows, pos + 1
    while True:
        try:
            value, after = _SCAN(text, pos)
        except StopIteration:
            raise ValueError("expected a value") from None
        offsets.append(pos)
        ends.append(after)
        newlines = text.count("\n", counted, pos)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", counted, pos) + 1
        counted = pos
        lines.append(line)
        columns.append(pos - line_start + 1)
        row_type = _row_type(value)
        types.append(interned.setdefault(row_type, row_type) if row_type is not None else None)
        separator = next_element(text, after)  # `,` and the space around it, in one match
        if separator is None:
            pos = space(text, after).end()
            if pos >= end:
                raise ValueError("unterminated array")
            if text[pos] == "]":
                return rows, pos + 1
            raise ValueError("expected , or ]")
        pos = separator.end()


def _shallow_parse(text: str) -> Any:
    """The document with its row arrays as LazyRows; _NOT_SHALLOW when it is not valid strict JSON (comments,
    a syntax error) or too deep, for the whole parse to handle and report."""
    try:
        pos = _SPACE.match(text, 0).end()
        if pos < len(text) and text[pos] == "[":
            value, after = _lazy_rows(text, pos)
        elif pos < len(text) and text[pos] == "{":
            value, after = _shallow_object(text, pos, nested=False)
        else:
            return _NOT_SHALLOW
        if _SPACE.match(text, after).end() != len(text):
            return _NOT_SHALLOW
    except (StopIteration, ValueError, RecursionError):
        return _NOT_SHALLOW
    if _depth_exceeds(value, MAX_DEPTH):
        return _NOT_SHALLOW
    return value


def _shallow_object(text: str, start: int, nested: bool) -> tuple[dict[str, Any], int]:
    """An object whose row-array members are LazyRows (one level down too: a table under `data`)."""
    result: dict[str, Any] = {}
    space, end = _SPACE.match, len(text)
    pos = space(text, start + 1).end()
    if pos < end and text[pos] == "}":
        return result, pos + 1
    while True:
        match = _STRING.match(text, pos)
        if match is None:
            raise ValueError("expected a key")
        key = json.loads(match.group(), strict=False)
        pos = space(text, match.end()).end()
        if pos >= end or text[pos] != ":":
            raise ValueError("expected :")
        pos = space(text, pos + 1).end()
        opening = text[pos] if pos < end else ""
        if key in _ROW_ARRAY_KEYS and opening == "[":
            result[key], pos = _lazy_rows(text, pos)
        elif key in _ROW_ARRAY_KEYS[:2] and opening == "{" and not nested:
            result[key], pos = _shallow_object(text, pos, nested=True)
        else:
            result[key], pos = _SCAN(text, pos)
        pos = space(text, pos).end()
        if pos < end and text[pos] == "}":
            return result, pos + 1
        if pos >= end or text[pos] != ",":
            raise ValueError("expected , or }")
        pos = space(text, pos + 1).end()


def _lazy_arrays(data: Any) -> dict[int, LazyRows]:
    """The LazyRows of a document by the offset of their `[` (their element offsets are already known)."""
    return {rows.start: rows for _, rows in _lazy_found(data)}


def _lazy_by_path(data: Any) -> dict[PathKey, LazyRows]:
    """The LazyRows of a document by their lower-cased path, but for paths two of them share (`Data` and
    `data`: which one a path means is left to the whole-text search, as before)."""
    found: dict[PathKey, LazyRows] = {}
    ambiguous: set[PathKey] = set()
    for path, rows in _lazy_found(data):
        if path in found:
            ambiguous.add(path)
        found[path] = rows
    for path in ambiguous:
        del found[path]
    return found


def _lazy_found(data: Any) -> list[tuple[PathKey, LazyRows]]:
    """Every LazyRows of a document, with its lower-cased path."""
    found: list[tuple[PathKey, LazyRows]] = []
    stack: list[tuple[PathKey, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, LazyRows):
            found.append((path, value))
        elif type(value) is dict:
            stack.extend(((*path, k.lower()), v) for k, v in value.items() if k in _ROW_ARRAY_KEYS)
    return found


# Finding a member inside one element by searching for its key (C-speed), instead of stepping over every
# member before it: exact for text without backslashes (no escaped key or quote can hide or fake a key) and
# keys of plain characters, where a match of `"key"` followed by `:` can only be a key of some object; the
# brackets outside strings between the object's start and the match say whether it is this object's.
_SIMPLE_KEY = re.compile(r"[a-z0-9_$@.\-]+\Z")
# Brackets outside strings (text without backslashes): the strings blanked out, then the brackets left found,
# both in C (a row has tens of strings and a few brackets before a key: a Python step per string cost more).
_QUOTED = re.compile(r'"[^"]*"')
_BRACKET = re.compile(r"[\[\]{}]")
_key_patterns: dict[str, re.Pattern[str]] = {}
_UNSURE = (-1, -1)


def offset_in_element(text: str, start: int, end: int, path: PathKey) -> int:
    """The offset of the value at `path` (lower-case keys) inside the element between `start` and `end` (an
    object member: its key), or of the deepest existing ancestor."""
    shown = value_at = start
    plain: bool | None = None  # whether the element's text has no backslash and is ASCII, once asked
    for step in path:
        opening = text[value_at] if value_at < end else ""
        found: tuple[int, int] | None
        if opening == "{" and type(step) is str:
            if plain is None:
                plain = text.find("\\", start, end) < 0 and (text.isascii() or text[start:end].isascii())
            found = _member(text, value_at, end, step) if plain else _UNSURE
            if found is _UNSURE:
                found = _Members("{", value_at + 1).find(text, step)
        elif opening == "[" and type(step) is int:
            found = _Members("[", value_at + 1).find(text, step)
        else:
            return shown
        if found is None:
            return shown
        shown, value_at = found
    return shown


def _member(text: str, container: int, end: int, key: str) -> tuple[int, int] | None:
    """(key offset, value offset) of member `key` of the object at `container` (ASCII text without
    backslashes, ending by `end`), None when it has none, or _UNSURE for a key this search cannot find."""
    pattern = _key_patterns.get(key)
    if pattern is None:
        if not _SIMPLE_KEY.match(key):
            return _UNSURE
        if len(_key_patterns) > 4096:
            _key_patterns.clear()
        pattern = _key_patterns[key] = re.compile(
            '"' + re.escape(key) + r'"[ \t\n\r]*:[ \t\n\r]*', re.IGNORECASE | re.ASCII)
    depth, counted, pos = 0, container + 1, container + 1
    while True:
        found = pattern.search(text, pos, end)
        if found is None:
            return None
        at = found.start()
        for bracket in _BRACKET.findall(_QUOTED.sub("", text[counted:at])):
            if bracket in "{[":
                depth += 1
            else:
                depth -= 1
                if depth < 0:  # the object ended before this key
                    return None
        if depth == 0:
            return at, found.end()
        counted, pos = at, found.end()


class _Members:
    """What stepping through one container has found so far: where each member starts, and where to go on.

    For an object, members maps each lower-cased key (the first of that spelling) to (key offset, value
    offset); for an array, members lists the offsets of its elements.
    """

    __slots__ = ("cursor", "done", "is_object", "members", "pending")

    def __init__(self, opening: str, after_open: int) -> None:
        self.is_object = opening == "{"
        self.members: Any = {} if self.is_object else []
        self.cursor = after_open  # where the next member starts (or a value to step over, if pending)
        self.pending = False
        self.done = False

    def advance(self, text: str) -> None:
        """Find one more member, or mark the container done."""
        try:
            pos = self.cursor
            if not self.is_object:
                if self.pending:
                    comma = _COMMA.match(text, _SCAN(text, pos)[1])
                    if comma is None:  # the closing bracket, or text the scanner cannot step over
                        self.done = True
                        return
                    pos = comma.end()
                pos = _SPACE.match(text, pos).end()
                if pos >= len(text) or text[pos] == "]":
                    self.done = True
                    return
                self.members.append(pos)
            else:
                if not self.pending:
                    member = _MEMBER.match(text, pos)
                elif text.startswith('"', pos):  # a string value: stepped over by the same expression
                    member = _STRING_THEN_MEMBER.match(text, pos)
                else:
                    member = _SCALAR_THEN_MEMBER.match(text, pos)
                    if member is None:
                        member = _NEXT_MEMBER.match(text, _SCAN(text, pos)[1])
                if member is None:  # the closing brace, or text the scanner cannot step over
                    self.done = True
                    return
                pos = member.end()
                key = member.group(1)
                key = key[1:-1] if "\\" not in key else _key_text(key)
                self.members.setdefault(key.lower(), (member.start(1), pos))
            self.cursor, self.pending = pos, True
        except (StopIteration, ValueError, RecursionError):  # a value the scanner cannot step over
            self.done = True

    def find(self, text: str, step: str | int) -> tuple[int, int] | None:
        """(shown offset, value offset) of a member: an object member is shown at its key."""
        if self.is_object:
            if not isinstance(step, str):
                return None
            found = self.members.get(step)
            if found is None and not self.done:
                found = self._find_key(text, step)
            return found
        if not isinstance(step, int) or step < 0:
            return None
        while len(self.members) <= step and not self.done:
            self.advance(text)
        if step < len(self.members):
            return self.members[step], self.members[step]
        return None


    def _find_key(self, text: str, step: str) -> tuple[int, int] | None:
        """Step through an object's members up to the key `step`: `advance` for objects, as one loop (a
        finding in a row steps over a dozen members before it, and the calls cost more than the steps)."""
        members = self.members
        member_match, string_then, scalar_then, next_member = (
            _MEMBER.match, _STRING_THEN_MEMBER.match, _SCALAR_THEN_MEMBER.match, _NEXT_MEMBER.match)
        pos, pending = self.cursor, self.pending
        try:
            while True:
                if not pending:
                    member = member_match(text, pos)
                elif text.startswith('"', pos):
                    member = string_then(text, pos)
                else:
                    member = scalar_then(text, pos)
                    if member is None:
                        member = next_member(text, _SCAN(text, pos)[1])
                if member is None:  # the closing brace, or text the scanner cannot step over
                    self.done = True
                    break
                pos, pending = member.end(), True
                key = member.group(1)
                key = (key[1:-1] if "\\" not in key else _key_text(key)).lower()
                members.setdefault(key, (member.start(1), pos))
                if key == step:
                    break
        except (StopIteration, ValueError, RecursionError):  # a value the scanner cannot step over
            self.done = True
        self.cursor, self.pending = pos, pending
        return members.get(step)


class PositionIndex:
    """Offsets of values by path, and lines and columns of offsets, each found once.

    Containers remember their members' offsets as they are stepped through, so the findings of a file cost
    one pass over the containers on their paths; lines are counted from the nearest offset already resolved.
    """

    def __init__(self, text: str, lazy: dict[int, LazyRows] | None = None) -> None:
        self.text = text
        self._containers: dict[PathKey, _Members] = {}
        self._deep: deque[PathKey] = deque()  # containers inside array elements, oldest first
        self._lazy = lazy or {}
        # resolved offsets with their line and the offset at which that line starts, in offset order
        self._offsets = [0]
        self._lines = [1]
        self._line_starts = [0]

    def offset(self, path: PathKey) -> int:
        """The offset of the value at `path` (an object member: its key), or of the deepest existing
        ancestor. Keys in `path` are lower-case."""
        text = self.text
        value_at = shown = _SPACE.match(text, 0).end()
        in_element = False  # whether `key` has an array index in it
        for depth, step in enumerate(path):
            key = path[:depth]
            container = self._containers.get(key)
            if container is None:
                opening = text[value_at] if value_at < len(text) else ""
                if opening not in ("{", "["):
                    return shown
                container = self._containers[key] = _Members(opening, value_at + 1)
                if in_element:  # inside an array element (a row): keep the latest
                    self._deep.append(key)
                    if len(self._deep) > _KEPT_CONTAINERS:
                        self._containers.pop(self._deep.popleft(), None)
                lazy = self._lazy.get(value_at)
                if lazy is not None:
                    container.members, container.done = list(lazy.offsets), True
            found = container.find(text, step)
            if found is None:
                return shown
            shown, value_at = found
            if type(step) is int:
                in_element = True
        return shown

    def line_column(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an offset, counting newlines from the nearest resolved offset."""
        text, offsets = self.text, self._offsets
        at = bisect.bisect_right(offsets, offset) - 1
        below = offsets[at]
        if below == offset:
            return self._lines[at], offset - self._line_starts[at] + 1
        if at + 1 < len(offsets) and offsets[at + 1] - offset < offset - below:
            line = self._lines[at + 1] - text.count("\n", offset, offsets[at + 1])
        else:
            line = self._lines[at] + text.count("\n", below, offset)
        newline = text.rfind("\n", below, offset)
        line_start = newline + 1 if newline >= 0 else self._line_starts[at]
        offsets.insert(at + 1, offset)
        self._lines.insert(at + 1, line)
        self._line_starts.insert(at + 1, line_start)
        return line, offset - line_start + 1
