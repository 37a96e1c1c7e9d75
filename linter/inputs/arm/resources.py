"""Declared resources into instances: copy loops, conditions, full types and names, ids, bodies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from linter.inputs.arm.budget import locate
from linter.inputs.arm.evaluator import Env, copy_count, evaluate, resolve
from linter.inputs.arm.expressions import Call, Lit, Node, parse_template_string
from linter.inputs.arm.functions.core import BudgetExceeded, EvalError, check_items, type_name
from linter.inputs.arm.instances import DEPLOYMENTS, Decl, Instance, evaluate_field
from linter.inputs.arm.nested import start_nested
from linter.model import Unknown

if TYPE_CHECKING:
    from linter.inputs.arm.template import TemplateRun

BODY_FIELDS = ("location", "kind", "sku", "tags", "zones", "identity", "plan", "extendedLocation", "properties")


def expand(run: TemplateRun, decl: Decl) -> list[Instance]:
    if decl.parent is not None:
        parents = run.instances(decl.parent)
        return [inst for parent in parents for inst in _expand_under(run, decl, parent.env, parent)]
    return _expand_under(run, decl, Env(run), None)


def _expand_under(run: TemplateRun, decl: Decl, env: Env, parent: Instance | None) -> list[Instance]:
    copy = decl.raw.get("copy")
    if not isinstance(copy, dict):
        return [_instance(run, decl, env, parent, None)]
    count = copy_count(copy, env)
    loop = str(copy.get("name", ""))
    if isinstance(count, Unknown):
        unknown = Unknown(f"the number of copies of this resource is not known: {count.reason}")
        return [_instance(run, decl, env.with_copy(loop, unknown), parent, unknown)]
    return [_instance(run, decl, env.with_copy(loop, i), parent, i) for i in range(count)]


def _truth(value: Any) -> bool | Unknown:
    if isinstance(value, (bool, Unknown)):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return Unknown(f"the condition is a {type_name(value)}, not a bool")


def _instance(run: TemplateRun, decl: Decl, env: Env, parent: Instance | None, index: Any) -> Instance:
    try:
        return _identify(run, decl, env, parent, index)
    except BudgetExceeded as exc:
        locate(exc, run.document, decl.path)
        raise


def _identify(run: TemplateRun, decl: Decl, env: Env, parent: Instance | None, index: Any) -> Instance:
    raw = decl.raw
    condition: bool | Unknown = _truth(evaluate_field(raw["condition"], env)) if "condition" in raw else True
    if isinstance(index, Unknown) and condition is True:
        condition = index  # a loop of unknown length may deploy no copy at all
    if parent is not None and condition is not False:
        # a child nested in a resource that is not deployed is not deployed either
        if parent.condition is False:
            condition = False
        elif isinstance(parent.condition, Unknown) and condition is True:
            condition = parent.condition
    resource_type = evaluate_field(raw.get("type", ""), env)
    name = evaluate_field(raw.get("name", ""), env)
    if not isinstance(resource_type, str):
        resource_type = str(raw.get("type", ""))
    if not isinstance(name, (str, Unknown)):
        name = Unknown(f"the resource name is a {type_name(name)}, not a string")
    scope_id: str | Unknown | None = None
    if parent is not None:
        resource_type, name, scope_id = _child_identity(run, resource_type, name, parent)
    elif "/providers/" in resource_type.lower():
        resource_type, name, scope_id = _legacy_extension(run, resource_type, name)
    context = run.context
    if "scope" in raw:
        scope = evaluate_field(raw["scope"], env)
        scope_id = context.scope_to_id(scope) if isinstance(scope, str) else (
            scope if isinstance(scope, Unknown) else Unknown("the resource's scope is not a string"))
    elif ("subscriptionId" in raw or "resourceGroup" in raw) and resource_type.lower() != DEPLOYMENTS:
        context = context.nested(
            context.name, level="resourceGroup",
            subscription=evaluate_field(raw.get("subscriptionId"), env) if "subscriptionId" in raw else None,
            resource_group=evaluate_field(raw.get("resourceGroup"), env) if "resourceGroup" in raw else None,
        )
    try:
        resource_id = context.id_for(resource_type, name, scope_id)
    except EvalError as exc:  # a malformed type or name costs this resource its id, not the template its run
        resource_id = Unknown(f"the resource id cannot be formed: {exc}")
    parent_id = parent.id if parent is not None and scope_id is None else None
    if parent is None and scope_id is None and isinstance(name, Unknown):
        parent_id = _parent_of_unnamed_child(context, resource_type, raw.get("name"), env)
    return Instance(
        decl=decl, env=env, type=resource_type, name=name, id=resource_id, condition=condition,
        existing=raw.get("existing") is True, scope_id=scope_id, copy_index=index, run=run, parent_id=parent_id,
    )


def _parent_of_unnamed_child(context: Any, resource_type: str, raw_name: Any, env: Env) -> str | Unknown | None:
    """A child whose own name is not known may still have a known parent: `format('{0}/{1}', hub, name)`
    (how Bicep writes `parent: hub`) or `concat(hub, '/', name)`. Rules can then count it among the
    parent's children instead of doubting that it belongs there."""
    segments = _name_segments(raw_name)
    type_segments = resource_type.split("/")[1:]
    if segments is None or len(type_segments) < 2 or len(segments) != len(type_segments):
        return None
    parent_names = [evaluate(node, env) for node in segments[:-1]]
    parent_type = resource_type.rsplit("/", 1)[0]
    if len(parent_names) == 1 and isinstance(parent_names[0], Unknown) and parent_names[0].key is not None:
        # `parent: account` where the account's name is a symbolic unknown (a parameter azd sets): the parent
        # is the resource declared with that very name, whatever it turns out to be
        found = context.id_for(parent_type, parent_names[0])
        return found if isinstance(found, Unknown) and found.key is not None else None
    if not all(isinstance(n, str) and n and "/" not in n for n in parent_names):
        return None
    try:
        found = context.id_for(parent_type, "/".join(parent_names))
    except EvalError:
        return None
    return found if isinstance(found, str) else None


