"""Small builders shared by the tests."""

from __future__ import annotations

from typing import Any

from linter.conditions import Scope, Tri, compile_condition
from linter.model import Estate, FixedAnchor, Origin, Position, Resource, Unknown

ORIGIN = Origin("test", "test.json")
SUB = "/subscriptions/s/resourceGroups/rg/providers"


def make(type_: str, name: str, location: Any = "eastus2", origin: Origin = ORIGIN, line: int = 1,
         **fields: Any) -> Resource:
    resource_id = fields.pop("id", None)
    if resource_id is None:
        resource_id = f"{SUB}/{type_.split('/')[0]}/" + "/".join(
            f"{t}/{n}" for t, n in zip(type_.split("/")[1:], name.split("/"), strict=True))
    return Resource(id=resource_id, type=type_, name=name, origin=origin,
                    anchor=FixedAnchor(Position(origin.file, line, 1)), location=location, **fields)


def evaluate(condition: dict, resource: Resource | None = None, estate: Estate | None = None,
             params: dict | None = None) -> Tri:
    return verdict(condition, resource, estate, params).tri


def verdict(condition: dict, resource: Resource | None = None, estate: Estate | None = None,
            params: dict | None = None):
    resource = resource or make("Microsoft.Test/things", "t")
    estate = estate or Estate([resource])
    scope = Scope(estate, resource, resource.fields(), params or {}, subject=resource)
    return compile_condition(condition).evaluate(scope)


U = Unknown("test")
