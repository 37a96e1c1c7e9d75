"""Where a deployment goes (subscription, resource group, region) and the resource ids that follow from it.

What drlint.yaml does not say is not invented: `subscription().subscriptionId` and `resourceGroup().location`
stay Unknown. Resource ids still need a value so that joins work (a hub's `properties.storageAccount` built
with `resourceId()` must equal the id of the storage account the same deployment declares), so ids use a
placeholder segment per deployment, e.g. `/subscriptions/{subscription of deployment 'main'}/...`. Hashing a
placeholder would produce a plausible but wrong name, so the hash functions refuse to (see hashing.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from linter import regions
from linter.inputs.arm.functions.core import EvalError
from linter.model import Unknown, derived
from linter.records import record, replace

LOCATION_REASON = "location comes from resourceGroup().location; set the deployment's location in drlint.yaml"
SUBSCRIPTION_REASON = "the subscription is not known; set the deployment's subscription in drlint.yaml"
RESOURCE_GROUP_REASON = "the resource group is not known; set the deployment's resourceGroup in drlint.yaml"
NAME_REASON = "the deployment name is not known; set the deployment's name in drlint.yaml"


def level_of_schema(schema: Any) -> str:
    text = schema.lower() if isinstance(schema, str) else ""
    if "subscriptiondeploymenttemplate" in text:
        return "subscription"
    if "managementgroupdeploymenttemplate" in text:
        return "managementGroup"
    if "tenantdeploymenttemplate" in text:
        return "tenant"
    return "resourceGroup"


@record(frozen=True)
class DeploymentContext:
    label: str  # names the deployment in placeholders and messages
    name: str | Unknown
    level: str = "resourceGroup"
    subscription: str | Unknown | None = None  # None: not configured (placeholder in ids)
    resource_group: str | Unknown | None = None
    location: str | Unknown | None = None  # the resource group's region (or the deployment's, above a group)
    management_group: str | Unknown | None = None

    # ---- segments of ids -------------------------------------------------------------------------------
    def subscription_segment(self) -> str | Unknown:
        if self.subscription is None:
            return f"{{subscription of deployment '{self.label}'}}"
        return self.subscription

    def resource_group_segment(self) -> str | Unknown:
        if self.resource_group is None:
            return f"{{resource group of deployment '{self.label}'}}"
        return self.resource_group

    def nested(self, name: str | Unknown, *, level: str, subscription: Any = None, resource_group: Any = None,
               location: Any = None, management_group: Any = None) -> DeploymentContext:
        """The context of a nested deployment that may target another subscription or resource group."""
        changed = replace(self, name=name, level=level)
        if subscription is not None and not _same(subscription, self.subscription):
            changed = replace(changed, subscription=subscription, resource_group=None, location=None)
        if resource_group is not None and not isinstance(resource_group, (str, Unknown)):
            # a template may write anything there (`"resourceGroup": 800`): not a name, so not known
            resource_group = Unknown(f"the resource group is given as a {type(resource_group).__name__}, "
                                     "not a name")
        if resource_group is not None and not _same(resource_group, changed.resource_group):
            group_location = Unknown(f"the region of resource group '{resource_group}' is not known",
                                     ("resourceGroup().location", self.label, resource_group.lower()),
                                     f"the region of resource group '{resource_group}'") \
                if isinstance(resource_group, str) else _group_region_of_unknown(resource_group, self.label)
            changed = replace(changed, resource_group=resource_group, location=group_location)
        if location is not None and level != "resourceGroup":
            changed = replace(changed, location=location)
        if management_group is not None:
            changed = replace(changed, management_group=management_group)
        return changed

    # ---- scope functions -------------------------------------------------------------------------------
    def subscription_object(self) -> dict[str, Any]:
        sub = self.subscription if self.subscription is not None else Unknown(SUBSCRIPTION_REASON)
        return {
            "id": sub if isinstance(sub, Unknown) else f"/subscriptions/{sub}",
            "subscriptionId": sub,
            "tenantId": Unknown("the tenant is not known"),
            "displayName": Unknown("the subscription's display name is not known"),
        }

    def resource_group_object(self) -> dict[str, Any] | Unknown:
        if self.level != "resourceGroup":
            return Unknown(f"resourceGroup() is not available in a {self.level} deployment")
        group = self.resource_group if self.resource_group is not None else Unknown(RESOURCE_GROUP_REASON)
        sub = self.subscription if self.subscription is not None else Unknown(SUBSCRIPTION_REASON)
        if isinstance(group, Unknown):
            group_id: str | Unknown = group
        elif isinstance(sub, Unknown):
            group_id = sub
        else:
            group_id = f"/subscriptions/{sub}/resourceGroups/{group}"
        location = self.location if self.location is not None else self.unknown_location()
        return {
            "id": group_id, "name": group, "type": "Microsoft.Resources/resourceGroups", "location": location,
            "managedBy": Unknown("the resource group's managedBy is not known"),
            "tags": Unknown("the resource group's tags are not known"),
            "properties": {"provisioningState": "Succeeded"},
        }

    def unknown_location(self) -> Unknown:
        """`resourceGroup().location` not configured: one symbolic value per deployment and resource group."""
        group = self.resource_group if isinstance(self.resource_group, str) else None
        return Unknown(LOCATION_REASON, ("resourceGroup().location", self.label, group and group.lower()),
                       "resourceGroup().location")

    def deployment_object(self, template: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {
            "name": self.name,
            "properties": {
                "template": {"contentVersion": template.get("contentVersion", "1.0.0.0")},
                "templateLink": Unknown("the template link is not known"),
            },
        }
        if self.level != "resourceGroup":
            result["location"] = self.location if self.location is not None else Unknown(
                "the deployment's location is not known; set the deployment's location in drlint.yaml",
                ("deployment().location", self.label), "deployment().location",
            )
        return result

    # ---- ids ---------------------------------------------------------------------------------------------
    def symbolic_id(self, scope: tuple[Any, ...], resource_type: str, names: tuple[Any, ...]) -> Unknown:
        """The id of a resource whose name is not known: one symbolic value per name expression and scope,
        the same whether it comes from the declaration or from `resourceId()` with that name."""
        unknown = next(n for n in (*scope, *names) if isinstance(n, Unknown))
        split = tuple(part for n in names for part in (n.split("/") if isinstance(n, str) else [n]))
        return derived(unknown, "id", (*scope, resource_type.lower(), *split))

    def resource_id(self, args: tuple[Any, ...]) -> str | Unknown:
        """`resourceId([subscriptionId], [resourceGroupName], type, name1, name2...)`."""
        if any(isinstance(a, Unknown) for a in args):
            return self._symbolic_resource_id(args)
        type_at = next((i for i, a in enumerate(args) if isinstance(a, str) and "/" in a), None)
        if type_at is None or type_at > 2:
            raise EvalError("resourceId() needs a resource type such as 'Microsoft.Storage/storageAccounts'")
        prefix, resource_type, names = args[:type_at], args[type_at], args[type_at + 1:]
        sub: Any = prefix[0] if len(prefix) == 2 else self.subscription_segment()
        group: Any = prefix[-1] if prefix else None
        if group is None and self.level == "resourceGroup":
            group = self.resource_group_segment()
        for part in (sub, group):
            if isinstance(part, Unknown):
                # an id of its own, not the unknown group: resources deployed to one unknown resource group
                # would otherwise share an id (and all but the first be dropped as the same resource)
                return derived(part, "resourceId", (sub, group, resource_type.lower(),
                                                    *(n.lower() if isinstance(n, str) else n for n in names)))
        tail = provider_path(resource_type, names)
        if group is None:
            return f"/subscriptions/{sub}/{tail}"
        return f"/subscriptions/{sub}/resourceGroups/{group}/{tail}"

    def _symbolic_resource_id(self, args: tuple[Any, ...]) -> Unknown:
        type_at = next((i for i, a in enumerate(args) if isinstance(a, str) and "/" in a), None)
        first = next(a for a in args if isinstance(a, Unknown))
        if type_at is None or type_at > 2:
            return first
        prefix, resource_type, names = args[:type_at], args[type_at], args[type_at + 1:]
        sub: Any = prefix[0] if len(prefix) == 2 else self.subscription_segment()
        group: Any = prefix[-1] if prefix else None
        if group is None and self.level == "resourceGroup":
            group = self.resource_group_segment()
        if isinstance(sub, Unknown) or isinstance(group, Unknown):
            return sub if isinstance(sub, Unknown) else group
        return self.symbolic_id((sub, group), resource_type, names)

    def subscription_resource_id(self, args: tuple[Any, ...]) -> str | Unknown:
        if any(isinstance(a, Unknown) for a in args):
            type_at = next((i for i, a in enumerate(args) if isinstance(a, str) and "/" in a), None)
            first = next(a for a in args if isinstance(a, Unknown))
            if type_at is None or type_at > 1 or (type_at == 1 and isinstance(args[0], Unknown)):
                return first
            sub = args[0] if type_at == 1 else self.subscription_segment()
            return first if isinstance(sub, Unknown) else self.symbolic_id((sub, None), args[type_at],
                                                                           args[type_at + 1:])
        type_at = next((i for i, a in enumerate(args) if isinstance(a, str) and "/" in a), None)
        if type_at is None or type_at > 1:
            raise EvalError("subscriptionResourceId() needs a resource type")
        sub = args[0] if type_at == 1 else self.subscription_segment()
        if isinstance(sub, Unknown):
            return sub
        return f"/subscriptions/{sub}/{provider_path(args[type_at], args[type_at + 1:])}"

    def management_group_resource_id(self, args: tuple[Any, ...]) -> str | Unknown:
        type_at = next((i for i, a in enumerate(args) if isinstance(a, str) and "/" in a), None)
        if type_at is None or type_at > 1:
            raise EvalError("managementGroupResourceId() needs a resource type")
        group = args[0] if type_at == 1 else self.management_group
        if group is None:
            group = Unknown("the management group is not known")
        if isinstance(group, Unknown):
            return group
        tail = provider_path(args[type_at], args[type_at + 1:])
        return f"/providers/Microsoft.Management/managementGroups/{group}/{tail}"

    def id_for(self, resource_type: str, name: str | Unknown, scope_id: str | Unknown | None = None) -> str | Unknown:
        """The id of a resource this deployment declares (full type, full `parent/child` name)."""
        if isinstance(name, Unknown):
            if scope_id is None and resource_type.lower() not in ("microsoft.resources/resourcegroups",
                                                                   "microsoft.resources/subscriptions"):
                if self.level == "resourceGroup":
                    sub, group = self.subscription_segment(), self.resource_group_segment()
                    if not isinstance(sub, Unknown) and not isinstance(group, Unknown):
                        return self.symbolic_id((sub, group), resource_type, (name,))
                elif self.level == "subscription":
                    sub = self.subscription_segment()
                    if not isinstance(sub, Unknown):
                        return self.symbolic_id((sub, None), resource_type, (name,))
            return name
        names = tuple(name.split("/"))
        if scope_id is not None:
            if isinstance(scope_id, Unknown):
                # not the scope itself: every resource deployed to one unknown resource group would have one id
                # (and all but the first be dropped as the same resource)
                return derived(scope_id, "resourceIdAt", (scope_id, resource_type.lower(), name.lower()))
            return f"{scope_id.rstrip('/')}/{provider_path(resource_type, names)}"
        if resource_type.lower() == "microsoft.resources/resourcegroups":
            sub = self.subscription_segment()
            return sub if isinstance(sub, Unknown) else f"/subscriptions/{sub}/resourceGroups/{name}"
        if resource_type.lower() == "microsoft.resources/subscriptions" or self.level == "tenant":
            return f"/{provider_path(resource_type, names)}"
        if self.level == "managementGroup":
            return self.management_group_resource_id((resource_type, *names))
        if self.level == "subscription":
            return self.subscription_resource_id((resource_type, *names))
        return self.resource_id((resource_type, *names))

    def scope_to_id(self, scope: str) -> str:
        """An extension resource's `scope`: an id, or (symbolic templates) a relative `Type/name` path."""
        if scope.startswith("/"):
            return scope
        parts = scope.strip("/").split("/")
        # Namespace/type/name[/type/name...]
        if len(parts) >= 3 and len(parts) % 2 == 1:
            resource_type = "/".join([parts[0], *parts[1::2]])
            result = self.id_for(resource_type, "/".join(parts[2::2]))
            if isinstance(result, str):
                return result
        return scope


