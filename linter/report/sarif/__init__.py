"""The SARIF 2.1.0 report, shaped for GitHub code scanning (and read by Azure DevOps and SARIF viewers).

One run per analysis. `automationDetails.id` is the report's category (`drlint/templates/`,
`drlint/resource-graph/`), so a template scan and a Resource Graph audit of the same repository are two
analyses side by side instead of one replacing the other. Every loaded rule is listed (not only those that
fired), problems with inputs and rules are tool execution notifications, and GitHub's limits are enforced
here, because GitHub rejects a whole upload for one result it does not accept.

sarif-om is imported by this module only: text and JSON scans never load it.
"""

from __future__ import annotations

import io
import json
import os
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import sarif_om as sarif

from linter import __version__
from linter.gcpause import collection_paused
from linter.report.sarif.fingerprints import Fingerprints
from linter.report.sarif.locations import SRCROOT, physical
from linter.report.sarif.results import Candidate, announce, candidate, resource_label, result_text, to_sarif
from linter.report.sarif.rules import NOTIFICATION_TEXT, rule_descriptor
from linter.report.sarif.serialize import Serializer
from linter.report.writing import WriteOptions, reported_results
from linter.results import Outcome, RunReport
from linter.rules import Rule
from linter.vocabulary import SEVERITY_RANK

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/drlint/drlint"
MAX_RESULTS = 25_000  # GitHub: results per run
MAX_GZIP_BYTES = 10 * 1024 * 1024  # GitHub: an upload, gzipped

SERIALIZER = Serializer(keep_defaults={
    (sarif.Result, "level"), (sarif.Notification, "level"), (sarif.ReportingConfiguration, "level"),
})


class _Notes:
    """Tool execution notifications, with one `driver.notifications` descriptor per code used."""

    def __init__(self) -> None:
        self.items: list[tuple[str, sarif.Notification]] = []

    def add(self, code: str, level: str, text: str, location: sarif.PhysicalLocation | None = None,
            rule: sarif.ReportingDescriptorReference | None = None) -> None:
        self.items.append((code, sarif.Notification(
            message=sarif.Message(text=text),
            level=level,
            locations=[sarif.Location(physical_location=location)] if location is not None else None,
            associated_rule=rule,
        )))

    def finish(self) -> tuple[list[sarif.Notification], list[sarif.ReportingDescriptor]]:
        codes = sorted({code for code, _ in self.items})
        index = {code: i for i, code in enumerate(codes)}
        for code, note in self.items:
            note.descriptor = sarif.ReportingDescriptorReference(id=code, index=index[code])
        descriptors = [sarif.ReportingDescriptor(
            id=code, short_description=sarif.MultiformatMessageString(text=NOTIFICATION_TEXT.get(code, code)))
            for code in codes]
        return [note for _, note in self.items], descriptors


def _all_rules(report: RunReport) -> list[Rule]:
    """The loaded rules, plus any rule a result names that the list lacks, sorted by id."""
    by_id: dict[str, Rule] = {rule.id: rule for rule in report.rules}
    for result in report.results:
        by_id.setdefault(result.rule.id, result.rule)
    return [by_id[key] for key in sorted(by_id)]


def _without_root(text: str, root: Path | None) -> str:
    """A message with the scan root's absolute path shortened: the log must not depend on where it ran."""
    if root is None:
        return text
    for spelling in {str(root), root.as_posix()}:
        text = text.replace(spelling, "%SRCROOT%")
    return text


def _diagnostic_notes(report: RunReport, notes: _Notes) -> None:
    for diagnostic in report.diagnostics:
        where = physical(diagnostic.position) if diagnostic.position is not None else None
        notes.add(diagnostic.code, diagnostic.severity if diagnostic.severity in ("error", "note") else "warning",
                  _without_root(diagnostic.message, report.root), where)


