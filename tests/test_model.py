from __future__ import annotations

import pytest

from linter import regions
from linter.model import MISSING, Estate, Origin, Unknown, is_unknown, parent_id_of
from tests.helpers import make


def test_unknown_is_never_equal_true_or_false():
    value = Unknown("parameter without default")
    assert (value == value) is False and (value != value) is False
    assert (value == "eastus2") is False and (value != "eastus2") is False
    with pytest.raises(TypeError):
        bool(value)
    assert is_unknown(value) and value.reason == "parameter without default"


def test_region_names_are_normalised():
    assert regions.normalise("East US 2") == "eastus2"
    assert make("Microsoft.Storage/storageAccounts", "st", location="West Europe").location == "westeurope"
    assert regions.paired("eastus2") == "centralus"
    assert regions.paired("austriaeast") is None
    assert regions.geography("East US") == "United States"


def test_parent_ids():
    base = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/cr"
    assert parent_id_of(base + "/replications/westus") == base
    assert parent_id_of(base) is None
    assert parent_id_of(base + "/replications") is None
    assert parent_id_of(Unknown("x")) is None


def test_estate_indexes_are_case_insensitive():
    registry = make("Microsoft.ContainerRegistry/registries", "cr")
    replica = make("Microsoft.ContainerRegistry/registries/replications", "cr/westus",
                   id=registry.id.upper() + "/replications/westus")
    estate = Estate([registry, replica])
    assert estate.get(registry.id.lower()) is registry
    assert estate.of_type("microsoft.containerregistry/REGISTRIES") == [registry]
    assert estate.children(registry) == [replica]


def test_fields_are_case_insensitive_and_absent_is_missing():
    resource = make("Microsoft.Storage/storageAccounts", "st", sku={"name": "Standard_LRS"})
    assert resource.get("SKU") == {"name": "Standard_LRS"}
    assert resource.get("zones") is MISSING


def test_unobserved_types_are_per_origin():
    graph = Origin("resource-graph", "g.json", None, {"microsoft.x/y/z": "not indexed"})
    template = Origin("arm", "t.json")
    hub = make("Microsoft.X/y", "hub", origin=graph)
    estate = Estate([hub, make("Microsoft.X/y", "other", origin=template)])
    assert estate.unobserved_reason("Microsoft.X/y/z", near=hub) == "not indexed"
    assert estate.unobserved_reason("Microsoft.X/y/z", near=estate.of_type("microsoft.x/y")[1]) is None
    assert estate.unobserved_reason("Microsoft.X/y/z") == "not indexed"


def test_an_origin_can_observe_some_types_in_full_and_no_others():
    from linter.model import Origin

    audit = Origin("resource-graph", "e.json", None, {"*": "not fetched", "microsoft.storage/storageaccounts": ""})
    assert audit.unobserved_reason("Microsoft.Storage/storageAccounts") is None
    assert audit.unobserved_reason("Microsoft.KeyVault/vaults") == "not fetched"
