"""What each input can show of the types the pack needs: locks (Resource Graph only with a saved lock listing;
templates only the locks they deploy) and the Foundry children Resource Graph does not index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.conditions import Tri
from linter.inputs import InputFile, LoadContext
from linter.inputs.jsondoc import parse_json
from linter.inputs.resource_graph import FRONT_END
from linter.model import Estate
from tests.helpers import evaluate

P = Tri.PASS
HUB_TYPE = "Microsoft.MachineLearningServices/workspaces"
LOCK_TYPE = "Microsoft.Authorization/locks"
LOCKED = {"aggregate": {"select": {"type": LOCK_TYPE, "where": {"allOf": [
    {"field": "properties.level", "in": ["CanNotDelete", "ReadOnly"]},
    {"value": {"subject": "id"}, "within": {"scopeOf": {"field": "id"}}}]}}}, "greaterOrEquals": 1}

HUB_ROW = {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/hub",
           "name": "hub", "type": "microsoft.machinelearningservices/workspaces", "kind": "Hub",
           "location": "eastus2", "properties": {}}
AZ_LOCK_LIST_ROW = {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Authorization/locks/keep",
                    "name": "keep", "type": "Microsoft.Authorization/locks", "level": "CanNotDelete",
                    "notes": None, "owners": None, "resourceGroup": "rg"}


def load(tmp_path: Path, files: dict[str, object]):
    inputs = []
    for name, data in files.items():
        path = tmp_path / name
        path.write_text(json.dumps(data))
        inputs.append(InputFile(path, name, "resource-graph", parse_json(path.read_bytes(), name)))
    return FRONT_END.load(inputs, LoadContext(tmp_path))


def test_resource_graph_shows_locks_only_when_a_lock_listing_was_saved_beside_it(tmp_path):
    alone = load(tmp_path, {"export.json": [HUB_ROW]})
    assert alone.origins[0].unobserved_reason(LOCK_TYPE)
    with_locks = load(tmp_path, {"export.json": [HUB_ROW], "locks.json": [AZ_LOCK_LIST_ROW]})
    assert all(origin.unobserved_reason(LOCK_TYPE) is None for origin in with_locks.origins)
    saved = next(r for r in with_locks.resources if r.type_key == LOCK_TYPE.lower())
    assert saved.properties["level"] == "CanNotDelete"  # `az lock list` puts level at the top
    estate = Estate(with_locks.resources)
    h = next(r for r in estate if r.type_key == HUB_TYPE.lower())
    assert evaluate(LOCKED, h, estate) is P


@pytest.mark.parametrize("child", ["accounts/connections", "accounts/projects/connections",
                                   "accounts/projects/capabilityHosts", "accounts/deployments", "accounts/projects"])
def test_resource_graph_cannot_show_foundry_children(tmp_path, child):
    loaded = load(tmp_path, {"export.json": [HUB_ROW]})
    assert loaded.origins[0].unobserved_reason(f"Microsoft.CognitiveServices/{child}")

