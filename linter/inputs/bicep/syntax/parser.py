"""Bicep parser: recursive descent for declarations and types, precedence climbing (Pratt) for expressions.

Entry points: `parse(text, path)` for `.bicep` and `.bicepparam` text (the kind is taken from the path unless
`params` says otherwise), `parse_params(text, path)`, and `parse_path(path)` which reads a file first.

The parser never raises. A syntax error abandons the current top-level declaration, is reported once as a
located `SyntaxProblem`, and parsing resumes at the next line that starts a declaration, so one typo does not
hide the rest of the file from the linter. Nesting deeper than `MAX_DEPTH` and inputs larger than
`MAX_SOURCE_CHARS` are reported, not attempted.

Newlines: Bicep separates declarations, object properties and array items by line breaks, but lets
expressions continue across lines inside parentheses, after an operator, and before `?`, `:`, `&&`, `||`,
`??` and `|` (union types). Each token knows whether a line break precedes it (`Token.nl`); `self.nl_ok` is
true inside parentheses, where that flag is ignored, and false inside braces and brackets.

Layers, each a subclass of the one before: `cursor.Cursor` (tokens, failures, positions) ->
`expressions.ExpressionParser` -> `types.TypeParser` -> `_Parser` here (declarations, recovery).
"""

from __future__ import annotations

from pathlib import Path

from linter.filesafe import read_regular_file
from linter.inputs.bicep.syntax import ast as A
from linter.inputs.bicep.syntax.cursor import MAX_DEPTH, STRING_START, ParseFailure, describe
from linter.inputs.bicep.syntax.lexer import BAD, EOF, ID, STR, Token, tokenize
from linter.inputs.bicep.syntax.problems import SyntaxProblem
from linter.inputs.bicep.syntax.types import TypeParser

__all__ = ["INTERNAL_ERROR", "MAX_DEPTH", "MAX_PROBLEMS", "MAX_SOURCE_CHARS", "parse", "parse_params", "parse_path"]

MAX_SOURCE_CHARS = 5 * 1024 * 1024
MAX_PROBLEMS = 200  # per file: past this, the file is garbage and more messages help nobody
INTERNAL_ERROR = "internal error"  # `expected` of the problem reported if the parser itself fails
_DEPTH_DELTA = {"(": 1, "[": 1, "[?": 1, "{": 1, ")": -1, "]": -1, "}": -1}


