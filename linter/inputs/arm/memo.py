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


def one_value(run: Any, kind: str, name: str, value: Any) -> Any:
    """A parameter or variable has one value per deployment, even one known only then (`utcNow()` as a
    default): every use of it is that same symbolic value (see `model.Unknown.key`)."""
    if isinstance(value, Unknown) and value.key is None:
        key = (kind, run.context.label, run.document.display, run.base, name.lower())
        return Unknown(value.reason, key, value.text, value.source)
    return value