def _candidates(report: RunReport, show_unknown: bool, rule_ref: dict[str, sarif.ReportingDescriptorReference],
                notes: _Notes, include_accepted: bool = True) -> list[Candidate]:
    # Accepted findings stay in the log with `suppressions` (SARIF's way to say "dismissed, and why"),
    # unless the user asks to leave them out (GitHub's upload does not act on `suppressions` itself).
    findings = [r for r in reported_results(report, show_unknown, accepted=include_accepted)
                if r.outcome is not Outcome.ERROR]
    fingerprints = Fingerprints(report.root or Path.cwd())
    for result in findings:
        announce(result, fingerprints)
    kept = []
    for result in findings:
        found = candidate(result, fingerprints)
        if found is None:
            notes.add("result-without-location", "warning",
                      f"{result.rule.id} finding on {resource_label(result)} has no source position inside the "
                      f"scanned tree; left out of the SARIF log (GitHub rejects a result without one): "
                      f"{result.message}", rule=rule_ref[result.rule.id])
            continue
        kept.append(found)
    return kept


def _error_notes(report: RunReport, rule_ref: dict[str, sarif.ReportingDescriptorReference],
                 notes: _Notes) -> None:
    for result in report.results:
        if result.outcome is Outcome.ERROR:
            where = physical(result.position) if result.position is not None else None
            notes.add("evaluation-error", "error", _without_root(result.message, report.root), where,
                      rule_ref[result.rule.id])


def cap(found: list[Candidate], limit: int = MAX_RESULTS) -> tuple[list[Candidate], int]:
    """At most `limit` results: the most severe first (error, warning, note), in report order within a level."""
    if len(found) <= limit:
        return found, 0
    # sorted() is stable: open findings first, the most severe first; accepted (dismissed) ones last
    ranked = sorted(found, key=lambda c: (c.result.accepted, -SEVERITY_RANK[c.level]))
    return ranked[:limit], len(found) - limit


def build_log(report: RunReport, show_unknown: bool, limit: int = MAX_RESULTS,
              include_accepted: bool = True) -> sarif.SarifLog:
    log, found, rule_index, baseline_file = _planned_log(report, show_unknown, limit, include_accepted)
    log.runs[0].results = [to_sarif(c, rule_index[c.result.rule.id], baseline_file) for c in found]
    return log


def _planned_log(report: RunReport, show_unknown: bool, limit: int, include_accepted: bool,
                 ) -> tuple[sarif.SarifLog, list[Candidate], dict[str, int], str | None]:
    """The log without its results (`results` is None), and what they are made from: the findings kept, the
    rules' indexes and the baseline file."""
    rules = _all_rules(report)
    rule_index = {rule.id: i for i, rule in enumerate(rules)}
    rule_ref = {rule.id: sarif.ReportingDescriptorReference(id=rule.id, index=i) for i, rule in enumerate(rules)}
    notes = _Notes()
    _diagnostic_notes(report, notes)
    _error_notes(report, rule_ref, notes)
    found, dropped = cap(_candidates(report, show_unknown, rule_ref, notes, include_accepted), limit)
    properties: dict[str, object] = {"posture": report.posture, "resources": report.resource_count}
    baseline_file = report.baseline.file if report.baseline is not None else None
    if report.baseline is not None:
        properties["baseline"] = {"file": baseline_file, "new": report.baseline.new,
                                  "unchanged": report.baseline.unchanged, "fixed": len(report.baseline.fixed)}
    if dropped:
        notes.add("results-capped", "warning",
                  f"{len(found) + dropped} results exceed GitHub's limit of {limit} per run; the {dropped} least "
                  f"severe were left out. Narrow the scan (--select, --ignore, fewer paths) to see them.")
        properties["resultsOmitted"] = dropped
    notifications, descriptors = notes.finish()
    failed = any(d.severity == "error" for d in report.diagnostics) or any(
        r.outcome is Outcome.ERROR for r in report.results)
    run = sarif.Run(
        tool=sarif.Tool(driver=sarif.ToolComponent(
            name="drlint", version=__version__, semantic_version=__version__, information_uri=INFORMATION_URI,
            rules=[rule_descriptor(rule) for rule in rules], notifications=descriptors or None)),
        automation_details=sarif.RunAutomationDetails(id=report.category),
        original_uri_base_ids={SRCROOT: sarif.ArtifactLocation(description=sarif.Message(
            text="The folder drlint scanned (the repository root when run there); result URIs are relative "
                 "to it."))},
        column_kind="unicodeCodePoints",
        invocations=[sarif.Invocation(execution_successful=not failed,
                                      tool_execution_notifications=notifications or None)],
        properties=properties,
    )
    return sarif.SarifLog(version=SARIF_VERSION, schema_uri=SCHEMA_URI, runs=[run]), found, rule_index, baseline_file


