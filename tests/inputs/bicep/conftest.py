"""The `bicep` fixture of the Bicep evaluation tests: write Bicep files to a folder, load them as a scan would."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from linter.config import Config
from linter.inputs import InputFile, LoadContext, Loaded
from linter.inputs.bicep import FRONT_END
from linter.model import Resource, Unknown
from linter.scan import ScanOptions, run_scan


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def load(root: Path, files: dict[str, str] | None = None, deployments: list[dict[str, Any]] | None = None,
         only: list[str] | None = None) -> Loaded:
    """Write `files` (if given) and load every Bicep file under `root` (or only the named ones)."""
    if files:
        write(root, files)
    ctx = LoadContext(root=root, deployments=deployments or [])
    paths = [root / f for f in only] if only else sorted(
        p for p in root.rglob("*") if p.suffix in (".bicep", ".bicepparam"))
    inputs = [InputFile(p, ctx.display(p), FRONT_END.classify(p, None) or "bicep", None) for p in paths]
    return FRONT_END.load(inputs, ctx)


def by_name(loaded: Loaded) -> dict[str, Resource]:
    return {str(r.name): r for r in loaded.resources}


def one(loaded: Loaded, type_suffix: str = "") -> Resource:
    found = [r for r in loaded.resources if r.type.lower().endswith(type_suffix.lower())]
    assert len(found) == 1, [(r.type, r.name) for r in loaded.resources]
    return found[0]


PROBE = """
{prelude}
resource probe 'Microsoft.Test/probes@2020-01-01' = {{
  name: 'probe'
  properties: {{
    v: {expr}
  }}
}}
"""


def value_of(tmp_path: Path, expr: str, prelude: str = "", extra: dict[str, str] | None = None) -> Any:
    """The value a Bicep expression evaluates to (as a property of a probe resource)."""
    files = {"main.bicep": PROBE.format(prelude=textwrap.dedent(prelude), expr=expr), **(extra or {})}
    loaded = load(tmp_path, files, only=["main.bicep"])
    probes = [r for r in loaded.resources if r.type == "Microsoft.Test/probes"]
    assert len(probes) == 1, [d.message for d in loaded.diagnostics]
    return probes[0].properties["v"]


def reason(value: Any) -> str:
    assert isinstance(value, Unknown), f"expected an Unknown, got {value!r}"
    return value.reason


def messages(loaded: Loaded) -> str:
    return "\n".join(str(d) for d in loaded.diagnostics)


def outcomes(root: Path, rule: str, config: Config | None = None) -> dict[str | None, str]:
    """Scan `root` with one built-in rule; the outcome per resource name (None for estate-scope rules)."""
    report = run_scan(ScanOptions(paths=[root], select=[rule]), config or Config(path=root / "drlint.yaml"))
    out: dict[str | None, str] = {}
    for result in report.results:
        name = None if result.estate_scope or result.resource is None else result.resource.display_name
        out[name] = result.outcome.value
    return out


class BicepHelpers:
    """What a Bicep evaluation test needs, as one fixture (`bicep.load(tmp_path, files)`, ...)."""

    write = staticmethod(write)
    load = staticmethod(load)
    by_name = staticmethod(by_name)
    one = staticmethod(one)
    value_of = staticmethod(value_of)
    reason = staticmethod(reason)
    messages = staticmethod(messages)
    outcomes = staticmethod(outcomes)


@pytest.fixture
def bicep() -> BicepHelpers:
    return BicepHelpers()
