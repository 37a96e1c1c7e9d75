"""The parsed-pack cache: used when it holds this pack, ignored when it is stale, corrupt or not ours, and a
scan's results are the same with it, without it and while it is being filled."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
from pathlib import Path

import pytest

import linter.rules as rules_module
from linter import packcache
from linter.rules import RuleLoadError, builtin_pack_dir, load_builtin_pack, load_rules
from tests.conftest import FIXTURES


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(packcache.NO_CACHE_VARIABLE, raising=False)
    return tmp_path / "xdg" / "drlint"


def parsed_rules():
    rules, problems = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    assert not problems
    return rules


def forbid_parsing(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the YAML was parsed although the cache holds the pack")

    monkeypatch.setattr(rules_module, "parse_rule_text", fail)


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("pack-*.json"))


def test_first_run_fills_the_cache_and_the_next_uses_it(cache, monkeypatch):
    first, problems = load_builtin_pack()
    assert not problems and first == parsed_rules()
    assert len(entries(cache)) == 1
    assert oct((cache / "key").stat().st_mode & 0o777) == "0o600"
    forbid_parsing(monkeypatch)
    second, problems = load_builtin_pack()
    assert not problems and second == first  # compiled rules compare field by field, positions included


def test_a_changed_rule_file_is_a_different_entry(cache, tmp_path, monkeypatch):
    pack = tmp_path / "pack"
    shutil.copytree(builtin_pack_dir(), pack)
    monkeypatch.setattr(rules_module, "builtin_pack_dir", lambda: pack)
    before, _ = load_builtin_pack()
    target = next(pack.rglob("DR202*.yaml"))
    target.write_text(target.read_text().replace("severity: warning", "severity: error"))
    after, _ = load_builtin_pack()
    assert len(entries(cache)) == 2
    changed = {r.id: r.severity for r in after}
    assert changed["DR202"] == "error" and {r.id: r.severity for r in before}["DR202"] == "warning"


@pytest.mark.parametrize("damage", ["garbage", "truncated", "forged", "other-key", "group-writable", "symlink"])
def test_a_damaged_or_foreign_entry_is_ignored_and_replaced(cache, tmp_path, damage):
    expected, _ = load_builtin_pack()
    [entry] = entries(cache)
    raw = entry.read_bytes()
    if damage == "garbage":
        entry.write_bytes(b"\x00\xff not json")
    elif damage == "truncated":
        entry.write_bytes(raw[: len(raw) // 2])
    elif damage == "forged":  # a changed payload under the old signature
        entry.write_bytes(raw.replace(b'"severity":"warning"', b'"severity":"note"'))
    elif damage == "other-key":  # signed, but with someone else's key
        (cache / "key").write_bytes(os.urandom(32))
    elif damage == "group-writable":
        entry.chmod(0o664)
    else:
        elsewhere = tmp_path / "elsewhere.json"
        elsewhere.write_bytes(raw)
        entry.unlink()
        entry.symlink_to(elsewhere)
    rules, problems = load_builtin_pack()
    assert not problems and rules == expected
    assert all(r.severity == e.severity for r, e in zip(rules, expected, strict=True))


def test_a_signed_entry_that_does_not_compile_is_not_used(cache):
    expected, _ = load_builtin_pack()
    [entry] = entries(cache)
    secret = (cache / "key").read_bytes()
    payload = json.loads(entry.read_bytes()[65:])
    payload["documents"][0]["data"]["condition"] = {"bogus": 1}  # signed with our key, yet not a condition
    body = json.dumps(payload, separators=(",", ":")).encode()
    entry.write_bytes(hmac.new(secret, body, hashlib.sha256).hexdigest().encode() + b"\n" + body)
    rules, problems = load_builtin_pack()
    assert not problems and rules == expected


def test_the_signature_is_hmac_sha256():
    for secret in (b"k" * 32, b"k" * 100, b""):
        for payload in (b"", b"{}", os.urandom(300)):
            expected = hmac.new(secret, payload, hashlib.sha256).hexdigest().encode()
            assert packcache.signature_of(secret, payload) == expected


def test_no_cache_when_turned_off(cache, monkeypatch):
    monkeypatch.setenv(packcache.NO_CACHE_VARIABLE, "1")
    rules, problems = load_builtin_pack()
    assert not problems and rules == parsed_rules()
    assert not cache.exists()


def test_an_unwritable_cache_costs_speed_not_results(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    rules, problems = load_builtin_pack()
    assert not problems and rules == parsed_rules()


def test_compile_errors_of_cached_documents_are_the_compilers(cache):
    load_builtin_pack()
    [entry] = entries(cache)
    documents = packcache.load(cache, json.loads(entry.read_bytes()[65:])["key"])
    assert documents is not None and len(documents) == len(parsed_rules())
    document = documents[0]
    document.data = {**document.data, "severity": "fatal"}
    with pytest.raises(RuleLoadError):
        rules_module.compile_rule(document, builtin=True)


def test_scan_results_are_the_same_cold_and_warm(cache, tmp_path):
    from tests.conftest import drlint_process

    reports = []
    for _ in range(2):
        out = tmp_path / "report.json"
        run = drlint_process("scan", FIXTURES / "demo", "--no-config", "--format", "json", "-o", out)
        assert run.returncode in (0, 1), run.stderr
        report = json.loads(out.read_text())
        report.pop("run", None) if isinstance(report, dict) else None
        reports.append(report)
    assert entries(cache)
    cold, warm = reports
    assert cold.get("results") == warm.get("results") and cold.get("rules") == warm.get("rules")


def test_cached_positions_are_the_parsed_ones(tmp_path, monkeypatch):
    # The cache keeps positions as encoded paths and makes a Position only when one is asked for: every
    # position of every cached document is the one the YAML parse gave.
    from linter.rules import _display, builtin_pack_dir, parse_rule_file, rule_files

    files = rule_files(builtin_pack_dir())
    parsed = [parse_rule_file(f, _display(f, None)) for f in files]
    packcache.store(tmp_path, "k" * 64, parsed)
    cached = packcache.load(tmp_path, "k" * 64)
    assert cached is not None and len(cached) == len(parsed)
    for fresh, restored in zip(parsed, cached, strict=True):
        assert dict(restored.positions.items()) == fresh.positions
        assert restored.position(("id",)) == fresh.position(("id",))
        assert restored.position(("condition", "no such key")) == fresh.position(("condition", "no such key"))
