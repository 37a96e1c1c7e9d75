"""The JSON report: a stable contract other tools rely on (documented in docs/json-format.md).

Bump FORMAT_VERSION on any incompatible change; adding keys is compatible.
"""

from __future__ import annotations

from json.encoder import encode_basestring_ascii  # json's own (its C version when there is one)
from typing import Any, TextIO

from linter import __version__
from linter.model import Position
from linter.report.writing import WriteOptions
from linter.results import Outcome, Result, RunReport

FORMAT_VERSION = "1"
_REPORTED = (Outcome.FAIL, Outcome.UNKNOWN, Outcome.ERROR)


def _position(position: Position | None) -> dict[str, Any]:
    if position is None:
        return {"file": None, "line": None, "column": None}
    return {"file": position.file, "line": position.line, "column": position.column}


def result_dict(result: Result) -> dict[str, Any]:
    resource = result.resource
    return {
        "rule": result.rule.id,
        "rule_name": result.rule.name,
        "severity": result.severity,
        "outcome": result.outcome.value,
        "resource": resource.id if resource is not None and isinstance(resource.id, str) else None,
        "resource_name": resource.display_name if resource is not None else None,
        "resource_type": resource.type if resource is not None else None,
        "location": resource.location if resource is not None and isinstance(resource.location, str) else None,
        **_position(result.position),
        "message": result.message,
        "reason": result.reason,
        "estate_scope": result.estate_scope,
        "related": [{**_position(r.position), "label": r.label} for r in result.related],
        "suppressions": [{"kind": s.kind, "reason": s.reason, **_position(s.position)} for s in result.suppressions],
        "baseline": result.baseline_state,
    }


def report_dict(report: RunReport) -> dict[str, Any]:
    """Every failure, unknown and error (the contract has no option to leave unknowns out)."""
    return _report_data(report, [result_dict(r) for r in report.results if r.outcome in _REPORTED])


def _report_data(report: RunReport, results: Any) -> dict[str, Any]:
    counts = {outcome.value: 0 for outcome in Outcome}
    for result in report.results:
        counts[result.outcome.value] += 1
    return {
        "version": FORMAT_VERSION,
        "tool": {"name": "drlint", "version": __version__},
        "posture": report.posture,
        "results": results,
        "diagnostics": [
            {"severity": d.severity, "code": d.code, "message": d.message, **_position(d.position)}
            for d in report.diagnostics
        ],
        "summary": {
            "outcomes": counts,
            "rules": [r.id for r in report.rules],
            "files": report.files,
            "resources": report.resource_count,
            "seconds": round(report.seconds, 3),
            "suppressed": sum(1 for r in report.results if r.suppressions),
            "baseline": None if report.baseline is None else {
                "file": report.baseline.file, "new": report.baseline.new, "unchanged": report.baseline.unchanged,
                "fixed": [{"rule": e.rule, "resource": e.resource, "fingerprint": e.fingerprint}
                          for e in report.baseline.fixed]},
        },
    }


def write(report: RunReport, out: TextIO, options: WriteOptions) -> None:
    """`json.dump(report_dict(report), out, indent=2)`, byte for byte, but each result's data is made as it is
    written, and the text is made by the `_Indented` writer below instead of json's indenting encoder (which
    is pure Python, a generator per container: half a second for 25,000 results)."""
    reported = _Reported([r for r in report.results if r.outcome in _REPORTED])
    writer = _Indented(out)
    writer.value(_report_data(report, reported), 0)
    writer.flush()
    out.write("\n")


class _Reported:
    """The results of the report, made into data one at a time as they are written."""

    __slots__ = ("results",)

    def __init__(self, results: list[Result]) -> None:
        self.results = results


_INDENT = "  "
_ITEM_SEPARATOR, _KEY_SEPARATOR = ",", ": "  # json.dump's separators when it indents
_FLUSH_PARTS = 1 << 14


class _Indented:
    """JSON text as `json.dump(value, out, indent=2)` writes it (ensure_ascii, keys in insertion order, the
    same numbers, the same errors for what JSON cannot hold), written to `out` a few thousand pieces at a
    time."""

    __slots__ = ("_names", "_out", "_parts")

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._parts: list[str] = []
        self._names: dict[str, str] = {}  # member names as written, with the separator after them

    def flush(self) -> None:
        self._out.write("".join(self._parts))
        self._parts.clear()

    def value(self, value: Any, level: int) -> None:
        parts = self._parts
        kind = type(value)
        if kind is str:
            parts.append(encode_basestring_ascii(value))
        elif kind is dict:
            self._object(value, level)
        elif kind is list:
            self._array(value, level)
        elif kind is _Reported:
            self._array(value.results, level, made=result_dict)
        elif isinstance(value, (str, int, float)) or value is None:  # booleans are ints
            parts.append(_scalar(value))
        elif isinstance(value, (list, tuple)):
            self._array(value, level)
        elif isinstance(value, dict):
            self._object(value, level)
        else:
            raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")
        if len(parts) >= _FLUSH_PARTS:
            self.flush()

    def _array(self, items: Any, level: int, made: Any = None) -> None:
        parts = self._parts
        if not items:
            parts.append("[]")
            return
        inner = "\n" + _INDENT * (level + 1)
        parts.append("[" + inner)
        first = True
        for item in items:
            if not first:
                parts.append(_ITEM_SEPARATOR + inner)
            first = False
            self.value(made(item) if made is not None else item, level + 1)
        parts.append("\n" + _INDENT * level + "]")

    def _object(self, members: dict[Any, Any], level: int) -> None:
        parts = self._parts
        if not members:
            parts.append("{}")
            return
        inner = "\n" + _INDENT * (level + 1)
        lead = "{" + inner
        names = self._names
        for key, item in members.items():
            name = names.get(key) if type(key) is str else None
            if name is None:
                name = encode_basestring_ascii(_key(key)) + _KEY_SEPARATOR
                if type(key) is str:
                    names[key] = name
            kind = type(item)
            # the common members (strings, numbers, null) are written here, without a call per value
            if kind is str:
                parts.append(lead + name + encode_basestring_ascii(item))
            elif item is None:
                parts.append(lead + name + "null")
            elif kind is int:
                parts.append(lead + name + int.__repr__(item))
            else:
                parts.append(lead + name)
                self.value(item, level + 1)
            lead = _ITEM_SEPARATOR + inner
        parts.append("\n" + _INDENT * level + "}")


def _scalar(value: str | int | float | None) -> str:
    """A string, number, boolean or null, as json's encoder writes it."""
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    return _float(value)


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    """A member name as json writes it: strings as they are, numbers, booleans and null as their JSON text."""
    if isinstance(key, str):
        return key
    if isinstance(key, (int, float)) or key is None:  # booleans are ints
        return _scalar(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")