class _Parser(TypeParser):
    """Declarations, the file loop and error recovery, on top of the expression and type parsers."""

    def __init__(self, tokens: list[Token], path: str, params: bool) -> None:
        super().__init__(tokens, path)
        self.params = params
        self.problems: list[SyntaxProblem] = []

    # ------------------------------------------------------------ file and recovery

    def parse_file(self) -> list[A.Statement]:
        statements: list[A.Statement] = []
        while self.tok.kind is not EOF:
            start_i = self.i
            try:
                st = self.statement()
                statements.append(st)
                if self.tok.kind is not EOF and not self.tok.nl:
                    start_i = self.i  # the declaration itself is fine; skip only what follows it
                    self.fail("new line", f"expected a new line after the declaration, found {describe(self.tok)}")
            except ParseFailure as f:
                self.report(f)
                self.recover(start_i)
            except RecursionError:
                self.report(ParseFailure(self.tok, "shallower nesting", "expression nested too deeply to parse"))
                self.recover(start_i)
        return statements

    def report(self, f: ParseFailure) -> None:
        tok = f.tok
        if tok.kind is BAD:  # the lexer has already reported this character
            return
        message = f.message if f.message is not None else f"expected {f.expected}, found {describe(tok)}"
        line, col, end_line, end_col = tok.line, tok.col, tok.end_line, tok.end_col
        if (tok.nl or tok.kind is EOF) and self.i > 0:
            # Something was missing at the end of a line: point there, not at the next line's first token.
            p = self.toks[self.i - 1]
            line, col, end_line, end_col = p.end_line, p.end_col, p.end_line, p.end_col
        self.problems.append(SyntaxProblem(self.path, line, col, message, f.expected, end_line, end_col))

    def recover(self, from_i: int) -> None:
        """Resume at the first later line that starts a declaration, outside any bracket opened since
        `from_i` (or at column 1, which survives a bracket that was never closed)."""
        toks = self.toks
        j = from_i
        depth = _DEPTH_DELTA.get(toks[j].kind, 0)
        j += 1
        while j < len(toks):
            t = toks[j]
            if t.kind is EOF or (t.nl and (depth <= 0 or t.col == 1) and self.starts_statement(j)):
                break
            depth += _DEPTH_DELTA.get(t.kind, 0)
            j += 1
        j = min(j, len(toks) - 1)
        self.i = j
        self.tok = toks[j]
        self.prev = toks[j - 1]
        self.nl_ok = False
        self.depth = 0

    # ------------------------------------------------------------ declarations

    def statement(self) -> A.Statement:
        decorators = self.decorators() if self.tok.kind == "@" else []
        t = self.tok
        handler = _STATEMENTS.get(t.text) if t.kind is ID else None
        if handler is None:
            self.fail("declaration")
        self.advance()
        node = handler(self, t)
        node.decorators = decorators
        return self.fin(node, t)

    def st_target_scope(self, kw: Token) -> A.Statement:
        self.expect("=")
        return A.TargetScope(self.expr())

    def st_metadata(self, kw: Token) -> A.Statement:
        name = self.ident("metadata name").text
        self.expect("=")
        return A.Metadata(name, self.expr())

    def st_param(self, kw: Token) -> A.Statement:
        name = self.ident("parameter name").text
        if self.params:
            self.expect("=")
            return A.ParamAssignment(name, self.expr())
        if self.tok.kind == "=":
            self.fail("parameter type")
        typ = self.type_or_resource()
        default = None
        if self.tok.kind == "=":
            self.advance()
            default = self.expr()
        return A.Param(name, typ, default)

    def st_var(self, kw: Token) -> A.Statement:
        name = self.ident("variable name").text
        typ = None
        if self.tok.kind != "=":
            typ = self.type_expr()
        self.expect("=")
        return A.Var(name, self.expr(), typ)

    def st_resource(self, kw: Token) -> A.Statement:
        name = self.ident("resource name").text
        typ = self.string_expr("resource type string")
        existing = False
        if self.at_word("existing"):
            self.advance()
            existing = True
        self.expect("=")
        return A.Resource(name, typ, self.decl_body(), existing)

    def st_module(self, kw: Token) -> A.Statement:
        name = self.ident("module name").text
        path = self.string_expr("module path string")
        self.expect("=")
        return A.Module(name, path, self.decl_body())

    def st_output(self, kw: Token) -> A.Statement:
        name = self.ident("output name").text
        typ = self.type_or_resource()
        self.expect("=")
        return A.Output(name, typ, self.expr())

    def st_type(self, kw: Token) -> A.Statement:
        name = self.ident("type name").text
        self.expect("=")
        return A.TypeDecl(name, self.type_expr())

    def st_func(self, kw: Token) -> A.Statement:
        name = self.ident("function name").text
        self.expect("(")
        saved, self.nl_ok = self.nl_ok, True
        params: list[A.FuncParam] = []
        while self.tok.kind != ")":
            p = self.ident("parameter name")
            params.append(self.fin(A.FuncParam(p.text, self.type_expr()), p))
            if self.tok.kind == ",":
                self.advance()
            elif self.tok.kind != ")":
                self.fail("',' or ')'")
        self.advance()
        self.nl_ok = saved
        return_type = self.type_expr()
        self.expect("=>")
        return A.FuncDecl(name, params, return_type, self.expr())

    def st_import(self, kw: Token) -> A.Statement:
        t = self.tok
        if t.kind == "{":
            self.advance()
            saved, self.nl_ok = self.nl_ok, False  # names are separated by commas or line breaks
            items: list[A.ImportItem] = []
            while self.tok.kind != "}":
                it = self.tok
                if it.kind is ID:
                    name = it.text
                elif it.kind is STR:
                    name = it.value
                else:
                    self.fail("imported name")
                self.advance()
                alias = None
                if self.at_word("as"):
                    self.advance()
                    alias = self.ident("alias").text
                items.append(self.fin(A.ImportItem(name, alias), it))
                self.separator("}")
            self.advance()
            self.nl_ok = saved
            self.keyword("from")
            return A.CompileTimeImport(self.string_expr("import source string"), items)
        if t.kind == "*":
            self.advance()
            self.keyword("as")
            alias = self.ident("alias").text
            self.keyword("from")
            return A.CompileTimeImport(self.string_expr("import source string"), [], alias)
        return self.st_extension(kw)  # the older `import 'az@1.0.0' [with ...] [as ...]` form

    def st_extension(self, kw: Token) -> A.Statement:
        t = self.tok
        if t.kind is ID:
            self.advance()
            spec: A.Expr = self.fin(A.Identifier(t.text), t)
        elif t.kind in STRING_START:
            spec = self.string_expr("extension name")
        else:
            self.fail("extension name")
        config = alias = None
        if self.at_word("with"):
            self.advance()
            config = self.expr()
        if self.at_word("as"):
            self.advance()
            alias = self.ident("alias").text
        return A.ExtensionDecl(kw.text, spec, config, alias)

    def st_using(self, kw: Token) -> A.Statement:
        if not self.params:
            self.fail("declaration", "'using' is only allowed in a .bicepparam file")
        path = None
        if self.at_word("none"):
            self.advance()
        else:
            path = self.string_expr("template path string")
        config = None
        if self.at_word("with"):
            self.advance()
            config = self.expr()
        return A.Using(path, config)

    def st_extends(self, kw: Token) -> A.Statement:
        if not self.params:
            self.fail("declaration", "'extends' is only allowed in a .bicepparam file")
        return A.Extends(self.string_expr("parameters file path string"))

    def st_assert(self, kw: Token) -> A.Statement:
        name = self.ident("assertion name").text
        self.expect("=")
        return A.Assert(name, self.expr())

    def st_test(self, kw: Token) -> A.Statement:
        name = self.ident("test name").text
        path = self.string_expr("test file path string")
        self.expect("=")
        return A.TestDecl(name, path, self.expr())

    def decl_body(self) -> A.Expr:
        """The value of a resource or module: an object, `if (...) {...}`, or a `[for ...]` loop."""
        if self.at_word("if") and self.peek().kind == "(":
            return self.if_expr()
        return self.expr()

    def resource_in_body(self, decorators: list[A.Decorator]) -> A.Resource:
        kw = self.advance()  # `resource`
        node = self.st_resource(kw)
        node.decorators = decorators
        return self.fin(node, kw)


