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
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

from linter.inputs.bicep import ast as A
from linter.inputs.bicep.lexer import BAD, EOF, ID, MSTR, NUM, STR, STR_L, STR_M, STR_R, Token, tokenize
from linter.inputs.bicep.problems import SyntaxProblem

MAX_SOURCE_CHARS = 5 * 1024 * 1024
# Nesting levels of expressions/types. Each level costs about seven Python frames, so this stays well inside
# the default recursion limit even when the parser is itself called from deep in a stack.
MAX_DEPTH = 96
INTERNAL_ERROR = "internal error"  # `expected` of the problem reported if the parser itself fails

# Binding power of binary operators, from Bicep's precedence table (higher binds tighter); all left-associative.
_BINARY_PREC = {
    "*": 7, "/": 7, "%": 7,
    "+": 6, "-": 6,
    ">": 5, ">=": 5, "<": 5, "<=": 5,
    "==": 4, "!=": 4, "=~": 4, "!~": 4,
    "&&": 3,
    "||": 2,
    "??": 1,
}  # fmt: skip
# Operators that may start a continuation line: none of them can start a declaration, property or item.
_NL_CONTINUES = frozenset(("&&", "||", "??"))
_POSTFIX = frozenset((".", ".?", "[", "[?", "::", "!"))
_DEPTH_DELTA = {"(": 1, "[": 1, "[?": 1, "{": 1, ")": -1, "]": -1, "}": -1}
_STRING_START = frozenset((STR, STR_L, MSTR))


class _Failure(Exception):
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


