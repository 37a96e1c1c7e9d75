"""GitHub Actions workflow commands: each finding becomes an annotation on the file and line it is about.

`::error file=infra/main.bicep,line=12,col=5,title=DR201 hub-storage-geo-redundant::Hub 'x' ...`

Chosen automatically when GITHUB_ACTIONS=true and no format is given. Everything written is input-derived
(file names, resource names, messages), so it is escaped as the runner expects (the rules of the Actions
toolkit): in the message, `%`, CR and LF; in properties also `:` and `,`. Other control characters are
written as `\\xNN` text: the runner would take them as they are, and nothing in a log should be able to
start a new command or move the cursor. Findings without a file become annotations without a location.
"""

from __future__ import annotations

import re
from typing import TextIO

from linter.report.text import summary_line
from linter.report.writing import WriteOptions, reported_results
from linter.results import Outcome, Result, RunReport

_LEVEL = {"error": "error", "warning": "warning", "note": "notice"}
# Controls, plus the bidirectional controls and lone surrogates that `report.escape` also makes visible: an
# annotation is read by people, and a right-to-left override would make it read differently from what it says.
_CONTROL = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
MAX_MESSAGE = 4_000  # an annotation shows a few lines; the rest of a long message is cut


def _visible(text: str) -> str:
    return _CONTROL.sub(_shown, text)


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_data(text: str) -> str:
    """A command's message (after `::`)."""
    return _visible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (`file=`, `title=`)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, file: str | None = None, line: int | None = None, col: int | None = None,
            title: str | None = None) -> str:
    properties = []
    if file:
        properties.append(f"file={escape_property(file)}")
        if line:
            properties.append(f"line={int(line)}")
            if col:
                properties.append(f"col={int(col)}")
    if title:
        properties.append(f"title={escape_property(title)}")
    head = f"::{level} {','.join(properties)}" if properties else f"::{level}"
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 1] + "…"
    return f"{head}::{escape_data(message)}"


def workspace_prefix(report: RunReport) -> str:
    """Annotation paths are relative to the repository (GITHUB_WORKSPACE); drlint's are relative to the scan
    root. When the root is a folder inside the workspace (`cd infra && drlint scan .`), that folder is the
    prefix to add."""
    import os
    from pathlib import Path

    workspace = os.environ.get("GITHUB_WORKSPACE")
    if not workspace or report.root is None:
        return ""
    try:
        inner = Path(report.root).resolve().relative_to(Path(workspace).resolve()).as_posix()
    except (ValueError, OSError):
        return ""
    return "" if inner == "." else inner + "/"


def _finding(result: Result, prefix: str = "") -> str:
    if result.outcome is Outcome.UNKNOWN:
        level, title = "notice", f"{result.rule.id} cannot tell"
    elif result.outcome is Outcome.ERROR:
        level, title = "error", f"{result.rule.id} could not be evaluated"
    else:
        level, title = _LEVEL.get(result.severity, "warning"), f"{result.rule.id} {result.rule.name}"
    position = result.position
    message = result.message
    if result.baseline_state == "new":
        message = f"(new since the baseline) {message}"
    if position is None:
        return command(level, message, title=title)
    return command(level, message, prefix + position.file, position.line, position.column, title)


def write(report: RunReport, out: TextIO, options: WriteOptions) -> None:
    prefix = workspace_prefix(report)
    for diagnostic in report.diagnostics:
        level = "error" if diagnostic.severity == "error" else "warning"
        position = diagnostic.position
        title = f"drlint {diagnostic.code}"
        if position is None:
            out.write(command(level, diagnostic.message, title=title) + "\n")
        else:
            out.write(command(level, diagnostic.message, prefix + position.file, position.line, position.column,
                              title) + "\n")
    for result in reported_results(report, options.show_unknown):
        out.write(_finding(result, prefix) + "\n")
    # A plain line for the log (not a command): what the run found, as in the text report.
    out.write(_visible(summary_line(report)) + "\n")
    if report.baseline is not None:
        from linter.baseline import summary_text

        out.write(_visible(summary_text(report.baseline)) + "\n")
