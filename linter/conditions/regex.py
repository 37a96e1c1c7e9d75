"""Regular expressions from rule files, matched in time linear in the input (RE2), never by backtracking.

A rule file is untrusted: with a backtracking engine (Python's `re`) a pattern such as `^(a+)+$` takes
2^n steps on a name of n characters, so one rule could hang every scan. RE2 matches any pattern in one pass
over the value, with a bounded amount of memory for the compiled automaton. What RE2 cannot do in linear
time (backreferences, lookahead and lookbehind) it does not accept, so those patterns, the worst ones, are
rejected when the rule is loaded, with the rule file's line, instead of misbehaving at scan time.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

MAX_PATTERN_CHARS = 500
MAX_PROGRAM_BYTES = 1 << 20  # RE2's budget for the compiled automaton: `(a{100}){100}` does not fit


class UnsafePattern(ValueError):
    """A pattern drlint will not run (a sentence saying why and what to do)."""


_HINTS = (
    ("invalid escape sequence: \\1", "backreferences (\\1) need a backtracking engine"),
    ("invalid perl operator: (?=", "lookahead (?=...) needs a backtracking engine"),
    ("invalid perl operator: (?!", "lookahead (?!...) needs a backtracking engine"),
    ("invalid perl operator: (?<", "lookbehind (?<...) needs a backtracking engine"),
    ("invalid escape sequence: \\Z", "use \\z for the end of the text"),
    ("pattern too large", "the pattern compiles to too large an automaton; use smaller repetition counts"),
)


_DEFERRED: contextvars.ContextVar[bool] = contextvars.ContextVar("deferred_regex", default=False)


@contextlib.contextmanager
def deferred_compilation() -> Iterator[None]:
    """Compile patterns on first use instead of at load time: for the shipped pack, whose patterns the test
    suite compiles, so a scan that never matches one does not pay for loading RE2 (a pre-commit hook pays
    start-up on every commit). User rules are always compiled when they load, so a bad one is a located
    error at once."""
    token = _DEFERRED.set(True)
    try:
        yield
    finally:
        _DEFERRED.reset(token)


class SafePattern:
    """A `match` pattern: RE2, compiled when loaded or (for the shipped pack) the first time it is used.
    Equal to another of the same text and case sensitivity, as a compiled `re` pattern would be, so rules
    compare by what they say."""

    __slots__ = ("_compiled", "case_sensitive", "pattern")

    def __init__(self, pattern: str, case_sensitive: bool, compiled: Any = None) -> None:
        self.pattern = pattern
        self.case_sensitive = case_sensitive
        self._compiled = compiled

    def search(self, text: str) -> Any:
        if self._compiled is None:
            self._compiled = _compile(self.pattern, self.case_sensitive)
        return self._compiled.search(text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SafePattern) and (self.pattern, self.case_sensitive) == (
            other.pattern, other.case_sensitive)

    def __hash__(self) -> int:
        return hash((self.pattern, self.case_sensitive))

    def __repr__(self) -> str:
        return f"SafePattern({self.pattern!r}, case_sensitive={self.case_sensitive})"


def compile_safe_regex(pattern: str, case_sensitive: bool) -> SafePattern:
    """A pattern with `.search(text)` that runs on RE2; UnsafePattern when it cannot be run safely."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise UnsafePattern(f"patterns are limited to {MAX_PATTERN_CHARS} characters")
    if _DEFERRED.get():
        return SafePattern(pattern, case_sensitive)
    return SafePattern(pattern, case_sensitive, _compile(pattern, case_sensitive))


def _compile(pattern: str, case_sensitive: bool) -> Any:
    import re2  # imported when a rule uses `match`

    if len(pattern) > MAX_PATTERN_CHARS:
        raise UnsafePattern(f"patterns are limited to {MAX_PATTERN_CHARS} characters")
    options = re2.Options()
    options.case_sensitive = case_sensitive
    options.max_mem = MAX_PROGRAM_BYTES
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        text = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        hint = next((h for marker, h in _HINTS if marker in text), None)
        detail = f"{text}: {hint}" if hint else text
        raise UnsafePattern(f"invalid or unsupported regular expression ({detail}); patterns use RE2 syntax, "
                            "without backreferences or lookaround, so matching stays linear in the value") from None
    except (TypeError, ValueError) as exc:
        raise UnsafePattern(f"invalid regular expression: {exc}") from None
