"""Object functions."""

from __future__ import annotations

import json
from typing import Any

from linter.inputs.arm.functions.core import EvalError, expect, get_ci, register
from linter.inputs.jsondoc import strip_comments
from linter.model import MISSING, Unknown


@register("createObject")
def create_object(env: Any, *args: Any) -> dict[str, Any]:
    if len(args) % 2:
        raise EvalError("createObject() needs key/value pairs")
    return {expect(args[i], str, "createObject"): args[i + 1] for i in range(0, len(args), 2)}


@register("items", min_args=1, max_args=1)
def items(env: Any, value: Any) -> list[dict[str, Any]]:
    # Azure returns the entries sorted by key (ordinal, case-insensitive).
    entries = expect(value, dict, "items")
    return [{"key": k, "value": entries[k]} for k in sorted(entries, key=str.lower)]


@register("objectKeys", min_args=1, max_args=1)
def object_keys(env: Any, value: Any) -> list[str]:
    return list(expect(value, dict, "objectKeys"))


@register("json", min_args=1, max_args=1)
def json_(env: Any, value: Any) -> Any:
    text = expect(value, str, "json")
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError:
        # Azure's parser also takes comments (Bicep's loadJsonContent() keeps them)
        return json.loads(strip_comments(text), strict=False)


@register("shallowMerge", min_args=1, max_args=1)
def shallow_merge(env: Any, values: Any) -> Any:
    merged: dict[str, Any] = {}
    for value in expect(values, list, "shallowMerge"):
        if isinstance(value, Unknown):
            return value
        if value is None:
            continue
        for key, item in expect(value, dict, "shallowMerge").items():
            existing = next((k for k in merged if k.lower() == key.lower()), None)
            if existing is not None:
                del merged[existing]
            merged[key] = item
    return merged


@register("tryGet", min_args=2, unknown_ok=True)
def try_get(env: Any, value: Any, *keys: Any) -> Any:
    """`a.?b` in Bicep: null when the member or index is absent (or the object itself is null)."""
    for key in keys:
        if isinstance(value, Unknown):
            return value
        if isinstance(key, Unknown):
            return key
        if value is None:
            return None
        if isinstance(value, dict) and isinstance(key, str):
            value = get_ci(value, key)
            if value is MISSING:
                return None
        elif isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool):
            if not 0 <= key < len(value):
                return None
            value = value[key]
        else:
            return None
    return value
