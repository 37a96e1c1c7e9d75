"""Parse and evaluate every `.bicep`/`.bicepparam` file of a corpus; print throughput and the slowest files.

Two measurements:
- each file loaded on its own (parse + transpile + evaluate, its local modules included), to find the
  slowest files and any crash (an exception, or an internal-error diagnostic);
- the whole corpus loaded at once, as one scan of the folder would (modules evaluated through their parents).

Usage: python bench/bicep_corpus.py [CORPUS_DIR] [--top N]   (default: ../shared/corpus next to the repository)
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from linter.inputs import InputFile, LoadContext
from linter.inputs.bicep import FRONT_END


def inputs(files: list[Path], ctx: LoadContext) -> list[InputFile]:
    return [InputFile(p, ctx.display(p), FRONT_END.classify(p, None) or "bicep", None) for p in files]


def main(argv: list[str]) -> int:
    repo = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=repo.parent / "shared" / "corpus")
    parser.add_argument("--top", type=int, default=10)
    options = parser.parse_args(argv)
    root = options.corpus.resolve()
    if not root.is_dir():
        print(f"no corpus at {root}", file=sys.stderr)
        return 2
    files = sorted(p for p in root.rglob("*") if p.suffix in (".bicep", ".bicepparam") and p.is_file())
    ctx = LoadContext(root=root)
    gc.disable()  # as a scan does (see linter.gcpause.collection_paused)
    timings: list[tuple[float, str, int]] = []
    crashes: list[str] = []
    resources = 0
    started = time.perf_counter()
    for path in files:
        t0 = time.perf_counter()
        try:
            loaded = FRONT_END.load(inputs([path], ctx), ctx)
        except Exception as exc:  # reported below: the front end must never raise
            crashes.append(f"{ctx.display(path)}: {type(exc).__name__}: {exc}")
            continue
        finally:
            timings.append((time.perf_counter() - t0, ctx.display(path), 0))
        crashes.extend(f"{ctx.display(path)}: {d.message}" for d in loaded.diagnostics if d.code == "internal-error")
        resources += len(loaded.resources)
        timings[-1] = (timings[-1][0], timings[-1][1], len(loaded.resources))
    each = time.perf_counter() - started
    gc.enable()
    gc.collect()
    gc.disable()
    t0 = time.perf_counter()
    whole = FRONT_END.load(inputs(files, ctx), ctx)
    together = time.perf_counter() - t0
    gc.enable()

    print(f"{len(files)} files under {root}")
    print(f"one at a time: {each:.2f}s, {len(files) / each:.0f} files/s, {resources} resources, {len(crashes)} crashes")
    print(f"all at once:   {together:.2f}s, {len(files) / together:.0f} files/s, {len(whole.resources)} resources "
          f"in {len(whole.origins)} deployments")
    print(f"slowest {options.top} (one at a time):")
    for seconds, shown, count in sorted(timings, reverse=True)[: options.top]:
        print(f"  {seconds * 1000:8.1f} ms  {count:5d} resources  {shown}")
    for crash in crashes[:20]:
        print(f"CRASH {crash}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
