"""Benchmark: scanning large Resource Graph exports, against `json.load` of the same file.

For each size and share of failing rows, an export is generated (`bench/exports.py`), then measured as two
fresh processes, best of N: `json.load` of the file (the baseline: reading it at all), and
`drlint scan FILE --format sarif -o /dev/null` (what a scheduled audit job does: every finding with its
position, written out). Peak memory is each process's maximum resident set, compared with the file's size.

    python bench/resource_graph.py            # 50,000 rows; 1%, 10% and 50% failing
    python bench/resource_graph.py --full     # 50,000, 100,000 and 200,000 rows

Targets: within 3x json.load in time, peak memory within 3x the file, linear in rows and in findings.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, Row, best_of, drlint, drlint_env, megabytes, print_table, seconds

QUICK_SIZES, FULL_SIZES = (50_000,), (50_000, 100_000, 200_000)
FAILING = (0.01, 0.10, 0.50)
TARGET_TIME, TARGET_MEMORY = 3.0, 3.0
JSON_LOAD = "import json, sys\nwith open(sys.argv[1], encoding='utf-8') as f:\n    json.load(f)\n"


def measure(sizes: tuple[int, ...], rounds: int, output_format: str = "sarif",
            failing_shares: tuple[float, ...] = FAILING) -> list[Row]:
    rows: list[Row] = []
    per_row: dict[float, list[tuple[int, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="drlint-bench-rg-") as folder:
        env = drlint_env(Path(folder) / "cache")
        for count in sizes:
            for failing in failing_shares:
                export = Path(folder) / f"export-{count}-{failing}.json"
                # Generated in another process: this one stays small, so its children's peaks are their own.
                subprocess.run([sys.executable, str(REPO / "bench" / "exports.py"), str(export), "--rows",
                                str(count), "--failing", str(failing)], check=True, stdout=subprocess.DEVNULL)
                size = export.stat().st_size
                baseline = best_of([sys.executable, "-c", JSON_LOAD, str(export)], rounds)
                ours = best_of(drlint("scan", str(export), "--no-config", "--format", output_format,
                                      "-o", "/dev/null"), rounds, env=env)
                export.unlink()
                if ours.returncode not in (0, 1):
                    rows.append(Row("resource-graph", f"{count} rows, {failing:.0%} failing", "FAILED",
                                    f"exit {ours.returncode}", "", "", False))
                    continue
                time_ratio = ours.seconds / baseline.seconds
                memory_ratio = ours.peak_bytes / size
                per_row.setdefault(failing, []).append((count, ours.seconds))
                case = f"{count // 1000}k rows, {failing:.0%} failing ({size / 1e6:.0f} MB)"
                rows.append(Row("resource-graph", f"{case}: time", seconds(ours.seconds),
                                f"json.load {seconds(baseline.seconds)}", f"{time_ratio:.2f}x json.load",
                                f"<= {TARGET_TIME:.0f}x", time_ratio <= TARGET_TIME))
                rows.append(Row("resource-graph", f"{case}: peak memory", megabytes(ours.peak_bytes),
                                f"json.load {megabytes(baseline.peak_bytes)}", f"{memory_ratio:.2f}x file",
                                f"<= {TARGET_MEMORY:.0f}x file", memory_ratio <= TARGET_MEMORY))
    for failing, points in per_row.items():
        if len(points) > 1:
            (small, small_time), (large, large_time) = points[0], points[-1]
            growth = (large_time / small_time) / (large / small)
            rows.append(Row("resource-graph", f"linearity, {failing:.0%} failing, {small // 1000}k -> {large // 1000}k",
                            f"{large_time / large * 1e6:.0f} us/row", f"{small_time / small * 1e6:.0f} us/row",
                            f"{growth:.2f}x per row", "~1x (linear)", growth <= 1.25))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also 100,000 and 200,000 rows")
    parser.add_argument("--rounds", type=int, default=None, help="rounds per measurement (default 1, --full 2)")
    parser.add_argument("--format", default="sarif", choices=["text", "json", "sarif"])
    parser.add_argument("--failing", default=",".join(str(f) for f in FAILING),
                        help="comma-separated shares of failing rows (default 0.01,0.1,0.5)")
    args = parser.parse_args(argv)
    rounds = args.rounds or (2 if args.full else 1)
    shares = tuple(float(f) for f in args.failing.split(",") if f.strip())
    print_table(measure(FULL_SIZES if args.full else QUICK_SIZES, rounds, args.format, shares))
    return 0


if __name__ == "__main__":
    sys.exit(main())
