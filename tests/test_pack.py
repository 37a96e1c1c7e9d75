"""The built-in pack is complete and consistent: the catalog's rules, their docs, messages and fixtures.

The catalog (../shared/docs/dr-catalog.md) is the source of truth for what the pack must check; tests that
read it skip cleanly without ../shared. A failure lists everything missing at once, not the first gap.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from linter.config import Config
from linter.inputs.observability import TEMPLATE_PARTIAL_TYPES
from linter.inputs.resource_graph import NOT_INDEXED
from linter.messages import FACT_NAMES
from linter.paths import PathError, compile_path
from linter.rules import Rule, builtin_pack_dir, check_duplicate_ids, load_rules
from linter.ruletest import find_cases, read_expectations
from linter.scan import collect
from linter.vocabulary import POSTURES
from tests.conftest import FIXTURES, REPO, shared_path

KINDS = ("resource-graph", "arm", "bicep")
# Child types missing from Resource Graph's documented tables (../shared/docs/facts.md), besides those the
# Resource Graph reader already lists: a rule reading them cannot pass or fail on an export.
NOT_IN_RESOURCE_GRAPH = {
    *NOT_INDEXED,
    "microsoft.cognitiveservices/accounts/connections",
    "microsoft.cognitiveservices/accounts/projects/connections",
    "microsoft.cognitiveservices/accounts/projects/capabilityhosts",
}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}")


@lru_cache(maxsize=1)
def pack() -> tuple[list[Rule], list]:
    return load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)


def rules() -> list[Rule]:
    return sorted(pack()[0], key=lambda r: r.id)


def raw(rule: Rule) -> Mapping[str, Any]:
    return yaml.safe_load(Path(rule.source).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, Any]]:
    """The catalog's rule table: id -> name, severity, postures."""
    text = shared_path("docs", "dr-catalog.md").read_text(encoding="utf-8")
    table = text.split("## Rules", 1)[1]
    entries = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not re.fullmatch(r"DR\d{3}", cells[0]):
            continue
        postures = POSTURES if cells[3] == "all" else tuple(p.strip() for p in cells[3].split(","))
        entries[cells[0]] = {"name": cells[1], "severity": cells[2], "postures": postures}
    assert len(entries) >= 30, "the catalog table could not be read"
    return entries


# --- ids and the catalog -------------------------------------------------------------------------------------

def test_the_pack_loads_without_problems_and_ids_and_names_are_unique():
    loaded, problems = pack()
    assert not problems, "\n".join(map(str, problems))
    _, duplicates = check_duplicate_ids(loaded)
    assert not duplicates, "\n".join(map(str, duplicates))
    names = [r.name for r in loaded]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_rule_files_are_named_after_their_rule():
    wrong = [f"{r.source}: expected {r.id}-{r.name}.yaml" for r in rules()
             if Path(r.source).name != f"{r.id}-{r.name}.yaml"]
    assert not wrong, "\n".join(wrong)


def test_every_catalog_rule_is_implemented():
    implemented = {r.id for r in rules()}
    missing = sorted(set(catalog()) - implemented)
    assert not missing, f"{len(missing)} catalog rule(s) not in rules/: {', '.join(missing)}"


def test_every_rule_of_the_pack_is_in_the_catalog():
    extra = sorted({r.id for r in rules()} - set(catalog()))
    assert not extra, f"rules not in ../shared/docs/dr-catalog.md (ids are fixed there): {', '.join(extra)}"


def test_each_rule_has_the_catalogs_name_severity_and_postures():
    wrong = []
    for rule in rules():
        entry = catalog().get(rule.id)
        if entry is None:
            continue
        for key, actual in (("name", rule.name), ("severity", rule.severity), ("postures", rule.postures)):
            if tuple(entry[key]) != tuple(actual) if key == "postures" else entry[key] != actual:
                wrong.append(f"{rule.id} {key}: catalog {entry[key]}, pack {actual}")
    assert not wrong, "\n".join(wrong)


# --- docs ----------------------------------------------------------------------------------------------------

def test_every_doc_section_is_present():
    gaps = []
    for rule in rules():
        docs = rule.docs
        for section in ("what", "why", "fix", "arm", "bicep"):
            if not getattr(docs, section).strip():
                gaps.append(f"{rule.id}: docs.{section} is empty")
        if not docs.references:
            gaps.append(f"{rule.id}: docs.references is empty")
        gaps += [f"{rule.id}: reference {ref} is not an https URL" for ref in docs.references
                 if not ref.startswith("https://")]
        page = REPO / "docs" / "rules" / f"{rule.id}.md"
        if not page.is_file():
            gaps.append(f"{rule.id}: {page.relative_to(REPO)} missing (python scripts/gen_rule_docs.py)")
    assert not gaps, "\n".join(gaps)


def test_every_rule_quotes_the_guidance_it_implements():
    """Each rule cites the sentence of Microsoft's guidance it implements (docs.guidance: quote + source URL)."""
    gaps = []
    for rule in rules():
        guidance = getattr(rule.docs, "guidance", None) or []
        if not guidance:
            gaps.append(f"{rule.id}: no docs.guidance quote")
        gaps += [f"{rule.id}: guidance source {source} is not an https URL" for _, source in guidance
                 if not source.startswith("https://")]
        gaps += [f"{rule.id}: an empty guidance quote" for quote, _ in guidance if not quote.strip()]
    assert not gaps, f"{len(gaps)} rule(s) without the guidance they implement:\n" + "\n".join(gaps)


# --- messages ------------------------------------------------------------------------------------------------

