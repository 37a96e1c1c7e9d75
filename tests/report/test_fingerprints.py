"""Fingerprints: GitHub's line hash for template findings, a (rule, resource id) hash for resource findings."""

from __future__ import annotations

import json
import shutil
import struct

import pytest

from linter.config import Config
from linter.model import Origin, Position
from linter.report.sarif import render
from linter.report.sarif.fingerprints import Fingerprints, line_hashes, resource_hash
from linter.results import Outcome, Result, RunReport
from linter.rules import builtin_pack_dir, load_rules
from linter.scan import ScanOptions, run_scan
from tests.conftest import FIXTURES
from tests.helpers import make

M = 2**64


def reference_hashes(text: str) -> dict[int, str]:
    """GitHub's definition, written as plainly as possible (no rolling): for each line, the base-37 polynomial
    of the 100 code units from its first non-blank character, over the stream without spaces and tabs, with
    CR LF / CR / LF as one LF, a 0xFFFF end marker and zeros after it; `:n` counts equal hashes so far."""
    raw = text.encode("utf-16-le", "surrogatepass")
    code_units = struct.unpack(f"<{len(raw) // 2}H", raw)
    stream: list[int] = []
    starts: list[int] = []
    previous_cr = False
    line_start = True
    for unit in (*code_units, 0xFFFF):
        if unit in (0x20, 0x09) or (previous_cr and unit == 0x0A):
            previous_cr = False
            continue
        previous_cr = unit == 0x0D
        unit = 0x0A if unit == 0x0D else unit
        if line_start:
            starts.append(len(stream))
            line_start = False
        line_start = unit == 0x0A
        stream.append(unit)
    stream += [0] * 100
    seen: dict[int, int] = {}
    hashes = {}
    for number, start in enumerate(starts, 1):
        value = sum(c * pow(37, 99 - k, M) for k, c in enumerate(stream[start:start + 100])) % M
        seen[value] = seen.get(value, 0) + 1
        hashes[number] = f"{value:x}:{seen[value]}"
    return hashes


# Known answers computed by hand from the definition (hash of the 100-unit window at each line start).
KNOWN = [
    ("", {1: f"{0xFFFF * pow(37, 99, M) % M:x}:1"}),
    ("", {1: "c129715d7a2bc9a3:1"}),
    ("x", {1: f"{(0x78 * pow(37, 99, M) + 0xFFFF * pow(37, 98, M)) % M:x}:1"}),
    ("x", {1: "638816509450efbf:1"}),
    # U+1F600 is two UTF-16 code units, as in JavaScript.
    ("😀", {1: f"{(0xD83D * pow(37, 99, M) + 0xDE00 * pow(37, 98, M) + 0xFFFF * pow(37, 97, M)) % M:x}:1"}),
    ("a\n\nb", {1: "67c066a59e652f5e:1", 2: "cc4c43d77869440f:1", 3: "8ee5a81e681643c1:1"}),
]

SAMPLES = [
    "",
    "\n",
    "a\r\nb\rc\nd",
    "a\r \nb",  # a space between CR and LF: two line ends
    "a\r\r\nb\n\r",
    "  \t indented\n\t\tmore\n",
    "same line\n" * 12,
    "x" * 250 + "\n" + "y" * 30 + "\n" + "z",
    '{\n  "resources": [\n    {\n      "type": "Microsoft.Storage/storageAccounts",\n'
    '      "sku": {"name": "Standard_LRS"}\n    }\n  ]\n}\n',
    "naïve résumé\n😀 emoji\n\ufeffbom-ish\n",
]


@pytest.mark.parametrize(("text", "expected"), KNOWN)
def test_known_answers(text, expected):
    assert line_hashes(text) == expected


@pytest.mark.parametrize("text", SAMPLES)
def test_rolling_hash_matches_the_definition(text):
    expected = reference_hashes(text)
    assert line_hashes(text) == expected
    assert len(expected) == len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    for line in expected:  # asking for one line (reading stops early) gives the same value
        assert line_hashes(text, [line]) == {line: expected[line]}


def test_identical_lines_are_numbered():
    hashes = line_hashes("same line\n" * 30)  # a window spans ~11 of these lines
    assert [hashes[i].rsplit(":", 1)[1] for i in range(1, 4)] == ["1", "2", "3"]
    assert len({hashes[i].split(":")[0] for i in range(1, 4)}) == 1


def test_hash_ignores_indentation_and_line_endings():
    assert line_hashes("a\n  b\n") == line_hashes("a\r\n\tb\r\n")


TEMPLATE = """{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [
    {
      "type": "Microsoft.Storage/storageAccounts",
      "name": "stprimary",
      "sku": {
        "name": "Standard_LRS"
      }
    }
  ]
}
"""


