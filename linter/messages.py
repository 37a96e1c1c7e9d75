"""Fill a rule's message template: `{resource.name}`, `{ref.sku.name}`, `{count}`, `{param.x}`...

Rule text is untrusted, so this is a small replacer over a fixed set of names and field paths, never
`str.format` (which can reach attributes of the objects it is given).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from linter.model import MISSING, Resource, Unknown
from linter.paths import FieldPath, PathError, compile_path, resolve

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}")
MAX_VALUE_CHARS = 200


def show(value: Any) -> str:
    """A value as a person should read it in a message."""
    if type(value) is str:  # the common case (a name, a region, a SKU), told before the checks below
        return value if len(value) <= MAX_VALUE_CHARS else value[: MAX_VALUE_CHARS - 1] + "…"
    if isinstance(value, Unknown):
        # the expression it comes from (`resourceGroup().location`, `'kv-${baseName}'`), never a bare "unknown"
        return value.text or "a value known only at deployment"
    if value is MISSING or value is None:
        return "not set"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Resource):
        return value.display_name
    if isinstance(value, list):
        return ", ".join([show(v) for v in value]) or "none"
    text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def render(template: str, context: Mapping[str, Any]) -> str:
    return render_checked(template, context)[0]


def is_complete(template: str, context: Mapping[str, Any]) -> bool:
    """Whether every fact the message names was produced by this outcome."""
    return all(context.get(name) is not None for name in placeholders(template))


def render_checked(template: str, context: Mapping[str, Any]) -> tuple[str, bool]:
    """The message, and whether every fact it names was produced and is present (a message about a followed
    resource when none was followed reads "storage account 'not set' with not set", and one about an absent
    property "has purge protection not set": the caller says it otherwise)."""
    first, slots = _compiled(template)
    if not slots:
        return template, True
    complete = True
    parts = [first]
    for name, path, written, literal in slots:
        value = context.get(name, _ABSENT)
        if value is _ABSENT:
            # Names are checked when the rule is loaded: an absent one is a fact this outcome did not produce
            # (no resource was followed, no comparison was made).
            complete = False
            parts.append(_NOT_SET)
            parts.append(literal)
            continue
        if value is None:
            complete = False
        if written is not None:
            root = value.fields() if isinstance(value, Resource) else value
            if root is None:
                value = MISSING
            elif path is None:  # a path that does not compile is left as written
                parts.append(written)
                parts.append(literal)
                continue
            else:
                value = resolve(root, path)
        if value is MISSING or value is None:
            complete = False  # "has purge protection not set" says nothing a person can act on
        parts.append(show(value))
        parts.append(literal)
    return "".join(parts), complete


_ABSENT = object()  # a name the context does not have (distinct from any value it may hold, None included)
_NOT_SET = show(MISSING)

# (name, compiled field path or None, the placeholder as written when it has a path else None, the text after it)
_Slot = tuple[str, FieldPath | None, str | None, str]


@lru_cache(maxsize=1024)
def _compiled(template: str) -> tuple[str, tuple[_Slot, ...]]:
    """A template split once into the text before its first placeholder and the placeholders, each with the
    text that follows it: a rule's message is rendered for every finding, and the pack has few messages."""
    literals: list[str] = []
    found: list[tuple[str, FieldPath | None, str | None]] = []
    end = 0
    for match in _PLACEHOLDER.finditer(template):
        literals.append(template[end:match.start()])
        end = match.end()
        name, rest = match.group(1), match.group(2)
        path: FieldPath | None = None
        if rest:
            try:
                path = compile_path(rest[1:])
            except PathError:
                path = None
        found.append((name, path, match.group(0) if rest else None))
    literals.append(template[end:])
    slots = tuple((*slot, literal) for slot, literal in zip(found, literals[1:], strict=True))
    return literals[0], slots


FACT_NAMES = ("resource", "ref", "actual", "expected", "count", "distinct", "values", "param")


def placeholders(template: str) -> list[str]:
    return [m.group(1) for m in _PLACEHOLDER.finditer(template)]


def unknown_placeholders(template: str, extra_names: set[str]) -> list[str]:
    """Placeholders a message may not use: neither a fact name nor an aggregate's `as:` name."""
    allowed = set(FACT_NAMES) | extra_names
    return [name for name in placeholders(template) if name not in allowed]
