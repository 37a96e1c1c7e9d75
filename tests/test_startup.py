"""A scan of a Resource Graph file with the built-in rules must stay light: no Azure SDK, SARIF or JSON Schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import FIXTURES, REPO

PROBE = """
import sys
from linter.cli import main
try:
    main(["scan", sys.argv[1], "--format", "json", "-o", sys.argv[2]])
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"azure", "sarif_om", "jsonschema", "jsonpath_ng"})
print(repr(heavy))
"""


def test_resource_graph_scan_imports_nothing_heavy(tmp_path):
    out = tmp_path / "report.json"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-c", PROBE, str(FIXTURES / "demo"), str(out)], capture_output=True,
                         text=True, timeout=60, env=env)
    assert run.returncode == 0, run.stderr
    assert json.loads(out.read_text())["results"], "the scan must have run"
    assert run.stdout.strip() == "[]"
