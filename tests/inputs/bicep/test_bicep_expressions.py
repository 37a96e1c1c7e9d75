"""Expressions: every node kind, operator precedence and associativity, strings, loops, lambdas, newlines."""

from __future__ import annotations

import pytest

from linter.inputs.bicep.syntax import ast as A
from linter.inputs.bicep.syntax.parser import parse


def expr(src: str) -> A.Expr:
    """Parse `src` as the value of a variable; the file must have no problems."""
    tree, problems = parse(f"var v = {src}\n", "t.bicep")
    assert problems == [], problems
    (st,) = tree.statements
    assert isinstance(st, A.Var)
    return st.value


def shape(e: A.Node | str | None) -> object:
    """A compact structural rendering: operators as prefix tuples, leaves as names or values."""
    if e is None or isinstance(e, str):
        return e
    if isinstance(e, A.Identifier):
        return e.name
    if isinstance(e, (A.IntLit, A.BoolLit, A.StringLit)):
        return e.value
    if isinstance(e, A.NullLit):
        return None
    if isinstance(e, A.Binary):
        return (e.op, shape(e.left), shape(e.right))
    if isinstance(e, A.Unary):
        return (e.op, shape(e.operand))
    if isinstance(e, A.Ternary):
        return ("?:", shape(e.condition), shape(e.then), shape(e.otherwise))
    if isinstance(e, A.MemberAccess):
        return (".?" if e.safe else ".", shape(e.obj), e.name)
    if isinstance(e, A.IndexAccess):
        return ("[?]" if e.safe else "[]", shape(e.obj), shape(e.index))
    if isinstance(e, A.NonNull):
        return ("!!", shape(e.expr))
    if isinstance(e, A.ResourceAccess):
        return ("::", shape(e.obj), e.name)
    if isinstance(e, A.Call):
        return ("call", shape(e.base), e.name, *[shape(a) for a in e.args])
    if isinstance(e, A.Lambda):
        return ("=>", tuple(e.params), shape(e.body))
    if isinstance(e, A.ArrayLit):
        return [shape(i) for i in e.items]
    if isinstance(e, A.Spread):
        return ("...", shape(e.expr))
    if isinstance(e, A.ObjectLit):
        out = {}
        for n, i in enumerate(e.items):
            if isinstance(i, A.ObjectProperty):
                out[i.key] = shape(i.value)
            else:
                out[f"#{n}"] = shape(i)
        return out
    if isinstance(e, A.InterpString):
        return ("interp", *[shape(p) if isinstance(p, A.Node) else p for p in e.parts])
    raise AssertionError(f"no shape for {e!r}")


# ---------------------------------------------------------------- literals and leaves


def test_literals() -> None:
    assert isinstance(expr("42"), A.IntLit) and expr("42").value == 42
    assert expr("true").value is True and expr("false").value is False
    assert isinstance(expr("null"), A.NullLit)
    assert expr("'hi'").value == "hi"
    assert isinstance(expr("ident"), A.Identifier)


def test_negative_number_is_unary_minus() -> None:
    assert shape(expr("-1")) == ("-", 1)


def test_multiline_string_node() -> None:
    e = expr("'''\nfirst\n  second'''")
    assert isinstance(e, A.MultilineString) and isinstance(e, A.StringLit)
    assert e.value == "first\n  second"


def test_interpolation_parts() -> None:
    e = expr("'${a}-x-${b.c}'")
    assert isinstance(e, A.InterpString)
    assert e.segments == ["", "-x-", ""]
    assert shape(e) == ("interp", "a", "-x-", (".", "b", "c"))


def test_nested_interpolation() -> None:
    e = expr("'pre${'${x}'}post'")
    assert shape(e) == ("interp", "pre", ("interp", "x"), "post")


def test_interpolation_containing_object_and_ternary() -> None:
    e = expr("'${ {a: 1}.a }${c ? 'y' : 'n'}'")
    assert shape(e) == ("interp", (".", {"a": 1}, "a"), ("?:", "c", "y", "n"))


