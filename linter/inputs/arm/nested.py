"""Nested deployments (`Microsoft.Resources/deployments`): inline templates and linked `relativePath` ones.

Inner scope (what Bicep modules compile to): the inner template has its own parameters, given by the
deployment's `parameters`. Outer scope (the default): the inner template's expressions see the parent's
parameters and variables. A `templateLink.uri` is never fetched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from linter.inputs.arm.budget import locate
from linter.inputs.arm.evaluator import resolve
from linter.inputs.arm.functions.core import BudgetExceeded
from linter.inputs.arm.instances import Instance, ParameterInput, evaluate_field
from linter.inputs.arm.provenance import Place, is_literal
from linter.inputs.arm.scope import level_of_schema
from linter.model import Unknown

if TYPE_CHECKING:
    from linter.inputs.arm.template import TemplateRun

MAX_DEPTH = 16


def start_nested(instance: Instance) -> TemplateRun | None:
    run = instance.run
    if run.depth >= MAX_DEPTH:
        run.report(f"nested deployments deeper than {MAX_DEPTH} levels are not evaluated")
        return None
    budget = getattr(run.sink, "budget", None)
    if budget is not None:
        try:
            budget.deployment()  # linked templates that each link the next three times: bounded fan-out
        except BudgetExceeded as exc:
            locate(exc, run.document, instance.decl.path)
            raise
    raw = instance.decl.raw
    properties = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}
    located = _locate_template(instance, properties)
    if located is None:
        return None
    template, document, base, file, linked = located
    if linked and _links_back(run, file):
        chain = " -> ".join(_chain(run, file))
        run.sink.report(f"linked template {run.sink.ctx.display(file)} links back to itself ({chain}); the cycle "
                        "is not followed (Azure would reject the deployment)", run.document, instance.decl.path,
                        severity="error")
        return None
    options = properties.get("expressionEvaluationOptions")
    scope = options.get("scope") if isinstance(options, dict) else None
    outer = not linked and not (isinstance(scope, str) and scope.lower() == "inner")
    env = instance.env
    fields = instance.body or {}
    context = run.context.nested(
        instance.name,
        level=level_of_schema(template.get("$schema")) if "$schema" in template else run.context.level,
        subscription=evaluate_field(raw["subscriptionId"], env) if "subscriptionId" in raw else None,
        resource_group=evaluate_field(raw["resourceGroup"], env) if "resourceGroup" in raw else None,
        location=fields.get("location"),
        management_group=_management_group(raw, env),
    )
    instance.context = context
    inputs = {} if outer else _parameter_inputs(run, properties, instance)
    conditional = instance.condition if isinstance(instance.condition, Unknown) else run.conditional
    return run.nested_run(template=template, document=document, base=base, file=file, context=context,
                          inputs=inputs, outer=run if outer else None, conditional=conditional)


def _links_back(run: TemplateRun, file: Any) -> bool:
    """Whether `file` is already being deployed by this run or one of the runs it is nested in."""
    resolved = file.resolve() if file is not None else None
    current: TemplateRun | None = run
    while current is not None:
        if current.file is not None and current.file.resolve() == resolved and current.base == ():
            return True
        current = current.parent
    return False


def _chain(run: TemplateRun, file: Any) -> list[str]:
    names: list[str] = []
    current: TemplateRun | None = run
    while current is not None:
        if current.file is not None and (not names or names[-1] != current.file.name):
            names.append(current.file.name)
        if current.file is not None and current.file.resolve() == file.resolve() and current.base == ():
            break
        current = current.parent
    return [*reversed(names), file.name]


def _locate_template(instance: Instance, properties: dict[str, Any]) -> tuple[Any, ...] | None:
    run = instance.run
    inline = properties.get("template")
    if isinstance(inline, dict):
        return inline, run.document, (*instance.decl.path, "properties", "template"), run.file, False
    link = properties.get("templateLink")
    if not isinstance(link, dict):
        return None
    link = resolve(link, instance.env)
    relative = link.get("relativePath") if isinstance(link, dict) else None
    if isinstance(relative, str) and run.file is not None:
        path = run.file.parent / relative
        document = run.sink.linked_document(path, run.document, instance.decl.path)
        if document is None or not isinstance(document.data, dict):
            return None
        return document.data, document, (), path, True
    uri = link.get("uri") if isinstance(link, dict) else None
    shown = uri if isinstance(uri, str) else "an unknown address"
    run.sink.report(
        f"linked template {shown} is not fetched (drlint never uses the network); its resources are not "
        "in the estate", run.document, instance.decl.path, severity="warning",
    )
    return None


def _management_group(raw: dict[str, Any], env: Any) -> Any:
    scope = evaluate_field(raw["scope"], env) if "scope" in raw else None
    if isinstance(scope, str) and "managementgroups/" in scope.lower():
        return scope.rstrip("/").rsplit("/", 1)[-1]
    return None


def _parameter_inputs(run: TemplateRun, properties: dict[str, Any], instance: Instance) -> dict[str, ParameterInput]:
    if "parametersLink" in properties:
        run.sink.report("parametersLink is not followed; the nested deployment's parameters are unknown",
                        run.document, instance.decl.path, severity="warning")
    given = properties.get("parameters")
    if not isinstance(given, dict):
        return {}
    inputs: dict[str, ParameterInput] = {}
    for name, spec in given.items():
        written: Any = None  # the expression the entry is written as, when it is one
        if isinstance(spec, str):
            # the compiler lifts a ternary around the whole entry: `[if(c, createObject('value', a), ...)]`,
            # and writes an optional parameter as `[createObject('value', a)]`: how the value is written
            # (literal or not) is that expression, not the value it evaluates to
            written = spec
            spec = resolve(spec, instance.env)
            if isinstance(spec, Unknown):
                inputs[name.lower()] = ParameterInput(spec, False)
                continue
        if not isinstance(spec, dict):
            continue
        if "reference" in spec:
            value: Any = Unknown(f"parameter '{name}' is a Key Vault reference")
            inputs[name.lower()] = ParameterInput(value, False)
        elif "value" in spec:
            entry_path = (*instance.decl.path, "properties", "parameters", name)
            if written is not None:  # already evaluated
                inputs[name.lower()] = ParameterInput(spec["value"], is_literal(written, run),
                                                      (Place(run.document, entry_path), written, run))
                continue
            value = resolve(spec["value"], instance.env)
            inputs[name.lower()] = ParameterInput(value, is_literal(spec["value"], run),
                                                  (Place(run.document, (*entry_path, "value")), spec["value"], run))
        elif "copy" in spec:
            # a value built by a property copy loop named `value` (the compiler's form of a for-expression)
            value = resolve(spec, instance.env).get("value", Unknown(f"parameter '{name}' has no value"))
            inputs[name.lower()] = ParameterInput(value, is_literal(spec, run))
    return inputs