# Stands for the results in the text of the rest of the log; they are written in its place, a batch at a time.
# Serialised, it is `["\u0000..."]`: `["` cannot occur inside a JSON string, so it is found only where it stands.
_RESULTS_MARK = "\0drlint results\0"
_MARK_TEXT = json.dumps([_RESULTS_MARK], ensure_ascii=True, separators=(",", ":"))
RESULTS_PER_PIECE = 1_000
# Whether a long log fits GitHub's limit is first told by compressing it at zlib's fastest level (0.10 s for a
# 20 MB log of 25,000 results, against 0.17 s at the default level 6; its output is larger, 1.19 MB against
# 0.81 MB there). Only a log whose quick size is over ESTIMATE_MARGIN of the limit is compressed again at
# level 6, for the exact size that decides and that the log reports: level 6's lazier, longer match search
# does not come out 11% larger than level 1's, so a log whose quick size is under the margin fits.
QUICK_LEVEL = 1
ESTIMATE_MARGIN = 0.9


def _pieces(log: sarif.SarifLog, found: list[Candidate], rule_index: dict[str, int],
            baseline_file: str | None) -> Iterator[str]:
    """The log's text in pieces, whose concatenation is `SERIALIZER.dumps` of the whole log: the results are
    made and serialised a batch at a time, so neither all of their data nor the whole text is ever held."""
    run = log.runs[0]
    run.results = [_RESULTS_MARK]
    try:
        text = SERIALIZER.dumps(log)
    finally:
        run.results = None
    head, mark, tail = text.partition(_MARK_TEXT)
    assert mark and _MARK_TEXT not in tail, "the results' place in the log is ambiguous"
    yield head + "["
    for start in range(0, len(found), RESULTS_PER_PIECE):
        texts: list[str] = []
        data: list[dict] = []  # results made as data, serialised together (one encoder call, not one each)
        for c in found[start:start + RESULTS_PER_PIECE]:
            index = rule_index[c.result.rule.id]
            text = result_text(c, index)
            if text is None:
                data.append(to_sarif(c, index, baseline_file))
                continue
            if data:
                texts.append(SERIALIZER.dumps(data)[1:-1])
                data.clear()
            texts.append(text)
        if data:
            texts.append(SERIALIZER.dumps(data)[1:-1])
        items = ",".join(texts)  # the list's items, as the encoder separates them
        yield items if start == 0 else "," + items
    yield "]" + tail


def gzipped_size(text: str, chunk: int = 1 << 20) -> int:
    """The size of `gzip.compress(text, 6, mtime=0)` (a gzip stream: zlib's `wbits=31`, the same bytes),
    compressed a slice at a time so a large log is never held twice (as text and as bytes)."""
    sizer = _GzipSize()
    for start in range(0, len(text), chunk):
        sizer.add(text[start:start + chunk])
    return sizer.total()


class _GzipSize:
    """The gzipped size of text given a piece at a time (zlib's output does not depend on how it is cut)."""

    __slots__ = ("_compressor", "_size")

    def __init__(self, level: int = 6) -> None:
        # mtime=0: the size must not depend on the clock (it is written into the log when too large).
        self._compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
        self._size = 0

    def add(self, piece: str) -> None:
        self._size += len(self._compressor.compress(piece.encode("ascii")))

    def total(self) -> int:
        return self._size + len(self._compressor.flush())


def render(report: RunReport, show_unknown: bool, limit: int = MAX_RESULTS,
           max_gzip_bytes: int = MAX_GZIP_BYTES, include_accepted: bool = True) -> tuple[str, list[str]]:
    """The SARIF text, and warnings for standard error (results left out, a log GitHub would refuse)."""
    out = io.StringIO()
    warnings = write_log(report, out, show_unknown, limit, max_gzip_bytes, include_accepted)
    return out.getvalue(), warnings


