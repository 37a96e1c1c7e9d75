"""Fill a rule's message template: `{resource.name}`, `{ref.sku.name}`, `{count}`, `{param.x}`...

Rule text is untrusted, so this is a small replacer over a fixed set of names and field paths, never
`str.format` (which can reach attributes of the objects it is given).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from linter.model import MISSING, Resource, Unknown
from linter.paths import PathError, compile_path, resolve

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}")
MAX_VALUE_CHARS = 200


def show(value: Any) -> str:
    """A value as a person should read it in a message."""
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
        return ", ".join(show(v) for v in value) or "none"
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
    complete = is_complete(template, context)
    absent = False

    def replace(match: re.Match[str]) -> str:
        name, rest = match.group(1), match.group(2)
        nonlocal absent
        if name not in context:
            # Names are checked when the rule is loaded: an absent one is a fact this outcome did not produce
            # (no resource was followed, no comparison was made).
            absent = True
            return show(MISSING)
        value = context[name]
        if rest:
            root = value.fields() if isinstance(value, Resource) else value
            try:
                value = resolve(root, compile_path(rest[1:])) if root is not None else MISSING
            except PathError:
                return match.group(0)
        if value is MISSING or value is None:
            absent = True  # "has purge protection not set" says nothing a person can act on
        return show(value)

    text = _PLACEHOLDER.sub(replace, template)
    return text, complete and not absent


FACT_NAMES = ("resource", "ref", "actual", "expected", "count", "distinct", "values", "param")


def placeholders(template: str) -> list[str]:
    return [m.group(1) for m in _PLACEHOLDER.finditer(template)]


def unknown_placeholders(template: str, extra_names: set[str]) -> list[str]:
    """Placeholders a message may not use: neither a fact name nor an aggregate's `as:` name."""
    allowed = set(FACT_NAMES) | extra_names
    return [name for name in placeholders(template) if name not in allowed]
