from __future__ import annotations

import pytest

from linter import model, regions
from linter.model import (
    MISSING,
    Estate,
    Origin,
    Provenance,
    Unknown,
    ValueSource,
    get_ci,
    is_unknown,
    parent_id_of,
    shared_text,
)
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


@pytest.mark.parametrize("tail", [
    "Microsoft.Storage/storageAccounts/st",  # top level: no parent
    "Microsoft.Storage/storageAccounts/st/",  # a trailing slash does not make it a child
    "/Microsoft.Storage/storageAccounts/st",
    "Microsoft.Storage/storageAccounts",
    "Microsoft.Storage/storageAccounts/st/blobServices/default",
    "Microsoft.Storage/storageAccounts/st/blobServices/default/",
    "Microsoft.Storage/storageAccounts/st/blobServices",
    "Microsoft.Storage//storageAccounts/st",
])
def test_parent_ids_of_top_level_and_child_ids_agree_with_splitting(tail):
    resource_id = "/subscriptions/s/resourceGroups/rg/providers/" + tail
    # what the id says, read by splitting it (the rule parent_id_of implements, with a shortcut for most ids)
    parts = tail.strip("/").split("/")
    expected = (None if len(parts) <= 3 or len(parts) % 2 == 0 else
                "/subscriptions/s/resourceGroups/rg/providers/" + "/".join(parts[:-2]))
    assert parent_id_of(resource_id) == expected
    assert parent_id_of(resource_id, resource_id.lower()) == expected


def test_get_ci_finds_members_whatever_their_case_and_skips_other_keys():
    mapping = {1: "one", "SKU": {"name": "Standard_LRS"}, "Location": "eastus2"}
    assert get_ci(mapping, "sku") == {"name": "Standard_LRS"}
    assert get_ci(mapping, "LOCATION") == "eastus2"
    assert get_ci(mapping, "Location") == "eastus2"
    assert get_ci(mapping, "template") is MISSING
    assert get_ci({}, "sku") is MISSING


def test_resources_share_one_copy_of_repeated_short_strings(monkeypatch):
    monkeypatch.setattr(model, "_SHARED_TEXT", {})  # as at the start of a run (other tests may have filled it)
    # strings made at run time, as a JSON decoder makes a new copy for every row
    first, second = (make("".join(["Microsoft.Storage/", "storageAccounts"]), name, location="".join(["East", " US"]),
                          kind="".join(["Storage", "V2"])) for name in ("a", "b"))
    assert first.type is second.type and first.type_key is second.type_key
    assert first.location == "eastus" and first.location is second.location
    assert first.kind is second.kind


def test_shared_strings_are_bounded_in_length_and_number(monkeypatch):
    monkeypatch.setattr(model, "_SHARED_TEXT", {})
    long_text = "x" * (model.SHARED_TEXT_MAX_LENGTH + 1)
    assert shared_text(long_text) is long_text and long_text not in model._SHARED_TEXT
    monkeypatch.setattr(model, "SHARED_TEXT_MAX_ENTRIES", 3)
    for index in range(10):
        assert shared_text(f"region{index}") == f"region{index}"
    assert len(model._SHARED_TEXT) == 3
    kept = "".join(["region", "1"])
    assert shared_text(kept) is not kept  # an equal string already held is returned instead


def test_resources_without_provenance_share_a_read_only_empty_mapping():
    first, second = make("Microsoft.KeyVault/vaults", "kv1"), make("Microsoft.KeyVault/vaults", "kv2")
    assert first.provenance is second.provenance and not first.provenance
    with pytest.raises(TypeError):
        first.provenance["location"] = None  # type: ignore[index]
    assert "template" not in first.fields()
    given = {"location": Provenance(ValueSource.LITERAL, "eastus2")}
    third = make("Microsoft.KeyVault/vaults", "kv3", provenance=given)
    assert third.provenance == given and third.provenance is not given  # its own copy, which loaders update
    assert third.fields()["template"]["location"]["literal"] is True
