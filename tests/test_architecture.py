"""The package's structure: no import cycles, one declaration per vocabulary, front ends that describe
themselves. `python scripts/import_graph.py` prints the graph these tests read."""

from __future__ import annotations

import json

import pytest

from linter import PACKAGE_DIR
from linter.inputs import RESOURCE, SOURCE_LINE
from linter.inputs.registry import FRONT_END_MODULES, front_ends
from linter.report import FORMAT_NAMES, OUTPUT_FORMATS, writer
from linter.vocabulary import POSTURES, SEVERITIES
from scripts.import_graph import build_graph, cycles
from tests.conftest import REPO


def test_the_package_has_no_import_cycle():
    graph = build_graph(REPO)
    assert "linter.scan" in graph and "linter.inputs.arm.template" in graph  # the graph is the real one
    assert cycles(graph) == []


def test_the_cycle_finder_finds_cycles_also_through_imports_inside_functions(tmp_path):
    package = tmp_path / "linter"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from linter.b import x\n")
    (package / "b.py").write_text("def f():\n    from linter import c\n")
    (package / "c.py").write_text("import linter.a\n")
    (package / "d.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from linter import a\n")
    graph = build_graph(tmp_path)
    assert cycles(graph) == [["linter.a", "linter.b", "linter.c"]]
    assert graph["linter.d"] == set()  # a type-only import never runs


def test_leaf_modules_import_nothing_above_them():
    graph = build_graph(REPO)
    assert graph["linter.vocabulary"] == set()
    assert graph["linter.records"] == set()  # the value-class foundation every layer may use
    assert graph["linter.diagnostics"] == {"linter.model", "linter.records"}
    assert "linter.scan" not in graph["linter.report.sarif"]
    assert "linter.engine" not in graph["linter.config"]
    assert "linter.results" not in graph["linter.rules"]


def test_every_front_end_describes_itself():
    readers = front_ends()
    assert [r.__module__ for r in readers] == list(FRONT_END_MODULES)  # each is declared where it is registered
    assert len({r.name for r in readers}) == len(readers)
    for reader in readers:
        assert reader.title and reader.category and reader.suffixes
        assert all(s.startswith(".") and s == s.lower() for s in reader.suffixes)
        assert reader.fingerprint in (SOURCE_LINE, RESOURCE)
        assert all(h == h.lower() for h in reader.hints)


def test_output_formats_are_declared_once_and_each_has_a_writer():
    assert tuple(f.name for f in OUTPUT_FORMATS) == FORMAT_NAMES
    for name in FORMAT_NAMES:
        assert callable(writer(name))
    with pytest.raises(ValueError):
        writer("yaml")


def test_the_rule_schema_agrees_with_the_vocabulary():
    schema = json.loads((PACKAGE_DIR / "schema" / "rule.schema.json").read_text(encoding="utf-8"))
    properties = schema["properties"]
    assert tuple(properties["severity"]["enum"]) == SEVERITIES
    assert tuple(properties["postures"]["items"]["enum"]) == POSTURES