_STATEMENTS = {
    "targetScope": _Parser.st_target_scope,
    "metadata": _Parser.st_metadata,
    "param": _Parser.st_param,
    "var": _Parser.st_var,
    "resource": _Parser.st_resource,
    "module": _Parser.st_module,
    "output": _Parser.st_output,
    "type": _Parser.st_type,
    "func": _Parser.st_func,
    "import": _Parser.st_import,
    "extension": _Parser.st_extension,
    "provider": _Parser.st_extension,
    "using": _Parser.st_using,
    "extends": _Parser.st_extends,
    "assert": _Parser.st_assert,
    "test": _Parser.st_test,
}


def parse(text: str, path: str = "<string>", *, params: bool | None = None) -> tuple[A.File, list[SyntaxProblem]]:
    """Parse Bicep source. `params` selects `.bicepparam` syntax; by default it follows the path's suffix.

    Returns the file's syntax tree (with every declaration that parsed) and the problems found, in source order.
    """
    if params is None:
        params = path.lower().endswith(".bicepparam")
    kind = "bicepparam" if params else "bicep"
    if len(text) > MAX_SOURCE_CHARS:
        problem = SyntaxProblem(path, 1, 1, f"file larger than {MAX_SOURCE_CHARS} characters was not parsed", None)
        return A.File(path, kind, [], line=1, col=1, end_line=1, end_col=1), [problem]
    problems: list[SyntaxProblem] = []
    statements: list[A.Statement] = []
    directives: list[tuple[int, int, str]] = []
    end_line = end_col = 1
    parser: _Parser | None = None
    try:
        tokens, lex_problems, found = tokenize(text, path)
        problems.extend(lex_problems)
        directives = [(d.line, d.col, d.text) for d in found]
        end_line, end_col = tokens[-1].line, tokens[-1].col
        parser = _Parser(tokens, path, params)
        statements = parser.parse_file()
        problems.extend(parser.problems)
    except Exception as exc:  # a parser bug must cost one file, never the run
        line, col = (parser.tok.line, parser.tok.col) if parser is not None else (1, 1)
        message = f"the parser failed here: {type(exc).__name__}: {exc}"
        problems.append(SyntaxProblem(path, line, col, message, INTERNAL_ERROR))
    problems.sort(key=lambda p: (p.line, p.col))
    if len(problems) > MAX_PROBLEMS:
        last = problems[MAX_PROBLEMS - 1]
        message = f"{len(problems) - MAX_PROBLEMS + 1} more syntax problems not shown"
        problems = [*problems[: MAX_PROBLEMS - 1], SyntaxProblem(path, last.line, last.col, message)]
    tree = A.File(path, kind, statements, directives, line=1, col=1, end_line=end_line, end_col=end_col)
    return tree, problems


def parse_params(text: str, path: str = "<string>") -> tuple[A.File, list[SyntaxProblem]]:
    """Parse `.bicepparam` source (`using`, `param name = value`, ...)."""
    return parse(text, path, params=True)


def parse_path(path: str | Path, display: str | None = None) -> tuple[A.File, list[SyntaxProblem]]:
    """Read and parse a file (UTF-8, with or without a byte-order mark; undecodable bytes are replaced)."""
    p = Path(path)
    name = display if display is not None else str(path)
    try:
        data = read_regular_file(p, MAX_SOURCE_CHARS * 4 + 1)
    except OSError as exc:
        return A.File(name, "bicep", [], line=1, col=1), [SyntaxProblem(name, 1, 1, f"cannot read file: {exc}")]
    params = p.name.lower().endswith(".bicepparam")
    if len(data) > MAX_SOURCE_CHARS * 4:  # not even worth decoding
        kind = "bicepparam" if params else "bicep"
        problem = SyntaxProblem(name, 1, 1, f"file larger than {MAX_SOURCE_CHARS} characters was not parsed")
        return A.File(name, kind, [], line=1, col=1), [problem]
    return parse(data.decode("utf-8", errors="replace"), name, params=params)
