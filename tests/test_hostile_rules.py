"""Hostile rule files and drlint.yaml: bounded YAML, bad scalars, catastrophic regexes, a plain install's needs."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import sys
from pathlib import Path

import pytest

from linter.conditions import ConditionError, compile_condition
from linter.config import load_config
from linter.rules import load_rules
from linter.yamlsource import MAX_ALIASES, YamlError, load_yaml
from tests.conftest import FIXTURES, REPO, drlint_process

GOOD = """\
id: ACME001
name: acme-storage
title: Storage is geo-redundant
severity: warning
select:
  type: Microsoft.Storage/storageAccounts
condition:
  field: name
  match: '^(a+)+$'
message: "{resource.name} is named badly"
docs: {what: w, why: y, fix: f}
"""


def laughs(levels: int = 8, width: int = 9) -> str:
    """The "billion laughs": each level is `width` aliases of the one before (width**levels values)."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"l{level}: &l{level} [{aliases}]")
    return "\n".join(lines) + "\n"


def test_alias_expansion_is_bounded_and_located():
    with pytest.raises(YamlError) as caught:
        load_yaml(laughs(), "bomb.yaml")
    assert caught.value.position.file == "bomb.yaml" and caught.value.position.line >= 2


def test_a_few_aliases_are_still_fine():
    data = load_yaml("base: &b {a: 1}\none: *b\ntwo: *b\n", "ok.yaml").data
    assert data == {"base": {"a": 1}, "one": {"a": 1}, "two": {"a": 1}}


def test_many_aliases_of_one_small_value_are_rejected():
    text = "base: &b [1]\nall: [" + ", ".join(["*b"] * (MAX_ALIASES + 1)) + "]\n"
    with pytest.raises(YamlError):
        load_yaml(text, "many.yaml")


def test_recursive_alias_is_an_error_not_a_hang():
    with pytest.raises(YamlError):
        load_yaml("a: &a [*a]\n", "loop.yaml")


def test_deep_flow_nesting_is_an_error():
    with pytest.raises(YamlError):
        load_yaml("a: " + "[" * 5000 + "]" * 5000 + "\n", "deep.yaml")


@pytest.mark.parametrize(("text", "line"), [
    ("posture: 2024-13-01\n", 1),
    ("failOn: warning\nexclude: [2024-02-30]\n", 2),
    ("posture: " + "9" * 5000 + "\n", 1),
])
def test_scalars_python_cannot_build_are_located_config_errors(tmp_path, text, line):
    path = tmp_path / "drlint.yaml"
    path.write_text(text)
    _, problems = load_config(path, "drlint.yaml")
    assert problems and problems[0].code == "config-error" and problems[0].position.line == line


@pytest.mark.parametrize("replace", [
    ("title: Storage is geo-redundant", "title: 2024-02-30"),
    ("title: Storage is geo-redundant", "title: " + "7" * 4400),
    ("id: ACME001\n", laughs(6, 9).replace("l0:", "x0:", 1) + "id: ACME001\n"),
])
def test_bad_rule_files_are_located_rule_errors(tmp_path, replace):
    path = tmp_path / "rule.yaml"
    path.write_text(GOOD.replace(*replace))
    rules, problems = load_rules([path], builtin=False, validate_schema=True)
    assert not rules and problems[0].code == "rule-error" and problems[0].position.file == str(path)


def test_a_billion_laughs_drlint_yaml_is_a_config_error_and_the_scan_goes_on(tmp_path):
    (tmp_path / "drlint.yaml").write_text(laughs())
    (tmp_path / "estate.json").write_text((FIXTURES / "rules" / "DR201" / "rg-fail" / "resources.json").read_text())
    run = drlint_process("scan", ".", "--format", "json", "--select", "DR201", cwd=tmp_path, timeout=60)
    data = json.loads(run.stdout)
    assert run.returncode == 2
    assert [d["file"] for d in data["diagnostics"] if d["code"] == "config-error"] == ["drlint.yaml"]
    assert any(r["rule"] == "DR201" and r["outcome"] == "fail" for r in data["results"])


