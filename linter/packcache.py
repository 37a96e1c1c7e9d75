"""A cache of the parsed built-in rule pack, so a scan neither imports nor runs the YAML parser.

Parsing the pack's YAML (and importing PyYAML to do it) is most of what loading rules costs; compiling the
parsed documents is a fraction of a millisecond. So the cache holds the parsed documents (data and the
position of every node) as JSON, and every run compiles them with the same compiler that reads YAML: a
cached rule and a freshly parsed one are the same rule.

- **Never stale.** The cache file is named by a hash of everything the parse depends on: the content of
  every rule file, its path in the pack, drlint's version, this format's version and the source of the YAML
  reader. Change any of these and the old entry is simply not found.
- **Safe to delete.** Anything missing, unreadable or unexpected means "parse the YAML", and a fresh entry
  is written (atomically: a reader never sees half a file). Writing is best-effort: a read-only or full disk
  costs speed, never a result.
- **Untrusted.** The cache is data, never code (JSON, no pickle), and it is only used when it carries an
  HMAC made with a per-user secret key from the cache directory (owned by the user, mode 0600), so a file
  another user or a corrupted disk put there is ignored. What it holds still goes through the compiler's
  checks, as a user's rule file does.

The directory is `$XDG_CACHE_HOME/drlint` (default `~/.cache/drlint`); `DRLINT_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from linter import PACKAGE_DIR, __version__
from linter.located import LocatedDocument
from linter.model import Position

try:  # the built-in SHA-256: `hashlib` and `hmac` load OpenSSL, a few milliseconds of every run's start-up
    from _sha256 import sha256
except ImportError:  # pragma: no cover - other Pythons
    try:
        from _sha2 import sha256  # type: ignore[no-redef]
    except ImportError:
        from hashlib import sha256  # type: ignore[no-redef]
try:
    from _operator import _compare_digest as same_digest
except ImportError:  # pragma: no cover
    from hmac import compare_digest as same_digest  # type: ignore[assignment]

FORMAT = 2  # 2: positions keyed by their encoded path, made into Positions only when asked for
NO_CACHE_VARIABLE = "DRLINT_NO_CACHE"
_KEY_FILE = "key"
_KEY_BYTES = 32
_MAX_CACHE_BYTES = 8 * 1024 * 1024


def cache_dir() -> Path | None:
    """Where the cache lives, or None when caching is off or no home is known."""
    if os.environ.get(NO_CACHE_VARIABLE, "").strip() not in ("", "0"):
        return None
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if base and os.path.isabs(base):
        return Path(base) / "drlint"
    home = os.environ.get("HOME", "").strip()
    return Path(home) / ".cache" / "drlint" if home else None


def pack_key(files: list[tuple[str, bytes]]) -> str:
    """A hash of everything a parsed pack depends on (see the module's docstring)."""
    digest = sha256()
    digest.update(f"drlint {__version__} pack cache {FORMAT}\0".encode())
    try:
        digest.update((PACKAGE_DIR / "yamlsource.py").read_bytes())
    except OSError:
        digest.update(b"no reader source")
    for display, content in files:
        digest.update(f"\0{display}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def load(directory: Path, key: str) -> list[LocatedDocument] | None:
    """The documents cached under `key`, or None (absent, unreadable, not ours, or not what we wrote)."""
    secret = _secret(directory, create=False)
    if secret is None:
        return None
    path = directory / f"pack-{key}.json"
    try:
        if not _private_file(path):
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    if len(raw) > _MAX_CACHE_BYTES or len(raw) < 65:
        return None
    signature, payload = raw[:64], raw[65:]
    if not same_digest(signature, signature_of(secret, payload)):
        return None
    try:
        entry = json.loads(payload)
        return _documents(entry, key)
    except (ValueError, TypeError, KeyError, IndexError, RecursionError):
        return None


def store(directory: Path, key: str, documents: list[Any]) -> None:
    """Write the parsed documents under `key`; any failure leaves the cache as it was."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        secret = _secret(directory, create=True)
        if secret is None:
            return
        entry = {"key": key, "documents": [_entry_of(d) for d in documents]}
        payload = json.dumps(entry, separators=(",", ":"), ensure_ascii=True).encode()
        signature = signature_of(secret, payload)
        _write_private(directory / f"pack-{key}.json", signature + b"\n" + payload)
    except (OSError, TypeError, ValueError):
        return


def signature_of(secret: bytes, payload: bytes) -> bytes:
    """HMAC-SHA256 of `payload` (RFC 2104), in hex."""
    block = 64
    key = sha256(secret).digest() if len(secret) > block else secret
    key = key.ljust(block, b"\0")
    inner = sha256(bytes(b ^ 0x36 for b in key) + payload).digest()
    return sha256(bytes(b ^ 0x5C for b in key) + inner).hexdigest().encode()


def _entry_of(document: Any) -> dict[str, Any]:
    positions = {_path_key(path): [position.line, position.column] for path, position in document.positions.items()}
    return {"path": document.path, "data": document.data, "positions": positions}


def _path_key(path: Any) -> str:
    return json.dumps(list(path), separators=(",", ":"), ensure_ascii=True)


class _CachedPositions(Mapping):
    """The positions of a cached document, as the cache holds them: a rule compiled without a problem asks
    for one or two (its `id`), so the other few thousand never become Position objects."""

    __slots__ = ("_display", "_made", "_raw")

    def __init__(self, display: str, raw: dict[str, Any]) -> None:
        self._display = display
        self._raw = raw
        self._made: dict[tuple[str | int, ...], Position | None] = {}

    def get(self, path: tuple[str | int, ...], default: Position | None = None) -> Position | None:
        key = tuple(path)
        if key not in self._made:
            found = self._raw.get(_path_key(key))
            valid = isinstance(found, list) and len(found) == 2 and all(type(n) is int for n in found)
            self._made[key] = Position(self._display, found[0], found[1]) if valid else None
        made = self._made[key]
        return default if made is None else made

    def __getitem__(self, path: tuple[str | int, ...]) -> Position:
        found = self.get(path)
        if found is None:
            raise KeyError(path)
        return found

    def __iter__(self) -> Iterator[tuple[str | int, ...]]:
        return (tuple(json.loads(key)) for key in self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def _documents(entry: Any, key: str) -> list[LocatedDocument]:
    if not isinstance(entry, dict) or entry.get("key") != key or not isinstance(entry.get("documents"), list):
        raise ValueError("not a cache entry")
    documents = []
    for item in entry["documents"]:
        display = item["path"]
        if not isinstance(display, str) or not isinstance(item["positions"], dict):
            raise ValueError("bad document")
        positions: Any = _CachedPositions(display, item["positions"])
        documents.append(LocatedDocument(display, item["data"], positions))
    return documents


def _private_file(path: Path) -> bool:
    """Owned by this user, a regular file, and neither group- nor world-writable (nor readable, for the key)."""
    info = path.lstat()
    if not stat.S_ISREG(info.st_mode):
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    return not info.st_mode & 0o077


def _secret(directory: Path, create: bool) -> bytes | None:
    path = directory / _KEY_FILE
    try:
        if _private_file(path):
            secret = path.read_bytes()
            if len(secret) == _KEY_BYTES:
                return secret
    except OSError:
        pass
    if not create:
        return None
    secret = os.urandom(_KEY_BYTES)
    try:
        _write_private(path, secret)
    except OSError:
        return None
    return secret


def _write_private(path: Path, content: bytes) -> None:
    """Write `content` to `path` atomically, readable and writable by this user only."""
    import contextlib
    import tempfile

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
