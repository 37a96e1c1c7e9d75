"""The region table drlint ships: read without the csv module, so the file must stay plain."""

from __future__ import annotations

import csv

from linter import PACKAGE_DIR
from linter.regions import _table, geography, paired


def test_the_table_reads_as_csv_reads_it():
    text = (PACKAGE_DIR / "data" / "region-pairs.csv").read_text(encoding="utf-8")
    assert '"' not in text  # no quoting: the plain split in linter/regions.py relies on it
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) == len(_table()) > 50
    for row in rows:
        region = row["region"].replace(" ", "").lower()
        assert paired(region) == (row["paired_region"].replace(" ", "").lower() or None)
        assert geography(region) == row["geography"]


def test_pairs_and_geographies():
    assert paired("East US 2") == "centralus" and paired("centralus") == "eastus2"
    assert geography("swedencentral") == "Sweden"
    assert paired("nowhere") is None and geography("nowhere") is None
