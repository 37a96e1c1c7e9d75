"""Text from inputs made safe for a terminal: control, bidirectional and unpaired surrogate characters escaped.

Resource names, string values, file names and diagnostics come from files drlint does not trust. Written raw,
`\\x1b[2J` clears the screen, `\\x1b]0;...\\x07` retitles the terminal, a newline forges a finding line and a
right-to-left override (U+202E) makes text read differently from what it is. Every human format passes
input-derived text through `escape` (one line) or `escape_block` (multi-line text such as rule docs), which
write such characters as visible `\\xNN` / `\\uNNNN` escapes. Machine formats (JSON, SARIF) escape through JSON.
"""

from __future__ import annotations

import re
from functools import lru_cache

# C0 controls and DEL, C1 controls, the bidirectional controls (ALM, LRM/RLM, embeddings and overrides,
# isolates), the line and paragraph separators, and lone surrogates (not valid text; they crash an encoder).
_OTHERS = "\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff"


@lru_cache(maxsize=2)
def _unsafe(keep_lines: bool) -> re.Pattern[str]:
    # Compiled on first need: most text is printable and never reaches these.
    return re.compile(f"[\x00-\x08\x0b-\x1f{_OTHERS}]" if keep_lines else f"[\x00-\x1f{_OTHERS}]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: object) -> str:
    """One line of text, safe to print: nothing in it acts on the terminal or starts a new line."""
    value = text if isinstance(text, str) else str(text)
    # Every character escaped here is one `isprintable` rejects (Cc, Cf, Cs, Zl, Zp): printable text is safe.
    return value if value.isprintable() else _unsafe(False).sub(_visible, value)


def escape_block(text: object) -> str:
    """Like `escape`, keeping newlines and tabs (for multi-line text such as a rule's documentation)."""
    value = text if isinstance(text, str) else str(text)
    return value if value.isprintable() else _unsafe(True).sub(_visible, value)
