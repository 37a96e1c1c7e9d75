"""What GitHub code scanning checks in an uploaded SARIF log, beyond the schema (reused by several tests).

`github_problems(log)` returns one sentence per problem (empty: GitHub accepts the log), so a failing test
shows everything wrong at once.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

MAX_RUNS = 20
MAX_RESULTS = 25_000
MAX_LOCATIONS = 1_000
MAX_TAGS = 20
MAX_DESCRIPTION = 1_024
LEVELS = {"error", "warning", "note", "none"}
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def uri_problem(uri: Any) -> str | None:
    """GitHub wants a relative URI (or file:) with `/` separators."""
    if not isinstance(uri, str) or not uri:
        return "has no artifactLocation.uri"
    parts = urlsplit(uri)
    if parts.scheme and parts.scheme != "file":
        return f"uri {uri!r} has a scheme other than file"
    if parts.scheme or uri.startswith("/"):
        return f"uri {uri!r} is absolute; it must be relative to the repository root"
    if "\\" in uri:
        return f"uri {uri!r} uses backslashes"
    if _PERCENT.search(uri) or any(ch in uri for ch in ' "<>#?{}|^`') or not uri.isascii():
        return f"uri {uri!r} is not percent-encoded"
    if ".." in unquote(uri).split("/"):
        return f"uri {uri!r} leaves the repository"
    return None


def _location_problems(where: str, location: Any) -> list[str]:
    physical = location.get("physicalLocation") if isinstance(location, dict) else None
    if not isinstance(physical, dict):
        return [f"{where} has no physicalLocation"]
    problems = []
    uri = (physical.get("artifactLocation") or {}).get("uri")
    problem = uri_problem(uri)
    if problem:
        problems.append(f"{where} {problem}")
    start = (physical.get("region") or {}).get("startLine")
    if not isinstance(start, int) or start < 1:
        problems.append(f"{where} has region.startLine {start!r}; GitHub needs >= 1")
    return problems


def _rule_problems(where: str, rule: dict[str, Any]) -> list[str]:
    problems = []
    for key in ("shortDescription", "fullDescription"):
        text = (rule.get(key) or {}).get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where} has no {key}.text")
        elif len(text) > MAX_DESCRIPTION:
            problems.append(f"{where} {key}.text is {len(text)} characters (max {MAX_DESCRIPTION})")
    if not (rule.get("help") or {}).get("text"):
        problems.append(f"{where} has no help.text")
    properties = rule.get("properties") or {}
    tags = properties.get("tags", [])
    if len(tags) != len(set(tags)):
        problems.append(f"{where} has repeated tags {tags}")
    if len(tags) > MAX_TAGS:
        problems.append(f"{where} has {len(tags)} tags (max {MAX_TAGS})")
    severity = properties.get("security-severity")
    if severity is not None and not (isinstance(severity, str) and re.fullmatch(r"\d+(\.\d+)?", severity)):
        problems.append(f"{where} security-severity {severity!r} must be a number in a string")
    level = (rule.get("defaultConfiguration") or {}).get("level", "warning")
    if level not in LEVELS:
        problems.append(f"{where} defaultConfiguration.level {level!r}")
    return problems


def _result_problems(where: str, result: dict[str, Any], rules: list[dict[str, Any]]) -> list[str]:
    problems = []
    text = (result.get("message") or {}).get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where} has no message.text")
    rule_id, index = result.get("ruleId"), result.get("ruleIndex")
    if index is not None and (not 0 <= index < len(rules) or rules[index].get("id") != rule_id):
        problems.append(f"{where} ruleIndex {index} does not point at rule {rule_id}")
    if rule_id not in {r.get("id") for r in rules}:
        problems.append(f"{where} names rule {rule_id!r}, which tool.driver.rules lacks")
    if result.get("kind", "fail") != "fail":
        problems.append(f"{where} has kind {result.get('kind')!r}: GitHub shows every result as an alert")
    if result.get("level", "warning") not in LEVELS:
        problems.append(f"{where} has level {result.get('level')!r}")
    locations = result.get("locations") or []
    if not locations:
        problems.append(f"{where} has no location (GitHub rejects the whole upload)")
    for i, location in enumerate(locations):
        problems += _location_problems(f"{where}.locations[{i}]", location)
    related = result.get("relatedLocations") or []
    if len(locations) + len(related) > MAX_LOCATIONS:
        problems.append(f"{where} has {len(locations) + len(related)} locations (max {MAX_LOCATIONS})")
    ids = [r.get("id") for r in related]
    if len(ids) != len(set(ids)):
        problems.append(f"{where} relatedLocations ids repeat")
    for link in re.findall(r"(?<!\\)\]\((\d+)\)", text or ""):
        if int(link) not in ids:
            problems.append(f"{where} message links to related location {link}, which does not exist")
    for i, location in enumerate(related):
        problems += _location_problems(f"{where}.relatedLocations[{i}]", location)
    fingerprint = (result.get("partialFingerprints") or {}).get("primaryLocationLineHash")
    if fingerprint is not None and not re.fullmatch(r"[0-9a-f]{1,16}:[1-9][0-9]*", fingerprint):
        problems.append(f"{where} primaryLocationLineHash {fingerprint!r} is not hex:n")
    return problems


def github_problems(log: dict[str, Any]) -> list[str]:
    problems = []
    if log.get("version") != "2.1.0":
        problems.append(f"version is {log.get('version')!r}, not 2.1.0")
    runs = log.get("runs") or []
    if not 1 <= len(runs) <= MAX_RUNS:
        problems.append(f"{len(runs)} runs (GitHub takes 1 to {MAX_RUNS})")
    for r, run in enumerate(runs):
        category = (run.get("automationDetails") or {}).get("id", "")
        if category and not category.endswith("/"):
            problems.append(f"runs[{r}].automationDetails.id {category!r} should end with /")
        rules = run["tool"]["driver"].get("rules") or []
        for rule in rules:
            problems += _rule_problems(f"runs[{r}] rule {rule.get('id')}", rule)
        results = run.get("results")
        if results is None:
            problems.append(f"runs[{r}] has no results array")
            continue
        if len(results) > MAX_RESULTS:
            problems.append(f"runs[{r}] has {len(results)} results (max {MAX_RESULTS})")
        for i, result in enumerate(results):
            problems += _result_problems(f"runs[{r}].results[{i}]", result, rules)
    return problems


@lru_cache(maxsize=1)
def _schema(path: str) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def schema_validator(schema_path: Path):
    """The official SARIF schema (draft-04) with format checking.

    jsonschema checks a format only when its helper package is installed: with rfc3986-validator (a test
    extra) `uri` and `uri-reference` are checked; `date-time` would need rfc3339-validator, and drlint
    writes no date-times.
    """
    import jsonschema

    return jsonschema.Draft4Validator(_schema(str(schema_path)), format_checker=jsonschema.FormatChecker())


def schema_problems(log: dict[str, Any], schema_path: Path) -> list[str]:
    validator = schema_validator(schema_path)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]
