"""Azure Resource Graph query results, in every shape users save them, as resources of the model.

Shapes (detected by content): `az graph query` output `{count, data: [rows], skip_token, total_records}`;
a bare list of rows; table format `{columns, rows}` (also nested under `data`); SDK and REST dumps
(`{totalRecords, data, ...}`, `result_truncated`, `$skipToken`). Rows may come from the `resources`,
`resourcecontainers` and `authorizationresources` tables; child rows (`registries/replications`) are
resources whose parent is found from their id. Every resource knows its row, so findings point there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from linter.diagnostics import Diagnostic
from linter.inputs import RESOURCE, InputFile, LoadContext, Loaded
from linter.inputs.jsondoc import JsonAnchor, JsonDocument, JsonError, LazyRows, PathKey
from linter.model import MISSING, Origin, Position, Resource, Unknown, get_ci, shared_text
from linter.records import record

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

_TOP_FIELDS = ("id", "type", "name", "kind", "location", "sku", "properties", "tags", "identity", "zones")
_OTHER_TOP_FIELDS = _TOP_FIELDS[2:]
_EXTRA_FIELDS = ("resourceGroup", "subscriptionId", "tenantId", "managedBy", "plan", "extendedLocation")


@record(frozen=True)
class RowAnchor:
    """A table-format row: cells have no names in the file, so every property points at the row."""

    document: JsonDocument
    base: PathKey

    def locate(self, path: PathKey) -> Position | None:
        return self.document.position(self.base)


def rows_of(data: Any, base: PathKey = ()) -> tuple[list[tuple[PathKey, Mapping[str, Any]]], bool]:
    """Every row with its path in the document; the flag says the rows came from a table (no key paths)."""
    table = row_table(data, base)
    if table is None:
        return [], False
    return [(table.path(i), table.row(i)) for i in range(len(table.rows))], table.names is not None


@record
class RowTable:
    """The rows of one document: a list (or LazyRows) at `base`, with column names for table format."""

    rows: Sequence[Any]
    base: PathKey
    names: list[Any] | None  # table format: cells have no names in the file

    def path(self, index: int) -> PathKey:
        return (*self.base, index)

    def row(self, index: int) -> Any:
        """The row as an object (a table row's cells named by the columns); JsonError for a row nested too
        deeply."""
        return self._named(self.rows[index])

    def decoded(self, indexes: list[int]) -> Iterator[tuple[int, Any]]:
        """(index, row or JsonError) for each index, in order (large files' rows decoded in batches)."""
        if isinstance(self.rows, LazyRows):
            for index, row in self.rows.decode_many(indexes):
                yield index, row if isinstance(row, JsonError) else self._named(row)
        else:
            for index in indexes:
                yield index, self._named(self.rows[index])

    def _named(self, row: Any) -> Any:
        if self.names is not None and isinstance(row, list):
            return dict(zip(self.names, row, strict=False))
        return row

    def type_hint(self, index: int) -> str | None:
        """The row's lower-cased type when it is known without decoding the row."""
        if isinstance(self.rows, LazyRows) and self.names is None:
            return self.rows.types[index]
        return None


def row_table(data: Any, base: PathKey = ()) -> RowTable | None:
    if isinstance(data, (list, LazyRows)):
        return RowTable(data, base, None)
    if not isinstance(data, Mapping):
        return None
    for key in ("data", "Data"):
        inner = data.get(key)
        if isinstance(inner, (list, LazyRows, Mapping)):
            return row_table(inner, (*base, key))
    columns, rows = data.get("columns"), data.get("rows")
    if isinstance(columns, list) and isinstance(rows, (list, LazyRows)):
        names = [c.get("name") if isinstance(c, Mapping) else c for c in columns]
        return RowTable(rows, (*base, "rows"), names)
    return None


def row_type(row: Any) -> str | None:
    if not isinstance(row, Mapping):
        return None
    found = _field(row, "type")
    return found.lower() if isinstance(found, str) else None


def _json_type(value: Any) -> str:
    names = {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "a string",
             list: "an array"}
    return names.get(type(value), type(value).__name__)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _empty_to_none(value: Any) -> Any:
    # `not value` first: most values are set, and are told without comparing them with three empty values
    return None if not value and value in ("", {}, []) else value


def _field(row: Mapping[str, Any], name: str) -> Any:
    value = row.get(name, MISSING)
    if value is MISSING:
        value = get_ci(row, name)
    return None if value is MISSING else value


def resource_from_row(row: Any, origin: Origin, anchor: Any) -> Resource | str:
    """A Resource, or a sentence saying what is wrong with the row."""
    if not isinstance(row, Mapping):
        return f"a row must be an object, not {_json_type(row)}"
    # Members spelled as Resource Graph spells them are found at once; any other spelling by `_field`.
    get = row.get
    resource_id, resource_type = get("id", MISSING), get("type", MISSING)
    resource_id = _text(_field(row, "id") if resource_id is MISSING else resource_id)
    resource_type = _text(_field(row, "type") if resource_type is MISSING else resource_type)
    if resource_id is None or resource_type is None:
        missing = "id" if resource_id is None else "type"
        return f"row has no string `{missing}`; include `{missing}` in the query's projection"
    top = [get(key, MISSING) for key in _OTHER_TOP_FIELDS]
    if MISSING in top:
        top = [_field(row, key) if value is MISSING else value
               for key, value in zip(_OTHER_TOP_FIELDS, top, strict=True)]
    name, kind, location, sku, properties, tags, identity, zones = top
    name = _text(name) or resource_id.rstrip("/").rsplit("/", 1)[-1]
    extra = {}
    for key in _EXTRA_FIELDS:
        value = get(key, MISSING)
        if value is MISSING:
            value = _field(row, key)
        # `value not in (None, "", {})`, with a set value (the common case) told without comparing it
        if value is not None and (value or value not in ("", {})):
            # the same subscription, tenant and resource group on many rows: held once (see `shared_text`)
            extra[key] = shared_text(value) if type(value) is str else value
    type_key = resource_type.lower()
    if type_key == LOCKS and not isinstance(properties, Mapping) and _field(row, "level"):
        # `az lock list` puts the lock's fields at the top level; ARM and the REST API under properties
        properties = {key: value for key in ("level", "notes", "owners") if (value := _field(row, key))}
    if type_key == ROLE_ASSIGNMENTS and isinstance(properties, Mapping):
        scope = properties.get("scope")
        if isinstance(scope, str):
            extra["scope"] = scope
    return Resource(
        id=resource_id,
        type=resource_type,
        name=name,
        origin=origin,
        anchor=anchor,
        location=_location(_text(location), type_key),
        kind=_text(kind),
        sku=_empty_to_none(sku),
        properties=properties if isinstance(properties, Mapping) else {},
        tags=tags or {},
        zones=_empty_to_none(zones),
        identity=_empty_to_none(identity),
        extra=extra,
    )


def _location(location: str | None, resource_type: str) -> str | Unknown | None:
    """The row's region. A resource row with no location (or `""`) is in some region the export does not
    show: Unknown, never "no region" (which rules would read as a second, empty region or a missing pair).
    Rows that are not regional resources (locks, role assignments, subscriptions) have none."""
    if location is not None:
        return location
    if resource_type in (LOCKS, ROLE_ASSIGNMENTS) or resource_type.count("/") != 1 \
            or resource_type.startswith("microsoft.resources/"):  # a subscription has no region
        return None
    return Unknown("the export gives no location for this resource; include `location` in the query's "
                   "projection", text="a region the export does not give")


def _is_row(row: Any) -> bool:
    if not isinstance(row, Mapping):
        return False
    resource_id, resource_type = row.get("id"), row.get("type")
    return (isinstance(resource_id, str) and resource_id.startswith("/") and isinstance(resource_type, str)
            and "/" in resource_type)


def looks_like_resource_graph(data: Any) -> bool:
    """Rows of Resource Graph output in any shape users save (see `rows_of`)."""
    if isinstance(data, (list, LazyRows)):
        # One malformed row must not hide the file: it is reported by `load` instead.
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
        pending: list[tuple[InputFile, list[Resource], UnreadRows | None]] = []
        for file in files:
            assert file.document is not None
            # The text of a large export is read (and recognised) once: from here on, the rows a rule reads
            # are decoded from the file in stretches, and positions read the rows findings point at, so the
            # text (the size of the file) is never held beside the resources.
            file.document.release_text()
            resources, unread = self._load_document(file, loaded, ctx.types_read, loaded_types)
            pending.append((file, resources, unread))
        unobservable = dict(NOT_INDEXED)
        if ROLE_ASSIGNMENTS not in loaded_types:
            unobservable[ROLE_ASSIGNMENTS] = ROLE_ASSIGNMENTS_MISSING
        if LOCKS in loaded_types:
            # a lock listing is per subscription: once saved beside the export, a missing lock is no lock
            del unobservable[LOCKS]
        for file, resources, unread in pending:
            if self._load_audit_record(file, resources, loaded, unread):
                continue
            origin = Origin("resource-graph", file.display, None, unobservable)
            for resource in resources:
                resource.origin = origin
            if unread is not None:
                unread.origin = origin
                loaded.unread.append(unread)
            loaded.origins.append(origin)
            loaded.resources.extend(resources)
            loaded.files.append(file.display)
        return loaded

    def _load_audit_record(self, file: InputFile, resources: list[Resource], loaded: Loaded,
                           unread: UnreadRows | None = None) -> bool:
        """A file saved by `drlint audit --save` says what it fetched: its resources get origins from that."""
        from linter.inputs.live.document import assign_origins, read_record

        document = file.document
        assert document is not None
        record, problems = read_record(document.data)
        for path, problem in problems:
            loaded.diagnostics.append(Diagnostic(problem, document.position(path), severity="warning"))
        if record is None:
            return False
        if unread is not None:  # the record gives every resource its origin: no row stays unread
            resources = resources + unread.take_all()
        origins, diagnostics = assign_origins(resources, record, "resource-graph", file.display, document.position)
        loaded.origins.extend(origins)
        loaded.diagnostics.extend(diagnostics)
        loaded.resources.extend(resources)
        loaded.files.append(file.display)
        return True

    def _load_document(self, file: InputFile, loaded: Loaded, wanted: frozenset[str] | None,
                       seen_types: set[str]) -> tuple[list[Resource], UnreadRows | None]:
        """The resources of the rows whose type a rule reads (every row when `wanted` is None); the other
        rows stay text, found by id only if a rule follows a reference to one."""
        document = file.document
        assert document is not None
        table = row_table(document.data)
        placeholder = Origin("resource-graph", file.display)
        resources: list[Resource] = []
        skipped: list[int] = []
        if table is not None:
            to_read: list[int] = []
            for index in range(len(table.rows)):
                hint = table.type_hint(index)
                if hint is not None:
                    seen_types.add(hint)
                    if wanted is not None and hint not in wanted:
                        skipped.append(index)
                        continue
                to_read.append(index)
            for index, row in table.decoded(to_read):
                path = table.path(index)
                if isinstance(row, JsonError):
                    loaded.diagnostics.append(Diagnostic(f"{row}; this row is not checked", document.position(path)))
                    continue
                if table.type_hint(index) is None:
                    found_type = row_type(row)
                    if found_type is not None:
                        seen_types.add(found_type)
                        if wanted is not None and found_type not in wanted:
                            skipped.append(index)
                            continue
                anchor = RowAnchor(document, path) if table.names is not None else JsonAnchor(document, path)
                made = resource_from_row(row, placeholder, anchor)
                if isinstance(made, str):
                    loaded.diagnostics.append(Diagnostic(made, document.position(path)))
                else:
                    resources.append(made)
            skipped.sort()
        if _truncated(document.data):
            loaded.diagnostics.append(Diagnostic(
                "these results are one page of a larger result (a skip token is present); "
                "export every page (az graph query --first 1000 --skip-token <token>) and scan them together",
                document.position(()), severity="warning"))
        unread = UnreadRows(document, table, skipped, placeholder) if table is not None and skipped else None
        return resources, unread


class UnreadRows:
    """Rows of types no rule selects, kept as text: a rule that follows a resource id to one of them (a
    hub's `containerRegistry`, say) gets it as a resource, made on first use; nothing else ever does."""

    def __init__(self, document: JsonDocument, table: RowTable, indexes: list[int], origin: Origin) -> None:
        self.document = document
        self.table = table
        self.indexes = indexes
        self.origin = origin
        self._by_id: dict[str, int] | None = None
        self._made: dict[int, Resource] = {}
        self._types: set[str | None] | None = None  # the types of the unread rows, once asked
        self._unreadable: dict[int, str] = {}  # rows that could not be read again (the file changed), and why

    def _type_of(self, index: int) -> str | None:
        hint = self.table.type_hint(index)
        if hint is None:
            try:
                hint = row_type(self.table.row(index))
            except JsonError as exc:
                self._unreadable.setdefault(index, str(exc))
                hint = None
        return hint

    def problems(self) -> list[Diagnostic]:
        """One diagnostic for the rows a rule asked for that could not be read again: a rule that followed an
        id to one of them saw it as absent, so its result cannot be trusted and the run must say so."""
        if not self._unreadable:
            return []
        first = min(self._unreadable)
        return [Diagnostic(f"{len(self._unreadable)} row(s) could not be read again while rules ran "
                           f"({self._unreadable[first]}); results that follow ids to them are not reliable",
                           self.document.position(self.table.path(first)))]

    def __len__(self) -> int:
        return len(self.indexes)

    def find(self, id_key: str) -> Resource | None:
        """The resource of the row whose lower-cased id is `id_key`, or None."""
        if self._by_id is None:
            self._by_id = {}
            for index in self.indexes:
                try:
                    row = self.table.row(index)
                except JsonError as exc:
                    self._unreadable.setdefault(index, str(exc))
                    continue
                resource_id = _field(row, "id") if isinstance(row, Mapping) else None
                if isinstance(resource_id, str):
                    self._by_id.setdefault(resource_id.lower(), index)
        index = self._by_id.get(id_key)
        return None if index is None else self._make(index)

    def take_all(self) -> list[Resource]:
        """Every unread row as a resource (none is left unread)."""
        taken, self.indexes = self.indexes, []
        self._types = set()
        return [r for r in map(self._make, taken) if r is not None]

    def take(self, type_key: str) -> list[Resource]:
        if self._types is None:
            self._types = {self._type_of(index) for index in self.indexes}
        if type_key not in self._types:
            return []
        self._types.discard(type_key)
        taken, kept = [], []
        for index in self.indexes:
            (taken if self._type_of(index) == type_key else kept).append(index)
        self.indexes = kept
        return [r for r in map(self._make, taken) if r is not None]

    def _make(self, index: int) -> Resource | None:
        if index not in self._made:
            path = self.table.path(index)
            anchor = (RowAnchor(self.document, path) if self.table.names is not None
                      else JsonAnchor(self.document, path))
            try:
                made = resource_from_row(self.table.row(index), self.origin, anchor)
            except JsonError as exc:
                self._unreadable.setdefault(index, str(exc))
                return None
            if isinstance(made, str):
                return None
            self._made[index] = made
        return self._made[index]


def _truncated(data: Any) -> bool:
    if not isinstance(data, Mapping):
        return False
    token = data.get("skip_token") or data.get("skipToken") or data.get("$skipToken")
    truncated = str(data.get("result_truncated") or data.get("resultTruncated") or "").lower() == "true"
    return bool(token) or truncated


FRONT_END = ResourceGraphFrontEnd()
