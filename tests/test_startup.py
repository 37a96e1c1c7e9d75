"""A scan must stay light: what it imports is pinned, so start-up cannot creep back.

A pre-commit hook pays drlint's start-up on every commit, and start-up is almost all imports. A scan of a
Resource Graph file imports no Azure SDK, SARIF or JSON Schema (sarif-om is a main dependency, yet only
`--format sarif` may import it); a plain template scan imports click and the standard library only (no
YAML parser: the built-in pack comes from its cache), and exactly the drlint modules listed here. When this
test fails because a module was added: import it where it is used, unless every template scan needs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from linter import packcache
from tests.conftest import FIXTURES, REPO

DEMO_EXPORT = FIXTURES / "demo" / "resource-graph"
HEAVY = {"azure", "sarif_om", "jsonschema", "jsonpath_ng", "attr", "jschema_to_python"}
PROBE = """
import json, sys
from linter.cli import main
try:
    main(["scan", sys.argv[1], "--format", sys.argv[3], "-o", sys.argv[2]])
except SystemExit:
    pass
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[4].split(",")))
print(json.dumps(heavy))
"""


def imported(tmp_path, output_format: str) -> list[str]:
    out = tmp_path / f"report.{output_format}"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-c", PROBE, str(DEMO_EXPORT), str(out), output_format,
                          ",".join(sorted(HEAVY))], capture_output=True, text=True, timeout=60, env=env)
    assert run.returncode == 0, run.stderr
    assert out.read_text().strip(), "the scan must have run"
    return json.loads(run.stdout)


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_resource_graph_scan_imports_nothing_heavy(tmp_path, output_format):
    assert imported(tmp_path, output_format) == []


def test_sarif_scan_imports_sarif_om_and_not_the_slow_serializer(tmp_path):
    assert imported(tmp_path, "sarif") == ["attr", "sarif_om"]
    assert json.loads((tmp_path / "report.sarif").read_text())["version"] == "2.1.0"


# The drlint modules a plain ARM template scan (text output) imports, with the parsed-pack cache warm.
TEMPLATE_SCAN_MODULES = {
    "linter", "linter.cli", "linter.config", "linter.diagnostics", "linter.engine", "linter.gcpause",
    "linter.messages", "linter.model", "linter.packcache", "linter.paths", "linter.regions", "linter.results",
    "linter.records",  # the value-class decorator (cheaper than dataclasses)
    "linter.located",  # the parsed rule documents the pack cache restores
    "linter.rules", "linter.scan", "linter.suppressions", "linter.vocabulary",
    "linter.filesafe",  # every file is read through it (regular files only, bounded)
    "linter.conditions", "linter.conditions.compiler", "linter.conditions.core", "linter.conditions.operands",
    "linter.conditions.operators", "linter.conditions.relations", "linter.conditions.dependence",
    "linter.conditions.reuse",
    "linter.conditions.regex",  # small; RE2 itself is imported only when a pattern is first matched
    "linter.report", "linter.report.text", "linter.report.writing",
    "linter.report.escape",  # the text report escapes what inputs hold
    "linter.inputs", "linter.inputs.azd", "linter.inputs.cycles", "linter.inputs.deployments", "linter.inputs.jsondoc",
    "linter.inputs.observability", "linter.inputs.registry",
    "linter.inputs.bicep", "linter.inputs.resource_graph",  # asked whether they read the file (by its name)
    "linter.inputs.arm", "linter.inputs.arm.budget", "linter.inputs.arm.deployments", "linter.inputs.arm.emit",
    "linter.inputs.arm.evaluator",
    "linter.inputs.arm.expressions", "linter.inputs.arm.hashing", "linter.inputs.arm.instances",
    "linter.inputs.arm.loader", "linter.inputs.arm.memo", "linter.inputs.arm.nested", "linter.inputs.arm.outputs",
    "linter.inputs.arm.parameters", "linter.inputs.arm.provenance", "linter.inputs.arm.resourceindex",
    "linter.inputs.arm.resources", "linter.inputs.arm.scope", "linter.inputs.arm.template",
    "linter.inputs.arm.userfunctions", "linter.inputs.arm.variables",
    "linter.inputs.arm.functions", "linter.inputs.arm.functions.arrays", "linter.inputs.arm.functions.cidr",
    "linter.inputs.arm.functions.core", "linter.inputs.arm.functions.dates",
    "linter.inputs.arm.functions.deployment", "linter.inputs.arm.functions.lambdas",
    "linter.inputs.arm.functions.logic", "linter.inputs.arm.functions.objects",
    "linter.inputs.arm.functions.resources", "linter.inputs.arm.functions.strings",
}
# Standard-library modules no template scan needs (each costs start-up, several a lot).
NOT_FOR_A_SCAN = {"yaml", "tempfile", "hashlib", "hmac", "ssl", "socket", "email", "http", "asyncio", "logging",
                  "subprocess", "argparse", "zipfile", "tarfile", "xml", "sqlite3", "decimal", "multiprocessing",
                  "concurrent", "importlib.metadata", "importlib.resources", "jsonschema", "jsonpath_ng",
                  "sarif_om", "attr", "azure", "dataclasses"}
MODULES = """
import json, sys, sysconfig
before = set(sys.modules)  # what the interpreter itself loaded (site, .pth hooks)
from linter.cli import main
try:
    main(["scan", *sys.argv[2:], "--no-config", "-o", sys.argv[1]])
