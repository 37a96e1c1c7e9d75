"""Resource functions: ids, reference()/references(), pickZones, list*() (the last is Unknown)."""

from __future__ import annotations

from typing import Any

from linter.inputs.arm.functions.core import expect, register
from linter.model import Unknown


# unknown_ok: a name that is a symbolic unknown gives a symbolic id, equal to the id of the resource declared
# with that same name expression (see DeploymentContext.symbolic_id), so a hub still finds its storage account
@register("resourceId", min_args=2, unknown_ok=True)
def resource_id(env: Any, *args: Any) -> Any:
    return env.run.context.resource_id(args)


@register("subscriptionResourceId", min_args=2, unknown_ok=True)
def subscription_resource_id(env: Any, *args: Any) -> Any:
    return env.run.context.subscription_resource_id(args)


@register("managementGroupResourceId", min_args=2)
def management_group_resource_id(env: Any, *args: Any) -> Any:
    return env.run.context.management_group_resource_id(args)


@register("tenantResourceId", min_args=2)
def tenant_resource_id(env: Any, *args: Any) -> Any:
    from linter.inputs.arm.scope import provider_path

    return f"/{provider_path(args[0], args[1:])}"


@register("extensionResourceId", min_args=3)
def extension_resource_id(env: Any, scope_id: Any, resource_type: Any, *names: Any) -> Any:
    from linter.inputs.arm.scope import provider_path

    return f"{expect(scope_id, str, 'extensionResourceId').rstrip('/')}/{provider_path(resource_type, names)}"


@register("reference", lazy=True, min_args=1, max_args=3)
def reference(env: Any, nodes: tuple[Any, ...]) -> Any:
    return env.run.reference(nodes, env)


@register("references", lazy=True, min_args=1, max_args=2)
def references(env: Any, nodes: tuple[Any, ...]) -> Any:
    return env.run.references(nodes, env)


@register("pickZones", min_args=3, max_args=5)
def pick_zones(env: Any, *args: Any) -> Unknown:
    return Unknown("pickZones() depends on the zones Azure offers in the region")


@register("providers", min_args=1, max_args=2)
def providers(env: Any, *args: Any) -> Unknown:
    return Unknown("providers() reads the resource provider registry")
