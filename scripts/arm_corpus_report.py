"""Evaluate every `main.json` of the AVM corpus with the ARM front end and report how it went.

Prints per-file resource counts, the share of values that stayed Unknown, the top Unknown reasons, and any
crash (an exception escaping the front end, or an internal-error diagnostic).

    python scripts/arm_corpus_report.py [corpus-dir] [--files N] [--quiet]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from linter.inputs import InputFile, LoadContext
from linter.inputs.arm import FRONT_END
from linter.inputs.jsondoc import read_json
from linter.model import Unknown

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "avm"


def corpus_files(root: Path) -> list[Path]:
    return sorted(root.rglob("main.json"))


def load_one(path: Path, root: Path) -> Any:
    ctx = LoadContext(root=root)
    display = ctx.display(path)
    document = read_json(path, display)
    return FRONT_END.load([InputFile(path, display, "arm-template", document)], ctx)


def count_values(value: Any, counter: Counter[str], reasons: Counter[str]) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Unknown):
            counter["unknown"] += 1
            reasons[_shape(item.reason)] += 1
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            counter["known"] += 1


def _shape(reason: str) -> str:
    """Group reasons that differ only in names and numbers."""
    return re.sub(r"'[^']*'", "'…'", re.sub(r"\d+", "N", reason))[:140]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--files", type=int, default=0, help="only the first N files")
    parser.add_argument("--quiet", action="store_true", help="no per-file lines")
    args = parser.parse_args(argv)
    files = corpus_files(args.corpus)
    if args.files:
        files = files[: args.files]
    values: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    diagnostics: Counter[str] = Counter()
    crashes: list[str] = []
    total_resources = 0
    started = time.perf_counter()
    for path in files:
        try:
            loaded = load_one(path, args.corpus)
        except Exception:
            crashes.append(f"{path}: {traceback.format_exc(limit=3)}")
            continue
        internal = [d for d in loaded.diagnostics if d.code == "internal-error"]
        crashes.extend(f"{path}: {d.message}" for d in internal)
        for diagnostic in loaded.diagnostics:
            diagnostics[_shape(diagnostic.message)] += 1
        file_values: Counter[str] = Counter()
        for resource in loaded.resources:
            for item in (resource.id, resource.name, resource.location, resource.sku, resource.kind,
                         resource.properties, resource.tags, resource.identity, resource.zones):
                count_values(item, file_values, reasons)
        values.update(file_values)
        total_resources += len(loaded.resources)
        if not args.quiet:
            share = file_values["unknown"] / max(1, sum(file_values.values()))
            print(f"{len(loaded.resources):5d} resources  {share:6.1%} unknown  {path.relative_to(args.corpus)}")
    elapsed = time.perf_counter() - started
    total = sum(values.values())
    print(f"\n{len(files)} templates, {total_resources} resources, {elapsed:.1f} s")
    print(f"values: {total}, unknown: {values['unknown']} ({values['unknown'] / max(1, total):.1%})")
    print(f"crashes: {len(crashes)}")
    for crash in crashes[:20]:
        print("  " + crash)
    print("\ntop unknown reasons:")
    for reason, count in reasons.most_common(15):
        print(f"  {count:7d}  {reason}")
    print("\ntop diagnostics:")
    for message, count in diagnostics.most_common(10):
        print(f"  {count:7d}  {message}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
