"""Type expressions: named and built-in types, `T[]`, `T?`, unions (`'a' | 'b'`, also one member per line
with a leading `|`), object types with decorated and optional properties and `*:`, tuples, literal types,
`resource 'type@version'`, `resourceInput<...>`-style parameterized types, and `.name` / `[0]` / `[*]` / `.*`
type access.
"""

from __future__ import annotations

from linter.inputs.bicep.syntax import ast as A
from linter.inputs.bicep.syntax.cursor import MAX_DEPTH, STRING_START
from linter.inputs.bicep.syntax.expressions import ExpressionParser
from linter.inputs.bicep.syntax.lexer import ID, MSTR, NUM, STR, STR_L


class TypeParser(ExpressionParser):
    def type_or_resource(self) -> A.TypeExpr:
        t = self.tok
        if t.kind is ID and t.text == "resource" and self.peek().kind in STRING_START:
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
            self.check_unclosed("}")
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
