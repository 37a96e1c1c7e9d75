"""Baselines: adopt drlint on an existing estate by recording today's findings and reporting only new ones.

`drlint scan --write-baseline FILE` records every unsuppressed finding (failures and unknowns); `--baseline
FILE` marks the findings it records as `unchanged` (not failures; SARIF shows them dismissed) and the rest as
`new`, and counts the entries no longer found as fixed.

A finding is matched by what it is about, never by where it is written, so moving lines and reformatting a
template do not make it new:

- `rule`: the rule id;
- `resource`: the resource id, or `type/name` when the id depends on deployment-time values, or `<estate>` for
  estate-wide findings (a rule about every hub together);
- `fingerprint`: a hash of the rule, the resource, the outcome (fail or unknown) and, for a resource without a
  known id, the deployment and template it came from (two deployments of one template are two resources).

Entries are matched on all three first, then on rule and resource alone (a renamed template file), each entry
at most once. The file is JSON, sorted and without timestamps so that it diffs well in review. It is untrusted
input like any other: its size, depth and entry count are bounded and every problem is reported at its line.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from linter import __version__
from linter.diagnostics import Diagnostic
from linter.inputs.jsondoc import JsonError, read_json
from linter.model import Position
from linter.records import field, record
from linter.results import Outcome, Result

FORMAT = "drlint-baseline"
VERSION = 1
MAX_ENTRIES = 100_000
MAX_BYTES = 48 * 1024 * 1024  # ~100,000 entries with their messages
MAX_FIELD = 4_096
MAX_PROBLEMS = 20  # located problems listed before the rest are counted
_RECORDED = (Outcome.FAIL, Outcome.UNKNOWN)
CODE = "baseline-error"


@record(frozen=True)
class Entry:
    rule: str
    resource: str
    fingerprint: str

    def loose(self) -> tuple[str, str]:
        return self.rule.upper(), self.resource.lower()

    def exact(self) -> tuple[str, str, str]:
        return self.rule.upper(), self.resource.lower(), self.fingerprint.lower()


@record
class BaselineSummary:
    """How a run compared with its baseline (shown in every output format)."""

    file: str
    unchanged: int = 0
    new: int = 0
    fixed: list[Entry] = field(default_factory=list)


def resource_key(result: Result) -> str:
    if result.estate_scope or result.resource is None:
        return "<estate>"
    resource = result.resource
    if isinstance(resource.id, str):
        return resource.id
    return f"{resource.type}/{resource.display_name}"


def fingerprint(result: Result) -> str:
    resource = result.resource
    parts = [result.rule.id.upper(), resource_key(result).lower(), result.outcome.value]
    if resource is not None and not isinstance(resource.id, str) and not result.estate_scope:
        parts += [resource.origin.kind, resource.origin.file, resource.origin.deployment or ""]
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:20]


def entry_of(result: Result) -> Entry:
    return Entry(result.rule.id, resource_key(result), fingerprint(result))


def recorded(results: list[Result]) -> list[Result]:
    """The findings a baseline records: failures and unknowns that are not suppressed."""
    return [r for r in results if r.outcome in _RECORDED and not r.suppressions]


def render(results: list[Result], posture: str) -> str:
    entries = []
    for result in recorded(results):
        entry = entry_of(result)
        position = result.position
        entries.append({
            "rule": entry.rule,
            "resource": entry.resource,
            "fingerprint": entry.fingerprint,
            # Informative only (never matched on): where the finding was when it was recorded.
            "outcome": result.outcome.value,
            "file": position.file if position is not None else None,
            "message": result.message,
        })
    entries.sort(key=lambda e: (e["rule"], e["resource"].lower(), e["fingerprint"]))
    document = {"format": FORMAT, "version": VERSION, "tool": f"drlint {__version__}", "posture": posture,
                "entries": entries}
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


def write_baseline(path: Path, results: list[Result], posture: str) -> int:
    """Write the baseline file; returns the number of entries. Raises OSError."""
    text = render(results, posture)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return len(recorded(results))


def read_baseline(path: Path, display: str) -> tuple[list[Entry], list[Diagnostic]]:
    """The entries of a baseline file, and located problems (a broken entry is skipped, the rest used)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise JsonError(f"is {size} bytes; the limit is {MAX_BYTES}", Position(display))
        document = read_json(path, display)
    except OSError as exc:
        return [], [Diagnostic(f"baseline cannot be read: {exc.strerror}", Position(display), code=CODE)]
    except JsonError as exc:
        return [], [Diagnostic(f"baseline {exc}; every finding is reported as new", exc.position, code=CODE)]
    data = document.data
    problems: list[Diagnostic] = []

    def problem(message: str, where: tuple[str | int, ...]) -> None:
        if len(problems) < MAX_PROBLEMS:
            problems.append(Diagnostic(message, document.position(where), code=CODE))
        elif len(problems) == MAX_PROBLEMS:
            problems.append(Diagnostic("more problems in the baseline file are not listed", Position(display),
                                       code=CODE))

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        problem(f"not a drlint baseline (expected an object with \"format\": \"{FORMAT}\"); write one with "
                f"`drlint scan ... --write-baseline FILE`", ())
        return [], problems
    if data.get("version") != VERSION:
        problem(f"baseline version {data.get('version')!r} is not supported (this drlint reads {VERSION}); "
                f"write it again with --write-baseline", ("version",))
        return [], problems
    raw = data.get("entries")
    if not isinstance(raw, list):
        problem("`entries` is a list of {rule, resource, fingerprint}", ("entries",))
        return [], problems
    if len(raw) > MAX_ENTRIES:
        problem(f"{len(raw)} entries; at most {MAX_ENTRIES} are read", ("entries",))
        raw = raw[:MAX_ENTRIES]
    entries = []
    for i, item in enumerate(raw):
        entry = _entry(item)
        if entry is None:
            problem("a baseline entry needs string `rule`, `resource` and `fingerprint` (at most "
                    f"{MAX_FIELD} characters each); entry skipped", ("entries", i))
            continue
        entries.append(entry)
    return entries, problems


