"""Evaluate a named declaration (a parameter, a variable) once, and catch one that needs itself."""

from __future__ import annotations

from typing import Any

from linter.model import MISSING, Unknown

_BUSY = object()


def _memoised(cache: dict[str, Any], name: str, kind: str, compute: Any) -> Any:
    """Evaluate a parameter or variable once; one that needs itself to be evaluated is Unknown."""
    key = name.lower()
    cached = cache.get(key, MISSING)
    if cached is _BUSY:
        return Unknown(f"{kind} '{name}' refers to itself")
    if cached is not MISSING:
        return cached
    cache[key] = _BUSY
    value = compute(name)
    cache[key] = value
    return value
