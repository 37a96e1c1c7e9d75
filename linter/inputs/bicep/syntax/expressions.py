"""Expression parsing: precedence climbing over Bicep's operator table, plus literals, strings with
interpolation, objects, arrays, loops, lambdas and decorators.

Precedence, highest first: member/index/call/`::`/postfix `!`; unary `!` `-`; `*` `/` `%`; `+` `-`;
`>` `>=` `<` `<=`; `==` `!=` `=~` `!~`; `&&`; `||`; `??`; `?:` (right-associative); lambdas lowest.

Line breaks: an operand may start on a new line, and `?`, `:`, `&&`, `||` and `??` may start a continuation
line; any other operator or postfix on a new line ends the expression unless inside parentheses (`nl_ok`),
which is what makes a line break separate the items of an object or array.
"""

from __future__ import annotations

from linter.inputs.bicep.syntax import ast as A
from linter.inputs.bicep.syntax.cursor import MAX_DEPTH, Cursor
from linter.inputs.bicep.syntax.lexer import ID, MSTR, NUM, STR, STR_L, STR_M, STR_R, Token

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


class ExpressionParser(Cursor):
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
        """A nested child resource inside a resource body; provided by the declaration parser."""
        raise NotImplementedError

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
                e = self.fin(A.Ternary(e, then, self.expr()), t)
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
        start = self.tok  # not `left`: a parenthesized left operand starts at its `(`
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
            left = self.fin(A.Binary(t.kind, left, right), start)

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
        start = self.tok
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
                    e = self.fin(A.Call(name, self.call_args(), e), start)
                else:
                    e = self.fin(A.MemberAccess(e, name), start)
            elif k == "[" or k == "[?":
                saved, self.nl_ok = self.nl_ok, True
                index = self.expr()
                self.expect("]")
                self.nl_ok = saved
                e = self.fin(A.IndexAccess(e, index, k == "[?"), start)
            elif k == ".?":
                e = self.fin(A.MemberAccess(e, self.ident("property name").text, True), start)
            elif k == "::":
                e = self.fin(A.ResourceAccess(e, self.ident("nested resource name").text), start)
            else:  # `!`: non-null assertion
                e = self.fin(A.NonNull(e), start)

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
            self.check_unclosed("}")
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
