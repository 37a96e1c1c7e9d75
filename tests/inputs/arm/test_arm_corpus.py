"""Every `main.json` of the AVM corpus loads and evaluates without an exception (diagnostics are fine)."""

from __future__ import annotations

import pytest

from linter.inputs import InputFile, LoadContext
from linter.inputs.arm import FRONT_END
from linter.inputs.jsondoc import read_json
from tests.conftest import SHARED

CORPUS = SHARED / "corpus" / "avm"


def test_corpus_evaluates_without_crashes():
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} not available")
    files = sorted(CORPUS.rglob("main.json"))
    assert len(files) >= 500
    crashes = []
    resources = 0
    for path in files:
        ctx = LoadContext(root=CORPUS)
        display = ctx.display(path)
        try:
            loaded = FRONT_END.load([InputFile(path, display, "arm-template", read_json(path, display))], ctx)
        except Exception as exc:  # the assertion below lists them
            crashes.append(f"{display}: {type(exc).__name__}: {exc}")
            continue
        crashes.extend(f"{display}: {d.message}" for d in loaded.diagnostics if d.code == "internal-error")
        resources += len(loaded.resources)
    assert crashes == []
    assert resources > 1000
