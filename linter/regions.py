"""Azure region names: normalisation, paired regions and geographies (package data from Microsoft's table)."""

from __future__ import annotations

from functools import lru_cache

from linter import PACKAGE_DIR


def normalise(name: str) -> str:
    """`East US 2` -> `eastus2`: Azure accepts display names where programmatic names are expected."""
    return "".join(name.split()).lower()


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str | None, str]]:
    text = (PACKAGE_DIR / "data" / "region-pairs.csv").read_text(encoding="utf-8")
    table: dict[str, tuple[str | None, str]] = {}
    # Our own package data: a header and plain comma-separated fields, no quoting (a test keeps it so), so
    # it is split here rather than paying for the csv module on every scan.
    for line in text.splitlines()[1:]:
        if line.strip():
            region, paired_region, geography = line.split(",")
            table[normalise(region)] = (normalise(paired_region) or None, geography)
    return table


def paired(region: str) -> str | None:
    """The region's paired region, or None when it has none (or the region is not in the table)."""
    entry = _table().get(normalise(region))
    return entry[0] if entry else None


def geography(region: str) -> str | None:
    entry = _table().get(normalise(region))
    return entry[1] if entry else None