except SystemExit:
    pass
paths = sysconfig.get_paths()
added = {name: module for name, module in list(sys.modules.items()) if name not in before}
third_party = sorted({name.split(".")[0] for name, module in added.items()
                      if (getattr(module, "__file__", None) or "").startswith((paths["purelib"], paths["platlib"]))})
print(json.dumps({"modules": sorted(added), "third_party": third_party}))
"""


def scan_imports(tmp_path, *paths: object) -> dict[str, list[str]]:
    """What a scan imports, run as a hook runs it (a fresh process), after a first run has filled the cache."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop(packcache.NO_CACHE_VARIABLE, None)
    found = {}
    for _ in range(2):
        run = subprocess.run([sys.executable, "-c", MODULES, str(tmp_path / "report.txt"), *map(str, paths)],
                             capture_output=True, text=True, timeout=60, env=env, cwd=REPO)
        assert run.returncode == 0, run.stderr
        found = json.loads(run.stdout)
    assert "DR" in (tmp_path / "report.txt").read_text(), "the scan must have run and found something"
    return found


def test_a_template_scan_imports_exactly_the_pinned_modules(tmp_path):
    found = scan_imports(tmp_path, FIXTURES / "arm" / "hub")
    assert found["third_party"] == ["click"]
    ours = {m for m in found["modules"] if m == "linter" or m.startswith("linter.")}
    assert sorted(ours - TEMPLATE_SCAN_MODULES) == [], "new imports on the template scan path"
    assert sorted(TEMPLATE_SCAN_MODULES - ours) == [], "no longer imported: remove them from the list"
    assert sorted(NOT_FOR_A_SCAN & {m.split(".")[0] for m in found["modules"]} | (
        NOT_FOR_A_SCAN & set(found["modules"]))) == []


def test_a_bicep_scan_imports_no_third_party_package_but_click(tmp_path):
    found = scan_imports(tmp_path, FIXTURES / "rules" / "DR101" / "bicep-pass-two-regions")
    assert found["third_party"] == ["click"]
    assert sorted(NOT_FOR_A_SCAN & ({m.split(".")[0] for m in found["modules"]} | set(found["modules"]))) == []


AUDIT_PROBE = """
import json, sys
from linter.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({m for m in sys.modules if m == "azure" or m.startswith("azure.")})))
"""


def azure_modules(*args: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-c", AUDIT_PROBE, *args], capture_output=True, text=True, timeout=60,
                         env=env)
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("output_format", ["text", "json", "sarif"])
def test_a_scan_imports_no_azure_module(tmp_path, output_format):
    assert azure_modules("scan", str(FIXTURES / "demo"), "--format", output_format, "-o",
                         str(tmp_path / "out")) == []


def test_audit_show_query_and_help_import_no_azure_module():
    assert azure_modules("audit", "--show-query", "--no-config") == []
    assert azure_modules("audit", "--help") == []
