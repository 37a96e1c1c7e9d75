"""Templates that only deploy each other: a cycle with no root.

A template that another scanned template links to (ARM `relativePath`) or uses as a module (Bicep) is
deployed through its parent, not on its own. When `a` links `b` and `b` links `a`, and nothing else deploys
either, that rule would deploy neither, and their resources would vanish without a word. Each such group
gets one deployment, started at its first file; evaluating it meets the link back, which is reported as a
cycle (Azure would reject the deployment) and not followed, so every resource is checked once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path


def unrooted_starts(templates: Iterable[Path], edges: Mapping[Path, Iterable[Path]],
                    deployed: Iterable[Path]) -> list[Path]:
    """One template to deploy for each group of templates that no deployment reaches (first by path)."""
    reached: set[Path] = set()

    def reach(start: Path) -> None:
        stack = [start]
        while stack:
            node = stack.pop()
            if node in reached:
                continue
            reached.add(node)
            stack.extend(edges.get(node, ()))

    for root in deployed:
        reach(root)
    starts = []
    for template in sorted(set(templates)):
        if template not in reached:
            starts.append(template)
            reach(template)
    return starts