class _Parser:
    def __init__(self, tokens: list[Token], path: str, params: bool) -> None:
        self.toks = tokens
        self.i = 0
        self.tok = tokens[0]
        self.prev = tokens[0]
        self.path = path
        self.params = params
        self.nl_ok = False
        self.depth = 0
        self.problems: list[SyntaxProblem] = []

    # ------------------------------------------------------------ token helpers

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
        raise _Failure(self.tok, expected, message)

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
                    self.fail("new line", f"expected a new line after the declaration, found {_describe(self.tok)}")
            except _Failure as f:
                self.report(f)
                self.recover(start_i)
            except RecursionError:
                self.report(_Failure(self.tok, "shallower nesting", "expression nested too deeply to parse"))
                self.recover(start_i)
        return statements

    def report(self, f: _Failure) -> None:
        tok = f.tok
        if tok.kind is BAD:  # the lexer has already reported this character
            return
        message = f.message if f.message is not None else f"expected {f.expected}, found {_describe(tok)}"
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
            return nxt.kind is ID and toks[j + 2].kind in _STRING_START
        if word == "import":
            return nxt.kind in ("{", "*", STR, ID)
        if word in ("extension", "provider", "using", "extends"):
            return nxt.kind in (ID, STR)
        return False

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

    def decorators(self) -> list[A.Decorator]:
        out: list[A.Decorator] = []
        while self.tok.kind == "@":
            at = self.advance()
            name = self.ident("decorator name").text
            namespace = None
            if self.tok.kind == ".":
                self.advance()
                namespace, name = name, self.ident("decorator name").text
            if self.tok.kind != "(":
                self.fail("'('")
            args = self.call_args()
            out.append(self.fin(A.Decorator(name, args, namespace), at))
        return out

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
        elif t.kind in _STRING_START:
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

    def string_expr(self, what: str) -> A.Expr:
        t = self.tok
        if t.kind is STR:
            self.advance()
            return self.fin(A.StringLit(t.value), t)
        if t.kind is STR_L:
            return self.interp()
        if t.kind is MSTR:
            self.advance()
            return self.fin(A.MultilineString(t.value), t)
        self.fail(what)

    def resource_in_body(self, decorators: list[A.Decorator]) -> A.Resource:
        kw = self.advance()  # `resource`
        node = self.st_resource(kw)
        node.decorators = decorators
        return self.fin(node, kw)

    # ------------------------------------------------------------ expressions

    def expr(self) -> A.Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.too_deep()
        t = self.tok
        if (t.kind is ID and self.toks[self.i + 1].kind == "=>") or (t.kind == "(" and self.lambda_ahead()):
            e = self.lambda_()
        else:
            e = self.binary(1)
            if self.tok.kind == "?":  # may start a continuation line
                self.advance()
                then = self.expr()
                self.expect(":")
                e = self.fin(A.Ternary(e, then, self.expr()), e)
        self.depth -= 1
        return e

    def lambda_ahead(self) -> bool:
        """At `(`: is this `(a, b) =>` / `() =>` rather than a parenthesized expression?"""
        toks = self.toks
        j = self.i + 1
        if toks[j].kind == ")":
            return toks[j + 1].kind == "=>"
        while toks[j].kind is ID:
            k = toks[j + 1].kind
            if k == ")":
                return toks[j + 2].kind == "=>"
            if k != ",":
                return False
            j += 2
        return False

    def lambda_(self) -> A.Expr:
        start = self.tok
        params: list[str] = []
        if start.kind is ID:
            params.append(self.advance().text)
        else:
            self.advance()
            while self.tok.kind is ID:
                params.append(self.advance().text)
                if self.tok.kind == ",":
                    self.advance()
            self.expect(")")
        self.expect("=>")
        return self.fin(A.Lambda(params, self.expr()), start)

    def binary(self, min_prec: int) -> A.Expr:
        left = self.unary()
        prec_of = _BINARY_PREC
        while True:
            t = self.tok
            prec = prec_of.get(t.kind)
            if prec is None or prec < min_prec:
                return left
            if t.nl and not self.nl_ok and t.kind not in _NL_CONTINUES:
                return left
            self.advance()
            right = self.binary(prec + 1)
            left = self.fin(A.Binary(t.kind, left, right), left)

    def unary(self) -> A.Expr:
        k = self.tok.kind
        if k != "!" and k != "-":
            return self.postfix()
        ops: list[Token] = []
        while self.tok.kind == "!" or self.tok.kind == "-":
            ops.append(self.advance())
        e = self.postfix()
        for op in reversed(ops):
            e = self.fin(A.Unary(op.kind, e), op)
        return e

    def postfix(self) -> A.Expr:
        e = self.primary()
        postfix_ops = _POSTFIX
        while True:
            t = self.tok
            k = t.kind
            if k not in postfix_ops or (t.nl and not self.nl_ok):
                return e
            self.advance()
            if k == ".":
                name = self.ident("property name").text
                nt = self.tok
                if nt.kind == "(" and not nt.nl:
                    e = self.fin(A.Call(name, self.call_args(), e), e)
                else:
                    e = self.fin(A.MemberAccess(e, name), e)
            elif k == "[" or k == "[?":
                saved, self.nl_ok = self.nl_ok, True
                index = self.expr()
                self.expect("]")
                self.nl_ok = saved
                e = self.fin(A.IndexAccess(e, index, k == "[?"), e)
            elif k == ".?":
                e = self.fin(A.MemberAccess(e, self.ident("property name").text, True), e)
            elif k == "::":
                e = self.fin(A.ResourceAccess(e, self.ident("nested resource name").text), e)
            else:  # `!`: non-null assertion
                e = self.fin(A.NonNull(e), e)

    def primary(self) -> A.Expr:
        t = self.tok
        k = t.kind
        if t.nl and self.starts_statement(self.i):
            # An operand may start on the next line, but not one that is plainly the next declaration:
            # `var a = 1 +` then `var b = 2` is one error, not a merged declaration.
            self.fail("expression")
        if k is ID:
            self.advance()
            nt = self.tok
            if nt.kind == "(" and not nt.nl:
                return self.fin(A.Call(t.text, self.call_args()), t)
            text = t.text
            if text == "true" or text == "false":
                return self.fin(A.BoolLit(text == "true"), t)
            if text == "null":
                return self.fin(A.NullLit(), t)
            return self.fin(A.Identifier(text), t)
        if k is STR:
            self.advance()
            return self.fin(A.StringLit(t.value), t)
        if k == "{":
            return self.object()
        if k == "[":
            return self.array()
        if k is NUM:
            self.advance()
            return self.fin(A.IntLit(t.value), t)
        if k is STR_L:
            return self.interp()
        if k == "(":
            self.advance()
            saved, self.nl_ok = self.nl_ok, True
            e = self.expr()
            self.expect(")")
            self.nl_ok = saved
            return e
        if k is MSTR:
            self.advance()
            return self.fin(A.MultilineString(t.value), t)
        self.fail("expression")

    def call_args(self) -> list[A.Expr]:
        self.advance()  # `(`
        saved, self.nl_ok = self.nl_ok, True
        args: list[A.Expr] = []
        if self.tok.kind != ")":
            while True:
                args.append(self.expr())
                if self.tok.kind != ",":
                    break
                self.advance()
        self.expect(")")
        self.nl_ok = saved
        return args

    def interp(self) -> A.Expr:
        start = self.advance()  # STR_L
        segments = [start.value]
        exprs: list[A.Expr] = []
        saved, self.nl_ok = self.nl_ok, True
        while True:
            exprs.append(self.expr())
            t = self.tok
            if t.kind is STR_M:
                segments.append(self.advance().value)
            elif t.kind is STR_R:
                segments.append(self.advance().value)
                break
            else:
                self.fail("'}'")
        self.nl_ok = saved
        return self.fin(A.InterpString(segments, exprs), start)

    def object(self) -> A.Expr:
        start = self.advance()  # `{`
        saved, self.nl_ok = self.nl_ok, False
        items: list[A.ObjectProperty | A.Spread | A.Resource] = []
        while self.tok.kind != "}":
            items.append(self.object_item())
            self.separator("}")
        self.advance()
        self.nl_ok = saved
        return self.fin(A.ObjectLit(items), start)

    def object_item(self) -> A.ObjectProperty | A.Spread | A.Resource:
        decorators = self.decorators() if self.tok.kind == "@" else []
        t = self.tok
        k = t.kind
        if k is ID:
            if t.text == "resource" and self.toks[self.i + 1].kind is ID:
                return self.resource_in_body(decorators)
            self.advance()
            key: str | A.InterpString = t.text
        elif k is STR:
            self.advance()
            key = t.value
        elif k is STR_L:
            key = self.interp()
        elif k == "...":
            self.advance()
            return self.fin(A.Spread(self.expr()), t)
        else:
            self.fail("property name or '}'")
        self.expect(":")
        return self.fin(A.ObjectProperty(key, self.expr(), decorators), t)

    def array(self) -> A.Expr:
        start = self.advance()  # `[`
        if self.at_word("for") and self.peek().kind in (ID, "("):
            return self.for_rest(start)
        saved, self.nl_ok = self.nl_ok, False
        items: list[A.Expr | A.Spread] = []
        while self.tok.kind != "]":
            if self.tok.kind == "...":
                s = self.advance()
                items.append(self.fin(A.Spread(self.expr()), s))
            else:
                items.append(self.expr())
            self.separator("]")
        self.advance()
        self.nl_ok = saved
        return self.fin(A.ArrayLit(items), start)

    def for_rest(self, start: Token) -> A.Expr:
        self.advance()  # `for`
        saved, self.nl_ok = self.nl_ok, True
        index = None
        if self.tok.kind == "(":
            self.advance()
            item: str | None = self.ident("loop item name").text
            if self.tok.kind == ",":
                self.advance()
                index = self.ident("loop index name").text
            self.expect(")")
        else:
            item = self.ident("loop item name").text
        self.keyword("in")
        iterable = self.expr()
        self.expect(":")
        body = self.if_expr() if self.at_word("if") and self.peek().kind == "(" else self.expr()
        self.expect("]")
        self.nl_ok = saved
        return self.fin(A.ForExpr(item, index, iterable, body), start)

    def if_expr(self) -> A.Expr:
        start = self.advance()  # `if`
        self.expect("(")
        saved, self.nl_ok = self.nl_ok, True
        condition = self.expr()
        self.expect(")")
        self.nl_ok = saved
        return self.fin(A.IfExpr(condition, self.expr()), start)

    # ------------------------------------------------------------ type expressions

    def type_or_resource(self) -> A.TypeExpr:
        t = self.tok
        if t.kind is ID and t.text == "resource" and self.peek().kind in _STRING_START:
            self.advance()
            s = self.string_expr("resource type string")
            return self.fin(A.ResourceType(s.value if isinstance(s, A.StringLit) else ""), t)
        return self.type_expr()

    def type_expr(self) -> A.TypeExpr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.too_deep()
        start = self.tok
        if start.kind == "|":  # leading bar of a union written one member per line
            self.advance()
        first = self.type_postfix()
        if self.tok.kind == "|":
            members = [first]
            while self.tok.kind == "|":
                self.advance()
                members.append(self.type_postfix())
            first = self.fin(A.UnionType(members), start)
        self.depth -= 1
        return first

    def type_postfix(self) -> A.TypeExpr:
        t = self.type_primary()
        toks = self.toks
        while True:
            tok = self.tok
            k = tok.kind
            if tok.nl and not self.nl_ok:
                return t
            if k == "[":
                a, b = toks[self.i + 1], self.peek(2)
                if a.kind == "]":
                    self.advance()
                    self.advance()
                    t = self.fin(A.ArrayType(t), t)
                elif b.kind == "]" and (a.kind == "*" or a.kind is NUM):
                    self.advance()
                    self.advance()
                    self.advance()
                    t = self.fin(A.TypeItemsAccess(t) if a.kind == "*" else A.TypeIndexAccess(t, a.value), t)
                else:
                    self.advance()
                    self.fail("']'")
            elif k == "?":
                self.advance()
                t = self.fin(A.NullableType(t), t)
            elif k == ".":
                self.advance()
                if self.tok.kind == "*":
                    self.advance()
                    t = self.fin(A.TypeAdditionalPropertiesAccess(t), t)
                else:
                    t = self.fin(A.TypePropertyAccess(t, self.ident("property name").text), t)
            else:
                return t

    def type_primary(self) -> A.TypeExpr:
        t = self.tok
        k = t.kind
        if k is ID:
            self.advance()
            text = t.text
            if text == "true" or text == "false":
                return self.fin(A.BoolLit(text == "true"), t)
            if text == "null":
                return self.fin(A.NullLit(), t)
            if self.tok.kind == "<" and not self.tok.nl:
                self.advance()
                saved, self.nl_ok = self.nl_ok, True
                args = [self.type_expr()]
                while self.tok.kind == ",":
                    self.advance()
                    args.append(self.type_expr())
                self.expect(">")
                self.nl_ok = saved
                return self.fin(A.ParameterizedType(text, args), t)
            return self.fin(A.TypeRef(text), t)
        if k is STR or k is MSTR or k is STR_L:
            return self.string_expr("type")
        if k is NUM:
            self.advance()
            return self.fin(A.IntLit(t.value), t)
        if k == "-" and self.peek().kind is NUM:
            self.advance()
            n = self.advance()
            return self.fin(A.Unary("-", self.fin(A.IntLit(n.value), n)), t)
        if k == "{":
            return self.object_type()
        if k == "[":
            return self.tuple_type()
        if k == "(":
            self.advance()
            saved, self.nl_ok = self.nl_ok, True
            inner = self.type_expr()
            self.expect(")")
            self.nl_ok = saved
            return inner
        self.fail("type")

    def object_type(self) -> A.TypeExpr:
        start = self.advance()  # `{`
        saved, self.nl_ok = self.nl_ok, False
        props: list[A.ObjectTypeProperty] = []
        while self.tok.kind != "}":
            decorators = self.decorators() if self.tok.kind == "@" else []
            t = self.tok
            if t.kind is ID:
                name = t.text
            elif t.kind is STR:
                name = t.value
            elif t.kind == "*":
                name = "*"
            else:
                self.fail("property name or '}'")
            self.advance()
            optional = False
            if self.tok.kind == "?":
                self.advance()
                optional = True
            self.expect(":")
            props.append(self.fin(A.ObjectTypeProperty(name, self.type_expr(), optional, decorators), t))
            self.separator("}")
        self.advance()
        self.nl_ok = saved
        return self.fin(A.ObjectType(props), start)

    def tuple_type(self) -> A.TypeExpr:
        start = self.advance()  # `[`
        saved, self.nl_ok = self.nl_ok, False
        items: list[A.TupleItem] = []
        while self.tok.kind != "]":
            decorators = self.decorators() if self.tok.kind == "@" else []
            t = self.tok
            items.append(self.fin(A.TupleItem(self.type_expr(), decorators), t))
            self.separator("]")
        self.advance()
        self.nl_ok = saved
        return self.fin(A.TupleType(items), start)


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
        data = p.read_bytes()
    except OSError as exc:
        return A.File(name, "bicep", [], line=1, col=1), [SyntaxProblem(name, 1, 1, f"cannot read file: {exc}")]
    params = p.name.lower().endswith(".bicepparam")
    if len(data) > MAX_SOURCE_CHARS * 4:  # not even worth decoding
        kind = "bicepparam" if params else "bicep"
        problem = SyntaxProblem(name, 1, 1, f"file larger than {MAX_SOURCE_CHARS} characters was not parsed")
        return A.File(name, kind, [], line=1, col=1), [problem]
    return parse(data.decode("utf-8", errors="replace"), name, params=params)
