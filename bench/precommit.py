"""Benchmark: what a pre-commit hook pays, a cold `drlint scan` of one hub template against `checkov -f`.

Each command is a fresh process (as a hook runs), best of N; the template is `bench/data/hub.json` and the
same deployment in Bicep, `bench/data/hub.bicep`. drlint runs with its compiled-pack cache warm (as on every
commit after the first; the first run is printed too). Checkov runs offline (`--skip-download`) from its own
virtual environment, and is skipped with a message saying how to install it when it is not there. Checkov is
best of 3 (5 with --full): its time moves with the machine's load far more than drlint's (2.5 to 6.4 s for the
same file on one machine in one hour), so a single run can flatter the ratio either way.

    python bench/precommit.py [--full] [--rounds N]

Targets: drlint under 0.12 s wall, and at least 40x faster than Checkov on the same file.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    CHECKOV_HELP,
    REPO,
    Row,
    best_of,
    checkov_env,
    drlint,
    drlint_env,
    find_checkov,
    print_table,
    run,
    seconds,
)

TEMPLATES = {"ARM": REPO / "bench" / "data" / "hub.json", "Bicep": REPO / "bench" / "data" / "hub.bicep"}
TARGET_SECONDS, TARGET_RATIO = 0.12, 40.0


def measure(rounds: int, checkov_rounds: int) -> list[Row]:
    rows: list[Row] = []
    checkov = find_checkov()
    if checkov is None:
        print(f"precommit: {CHECKOV_HELP}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="drlint-bench-cache-") as cache:
        env = drlint_env(Path(cache))
        floor = best_of([sys.executable, "-c", "pass"], rounds)
        rows.append(Row("pre-commit", "python -c pass (floor)", seconds(floor.seconds), "", "", "", None))
        for name, template in TEMPLATES.items():
            command = drlint("scan", str(template.relative_to(REPO)), "--no-config")
            first = run(command, env=env)  # fills the compiled-pack cache (and is what a first commit pays)
            warm = best_of(command, rounds, env=env)
            rows.append(Row("pre-commit", f"{name} hub, first run (empty cache)", seconds(first.seconds), "", "",
                            "", None))
            met_time = warm.seconds < TARGET_SECONDS
            if checkov is None:
                rows.append(Row("pre-commit", f"{name} hub, cold process", seconds(warm.seconds),
                                "checkov not installed", "", f"< {TARGET_SECONDS} s", met_time))
                continue
            theirs = best_of([checkov, "-f", str(template), "--quiet", "--compact", "--skip-download"],
                             checkov_rounds, env=checkov_env())
            ratio = theirs.seconds / warm.seconds
            rows.append(Row("pre-commit", f"{name} hub, cold process", seconds(warm.seconds),
                            f"checkov -f {seconds(theirs.seconds)}", f"{ratio:.0f}x faster",
                            f"< {TARGET_SECONDS} s, >= {TARGET_RATIO:.0f}x",
                            met_time and ratio >= TARGET_RATIO))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="more rounds (Checkov five times instead of three)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds for drlint (default 10, --full 20)")
    args = parser.parse_args(argv)
    rounds = args.rounds or (20 if args.full else 10)
    print_table(measure(rounds, 5 if args.full else 3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