# ---- regular expressions ------------------------------------------------------------------------------------
def test_catastrophic_pattern_matches_in_linear_time():
    from linter.conditions import Scope, Tri
    from linter.model import Estate
    from tests.helpers import make

    condition = compile_condition({"field": "name", "match": "^(a+)+$"})
    for name, expected in (("a" * 41 + "!", Tri.FAIL), ("a" * 4000 + "!", Tri.FAIL), ("a" * 41, Tri.PASS)):
        resource = make("Microsoft.Test/things", name)
        scope = Scope(Estate([resource]), resource, resource.fields(), {}, subject=resource)
        assert condition.evaluate(scope).tri is expected


def test_a_user_rule_with_a_catastrophic_pattern_does_not_hang_a_scan(tmp_path):
    rule = tmp_path / "rules" / "acme.yaml"
    rule.parent.mkdir()
    rule.write_text(GOOD.replace("Microsoft.Storage/storageAccounts", "Microsoft.Test/things"))
    estate = [{"id": f"/subscriptions/s/resourceGroups/r/providers/Microsoft.Test/things/{'a' * 40}{i}",
               "name": "a" * 40 + "!", "type": "Microsoft.Test/things", "location": "eastus2"} for i in range(3)]
    (tmp_path / "estate.json").write_text(json.dumps(estate))
    run = drlint_process("scan", tmp_path / "estate.json", "--rules", rule, "--select", "ACME", "--format", "json",
                         cwd=tmp_path, timeout=60)
    data = json.loads(run.stdout)
    assert [r["outcome"] for r in data["results"]] == ["fail"] * 3


@pytest.mark.parametrize("pattern", [r"^(a)\1$", "(?=a)b", "(?<!a)b", r"((a{100}){100}){100}", "x" * 501, "("])
def test_patterns_that_cannot_run_in_linear_time_are_rejected_at_load_time(tmp_path, pattern):
    with pytest.raises(ConditionError):
        compile_condition({"field": "name", "match": pattern})
    path = tmp_path / "rule.yaml"
    path.write_text(GOOD.replace("'^(a+)+$'", json.dumps(pattern)))
    rules, problems = load_rules([path], builtin=False, validate_schema=True)
    assert not rules and problems[0].position.line == 9 and "match" in problems[0].message


# ---- a plain install -----------------------------------------------------------------------------------------
def _main_dependencies() -> set[str]:
    text = (REPO / "pyproject.toml").read_text()
    block = text.split("dependencies = [", 1)[1].split("]", 1)[0]
    names = re.findall(r'^\s*"([A-Za-z0-9_.\-]+)', block, re.MULTILINE)
    return {re.sub(r"[-_.]+", "-", n).lower() for n in names}


def _imported_modules(root: Path) -> set[str]:
    found = set()
    for file in root.rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_every_module_the_package_imports_is_a_main_dependency_or_the_standard_library():
    """A plain `pip install` has only the main dependencies: nothing at run time may need a test extra."""
    distributions = importlib.metadata.packages_distributions()
    missing = []
    for module in sorted(_imported_modules(REPO / "linter")):
        # `_sha2`, `_sha256`...: CPython's private accelerator modules, which differ from version to version
        if module == "linter" or module in sys.stdlib_module_names or module.startswith("_"):
            continue
        owners = {re.sub(r"[-_.]+", "-", d).lower() for d in distributions.get(module, [module])}
        if not owners & _main_dependencies():
            missing.append(module)
    assert not missing, f"imported at run time but not a main dependency: {missing}"


def test_rules_validate_reports_schema_problems_with_a_location(tmp_path):
    path = tmp_path / "rule.yaml"
    path.write_text(GOOD.replace("name: acme-storage", "name: Acme Storage!"))
    run = drlint_process("rules", "validate", path)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f"{path}:2:" in run.stderr


def test_the_shipped_packs_patterns_compile_with_re2():
    """The pack's patterns are compiled on first use (a scan that needs none does not load RE2); here, now."""
    from linter.rules import builtin_pack_dir

    rules, problems = load_rules([builtin_pack_dir()], builtin=False, validate_schema=False)
    assert rules and not problems


def test_a_pack_scan_that_matches_nothing_does_not_load_re2():
    import subprocess

    code = ("import sys; from linter.rules import load_rules, builtin_pack_dir; "
            "load_rules([builtin_pack_dir()], builtin=True, validate_schema=False); print('re2' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert run.stdout.strip() == "False", run.stderr
