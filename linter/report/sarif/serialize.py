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
_SCALAR_TYPES = frozenset(_SCALARS)


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
        self._names: dict[type, dict[str, tuple[str, Any]]] = {}

    def _table(self, cls: type) -> tuple[_Field, ...]:
        table = self._tables.get(cls)
        if table is None:
            table = tuple(_Field(f, (cls, f.name) in self._keep) for f in attr.fields(cls))
            self._tables[cls] = table
        return table

    def to_data(self, value: Any) -> Any:
        kind = type(value)
        if value is None or kind in _SCALAR_TYPES or isinstance(value, _SCALARS):
            return value
        if kind is list or kind is tuple or isinstance(value, (list, tuple)):
            return [self.to_data(v) for v in value]
        if kind is dict or isinstance(value, dict):
            return {k: self.to_data(v) for k, v in value.items() if v is not None}
        # An object: the members `_shallow` gives the encoder, each made into data in turn.
        return {name: self.to_data(item) for name, item in self._shallow(value).items()}

    def dumps(self, value: Any) -> str:
        """Compact, ASCII-only JSON with sorted keys: the same input gives the same bytes, on any platform.

        The C encoder walks the lists, dicts and scalars itself and asks `_shallow` only for each sarif-om
        object's members; the bytes are those of `json.dumps(self.to_data(value), ...)`.
        """
        return json.dumps(value, default=self._shallow, sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    def _shallow(self, value: Any) -> dict[str, Any]:
        """One object's members as `to_data` writes them, its nested objects left to the encoder."""
        kind = type(value)
        names = self._names.get(kind)
        if names is None:
            if not attr.has(kind):
                raise TypeError(f"{kind.__name__} is not JSON serializable")
            names = self._names[kind] = {f.name: (f.json_name, f.default) for f in self._table(kind)}
        try:
            members = vars(value)
        except TypeError:
            members = {name: getattr(value, name) for name in names}
        out: dict[str, Any] = {}
        for name, item in members.items():
            if item is None:
                continue
            entry = names.get(name)
            if entry is None:
                continue
            json_name, default = entry
            if default is not _NOTHING and type(item) is type(default) and item == default:
                continue
            out[json_name] = _without_none(item) if type(item) is dict else item
        return out


def _without_none(value: Any) -> Any:
    """What `to_data` makes of plain data: None members of dicts dropped, at every level."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_without_none(v) for v in value]
    return value
