"""The one resource model every input is normalised into.

Inputs (Resource Graph files, ARM templates, Bicep) produce `Resource` records; a run collects them in an
`Estate`. Values the input could not determine are `Unknown` (never a guess): conditions that read one
evaluate to UNKNOWN, so an unknowable value can neither pass nor fail a rule.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Protocol

from linter import regions
from linter.records import field, record


class Unknown:
    """A value that cannot be determined statically; `reason` says why (shown to the user).

    It is never `==` to anything (not even another Unknown) and has no truth value, so code that forgets
    to check for it fails loudly in tests instead of silently passing a rule.

    A symbolic unknown also knows where it comes from: `key` is a hashable description of the expression
    that produces it in one deployment (`resourceGroup().location` of deployment 'main', parameter
    'location' of that deployment, `toLower()` of one of those...). Two unknowns with the same key are the
    same value, whatever it turns out to be: a hub and its App Insights both at `location` are in one region
    (see `same_value`). Values that differ at every evaluation (`utcNow()`, `newGuid()`) have no key.
    `text` is how to show the value to a person (its source expression) when there is one.
    """

    __slots__ = ("key", "reason", "source", "text")

    def __init__(self, reason: str, key: Hashable | None = None, text: str | None = None,
                 source: str | None = None) -> None:
        self.reason = reason
        self.key = key
        self.text = text
        # the deployment-time function the value depends on (`utcNow()`), kept through derived values so a
        # reason can name what depends on it ("the resource group's name comes from utcNow()")
        self.source = source

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})" if self.key is None else f"Unknown({self.reason!r}, key={self.key!r})"

    def __eq__(self, other: object) -> bool:
        return False

    def __ne__(self, other: object) -> bool:
        return False

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        raise TypeError(f"the truth of an unknown value is undetermined ({self.reason})")

    def same(self, other: object) -> bool:
        """True when both are the same (symbolic) value: built by the same expression in one deployment."""
        return self.key is not None and isinstance(other, Unknown) and other.key == self.key

    def shown_as(self, text: str | None) -> Unknown:
        """The same value with another way of showing it (its source expression at one use)."""
        return Unknown(self.reason, self.key, text or self.text, self.source)


def same_value(a: object, b: object) -> bool:
    """Whether two values are known to be the same symbolic unknown (never True for two known values)."""
    return isinstance(a, Unknown) and a.same(b)


def known_different(a: object, b: object) -> bool:
    """Whether two values are known to differ though one is not known: a region is never its own paired
    region (`pairedRegion` of the symbolic `location` is not `location`, whatever region it turns out to be)."""
    for one, other in ((a, b), (b, a)):
        if isinstance(one, Unknown) and isinstance(other, Unknown) and other.key is not None \
                and one.key == ("pairedRegion", (("?", other.key),)):
            return True
    return False


def freeze(value: object, depth: int = 0) -> Hashable | None:
    """A hashable form of a value for a symbolic key (None when it cannot take part in one)."""
    if isinstance(value, Unknown):
        return None if value.key is None else ("?", value.key)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value if not isinstance(value, str) or len(value) <= 512 else None
    if depth > 4:
        return None
    if isinstance(value, list) and len(value) <= 32:
        items = tuple(freeze(v, depth + 1) for v in value)
        return None if any(i is None and v is not None for i, v in zip(items, value, strict=True)) else ("[]", items)
    if isinstance(value, dict) and len(value) <= 32:
        pairs = [(str(k).lower(), freeze(v, depth + 1), v) for k, v in value.items()]
        if any(f is None and v is not None for _, f, v in pairs):
            return None
        return ("{}", tuple(sorted(((k, f) for k, f, _ in pairs), key=lambda pair: pair[0])))
    return None


def derived(unknown: Unknown, operation: str, inputs: tuple[object, ...]) -> Unknown:
    """The Unknown a deterministic operation gives on `inputs` (one of them `unknown`): same reason, and a
    key when every input has one (so `toLower(location)` twice is one value, but not `location` itself)."""
    parts = tuple(freeze(i) for i in inputs)
    if any(p is None and i is not None for p, i in zip(parts, inputs, strict=True)):
        return unknown if unknown.key is None else Unknown(unknown.reason, source=unknown.source)
    return Unknown(unknown.reason, (operation, parts), source=unknown.source)


def is_unknown(value: object) -> bool:
    return isinstance(value, Unknown)


@record(frozen=True)
class Position:
    """A place in a source file. Lines and columns are 1-based; `path` is as given to the input."""

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


PathKey = tuple[str | int, ...]


class Anchor(Protocol):
    """Where a resource came from; finds the position of a property (a path below the resource) on demand.

    Positions are resolved lazily because most resources never produce a finding, and computing positions
    for every value of a large file costs more than parsing it.
    """

    def locate(self, path: PathKey) -> Position | None: ...


@record(frozen=True)
class FixedAnchor:
    """An anchor that knows one position for the resource and, optionally, some of its properties."""

    position: Position
    properties: Mapping[PathKey, Position] = field(default_factory=dict)

    def locate(self, path: PathKey) -> Position | None:
        key = tuple(p.lower() if isinstance(p, str) else p for p in path)
        while key:
            found = self.properties.get(key)
            if found is not None:
                return found
            key = key[:-1]
        return self.position


@record(frozen=True)
class Origin:
    """The input a resource came from: one Resource Graph file, or one deployment of a template.

    `unobservable` maps lower-case resource types this input cannot see to the reason (Resource Graph does
    not index `workspaces/connections`, for example), so rules needing them yield UNKNOWN instead of FAIL;
    the key `*` stands for every type. `unobservable_if_none` maps types this input shows only when it
    manages them: when the run has none at all, they are unseen, not absent (a template that deploys no
    compute says nothing of the computes created in the studio by hand).
    """

    kind: str  # the name of the front end that read it (`FrontEnd.name`: "resource-graph", "arm", "bicep")
    file: str
    deployment: str | None = None
    unobservable: Mapping[str, str] = field(default_factory=dict)
    unobservable_if_none: Mapping[str, str] = field(default_factory=dict)

    def unobserved_reason(self, resource_type: str) -> str | None:
        # "*": any type may be missing (a Bicep registry module that was not fetched may deploy anything);
        # "" for a type: observed in full, whatever "*" says (a live audit fetched every one of them)
        reason = self.unobservable.get(resource_type.lower())
        if reason is not None:
            return reason or None
        return self.unobservable.get("*")


class _Missing:
    """Marks a field that is absent (distinct from None/null and from Unknown)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING = _Missing()


