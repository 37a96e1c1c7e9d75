"""Deployment and scope functions: parameters, variables, copyIndex, deployment, subscription, ..."""

from __future__ import annotations

from typing import Any

from linter.inputs.arm.functions.core import EvalError, expect, register
from linter.model import Unknown


@register("parameters", min_args=1, max_args=1)
def parameters(env: Any, name: Any) -> Any:
    return env.run.parameter(expect(name, str, "parameters"), env)


@register("variables", min_args=1, max_args=1)
def variables(env: Any, name: Any) -> Any:
    return env.run.variable(expect(name, str, "variables"), env)


@register("copyIndex", max_args=2)
def copy_index(env: Any, *args: Any) -> Any:
    loop = ""
    offset = 0
    for arg in args:
        if isinstance(arg, str):
            loop = arg.lower()
        else:
            offset = expect(arg, int, "copyIndex")
    if loop not in env.copy:
        raise EvalError(f"copyIndex() outside the copy loop '{loop}'" if loop else "copyIndex() outside a copy loop")
    index = env.copy[loop]
    return index if isinstance(index, Unknown) else index + offset


@register("deployment", max_args=0)
def deployment(env: Any) -> Any:
    return env.run.context.deployment_object(env.run.template)


@register("subscription", max_args=0)
def subscription(env: Any) -> Any:
    return env.run.context.subscription_object()


@register("resourceGroup", max_args=0)
def resource_group(env: Any) -> Any:
    return env.run.context.resource_group_object()


@register("environment", max_args=0)
def environment(env: Any) -> Unknown:
    return Unknown("the Azure cloud of the deployment (environment()) is not known")


@register("tenant", max_args=0)
def tenant(env: Any) -> dict[str, Any]:
    reason = Unknown("the tenant is not known")
    return {"id": reason, "tenantId": reason, "displayName": reason, "countryCode": reason}


@register("managementGroup", max_args=1)
def management_group(env: Any, name: Any = None) -> Any:
    group = name if name is not None else env.run.context.management_group
    if group is None or isinstance(group, Unknown):
        return Unknown("the management group is not known")
    return {
        "id": f"/providers/Microsoft.Management/managementGroups/{group}", "name": group,
        "type": "Microsoft.Management/managementGroups",
        "properties": Unknown("the management group's properties are not known"),
    }


@register("deployer", max_args=0)
def deployer(env: Any) -> Unknown:
    return Unknown("deployer() is the identity that runs the deployment")
