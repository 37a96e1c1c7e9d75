"""The pack quotes Microsoft's guidance verbatim: every quote attributed to the hub guidance (the seed) is a
sentence of it, and every rule of the catalog's Foundry section quotes the guidance it implements."""

from __future__ import annotations

import re

from linter.rules import builtin_pack_dir, load_rules
from tests.conftest import shared_path

SEED_URL = "https://learn.microsoft.com/azure/ai-foundry/how-to/disaster-recovery"


def normalise(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link reads as its text
    return " ".join(text.split())


def pack():
    rules, problems = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    assert not problems
    return rules


def test_quotes_from_the_hub_guidance_are_verbatim():
    seed = normalise(shared_path("seed", "azure-ai-foundry-disaster-recovery.md").read_text(encoding="utf-8"))
    quoted = [(rule.id, quote) for rule in pack() for quote, source in rule.docs.guidance
              if source.split("#")[0] == SEED_URL]
    assert len(quoted) >= 20
    misquoted = [(rule_id, quote) for rule_id, quote in quoted if normalise(quote) not in seed]
    assert not misquoted


def test_every_rule_quotes_the_guidance_it_implements():
    unquoted = [rule.id for rule in pack() if not rule.docs.guidance]
    assert not unquoted


def catalog_postures() -> dict[str, set[str]]:
    """Rule id -> postures, from the catalog's rules table (`all` means every posture)."""
    text = shared_path("docs", "dr-catalog.md").read_text(encoding="utf-8")
    found = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and re.fullmatch(r"DR\d{3}", cells[0]):
            postures = cells[3]
            found[cells[0]] = ({"hot-cold", "hot-warm", "hot-hot"} if postures == "all"
                               else {p.strip() for p in postures.split(",")})
    return found


def test_each_rule_runs_in_the_postures_the_catalog_lists():
    catalog = catalog_postures()
    assert len(catalog) >= 31
    rules = {rule.id: set(rule.postures) for rule in pack()}
    assert {rule_id: rules.get(rule_id) for rule_id in catalog} == catalog