@pytest.fixture(scope="module")
def rule():
    rules, _ = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    return next(r for r in rules if r.id == "DR202")


def template_fingerprint(root, rule, line: int, kind: str = "arm") -> str:
    origin = Origin(kind, "infra/main.json")
    resource = make("Microsoft.Storage/storageAccounts", "stprimary", origin=origin, line=line)
    result = Result(rule, Outcome.FAIL, "warning", "uses Standard_LRS", resource, Position("infra/main.json", line, 9))
    report = RunReport([result], [], [rule], [], 1, 0.0, "hot-cold", "drlint/templates/", root=root)
    (found,) = json.loads(render(report, False)[0])["runs"][0]["results"]
    return found["partialFingerprints"]["primaryLocationLineHash"]


@pytest.mark.parametrize("kind", ["arm", "bicep"])
def test_template_fingerprint_is_githubs_and_follows_the_line(tmp_path, rule, kind):
    (tmp_path / "infra").mkdir()
    source = tmp_path / "infra" / "main.json"
    source.write_text(TEMPLATE)
    line = TEMPLATE.splitlines().index('        "name": "Standard_LRS"') + 1
    before = template_fingerprint(tmp_path, rule, line, kind)
    assert before == line_hashes(TEMPLATE)[line] == reference_hashes(TEMPLATE)[line]
    moved = "\n\n\n" + TEMPLATE.replace('        "name": "Standard_LRS"', '\t"name":  "Standard_LRS"')
    source.write_text(moved)
    assert template_fingerprint(tmp_path, rule, line + 3, kind) == before
    source.write_text(TEMPLATE.replace("Standard_LRS", "Standard_ZRS"))  # the line itself changed
    assert template_fingerprint(tmp_path, rule, line, kind) != before


def test_template_fingerprint_falls_back_when_the_file_is_gone(tmp_path, rule):
    value = template_fingerprint(tmp_path, rule, 8)
    resource_id = make("Microsoft.Storage/storageAccounts", "stprimary").id
    assert value == resource_hash("DR202", resource_id)


def test_resource_fingerprint_is_per_rule_and_resource_id():
    resource_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st"
    value = resource_hash("DR202", resource_id)
    assert value.endswith(":1") and int(value.split(":")[0], 16) < M
    assert resource_hash("DR202", resource_id.upper()) == value  # ids differ in case between sources
    assert resource_hash("DR201", resource_id) != value
    assert resource_hash("DR202", resource_id + "2") != value
    assert resource_hash("DR202", resource_id, 2) == value[:-1] + "2"


def fingerprints_of(folder) -> dict[tuple[str, str], str]:
    report = run_scan(ScanOptions([folder]), Config())
    results = json.loads(render(report, True)[0])["runs"][0]["results"]
    found = {}
    for result in results:
        key = (result["ruleId"], result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"])
        assert key not in found
        found[key] = result["partialFingerprints"]["primaryLocationLineHash"]
    return found


def test_resource_fingerprints_survive_a_reordered_reexport(tmp_path):
    original = fingerprints_of(FIXTURES / "demo" / "resource-graph")
    shutil.copytree(FIXTURES / "demo" / "resource-graph", tmp_path / "demo")
    estate = tmp_path / "demo" / "estate.json"
    data = json.loads(estate.read_text())
    rows = data["data"] if isinstance(data, dict) else data
    rows.reverse()
    estate.write_text("\n\n" + json.dumps(data, indent=4))
    assert fingerprints_of(tmp_path / "demo") == original
    assert len(original) >= 5


def test_repeated_resource_findings_are_numbered(tmp_path, rule):
    resource = make("Microsoft.Storage/storageAccounts", "st", origin=Origin("resource-graph", "a.json"))
    results = [Result(rule, Outcome.FAIL, "warning", "m", resource, Position("a.json", line, 1)) for line in (3, 9)]
    report = RunReport(results, [], [rule], [], 1, 0.0, "hot-cold", root=tmp_path)
    values = [r["partialFingerprints"]["primaryLocationLineHash"]
              for r in json.loads(render(report, False)[0])["runs"][0]["results"]]
    assert values == [resource_hash("DR202", resource.id, 1), resource_hash("DR202", resource.id, 2)]


def test_numbered_resource_fingerprints_are_the_resource_hash_of_each_occurrence(tmp_path):
    prints = Fingerprints(tmp_path)
    resource_id = "/subscriptions/S/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/KV"
    made = [prints.resource("dr302", resource_id) for _ in range(3)]
    assert made == [resource_hash("DR302", resource_id.lower(), n) for n in (1, 2, 3)]
    assert prints.resource("DR301", resource_id) == resource_hash("DR301", resource_id, 1)
