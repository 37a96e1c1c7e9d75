"""Benchmark: what a pre-commit hook pays on every commit, as ratios to a bare Python start measured in the
same run.

    python bench/startup.py [--rounds N]

Compares whole processes: `python -c pass` (the floor), `drlint --version` (imports and CLI), a scan of the
demo Resource Graph export, and a scan of a Bicep fixture. Bytecode caching is left on, as users have it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "drlint --version": [sys.executable, "-m", "linter", "--version"],
    "drlint scan demo (Resource Graph)": [sys.executable, "-m", "linter", "scan", "fixtures/demo"],
    "drlint scan Bicep two-region fixture": [sys.executable, "-m", "linter", "scan",
                                             "fixtures/rules/DR101/bicep-pass-two-regions"],
}


def best_of(command: list[str], rounds: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(REPO)
    for command in COMMANDS.values():  # warm the bytecode and file caches
        subprocess.run(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    measured = {name: best_of(command, args.rounds, env) for name, command in COMMANDS.items()}
    baseline = measured["python -c pass"]
    for name, seconds in measured.items():
        print(f"{name:<40} {seconds * 1000:8.1f} ms  {seconds / baseline:6.1f}x python -c pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
