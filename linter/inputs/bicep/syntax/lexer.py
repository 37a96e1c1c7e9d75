"""Bicep lexer: source text to a flat list of positioned tokens.

Newlines are not tokens: each token instead records whether a line break (or a comment spanning one) came
before it (`nl`). The parser uses that flag where Bicep makes newlines significant (statement ends, object
and array item separators) and ignores it elsewhere, which keeps the token list short and lookahead cheap.

Interpolated strings are split the way the Bicep compiler splits them: `'a${x}b${y}c'` becomes the pieces
STR_L (`'a${`), the tokens of `x`, STR_M (`}b${`), the tokens of `y`, STR_R (`}c'`). A string without
interpolation is one STR token. Piece values are already unescaped.

One compiled regular expression finds every token, with the whitespace before it, in a single match call;
only string bodies and the closing brace of an interpolation need a second pattern.
"""

from __future__ import annotations

import re

from linter.inputs.bicep.syntax.problems import SyntaxProblem

# Token kinds that are not operators. Operators and punctuation use their own text as their kind.
ID = "ID"
NUM = "NUM"
STR = "STR"  # complete single-quoted string without interpolation
STR_L = "STR_L"  # 'text${
STR_M = "STR_M"  # }text${
STR_R = "STR_R"  # }text'
MSTR = "MSTR"  # '''multi-line string'''
BAD = "BAD"  # a character that starts no token (already reported by the lexer)
EOF = "EOF"


class Token:
    """One token. `line`/`col` are 1-based; `end_line`/`end_col` point just past its last character."""

    __slots__ = ("col", "end_col", "end_line", "kind", "line", "nl", "text", "value")

    def __init__(
        self, kind: str, text: str, value: object, line: int, col: int, end_line: int, end_col: int, nl: bool
    ) -> None:
        self.kind = kind
        self.text = text
        self.value = value
        self.line = line
        self.col = col
        self.end_line = end_line
        self.end_col = end_col
        self.nl = nl

    def __repr__(self) -> str:
        return f"Token({self.kind!r}, {self.text!r}, {self.line}:{self.col}{', nl' if self.nl else ''})"


class Directive:
    """A `#disable-next-line ...` / `#disable-diagnostics ...` pragma line, kept for later suppression logic."""

    __slots__ = ("col", "line", "text")

    def __init__(self, text: str, line: int, col: int) -> None:
        self.text = text
        self.line = line
        self.col = col

    def __repr__(self) -> str:
        return f"Directive({self.text!r}, {self.line}:{self.col})"


# Group numbers of the master pattern below (m.lastindex tells which alternative matched).
_G_NL, _G_LINE_COMMENT, _G_BLOCK, _G_BLOCK_OPEN, _G_DIRECTIVE = 1, 2, 3, 4, 5
_G_MSTR, _G_MSTR_OPEN, _G_QUOTE, _G_ID, _G_NUM, _G_LBRACE, _G_RBRACE, _G_OP, _G_END, _G_BAD = range(6, 16)

_MASTER = re.compile(
    r"""[ \t\x0b\x0c\xa0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff]*(?:
     (\r\n|\n|\r)
    |(//[^\r\n]*)
    |(/\*(?s:.*?)\*/)
    |(/\*)
    |(\#[^\r\n]*)
    |('''(?s:.*?)'''(?!'))
    |(''')
    |(')
    |([A-Za-z_][A-Za-z0-9_]*)
    |([0-9]+)
    |(\{)
    |(\})
    |(\.\.\.|\.\?|\[\?|::|=>|&&|\|\||\?\?|==|!=|<=|>=|=~|!~|[-+*/%!<>=?:.,()\[\]@|])
    |(\Z)
    |(.)
    )""",
    re.VERBOSE,
)

# A string body up to its end (`'`) or the next interpolation (`${`). A single-quoted string cannot span lines.
_STRING_BODY = re.compile(r"((?:[^'\\$\r\n]|\\[^\r\n]|\$(?!\{))*)(?:(')|(\$\{))?")
_ESCAPE = re.compile(r"\\(?:u\{([0-9A-Fa-f]{1,8})\}|(.))")
_SIMPLE_ESCAPES = {"\\": "\\", "'": "'", "n": "\n", "r": "\r", "t": "\t", "$": "$"}
_NEWLINE = re.compile(r"\r\n|\n|\r")

# Canonical (interned) kinds for operator text, so the parser's comparisons hit the identity fast path.
_OP_KIND = {
    op: op
    for op in (
        "...", ".?", "[?", "::", "=>", "&&", "||", "??", "==", "!=", "<=", ">=", "=~", "!~",
        "-", "+", "*", "/", "%", "!", "<", ">", "=", "?", ":", ".", ",", "(", ")", "[", "]", "@", "|", "{", "}",
    )
}  # fmt: skip


def _unescape(raw: str, line: int, col: int, path: str, problems: list[SyntaxProblem]) -> str:
    """Decode Bicep escapes in a string body that starts at (line, col); report unknown escapes."""

    def repl(m: re.Match[str]) -> str:
        hexdigits, ch = m.group(1), m.group(2)
        if hexdigits is not None:
            code = int(hexdigits, 16)
            if code <= 0x10FFFF:
                return chr(code)
        elif ch in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[ch]
        problems.append(
            SyntaxProblem(path, line, col + m.start(), f"invalid escape sequence {m.group(0)!r}", "escape sequence")
        )
        return m.group(0)

    return _ESCAPE.sub(repl, raw)


