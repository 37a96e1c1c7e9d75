"""The files one load reads: parsed once, read only inside the scan root, with a size limit.

Modules, imports and `load*Content()` name other files by relative path; every such read goes through
here, so no template can make drlint read outside the scanned tree or an unbounded amount of data.
"""

from __future__ import annotations

from pathlib import Path

from linter.diagnostics import Diagnostic
from linter.filesafe import FileReadError, read_regular_file
from linter.inputs import LoadContext
from linter.inputs.bicep.syntax import ast as A
from linter.inputs.bicep.syntax.parser import MAX_SOURCE_CHARS, parse
from linter.inputs.bicep.syntax.problems import SyntaxProblem
from linter.model import Position
from linter.records import field, record

MAX_LOADED_BYTES = 4 * 1024 * 1024  # load*Content(): Bicep's own limits are lower still


@record
class ParsedFile:
    path: Path  # resolved
    display: str
    tree: A.File
    problems: list[SyntaxProblem] = field(default_factory=list)


def _decode(data: bytes) -> tuple[str, int | None]:
    """The text (a byte order mark dropped), and the offset of the first byte that is not UTF-8, if any."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return data.decode("utf-8-sig", errors="replace"), exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)


class Workspace:
    def __init__(self, ctx: LoadContext) -> None:
        self.ctx = ctx
        self.diagnostics: list[Diagnostic] = []
        self._parsed: dict[Path, ParsedFile | str] = {}  # the parsed file, or why it cannot be read
        self._reported: set[Path] = set()
        self.cache: dict[object, object] = {}  # transpiled templates, by file and role

    def display(self, path: Path) -> str:
        return self.ctx.display(path)

    def read_bytes(self, path: Path, limit: int = MAX_LOADED_BYTES) -> bytes | str:
        """The file's bytes, or why it cannot be read (a sentence)."""
        shown = self.display(path)
        if not self.ctx.inside_root(path):
            return f"{shown} is outside the scanned tree; it is not read"
        if not path.exists():
            return f"{shown} does not exist"
        try:
            return read_regular_file(path, limit)  # never a FIFO or a device
        except FileReadError as exc:
            return f"{shown}: {exc}"

    def parse(self, path: Path) -> ParsedFile | str:
        """The parsed file (syntax problems reported once, as diagnostics), or why it cannot be read."""
        resolved = path.resolve()
        if resolved in self._parsed:
            return self._parsed[resolved]
        data = self.read_bytes(resolved, MAX_SOURCE_CHARS * 4)
        if isinstance(data, str):
            self._parsed[resolved] = data
            return data
        display = self.display(resolved)
        params = resolved.name.lower().endswith(".bicepparam")
        text, bad_at = _decode(data)
        tree, problems = parse(text, display, params=params)
        parsed = ParsedFile(resolved, display, tree, problems)
        self._parsed[resolved] = parsed
        if bad_at is not None:
            line = data.count(b"\n", 0, bad_at) + 1
            column = bad_at - (data.rfind(b"\n", 0, bad_at) + 1) + 1
            self.diagnostics.append(Diagnostic(
                f"not valid UTF-8 (byte 0x{data[bad_at]:02x}); such bytes are read as U+FFFD, so names and values "
                "around it may be wrong: save the file as UTF-8", Position(display, line, column), severity="error"))
        self._report_problems(parsed)
        return parsed

    def _report_problems(self, parsed: ParsedFile) -> None:
        if parsed.path in self._reported:
            return
        self._reported.add(parsed.path)
        for problem in parsed.problems:
            self.diagnostics.append(Diagnostic(
                f"{problem.message}; the declarations around it are not checked",
                Position(parsed.display, problem.line, problem.col), severity="error"))

    def report(self, message: str, position: Position, severity: str = "warning") -> None:
        diagnostic = Diagnostic(message, position, severity=severity)
        if not any(d.message == message and d.position == position for d in self.diagnostics[-50:]):
            self.diagnostics.append(diagnostic)


def shared_workspace(ctx: LoadContext) -> Workspace:
    """The one workspace of a load: the planner and the front end parse each file once."""
    found = ctx.shared.get("bicep-workspace")
    if not isinstance(found, Workspace):
        found = Workspace(ctx)
        ctx.shared["bicep-workspace"] = found
    return found