def write_log(report: RunReport, out: TextIO, show_unknown: bool, limit: int = MAX_RESULTS,
              max_gzip_bytes: int = MAX_GZIP_BYTES, include_accepted: bool = True) -> list[str]:
    """Write the SARIF text to `out` as it is made; return warnings for standard error (results left out, a
    log GitHub would refuse).

    Whether GitHub would refuse the log (over its gzipped size limit) is known only once all of it is made,
    and such a log must say so in its `invocations`, before the results. So the pieces go to `out` as they
    are made when it can be rewound (a file), else they are held until the end (a pipe); a log over the limit
    (rare: 25,000 results compress to a few megabytes) is then written again, with the note, over the first.
    """
    # Hundreds of thousands of small acyclic objects: the cyclic collector's passes would only add time.
    with collection_paused():
        log, found, rule_index, baseline_file = _planned_log(report, show_unknown, limit, include_accepted)
        run = log.runs[0]
        warnings = [n.message.text for n in run.invocations[0].tool_execution_notifications or []
                    if n.descriptor.id == "results-capped"]
        start = out.tell() if _rewindable(out) else None
        held: list[str] = []
        # gzip never doubles a text, so a short log needs no compressing to know it fits: the pieces of the
        # first half of the limit are only compressed if more follow.
        uncompressed: list[str] = []
        sizer: _GzipSize | None = None
        length = 0
        for piece in _pieces(log, found, rule_index, baseline_file):
            length += len(piece)
            if start is None:
                held.append(piece)
            else:
                out.write(piece)
            if sizer is not None:
                sizer.add(piece)
            elif length > max_gzip_bytes // 2:
                sizer = _GzipSize(QUICK_LEVEL)
                for earlier in uncompressed:
                    sizer.add(earlier)
                sizer.add(piece)
                uncompressed.clear()
            else:
                uncompressed.append(piece)
        size = length if sizer is None else sizer.total()
        if sizer is not None and size > max_gzip_bytes * ESTIMATE_MARGIN:
            # near or over the limit by the quick size: the exact size at gzip's default level decides (and is
            # what the log says), from the same text (held, or made again)
            exact = _GzipSize()
            for piece in held or _pieces(log, found, rule_index, baseline_file):
                exact.add(piece)
            size = exact.total()
        if size <= max_gzip_bytes:
            out.writelines(held)
            return warnings
        warning = (f"the SARIF log is {size} bytes gzipped, over GitHub's upload limit of {max_gzip_bytes}; "
                   f"split the scan (by folder, or --select) so each upload stays under it")
        run.properties["gzippedBytes"] = size
        note = sarif.Notification(message=sarif.Message(text=warning), level="warning",
                                  descriptor=sarif.ReportingDescriptorReference(id="log-too-large"))
        _append_notification(run, run.invocations[0], note)
        if start is not None:
            # the log written again is longer than the first (it adds a note), so it covers all of it
            out.seek(start)
        held.clear()
        for piece in _pieces(log, found, rule_index, baseline_file):
            out.write(piece)
        return [*warnings, warning]


def _rewindable(out: TextIO) -> bool:
    """Whether what is written to `out` can be written again from where it started: a seekable stream that
    does not append (appended writes go to the end, wherever the stream was positioned: `>> log.sarif`)."""
    if not out.seekable() or "a" in getattr(out, "mode", ""):
        return False
    try:
        descriptor = out.fileno()
    except (OSError, ValueError):  # in memory (io.StringIO): no file, nothing appends
        return True
    try:
        import fcntl
    except ImportError:  # no way to ask whether the file appends: hold the log instead
        return False
    return not fcntl.fcntl(descriptor, fcntl.F_GETFL) & os.O_APPEND


def _append_notification(run: sarif.Run, invocation: sarif.Invocation, note: sarif.Notification) -> None:
    descriptors = run.tool.driver.notifications or []
    ids = [d.id for d in descriptors]
    if note.descriptor.id not in ids:
        descriptors.append(sarif.ReportingDescriptor(
            id=note.descriptor.id,
            short_description=sarif.MultiformatMessageString(text=NOTIFICATION_TEXT[note.descriptor.id])))
        ids.append(note.descriptor.id)
    note.descriptor.index = ids.index(note.descriptor.id)
    run.tool.driver.notifications = descriptors
    invocation.tool_execution_notifications = [*(invocation.tool_execution_notifications or []), note]


def write(report: RunReport, out: TextIO, options: WriteOptions) -> None:
    warnings = write_log(report, out, options.show_unknown, MAX_RESULTS, MAX_GZIP_BYTES, options.accepted)
    out.write("\n")
    for warning in warnings:
        print(f"drlint: warning: {warning}", file=sys.stderr)
