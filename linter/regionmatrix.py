"""The region matrix: for each workload, which of its parts exist in which region, with the gaps marked.

A workload is what fails over together: the AI Foundry hubs of the estate with everything they use, and the
Foundry accounts (hub-less: `CognitiveServices/accounts` with `allowProjectManagement`) with everything their
projects use. A list of findings says what is wrong one rule at a time; this table shows the posture at once:
a region with a hub but no storage, a registry without a replica, a single region with nothing in its pair.

A gap is a region of the workload (one that has a hub, or a Foundry account) where a part the workload uses
is absent. Geo-redundant storage counts in its paired region (its secondary copy is there), a registry in the
regions of its replicas, a Cosmos DB account in each of its `locations`. A part whose region cannot be known
(a template parameter without a value) is shown in a `?` column, never guessed; a part the input cannot show
(Resource Graph does not index connections, through which hubs reach AI accounts, Cosmos DB and AI Search)
is `?`, not empty. When every workload region
is one region, its paired region is added as a column: that is where the gaps of a single-region estate are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from linter import regions
from linter.model import MISSING, Estate, Resource, get_ci, is_unknown
from linter.records import field, record

HUBS = "microsoft.machinelearningservices/workspaces"
ACCOUNTS = "microsoft.cognitiveservices/accounts"
UNKNOWN_REGION = "?"
GEO_SKUS = ("standard_grs", "standard_ragrs", "standard_gzrs", "standard_ragzrs")
MAX_NAMES = 3  # names shown in a cell before "+n"

# Parts in the order rows are shown. Hub workloads have no "registry" row for Foundry accounts (no registry).
HUB_PARTS = ("hub", "projects", "AI accounts", "storage", "registry", "App Insights", "Cosmos DB", "AI Search")
ACCOUNT_PARTS = ("account", "projects", "AI accounts", "storage", "App Insights", "Cosmos DB", "AI Search")
CONNECTED_PARTS = ("AI accounts", "Cosmos DB", "AI Search")  # known through connections only (for hubs)
_CATEGORIES = {
    "aiservices": "AI accounts", "azureopenai": "AI accounts", "cognitiveservice": "AI accounts",
    "azurestorageaccount": "storage", "azureblob": "storage", "appinsights": "App Insights",
    "cosmosdb": "Cosmos DB", "cognitivesearch": "AI Search",
}


@record(frozen=True)
class Cell:
    names: tuple[str, ...] = ()  # a copy is named with its kind: "st1 (geo copy)", "acr (replica)"
    gap: bool = False
    unseen: bool = False  # the input cannot show this part (Resource Graph does not index connections)

    def text(self, gap_mark: str = "✗ missing", empty: str = "–", unseen: str = "?") -> str:
        if self.gap:
            return gap_mark
        if self.unseen and not self.names:
            return unseen
        if not self.names:
            return empty
        shown = ", ".join(self.names[:MAX_NAMES])
        if len(self.names) > MAX_NAMES:
            shown += f" +{len(self.names) - MAX_NAMES}"
        return shown


@record
class Workload:
    title: str  # e.g. "AI Foundry hubs"
    heads: list[str]  # names of the hubs or accounts
    regions: list[str]  # columns
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)

    @property
    def gaps(self) -> int:
        return sum(cell.gap for _, cells in self.rows for cell in cells)


class _Parts:
    """Where each part of one workload is: part -> region -> names (a copy's name carries its note)."""

    def __init__(self) -> None:
        self.places: dict[str, dict[str, list[str]]] = {}
        self.unseen: set[str] = set()  # parts known only through connections the input cannot show

    def add(self, part: str, resource: Resource, region: Any = MISSING, note: str = "") -> None:
        place = _region(resource.location if region is MISSING else region)
        if place is None:
            return  # a global resource: in no region
        names = self.places.setdefault(part, {}).setdefault(place, [])
        name = resource.display_name
        if name in names:
            return  # the resource itself is here: a copy of it in the same region adds nothing
        if note:
            name = f"{name} ({note})"
            if name in names:
                return
        else:  # the resource itself replaces a copy of it listed earlier
            names[:] = [n for n in names if not n.startswith(f"{name} (")]
        names.append(name)


def _region(value: Any) -> str | None:
    if is_unknown(value):
        return UNKNOWN_REGION
    if not isinstance(value, str) or not value or value.lower() == "global":
        return None
    return regions.normalise(value)


def build(estate: Estate) -> list[Workload]:
    """The workloads of an estate (hubs, Foundry accounts), each as a matrix; empty when it has neither."""
    workloads = []
    hubs = [r for r in estate.of_type(HUBS) if _kind(r) == "hub"]
    if hubs:
        workloads.append(_matrix("AI Foundry hubs", hubs, _hub_parts(estate, hubs), HUB_PARTS))
    accounts = [r for r in estate.of_type(ACCOUNTS) if get_ci(r.properties if isinstance(r.properties, dict) else {},
                                                                "allowProjectManagement") is True]
    if accounts:
        workloads.append(_matrix("Foundry accounts", accounts, _account_parts(estate, accounts), ACCOUNT_PARTS))
    return workloads


def _kind(resource: Resource) -> str:
    return resource.kind.lower() if isinstance(resource.kind, str) else ""


def _prop(resource: Resource, name: str) -> Any:
    properties = resource.properties if isinstance(resource.properties, dict) else {}
    return get_ci(properties, name)


def _target(estate: Estate, reference: Any) -> Resource | None:
    return estate.get(reference) if isinstance(reference, str) and reference else None


def _hub_parts(estate: Estate, hubs: list[Resource]) -> _Parts:
    parts = _Parts()
    hub_ids = {h.id_key for h in hubs if h.id_key}
    for hub in hubs:
        parts.add("hub", hub)
        for prop, part in (("storageAccount", "storage"), ("applicationInsights", "App Insights")):
            target = _target(estate, _prop(hub, prop))
            if target is not None:
                _add_dependency(parts, part, target, estate)
        registry = _target(estate, _prop(hub, "containerRegistry"))
        if registry is not None:
            _add_dependency(parts, "registry", registry, estate)
        _connections(parts, estate, estate.children(hub))
        if hub.origin.unobserved_reason(HUBS + "/connections"):
            parts.unseen.update(CONNECTED_PARTS)
    for project in estate.of_type(HUBS):
        hub_id = _prop(project, "hubResourceId")
        if _kind(project) == "project" and isinstance(hub_id, str) and hub_id.lower() in hub_ids:
            parts.add("projects", project)
            _connections(parts, estate, estate.children(project))
    return parts


def _account_parts(estate: Estate, accounts: list[Resource]) -> _Parts:
    parts = _Parts()
    for account in accounts:
        parts.add("account", account)
        children = estate.children(account)
        _connections(parts, estate, children)
        if account.origin.unobserved_reason(ACCOUNTS + "/projects/connections"):
            parts.unseen.update(CONNECTED_PARTS)
        for child in children:
            if child.type_key == ACCOUNTS + "/projects":
                parts.add("projects", child)
                _connections(parts, estate, estate.children(child))
    return parts


def _connections(parts: _Parts, estate: Estate, children: Iterable[Resource]) -> None:
    """Follow connections (hub, account or project) to the resources they name, by category."""
    for child in children:
        if not child.type_key.endswith("/connections"):
            continue
        category = _prop(child, "category")
        part = _CATEGORIES.get(category.lower()) if isinstance(category, str) else None
        metadata = _prop(child, "metadata")
        target_id = get_ci(metadata, "ResourceId") if isinstance(metadata, dict) else None
        target = _target(estate, target_id)
        if part is not None and target is not None:
            _add_dependency(parts, part, target, estate)


def _add_dependency(parts: _Parts, part: str, target: Resource, estate: Estate) -> None:
    parts.add(part, target)
    if part == "storage":
        sku = target.sku.get("name") if isinstance(target.sku, dict) else None
        home = _region(target.location)
        pair = regions.paired(home) if home and home != UNKNOWN_REGION else None
        if isinstance(sku, str) and sku.lower() in GEO_SKUS and pair:
            parts.add(part, target, pair, note="geo copy")
    elif part == "registry":
        for replica in estate.children(target):
            if replica.type_key.endswith("/replications"):
                parts.add(part, target, replica.location, note="replica")
    elif part == "Cosmos DB":
        locations = _prop(target, "locations")
        for item in locations if isinstance(locations, list) else []:
            name = get_ci(item, "locationName") if isinstance(item, dict) else None
            if isinstance(name, str) or is_unknown(name):
                parts.add(part, target, name)


def _matrix(title: str, heads: list[Resource], parts: _Parts, order: tuple[str, ...]) -> Workload:
    head_part = order[0]
    home = set(parts.places.get(head_part, {}))
    columns = set(home)
    for places in parts.places.values():
        columns.update(places)
    known_home = sorted(r for r in home if r != UNKNOWN_REGION)
    if len(known_home) == 1:
        pair = regions.paired(known_home[0])
        if pair:
            columns.add(pair)
            home.add(pair)  # the region a single-region workload fails over to: its gaps are the point
    ordered = sorted(c for c in columns if c != UNKNOWN_REGION) + ([UNKNOWN_REGION] if UNKNOWN_REGION in columns
                                                                    else [])
    workload = Workload(title, [h.display_name for h in heads], ordered)
    for part in order:
        places = parts.places.get(part, {})
        if not places and part != head_part:
            workload.rows.append((part, [Cell(unseen=part in parts.unseen) for _ in ordered]))
            continue
        cells = []
        for region in ordered:
            names = tuple(places.get(region, ()))
            missing = not names and region in home and region != UNKNOWN_REGION
            cells.append(Cell(names, missing))
        workload.rows.append((part, cells))
    return workload


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAX_CELL = 60
LEGEND = ("MISSING: a region of the workload without this part; -: not used there; ?: not visible in this input "
          "(connections) or in an unknown region")


def printable(text: str, limit: int = MAX_CELL) -> str:
    """A name as shown in a table: no control characters (a name is input), bounded width."""
    text = _CONTROL.sub("?", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_text(workloads: list[Workload]) -> str:
    """The matrices as aligned plain-text tables (the `--summary` of the text report)."""
    blocks = []
    for workload in workloads:
        header = ["", *workload.regions]
        rows = [[part, *(printable(c.text("MISSING", "-")) for c in cells)] for part, cells in workload.rows]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        heads = ", ".join(printable(h) for h in workload.heads[:MAX_NAMES])
        more = f" +{len(workload.heads) - MAX_NAMES}" if len(workload.heads) > MAX_NAMES else ""
        gaps = workload.gaps
        lines = [f"Regions of {workload.title} ({heads}{more}): {gaps} gap{'s' if gaps != 1 else ''}"]
        for row in [header, *rows]:
            lines.append("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        blocks.append("\n".join(lines))
    if blocks:
        blocks.append(LEGEND)
    return "\n\n".join(blocks)
