"""Located syntax problems: what the lexer and parser report instead of raising."""

from __future__ import annotations

from linter.records import record


@record(frozen=True)
class SyntaxProblem:
    """A syntax error at a 1-based line and column of `path`.

    `expected` names what the parser wanted there (e.g. "')'", "expression"), when that is known; `message`
    is the human wording and may change, so callers and tests should rely on the position and `expected`.
    """

    path: str
    line: int
    col: int
    message: str
    expected: str | None = None
    end_line: int = 0
    end_col: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"
