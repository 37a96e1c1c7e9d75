"""Azure Resource Graph query results, in every shape users save them, as resources of the model.

Shapes (detected by content): `az graph query` output `{count, data: [rows], skip_token, total_records}`;
a bare list of rows; table format `{columns, rows}` (also nested under `data`); SDK and REST dumps
(`{totalRecords, data, ...}`, `result_truncated`, `$skipToken`). Rows may come from the `resources`,
`resourcecontainers` and `authorizationresources` tables; child rows (`registries/replications`) are
resources whose parent is found from their id. Every resource knows its row, so findings point there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linter.diagnostics import Diagnostic
from linter.inputs import RESOURCE, InputFile, LoadContext, Loaded
from linter.inputs.jsondoc import JsonAnchor, JsonDocument, PathKey
from linter.model import MISSING, Origin, Position, Resource, get_ci

# Types Resource Graph does not index: rules that need them are UNKNOWN on a Resource Graph estate, not FAIL.
NOT_INDEXED = {
    "microsoft.machinelearningservices/workspaces/connections": "Resource Graph does not index workspace "
    "connections; scan the templates that deploy the hub, or save the hub's connections "
    "(az rest --url <hub id>/connections?api-version=2024-10-01) beside the export",
    "microsoft.machinelearningservices/workspaces/computes": "Resource Graph does not index workspace computes",
    "microsoft.storage/storageaccounts/blobservices": "Resource Graph does not index blob service settings",
    "microsoft.cognitiveservices/accounts/deployments": "Resource Graph does not index model deployments",
    "microsoft.cognitiveservices/accounts/projects": "Resource Graph does not index Foundry projects",
    "microsoft.cognitiveservices/accounts/connections": "Resource Graph does not index Foundry account "
    "connections; scan the templates that deploy them, or save them (az rest --url <account id>/connections"
    "?api-version=2025-06-01) beside the export",
    "microsoft.cognitiveservices/accounts/projects/connections": "Resource Graph does not index Foundry project "
    "connections; scan the templates that deploy them, or save them (az rest --url <project id>/connections"
    "?api-version=2025-06-01) beside the export",
    "microsoft.cognitiveservices/accounts/projects/capabilityhosts": "Resource Graph does not index Agent "
    "Service capability hosts",
    "microsoft.authorization/locks": "Resource Graph does not index resource locks; save them "
    "(az lock list > locks.json, per subscription) beside the export, or scan the templates that deploy them",
}
LOCKS = "microsoft.authorization/locks"
ROLE_ASSIGNMENTS = "microsoft.authorization/roleassignments"
ROLE_ASSIGNMENTS_MISSING = (
    "no role assignments were loaded: they live in the `authorizationresources` table; "
    "export it too (az graph query -q \"authorizationresources\")"
)

_TOP_FIELDS = ("id", "name", "type", "kind", "location", "sku", "properties", "tags", "identity", "zones")
_EXTRA_FIELDS = ("resourceGroup", "subscriptionId", "tenantId", "managedBy", "plan", "extendedLocation")


@dataclass(frozen=True, slots=True)
class RowAnchor:
    """A table-format row: cells have no names in the file, so every property points at the row."""

    document: JsonDocument
    base: PathKey

    def locate(self, path: PathKey) -> Position | None:
        return self.document.position(self.base)


def rows_of(data: Any, base: PathKey = ()) -> tuple[list[tuple[PathKey, Mapping[str, Any]]], bool]:
    """Every row with its path in the document; the flag says the rows came from a table (no key paths)."""
    if isinstance(data, list):
        return [((*base, i), row) for i, row in enumerate(data)], False
    if not isinstance(data, Mapping):
        return [], False
    for key in ("data", "Data"):
        inner = data.get(key)
        if isinstance(inner, (list, Mapping)):
            return rows_of(inner, (*base, key))
    columns, rows = data.get("columns"), data.get("rows")
    if isinstance(columns, list) and isinstance(rows, list):
        names = [c.get("name") if isinstance(c, Mapping) else c for c in columns]
        table_rows = []
        for i, row in enumerate(rows):
            if isinstance(row, list):
                table_rows.append(((*base, "rows", i), dict(zip(names, row, strict=False))))
            else:
                table_rows.append(((*base, "rows", i), row))
        return table_rows, True
    return [], False


def _json_type(value: Any) -> str:
    names = {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "a string",
             list: "an array"}
    return names.get(type(value), type(value).__name__)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _empty_to_none(value: Any) -> Any:
    return None if value in ("", {}, []) else value


def _field(row: Mapping[str, Any], name: str) -> Any:
    value = get_ci(row, name)
    return None if value is MISSING else value


def resource_from_row(row: Any, origin: Origin, anchor: Any) -> Resource | str:
    """A Resource, or a sentence saying what is wrong with the row."""
    if not isinstance(row, Mapping):
        return f"a row must be an object, not {_json_type(row)}"
    resource_id, resource_type = _text(_field(row, "id")), _text(_field(row, "type"))
    if resource_id is None or resource_type is None:
        missing = "id" if resource_id is None else "type"
        return f"row has no string `{missing}`; include `{missing}` in the query's projection"
    name = _text(_field(row, "name")) or resource_id.rstrip("/").rsplit("/", 1)[-1]
    properties = _field(row, "properties")
    extra = {key: value for key in _EXTRA_FIELDS if (value := _field(row, key)) not in (None, "", {})}
    if resource_type.lower() == LOCKS and not isinstance(properties, Mapping) and _field(row, "level"):
        # `az lock list` puts the lock's fields at the top level; ARM and the REST API under properties
        properties = {key: value for key in ("level", "notes", "owners") if (value := _field(row, key))}
    if resource_type.lower() == ROLE_ASSIGNMENTS and isinstance(properties, Mapping):
        scope = properties.get("scope")
        if isinstance(scope, str):
            extra["scope"] = scope
    return Resource(
        id=resource_id,
        type=resource_type,
        name=name,
        origin=origin,
        anchor=anchor,
        location=_text(_field(row, "location")),
        kind=_text(_field(row, "kind")),
        sku=_empty_to_none(_field(row, "sku")),
        properties=properties if isinstance(properties, Mapping) else {},
        tags=_field(row, "tags") or {},
        zones=_empty_to_none(_field(row, "zones")),
        identity=_empty_to_none(_field(row, "identity")),
        extra=extra,
    )


def _is_row(row: Any) -> bool:
    if not isinstance(row, Mapping):
        return False
    resource_id, resource_type = row.get("id"), row.get("type")
    return (isinstance(resource_id, str) and resource_id.startswith("/") and isinstance(resource_type, str)
            and "/" in resource_type)


def looks_like_resource_graph(data: Any) -> bool:
    """Rows of Resource Graph output in any shape users save (see `rows_of`)."""
    if isinstance(data, list):
        # One malformed row must not hide the file: it is reported by `load` instead.
        return any(_is_row(r) for r in data[:50])
    if not isinstance(data, Mapping):
        return False
    inner = data.get("data", data.get("Data"))
    if inner is not None and inner is not data:
        if isinstance(inner, list) and not inner:
            return "count" in data or "total_records" in data or "totalRecords" in data
        return looks_like_resource_graph(inner)
    columns, rows = data.get("columns"), data.get("rows")
    if isinstance(columns, list) and isinstance(rows, list):
        names = {(c.get("name") if isinstance(c, Mapping) else c) for c in columns}
        return "id" in names and "type" in names
    return False


class ResourceGraphFrontEnd:
    name = "resource-graph"
    title = "a Resource Graph result"
    category = "resource-graph"
    fingerprint = RESOURCE
    suffixes = (".json", ".jsonc")
    reads_json = True
    hints = ("/subscriptions/",)

    def classify(self, path: Path, document: JsonDocument | None) -> str | None:
        return "resource-graph" if document is not None and looks_like_resource_graph(document.data) else None

    def load(self, files: list[InputFile], ctx: LoadContext) -> Loaded:
        loaded = Loaded()
        loaded_types: set[str] = set()
        pending: list[tuple[InputFile, list[Resource]]] = []
        for file in files:
            assert file.document is not None
            resources = self._load_document(file, loaded)
            loaded_types.update(r.type_key for r in resources)
            pending.append((file, resources))
        unobservable = dict(NOT_INDEXED)
        if ROLE_ASSIGNMENTS not in loaded_types:
            unobservable[ROLE_ASSIGNMENTS] = ROLE_ASSIGNMENTS_MISSING
        if LOCKS in loaded_types:
            # a lock listing is per subscription: once saved beside the export, a missing lock is no lock
            del unobservable[LOCKS]
        for file, resources in pending:
            if self._load_audit_record(file, resources, loaded):
                continue
            origin = Origin("resource-graph", file.display, None, unobservable)
            for resource in resources:
                resource.origin = origin
            loaded.origins.append(origin)
            loaded.resources.extend(resources)
            loaded.files.append(file.display)
        return loaded

    def _load_audit_record(self, file: InputFile, resources: list[Resource], loaded: Loaded) -> bool:
        """A file saved by `drlint audit --save` says what it fetched: its resources get origins from that."""
        from linter.inputs.live.document import assign_origins, read_record

        document = file.document
        assert document is not None
        record, problems = read_record(document.data)
        for path, problem in problems:
            loaded.diagnostics.append(Diagnostic(problem, document.position(path), severity="warning"))
        if record is None:
            return False
        origins, diagnostics = assign_origins(resources, record, "resource-graph", file.display, document.position)
        loaded.origins.extend(origins)
        loaded.diagnostics.extend(diagnostics)
        loaded.resources.extend(resources)
        loaded.files.append(file.display)
        return True

    def _load_document(self, file: InputFile, loaded: Loaded) -> list[Resource]:
        document = file.document
        assert document is not None
        rows, tabular = rows_of(document.data)
        placeholder = Origin("resource-graph", file.display)
        resources = []
        for path, row in rows:
            anchor = RowAnchor(document, path) if tabular else JsonAnchor(document, path)
            made = resource_from_row(row, placeholder, anchor)
            if isinstance(made, str):
                loaded.diagnostics.append(Diagnostic(made, document.position(path)))
            else:
                resources.append(made)
        if _truncated(document.data):
            loaded.diagnostics.append(Diagnostic(
                "these results are one page of a larger result (a skip token is present); "
                "export every page (az graph query --first 1000 --skip-token <token>) and scan them together",
                document.position(()), severity="warning"))
        return resources


def _truncated(data: Any) -> bool:
    if not isinstance(data, Mapping):
        return False
    token = data.get("skip_token") or data.get("skipToken") or data.get("$skipToken")
    truncated = str(data.get("result_truncated") or data.get("resultTruncated") or "").lower() == "true"
    return bool(token) or truncated


FRONT_END = ResourceGraphFrontEnd()