# ---------------------------------------------------------------- precedence and associativity


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("!x && y", ("&&", ("!", "x"), "y")),
        ("a.?b ?? c", ("??", (".?", "a", "b"), "c")),
        ("a || b && c", ("||", "a", ("&&", "b", "c"))),
        ("a && b || c", ("||", ("&&", "a", "b"), "c")),
        ("-a * b", ("*", ("-", "a"), "b")),
        ("a + b * c", ("+", "a", ("*", "b", "c"))),
        ("a - b - c", ("-", ("-", "a", "b"), "c")),
        ("a / b % c", ("%", ("/", "a", "b"), "c")),
        ("a + b < c", ("<", ("+", "a", "b"), "c")),
        ("a < b == c >= d", ("==", ("<", "a", "b"), (">=", "c", "d"))),
        ("a =~ b && c !~ d", ("&&", ("=~", "a", "b"), ("!~", "c", "d"))),
        ("a ?? b || c", ("??", "a", ("||", "b", "c"))),
        ("a ?? b ?? c", ("??", ("??", "a", "b"), "c")),
        ("a != b ? c : d", ("?:", ("!=", "a", "b"), "c", "d")),
        ("a ? b : c ? d : e", ("?:", "a", "b", ("?:", "c", "d", "e"))),
        ("a ? b ? c : d : e", ("?:", "a", ("?:", "b", "c", "d"), "e")),
        ("a ?? b ? c : d", ("?:", ("??", "a", "b"), "c", "d")),
        ("(a || b) && c", ("&&", ("||", "a", "b"), "c")),
        ("!a.b", ("!", (".", "a", "b"))),
        ("!!a", ("!", ("!", "a"))),
        ("-a.b[0]", ("-", ("[]", (".", "a", "b"), 0))),
        ("a!.b", (".", ("!!", "a"), "b")),
        ("!a! && b", ("&&", ("!", ("!!", "a")), "b")),
    ],
)
def test_precedence(src: str, expected: object) -> None:
    assert shape(expr(src)) == expected


# ---------------------------------------------------------------- access, calls, lambdas


def test_member_index_and_safe_access() -> None:
    assert shape(expr("a.b[0].c")) == (".", ("[]", (".", "a", "b"), 0), "c")
    assert shape(expr("a.?b[?'k'].c")) == (".", ("[?]", (".?", "a", "b"), "k"), "c")


def test_keywords_are_valid_property_names() -> None:
    assert shape(expr("a.if.resource.type")) == (".", (".", (".", "a", "if"), "resource"), "type")


def test_resource_access() -> None:
    assert shape(expr("vnet::subnet.id")) == (".", ("::", "vnet", "subnet"), "id")


def test_calls_with_namespace_and_methods() -> None:
    e = expr("az.resourceGroup().location")
    assert isinstance(e, A.MemberAccess) and isinstance(e.obj, A.Call)
    assert e.obj.name == "resourceGroup" and e.obj.namespace == "az"
    e = expr("sys.concat('a', 'b')")
    assert isinstance(e, A.Call) and e.namespace == "sys" and len(e.args) == 2
    e = expr("storage.listKeys().keys[0].value")
    call = e.obj.obj.obj  # .value <- [0] <- .keys <- listKeys()
    assert isinstance(call, A.Call) and call.name == "listKeys" and call.namespace is None
    assert shape(call.base) == "storage"
    e = expr("concat()")
    assert isinstance(e, A.Call) and e.args == [] and e.base is None


def test_call_arguments_may_span_lines() -> None:
    e = expr("union(\n  a,\n  b\n)")
    assert shape(e) == ("call", None, "union", "a", "b")


def test_lambdas() -> None:
    assert shape(expr("map(xs, x => x.name)")) == ("call", None, "map", "xs", ("=>", ("x",), (".", "x", "name")))
    e = expr("reduce(xs, 0, (acc, next) => acc + next)")
    assert shape(e.args[2]) == ("=>", ("acc", "next"), ("+", "acc", "next"))
    assert shape(expr("() => 1")) == ("=>", (), 1)
    assert shape(expr("x => y => x")) == ("=>", ("x",), ("=>", ("y",), "x"))
    assert shape(expr("x => x ? 1 : 2")) == ("=>", ("x",), ("?:", "x", 1, 2))


def test_parenthesized_is_not_a_lambda() -> None:
    assert shape(expr("(a) + b")) == ("+", "a", "b")
    assert shape(expr("(a)")) == "a"
    assert shape(expr("(a) => a")) == ("=>", ("a",), "a")


# ---------------------------------------------------------------- objects and arrays


def test_object_and_array_literals() -> None:
    e = expr("{\n  a: 1\n  'b-c': [\n    1\n    'two'\n  ]\n  '${k}': null\n}")
    assert isinstance(e, A.ObjectLit)
    assert [p.key if isinstance(p.key, str) else "interp" for p in e.properties] == ["a", "b-c", "interp"]
    assert shape(e.get("b-c")) == [1, "two"]


