"""Values on the right of an operator (or on the left, with `value:`): literals, parameters, fields,
region facts."""

from __future__ import annotations

from typing import Any

from linter import regions
from linter.conditions.core import ConditionError, Scope
from linter.model import MISSING, Unknown, derived, get_ci
from linter.paths import FieldPath, PathError, compile_path, resolve
from linter.records import record


class Operand:
    """A value on the right of an operator (or on the left, with `value:`)."""

    def get(self, scope: Scope) -> Any:
        raise NotImplementedError


@record
class Literal(Operand):
    value: Any

    def get(self, scope: Scope) -> Any:
        return self.value


@record
class Param(Operand):
    name: str

    def get(self, scope: Scope) -> Any:
        return scope.params.get(self.name, MISSING)


@record
class FieldOf(Operand):
    """`{field: p}` (the current root), `{outer: p}` (the scope before ref/aggregate), `{subject: p}`."""

    path: FieldPath
    which: str

    def get(self, scope: Scope) -> Any:
        if self.which == "field":
            return resolve(scope.root, self.path)
        if self.which == "outer":
            target = scope.outer
            if target is None:
                return Unknown("`outer` used where there is no outer resource")
            return resolve(target.root, self.path)
        if scope.subject is None:
            return Unknown("`subject` used in an estate-scope rule")
        return resolve(scope.subject.fields(), self.path)


@record
class RegionFunction(Operand):
    """`{pairedRegion: operand}` and `{geography: operand}`: facts from the region table."""

    function: str
    argument: Operand

    def get(self, scope: Scope) -> Any:
        region = self.argument.get(scope)
        if isinstance(region, Unknown):
            # the paired region of a symbolic region is another value (never the region itself)
            return derived(region, self.function, (region,))
        if region is MISSING:
            return region
        if not isinstance(region, str):
            return MISSING
        if regions.geography(region) is None:  # every region in the table has a geography
            # Absent would read as "a region without a pair"; a region the table lacks is not known to be one.
            return Unknown(f"region '{region}' is not in drlint's region table, so its pair and geography are "
                           "not known")
        if self.function == "pairedRegion":
            return regions.paired(region) or MISSING
        return regions.geography(region) or MISSING


@record
class ScopeOf(Operand):
    """`{scopeOf: operand}`: the scope a resource id lives in, i.e. the id before its last `/providers/`
    segment. For an extension resource (a lock, a role assignment) that is the resource, resource group or
    subscription it applies to; for any other resource, its resource group."""

    argument: Operand

    def get(self, scope: Scope) -> Any:
        value = self.argument.get(scope)
        if isinstance(value, Unknown):
            # the id of an extension resource named with guid() is not known, but the scope it applies to
            # may be: the input gives it as the resource's `scope`
            root = self._root_of_id(scope)
            known = get_ci(root, "scope") if isinstance(root, dict) else None
            if (isinstance(known, str) and known) or (isinstance(known, Unknown) and known.key is not None):
                return known  # a string, or the symbolic id of the resource declared with that name
        if isinstance(value, Unknown) or not isinstance(value, str):
            return value if isinstance(value, Unknown) else MISSING
        return scope_of(value)

    def _root_of_id(self, scope: Scope) -> Any:
        """The resource whose `id` the argument reads (`{field: id}`, `{outer: id}`, `{subject: id}`)."""
        argument = self.argument
        if not isinstance(argument, FieldOf) or argument.path.text.lower() != "id":
            return None
        if argument.which == "field":
            return scope.root
        if argument.which == "outer":
            return scope.outer.root if scope.outer is not None else None
        return scope.subject.fields() if scope.subject is not None else None


def scope_of(resource_id: str) -> Any:
    cut = resource_id.lower().rfind("/providers/")
    if cut < 0:
        return MISSING
    return resource_id[:cut] or "/"


def compile_field_path(raw: Any, path: tuple[str | int, ...]) -> FieldPath:
    if not isinstance(raw, str) or not raw:
        raise ConditionError("a field path must be a non-empty string such as `sku.name`", path)
    try:
        return compile_path(raw)
    except PathError as exc:
        raise ConditionError(str(exc), path) from None
