"""Token cursor shared by the parser layers: lookahead, consuming, failing, and node positions.

Parsing code raises `ParseFailure` at the first unexpected token; the declaration parser catches it, reports
one located problem and resumes at the next declaration. `nl_ok` says whether line breaks are insignificant
at the current point (inside parentheses) and `depth` counts expression/type nesting against `MAX_DEPTH`.
"""

from __future__ import annotations

from typing import NoReturn

from linter.inputs.bicep.syntax import ast as A
from linter.inputs.bicep.syntax.lexer import EOF, ID, MSTR, NUM, STR, STR_L, STR_M, STR_R, Token

# Nesting levels of expressions/types. Each level costs about seven Python frames, so this stays well inside
# the default recursion limit even when the parser is itself called from deep in a stack (real files: < 20).
MAX_DEPTH = 96
STRING_START = frozenset((STR, STR_L, MSTR))


class ParseFailure(Exception):
    """Abandon the current declaration; carries where and what was expected."""

    def __init__(self, tok: Token, expected: str | None, message: str | None = None) -> None:
        super().__init__(message or expected)
        self.tok = tok
        self.expected = expected
        self.message = message


def _describe(tok: Token) -> str:
    k = tok.kind
    if k is EOF:
        return "end of file"
    if k is ID:
        return f"'{tok.text}'"
    if k in (STR, STR_L, STR_M, STR_R, MSTR):
        return "string"
    if k is NUM:
        return "number"
    return f"'{tok.text}'"


def describe(tok: Token) -> str:
    """How a token is named in a problem message."""
    k = tok.kind
    if k is EOF:
        return "end of file"
    if k in (STR, STR_L, STR_M, STR_R, MSTR):
        return "string"
    if k is NUM:
        return "number"
    return f"'{tok.text}'"


class Cursor:
    def __init__(self, tokens: list[Token], path: str) -> None:
        self.toks = tokens
        self.i = 0
        self.tok = tokens[0]
        self.prev = tokens[0]
        self.path = path
        self.nl_ok = False
        self.depth = 0

    def advance(self) -> Token:
        t = self.tok
        self.prev = t
        if t.kind is not EOF:
            self.i += 1
            self.tok = self.toks[self.i]
        return t

    def peek(self, n: int = 1) -> Token:
        toks = self.toks
        j = self.i + n
        return toks[j] if j < len(toks) else toks[-1]

    def fail(self, expected: str | None, message: str | None = None) -> NoReturn:
        raise ParseFailure(self.tok, expected, message)

    def expect(self, kind: str) -> Token:
        if self.tok.kind != kind:
            self.fail(f"'{kind}'")
        return self.advance()

    def ident(self, what: str) -> Token:
        if self.tok.kind is not ID:
            self.fail(what)
        return self.advance()

    def keyword(self, word: str) -> Token:
        t = self.tok
        if t.kind is not ID or t.text != word:
            self.fail(f"'{word}'")
        return self.advance()

    def at_word(self, word: str) -> bool:
        t = self.tok
        return t.kind is ID and t.text == word

    def fin(self, node: A.Node, start: Token | A.Node) -> A.Node:
        """Give `node` the start of `start` and the end of the last consumed token."""
        node.line = start.line
        node.col = start.col
        p = self.prev
        node.end_line = p.end_line
        node.end_col = p.end_col
        return node

    def too_deep(self) -> NoReturn:
        self.fail("shallower nesting", f"nesting deeper than {MAX_DEPTH} levels is not supported")

    def separator(self, closer: str) -> None:
        """After an object/array item: a comma, a line break, or the closing bracket must follow."""
        t = self.tok
        if t.kind == ",":
            self.advance()
        elif t.kind != closer and not t.nl:
            self.fail(f"',', new line or '{closer}'")

    def check_unclosed(self, closer: str) -> None:
        """Inside braces, a line that plainly starts a top-level declaration means the brace was never closed
        (nested `resource` declarations and decorators are allowed in objects, so they do not count)."""
        t = self.tok
        if t.nl and t.kind is ID and t.text != "resource" and self.starts_statement(self.i):
            self.fail(f"'{closer}'")

    def starts_statement(self, j: int) -> bool:
        toks = self.toks
        t = toks[j]
        if t.kind is EOF:
            return False
        nxt = toks[j + 1]  # EOF is always last, so a token after a non-EOF one exists
        if t.kind == "@":
            return nxt.kind is ID
        if t.kind is not ID:
            return False
        word = t.text
        if word == "targetScope":
            return nxt.kind == "="
        if word in ("metadata", "var", "param", "output", "type", "assert", "func"):
            return nxt.kind is ID
        if word in ("resource", "module", "test"):
            return nxt.kind is ID and toks[j + 2].kind in STRING_START
        if word == "import":
            return nxt.kind in ("{", "*", STR, ID)
        if word in ("extension", "provider", "using", "extends"):
            return nxt.kind in (ID, STR)
        return False