# One copy of each short string that many resources hold (a type and its lower-cased key, a region, a kind,
# a subscription, a resource group): a large export decodes a new copy of them for every row, and a resource
# holding its own copies is a few hundred bytes more each. Bounded: the strings come from input files.
_SHARED_TEXT: dict[str, str] = {}
SHARED_TEXT_MAX_ENTRIES = 16_384
SHARED_TEXT_MAX_LENGTH = 128


def shared_text(value: str) -> str:
    """`value`, or an equal string already held (see `_SHARED_TEXT`)."""
    found = _SHARED_TEXT.get(value)
    if found is not None:
        return found
    if len(value) <= SHARED_TEXT_MAX_LENGTH and len(_SHARED_TEXT) < SHARED_TEXT_MAX_ENTRIES:
        _SHARED_TEXT[value] = value
    return value


def get_ci(mapping: Mapping[str, Any], key: str) -> Any:
    """A member by name, compared case-insensitively as Azure does; MISSING when absent."""
    if key in mapping:
        return mapping[key]
    folded = key.lower()
    # Keys only, and `type` before `isinstance`: a resource's field lookup that misses (a template fact a
    # Resource Graph row never has) walks every key, once per resource.
    for k in mapping:
        if (type(k) is str or isinstance(k, str)) and k.lower() == folded:
            return mapping[k]
    return MISSING


class ValueSource(enum.Enum):
    """Where a value came from in the template that declares it: what tells a hard-coded value from one each
    deployment chooses (a rule asks for `template.<field>.source`, or `.literal`)."""

    LITERAL = "literal"  # written into the template: a value, or an expression of literals and variables
    PARAMETER = "parameter"  # a parameter of the deployment (a parameter file or drlint.yaml gives it)
    CALLER = "caller"  # a parameter of a nested deployment (a module), computed by the template calling it
    DEPLOYMENT = "deployment"  # the deployment's context (`resourceGroup().location`, a reference), or not written


