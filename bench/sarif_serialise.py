"""Benchmark: serialising a SARIF log of 25,000 results, as a ratio to `json.dumps` of the same data as plain dicts.

Both are measured in the same run (best of a few rounds), so the ratio does not depend on the machine. The
SARIF side is the whole serialiser (sarif-om objects to JSON text); the baseline
is `json.dumps` alone, with the same options, of the dicts the walk produces (the same bytes come out).
Building the sarif-om objects from the report, and the whole `--format sarif` rendering (with the gzip size
check), are printed too. Everything is timed with the cyclic garbage collector paused, as `render` runs.

    python bench/sarif_serialise.py [--results N] [--rounds N]

Target: within 3x json.dumps.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, seconds

from linter.gcpause import collection_paused
from linter.model import FixedAnchor, Origin, Position, Resource
from linter.report.sarif import MAX_RESULTS, SERIALIZER, build_log, render
from linter.results import Outcome, RelatedLocation, Result, RunReport
from linter.rules import builtin_pack_dir, load_rules

TARGET_RATIO = 3.0
SUBSCRIPTION = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-bench/providers"


def synthetic_report(count: int) -> RunReport:
    """`count` failures spread over the built-in rules, each at its own row of a Resource Graph export and
    with one related location (what a cross-resource finding looks like)."""
    rules, problems = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    assert not problems, problems
    origin = Origin("resource-graph", "exports/estate.json")
    results = []
    for i in range(count):
        rule = rules[i % len(rules)]
        name = f"stbench{i:05d}"
        line = 20 * i + 5
        resource = Resource(id=f"{SUBSCRIPTION}/Microsoft.Storage/storageAccounts/{name}",
                            type="microsoft.storage/storageaccounts", name=name, origin=origin,
                            anchor=FixedAnchor(Position(origin.file, line, 5)), location="eastus2")
        related = [RelatedLocation(Position(origin.file, line + 10, 7), f"registry 'cr{i:05d}'")]
        results.append(Result(rule, Outcome.FAIL, rule.severity,
                              f"Storage account '{name}' (eastus2) uses Standard_LRS; use a geo-redundant SKU.",
                              resource, Position(origin.file, line + 3, 9), related))
    return RunReport(results=results, diagnostics=[], rules=rules, files=[origin.file], resource_count=count,
                     seconds=0.0, posture="hot-cold", category="drlint/resource-graph/")


def best_of(rounds: int, action: Callable[[], object]) -> float:
    """The fastest of `rounds` runs, with the cyclic garbage collector paused as `render` pauses it."""
    best = float("inf")
    for _ in range(rounds):
        with collection_paused():
            started = time.perf_counter()
            action()
            best = min(best, time.perf_counter() - started)
    return best


def measure(count: int, rounds: int, verbose: bool = False) -> list[Row]:
    report = synthetic_report(count)
    log = build_log(report, show_unknown=False)
    plain = SERIALIZER.to_data(log)
    assert len(plain["runs"][0]["results"]) == count

    def baseline() -> str:
        return json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    assert SERIALIZER.dumps(log) == baseline()  # the same bytes: the comparison is like for like
    dumps = best_of(rounds, baseline)
    serialise = best_of(rounds, lambda: SERIALIZER.dumps(log))
    if verbose:
        build = best_of(rounds, lambda: build_log(report, show_unknown=False))
        whole = best_of(rounds, lambda: render(report, show_unknown=False))
        size = len(baseline())
        print(f"{count} results, {size / 1e6:.1f} MB of SARIF, best of {rounds} rounds")
        print(f"json.dumps of the plain dicts:       {dumps * 1000:8.1f} ms")
        print(f"SARIF serialisation:                 {serialise * 1000:8.1f} ms")
        print(f"ratio:                               {serialise / dumps:8.2f}x")
        print(f"building the sarif-om objects:       {build * 1000:8.1f} ms")
        print(f"whole --format sarif rendering:      {whole * 1000:8.1f} ms")
    ratio = serialise / dumps
    return [Row("sarif", f"{count} results", seconds(serialise), f"json.dumps {seconds(dumps)}",
                f"{ratio:.2f}x json.dumps", f"<= {TARGET_RATIO:.0f}x", ratio <= TARGET_RATIO)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=MAX_RESULTS)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    measure(args.results, args.rounds, verbose=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
