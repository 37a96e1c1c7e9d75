"""Where a SARIF result points: relative URIs, regions, logical locations, message links.

GitHub rejects a whole upload for one result without a usable physical location, so everything here either
produces a location GitHub accepts (a relative URI with `/` separators, percent-encoded, `startLine >= 1`)
or returns None and lets the caller leave the result out with a notification.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import sarif_om as sarif

from linter.model import Position, Resource

SRCROOT = "%SRCROOT%"
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_LINK_SPECIAL = re.compile(r"([\\\[\]])")


@lru_cache(maxsize=4096)  # a run has few files and many findings per file
def relative_uri(path: str) -> str | None:
    """`path` (relative to the scan root) as a URI reference; None for a path outside the root or absolute.

    Absolute paths would differ between machines (and break byte-identical output); GitHub resolves
    relative URIs against the checkout, which is the scan root in CI.
    """
    posix = path.replace("\\", "/")
    if not posix or posix.startswith("/") or _SCHEME.match(posix):
        return None  # absolute, or a Windows drive (`C:`), or a URL
    parts = [p for p in posix.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    # `safe="/"` keeps separators and unreserved characters; everything else (space, `%`, `#`, `:`, non-ASCII
    # as UTF-8) is percent-encoded, which GitHub decodes with decodeURIComponent.
    return quote("/".join(parts), safe="/")


def physical(position: Position) -> sarif.PhysicalLocation | None:
    uri = relative_uri(position.file)
    if uri is None:
        return None
    return sarif.PhysicalLocation(
        artifact_location=sarif.ArtifactLocation(uri=uri, uri_base_id=SRCROOT),
        region=sarif.Region(start_line=max(position.line, 1), start_column=max(position.column, 1)),
    )


def physical_data(position: Position) -> dict[str, Any] | None:
    """`physical(position)` as the JSON it is written as (what results use: see `results.to_sarif`)."""
    uri = relative_uri(position.file)
    if uri is None:
        return None
    return {"artifactLocation": {"uri": uri, "uriBaseId": SRCROOT},
            "region": {"startLine": max(position.line, 1), "startColumn": max(position.column, 1)}}


def logical_data(resource: Resource) -> dict[str, Any]:
    """`logical(resource)` as the JSON it is written as (None members left out, as the serializer does)."""
    data: dict[str, Any] = {"kind": "resource",
                            "properties": {"resourceType": resource.type} if resource.type is not None else {}}
    if resource.display_name is not None:
        data["name"] = resource.display_name
    if isinstance(resource.id, str):
        data["fullyQualifiedName"] = resource.id
    return data


def logical(resource: Resource) -> sarif.LogicalLocation:
    """The Azure resource a finding is about: its id survives re-exports that move the row in the file."""
    return sarif.LogicalLocation(
        name=resource.display_name,
        fully_qualified_name=resource.id if isinstance(resource.id, str) else None,
        kind="resource",
        properties={"resourceType": resource.type},
    )


def escape_link_text(text: str) -> str:
    """Link text of a SARIF embedded link `[text](id)`: `\\`, `[` and `]` are escaped with a backslash."""
    return _LINK_SPECIAL.sub(r"\\\1", text)


def plain_message(text: str) -> str:
    """A message that is not meant to contain links: escape brackets only where `[..](..)` could be read as
    one (escaping everywhere would show stray backslashes in viewers that do not unescape)."""
    return escape_link_text(text) if "](" in text else text