def provider_path(resource_type: Any, names: tuple[Any, ...]) -> str:
    if not isinstance(resource_type, str):
        raise EvalError("a resource type must be a string")
    segments = resource_type.strip("/").split("/")
    if len(segments) < 2:
        raise EvalError(f"'{resource_type}' is not a resource type")
    name_parts: list[str] = []
    for name in names:
        if not isinstance(name, str):
            raise EvalError("resource names must be strings")
        name_parts.extend(name.split("/"))
    types = segments[1:]
    if len(name_parts) != len(types):
        raise EvalError(f"'{resource_type}' needs {len(types)} name segment(s), got {len(name_parts)}")
    pairs = "/".join(f"{t}/{n}" for t, n in zip(types, name_parts, strict=False))
    return f"providers/{segments[0]}/{pairs}"


def _group_region_of_unknown(group: Unknown, label: str) -> Unknown:
    """The region of a resource group whose name is not known: say what the name depends on."""
    if group.source:
        reason = f"the resource group's name comes from {group.source}, so its region is not known"
    else:
        reason = f"the resource group's name is not known ({group.reason}), so neither is its region"
    key = None if group.key is None else ("resourceGroup().location", label, ("?", group.key))
    return Unknown(reason, key, "the resource group's region", source=group.source)


def _same(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.lower() == b.lower()


def deployment_context(
    label: str, config: Mapping[str, Any] | None, template: Mapping[str, Any]
) -> DeploymentContext:
    """The context of one deployment of a template: what drlint.yaml configured for it, Unknown otherwise."""
    config = config or {}
    location = config.get("location")
    return DeploymentContext(
        label=label,
        name=str(config["name"]) if config.get("name") else Unknown(NAME_REASON),
        level=level_of_schema(template.get("$schema")),
        subscription=config.get("subscription") or None,
        resource_group=config.get("resourceGroup") or None,
        location=regions.normalise(location) if isinstance(location, str) and location else None,
    )