# The fields whose provenance template front ends record.
TRACKED_FIELDS = ("location",)


@record(frozen=True)
class Provenance:
    source: ValueSource
    text: str | None = None  # the value as written, when it is one string (for Bicep, the Bicep text)
    # where a literal is written when not at the field itself (a variable, a module parameter its caller
    # passes): what the user edits, so a finding about it points there
    # found lazily (a position costs a scan of the file, and most values never decide a finding): a Position,
    # or an object whose `position()` gives one
    where: Any = None
    by_caller: bool = False  # `written` is in the template that deploys this one (a module's caller)

    @property
    def written(self) -> Position | None:
        where = self.where
        return where if where is None or isinstance(where, Position) else where.position()

    def as_field(self) -> dict[str, Any]:
        return {"source": self.source.value, "literal": self.source is ValueSource.LITERAL, "text": self.text}


NO_PROVENANCE: Mapping[str, Provenance] = MappingProxyType({})


class Resource:
    """One Azure resource, from any input.

    `type` keeps the input's spelling (compare with `type_key`, the lower-cased form); `location` is the
    normalised programmatic region name (or Unknown, or None for global resources). `properties` and the
    other bags are plain JSON-like values that may contain Unknown anywhere.
    """

    __slots__ = (
        "_fields",
        "anchor",
        "conditional",
        "extra",
        "id",
        "id_key",
        "identity",
        "kind",
        "location",
        "name",
        "origin",
        "parent_id",
        "properties",
        "provenance",
        "sku",
        "tags",
        "type",
        "type_key",
        "zones",
    )

    def __init__(
        self,
        *,
        id: str | Unknown,
        type: str,
        name: str | Unknown,
        origin: Origin,
        anchor: Anchor,
        location: Any = None,
        kind: Any = None,
        sku: Any = None,
        properties: Any = None,
        tags: Any = None,
        zones: Any = None,
        identity: Any = None,
        parent_id: str | Unknown | None = None,
        extra: Mapping[str, Any] | None = None,
        conditional: Unknown | None = None,
        provenance: Mapping[str, Provenance] | None = None,
    ) -> None:
        self.id = id
        self.type = shared_text(type)
        self.type_key = shared_text(type.lower())
        id_key = self.id_key = id.lower() if isinstance(id, str) else None
        self.name = name
        self.location = shared_text(regions.normalise(location)) if isinstance(location, str) else location
        self.kind = shared_text(kind) if isinstance(kind, str) else kind
        self.sku = sku
        self.properties = properties if properties is not None else {}
        self.tags = tags if tags is not None else {}
        self.zones = zones
        self.identity = identity
        self.parent_id = parent_id if parent_id is not None else parent_id_of(id, id_key)
        self.origin = origin
        self.anchor = anchor
        # Input-specific fields rules may read (resourceGroup, subscriptionId...).
        self.extra = dict(extra or {})
        # Templates only: where each field's value came from, read by rules as `template.<field>.source`.
        # Resources without any (every Resource Graph row) share one read-only empty mapping, not a dict each.
        self.provenance = dict(provenance) if provenance else NO_PROVENANCE
        # Set when a template deploys the resource under a condition that could not be evaluated.
        self.conditional = conditional
        self._fields: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"Resource({self.type!r}, {self.name!r})"

    @property
    def display_name(self) -> str:
        if isinstance(self.name, str):
            return self.name
        if isinstance(self.name, Unknown) and self.name.text:
            return self.name.text  # its source expression: what the user recognises in the template
        return f"<{self.type.rsplit('/', 1)[-1]}>"

    def fields(self) -> Mapping[str, Any]:
        """The resource as the JSON object rules address with field paths (`sku.name`, `properties.x`)."""
        if self._fields is None:
            self._fields = {
                "id": self.id, "type": self.type, "name": self.name, "location": self.location,
                "kind": self.kind, "sku": self.sku, "properties": self.properties, "tags": self.tags,
                "zones": self.zones, "identity": self.identity, **self.extra,
            }
            if self.provenance:
                self._fields["template"] = {k: p.as_field() for k, p in self.provenance.items()}
            # The parent's id, for rules that reach a child's parent (`ref: parentId`): a deployment's
            # account, a connection's project. Absent for top-level resources.
            if self.parent_id is not None:
                self._fields.setdefault("parentId", self.parent_id)
            elif isinstance(self.id, Unknown) and self.type.count("/") >= 2:
                # a child whose own id is unknown has an unknown parent, not none
                self._fields.setdefault("parentId", Unknown("its parent is "
                                                            f"not known: {self.id.reason}"))
        return self._fields

    def forget_fields(self) -> None:
        """Drop the mapping `fields()` made (it is made again if asked for): frees memory once rules are done."""
        self._fields = None

    def get(self, key: str) -> Any:
        """A top-level field by case-insensitive name; absent fields return `MISSING`."""
        value = get_ci(self.fields(), key)
        return MISSING if value is None else value

    @property
    def position(self) -> Position:
        return self.anchor.locate(()) or Position(self.origin.file)

    def locate(self, path: PathKey) -> Position:
        return self.anchor.locate(path) or self.position


