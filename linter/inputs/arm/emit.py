"""Instances of an evaluated deployment (and of the deployments nested in it) into `Resource` records."""

from __future__ import annotations

from typing import Any

from linter.inputs.arm.instances import DEPLOYMENTS, Instance
from linter.inputs.arm.provenance import provenance
from linter.inputs.arm.resources import body
from linter.inputs.arm.scope import RESOURCE_GROUP_REASON, SUBSCRIPTION_REASON, DeploymentContext
from linter.inputs.arm.template import TemplateRun
from linter.inputs.jsondoc import JsonAnchor
from linter.model import TRACKED_FIELDS, Origin, Resource, Unknown


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
    if parent_id is None and isinstance(instance.parent_id, str):
        parent_id = instance.parent_id
    return Resource(
        id=instance.id, type=instance.type, name=instance.name, origin=origin,
        anchor=JsonAnchor(run.document, instance.decl.path),
        location=fields.get("location"), kind=fields.get("kind"), sku=fields.get("sku"),
        properties=fields.get("properties"), tags=fields.get("tags"), zones=fields.get("zones"),
        identity=fields.get("identity"), parent_id=parent_id, conditional=conditional,
        extra=_placement(run.context),
        provenance={f: provenance(instance.decl.raw.get(f), run) for f in TRACKED_FIELDS},
    )


def _placement(context: DeploymentContext) -> dict[str, Any]:
    subscription = context.subscription if context.subscription is not None else Unknown(SUBSCRIPTION_REASON)
    if context.level != "resourceGroup":
        group: Any = None
    else:
        group = context.resource_group if context.resource_group is not None else Unknown(RESOURCE_GROUP_REASON)
    return {"resourceGroup": group, "subscriptionId": subscription}