def tokenize(text: str, path: str = "<string>") -> tuple[list[Token], list[SyntaxProblem], list[Directive]]:
    """Split `text` into tokens (always ending with one EOF token). Never raises on any input."""
    tokens: list[Token] = []
    problems: list[SyntaxProblem] = []
    directives: list[Directive] = []
    append = tokens.append
    match = _MASTER.match
    body_match = _STRING_BODY.match
    op_kind = _OP_KIND
    line = 1
    line_start = 0  # offset of the first character of the current line
    nl = True  # a line break precedes the next token
    interp: list[int] = []  # for each open `${`: how many `{` are open inside it
    pos = 0

    def string_piece(start: int, body_start: int, opening: str) -> int:
        """Lex one string piece whose body starts at `body_start`; `opening` is `'` or `}`. Return the end."""
        nonlocal nl
        bm = body_match(text, body_start)
        raw = bm.group(1)
        end = bm.end()
        col = start - line_start + 1
        value = raw if "\\" not in raw else _unescape(raw, line, body_start - line_start + 1, path, problems)
        if bm.group(2) is not None:  # closing quote
            kind = STR if opening == "'" else STR_R
            if opening == "}":
                interp.pop()
        elif bm.group(3) is not None:  # `${`
            kind = STR_L if opening == "'" else STR_M
            if opening == "'":
                interp.append(0)
        else:
            message = "unterminated string (strings cannot span lines)"
            problems.append(SyntaxProblem(path, line, col, message, "'", line, end - line_start + 1))
            kind = STR if opening == "'" else STR_R
            if opening == "}":
                interp.pop()
        append(Token(kind, text[start:end], value, line, col, line, end - line_start + 1, nl))
        nl = False
        return end

    while True:
        m = match(text, pos)
        g = m.lastindex
        start = m.start(g)
        end = m.end(g)
        if g == _G_ID:
            append(Token(ID, m.group(g), None, line, start - line_start + 1, line, end - line_start + 1, nl))
            nl = False
        elif g == _G_OP:
            op = m.group(g)
            append(Token(op_kind[op], op, None, line, start - line_start + 1, line, end - line_start + 1, nl))
            nl = False
        elif g == _G_NL:
            line += 1
            line_start = end
            nl = True
        elif g == _G_QUOTE:
            end = string_piece(start, end, "'")
        elif g == _G_LBRACE:
            if interp:
                interp[-1] += 1
            append(Token("{", "{", None, line, start - line_start + 1, line, end - line_start + 1, nl))
            nl = False
        elif g == _G_RBRACE:
            if interp and interp[-1] == 0:
                end = string_piece(start, end, "}")
            else:
                if interp:
                    interp[-1] -= 1
                append(Token("}", "}", None, line, start - line_start + 1, line, end - line_start + 1, nl))
                nl = False
        elif g == _G_NUM:
            t = m.group(g)
            append(Token(NUM, t, int(t), line, start - line_start + 1, line, end - line_start + 1, nl))
            nl = False
        elif g == _G_LINE_COMMENT:
            pass
        elif g == _G_DIRECTIVE:
            directives.append(Directive(m.group(g), line, start - line_start + 1))
        elif g in (_G_BLOCK, _G_MSTR):
            chunk = m.group(g)
            breaks = chunk.count("\n") + chunk.count("\r") - chunk.count("\r\n")
            sline, scol = line, start - line_start + 1
            if breaks:
                line += breaks
                line_start = start + max(chunk.rfind("\n"), chunk.rfind("\r")) + 1
            if g == _G_BLOCK:
                nl = nl or breaks > 0
            else:
                value = chunk[3:-3]
                # An opening `'''` directly followed by a line break does not put that break in the value.
                if value.startswith("\r\n"):
                    value = value[2:]
                elif value[:1] in ("\n", "\r"):
                    value = value[1:]
                append(Token(MSTR, chunk, value, sline, scol, line, end - line_start + 1, nl))
                nl = False
        elif g == _G_END:
            append(Token(EOF, "", None, line, start - line_start + 1, line, start - line_start + 1, nl))
            break
        elif g in (_G_BLOCK_OPEN, _G_MSTR_OPEN):
            what = "comment" if g == _G_BLOCK_OPEN else "multi-line string"
            closer = "*/" if g == _G_BLOCK_OPEN else "'''"
            problems.append(SyntaxProblem(path, line, start - line_start + 1, f"unterminated {what}", closer))
            sline, scol = line, start - line_start + 1
            # The rest of the file is inside it; count its lines so EOF gets a sensible position.
            for nm in _NEWLINE.finditer(text, start):
                line += 1
                line_start = nm.end()
            if g == _G_MSTR_OPEN:
                value = text[end:]
                append(Token(MSTR, text[start:], value, sline, scol, line, len(text) - line_start + 1, nl))
            end = len(text)
            nl = False
        else:  # _G_BAD
            ch = m.group(g)
            col = start - line_start + 1
            problems.append(SyntaxProblem(path, line, col, f"unexpected character {ch!r}", None, line, col + 1))
            append(Token(BAD, ch, None, line, col, line, col + 1, nl))
            nl = False
        pos = end
    return tokens, problems, directives
