"""Benchmark: evaluating the corpus's templates, as a ratio to plain `json.loads` of the same files.

Both are measured in the same run (best of a few rounds), so the ratio does not depend on the machine.
The target is a ratio within 5x.

    python bench/arm_corpus.py [corpus-dir] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from linter.gcpause import collection_paused
from linter.inputs import InputFile, LoadContext
from linter.inputs.arm import (
    FRONT_END,
    expressions,
)
from linter.inputs.jsondoc import parse_json

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "avm"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    paths = sorted(args.corpus.rglob("main.json"))
    if not paths:
        print(f"no main.json under {args.corpus}")
        return 1
    raw = [(p, p.read_bytes()) for p in paths]  # disk reads are not what is measured
    ctx = LoadContext(root=args.corpus)

    def plain() -> None:
        for _, data in raw:
            json.loads(data)

    documents = []

    def parse() -> None:
        documents.clear()
        for path, data in raw:
            documents.append((path, parse_json(data, ctx.display(path))))

    def evaluate() -> int:
        expressions._CACHE.clear()  # a cold cache: each round parses every expression again
        count = 0
        for path, document in documents:
            loaded = FRONT_END.load([InputFile(path, document.display, "arm-template", document)], ctx)
            count += len(loaded.resources)
        return count

    plain_time = min(_timed(plain) for _ in range(args.rounds))
    parse_time = min(_timed(parse) for _ in range(args.rounds))
    resources = evaluate()
    eval_time = min(_timed(evaluate) for _ in range(args.rounds))
    print(f"{len(paths)} templates, {sum(len(d) for _, d in raw) / 1e6:.1f} MB, {resources} resources")
    print(f"json.loads {plain_time:.3f} s | reading as Azure does (jsondoc) {parse_time:.3f} s | "
          f"evaluating {eval_time:.3f} s")
    print(f"evaluation: {eval_time / plain_time:.2f}x json.loads; "
          f"reading + evaluation: {(parse_time + eval_time) / plain_time:.2f}x json.loads")
    return 0


def _timed(function: object) -> float:
    # As in a scan (linter.gcpause.collection_paused), and the same for every measured step.
    with collection_paused():
        started = time.perf_counter()
        function()  # type: ignore[operator]
        return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
