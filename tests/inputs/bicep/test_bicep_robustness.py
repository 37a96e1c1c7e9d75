"""Robustness: truncated and mutated real files never make the parser raise, and problems stay well formed.

Uses the shared corpus when present (a fixed-seed sample), else the hand-written fixtures.
"""

from __future__ import annotations

import random

import pytest

from linter.inputs.bicep.syntax import ast as A
from linter.inputs.bicep.syntax.parser import INTERNAL_ERROR, parse
from tests.conftest import REPO, SHARED

CORPUS = SHARED / "corpus"
FIXTURES = REPO / "fixtures" / "bicep" / "parser"
SAMPLE_SIZE = 120
# Fragments that tend to confuse a lexer or parser when dropped into the middle of a file.
NASTY = [
    "'", "'''", "${", "}", "{", "[", "]", "(", ")", "/*", "*/", "//", "#", "\\", "@", "?", ":", "::", ".?", "[?",
    "=>", "...", "\n", "\r\n", "|", "!", "resource x 'a' = ", "param ", "for ", "if (", "'${'${", "\u00e9", "\x00",
]  # fmt: skip


def sources() -> list[tuple[str, str]]:
    if CORPUS.is_dir():
        files = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".bicep", ".bicepparam"))
        files = random.Random(1234).sample(files, min(SAMPLE_SIZE, len(files)))
    else:
        files = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".bicep", ".bicepparam"))
    if not files:
        pytest.skip("no Bicep sources to mutate")
    return [(str(p), p.read_text(encoding="utf-8", errors="replace")) for p in files]


def mutations(text: str, rng: random.Random) -> list[str]:
    n = len(text)
    out = [text[: rng.randrange(n + 1)] for _ in range(4)]  # truncations
    for _ in range(4):  # deletions
        a = rng.randrange(n + 1)
        out.append(text[:a] + text[a + rng.randrange(1, 40) :])
    for _ in range(6):  # insertions of nasty fragments
        a = rng.randrange(n + 1)
        out.append(text[:a] + rng.choice(NASTY) + text[a:])
    lines = text.splitlines(keepends=True)
    if len(lines) > 2:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        out.append("".join(lines))
    return out


def check(text: str, path: str) -> None:
    tree, problems = parse(text, path)
    line_count = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    for p in problems:
        assert p.expected != INTERNAL_ERROR, p
        assert 1 <= p.line <= line_count and p.col >= 1, p
    for node in A.walk(tree):
        assert node.line >= 1 and node.col >= 1, node


def test_mutated_sources_never_raise() -> None:
    rng = random.Random(20240601)
    count = 0
    for path, text in sources():
        for variant in mutations(text, rng):
            check(variant, path)
            count += 1
    assert count > 0


def test_random_token_soup_never_raises() -> None:
    rng = random.Random(7)
    words = [*NASTY, "var", "x", "=", "1", "a.b", "'s'", " ", "  ", "+", "-", "&&", "??", "type", "func", "output"]
    for _ in range(500):
        text = "".join(rng.choice(words) for _ in range(rng.randrange(1, 60)))
        check(text, "soup.bicep")
        check(text, "soup.bicepparam")


def test_every_prefix_of_a_fixture_parses_without_raising() -> None:
    text = (FIXTURES / "dr_sample.bicep").read_text(encoding="utf-8")
    for end in range(0, len(text) + 1, 3):
        check(text[:end], "prefix.bicep")
