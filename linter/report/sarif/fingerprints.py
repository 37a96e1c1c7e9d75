"""`partialFingerprints.primaryLocationLineHash` values: how GitHub code scanning tells an alert seen again
from a new one.

Template findings use the value GitHub's `upload-sarif` action computes itself from the source line when a
result has none. Computing the same value here keeps alerts stable when the log is uploaded some other way
(the REST API computes nothing), and the action keeps ours as long as the two agree.

The action's definition, re-implemented from its description:

- the file is read as UTF-8 and processed as UTF-16 code units (what JavaScript strings hold);
- spaces and tabs are dropped; CR LF, CR and LF each end a line and become one LF;
- the stream ends with the sentinel 0xFFFF, then as many zeros as needed;
- a line's hash is the polynomial hash, base 37, modulo 2**64, of the BLOCK characters starting at the line's
  first kept character (so it depends on that line and the ones after it, not on the lines above);
- the value is `<hash in lower-case hex, no leading zeros>:<n>`, where n counts the lines so far (this line
  included) whose hash is the same, so identical lines stay distinct.

Resource findings (Resource Graph exports, live audits) have no source line that identifies them: rows move
and change on every export. Their fingerprint is a hash of the rule id and the lower-cased resource id, in the
same `hex:n` shape so GitHub de-duplicates them the same way.
"""

from __future__ import annotations

import hashlib
import sys
from array import array
from collections.abc import Iterable
from pathlib import Path

BLOCK = 100
BASE = 37
MASK = (1 << 64) - 1
END_OF_FILE = 0xFFFF
_FIRST_POWER = pow(BASE, BLOCK, 1 << 64)  # drops the character leaving the window
_LF = 0x0A
_UTF16_NATIVE = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"  # array("H") is native-endian


def normalised_units(text: str) -> array:
    """The character stream the hash runs over: no spaces or tabs, every line ending one LF, plus the
    end-of-file sentinel. UTF-16 code units, so a character outside the BMP counts twice, as in JavaScript."""
    # A CR directly followed by LF is one line end; a space in between makes them two (the space resets the
    # "previous was CR" state). Replacing CRLF before deleting spaces gives exactly that.
    folded = text.replace("\r\n", "\n").replace("\r", "\n").replace(" ", "").replace("\t", "")
    units = array("H")
    units.frombytes(folded.encode(_UTF16_NATIVE, "surrogatepass"))
    units.append(END_OF_FILE)
    return units


def line_hashes(text: str, lines: Iterable[int] | None = None) -> dict[int, str]:
    """The `hash:n` value of each 1-based line (of `lines`, or of every line), as GitHub computes it.

    Stops reading once the last wanted line is hashed: a line's value depends only on the text from the start
    of the file to BLOCK characters past the line.
    """
    wanted = None if lines is None else set(lines)
    last_wanted = max(wanted) if wanted else None
    if wanted is not None and not wanted:
        return {}
    units = normalised_units(text)
    window = [0] * BLOCK
    starts = [0] * BLOCK  # the line number whose first character sits in this window slot (0: none)
    counts: dict[int, int] = {}
    found: dict[int, str] = {}
    value = 0
    slot = 0
    line = 0
    at_line_start = True

    def emit() -> bool:
        """Record the hash of the line starting in `slot`; True when every wanted line is known."""
        counts[value] = counts.get(value, 0) + 1
        number = starts[slot]
        starts[slot] = 0
        if wanted is None or number in wanted:
            found[number] = f"{value:x}:{counts[value]}"
        return last_wanted is not None and number >= last_wanted

    for unit in units:
        if starts[slot] and emit():
            return found
        if at_line_start:
            line += 1
            starts[slot] = line
            at_line_start = False
        if unit == _LF:
            at_line_start = True
        value = (value * BASE + unit - _FIRST_POWER * window[slot]) & MASK
        window[slot] = unit
        slot = (slot + 1) % BLOCK
    for _ in range(BLOCK):  # pad with zeros so the last lines get a full window
        if starts[slot] and emit():
            return found
        value = (value * BASE - _FIRST_POWER * window[slot]) & MASK
        window[slot] = 0
        slot = (slot + 1) % BLOCK
    return found


def read_source(path: Path) -> str | None:
    """A file's text as the upload action reads it (UTF-8, invalid bytes replaced, BOM kept), or None."""
    from linter.filesafe import FileReadError, read_regular_file

    try:
        return read_regular_file(path, 64 * 1024 * 1024).decode("utf-8", "replace")
    except FileReadError:  # gone, or no longer a regular file: no hash rather than a blocked read
        return None


def resource_hash(rule_id: str, resource_key: str, occurrence: int = 1) -> str:
    """A stable fingerprint for a finding about a resource: 64 bits of SHA-256 over (rule, resource id)."""
    return _key_hash(f"{rule_id.upper()}\n{resource_key.lower()}", occurrence)


def _key_hash(key: str, occurrence: int) -> str:
    digest = hashlib.sha256(key.encode()).digest()
    return f"{int.from_bytes(digest[:8], 'big'):x}:{occurrence}"


class Fingerprints:
    """Computes fingerprints for one log: each template file is read and hashed once, up to the last line
    a finding needs; resource fingerprints number repeats of the same (rule, resource) in order."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._wanted: dict[str, set[int]] = {}
        self._hashes: dict[str, dict[int, str]] = {}
        self._seen: dict[str, int] = {}

    def want(self, file: str, line: int) -> None:
        """Announce a template line before asking for hashes, so each file is read only once."""
        self._wanted.setdefault(file, set()).add(line)

    def template(self, file: str, line: int) -> str | None:
        """GitHub's line hash of `file` (relative to the root) at `line`; None when the file cannot be read."""
        wanted = self._wanted.setdefault(file, set())
        if line not in wanted:  # not announced: hash the file again with it (correct, only slower)
            wanted.add(line)
            self._hashes.pop(file, None)
        if file not in self._hashes:
            text = read_source(self._root / file)
            self._hashes[file] = {} if text is None else line_hashes(text, wanted)
        return self._hashes[file].get(line)

    def resource(self, rule_id: str, resource_key: str) -> str:
        key = f"{rule_id.upper()}\n{resource_key.lower()}"  # what `resource_hash` hashes: made once here
        occurrence = self._seen[key] = self._seen.get(key, 0) + 1
        return _key_hash(key, occurrence)
