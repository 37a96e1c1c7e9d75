"""Bad input never produces a traceback: each problem is a located diagnostic and the rest is still checked."""

from __future__ import annotations

import json
import os
import shutil

from tests.conftest import FIXTURES, drlint_process


def scan(*args):
    run = drlint_process("scan", *args, "--format", "json")
    assert "Traceback" not in run.stderr, run.stderr
    return json.loads(run.stdout), run.returncode


def test_hostile_files_are_diagnostics_and_good_files_still_checked(tmp_path):
    shutil.copy(FIXTURES / "rules" / "DR201" / "rg-fail" / "resources.json", tmp_path / "good.json")
    (tmp_path / "deep.json").write_text("[" * 200_000 + "]" * 200_000)
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00 /subscriptions/")
    (tmp_path / "rows.json").write_text(json.dumps([
        {"id": 5, "type": "x"},
        {"id": "/subscriptions/a/resourceGroups/b/providers/Microsoft.Storage/storageAccounts/s",
         "type": "Microsoft.Storage/storageAccounts", "sku": "not-an-object", "properties": [1], "tags": "x",
         "location": 7},
        None,
    ]))
    (tmp_path / "truncated.json").write_text('{"count": 1, "data": [{"id": "/subscriptions/x", "type": "a/b"')
    os.symlink("/etc/hostname", tmp_path / "outside.json")
    data, code = scan(tmp_path, tmp_path / "deep.json")
    assert code == 2
    problems = {d["file"].rsplit("/", 1)[-1] for d in data["diagnostics"] if d["severity"] == "error"}
    assert {"deep.json", "binary.json", "rows.json", "truncated.json"} <= problems
    assert all(d["line"] and d["line"] >= 1 for d in data["diagnostics"])
    assert any(r["rule"] == "DR201" and r["outcome"] == "fail" for r in data["results"])
    assert "outside.json" not in {f.rsplit("/", 1)[-1] for f in data["summary"]["files"]}


def test_unrelated_broken_json_in_a_tree_is_not_our_business(tmp_path):
    shutil.copy(FIXTURES / "rules" / "DR201" / "rg-pass" / "resources.json", tmp_path / "good.json")
    (tmp_path / "package.json").write_text("{ not json")
    data, code = scan(tmp_path, "--select", "DR201")
    assert code == 0 and not data["diagnostics"]
