"""Synthetic Azure Resource Graph exports of any size, shaped like `az graph query` output.

Rows are a realistic mix: storage accounts, Key Vaults and container registries (which the rule pack reads)
among virtual machines, disks and network interfaces (which it does not), in the field order and with the
empty members (`plan: {}`, `managedBy: ""`) that Resource Graph returns. A chosen fraction of all rows fails
a rule (a locally redundant storage account, a vault without purge protection), spread evenly through the
file.

    python bench/exports.py OUT.json --rows 100000 --failing 0.1
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SUBSCRIPTION = "6f1c2b9e-3d4a-4c8e-9b1f-2a7d5e8c0f13"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
REGIONS = ("eastus2", "centralus", "westeurope", "northeurope", "swedencentral", "francecentral")
# (type, share of rows, can fail a rule): storage accounts and Key Vaults make up half of the rows, so up to
# half can fail; registries are read by the pack (through hubs) but fail nothing on their own.
MIX = (
    ("microsoft.storage/storageaccounts", 30, True),
    ("microsoft.keyvault/vaults", 20, True),
    ("microsoft.containerregistry/registries", 10, False),
    ("microsoft.compute/virtualmachines", 15, False),
    ("microsoft.compute/disks", 15, False),
    ("microsoft.network/networkinterfaces", 10, False),
)
PROVIDER_SPELLING = {
    "microsoft.storage/storageaccounts": "Microsoft.Storage/storageAccounts",
    "microsoft.keyvault/vaults": "Microsoft.KeyVault/vaults",
    "microsoft.containerregistry/registries": "Microsoft.ContainerRegistry/registries",
    "microsoft.compute/virtualmachines": "Microsoft.Compute/virtualMachines",
    "microsoft.compute/disks": "Microsoft.Compute/disks",
    "microsoft.network/networkinterfaces": "Microsoft.Network/networkInterfaces",
}


def _row(index: int, resource_type: str, failing: bool) -> dict[str, Any]:
    region = REGIONS[index % len(REGIONS)]
    group = f"rg-app{index // 500:04d}-{region}"
    short = resource_type.rsplit("/", 1)[-1]
    name = f"{short[:8]}{index:07d}"
    provider = PROVIDER_SPELLING[resource_type]
    properties: dict[str, Any] = {"provisioningState": "Succeeded"}
    sku: dict[str, Any] = {}
    kind = ""
    if resource_type.endswith("storageaccounts"):
        kind = "StorageV2"
        sku = {"name": "Standard_LRS" if failing else "Standard_RAGZRS", "tier": "Standard"}
        properties.update({"minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": False,
                           "primaryLocation": region, "statusOfPrimary": "available"})
    elif resource_type.endswith("vaults"):
        properties.update({"tenantId": TENANT, "sku": {"family": "A", "name": "standard"},
                           "enableSoftDelete": True, "softDeleteRetentionInDays": 90,
                           "enablePurgeProtection": not failing,
                           "vaultUri": f"https://{name}.vault.azure.net/"})
    elif resource_type.endswith("registries"):
        sku = {"name": "Premium", "tier": "Premium"}
        properties.update({"adminUserEnabled": False, "loginServer": f"{name}.azurecr.io",
                           "zoneRedundancy": "Disabled"})
    elif resource_type.endswith("virtualmachines"):
        properties.update({"hardwareProfile": {"vmSize": "Standard_D4s_v5"},
                           "storageProfile": {"osDisk": {"osType": "Linux", "diskSizeGB": 64}},
                           "vmId": f"00000000-0000-0000-0000-{index:012d}"})
    elif resource_type.endswith("disks"):
        sku = {"name": "Premium_LRS", "tier": "Premium"}
        properties.update({"diskSizeGB": 128, "diskState": "Attached", "osType": "Linux"})
    else:
        properties.update({"enableAcceleratedNetworking": True,
                           "ipConfigurations": [{"name": "ipconfig1",
                                                 "properties": {"privateIPAddress": f"10.{index % 250}.0.4"}}]})
    return {
        "id": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{group}/providers/{provider}/{name}",
        "name": name,
        "type": resource_type,
        "tenantId": TENANT,
        "kind": kind,
        "location": region,
        "resourceGroup": group,
        "subscriptionId": SUBSCRIPTION,
        "managedBy": "",
        "sku": sku,
        "plan": {},
        "properties": properties,
        "tags": {"workload": f"app{index // 500:04d}", "env": "prod"},
        "identity": {},
        "zones": None,
        "extendedLocation": {},
    }


def rows(count: int, failing: float) -> Iterator[dict[str, Any]]:
    """`count` rows of which `failing` (a fraction, at most 0.5) fail a rule, evenly spread."""
    if not 0 <= failing <= 0.5:
        raise ValueError("failing is a fraction between 0 and 0.5")
    cycle = [t for t, share, _ in MIX for _ in range(share)]
    read = sum(share for _, share, can_fail in MIX if can_fail) / 100
    owed = 0.0
    for index in range(count):
        resource_type = cycle[(index * 37) % len(cycle)]  # a stride coprime with 100 interleaves the types
        fails = False
        if any(resource_type == t and can_fail for t, _, can_fail in MIX):
            owed += failing / read
            if owed >= 1:
                owed -= 1
                fails = True
        yield _row(index, resource_type, fails)


def write_export(path: Path, count: int, failing: float) -> int:
    """Write an `az graph query` shaped export (indented as the CLI prints it); returns its size in bytes."""
    data = list(rows(count, failing))
    text = json.dumps({"count": count, "data": data, "skip_token": None, "total_records": count}, indent=2)
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--failing", type=float, default=0.01, help="fraction of rows that fail (0 to 0.5)")
    args = parser.parse_args(argv)
    size = write_export(args.output, args.rows, args.failing)
    print(f"{args.output}: {args.rows} rows, {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
