"""JSON as Azure reads it, and positions found on demand."""

from __future__ import annotations

import pytest

from linter.inputs.jsondoc import JsonError, parse_json

TEXT = """\ufeff{
  // a comment with "quotes" and [brackets]
  "a": [1, {"B": "x"}],
  /* a block
     comment */
  "c": {"d": true, "e": [], "f\\"q": [ "s", 3 ]},
  "multi": "line one
line two",
  "after": 1
}"""


@pytest.mark.parametrize(("path", "line", "column"), [
    ((), 1, 1), (("a",), 3, 3), (("a", 0), 3, 9), (("a", 1), 3, 12), (("A", 1, "b"), 3, 13),
    (("c", "d"), 6, 9), (("c", "e"), 6, 20), (("c", "zz"), 6, 3), (("c", 'f"q', 1), 6, 44),
    (("after",), 9, 3), (("a", 7), 3, 3),
])
def test_positions(path, line, column):
    document = parse_json(TEXT.encode(), "t.json")
    position = document.position(path)
    assert (position.line, position.column) == (line, column)


def test_values_accept_comments_bom_and_multi_line_strings():
    data = parse_json(TEXT.encode(), "t.json").data
    assert data["multi"] == "line one\nline two" and data["c"]["f\"q"] == [ "s", 3 ][0:2]


@pytest.mark.parametrize(("text", "line"), [('{"a": 1,\n "b": }', 2), ("[1, 2", 1), ("", 1)])
def test_syntax_errors_are_located(text, line):
    with pytest.raises(JsonError) as info:
        parse_json(text.encode(), "bad.json")
    assert info.value.position.line == line
