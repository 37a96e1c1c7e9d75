"""Instances of an evaluated deployment (and of the deployments nested in it) into `Resource` records."""

from __future__ import annotations

from typing import Any

from linter.inputs.arm.instances import DEPLOYMENTS, Instance
from linter.inputs.arm.provenance import field_origin, provenance
from linter.inputs.arm.resources import body
from linter.inputs.arm.scope import RESOURCE_GROUP_REASON, SUBSCRIPTION_REASON, DeploymentContext
from linter.inputs.arm.template import TemplateRun
from linter.inputs.jsondoc import JsonAnchor
from linter.model import TRACKED_FIELDS, Origin, Resource, Unknown
from linter.records import record


def emit(run: TemplateRun, origin: Origin, out: list[Resource]) -> None:
    for instance in run.all_instances():
        if instance.condition is False or instance.existing:
            continue
        fields = body(instance)
        if instance.type.lower() == DEPLOYMENTS:
            # a deployment is how resources get deployed, not a resource the rules are about
            if instance.nested is not None:
                emit(instance.nested, origin, out)
            continue
        out.append(_resource(instance, fields, origin))


def _resource(instance: Instance, fields: dict[str, Any], origin: Origin) -> Resource:
    run = instance.run
    conditional = instance.condition if isinstance(instance.condition, Unknown) else run.conditional
    scope_id = instance.scope_id
    parent_id = scope_id if isinstance(scope_id, str) and "/providers/" in scope_id.lower() else None
    if parent_id is None and (isinstance(instance.parent_id, str) or (
            isinstance(instance.parent_id, Unknown) and instance.parent_id.key is not None)):
        parent_id = instance.parent_id  # a symbolic parent id is found among the resources by its key
    return Resource(
        id=instance.id, type=instance.type, name=_shown(instance.name, instance, "name"), origin=origin,
        anchor=TemplateAnchor(run.document, instance.decl.path, instance),
        location=_shown(fields.get("location"), instance, "location"), kind=fields.get("kind"), sku=fields.get("sku"),
        properties=fields.get("properties"), tags=fields.get("tags"), zones=fields.get("zones"),
        identity=fields.get("identity"), parent_id=parent_id, conditional=conditional,
        extra=_placement(run.context, scope_id),
        provenance={f: provenance(instance.decl.raw.get(f), run) for f in TRACKED_FIELDS},
    )


@record(frozen=True)
class TemplateAnchor(JsonAnchor):
    """A template resource's anchor, which also says where a property's value is given when that is not at
    the property (a parameter file, a module's caller, a variable): what the user edits."""

    instance: Any = None

    def origin(self, path: tuple[Any, ...]) -> Any:
        return field_origin(self.instance.decl.raw, tuple(path), self.instance.run)


def _shown(value: Any, instance: Instance, key: str) -> Any:
    """An unknown name or location is shown as written in the source (`'kv-${baseName}'`), not as "unknown"."""
    if not isinstance(value, Unknown) or value.text:
        return value
    source_text = getattr(instance.run.document, "source_text", None)  # Bicep: the text in the .bicep file
    text = source_text((*instance.decl.path, key)) if source_text is not None else None
    if text is None and isinstance(instance.decl.raw.get(key), str):
        text = instance.decl.raw[key]
    if text and key == "name" and len(text) > 1 and text[0] == text[-1] == "'" and "'" not in text[1:-1]:
        text = text[1:-1]  # messages quote names themselves: 'kv-${baseName}', not ''kv-${baseName}''
    return value.shown_as(text[:120] if text else None)


def _placement(context: DeploymentContext, scope_id: Any = None) -> dict[str, Any]:
    subscription = context.subscription if context.subscription is not None else Unknown(SUBSCRIPTION_REASON)
    if context.level != "resourceGroup":
        group: Any = None
    else:
        group = context.resource_group if context.resource_group is not None else Unknown(RESOURCE_GROUP_REASON)
    placement = {"resourceGroup": group, "subscriptionId": subscription}
    if isinstance(scope_id, str) or (isinstance(scope_id, Unknown) and scope_id.key is not None):
        # an extension resource (a role assignment, a lock) applies to its `scope:`, known even when its own
        # name (a guid() of values known only at deployment) and so its id is not
        placement["scope"] = scope_id
    return placement

