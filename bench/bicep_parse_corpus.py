"""Parse every `.bicep`/`.bicepparam` file under a directory; print throughput, failures and the slowest files.

Usage: python bench/bicep_parse_corpus.py [CORPUS_DIR]   (default: ../shared/corpus next to the repository)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from linter.inputs.bicep.syntax.parser import parse


def main(argv: list[str]) -> int:
    repo = Path(__file__).resolve().parents[1]
    root = Path(argv[1]) if len(argv) > 1 else repo.parent / "shared" / "corpus"
    if not root.is_dir():
        print(f"no corpus at {root}", file=sys.stderr)
        return 2
    files = sorted(p for p in root.rglob("*") if p.suffix in (".bicep", ".bicepparam") and p.is_file())
    texts = [(p, p.read_bytes().decode("utf-8", errors="replace")) for p in files]  # keep I/O out of the timing
    timings: list[tuple[float, Path]] = []
    failed: list[tuple[Path, list]] = []
    total_chars = 0
    t_all = time.perf_counter()
    for p, text in texts:
        t0 = time.perf_counter()
        _, problems = parse(text, str(p))
        timings.append((time.perf_counter() - t0, p))
        total_chars += len(text)
        if problems:
            failed.append((p, problems))
    elapsed = time.perf_counter() - t_all
    print(f"{len(files)} files, {total_chars / 1e6:.1f} M characters in {elapsed:.2f} s")
    print(f"{len(files) / elapsed:.0f} files/s, {total_chars / 1e6 / elapsed:.2f} M characters/s")
    print(f"{len(files) - len(failed)}/{len(files)} parsed without problems")
    for p, problems in failed[:20]:
        print(f"  FAIL {p.relative_to(root)}: {problems[0]}")
    print("slowest files:")
    for dt, p in sorted(timings, key=lambda x: x[0], reverse=True)[:10]:
        print(f"  {dt * 1000:8.1f} ms  {p.relative_to(root)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
