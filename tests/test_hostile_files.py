"""Hostile files among the inputs: only regular files are read, and nothing is passed over without a word."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from linter.inputs.jsondoc import JsonError, parse_json, read_json
from linter.scan import discover
from tests.conftest import FIXTURES, drlint_process

GOOD = FIXTURES / "rules" / "DR201" / "rg-fail" / "resources.json"


def scan(*args, cwd=None):
    run = drlint_process("scan", *args, "--format", "json", "--select", "DR201", cwd=cwd, timeout=60)
    assert "Traceback" not in run.stderr, run.stderr
    return json.loads(run.stdout), run.returncode


def errors_by_file(data):
    return {d["file"].rsplit("/", 1)[-1] for d in data["diagnostics"] if d["severity"] == "error"}


def test_a_fifo_in_a_folder_is_reported_not_read_and_the_rest_is_checked(tmp_path):
    shutil.copy(GOOD, tmp_path / "good.json")
    os.mkfifo(tmp_path / "pipe.json")
    os.mkfifo(tmp_path / "pipe.bicep")
    data, code = scan(tmp_path)
    assert code == 2
    assert {"pipe.json", "pipe.bicep"} <= errors_by_file(data)
    assert any(r["rule"] == "DR201" and r["outcome"] == "fail" for r in data["results"])


def test_a_character_device_in_a_folder_is_reported_not_read(tmp_path):
    """A `/dev/zero` twin named like a template: a plain read would never end."""
    import stat

    try:
        os.mknod(tmp_path / "zero.json", stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except (PermissionError, AttributeError, OSError):
        pytest.skip("cannot make a device node here")
    shutil.copy(GOOD, tmp_path / "good.json")
    data, code = scan(tmp_path)
    assert code == 2 and errors_by_file(data) == {"zero.json"}
    assert any(r["rule"] == "DR201" and r["outcome"] == "fail" for r in data["results"])


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_named_explicitly_is_a_located_error(tmp_path, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    shutil.copy(GOOD, tmp_path / "good.json")
    data, code = scan(device, tmp_path / "good.json", cwd=tmp_path)
    assert code == 2
    errors = [d["file"] for d in data["diagnostics"] if d["severity"] == "error"]
    assert len(errors) == 1 and errors[0].endswith(device.lstrip("/"))
    assert not any(d["file"].startswith("/") for d in data["diagnostics"])
    assert any(r["outcome"] == "fail" for r in data["results"])


def test_a_fifo_named_explicitly_is_a_located_error(tmp_path):
    os.mkfifo(tmp_path / "pipe.json")
    data, code = scan(tmp_path / "pipe.json", cwd=tmp_path)
    assert code == 2 and errors_by_file(data) == {"pipe.json"}


def test_reading_refuses_what_is_not_a_regular_file(tmp_path):
    os.mkfifo(tmp_path / "pipe.json")
    with pytest.raises(JsonError):
        read_json(tmp_path / "pipe.json", "pipe.json")
    with pytest.raises(JsonError):
        read_json(tmp_path, "folder")


def test_an_unreadable_folder_is_reported(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    shutil.copy(GOOD, tmp_path / "good.json")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found, diagnostics = discover([tmp_path], tmp_path, [])
    assert [p.name for p, _ in found] == ["good.json"]
    assert len(diagnostics) == 1 and diagnostics[0].position.file.endswith("locked")


@pytest.mark.parametrize(("bom", "encoding"), [
    (b"", "utf-16"), (b"\xfe\xff", "utf-16-be"), (b"", "utf-32"), (b"", "utf-8-sig")])
def test_an_export_with_a_byte_order_mark_is_read(tmp_path, bom, encoding):
    """`az graph query ... > estate.json` in Windows PowerShell writes UTF-16 with a BOM."""
    text = GOOD.read_text()
    (tmp_path / "estate.json").write_bytes(bom + text.encode(encoding))
    data, code = scan(tmp_path)
    assert code == 1 and not data["diagnostics"]
    assert any(r["rule"] == "DR201" and r["outcome"] == "fail" for r in data["results"])


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_in_a_folder_is_reported(tmp_path, encoding):
    (tmp_path / "estate.json").write_bytes(GOOD.read_text().encode(encoding))
    data, code = scan(tmp_path)
    assert code == 2 and errors_by_file(data) == {"estate.json"}


@pytest.mark.parametrize("text", [
    '{"count": 1, "data": [{"id": "/subscriptions/x", "n": ' + "9" * 5000 + "}]}",
    '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n'
    ' "resources": [], "variables": {"v": ' + "1" * 4400 + "}}",
])
def test_an_integer_over_pythons_digit_limit_is_a_located_error(tmp_path, text):
    (tmp_path / "big.json").write_text(text)
    shutil.copy(GOOD, tmp_path / "good.json")
    data, code = scan(tmp_path)
    assert code == 2 and errors_by_file(data) == {"big.json"}
    assert any(r["outcome"] == "fail" for r in data["results"])


def test_the_digit_limit_error_points_at_the_number():
    with pytest.raises(JsonError) as caught:
        parse_json('{\n  "a": [1,\n     ' + "9" * 4400 + "]}", "big.json")
    assert (caught.value.position.line, caught.value.position.column) == (3, 6)


BICEP = """resource s 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: 'st{name}'
  location: 'eastus'
  tags: {
    data: loadJsonContent('data.json')
  }
}
"""


def test_invalid_utf8_in_a_bicep_file_is_a_located_error_and_the_file_is_still_checked(tmp_path):
    (tmp_path / "data.json").write_text('{"a": 1}')
    (tmp_path / "main.bicep").write_bytes(BICEP.replace("{name}", "ok\xff").encode("latin-1"))
    data, code = scan(tmp_path / "main.bicep")
    assert code == 2
    [problem] = [d for d in data["diagnostics"] if d["severity"] == "error"]
    assert (problem["file"], problem["line"], problem["column"]) == ("main.bicep", 2, 14)


@pytest.mark.parametrize("content", ['{"n": ' + "9" * 5000 + "}", "{ not json", None])
def test_a_load_function_file_that_cannot_be_read_or_parsed_is_located(tmp_path, content):
    if content is None:
        os.mkfifo(tmp_path / "data.json")  # a FIFO would block a plain read forever
    else:
        (tmp_path / "data.json").write_text(content)
    (tmp_path / "main.bicep").write_text(BICEP.replace("{name}", "ok"))
    data, code = scan(tmp_path / "main.bicep")
    assert code == 2
    problems = [d for d in data["diagnostics"] if d["file"] == "main.bicep"]
    assert [(d["line"], d["column"]) for d in problems] == [(5, 11)]


@pytest.mark.parametrize("text", ["/* " * 300_000, '"' + '\\"' * 300_000])
def test_unterminated_comments_and_strings_cost_one_pass(tmp_path, text):
    """Each unterminated `/*` (or quote) used to rescan to the end of the file: a megabyte took most of an
    hour. Now the first one runs to the end, so the file costs one pass (the process's timeout only guards
    against a regression hanging the suite)."""
    (tmp_path / "deploymentTemplate.json").write_text('{"$schema": "deploymentTemplate", ' + text)
    shutil.copy(GOOD, tmp_path / "good.json")
    data, code = scan(tmp_path)
    assert code == 2 and errors_by_file(data) == {"deploymentTemplate.json"}
