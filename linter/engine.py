"""Run rules over an estate: select resources, evaluate conditions, stamp rule id and severity on results.

The engine owns everything rules have in common (selection, outcomes, messages, locations); rules are data.
An exception inside one rule becomes an ERROR result for that rule, never a crash of the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from linter import messages, records
from linter.conditions import Evidence, Scope, Selection, Tri, Verdict
from linter.conditions.dependence import CURRENT, needs
from linter.config import RuleOverride
from linter.diagnostics import Diagnostic
from linter.model import MISSING, Estate, Position, Provenance, Resource
from linter.results import Outcome, RelatedLocation, Result
from linter.rules import Rule
from linter.vocabulary import OFF

MAX_RELATED = 50
_MEMBER_ONLY = frozenset({CURRENT})


def plan_rules(
    rules: Iterable[Rule],
    *,
    posture: str,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    overrides: Mapping[str, RuleOverride] | None = None,
) -> list[Rule]:
    """The rules a run checks: in the posture, matched by `--select`/`--ignore` id prefixes, not `off`,
    with configured severities and parameters applied."""
    select = [s.upper() for s in select]
    ignore = [s.upper() for s in ignore]
    overrides = {k.upper(): v for k, v in (overrides or {}).items()}
    planned = []
    for rule in rules:
        rule_id = rule.id.upper()
        if posture not in rule.postures:
            continue
        if select and not any(rule_id.startswith(s) for s in select):
            continue
        if any(rule_id.startswith(s) for s in ignore):
            continue
        override = overrides.get(rule_id)
        if override is not None:
            if override.severity == OFF:
                continue
            rule = records.replace(
                rule,
                severity=override.severity or rule.severity,
                parameters={**rule.parameters, **override.parameters},
            )
        planned.append(rule)
    return sorted(planned, key=lambda r: r.id)


def types_read(rules: Iterable[Rule]) -> frozenset[str]:
    """The lower-cased resource types these rules select, in their selections and in the selections of
    their conditions (aggregates, children); inputs of other types need not become resources."""
    found: set[str] = set()
    stack: list[Any] = []
    for rule in rules:
        stack += [rule.select, rule.condition]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node is None or isinstance(node, (str, int, float)):
            continue  # most of the tree's leaves: no selection below them
        if isinstance(node, Selection):
            found.update(t.lower() for t in node.types)
        if records.is_record(node) and not isinstance(node, type):
            stack.extend(getattr(node, f.name) for f in records.fields(node))
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
        elif isinstance(node, (dict, Mapping)):  # a dict is recognised before the slower abstract check
            stack.extend(node.values())
    return frozenset(found)


def run_rules(rules: Iterable[Rule], estate: Estate) -> tuple[list[Result], list[Diagnostic]]:
    results: list[Result] = []
    diagnostics: list[Diagnostic] = []
    for rule in rules:
        try:
            results.extend(evaluate_rule(rule, estate))
        except Exception as exc:  # a broken rule must not stop the others; it is reported as ERROR
            reason = f"{type(exc).__name__}: {exc}"
            results.append(Result(rule, Outcome.ERROR, rule.severity, f"{rule.id} could not be evaluated: {reason}",
                                  None, rule.position, reason=reason))
            diagnostics.append(Diagnostic(f"rule {rule.id} failed while evaluating: {reason}; please report it",
                                          rule.position, code="internal-error"))
    results.sort(key=_result_order)
    # the rules are done: what they cached (each resource's fields as a mapping, answers and indexes) would
    # only add to the memory of the output, which for a large export is the peak of the run
    estate.forget_evaluation()
    return _once(results), diagnostics


def _once(results: list[Result]) -> list[Result]:
    """The same rule on the same resource at the same place is one finding, however many times the resource
    is deployed identically (a module in a loop whose iterations do not differ, two parameter sets that give
    the same values)."""
    seen: set[tuple[Any, ...]] = set()
    kept: list[Result] = []
    for result in results:
        if result.outcome not in (Outcome.FAIL, Outcome.UNKNOWN) or result.position is None:
            kept.append(result)
            continue
        # the message names the resource and the values that decide; the same text at the same place is the
        # same finding for whoever reads it, whichever deployment it came from
        key = (result.rule.id, result.outcome, result.position, result.message)
        if key not in seen:
            seen.add(key)
            kept.append(result)
    return kept


def _result_order(result: Result) -> tuple:
    position = result.position
    resource = result.resource
    # `id_key` is the lower-cased id, made once per resource (a resource has tens of results)
    resource_id = resource.id_key or "" if resource is not None else ""
    if position is None:  # as `Position("")`, without making one for each of a large run's passes
        return ("", 1, 1, result.rule.id, resource_id)
    return (position.file, position.line, position.column, result.rule.id, resource_id)


def evaluate_rule(rule: Rule, estate: Estate) -> list[Result]:
    base = Scope(estate, None, None, rule.parameters)
    members, doubt = rule.select.select(base)
    if not members:
        return [Result(rule, Outcome.NOT_APPLICABLE, rule.severity, f"{rule.id}: nothing selected", None, None)]
    if rule.scope == "estate":
        # e.g. a Bicep registry module that was not fetched may deploy more of the selected resources
        unobserved = rule.select.unobserved_reason(base)
        return [_evaluate_estate(rule, estate, members, doubt, unobserved)]
    results: list[Result] = []
    undecided: dict[str, list[Result]] = {}  # resources whose selection is UNKNOWN, by reason
    where = rule.select.where
    # A `where` that reads nothing but the member gives here what it gave in the selection: a member certainly
    # selected passed it, and need not be tested again (one that reads the subject or an outer scope is).
    member_only = where is not None and needs(where) <= _MEMBER_ONLY
    for resource, certain in members:
        scope = Scope(estate, resource, resource.fields(), rule.parameters, subject=resource)
        if where is not None and not (certain and member_only):
            selected = where.evaluate(scope)
            if selected.tri is Tri.UNKNOWN:
                unknown = _unknown(rule, resource, resource.position, selected, estate_scope=False)
                undecided.setdefault(unknown.reason or "", []).append(unknown)
                continue
        results.append(_evaluate_selected(rule, scope, resource))
    results.extend(_undecided_selection(rule, reason, group) for reason, group in undecided.items())
    return results


def _undecided_selection(rule: Rule, reason: str, group: list[Result]) -> Result:
    """Whether a rule is about these resources at all is UNKNOWN for one reason (an input that cannot show
    what selects them: Resource Graph has no Foundry connections, so any Cosmos DB account may be the thread
    store): one result, at the first in id order (like an estate-wide finding: a re-export reorders rows),
    that says once what to scan or save, not one per resource."""
    group = sorted(group, key=lambda r: _shown_order(r.resource) if r.resource is not None else ("", "", ""))
    first = group[0]
    if len(group) == 1:
        return first
    names = ", ".join(r.resource.display_name for r in group[:5] if r.resource is not None)
    more = f" and {len(group) - 5} more" if len(group) > 5 else ""
    first.message = (f"{rule.title}: cannot tell which of {len(group)} resources it is about ({names}{more}): "
                     f"{reason}")
    first.related = [RelatedLocation(r.position or r.resource.position, r.resource.display_name, r.resource)
                     for r in group[1:MAX_RELATED] if r.resource is not None]
    return first


def _evaluate_selected(rule: Rule, scope: Scope, resource: Resource) -> Result:
    verdict = rule.condition.evaluate(scope)
    if verdict.tri is Tri.PASS:
        # Positions cost a scan of the source file: only results that are reported get them.
        return Result(rule, Outcome.PASS, rule.severity, "", resource, None)
    primary = _primary_position(resource, verdict.evidence)
    if verdict.tri is Tri.UNKNOWN:
        return _unknown(rule, resource, primary, verdict, estate_scope=False)
    related = _related(resource, verdict.evidence)
    origin = _written_elsewhere(resource, verdict.evidence)
    if origin is not None and origin.written is not None and origin.written != primary:
        if origin.by_caller:
            # the value that decides is written by the template that deploys this one (a module's caller):
            # point at what to edit there, and link the resource's own (parameterised) line
            related.insert(0, RelatedLocation(primary, f"{resource.display_name} (the resource it reaches)",
                                              resource))
            primary = origin.written
        else:
            related.insert(0, RelatedLocation(origin.written, "where the value is written", resource))
    else:
        for item, given in _given_elsewhere(verdict.evidence):
            if given != primary:
                label = f"where the value of {item.resource.display_name} is given"
                related.insert(0, RelatedLocation(given, label, item.resource))
                break
    return Result(rule, Outcome.FAIL, rule.severity, _message(rule, resource, verdict), resource, primary,
                  related or ())


def _given_elsewhere(evidence: list[Evidence]) -> list[tuple[Evidence, Position]]:
    """Where the values that decide are given, when not at the property itself: a parameter file, a module's
    caller, a variable, a parameter's default (template front ends' anchors can say)."""
    found = []
    for item in evidence:
        origin = getattr(item.resource.anchor, "origin", None)
        if origin is not None and item.path and item.path[0] != "template":
            where = origin(item.path)
            if where is not None:
                found.append((item, where))
    return found


def _written_elsewhere(resource: Resource, evidence: list[Evidence]) -> Provenance | None:
    """The provenance of the template value a finding is about (where it is written, if elsewhere)."""
    for item in evidence:
        if item.resource is resource and len(item.path) >= 2 and item.path[0] == "template":
            found = resource.provenance.get(str(item.path[1]))
            if found is not None and found.written is not None:
                return found
    return None


def _evaluate_estate(rule: Rule, estate: Estate, members: list[tuple[Resource, bool]], doubt: str | None,
                     unobserved: str | None = None) -> Result:
    scope = Scope(estate, None, None, rule.parameters, selection=members, selection_reason=doubt,
                  selection_unobserved=unobserved)
    verdict = rule.condition.evaluate(scope)
    # The finding is shown at the first member of the first file in id order, not in row order: a re-export
    # lists the same rows in another order, and the finding (and its fingerprint) must stay on one resource.
    shown = sorted((r for r, _ in members), key=_shown_order)
    first = shown[0]
    if verdict.tri is Tri.PASS:
        return Result(rule, Outcome.PASS, rule.severity, "", first, None, estate_scope=True)
    related = [RelatedLocation(r.position, f"{r.display_name} ({_region(r)})", r) for r in shown[1:MAX_RELATED]]
    if verdict.tri is Tri.UNKNOWN:
        result = _unknown(rule, first, first.position, verdict, estate_scope=True)
        result.related = related
        return result
    return Result(rule, Outcome.FAIL, rule.severity, _message(rule, first, verdict), first, first.position, related,
                  estate_scope=True)


def _shown_order(resource: Resource) -> tuple[str, str, str]:
    name = resource.name if isinstance(resource.name, str) else ""
    return (resource.origin.file, resource.id_key or "", name.lower())


def _region(resource: Resource) -> str:
    return messages.show(resource.location)


def _unknown(rule: Rule, resource: Resource, position: Position, verdict: Verdict, estate_scope: bool) -> Result:
    reason = verdict.reason or "a value the rule needs could not be determined"
    message = f"{rule.title}: cannot tell for {resource.display_name}: {reason}"
    return Result(rule, Outcome.UNKNOWN, rule.severity, message, resource, position,
                  _related(resource, verdict.evidence) or (), reason=reason, estate_scope=estate_scope)


def _message(rule: Rule, resource: Resource, verdict: Verdict) -> str:
    context: dict[str, Any] = {"resource": resource, "param": rule.parameters}
    context.update(verdict.facts)
    text, complete = messages.render_checked(rule.message, context)
    if not complete:
        # the message speaks of facts this failure did not produce (a resource that was not followed because
        # the reference is absent) or of a property that is absent ("has purge protection not set"): say what
        # is absent and how to fix it instead
        reason = verdict.reason or _absent(resource, verdict)
        if reason:
            return f"{rule.title}: fails for '{resource.display_name}', because {reason}. Fix: {rule.docs.fix}"
        # a fact the message names was not produced, and nothing says why: the rule's own words, not blanks
        return f"{rule.title}: fails for '{resource.display_name}'. Fix: {rule.docs.fix}"
    if verdict.reason:
        text = f"{text} ({verdict.reason})"
    return text


def _absent(subject: Resource, verdict: Verdict) -> str | None:
    """What a failure read as absent, said as what is missing where (`properties.enablePurgeProtection`)."""
    for item in verdict.evidence:
        if item.value is MISSING and item.path and item.path[0] != "template":
            written = verdict.facts.get("absentPath")  # the path as the rule spells it
            path = written if isinstance(written, str) else ".".join(str(p) for p in item.path)
            owner = "it" if item.resource is subject else item.resource.display_name
            return f"{owner} does not give `{path}`, so Azure's default for it applies"
    return None


def _primary_position(resource: Resource, evidence: list[Evidence]) -> Position:
    for item in evidence:
        if item.resource is resource and item.path:
            return resource.locate(item.path)
    return resource.position


def _related(subject: Resource, evidence: list[Evidence]) -> list[RelatedLocation]:
    related: list[RelatedLocation] = []
    seen: set[tuple[str, int, int]] = set()
    for item in evidence:
        if item.resource is subject:
            continue
        position = item.resource.locate(item.path) if item.path else item.resource.position
        key = (position.file, position.line, position.column)
        if key in seen:
            continue
        seen.add(key)
        label = item.resource.display_name
        if item.path:
            label += " " + ".".join(str(p) for p in item.path)
        related.append(RelatedLocation(position, label, item.resource))
        if len(related) >= MAX_RELATED:
            break
    return related
