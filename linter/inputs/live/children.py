"""Child resources that Resource Graph does not index, and the Resource Manager list call that reads each.

Each entry names the parent type (whose resources are listed), the collection path below the parent id, an
API version the collection supports, and the permission the caller needs (so a 403 can say what is missing).
Locks are listed once per subscription (`GET /subscriptions/{id}/providers/Microsoft.Authorization/locks`
returns the locks of the subscription, its resource groups and its resources), not once per resource.
"""

from __future__ import annotations

from linter.records import record

LOCKS = "microsoft.authorization/locks"
SUBSCRIPTION = "microsoft.resources/subscriptions"


@record(frozen=True)
class ChildList:
    type: str  # lower-case child type
    parent: str  # lower-case parent type (SUBSCRIPTION for locks)
    collection: str  # path below the parent id
    api_version: str

    @property
    def permission(self) -> str:
        return f"{self.display_type}/read"

    @property
    def display_type(self) -> str:
        return _DISPLAY.get(self.type, self.type)


_ENTRIES = (
    ChildList("microsoft.machinelearningservices/workspaces/connections",
              "microsoft.machinelearningservices/workspaces", "connections", "2024-10-01"),
    ChildList("microsoft.machinelearningservices/workspaces/computes",
              "microsoft.machinelearningservices/workspaces", "computes", "2024-10-01"),
    ChildList("microsoft.storage/storageaccounts/blobservices",
              "microsoft.storage/storageaccounts", "blobServices", "2023-05-01"),
    ChildList("microsoft.cognitiveservices/accounts/deployments",
              "microsoft.cognitiveservices/accounts", "deployments", "2024-10-01"),
    ChildList("microsoft.cognitiveservices/accounts/projects",
              "microsoft.cognitiveservices/accounts", "projects", "2025-06-01"),
    ChildList("microsoft.cognitiveservices/accounts/connections",
              "microsoft.cognitiveservices/accounts", "connections", "2025-06-01"),
    ChildList("microsoft.cognitiveservices/accounts/capabilityhosts",
              "microsoft.cognitiveservices/accounts", "capabilityHosts", "2025-06-01"),
    ChildList("microsoft.cognitiveservices/accounts/projects/connections",
              "microsoft.cognitiveservices/accounts/projects", "connections", "2025-06-01"),
    ChildList("microsoft.cognitiveservices/accounts/projects/capabilityhosts",
              "microsoft.cognitiveservices/accounts/projects", "capabilityHosts", "2025-06-01"),
    ChildList(LOCKS, SUBSCRIPTION, "providers/Microsoft.Authorization/locks", "2020-05-01"),
)
CHILD_LISTS: dict[str, ChildList] = {entry.type: entry for entry in _ENTRIES}

_DISPLAY = {
    "microsoft.machinelearningservices/workspaces/connections":
        "Microsoft.MachineLearningServices/workspaces/connections",
    "microsoft.machinelearningservices/workspaces/computes": "Microsoft.MachineLearningServices/workspaces/computes",
    "microsoft.storage/storageaccounts/blobservices": "Microsoft.Storage/storageAccounts/blobServices",
    "microsoft.cognitiveservices/accounts/deployments": "Microsoft.CognitiveServices/accounts/deployments",
    "microsoft.cognitiveservices/accounts/projects": "Microsoft.CognitiveServices/accounts/projects",
    "microsoft.cognitiveservices/accounts/connections": "Microsoft.CognitiveServices/accounts/connections",
    "microsoft.cognitiveservices/accounts/capabilityhosts": "Microsoft.CognitiveServices/accounts/capabilityHosts",
    "microsoft.cognitiveservices/accounts/projects/connections":
        "Microsoft.CognitiveServices/accounts/projects/connections",
    "microsoft.cognitiveservices/accounts/projects/capabilityhosts":
        "Microsoft.CognitiveServices/accounts/projects/capabilityHosts",
    LOCKS: "Microsoft.Authorization/locks",
}


def depth(child: ChildList) -> int:
    """Parents are listed before their children (projects before project connections)."""
    return child.type.count("/")
