"""Output formats, declared once: the CLI's `--format` choices and the dispatch to a writer both come from
`OUTPUT_FORMATS`. Each writer is a module with `write(report, out, options)`, imported only when its format
is asked for (SARIF pulls in sarif-om). Writers compute nothing the engine should have.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TextIO

from linter.records import record
from linter.report.writing import WriteOptions
from linter.results import RunReport

Writer = Callable[[RunReport, TextIO, WriteOptions], None]


@record(frozen=True)
class OutputFormat:
    name: str
    module: str  # the writer's module, imported on use
    help: str
    colour: bool = False  # may colour its output (on a terminal, or with --color)
    for_people: bool = False  # else the summary line goes to standard error when the report goes to a file


OUTPUT_FORMATS = (
    OutputFormat("text", "linter.report.text", "for people, grouped by file, with a summary line",
                 colour=True, for_people=True),
    OutputFormat("json", "linter.report.json", "a stable contract for other tools (docs/json-format.md)"),
    OutputFormat("sarif", "linter.report.sarif", "SARIF 2.1.0 for GitHub code scanning and SARIF viewers"),
    OutputFormat("github", "linter.report.github",
                 "GitHub Actions annotations (the default under GitHub Actions when writing to standard output)"),
    OutputFormat("markdown", "linter.report.markdown",
                 "for $GITHUB_STEP_SUMMARY and pull request comments, with the region matrix"),
)
FORMAT_NAMES = tuple(f.name for f in OUTPUT_FORMATS)
DEFAULT_FORMAT = "text"
GITHUB_ACTIONS_FORMAT = "github"  # chosen when GITHUB_ACTIONS=true, no --format and no -o


def output_format(name: str) -> OutputFormat:
    for candidate in OUTPUT_FORMATS:
        if candidate.name == name:
            return candidate
    raise ValueError(f"unknown format {name}; one of {', '.join(FORMAT_NAMES)}")


def writer(name: str) -> Writer:
    """The writer of a format, imported now."""
    return importlib.import_module(output_format(name).module).write
