"""Benchmark: what a pathological template costs, as a ratio to scanning the demo estate in the same run.

    python bench/hostile_estate.py

Each file asks for unbounded work (a self-recursive function, copies nested 800 x 800 x 800, 17 linked
templates each linking the next three times, variables doubling sixty times, huge pad and format widths, and
the Bicep forms); the deployment budget stops each one. Prints seconds and peak memory per file, then the
whole estate at once (every file reported, the good one still checked).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
STORAGE = {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "location": "eastus"}


def template(**sections: object) -> str:
    return json.dumps({"$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": [], **sections})


def files() -> dict[str, str]:
    doubling = {"v0": "ab"}
    for i in range(1, 61):
        doubling[f"v{i}"] = f"[concat(variables('v{i - 1}'), variables('v{i - 1}'))]"
    out = {
        "recursive.json": template(
            functions=[{"namespace": "ns", "members": {"f": {
                "parameters": [{"name": "x", "type": "string"}],
                "output": {"type": "string", "value": "[concat(ns.f(parameters('x')), ns.f(parameters('x')))]"}}}}],
            resources=[{**STORAGE, "name": "[ns.f('a')]"}]),
        "copies.json": template(resources=[{**STORAGE, "name": "[concat('s', copyIndex())]",
                                            "copy": {"name": "c", "count": 800}, "properties": {"copy": [
                                                {"name": "a", "count": 800, "input": {"copy": [
                                                    {"name": "b", "count": 800, "input": "[copyIndex('b')]"}]}}]}}]),
        "doubling.json": template(variables=doubling, resources=[{**STORAGE, "name": "[variables('v60')]"}]),
        "pad.json": template(resources=[{**STORAGE, "name": "[padLeft('x', 2000000000)]"}]),
        "recursive.bicep": "func f(x string) string => '${f(x)}${f(x)}'\n"
                           "resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n"
                           "  name: f('a')\n  location: 'eastus'\n}\n",
        "loops.bicep": "var cube = [for i in range(0, 800): [for j in range(0, 800): [for k in range(0, 800): k]]]\n"
                       "output n int = length(cube)\n"
                       "resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n"
                       "  name: 's'\n  location: 'eastus'\n  properties: {\n    x: cube\n  }\n}\n",
    }
    for level in range(17):
        resources = [{**STORAGE, "name": f"st{level}"}]
        if level < 16:
            resources += [{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
                           "name": f"d{level}-{k}", "properties": {
                               "mode": "Incremental", "templateLink": {"relativePath": f"t{level + 1}.json"}}}
                          for k in range(3)]
        out[f"links/t{level}.json"] = template(resources=resources)
    return out


def timed(args: list[str], cwd: Path) -> tuple[float, int]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-m", "linter", "scan", *args, "--no-config"], cwd=cwd, env=env,
                   capture_output=True, check=False)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return time.perf_counter() - started, max(peak, before) // 1024


def main() -> None:
    baseline, _ = timed([str(REPO / "fixtures" / "demo")], REPO)
    print(f"baseline: scan fixtures/demo {baseline:.2f}s")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, text in files().items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        for name in [n for n in files() if not n.startswith("links/")] + ["links"]:
            seconds, peak = timed([name], root)
            print(f"{name:<18} {seconds:6.2f}s  x{seconds / baseline:5.1f}  peak {peak} MB")
        seconds, peak = timed(["."], root)
        print(f"{'whole estate':<18} {seconds:6.2f}s  x{seconds / baseline:5.1f}  peak {peak} MB")


if __name__ == "__main__":
    main()
