"""Reading an untrusted file: only a regular file, never more than a limit.

A FIFO blocks a plain `open()` forever and a character device (`/dev/zero`) never ends, so every input drlint
reads (templates, exports, Bicep files, rule files, drlint.yaml, files a template loads) comes through here:
the file is opened without blocking, checked to be a regular file on the open descriptor (no window between
a check and the open), and read up to its limit.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


class FileReadError(OSError):
    """Why a file was not read, as a sentence for a diagnostic."""


def kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def _regular_file(path: Path | str) -> Iterator[tuple[int, os.stat_result]]:
    """A blocking descriptor of the regular file at `path` and its status as opened; FileReadError (a
    sentence) for anything else, or for an error while it is read."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        raise FileReadError(f"cannot read: {exc.strerror}") from None
    except ValueError as exc:  # a NUL in the path
        raise FileReadError(f"cannot read: {exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileReadError(f"{kind_of(info.st_mode)}, not a regular file; only files are read")
        os.set_blocking(fd, True)
        yield fd, info
    except FileReadError:
        raise
    except OSError as exc:
        raise FileReadError(f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)


def read_head(path: Path | str, count: int) -> bytes:
    """The first `count` bytes of a regular file; FileReadError otherwise (as for read_regular_file)."""
    with _regular_file(path) as (fd, _):
        return os.read(fd, count)


def read_regular_file(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; FileReadError (a sentence) otherwise."""
    return read_regular_file_and_identity(path, limit)[0]


def read_regular_file_and_identity(path: Path | str, limit: int) -> tuple[bytes, os.stat_result]:
    """`read_regular_file`, and the status of the file as it was opened (before it was read), for
    `open_unchanged` to recognise the same content later: a change during or after the read is a change."""
    with _regular_file(path) as (fd, info):
        if info.st_size > limit:
            raise FileReadError(f"file is {info.st_size} bytes; the limit is {limit}")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise FileReadError(f"file is over {limit} bytes; the limit is {limit}")
        return b"".join(chunks), info


def open_unchanged(path: Path | str, seen: os.stat_result) -> int | None:
    """A descriptor of the regular file at `path` if it is still the file `seen` describes (same file, size
    and modification time), for reading parts of it again; None otherwise. The caller closes it."""
    try:
        fd = os.open(path, _FLAGS)
    except (OSError, ValueError):
        return None
    try:
        info = os.fstat(fd)
        same = (stat.S_ISREG(info.st_mode) and (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
                == (seen.st_dev, seen.st_ino, seen.st_size, seen.st_mtime_ns))
        if same:
            os.set_blocking(fd, True)
            return fd
    except OSError:
        pass
    os.close(fd)
    return None