def _name_segments(raw_name: Any) -> list[Node] | None:
    if not isinstance(raw_name, str) or raw_name[:1] != "[":
        return None
    node = parse_template_string(raw_name)
    if not isinstance(node, Call):
        return None
    if node.name == "format" and node.args and isinstance(node.args[0], Lit) and isinstance(node.args[0].value, str):
        pattern = node.args[0].value
        wanted = "/".join(f"{{{i}}}" for i in range(len(node.args) - 1))
        return list(node.args[1:]) if pattern == wanted else None
    if node.name == "concat":
        segments: list[Node] = []
        expect_separator = False
        for arg in node.args:
            is_separator = isinstance(arg, Lit) and arg.value == "/"
            if is_separator != expect_separator:
                return None
            if not is_separator:
                segments.append(arg)
            expect_separator = not expect_separator
        return segments if not expect_separator or segments else None
    return None


def _child_identity(run: TemplateRun, child_type: str, name: Any, parent: Instance) -> tuple[str, Any, Any]:
    """A resource nested in its parent's `resources`: type and name are relative to the parent's."""
    if "/" not in child_type:
        full_type = f"{parent.type}/{child_type}"
    elif child_type.lower().startswith(parent.type.lower() + "/"):
        full_type = child_type
    else:
        # another namespace nested under a resource (a lock, a diagnostic setting): an extension of it
        return child_type, name, parent.id
    if isinstance(name, Unknown) or isinstance(parent.name, Unknown):
        return full_type, name if isinstance(name, Unknown) else parent.name, None
    if name.lower().startswith(parent.name.lower() + "/"):
        return full_type, name, None
    return full_type, f"{parent.name}/{name}", None


def _legacy_extension(run: TemplateRun, resource_type: str, name: Any) -> tuple[str, Any, Any]:
    """`Microsoft.Storage/storageAccounts/providers/locks` named `sa/Microsoft.Authorization/lock`."""
    target_type, _, extension_type = resource_type.partition("/providers/")
    if isinstance(name, Unknown):
        return resource_type, name, None
    parts = name.split("/")
    target_segments = len(target_type.split("/")) - 1
    target_name = "/".join(parts[:target_segments])
    namespace = parts[target_segments] if len(parts) > target_segments else ""
    extension_name = "/".join(parts[target_segments + 1:])
    target_id = run.context.id_for(target_type, target_name)
    return f"{namespace}/{extension_type}", extension_name, target_id


# ---- bodies ------------------------------------------------------------------------------------------------
def body(instance: Instance) -> dict[str, Any]:
    if instance.body is not None:
        return instance.body
    if instance.busy:
        reason = Unknown("the resource's properties refer to themselves")
        return {"properties": reason, "location": reason}
    instance.busy = True
    try:
        raw = instance.decl.raw
        env = instance.env
        fields: dict[str, Any] = {}
        is_deployment = instance.type.lower() == DEPLOYMENTS
        for key in BODY_FIELDS:
            if key in raw:
                try:
                    if key == "properties" and is_deployment:
                        fields[key] = _deployment_properties(raw[key], env)
                    else:
                        fields[key] = resolve(raw[key], env)
                        check_items(fields[key], f"the resource's {key}")
                except BudgetExceeded as exc:
                    locate(exc, instance.run.document, (*instance.decl.path, key))
                    raise
        instance.body = fields
        if is_deployment and instance.condition is not False and not instance.existing:
            instance.nested = start_nested(instance)
    finally:
        instance.busy = False
    return instance.body


