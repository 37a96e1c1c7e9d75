"""Rule files: the shipped pack is valid; every load error names file, line and key; bad rules don't stop others."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from linter.rules import builtin_pack_dir, check_duplicate_ids, load_rules, rule_files, rule_schema
from linter.yamlsource import load_yaml

GOOD = """\
id: ACME001
name: acme-storage
title: Storage is geo-redundant
severity: warning
select:
  type: Microsoft.Storage/storageAccounts
condition:
  field: sku.name
  in: [Standard_GRS]
message: "{resource.name} uses {actual}"
docs: {what: w, why: y, fix: f}
"""


def write(tmp_path: Path, text: str, name: str = "rule.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(rule_schema())


@pytest.mark.parametrize("path", rule_files(builtin_pack_dir()), ids=lambda p: p.name)
def test_every_shipped_rule_validates_against_the_schema_and_compiles(path):
    document = load_yaml(path.read_text(), str(path))
    errors = list(jsonschema.Draft202012Validator(rule_schema(), format_checker=jsonschema.FormatChecker())
                  .iter_errors(document.data))
    assert not errors, [e.message for e in errors]
    rules, problems = load_rules([path], builtin=True, validate_schema=False)
    assert not problems and len(rules) == 1
    assert path.name.startswith(rules[0].id + "-" + rules[0].name)


def test_shipped_pack_has_unique_ids():
    rules, problems = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    kept, duplicates = check_duplicate_ids(rules)
    assert not problems and not duplicates and len(kept) == len(rules) >= 10


def test_a_good_user_rule_loads(tmp_path):
    rules, problems = load_rules([write(tmp_path, GOOD)], builtin=False, validate_schema=True)
    assert not problems and rules[0].id == "ACME001"


@pytest.mark.parametrize(("text", "line", "key"), [
    (GOOD.replace("severity: warning", "severity: critical"), 4, "severity"),
    (GOOD + "colour: red\n", 12, "colour"),
    (GOOD.replace("  in: [Standard_GRS]", "  inside: [Standard_GRS]"), 9, "inside"),
    (GOOD.replace("  type: Microsoft.Storage/storageAccounts", "  type: storage"), 6, "type"),
    (GOOD.replace("  in: [Standard_GRS]", "  match: '('"), 9, "match"),
    (GOOD.replace("title: Storage is geo-redundant\n", "title: a\ntitle: b\n"), 4, "title"),
    (GOOD.replace("docs: {what: w, why: y, fix: f}", "docs: {what: w}"), 11, "docs"),
    (GOOD.replace("condition:\n", "condition: [\n"), None, None),
])
def test_errors_name_the_file_and_line(tmp_path, text, line, key):
    path = write(tmp_path, text)
    rules, problems = load_rules([path], builtin=False, validate_schema=True)
    assert not rules and problems
    first = problems[0]
    assert first.position.file == str(path) and first.code == "rule-error"
    if line is not None:
        assert first.position.line == line, str(first)
    if key is not None:
        assert key in first.message


def test_compile_errors_are_located_even_without_schema_validation(tmp_path):
    path = write(tmp_path, GOOD.replace("  in: [Standard_GRS]", "  inn: [Standard_GRS]"))
    _, problems = load_rules([path], builtin=False, validate_schema=False)
    assert problems[0].position.line == 9 and "inn" in problems[0].message


def test_duplicate_ids_keep_the_first(tmp_path):
    first = write(tmp_path, GOOD, "a.yaml")
    second = write(tmp_path, GOOD, "b.yaml")
    rules, _ = load_rules([first, second], builtin=False, validate_schema=True)
    kept, problems = check_duplicate_ids(rules)
    assert [r.source for r in kept] == [str(first)]
    assert problems[0].position.file == str(second) and "ACME001" in problems[0].message


def test_aggregate_of_the_rule_selection_needs_estate_scope(tmp_path):
    text = GOOD.replace("condition:\n  field: sku.name\n  in: [Standard_GRS]",
                        "condition:\n  aggregate: {distinct: location}\n  greaterOrEquals: 2")
    _, problems = load_rules([write(tmp_path, text)], builtin=False, validate_schema=True)
    assert problems and "estate" in problems[0].message


def test_yaml_is_loaded_safely(tmp_path):
    text = GOOD.replace("title: Storage is geo-redundant", "title: !!python/object/apply:os.system ['echo hi']")
    _, problems = load_rules([write(tmp_path, text)], builtin=False, validate_schema=True)
    assert problems and problems[0].position.line == 3


def test_schema_and_compiler_agree_on_the_shipped_pack():
    """The schema is the documented contract: each pack file, as JSON, is a valid instance."""
    for path in rule_files(builtin_pack_dir()):
        data = load_yaml(path.read_text(), str(path)).data
        jsonschema.validate(json.loads(json.dumps(data)), rule_schema())


def test_generated_rule_docs_are_up_to_date(repo):
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_rule_docs", repo / "scripts" / "gen_rule_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, text in module.pages().items():
        page = repo / "docs" / "rules" / name
        assert page.exists() and page.read_text(encoding="utf-8") == text, (
            f"docs/rules/{name} is stale: run python scripts/gen_rule_docs.py")


def test_message_placeholders_must_name_facts(tmp_path):
    path = write(tmp_path, GOOD.replace('message: "{resource.name} uses {actual}"', 'message: "{resource.name} {sku}"'))
    _, problems = load_rules([path], builtin=False, validate_schema=True)
    assert problems and problems[0].position.line == 10 and "sku" in problems[0].message
