"""sarif-om objects to SARIF JSON: a walk over the attrs classes.

sarif-om has no serializer of its own, and the usual one (`jschema_to_python.to_json`) deep-copies the whole
object graph first, which is too slow for runs with tens of thousands of results. This walk reads each
class's fields once (name, SARIF property name from `metadata["schema_property_name"]`, default), then turns
objects into plain dicts, leaving out None and values equal to the field's default.

Property bags (`properties`) are free-form in SARIF (`security-severity`, `tags`, ...), so the builder passes
them as plain dicts; dict keys are written as given.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

import attr

# (class, attribute) pairs whose default is written anyway. A result or a notification without `level`
# inherits its rule's default level (SARIF 3.27.10), not sarif-om's default "warning": dropping a "warning"
# level of a rule whose default is "error" would change the meaning.
FieldKey = tuple[type, str]
_NOTHING = object()

_SCALARS = (str, int, float, bool)


class _Field:
    __slots__ = ("default", "json_name", "keep_default", "name")

    def __init__(self, field: attr.Attribute, keep_default: bool) -> None:
        self.name = field.name
        self.json_name = field.metadata.get("schema_property_name", field.name)
        default = field.default
        if isinstance(default, attr.Factory):  # type: ignore[arg-type]
            default = default.factory()
        self.default = _NOTHING if default is attr.NOTHING or keep_default else default
        self.keep_default = keep_default


class Serializer:
    """Turns sarif-om objects into JSON-ready data. One instance caches the field tables of the classes seen."""

    def __init__(self, keep_defaults: Collection[FieldKey] = ()) -> None:
        self._keep = frozenset(keep_defaults)
        self._tables: dict[type, tuple[_Field, ...]] = {}

    def _table(self, cls: type) -> tuple[_Field, ...]:
        table = self._tables.get(cls)
        if table is None:
            table = tuple(_Field(f, (cls, f.name) in self._keep) for f in attr.fields(cls))
            self._tables[cls] = table
        return table

    def to_data(self, value: Any) -> Any:
        if value is None or isinstance(value, _SCALARS):
            return value
        if isinstance(value, (list, tuple)):
            return [self.to_data(v) for v in value]
        if isinstance(value, dict):
            return {k: self.to_data(v) for k, v in value.items() if v is not None}
        table = self._tables.get(type(value)) or self._table(type(value))
        out: dict[str, Any] = {}
        for field in table:
            item = getattr(value, field.name)
            if item is None:
                continue
            default = field.default
            # `type(...) is` keeps True from matching a default of 1 (and 1 a default of True).
            if default is not _NOTHING and type(item) is type(default) and item == default:
                continue
            out[field.json_name] = item if isinstance(item, _SCALARS) else self.to_data(item)
        return out

    def dumps(self, value: Any) -> str:
        """Compact, ASCII-only JSON with sorted keys: the same input gives the same bytes, on any platform."""
        return json.dumps(self.to_data(value), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
