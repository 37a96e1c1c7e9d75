"""drlint findings as SARIF results: level, message with links to related locations, locations, fingerprint.

Results are built as the plain JSON data they are written as, not as sarif-om objects: a run can have
25,000 of them, and each sarif-om object carries thirty-odd attributes (most None) that cost time to make
and to walk and, with several objects per result, dominated the memory of a large run. The data is what the
serializer would write for the equivalent objects (`tests/report/test_sarif.py` checks it against them).

Only failures become results (GitHub shows every result as an alert, whatever its `kind`), plus UNKNOWN
outcomes as `note` results when the user asked for them. A finding without a usable source position is not
converted (the caller reports it as a notification): GitHub rejects the whole upload for one such result.
"""

from __future__ import annotations

from functools import cache
from json.encoder import encode_basestring_ascii  # json's own escaper (its C version)
from typing import Any

import attr
import sarif_om as sarif

from linter.inputs import SOURCE_LINE
from linter.inputs.registry import front_end
from linter.records import record
from linter.report.sarif.fingerprints import Fingerprints
from linter.report.sarif.locations import (
    SRCROOT,
    escape_link_text,
    logical_data,
    physical,
    physical_data,
    plain_message,
    relative_uri,
)
from linter.results import Outcome, Result

MAX_LOCATIONS = 1_000  # GitHub: locations per result; counted with the primary one, to be safe
MAX_RELATED = MAX_LOCATIONS - 1
MESSAGE_LINKS = 5  # related locations named in the message; the rest are still listed as related locations


@record
class Candidate:
    """A finding that can be a SARIF result, with what must be decided before the 25,000 cap is applied."""

    result: Result
    level: str
    fingerprint: str


def level_of(result: Result) -> str:
    return "note" if result.outcome is Outcome.UNKNOWN else result.severity


def resource_label(result: Result) -> str:
    if result.resource is None:
        return "the estate"
    return f"{result.resource.type.rsplit('/', 1)[-1]} '{result.resource.display_name}'"


def candidate(result: Result, fingerprints: Fingerprints) -> Candidate | None:
    """The finding with its primary location and fingerprint; None when it has no usable position."""
    # Only whether it has a location is decided here: its data is made with the rest of the result, when the
    # result is written (25,000 candidates wait for the cap, and their locations' dicts need not).
    if result.position is None or relative_uri(result.position.file) is None:
        return None
    return Candidate(result, level_of(result), fingerprint(result, fingerprints))


def announce(result: Result, fingerprints: Fingerprints) -> None:
    """Tell the fingerprinter which template lines will be asked for, so each file is hashed once."""
    if _by_source_line(result) and result.position is not None:
        fingerprints.want(result.position.file, result.position.line)


def _by_source_line(result: Result) -> bool:
    return result.resource is not None and _source_line_kind(result.resource.origin.kind)


@cache
def _source_line_kind(origin_kind: str) -> bool:
    """Whether the front end that made resources of this origin fingerprints findings by source line."""
    reader = front_end(origin_kind)
    return reader is not None and reader.fingerprint == SOURCE_LINE


def fingerprint(result: Result, fingerprints: Fingerprints) -> str:
    """Findings in source files people edit (templates): GitHub's own line hash (falls back to the resource
    hash when the file is gone). Other findings (exports): a hash of (rule, resource id), so re-exports that
    move rows keep the alert. Which is which, each front end says (`FrontEnd.fingerprint`)."""
    position = result.position
    if _by_source_line(result) and position is not None:
        found = fingerprints.template(position.file, position.line)
        if found is not None:
            return found
    resource = result.resource
    if resource is not None and isinstance(resource.id, str):
        key = resource.id
    elif resource is not None:  # a template resource whose id depends on deployment-time values
        key = f"{resource.type}/{resource.display_name}"
    else:
        key = "<estate>"
    return fingerprints.resource(result.rule.id, key)


@attr.s
class Suppression(sarif.Suppression):
    """sarif-om 1.0.4 names the review status `state`; SARIF 2.1.0 calls it `status`."""

    status = attr.ib(default=None, metadata={"schema_property_name": "status"})


def suppressions(result: Result, baseline_file: str | None) -> list[sarif.Suppression]:
    """Accepted risks as SARIF suppressions (status accepted, the reason as justification); [] when none."""
    found: list[sarif.Suppression] = []
    for item in result.suppressions:
        where = physical(item.position)
        found.append(Suppression(
            kind=item.kind, status="accepted", justification=item.reason,
            location=sarif.Location(physical_location=where) if where is not None else None))
    if result.baseline_state == "unchanged" and not found:
        found.append(Suppression(kind="external", status="accepted",
                                 justification=f"recorded in the baseline {baseline_file or ''}".strip()))
    # SARIF 3.27.23: once a tool evaluates suppressions, every result carries the array (empty: not suppressed).
    return found


