"""Azure region names: normalisation, paired regions and geographies (package data from Microsoft's table)."""

from __future__ import annotations

import csv
from functools import lru_cache

from linter import PACKAGE_DIR


def normalise(name: str) -> str:
    """`East US 2` -> `eastus2`: Azure accepts display names where programmatic names are expected."""
    return "".join(name.split()).lower()


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str | None, str]]:
    text = (PACKAGE_DIR / "data" / "region-pairs.csv").read_text(encoding="utf-8")
    table: dict[str, tuple[str | None, str]] = {}
    for row in csv.DictReader(text.splitlines()):
        table[normalise(row["region"])] = (normalise(row["paired_region"]) or None, row["geography"])
    return table


def paired(region: str) -> str | None:
    """The region's paired region, or None when it has none (or the region is not in the table)."""
    entry = _table().get(normalise(region))
    return entry[0] if entry else None


def geography(region: str) -> str | None:
    entry = _table().get(normalise(region))
    return entry[1] if entry else None