def parent_id_of(resource_id: object, lowered: str | None = None) -> str | None:
    """The id of a child resource's parent (`.../workspaces/hub/connections/c` -> `.../workspaces/hub`).
    `lowered` is the id lower-cased, when the caller has it already."""
    if not isinstance(resource_id, str):
        return None
    if lowered is None:
        lowered = resource_id.lower()
    marker = lowered.rfind("/providers/")
    if marker < 0:
        return None
    tail_text = resource_id[marker + len("/providers/"):]
    if tail_text.count("/") <= 2 and not tail_text.startswith("/") and not tail_text.endswith("/"):
        return None  # namespace/type/name at most: a top-level resource (most ids), told without splitting
    tail = tail_text.strip("/").split("/")
    # namespace/type/name is a top-level resource; every further type/name pair is one level of nesting.
    if len(tail) <= 3 or len(tail) % 2 == 0:
        return None
    return resource_id[:marker] + "/providers/" + "/".join(tail[:-2])


class UnreadInputs(Protocol):
    """Inputs left unread because no rule selects their type (Resource Graph rows of other types): they
    count, and a rule that follows a resource id to one gets it (`find`, by lower-cased id)."""

    def __len__(self) -> int: ...

    def find(self, id_key: str) -> Resource | None: ...

    def take(self, type_key: str) -> list[Resource]:
        """Make every unread input of this type a resource (and no longer unread)."""
        ...

    def problems(self) -> list[Any]:
        """Diagnostics for inputs that could not be read when asked for (after the rules have run)."""
        ...


