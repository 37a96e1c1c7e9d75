"""What a template cannot show about the resources it deploys (its origin's `unobservable` types).

A template shows every resource it deploys, and that absence is meaningful: a storage account it declares
without a blob service has none from it. Locks are different: they are commonly set by another deployment,
by a platform team's policy or by hand, so a template that deploys no lock on a resource says nothing about
whether the resource is locked. Rules that need a lock therefore PASS on a lock the template deploys and are
UNKNOWN, never FAIL, on its absence.

Workspace computes are often created in the studio by hand, after the template has deployed the hub (as
Microsoft's own baseline architectures instruct). A run whose templates deploy computes manages them as code,
and a region without one has none; a run that deploys no compute at all says nothing about them.
"""

from __future__ import annotations

TEMPLATE_PARTIAL_TYPES: dict[str, str] = {
    "microsoft.authorization/locks": (
        "a template shows only the locks it deploys itself, and a lock is often set by another deployment, a "
        "policy or by hand; scan the deployment that locks it too, save the locks (az lock list > locks.json) "
        "beside a Resource Graph export, or audit the live subscription"
    ),
}

TEMPLATE_IF_NONE_TYPES: dict[str, str] = {
    "microsoft.machinelearningservices/workspaces/computes": (
        "the templates deploy no compute at all, and computes are often created in the studio by hand; scan "
        "the template that deploys them, save them (az ml compute list) beside a Resource Graph export, or "
        "audit the live subscription"
    ),
}
