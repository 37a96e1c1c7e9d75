"""Benchmark: scanning the corpus of real templates (`../shared/corpus/avm`) against `checkov -d` on the same tree.

Both tools scan the same folder as one fresh process each: drlint with `--format json -o /dev/null`, Checkov
offline (`--skip-download`, JSON output) from its own virtual environment (skipped, with a message saying how to
install it, when it is not there). Files per second count the ARM, parameter and Bicep files in the tree. The
slowest file is found by scanning each file on its own, in one process.

    python bench/corpus.py             # the AI/ML pattern, ML workspace and Key Vault modules (~70 files)
    python bench/corpus.py --full      # the whole corpus (~2,900 files; Checkov takes minutes)

Target: the whole corpus at least 10x faster than `checkov -d`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    CHECKOV_HELP,
    CORPUS,
    Row,
    checkov_env,
    drlint,
    drlint_env,
    find_checkov,
    print_table,
    run,
    seconds,
)

QUICK_FOLDERS = ("ptn/ai-ml", "res/machine-learning-services", "res/key-vault")
SUFFIXES = (".json", ".jsonc", ".bicep", ".bicepparam")
TARGET_RATIO = 10.0
SLOWEST = """
import json, sys, time
from pathlib import Path
from linter.config import Config
from linter.scan import ScanOptions, run_scan
root = Path(sys.argv[1])
timings = []
for path in sorted(p for p in root.rglob("*") if p.suffix in {suffixes!r} and p.is_file()):
    started = time.perf_counter()
    run_scan(ScanOptions([path]), Config())  # the working directory is the tree: paths shown from there
    timings.append((time.perf_counter() - started, path.relative_to(root).as_posix()))
timings.sort(reverse=True)
print(json.dumps(timings[:5]))
"""


def tree(full: bool, folder: Path) -> Path:
    """The tree to scan: the corpus itself, or a copy of the quick subset."""
    if full:
        return CORPUS
    for name in QUICK_FOLDERS:
        shutil.copytree(CORPUS / name, folder / name)
    return folder


def measure(full: bool, with_checkov: bool = True) -> list[Row]:
    if not CORPUS.is_dir():
        print(f"corpus: no corpus at {CORPUS}; skipped", file=sys.stderr)
        return []
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="drlint-bench-corpus-") as folder:
        root = tree(full, Path(folder) / "tree")
        files = sum(1 for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        env = drlint_env(Path(folder) / "cache")
        run(drlint("rules", "list"), env=env)  # fill the compiled-pack cache: the scan is what is measured
        ours = run(drlint("scan", str(root), "--no-config", "--format", "json", "-o", "/dev/null"), env=env)
        case = f"{'whole corpus' if full else 'quick subset'} ({files} files)"
        checkov = find_checkov() if with_checkov else None
        if checkov is None and with_checkov:
            print(f"corpus: {CHECKOV_HELP}", file=sys.stderr)
        if checkov is None:
            rows.append(Row("corpus", case, f"{seconds(ours.seconds)}, {files / ours.seconds:.0f} files/s",
                            "checkov not run", "", f">= {TARGET_RATIO:.0f}x", None))
        else:
            theirs = run([checkov, "-d", str(root), "--quiet", "--compact", "--skip-download", "-o", "json"],
                         env=checkov_env(), timeout=7200)
            ratio = theirs.seconds / ours.seconds
            rows.append(Row("corpus", case, f"{seconds(ours.seconds)}, {files / ours.seconds:.0f} files/s",
                            f"checkov -d {seconds(theirs.seconds)}, {files / theirs.seconds:.1f} files/s",
                            f"{ratio:.0f}x faster", f">= {TARGET_RATIO:.0f}x", ratio >= TARGET_RATIO))
        started = time.perf_counter()
        slowest = subprocess.run([sys.executable, "-c", SLOWEST.format(suffixes=SUFFIXES), str(root)], env=env,
                                 cwd=root, capture_output=True, text=True, check=True)
        top = json.loads(slowest.stdout)
        each = time.perf_counter() - started
        rows.append(Row("corpus", "slowest file, scanned alone", f"{seconds(top[0][0])} {top[0][1]}",
                        f"all {files} one by one in {seconds(each)}", "", "", None))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the whole corpus (Checkov takes minutes)")
    parser.add_argument("--no-checkov", action="store_true", help="drlint only")
    args = parser.parse_args(argv)
    print_table(measure(args.full, not args.no_checkov))
    return 0


if __name__ == "__main__":
    sys.exit(main())
