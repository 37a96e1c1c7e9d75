"""What inputs put into human output never acts on the terminal; output that cannot be written is exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from linter.report.escape import escape, escape_block
from tests.conftest import FIXTURES, REPO, drlint_process

GOOD = FIXTURES / "rules" / "DR201" / "rg-fail" / "resources.json"
FORGED = "s\u001b[2J\u001b]0;owned\u0007\nx.json:1:1: error DR999 fake\u202etxt.exe"
UNSAFE = ["\x1b", "\x07", "\x00", "\x9b", "\u202e", "\u2066", "\u2028"]


def hostile_estate(tmp_path, name: str, file_name: str = "estate.json"):
    data = json.loads(GOOD.read_text())
    for row in data["data"]:
        if row["name"] == "sthubcus":
            row["name"] = name
            row["id"] = row["id"].rsplit("/", 1)[0] + "/" + name
        if "storageAccount" in row.get("properties", {}):
            row["properties"]["storageAccount"] = row["properties"]["storageAccount"].rsplit("/", 1)[0] + "/" + name
    path = tmp_path / file_name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run_bytes(*args, cwd):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "linter.cli", *map(str, args)], capture_output=True, cwd=cwd,
                          timeout=60, env=env)


def test_names_cannot_clear_the_screen_or_forge_a_finding(tmp_path):
    hostile_estate(tmp_path, FORGED)
    run = run_bytes("scan", ".", "--select", "DR201", "--show-unknown", cwd=tmp_path)
    out = run.stdout.decode("utf-8")
    assert run.returncode == 1 and "DR201" in out and "owned" in out
    assert not any(ch in out for ch in UNSAFE)
    assert not any(line.startswith("x.json:1:1") for line in out.splitlines())


def test_file_names_in_diagnostics_are_escaped(tmp_path):
    (tmp_path / "bad\u001b]0;x\u0007.json").write_text('{"resources": [')
    run = run_bytes("scan", ".", cwd=tmp_path)
    text = run.stdout.decode("utf-8") + run.stderr.decode("utf-8")
    assert run.returncode == 2 and "bad\\x1b]0;x\\x07.json" in text
    assert "\x1b" not in text and "\x07" not in text


@pytest.mark.parametrize("name", ["bad\ud800name", "bad\udc80name"])
def test_lone_surrogates_are_escaped_not_crashed_on_nor_written_raw(tmp_path, name):
    path = tmp_path / "estate.json"
    hostile_estate(tmp_path, "PLACEHOLDER")
    path.write_text(path.read_text().replace("PLACEHOLDER", json.dumps(name)[1:-1]))
    for fmt in ("text", "json", "sarif"):
        run = run_bytes("scan", ".", "--select", "DR201", "--format", fmt, cwd=tmp_path)
        assert run.returncode == 1 and b"Traceback" not in run.stderr, (fmt, run.stderr)
        out = run.stdout.decode("utf-8")  # strict: no raw surrogate byte got through
        assert json.dumps(name)[1:-1].lower() in out.lower() or (fmt == "text" and name[3:4] not in out)


def test_rules_list_show_and_validate_escape_rule_text(tmp_path):
    rule = tmp_path / "rule.yaml"
    rule.write_text(
        "id: ACME001\nname: acme-storage\ntitle: \"Storage \\e[2J\\u202e ok\"\nseverity: warning\n"
        "select: {type: Microsoft.Storage/storageAccounts}\ncondition: {field: sku.name, in: [x]}\n"
        "message: m\ndocs: {what: \"w \\e]0;t\\a\", why: y, fix: f}\n")
    for args in (["rules", "list", "--rules", rule], ["rules", "show", "ACME001", "--rules", rule]):
        run = run_bytes(*args, cwd=tmp_path)
        out = run.stdout.decode("utf-8")
        assert run.returncode == 0 and "ACME001" in out
        assert not any(ch in out for ch in UNSAFE)
    rule.write_text(rule.read_text().replace("severity: warning", "severity: \"bad\\e[31m\""))
    run = run_bytes("rules", "validate", rule, cwd=tmp_path)
    assert run.returncode == 2 and b"\x1b" not in run.stderr and b"severity" in run.stderr


def test_escaping_keeps_ordinary_text_and_shows_what_it_replaced():
    assert escape("hub-eus2 (eastus2) — ünïcode 名前") == "hub-eus2 (eastus2) — ünïcode 名前"
    assert escape("a\nb\x1b\u202e\ud800") == "a\\x0ab\\x1b\\u202e\\ud800"
    assert escape_block("line one\nline\ttwo\x07") == "line one\nline\ttwo\\x07"


def test_a_closed_standard_output_is_exit_2_with_a_message(tmp_path):
    hostile_estate(tmp_path, "sthubcus")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run(f"'{sys.executable}' -m linter.cli scan . >&-", shell=True, capture_output=True,
                         cwd=tmp_path, timeout=60, env=env, text=True)
    assert run.returncode == 2 and "Traceback" not in run.stderr and "standard output" in run.stderr


def test_a_closed_standard_output_with_o_file_still_writes_the_report(tmp_path):
    hostile_estate(tmp_path, "sthubcus")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run(f"'{sys.executable}' -m linter.cli scan . --format json -o out.json >&-", shell=True,
                         capture_output=True, cwd=tmp_path, timeout=60, env=env, text=True)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert json.loads((tmp_path / "out.json").read_text())["results"]


def test_a_json_report_of_hostile_names_is_still_valid_json(tmp_path):
    hostile_estate(tmp_path, FORGED)
    run = drlint_process("scan", ".", "--format", "json", "--select", "DR201", cwd=tmp_path)
    data = json.loads(run.stdout)
    assert any(FORGED in r["message"] for r in data["results"])


def test_printable_text_holds_nothing_escape_would_change():
    # `escape` returns printable text as it is: that is only safe if every character it escapes is one
    # `str.isprintable` rejects. Checked over every code point.
    from linter.report.escape import _unsafe

    for keep_lines in (False, True):
        pattern = _unsafe(keep_lines)
        caught = [c for c in map(chr, range(0x110000)) if pattern.match(c)]
        assert caught and not any(c.isprintable() for c in caught)
    assert escape("\u202eevil\x1b[2J") == "\\u202eevil\\x1b[2J"


def test_a_reader_that_stops_reading_ends_the_report_quietly(tmp_path):
    # `drlint scan . | head`: the reader goes before the report is written (`true` reads nothing). No
    # message, and the exit code is the run's own (1: the estate has failures), as with the report read.
    hostile_estate(tmp_path, "sthubcus")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for output_format in ("text", "sarif"):
        run = subprocess.run(f"set -o pipefail; '{sys.executable}' -m linter scan . --format {output_format} | true",
                             shell=True, executable="/bin/bash", capture_output=True, cwd=tmp_path, timeout=120,
                             env=env, text=True)
        assert run.returncode == 1, run.stderr
        assert run.stderr == ""
