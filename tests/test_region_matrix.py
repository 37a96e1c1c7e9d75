"""The region matrix: which parts of each workload exist in which region, with the gaps marked; in the text
summary (`--summary`) and in Markdown."""

from __future__ import annotations

from linter.model import Estate, Unknown
from linter.regionmatrix import build
from tests.conftest import FIXTURES, drlint_process
from tests.helpers import SUB, make

DEMO = FIXTURES / "demo"
HUB = "Microsoft.MachineLearningServices/workspaces"
ACCOUNT = "Microsoft.CognitiveServices/accounts"


def cells(workload) -> dict[str, dict[str, tuple[tuple[str, ...], bool]]]:
    return {part: {region: (c.names, c.gap) for region, c in zip(workload.regions, row, strict=True)}
            for part, row in workload.rows}


def test_demo_hubs_show_their_gaps_through_the_cli():
    run = drlint_process("scan", DEMO, "--summary")
    text = run.stdout
    assert "Regions of AI Foundry hubs (hub-contoso-eus2, hub-contoso-cus): 3 gaps" in text
    rows = {line.split()[0]: line.split() for line in text.splitlines() if line.startswith("  ")}
    assert rows["hub"][1:] == ["hub-contoso-cus", "hub-contoso-eus2", "-"]
    assert rows["registry"][1:] == ["MISSING", "crcontosoai", "crcontosoai", "(replica)"]
    assert rows["projects"][1] == "MISSING"
    # Resource Graph does not index connections: the parts reached through them are not visible, not absent
    assert rows["AI"][2:] == ["?", "?", "?"] and rows["Cosmos"][2:] == ["?", "?", "?"]
    assert "Regions of" not in drlint_process("scan", DEMO).stdout  # only with --summary


def test_geo_redundant_storage_counts_in_the_paired_region_and_single_region_gets_its_pair():
    storage = make("Microsoft.Storage/storageAccounts", "stgrs", "westeurope", sku={"name": "Standard_GRS"})
    registry = make("Microsoft.ContainerRegistry/registries", "acr", "westeurope")
    hub = make(HUB, "hub", "westeurope", kind="Hub", properties={
        "storageAccount": storage.id, "containerRegistry": registry.id})
    (workload,) = build(Estate([hub, storage, registry]))
    assert workload.regions == ["northeurope", "westeurope"]  # the pair of a single-region workload
    table = cells(workload)
    assert table["hub"]["northeurope"] == ((), True)
    assert table["storage"]["northeurope"] == (("stgrs (geo copy)",), False)
    assert table["registry"]["northeurope"] == ((), True)
    assert table["Cosmos DB"]["northeurope"] == ((), False)  # not used: no gap
    assert workload.gaps == 2


def test_foundry_account_workload_follows_project_connections():
    account = make(ACCOUNT, "foundry", "swedencentral", kind="AIServices",
                   properties={"allowProjectManagement": True})
    other = make(ACCOUNT, "plain-ai", "westus", kind="AIServices", properties={})
    project = make(f"{ACCOUNT}/projects", "foundry/proj", "swedencentral")
    cosmos = make("Microsoft.DocumentDB/databaseAccounts", "threads", "swedencentral", properties={
        "locations": [{"locationName": "Sweden Central"}, {"locationName": "norwayeast"}]})
    search = make("Microsoft.Search/searchServices", "vectors", Unknown("a parameter without a value"))
    connections = [
        make(f"{ACCOUNT}/projects/connections", f"foundry/proj/{name}", None,
             properties={"category": category, "metadata": {"ResourceId": target.id}})
        for name, category, target in (("c1", "CosmosDb", cosmos), ("c2", "CognitiveSearch", search))]
    (workload,) = build(Estate([account, other, project, cosmos, search, *connections]))
    assert workload.title == "Foundry accounts" and workload.heads == ["foundry"]
    assert workload.regions == ["norwayeast", "swedencentral", "swedensouth", "?"]
    table = cells(workload)
    assert table["Cosmos DB"]["norwayeast"] == (("threads",), False)
    assert table["Cosmos DB"]["swedencentral"] == (("threads",), False)
    assert table["projects"]["swedencentral"] == (("foundry/proj",), False)
    assert table["AI Search"]["?"] == (("vectors",), False)  # never guessed into a region
    assert table["AI Search"]["swedencentral"] == ((), True)
    assert table["account"]["norwayeast"] == ((), False)  # not a region of the workload: no gap
    assert table["account"]["swedensouth"] == ((), True)  # the pair of its only region


def test_no_workload_no_matrix():
    assert build(Estate([make("Microsoft.Storage/storageAccounts", "st")])) == []
    assert build(Estate([make(HUB, "proj", kind="Project", properties={"hubResourceId": f"{SUB}/x"})])) == []
