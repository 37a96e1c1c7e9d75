"""The shared corpus of real-world Bicep files must parse without a single problem (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.inputs.bicep.syntax import ast as A
from linter.inputs.bicep.syntax.parser import parse_path
from tests.conftest import SHARED

CORPUS = SHARED / "corpus"


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"no shared corpus at {CORPUS}")
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".bicep", ".bicepparam") and p.is_file())
    if not files:
        pytest.skip(f"no Bicep files under {CORPUS}")
    return files


def test_every_corpus_file_parses_without_problems_and_with_positions() -> None:
    failures: list[str] = []
    unpositioned: list[str] = []
    files = corpus_files()
    for path in files:
        tree, problems = parse_path(path)
        if problems:
            failures.append(f"{path.relative_to(CORPUS)}: {len(problems)} problem(s), first: {problems[0]}")
        for node in A.walk(tree):
            if node.line < 1 or node.col < 1 or (node.end_line, node.end_col) < (node.line, node.col):
                unpositioned.append(f"{path.relative_to(CORPUS)}: {type(node).__name__} at {node.line}:{node.col}")
                break
    assert failures == [], f"{len(failures)}/{len(files)} files failed:\n" + "\n".join(failures[:50])
    assert unpositioned == [], "\n".join(unpositioned[:20])
