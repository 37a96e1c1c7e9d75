"""The scan's two steps and the front-end protocol: `collect` (paths into a `Loaded`) and `evaluate` (a
`Loaded` into a report) compose into `run_scan`; `evaluate` runs on what any collector made (as a live audit
does); and a new input format is one front end plus one registry line, asked by the scan and the reporters."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from linter.config import Config
from linter.inputs import SOURCE_LINE, InputFile, LoadContext, Loaded, registry
from linter.model import FixedAnchor, Origin, Position, Resource
from linter.report.sarif import render
from linter.report.sarif.fingerprints import line_hashes
from linter.results import Outcome
from linter.scan import ScanOptions, collect, evaluate, run_scan
from tests.conftest import FIXTURES

DR201_FAIL = FIXTURES / "rules" / "DR201" / "rg-fail"


def outcomes(report) -> list[tuple[str, str, str]]:
    return sorted((r.rule.id, r.resource.display_name if r.resource else "", r.outcome.value) for r in report.results)


def test_collect_then_evaluate_is_the_scan():
    config = Config()
    options = ScanOptions([DR201_FAIL], select=["DR201"])
    loaded = collect(options.paths, config)
    assert loaded.resources and loaded.categories == {"resource-graph"} and loaded.root is not None
    assert outcomes(evaluate(loaded, options, config)) == outcomes(run_scan(options, config))


def test_evaluate_runs_on_resources_any_collector_made():
    origin = Origin("live", "subscription s")
    vault = Resource(id="/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv",
                     type="Microsoft.KeyVault/vaults", name="kv", origin=origin, location="eastus2",
                     anchor=FixedAnchor(Position("subscription s")), properties={"enableSoftDelete": False})
    loaded = Loaded(resources=[vault], origins=[origin], categories={"live"})
    report = evaluate(loaded, ScanOptions(select=["DR301"]), Config())
    assert [(r.rule.id, r.outcome) for r in report.results] == [("DR301", Outcome.FAIL)]
    assert report.category == "drlint/live/" and report.resource_count == 1


# ---- a format drlint does not have: Terraform-like `.tf` files, one Key Vault per `vault "name" soft_delete=...`
VAULT = re.compile(r'^vault "(?P<name>[a-z0-9-]+)" soft_delete=(?P<soft>true|false)$')


class VaultFrontEnd:
    name = "vaults"
    title = "a vault file"
    category = "vaults"
    fingerprint = SOURCE_LINE
    suffixes = (".tf",)
    reads_json = False
    hints = ()

    def classify(self, path: Path, document: object) -> str | None:
        return "vaults" if path.read_text(encoding="utf-8").startswith("vault ") else None

    def load(self, files: list[InputFile], ctx: LoadContext) -> Loaded:
        loaded = Loaded()
        for file in files:
            origin = Origin(self.name, file.display)
            loaded.origins.append(origin)
            loaded.files.append(file.display)
            for line, text in enumerate(file.path.read_text(encoding="utf-8").splitlines(), 1):
                found = VAULT.match(text)
                if found:
                    loaded.resources.append(Resource(
                        id=f"/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/{found['name']}",
                        type="Microsoft.KeyVault/vaults", name=found["name"], origin=origin, location="eastus2",
                        anchor=FixedAnchor(Position(file.display, line, 1)),
                        properties={"enableSoftDelete": found["soft"] == "true"}))
        return loaded


FRONT_END = VaultFrontEnd()


@pytest.fixture
def with_vault_front_end(monkeypatch):
    """This module registered as one more front end: the one line a new format adds to the registry."""
    monkeypatch.setattr(registry, "FRONT_END_MODULES", (*registry.FRONT_END_MODULES, __name__))
    monkeypatch.setattr(registry, "_front_ends", None)
    yield
    registry._front_ends = None


def test_a_new_front_end_is_found_loaded_categorised_and_fingerprinted(tmp_path, monkeypatch, with_vault_front_end):
    (tmp_path / "main.tf").write_text('vault "kv-good" soft_delete=true\nvault "kv-bad" soft_delete=false\n')
    (tmp_path / "notes.tf").write_text("something else\n")
    monkeypatch.chdir(tmp_path)
    report = run_scan(ScanOptions([tmp_path], select=["DR301"]), Config())
    assert outcomes(report) == [("DR301", "kv-bad", "fail"), ("DR301", "kv-good", "pass")]
    assert report.files == ["main.tf"]  # notes.tf has the suffix but is not recognised
    assert report.category == "drlint/vaults/"
    run = json.loads(render(report, show_unknown=False)[0])["runs"][0]
    assert run["automationDetails"]["id"] == "drlint/vaults/"
    [result] = run["results"]
    # a source-line front end: GitHub's hash of the line, not the resource hash an export gets
    assert result["partialFingerprints"]["primaryLocationLineHash"] == line_hashes(
        (tmp_path / "main.tf").read_text(), [2])[2]
