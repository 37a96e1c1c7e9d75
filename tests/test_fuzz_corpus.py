"""Mutation fuzzing of real templates (fixed seed, so every run tries the same inputs): a corpus file with
bytes deleted, repeated, swapped or replaced by hostile tokens is read, planned and evaluated without an
exception escaping and without an internal error; what breaks it is a located diagnostic.

Skipped cleanly when the shared corpus is not beside the project.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from linter.config import Config
from linter.scan import ScanOptions, run_scan
from tests.conftest import shared_path

SEED = 20261129
FILES_PER_KIND = 20
MUTANTS_PER_FILE = 4
HOSTILE = [b"'", b'"', b"{", b"}", b"[", b"]", b"[concat(", b"${", b"\x00", b"\xff\xfe", b"\xed\xa0\x80",
           b"99999999999999999999999999999999", b"\x1b[2J", b"\xe2\x80\xae", b"//", b"/*", b"\n", b"@secure()",
           b"[copyIndex()]", b"for i in range(0, 800):", b"../../../../etc/passwd", b"'''"]


def mutate(data: bytes, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 4)):
        if not data:
            return rng.choice(HOSTILE)
        at = rng.randrange(len(data))
        size = rng.randint(1, 64)
        choice = rng.randrange(5)
        if choice == 0:
            data = data[:at] + data[at + size:]
        elif choice == 1:
            data = data[:at] + data[at:at + size] * rng.randint(2, 8) + data[at:]
        elif choice == 2:
            data = data[:at] + rng.choice(HOSTILE) + data[at:]
        elif choice == 3:
            other = rng.randrange(len(data))
            data = data[:at] + data[other:other + size] + data[at + size:]
        else:
            data = data[:at]
    return data


def sample(root: Path, pattern: str, rng: random.Random) -> list[Path]:
    files = sorted(root.rglob(pattern))
    return rng.sample(files, min(FILES_PER_KIND, len(files)))


@pytest.mark.parametrize("pattern", ["main.json", "main.bicep"])
def test_mutated_corpus_files_never_crash_the_scan(tmp_path, pattern):
    corpus = shared_path("corpus", "avm")
    rng = random.Random(f"{SEED}-{pattern}")
    for i, source in enumerate(sample(corpus, pattern, rng)):
        data = source.read_bytes()
        folder = tmp_path / f"f{i}"
        folder.mkdir()
        for k in range(MUTANTS_PER_FILE):
            (folder / f"m{k}{source.suffix}").write_bytes(mutate(data, rng))
    report = run_scan(ScanOptions([tmp_path]), Config())
    internal = [f"{d.position}: {d.message}" for d in report.diagnostics if d.code == "internal-error"]
    assert not internal, internal[:5]
    assert all(d.position is not None for d in report.diagnostics)
    assert report.files  # the mutants were read, not skipped



EXPRESSIONS = ["[padLeft('x', 2000000000)]", "[json(concat('[', padLeft('', 100000, '1'), ']'))]", "[copyIndex(-5)]",
               "[parameters('no-such')]", "[variables(parameters('x'))]", "[range(0, 2147483647)]",
               "[reference(resourceId('Microsoft.Resources/deployments', 'x')).outputs.y.value]",
               "[split(string(deployment()), '')]", "[format('{0,-900000}', utcNow())]", "[concat(",
               "[mul(9223372036854775807, 9223372036854775807)]", "[int('" + "9" * 4000 + "')]",
               "[base64ToString('////')]", "[last(take(createArray(), -1))]", "[if(bool('x'), 1, 2)]",
               "s\u001b]0;owned\u0007", "[[literal]", "[lambda('x', lambdaVariables('y'))]", 800, -1, 10**18, None]


def mutate_structure(value: Any, rng: random.Random, depth: int = 0) -> Any:
    """Replace some leaves of a template with hostile expressions and numbers (the JSON stays valid)."""
    if isinstance(value, dict):
        return {k: mutate_structure(v, rng, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [mutate_structure(v, rng, depth + 1) for v in value]
    if rng.random() < 0.08:
        return rng.choice(EXPRESSIONS)
    return value


def test_templates_with_hostile_expressions_in_their_values_never_crash_the_scan(tmp_path):
    corpus = shared_path("corpus", "avm")
    rng = random.Random(f"{SEED}-structure")
    for i, source in enumerate(sample(corpus, "main.json", rng)):
        data = json.loads(source.read_text(encoding="utf-8-sig"))
        for k in range(MUTANTS_PER_FILE):
            (tmp_path / f"t{i}-{k}.json").write_text(json.dumps(mutate_structure(data, rng)))
    report = run_scan(ScanOptions([tmp_path]), Config())
    internal = [f"{d.position}: {d.message}" for d in report.diagnostics if d.code == "internal-error"]
    assert not internal, internal[:5]
    assert len(report.files) == FILES_PER_KIND * MUTANTS_PER_FILE
