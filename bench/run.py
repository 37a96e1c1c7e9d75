"""Run every benchmark of issue 13 and print one table: drlint against its baseline, measured in the same run.

    python bench/run.py            # quick: a few minutes on a shared 2-core machine
    python bench/run.py --full     # 50k/100k/200k-row exports, the whole corpus against Checkov (long)
    python bench/run.py --only precommit,sarif

Benchmarks: `precommit` (a cold scan of a hub template vs `checkov -f`), `resource-graph` (large exports vs
`json.load`), `corpus` (the real-template corpus vs `checkov -d`), `sarif` (25,000 results vs `json.dumps`).
Checkov is looked for in $CHECKOV, ../checkov-venv and the PATH; without it those comparisons are skipped with
a message saying how to install it. The machine is printed with the table (BENCHMARKS.md keeps a run).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
import precommit
import resource_graph
import sarif_serialise
from common import REPO, Row, find_checkov, print_table

BENCHMARKS = ("precommit", "resource-graph", "corpus", "sarif")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = "n/a"
    if hasattr(os, "getloadavg"):
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    checkov = find_checkov()
    version = "not installed"
    if checkov is not None:
        found = subprocess.run([checkov, "--version"], capture_output=True, text=True, check=False)
        version = found.stdout.strip() or "unknown version"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                            check=False).stdout.strip() or "unknown"
    return (f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs, load average {load}; "
            f"Python {platform.python_version()}; Checkov {version}; drlint commit {commit}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the long versions (see each benchmark's --full)")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help=f"comma-separated, from {', '.join(BENCHMARKS)}")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]}; choose from {', '.join(BENCHMARKS)}")
    print(f"machine: {machine()}", flush=True)
    rows: list[Row] = []
    started = time.perf_counter()
    for name in chosen:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        if name == "precommit":
            rows += precommit.measure(20 if args.full else 10, 5 if args.full else 3)
        elif name == "resource-graph":
            sizes = resource_graph.FULL_SIZES if args.full else resource_graph.QUICK_SIZES
            rows += resource_graph.measure(sizes, 2 if args.full else 1)
        elif name == "corpus":
            rows += corpus.measure(args.full)
        else:
            rows += sarif_serialise.measure(sarif_serialise.MAX_RESULTS, 5 if args.full else 3)
    print_table(rows)
    missed = [row for row in rows if row.met is False]
    print(f"{len(rows)} rows, {len(missed)} target(s) missed, {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
