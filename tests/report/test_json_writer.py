"""The JSON report is the text `json.dump(report_dict(report), indent=2)` gives, byte for byte, though it is
written by its own indenting writer (json's is pure Python) and each result's data is made as it is written."""

from __future__ import annotations

import enum
import io
import json
import math

import pytest

from linter.config import Config
from linter.report.json import _Indented, report_dict, write
from linter.report.writing import WriteOptions
from linter.scan import ScanOptions, run_scan
from tests.conftest import FIXTURES

CASES = [FIXTURES / "demo" / form for form in ("bicep", "arm", "resource-graph")] + [FIXTURES / "adoption"]


def indented(value) -> str:
    out = io.StringIO()
    writer = _Indented(out)
    writer.value(value, 0)
    writer.flush()
    return out.getvalue()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_report_is_what_json_dump_writes(case):
    report = run_scan(ScanOptions([case]), Config())
    assert any(r.related for r in report.results) or case.name == "adoption"
    out = io.StringIO()
    write(report, out, WriteOptions())
    assert out.getvalue() == json.dumps(report_dict(report), indent=2) + "\n"


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    pass


class Bag(dict):
    pass


EDGES = [
    "plain", "é ü \u2028 \U0001f600", "quote \" backslash \\ tab \t nul \0 del \x7f", "", Name("sub"),
    0, -7, 10**30, True, False, None, Level.HIGH, 1.5, -0.0, 1e300, 1e-7, math.inf, -math.inf,
    [], {}, (), [[]], [{}], {"a": []}, {"a": {}}, (1, "two", (3,)), Bag(x=1), [Bag()],
    {"nested": {"list": [1, {"deep": [None, True, "x"]}], "tuple": ("a",)}},
    {7: "int key", 2.5: "float key", True: "bool key", False: "false key", None: "null key", Name("k"): "sub key"},
]


@pytest.mark.parametrize("value", EDGES, ids=[repr(v)[:30] for v in EDGES])
def test_every_kind_of_json_value_is_written_as_json_writes_it(value):
    assert indented(value) == json.dumps(value, indent=2)
    assert indented({"wrapped": [value, {"again": value}]}) == json.dumps({"wrapped": [value, {"again": value}]},
                                                                          indent=2)


def test_not_a_number_is_written_as_json_writes_it():
    assert indented([math.nan, {"n": math.nan}]) == json.dumps([math.nan, {"n": math.nan}], indent=2)


def test_what_json_cannot_hold_is_refused_as_json_refuses_it():
    for bad in ({"a": object()}, [{1, 2}], {(1, 2): "tuple key"}):
        with pytest.raises(TypeError):
            json.dumps(bad, indent=2)
        with pytest.raises(TypeError):
            indented(bad)