def _deployment_properties(raw: Any, env: Env) -> Any:
    # The inner template and its parameters are evaluated by the nested run, in their own scope.
    if not isinstance(raw, dict):
        return resolve(raw, env)
    return {k: resolve(v, env) for k, v in raw.items() if k not in ("template", "parameters")}


def reference_value(instance: Instance, full: bool) -> Any:
    """What `reference()` returns for a resource of the estate: its properties, or the whole object."""
    shown = instance.name if isinstance(instance.name, str) else instance.type
    if instance.condition is False:
        return Unknown(f"'{shown}' is not deployed (its condition is false)")
    if instance.existing:
        reason = Unknown(f"'{shown}' is an existing resource: its properties are not in the template")
        if full:
            return {"id": instance.id, "name": instance.name, "type": instance.type,
                    **dict.fromkeys(("properties", *BODY_FIELDS), reason)}
        return reason
    fields = body(instance)
    if instance.type.lower() == DEPLOYMENTS:
        properties: Any = dict(fields.get("properties") or {})
        properties["outputs"] = instance.nested.outputs() if instance.nested is not None else Unknown(
            f"the outputs of deployment '{shown}' are not known")
        properties.setdefault("provisioningState", "Succeeded")
    else:
        properties = fields.get("properties", {})
    if not full:
        return properties
    return {
        "id": instance.id, "name": instance.name, "type": instance.type,
        **{k: v for k, v in fields.items() if k != "properties"}, "properties": properties,
    }


# ---- reference() and references() ----------------------------------------------------------------------------
def reference(run: TemplateRun, nodes: tuple[Node, ...], env: Env) -> Any:
    """`reference(target, apiVersion, 'Full')`: a symbol or a resource id of the estate."""
    target = env.eval(nodes[0])
    full = len(nodes) == 3 and isinstance(mode := env.eval(nodes[2]), str) and mode.lower() == "full"
    instance: Instance | None = None
    if isinstance(target, Unknown):
        instance = _match_deployment(run, nodes[0], env)
        if instance is None:
            return target
    elif not isinstance(target, str):
        return Unknown(f"reference() of a value of type {type_name(target)}")
    elif not target.startswith("/") and (found := run.find_symbol(target)) is not None:
        instance = found[0] if len(found) == 1 else None
        if instance is None:
            return Unknown(f"reference('{target}') names a resource copied {len(found)} times")
    else:
        instance = run.find_id(target)
    if instance is None:
        return Unknown(f"reference() of '{target}': the resource is not deployed by the scanned templates")
    return reference_value(instance, full)


def references(run: TemplateRun, nodes: tuple[Node, ...], env: Env) -> Any:
    target = env.eval(nodes[0])
    full = len(nodes) == 2 and isinstance(mode := env.eval(nodes[1]), str) and mode.lower() == "full"
    found = run.find_symbol(target) if isinstance(target, str) else None
    if found is None:
        return Unknown(f"references() of '{target}': not a resource collection of this template")
    return [reference_value(inst, full) for inst in found]


def _match_deployment(run: TemplateRun, node: Node, env: Env) -> Instance | None:
    """`reference(resourceId('Microsoft.Resources/deployments', <name>))` whose name is not knowable:
    find the nested deployment declared with the very same name expression (Bicep writes it twice)."""
    if not (isinstance(node, Call) and node.name == "resourceid" and len(node.args) >= 2):
        return None
    kind = node.args[-2]
    if not (isinstance(kind, Lit) and isinstance(kind.value, str) and kind.value.lower() == DEPLOYMENTS):
        return None
    wanted = node.args[-1]
    matches = []
    for decl in run.decls():
        raw_name = decl.raw.get("name")
        if str(decl.raw.get("type", "")).lower() == DEPLOYMENTS and isinstance(raw_name, str) \
                and parse_template_string(raw_name) == wanted:
            matches.extend(run.instances(decl))
    if len(matches) > 1:
        current = env.copy.get("")
        matches = [m for m in matches if m.copy_index == current]
    return matches[0] if len(matches) == 1 else None
