"""What the benchmarks share: running a process and measuring its wall time and peak memory, finding Checkov,
and the rows of the summary table.

Every comparison is a ratio of two measurements taken in the same run on the same machine: these machines are
shared and noisy, so absolute times vary from run to run while ratios hold.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "avm"
CHECKOV_HELP = ("Checkov is not installed; it is compared in its own virtual environment, never as a dependency: "
                "python3 -m venv ../checkov-venv && ../checkov-venv/bin/pip install checkov "
                "(or set CHECKOV=/path/to/checkov)")


@dataclass(slots=True)
class Measured:
    seconds: float  # wall time
    peak_bytes: int  # the process's maximum resident set size
    returncode: int
    cpu: float = 0.0  # user + system time: what the process itself spent, whatever else the machine runs


@dataclass(slots=True)
class Row:
    """One line of the summary table."""

    benchmark: str
    case: str
    measured: str  # what drlint did, e.g. "0.095 s"
    baseline: str  # what it is compared with, e.g. "checkov -f 4.1 s"
    ratio: str  # e.g. "43x faster" or "2.1x json.load"
    target: str  # e.g. ">= 40x"
    met: bool | None  # None: informational, no target


def run(command: list[str], cwd: Path = REPO, env: dict[str, str] | None = None, timeout: float = 3600) -> Measured:
    """Run a process to completion (output discarded); its wall time and peak RSS (from wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.002)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measured(seconds, usage.ru_maxrss * 1024, process.returncode, usage.ru_utime + usage.ru_stime)


def best_of(command: list[str], rounds: int, **kwargs: object) -> Measured:
    """The fastest of `rounds` runs (the least disturbed by the machine's other work), with the highest peak."""
    runs = [run(command, **kwargs) for _ in range(rounds)]  # type: ignore[arg-type]
    fastest = min(runs, key=lambda m: m.seconds)
    return Measured(fastest.seconds, max(m.peak_bytes for m in runs), fastest.returncode, min(m.cpu for m in runs))


def drlint_env(cache_dir: Path | None = None) -> dict[str, str]:
    """The environment for a drlint process: this checkout's code, bytecode caching on (as users have it)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env["PYTHONPATH"] = str(REPO)
    if cache_dir is not None:
        env["XDG_CACHE_HOME"] = str(cache_dir)
    return env


def drlint(*args: str) -> list[str]:
    return [sys.executable, "-m", "linter", *args]


def find_checkov() -> str | None:
    """$CHECKOV, ../checkov-venv beside the checkout, or `checkov` on the PATH."""
    for candidate in (os.environ.get("CHECKOV"), str(REPO.parent / "checkov-venv" / "bin" / "checkov")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("checkov")


def checkov_env() -> dict[str, str]:
    # Offline and quiet: no platform calls (a machine without network would wait on them), no version check.
    env = dict(os.environ)
    env.update({"BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false", "LOG_LEVEL": "ERROR"})
    return env


def seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def megabytes(value: float) -> str:
    return f"{value / 1e6:.0f} MB"


def print_table(rows: list[Row], stream=sys.stdout) -> None:  # type: ignore[no-untyped-def]
    headers = ("benchmark", "case", "drlint", "baseline", "ratio", "target", "met")
    cells = [headers] + [(r.benchmark, r.case, r.measured, r.baseline, r.ratio, r.target,
                          "-" if r.met is None else ("yes" if r.met else "NO")) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for index, row in enumerate(cells):
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |",
              file=stream)
        if index == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|", file=stream)