def test_single_line_objects_and_arrays_with_commas() -> None:
    assert shape(expr("{ a: 1, b: [1, 2, 3] }")) == {"a": 1, "b": [1, 2, 3]}
    assert shape(expr("[\n  1,\n  2\n]")) == [1, 2]
    assert shape(expr("{}")) == {} and shape(expr("[]")) == []


def test_keywords_are_valid_property_keys() -> None:
    assert list(shape(expr("{\n  if: 1\n  resource: 2\n  type: 3\n  true: 4\n}"))) == ["if", "resource", "type", "true"]


def test_spread() -> None:
    e = expr("{\n  ...base\n  a: 1\n  ...(c ? {b: 2} : {})\n}")
    assert [type(i).__name__ for i in e.items] == ["Spread", "ObjectProperty", "Spread"]
    assert shape(expr("[...a, 1]")) == [("...", "a"), 1]


def test_newline_separates_array_items_even_before_minus() -> None:
    assert shape(expr("[\n  1\n  -2\n  !x\n  (y)\n  [z]\n]")) == [1, ("-", 2), ("!", "x"), "y", ["z"]]


def test_multiline_ternary_and_operator_continuations() -> None:
    e = expr("cond\n  ? {\n      a: 1\n    }\n  : null")
    assert shape(e) == ("?:", "cond", {"a": 1}, None)
    assert shape(expr("a &&\n  b")) == ("&&", "a", "b")
    assert shape(expr("a\n  || b\n  ?? c")) == ("??", ("||", "a", "b"), "c")
    assert shape(expr("{\n  t: x\n    ? 1\n    : 2\n  u: 3\n}")) == {"t": ("?:", "x", 1, 2), "u": 3}


def test_newlines_inside_parentheses_are_ignored() -> None:
    assert shape(expr("(a\n  + b\n  - c)")) == ("-", ("+", "a", "b"), "c")


# ---------------------------------------------------------------- loops and conditions


def test_for_expression() -> None:
    e = expr("[for x in xs: x.name]")
    assert isinstance(e, A.ForExpr)
    assert (e.item, e.index, shape(e.iterable), shape(e.body)) == ("x", None, "xs", (".", "x", "name"))
    assert e.condition is None


def test_for_expression_with_index() -> None:
    e = expr("[for (x, i) in range(0, 3): '${x}-${i}']")
    assert (e.item, e.index) == ("x", "i")
    assert shape(e.iterable) == ("call", None, "range", 0, 3)


def test_filtered_for_expression() -> None:
    e = expr("[for x in xs: if (x.enabled) {\n  name: x.name\n}]")
    assert isinstance(e.body, A.IfExpr)
    assert shape(e.condition) == (".", "x", "enabled")
    assert shape(e.body.body) == {"name": (".", "x", "name")}


def test_for_expression_spanning_lines() -> None:
    e = expr("[\n  for (item, index) in (items ?? []): {\n    n: index\n  }\n]")
    assert isinstance(e, A.ForExpr) and shape(e.iterable) == ("??", "items", [])


# ---------------------------------------------------------------- positions


def test_positions_of_nested_nodes() -> None:
    tree, problems = parse("var v = {\n  key: foo(1, bar.baz)\n}\n", "t.bicep")
    assert problems == []
    obj = tree.statements[0].value
    prop = obj.properties[0]
    assert (prop.line, prop.col) == (2, 3)
    call = prop.value
    assert (call.line, call.col, call.end_line, call.end_col) == (2, 8, 2, 23)
    member = call.args[1]
    assert (member.line, member.col, member.end_col) == (2, 15, 22)
    assert (obj.line, obj.col, obj.end_line, obj.end_col) == (1, 9, 3, 2)


def test_binary_spans_both_operands() -> None:
    e = expr("alpha + beta")
    assert (e.col, e.end_col) == (9, 21)


def test_parenthesized_operand_spans_include_the_parentheses() -> None:
    e = expr("(a || b) && c")
    assert (e.col, e.end_col) == (9, 22)
    assert (e.left.col, e.left.end_col) == (10, 16)
    m = expr("(x).y")
    assert (m.col, m.end_col) == (9, 14)


def test_decorators_on_object_literal_properties() -> None:
    e = expr("{\n  @description('the name')\n  name: 'x'\n  other: 1\n}")
    name, other = e.properties
    assert [d.name for d in name.decorators] == ["description"] and other.decorators == []
    assert (name.line, name.col, name.decorators[0].line) == (3, 3, 2)
