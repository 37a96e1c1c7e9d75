"""Every Bicep file of the shared corpus is evaluated, as one scan of the folder would, without a crash."""

from __future__ import annotations

import pytest

from linter.inputs import InputFile, LoadContext
from linter.inputs.bicep import FRONT_END
from tests.conftest import SHARED

CORPUS = SHARED / "corpus"


def test_the_whole_corpus_evaluates_without_crashes():
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} not available")
    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".bicep", ".bicepparam") and p.is_file())
    assert len(files) > 2000
    ctx = LoadContext(root=CORPUS)
    loaded = FRONT_END.load([InputFile(p, ctx.display(p), FRONT_END.classify(p, None), None) for p in files], ctx)
    crashes = [str(d) for d in loaded.diagnostics if d.code == "internal-error"]
    assert crashes == []
    assert not [d for d in loaded.diagnostics if "internal" in d.message]
    assert len(loaded.resources) > 5000
    assert all(r.position.file.endswith(".bicep") and r.position.line >= 1 for r in loaded.resources)
