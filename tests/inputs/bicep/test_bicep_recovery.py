"""Syntax errors: located problems, recovery to the next declaration, limits on nesting and size."""

from __future__ import annotations

import pytest

from linter.inputs.bicep.syntax import ast as A
from linter.inputs.bicep.syntax import parser as P
from linter.inputs.bicep.syntax.parser import parse


def names(tree: A.File) -> list[str]:
    return [getattr(s, "name", type(s).__name__) for s in tree.statements]


def test_error_in_one_statement_keeps_the_others() -> None:
    src = "param a string\nvar b = 1 +\nvar c = 2\noutput d int = c\n"
    tree, problems = parse(src, "bad.bicep")
    assert names(tree) == ["a", "c", "d"]
    assert len(problems) == 1
    p = problems[0]
    assert (p.path, p.line) == ("bad.bicep", 2)
    assert p.expected == "expression"
    assert p.col == 12  # at the end of the line where the operand is missing


def test_error_inside_resource_body_skips_to_next_declaration() -> None:
    src = """resource a 'X/y@1' = {
  name: 'a'
  properties: {
    bad: = 1
  }
  @description('nested')
  resource inner 'z' = {
    name: 'i'
  }
}

resource b 'X/y@1' = {
  name: 'b'
}
"""
    tree, problems = parse(src, "t.bicep")
    assert names(tree) == ["b"]
    assert len(problems) == 1
    assert (problems[0].line, problems[0].col, problems[0].expected) == (4, 10, "expression")


def test_unclosed_brace_recovers_at_column_one_declaration() -> None:
    src = "var a = {\n  x: foo(\n\nparam p string\nvar z = 1\n"
    tree, problems = parse(src, "t.bicep")
    assert names(tree) == ["p", "z"]
    assert len(problems) == 1


def test_missing_separator_between_properties() -> None:
    tree, problems = parse("var a = { x: 1 y: 2 }\nvar b = 3\n", "t.bicep")
    assert names(tree) == ["b"]
    assert len(problems) == 1 and problems[0].col == 16


def test_two_declarations_on_one_line() -> None:
    tree, problems = parse("var a = 1 var b = 2\nvar c = 3\n", "t.bicep")
    assert names(tree) == ["a", "c"]
    assert len(problems) == 1 and (problems[0].line, problems[0].col) == (1, 11)


def test_unknown_keyword() -> None:
    tree, problems = parse("parameter p string\nvar ok = true\n", "t.bicep")
    assert names(tree) == ["ok"]
    assert len(problems) == 1 and problems[0].expected == "declaration" and problems[0].col == 1


def test_several_errors_are_each_reported_once() -> None:
    src = "var a = (1\nvar b = 2\nvar c = [1 2]\nvar d = 'x\nvar e = 5\n"
    tree, problems = parse(src, "t.bicep")
    assert names(tree) == ["b", "d", "e"]  # an unterminated string still ends at the line end
    assert [p.line for p in problems] == [1, 3, 4]


def test_bad_character_is_reported_once() -> None:
    tree, problems = parse("var a = 1 ^ 2\nvar b = 2\n", "t.bicep")
    assert names(tree) == ["a", "b"]
    assert len(problems) == 1 and problems[0].col == 11


def test_problem_str_is_located() -> None:
    _, problems = parse("var = 1\n", "dir/f.bicep")
    assert str(problems[0]).startswith("dir/f.bicep:1:5: ")


@pytest.mark.parametrize(
    "src",
    [
        "var x = " + "(" * 500 + "1" + ")" * 500,
        "var x = " + "[" * 500 + "]" * 500,
        "var x = " + "{a: " * 500 + "1" + "}" * 500,
        "var x = " + "'${" * 500 + "1" + "}'" * 500,
        "var x = a" + "[a" * 500 + "]" * 500,
        "type t = " + "{a: " * 500 + "string" + "}" * 500,
        "var x = " + "x => " * 500 + "1",
    ],
)
def test_too_deep_nesting_is_a_problem_not_a_crash(src: str) -> None:
    tree, problems = parse(src + "\nvar after = 1\n", "deep.bicep")
    assert names(tree) == ["after"]
    assert len(problems) == 1 and problems[0].line == 1


def test_nesting_within_the_limit_parses() -> None:
    depth = P.MAX_DEPTH - 2
    tree, problems = parse("var x = " + "[" * depth + "]" * depth + "\n", "t.bicep")
    assert problems == [] and names(tree) == ["x"]


def test_long_flat_sequences_do_not_recurse() -> None:
    n = 20000
    src = "var x = " + " + ".join(["a"] * n) + "\nvar y = !" + "!" * n + "b\nvar z = a" + ".b" * n + "\n"
    tree, problems = parse(src, "t.bicep")
    assert problems == [] and names(tree) == ["x", "y", "z"]


def test_oversized_input_is_refused() -> None:
    tree, problems = parse("var x = 1\n" + " " * (P.MAX_SOURCE_CHARS + 1), "big.bicep")
    assert tree.statements == [] and len(problems) == 1


def test_internal_errors_are_contained(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: object, kw: object) -> None:
        raise ValueError("boom")

    monkeypatch.setitem(P._STATEMENTS, "var", broken)
    _, problems = parse("var x = 1\n", "t.bicep")
    assert len(problems) == 1 and problems[0].expected == P.INTERNAL_ERROR


def test_empty_and_blank_inputs() -> None:
    for src in ("", "\n\n", "// only a comment\n", "/* c */"):
        tree, problems = parse(src, "t.bicep")
        assert tree.statements == [] and problems == []


def test_unclosed_object_is_reported_where_it_should_have_closed() -> None:
    src = "resource sa 'X/y@1' = {\n  name: 'x'\n  properties: {\n    a: 1\n}\n\nparam p string\n"
    tree, problems = parse(src, "t.bicep")
    assert names(tree) == ["p"]
    assert len(problems) == 1
    assert (problems[0].line, problems[0].col, problems[0].expected) == (5, 2, "'}'")


def test_problem_count_is_capped() -> None:
    _, problems = parse("var a = 1 +\n" * (P.MAX_PROBLEMS * 3), "t.bicep")
    assert len(problems) == P.MAX_PROBLEMS
    assert problems[-1].line <= problems[-2].line + 1
