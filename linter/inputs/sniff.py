"""Tell input formats apart by content alone (cheap checks on the parsed JSON, no front end imported)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from linter.inputs.jsondoc import LazyRows

TEMPLATE_SCHEMA = "deploymenttemplate.json"
PARAMETERS_SCHEMA = "deploymentparameters.json"


def classify_json(data: Any) -> str | None:
    """`arm-template`, `arm-parameters`, `resource-graph`, or None for JSON that is none of them."""
    if isinstance(data, Mapping):
        schema = data.get("$schema")
        schema = schema.lower() if isinstance(schema, str) else ""
        if TEMPLATE_SCHEMA in schema:
            return "arm-template"
        if PARAMETERS_SCHEMA in schema:
            return "arm-parameters"
        if "resources" in data and ("contentVersion" in data or "$schema" in data) and (
            isinstance(data["resources"], (list, Mapping))
        ):
            return "arm-template"
        if "contentVersion" in data and isinstance(data.get("parameters"), Mapping) and not schema:
            entries = data["parameters"].values()
            if all(isinstance(e, Mapping) and ("value" in e or "reference" in e) for e in entries):
                return "arm-parameters"
    if looks_like_resource_graph(data):
        return "resource-graph"
    return None


def _is_row(row: Any) -> bool:
    if not isinstance(row, Mapping):
        return False
    resource_id, resource_type = row.get("id"), row.get("type")
    return (isinstance(resource_id, str) and resource_id.startswith("/") and isinstance(resource_type, str)
            and "/" in resource_type)


def looks_like_resource_graph(data: Any) -> bool:
    """Rows of Resource Graph output in any shape users save (see resource_graph.rows_of)."""
    if isinstance(data, (list, LazyRows)):
        # One malformed row must not hide the file: it is reported by the front end instead.
        return any(_is_row(r) for r in (data.head(50) if isinstance(data, LazyRows) else data[:50]))
    if not isinstance(data, Mapping):
        return False
    inner = data.get("data", data.get("Data"))
    if inner is not None and inner is not data:
        if isinstance(inner, (list, LazyRows)) and not inner:
            return "count" in data or "total_records" in data or "totalRecords" in data
        return looks_like_resource_graph(inner)
    columns, rows = data.get("columns"), data.get("rows")
    if isinstance(columns, list) and isinstance(rows, (list, LazyRows)):
        names = {(c.get("name") if isinstance(c, Mapping) else c) for c in columns}
        return "id" in names and "type" in names
    return False
