"""Lexer: token kinds, positions, newline flags, strings and interpolation, comments and directives."""

from __future__ import annotations

from linter.inputs.bicep.syntax.lexer import BAD, EOF, ID, MSTR, NUM, STR, STR_L, STR_M, STR_R, tokenize


def kinds(text: str) -> list[str]:
    toks, _, _ = tokenize(text)
    return [t.kind for t in toks]


def test_operators_are_longest_match() -> None:
    ops = "! && || ?? ? : == != < <= > >= =~ !~ + - * / % . .? [ ] [? ( ) { } => @ :: ... , = |"
    toks, problems, _ = tokenize(ops)
    assert problems == []
    assert [t.kind for t in toks[:-1]] == ops.split()
    assert toks[-1].kind == EOF


def test_identifiers_numbers_and_positions() -> None:
    toks, _, _ = tokenize("param  count int = 42\n  var x")
    assert [(t.kind, t.text) for t in toks[:5]] == [(ID, "param"), (ID, "count"), (ID, "int"), ("=", "="), (NUM, "42")]
    assert (toks[1].line, toks[1].col, toks[1].end_line, toks[1].end_col) == (1, 8, 1, 13)
    assert toks[4].value == 42
    assert (toks[5].line, toks[5].col) == (2, 3)


def test_newline_flag_marks_first_token_of_each_line() -> None:
    toks, _, _ = tokenize("a b\nc // comment\r\n\r\n  d /* x\n y */ e /* z */ f")
    flags = {t.text: t.nl for t in toks if t.kind == ID}
    assert flags == {"a": True, "b": False, "c": True, "d": True, "e": True, "f": False}
    lines = [(t.text, t.line) for t in toks if t.kind == ID]
    assert lines == [("a", 1), ("b", 1), ("c", 2), ("d", 4), ("e", 5), ("f", 5)]


def test_escapes_are_decoded() -> None:
    toks, problems, _ = tokenize(r"'a\'b\\c\n\r\t\$\u{41}\u{1F600}'")
    assert problems == []
    assert toks[0].kind == STR
    assert toks[0].value == "a'b\\c\n\r\t$A\U0001f600"


def test_escaped_dollar_is_not_interpolation() -> None:
    toks, problems, _ = tokenize(r"'cost: \${x} $ and $y'")
    assert problems == []
    assert [t.kind for t in toks] == [STR, EOF]
    assert toks[0].value == "cost: ${x} $ and $y"


def test_invalid_escape_is_reported_with_position() -> None:
    _, problems, _ = tokenize("var s = 'a\\qb'")
    assert len(problems) == 1
    assert (problems[0].line, problems[0].col) == (1, 11)


def test_interpolation_pieces() -> None:
    toks, problems, _ = tokenize("'a${x}b${ {k: 1}.k }c'")
    assert problems == []
    assert [t.kind for t in toks] == [STR_L, ID, STR_M, "{", ID, ":", NUM, "}", ".", ID, STR_R, EOF]
    assert [t.value for t in toks if t.kind in (STR_L, STR_M, STR_R)] == ["a", "b", "c"]


def test_nested_interpolation() -> None:
    toks, problems, _ = tokenize("'${'${x}'}'")
    assert problems == []
    assert [t.kind for t in toks] == [STR_L, STR_L, ID, STR_R, STR_R, EOF]


def test_multiline_string_has_no_escapes_or_interpolation() -> None:
    toks, problems, _ = tokenize("x = '''\nline ${x} \\n 'q'\nend''' y")
    assert problems == []
    ml = toks[2]
    assert ml.kind == MSTR
    assert ml.value == "line ${x} \\n 'q'\nend"  # the line break right after ''' is dropped
    assert (ml.line, ml.col, ml.end_line, ml.end_col) == (1, 5, 3, 7)
    assert (toks[3].text, toks[3].line, toks[3].col) == ("y", 3, 8)


def test_multiline_string_may_end_with_a_quote() -> None:
    toks, _, _ = tokenize("''''quoted''''")
    assert toks[0].kind == MSTR
    assert toks[0].value == "'quoted'"


def test_unterminated_string_is_reported_and_lexing_continues() -> None:
    toks, problems, _ = tokenize("var s = 'abc\nvar t = 1")
    assert len(problems) == 1 and problems[0].line == 1
    assert [t.text for t in toks if t.kind == ID][-2:] == ["var", "t"]
    assert toks[-2].kind == NUM and toks[-2].line == 2


def test_unterminated_comment_and_multiline_string() -> None:
    for text in ("a /* never closed\n\nb", "a = '''never closed\n\nb"):
        toks, problems, _ = tokenize(text)
        assert len(problems) == 1
        assert toks[-1].kind == EOF and toks[-1].line == 3


def test_bad_character_becomes_bad_token_with_problem() -> None:
    toks, problems, _ = tokenize("a ^ b")
    assert [t.kind for t in toks] == [ID, BAD, ID, EOF]
    assert (problems[0].line, problems[0].col) == (1, 3)


def test_directives_are_collected_not_tokens() -> None:
    toks, problems, directives = tokenize("#disable-next-line no-unused-params\nparam p string")
    assert problems == []
    assert [(d.line, d.col, d.text) for d in directives] == [(1, 1, "#disable-next-line no-unused-params")]
    assert toks[0].text == "param" and toks[0].nl


def test_byte_order_mark_is_whitespace() -> None:
    toks, problems, _ = tokenize("\ufeffparam p string")
    assert problems == []
    assert toks[0].text == "param"
