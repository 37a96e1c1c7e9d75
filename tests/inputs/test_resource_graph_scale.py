"""Large Resource Graph exports: rows decoded lazily and only for types a rule selects, positions of every
finding found in one pass, and a size limit that says how to raise it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.config import Config
from linter.engine import types_read
from linter.inputs import InputFile, LoadContext, jsondoc
from linter.inputs.jsondoc import JsonError, LazyRows, parse_json, read_json
from linter.inputs.resource_graph import FRONT_END
from linter.model import Estate
from linter.results import Outcome
from linter.rules import builtin_pack_dir, load_rules
from linter.scan import ScanOptions, run_scan
from tests.inputs.test_resource_graph import HUB, REPLICA, SHAPES

SUB = "/subscriptions/s/resourceGroups/rg/providers"
VM_TYPE = "microsoft.compute/virtualmachines"


def storage(index: int, sku: str) -> dict:
    return {"id": f"{SUB}/Microsoft.Storage/storageAccounts/st{index}", "name": f"st{index}",
            "type": "microsoft.storage/storageaccounts", "kind": "StorageV2", "location": "eastus2",
            "sku": {"name": sku, "tier": "Standard"}, "properties": {"minimumTlsVersion": "TLS1_2"}, "tags": {}}


def machine(index: int) -> dict:
    return {"id": f"{SUB}/Microsoft.Compute/virtualMachines/vm{index}", "name": f"vm{index}", "type": VM_TYPE,
            "location": "eastus2", "properties": {"hardwareProfile": {"vmSize": "Standard_D2s_v5"}}, "tags": {}}


def export(count: int) -> list[dict]:
    """Storage accounts (every third one failing DR202) between virtual machines (which no rule reads)."""
    return [storage(i, "Standard_LRS" if i % 3 == 0 else "Standard_GZRS") if i % 2 else machine(i)
            for i in range(count)]


def load(document, ctx: LoadContext, name: str = "export.json"):
    return FRONT_END.load([InputFile(Path(name), name, "resource-graph", document)], ctx)


@pytest.mark.parametrize("shape", SHAPES)
def test_lazy_rows_load_the_same_resources_at_the_same_places(tmp_path, shape):
    text = json.dumps(SHAPES[shape], indent=2)
    whole, lazy = parse_json(text, "x.json"), parse_json(text, "x.json", lazy_rows_above=0)
    for document in (whole, lazy):
        assert FRONT_END.classify(Path("x.json"), document) == "resource-graph"
    assert any(isinstance(v, LazyRows) for v in _values(lazy.data))
    ctx = LoadContext(tmp_path)
    expected, got = load(whole, ctx).resources, load(lazy, ctx).resources
    assert [r.id for r in got] == [r.id for r in expected]
    for a, b in zip(got, expected, strict=True):
        assert a.fields() == b.fields()
        assert a.position == b.position
        assert a.locate(("properties", "storageaccount")) == b.locate(("properties", "storageaccount"))


def _values(data):
    yield data
    if isinstance(data, dict):
        for value in data.values():
            yield from _values(value)


def test_rows_of_types_no_rule_selects_are_left_unread_but_found_by_id(tmp_path):
    document = parse_json(json.dumps({"data": [HUB, REPLICA]}, indent=1), "x.json", lazy_rows_above=0)
    loaded = load(document, LoadContext(tmp_path, types_read=frozenset({HUB["type"]})))
    assert [r.type_key for r in loaded.resources] == [HUB["type"]]
    estate = Estate(loaded.resources, loaded.unread)
    assert estate.input_count == 2
    replica = estate.get(REPLICA["id"].upper())
    assert replica is not None and replica.type_key == REPLICA["type"] and replica.position.line > 1
    assert replica.origin is loaded.origins[0]
    # whatever asks for a type by name gets all of it, unread rows included
    assert estate.of_type(REPLICA["type"]) == [replica]


def test_the_builtin_pack_reads_the_types_it_selects():
    rules, _ = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    read = types_read(rules)
    for rule in rules:
        assert {t.lower() for t in rule.select.types} <= read
    assert "microsoft.machinelearningservices/workspaces/connections" in read  # an aggregate's selection
    assert VM_TYPE not in read


def test_one_row_nested_too_deeply_is_reported_and_the_others_load(tmp_path):
    deep: dict = {}
    cursor = deep
    for _ in range(jsondoc.MAX_DEPTH + 5):
        cursor["x"] = {}
        cursor = cursor["x"]
    bad = {**HUB, "id": HUB["id"] + "2", "properties": deep}
    document = parse_json(json.dumps([HUB, bad, REPLICA]), "x.json", lazy_rows_above=0)
    loaded = load(document, LoadContext(tmp_path))
    assert [r.id for r in loaded.resources] == [HUB["id"], REPLICA["id"]]
    assert len(loaded.diagnostics) == 1 and loaded.diagnostics[0].severity == "error"


def test_positions_of_every_row_cost_one_pass_in_any_order(monkeypatch):
    rows = export(400)
    text = json.dumps({"count": len(rows), "data": rows}, indent=2)
    steps = {"count": 0}
    advance = jsondoc._Members.advance

    def counting(self, text):
        steps["count"] += 1
        return advance(self, text)

    class CountingPattern:  # a member found inside an object is one step
        def __init__(self, pattern):
            self.pattern = pattern

        def match(self, text, pos):
            found = self.pattern.match(text, pos)
            steps["count"] += found is not None
            return found

    monkeypatch.setattr(jsondoc._Members, "advance", counting)
    for name in ("_MEMBER", "_STRING_THEN_MEMBER", "_SCALAR_THEN_MEMBER", "_NEXT_MEMBER"):
        monkeypatch.setattr(jsondoc, name, CountingPattern(getattr(jsondoc, name)))
    document = parse_json(text, "x.json", lazy_rows_above=0)
    lines = text.splitlines()
    for index in reversed(range(len(rows))):
        name = document.position(("data", index, "name"))
        assert lines[name.line - 1].strip() == f'"name": "{rows[index]["name"]}",'
        assert document.position(("data", index)).line == name.line - 2
    # Every row's members are stepped through once, at most: no re-scan from the start for each finding.
    members = sum(len(row) for row in rows)
    assert steps["count"] <= members + 2 * len(rows)


def test_a_scan_finds_the_same_findings_lazily_and_whole(tmp_path, monkeypatch):
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"count": 600, "data": export(600)}, indent=2))

    def findings():
        report = run_scan(ScanOptions([path]), Config())
        return [(r.rule.id, r.resource.id, r.position) for r in report.results if r.outcome is Outcome.FAIL], report

    monkeypatch.setattr(jsondoc, "LAZY_ROWS_ABOVE", 0)
    lazy, report = findings()
    assert report.resource_count == 600 and len(lazy) == 100
    monkeypatch.setattr(jsondoc, "LAZY_ROWS_ABOVE", 10**12)
    monkeypatch.setattr("linter.scan.types_read", lambda rules: None)
    whole, report = findings()
    assert whole == lazy and report.resource_count == 600


def test_the_size_limit_is_generous_and_says_how_to_raise_it(tmp_path, monkeypatch):
    assert jsondoc.max_json_bytes() >= 512 * 1024 * 1024  # a 200,000-row export is ~200 MB
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export(40)))
    monkeypatch.setenv(jsondoc.MAX_BYTES_VARIABLE, "0.001")
    with pytest.raises(JsonError) as info:
        read_json(path, "export.json")
    assert jsondoc.MAX_BYTES_VARIABLE in str(info.value)
    monkeypatch.setenv(jsondoc.MAX_BYTES_VARIABLE, "1")
    assert len(read_json(path, "export.json").data) == 40
    monkeypatch.setenv(jsondoc.MAX_BYTES_VARIABLE, "not a number")
    assert jsondoc.max_json_bytes() == jsondoc.MAX_JSON_BYTES


def test_only_the_scan_of_exports_gets_lazy_rows(tmp_path, monkeypatch):
    """Templates, parameter files and `loadJsonContent` files are read as plain JSON, however large."""
    monkeypatch.setattr(jsondoc, "LAZY_ROWS_ABOVE", 0)
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(export(10)))
    assert type(parse_json(path.read_text(), "rows.json").data) is list
    assert type(read_json(path, "rows.json").data) is list
    assert isinstance(read_json(path, "rows.json", lazy_rows=True).data, LazyRows)