def to_sarif(found: Candidate, rule_index: int, baseline_file: str | None = None) -> dict[str, Any]:
    """The SARIF result, as JSON data (see the module's docstring)."""
    result = found.result
    related = _related(result)
    assert result.position is not None  # a candidate has a position inside the scan root
    primary: dict[str, Any] = {"physicalLocation": physical_data(result.position)}
    if result.resource is not None:
        primary["logicalLocations"] = [logical_data(result.resource)]
    data: dict[str, Any] = {
        "ruleId": result.rule.id,
        "level": found.level,  # always written: see `SERIALIZER`
        "message": {"text": message_text(result, related)},
        "locations": [primary],
        "partialFingerprints": {"primaryLocationLineHash": found.fingerprint},
    }
    if rule_index != -1:  # sarif-om's default, left out like every default
        data["ruleIndex"] = rule_index
    if related:
        data["relatedLocations"] = related
    if result.outcome is not Outcome.FAIL:
        data["properties"] = {"outcome": result.outcome.value}
    data["suppressions"] = suppressions(result, baseline_file)  # sarif-om objects, written by the serializer
    if result.baseline_state is not None:
        data["baselineState"] = result.baseline_state
    return data


def _related(result: Result) -> list[dict[str, Any]]:
    locations: list[dict[str, Any]] = []
    for item in result.related:
        if len(locations) == MAX_RELATED:
            break
        where = physical_data(item.position)
        if where is None:  # outside the scan root: nothing GitHub could show
            continue
        location: dict[str, Any] = {"id": len(locations) + 1, "physicalLocation": where,
                                    "message": {"text": item.label}}
        if item.resource is not None:
            location["logicalLocations"] = [logical_data(item.resource)]
        locations.append(location)
    return locations


def message_text(result: Result, related: list[dict[str, Any]]) -> str:
    """The finding's own sentence (meaningful alone), then embedded links to its related locations."""
    text = plain_message(result.message.strip() or f"{result.rule.id}: {result.rule.title}")
    if result.outcome is Outcome.UNKNOWN:
        reason = (result.reason or "").strip()
        if reason and reason not in result.message:
            text += f" (cannot tell: {plain_message(reason)})"
    if not related:
        return text
    links = [f"[{escape_link_text(loc['message']['text'])}]({loc['id']})" for loc in related[:MESSAGE_LINKS]]
    more = len(related) - len(links)
    listed = ", ".join(links) + (f" and {more} more" if more else "")
    separator = "" if text.endswith((".", "!", "?")) else "."
    return f"{text}{separator} See {listed}."


def result_text(found: Candidate, rule_index: int) -> str | None:
    """`SERIALIZER.dumps(to_sarif(found, rule_index))`, made directly, for the common result: a failure at
    a resource, with no related location, suppression or baseline state. None for any other result.

    A large export's log is thousands of these; writing their few strings into a fixed text (members in
    sorted order, strings escaped by json's own ASCII escaper) costs a fraction of making the data and
    having the encoder walk and sort it (tests/report/test_sarif_streaming.py compares the two)."""
    result = found.result
    resource = result.resource
    position = result.position
    if (result.related or result.suppressions or result.baseline_state is not None or resource is None
            or result.outcome is not Outcome.FAIL or rule_index == -1 or position is None
            or type(position.line) is not int or type(position.column) is not int or type(rule_index) is not int):
        return None
    uri = relative_uri(position.file)
    if uri is None:
        return None
    logical = "{"
    if isinstance(resource.id, str):
        logical += f'"fullyQualifiedName":{encode_basestring_ascii(resource.id)},'
    logical += '"kind":"resource",'
    name = resource.display_name
    if name is not None:
        logical += f'"name":{encode_basestring_ascii(name)},'
    logical += ('"properties":{}}' if resource.type is None
                else f'"properties":{{"resourceType":{encode_basestring_ascii(resource.type)}}}}}')
    return (f'{{"level":{encode_basestring_ascii(found.level)},"locations":[{{"logicalLocations":[{logical}],'
            f'"physicalLocation":{{"artifactLocation":{{"uri":{encode_basestring_ascii(uri)},'
            f'"uriBaseId":"{SRCROOT}"}},"region":{{"startColumn":{max(position.column, 1)},'
            f'"startLine":{max(position.line, 1)}}}}}}}],'
            f'"message":{{"text":{encode_basestring_ascii(message_text(result, []))}}},'
            f'"partialFingerprints":{{"primaryLocationLineHash":{encode_basestring_ascii(found.fingerprint)}}},'
            f'"ruleId":{encode_basestring_ascii(result.rule.id)},"ruleIndex":{rule_index},"suppressions":[]}}')