def _keys(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield str(key), value
            yield from _keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keys(value)


def message_problems(rule: Rule) -> list[str]:
    condition = raw(rule).get("condition")
    keys = {k for k, _ in _keys(condition)}
    aggregates = [v for k, v in _keys(condition) if k == "aggregate"]
    named = {a["as"] for a in aggregates if isinstance(a, Mapping) and isinstance(a.get("as"), str)}
    problems = []
    for match in _PLACEHOLDER.finditer(rule.message):
        name, rest, text = match.group(1), match.group(2), match.group(0)
        if name not in FACT_NAMES and name not in named:
            problems.append(f"{text} names nothing")
        elif name == "param" and rest[1:].split(".")[0] not in rule.parameters:
            problems.append(f"{text}: no such parameter (declared: {', '.join(rule.parameters) or 'none'})")
        elif name == "ref" and "ref" not in keys:
            problems.append(f"{text}: the condition follows no `ref`")
        elif name in ("count", "distinct", "values") and not aggregates:
            problems.append(f"{text}: the condition has no `aggregate`")
        elif name in ("resource", "param") and not rest:
            problems.append(f"{text}: name a field, e.g. {{{name}.name}}")
        if rest:
            try:
                compile_path(rest[1:])
            except PathError as exc:
                problems.append(f"{text}: {exc}")
    return problems


def test_every_message_placeholder_is_valid():
    problems = [f"{rule.id}: {p}" for rule in rules() for p in message_problems(rule)]
    assert not problems, "\n".join(problems)


def test_the_placeholder_check_catches_mistakes():
    rule = next(r for r in rules() if r.parameters)
    from linter import records

    broken = records.replace(rule, message="{param.nope} {nothing} {count}")
    found = "\n".join(message_problems(broken))
    assert "{param.nope}: no such parameter" in found and "{nothing} names nothing" in found


# --- fixtures ------------------------------------------------------------------------------------------------

def case_kinds(case: Path) -> set[str]:
    """Which inputs a case gives (resource-graph, arm, bicep): the front ends that read its files."""
    return {origin.kind for origin in collect([case], Config(), root=case.resolve()).origins}


@lru_cache(maxsize=1)
def outcomes_by_rule_and_kind() -> dict[tuple[str, str], set[str]]:
    seen: dict[tuple[str, str], set[str]] = {}
    for case in find_cases(FIXTURES / "rules"):
        rule_id, _, expected = read_expectations(case)
        for kind in case_kinds(case):
            seen.setdefault((rule_id, kind), set()).update(e.outcome for e in expected)
    return seen


def selected_types(rule: Rule) -> set[str]:
    """Every resource type the rule selects, in its selection and in its aggregates."""
    found = set()
    data = raw(rule)
    for key, value in _keys({"select": data.get("select"), "condition": data.get("condition")}):
        if key == "type":
            found.update(t.lower() for t in ([value] if isinstance(value, str) else value or []) if isinstance(t, str))
    return found


def reads_template_source(rule: Rule) -> bool:
    """Rules about how a template is written (`template.*` fields) have nothing to check in an export."""
    return any(k == "field" and isinstance(v, str) and v.lower().startswith("template.")
               for k, v in _keys(raw(rule)))


def required_outcomes(rule: Rule, kind: str) -> set[str]:
    if kind != "resource-graph":
        if selected_types(rule) & set(TEMPLATE_PARTIAL_TYPES):
            # a template shows the locks it deploys, never that a resource has none: PASS or UNKNOWN
            return {"pass", "unknown"}
        return {"pass", "fail"}
    if reads_template_source(rule):
        return set()
    if selected_types(rule) & NOT_IN_RESOURCE_GRAPH:
        return {"unknown"}  # the export cannot show the data: the rule must say so, never fail
    return {"pass", "fail"}


def test_pass_and_fail_fixtures_for_every_rule_and_every_input_kind_that_can_show_its_data():
    gaps = []
    seen = outcomes_by_rule_and_kind()
    for rule in rules():
        for kind in KINDS:
            missing = required_outcomes(rule, kind) - seen.get((rule.id, kind), set())
            if missing:
                gaps.append(f"{rule.id} {kind}: no {'/'.join(sorted(o.upper() for o in missing))} case")
    assert not gaps, f"{len(gaps)} fixture gap(s):\n" + "\n".join(gaps)


def test_every_case_names_a_rule_of_the_pack():
    ids = {r.id for r in rules()}
    strays = [str(c.relative_to(FIXTURES)) for c in find_cases(FIXTURES / "rules")
              if read_expectations(c)[0] not in ids]
    assert not strays, strays


def test_cases_live_under_their_rule():
    wrong = [str(c.relative_to(FIXTURES)) for c in find_cases(FIXTURES / "rules")
             if c.relative_to(FIXTURES / "rules").parts[0] != read_expectations(c)[0]]
    assert not wrong, f"cases filed under another rule's folder: {wrong}"


def test_the_fixture_requirement_itself(tmp_path):
    """Export cases are required for data an export shows; for data it cannot show, an UNKNOWN case."""
    from linter import records

    storage = next(r for r in rules() if r.id == "DR201")
    assert required_outcomes(storage, "resource-graph") == required_outcomes(storage, "bicep") == {"pass", "fail"}
    locked = tmp_path / "locks.yaml"
    locked.write_text(Path(storage.source).read_text().replace(
        "condition:", "condition:\n  aggregate: {select: {type: Microsoft.Authorization/locks}}\n  greater: 0\nx:", 1))
    assert selected_types(records.replace(storage, source=str(locked))) == {
        "microsoft.machinelearningservices/workspaces", "microsoft.authorization/locks"}
    assert required_outcomes(records.replace(storage, source=str(locked)), "resource-graph") == {"unknown"}
    # a template shows the locks it deploys, never that there is none
    assert required_outcomes(records.replace(storage, source=str(locked)), "bicep") == {"pass", "unknown"}