def _entry(item: Any) -> Entry | None:
    if not isinstance(item, dict):
        return None
    values = [item.get(k) for k in ("rule", "resource", "fingerprint")]
    if not all(isinstance(v, str) and v and len(v) <= MAX_FIELD for v in values):
        return None
    return Entry(*values)


def apply_baseline(results: list[Result], entries: list[Entry], display: str) -> BaselineSummary:
    """Mark each recorded finding `unchanged` (in the baseline) or `new`; count entries no longer found."""
    summary = BaselineSummary(display)
    findings = recorded(results)
    exact = Counter(e.exact() for e in entries)
    left: list[Result] = []
    for result in findings:
        key = entry_of(result).exact()
        if exact[key] > 0:
            exact[key] -= 1
            result.baseline_state = "unchanged"
        else:
            left.append(result)
    remaining = [e for e in entries if _take(exact, e.exact())]
    loose = Counter(e.loose() for e in remaining)
    for result in left:
        key = entry_of(result).loose()
        if loose[key] > 0:
            loose[key] -= 1
            result.baseline_state = "unchanged"
        else:
            result.baseline_state = "new"
    summary.fixed = [e for e in remaining if _take(loose, e.loose())]
    summary.unchanged = sum(1 for r in findings if r.baseline_state == "unchanged")
    summary.new = sum(1 for r in findings if r.baseline_state == "new")
    return summary


def _take(counter: Counter, key: Any) -> bool:
    """True (and one fewer) while `counter` still has unmatched copies of `key`."""
    if counter[key] > 0:
        counter[key] -= 1
        return True
    return False


def summary_text(summary: BaselineSummary) -> str:
    fixed = len(summary.fixed)
    shown = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", "?", summary.file)  # a path as typed: no control chars
    return (f"baseline {shown}: {summary.new} new, {summary.unchanged} unchanged, {fixed} fixed"
            + (" (rewrite it with --write-baseline to drop the fixed entries)" if fixed else ""))
