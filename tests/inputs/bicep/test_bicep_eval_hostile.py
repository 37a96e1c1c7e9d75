"""Hostile or broken Bicep never raises: cycles, huge loops, deep nesting, recursion become diagnostics or
Unknown values, and the rest of the estate is still evaluated."""

from __future__ import annotations

import time


def test_cycles_between_modules_and_imports(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {
        "a.bicep": "module b 'b.bicep' = { name: 'b' }\nimport { x } from 'b.bicep'\n"
                   "resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = { name: 'kv-a', location: 'eastus' }\n"
                   "@export()\nvar y = x\n",
        "b.bicep": "module a 'a.bicep' = { name: 'a' }\nimport { y } from 'a.bicep'\n@export()\nvar x = y\n",
    }, only=["a.bicep"])
    assert "kv-a" in bicep.by_name(loaded)
    assert "includes itself" in bicep.messages(loaded)


def test_self_references_and_recursion_are_unknown(tmp_path, bicep):
    assert "itself" in bicep.reason(bicep.value_of(tmp_path, "a", "var a = b\nvar b = a"))
    assert bicep.reason(bicep.value_of(tmp_path, "f(1)", "func f(n int) int => f(n + 1)"))


def test_huge_loops_are_bounded(tmp_path, bicep):
    started = time.perf_counter()
    loaded = bicep.load(tmp_path, {"main.bicep": """
        resource many 'Microsoft.KeyVault/vaults@2023-07-01' = [for i in range(0, 100000): {
          name: 'kv${i}'
          location: 'eastus'
        }]
        resource probe 'Microsoft.Test/probes@2020-01-01' = {
          name: 'probe'
          properties: { v: length([for i in range(0, 100000): i]) }
        }
        """})
    assert time.perf_counter() - started < 10
    names = bicep.by_name(loaded)
    assert "probe" in names
    assert len(loaded.resources) <= 2


def test_deep_nesting_and_binary_garbage(tmp_path, bicep):
    deep = "(" * 300 + "1" + ")" * 300
    (tmp_path / "bin.bicep").write_bytes(b"\x00\xff\xfe resource \x00 = {")
    main = f"var v = {deep}\nresource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {{ name: 'kv', location: 'x' }}\n"
    loaded = bicep.load(tmp_path, {"main.bicep": main})
    assert "kv" in bicep.by_name(loaded)
    assert not [d for d in loaded.diagnostics if d.code == "internal-error"]


def test_wrong_shapes_do_not_raise(tmp_path, bicep):
    loaded = bicep.load(tmp_path, {"main.bicep": """
        param p object = {}
        resource a 'Microsoft.KeyVault/vaults@2023-07-01' = [for x in 'not-an-array': { name: x }]
        resource b 'Microsoft.KeyVault/vaults@2023-07-01' = if ('text') { name: 'b', location: 'x' }
        resource c 'Microsoft.KeyVault/vaults@2023-07-01' = { name: p, location: [] }
        resource d 'Microsoft.KeyVault/vaults@2023-07-01' = { name: 'd', location: 'x', parent: nothing }
        resource e 'not a type' = { name: 'e' }
        module m 'br/public:x' = [for i in range(0, 2): { name: 'm${i}' }]
        output o string = m[0].outputs.x
        """})
    assert not [d for d in loaded.diagnostics if d.code == "internal-error"]
    assert "d" in bicep.by_name(loaded)
