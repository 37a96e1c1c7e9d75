"""A scan of a Resource Graph file with the built-in rules must stay light: no Azure SDK, SARIF or JSON Schema.

sarif-om is a main dependency (SARIF is a core output), yet only `--format sarif` may import it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, REPO

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
    run = subprocess.run([sys.executable, "-c", PROBE, str(FIXTURES / "demo"), str(out), output_format,
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