class Estate:
    """Every resource of one run, indexed by lower-cased type, by lower-cased id and by parent id."""

    def __init__(self, resources: Iterable[Resource] = (), unread: Iterable[UnreadInputs] = ()) -> None:
        self._unread = list(unread)
        self._taken: set[str] = set()
        self._resources: list[Resource] = []
        self._by_type: dict[str, list[Resource]] = {}
        self._by_id: dict[str, Resource] = {}
        self._children: dict[Hashable, list[Resource]] = {}
        self._orphans: dict[str, list[Resource]] = {}
        self._symbolic_children: dict[str, list[Resource]] = {}  # children of a parent named symbolically
        self._by_symbol: dict[Hashable, Resource] = {}  # ids that are symbolic unknowns, by key
        self.origins: list[Origin] = []
        # values the rules compute once per estate (indexes, answers that do not depend on the resource being
        # checked): owned by linter.conditions, emptied whenever the estate changes
        self.memo: dict[Hashable, Any] = {}
        for resource in resources:
            self.add(resource)

    def add(self, resource: Resource) -> None:
        self.memo.clear()
        if resource.id_key is not None:
            same = self._by_id.get(resource.id_key)
            if same is not None and same.origin == resource.origin:
                return  # one deployment declaring a resource again (identical loop iterations) updates it
        symbol = resource.id.key if isinstance(resource.id, Unknown) else None
        if symbol is not None:
            same = self._by_symbol.get(symbol)
            if same is not None and same.origin == resource.origin:
                return
            self._by_symbol.setdefault(symbol, resource)
        self._resources.append(resource)
        self._by_type.setdefault(resource.type_key, []).append(resource)
        if resource.id_key is not None:
            self._by_id.setdefault(resource.id_key, resource)
        if isinstance(resource.parent_id, str):
            self._children.setdefault(resource.parent_id.lower(), []).append(resource)
        elif isinstance(resource.parent_id, Unknown) and resource.parent_id.key is not None:
            # `parent: account` with the account's name a symbolic unknown: a child of that very account
            self._children.setdefault(("?", resource.parent_id.key), []).append(resource)
            self._symbolic_children.setdefault(resource.type_key, []).append(resource)
        elif resource.id_key is None:
            self._orphans.setdefault(resource.type_key, []).append(resource)
        if resource.origin not in self.origins:
            self.origins.append(resource.origin)

    def add_origin(self, origin: Origin) -> None:
        """Register an input that produced no resources (it still tells what it could observe)."""
        self.memo.clear()
        if origin not in self.origins:
            self.origins.append(origin)

    def __iter__(self) -> Iterator[Resource]:
        return iter(self._resources)

    def forget_evaluation(self) -> None:
        """Drop what evaluating rules cached (the memo, each resource's `fields()` mapping); all of it is made
        again if asked for, so this only frees memory."""
        self.memo.clear()
        for resource in self._resources:
            resource.forget_fields()

    def __len__(self) -> int:
        return len(self._resources)

    def of_type(self, resource_type: str) -> list[Resource]:
        type_key = resource_type.lower()
        if self._unread and type_key not in self._taken:
            # Inputs are left unread only for types no rule selects; whatever asks for a type still gets it all.
            self._taken.add(type_key)
            for unread in self._unread:
                for resource in unread.take(type_key):
                    self.add(resource)
        return self._by_type.get(type_key, [])

    def get(self, resource_id: str) -> Resource | None:
        key = resource_id.lower()
        found = self._by_id.get(key)
        if found is None and self._unread:
            # Not indexed: it is not a member of the estate's lists (its type's is made whole by `of_type`);
            # an unread input remembers the resource it made, so a second lookup returns the same one.
            for unread in self._unread:
                found = unread.find(key)
                if found is not None:
                    break
        return found

    @property
    def input_count(self) -> int:
        """Resources plus inputs left unread (what a report says was scanned)."""
        return len(self._resources) + sum(len(u) for u in self._unread)

    def find(self, resource_id: object) -> Resource | None:
        """The resource an id names: a string, or a symbolic unknown (an id built from a name not known
        before deployment is still the id of the resource declared with that very name expression)."""
        if isinstance(resource_id, str):
            return self.get(resource_id)
        if isinstance(resource_id, Unknown) and resource_id.key is not None:
            return self._by_symbol.get(resource_id.key)
        return None

    def children(self, parent: Resource) -> list[Resource]:
        if parent.id_key is None:
            if isinstance(parent.id, Unknown) and parent.id.key is not None:
                return self._children.get(("?", parent.id.key), [])
            return []
        return self._children.get(parent.id_key, [])

    def orphans(self, resource_type: str) -> list[Resource]:
        """Resources of a type whose id, and so whose parent, is not known (a child named from a parameter),
        and children of a symbolically named parent that is not among the resources (it may be any)."""
        key = resource_type.lower()
        unmatched = [r for r in self._symbolic_children.get(key, [])
                     if isinstance(r.parent_id, Unknown) and r.parent_id.key not in self._by_symbol]
        return self._orphans.get(key, []) + unmatched if unmatched else self._orphans.get(key, [])

    def unobserved_reason(self, resource_type: str, near: Resource | None = None) -> str | None:
        """Why resources of this type may be missing from the estate (None when absence is meaningful).

        With `near`, only that resource's input counts (connections of a Resource Graph hub are unseen even
        if a template elsewhere in the run declares connections of its own hub).
        """
        for origin in [near.origin] if near is not None else self.origins:
            reason = origin.unobserved_reason(resource_type)
            if reason:
                return reason
            reason = origin.unobservable_if_none.get(resource_type.lower())
            if reason and not self.of_type(resource_type):
                return reason
        return None
