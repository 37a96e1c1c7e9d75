"""Suppressions: a finding accepted as a risk, with a reason, instead of a rule switched off.

Three places say it:

- Bicep, a comment on the line before the resource declaration or before the property the finding points at
  (decorators and other comments may sit in between):
  `// drlint-disable-next-line DR201: the data is re-creatable from the lake`
- ARM, on the resource: `"metadata": {"drlint": {"suppress": [{"rule": "DR201", "reason": "..."}]}}`
- drlint.yaml, for exports and audits where there is no source to annotate:
  `suppress: [{rule: DR201, resource: "/subscriptions/*/hub-*", reason: "...", expires: 2026-06-30}]`

A suppressed finding is not a failure, but it is not hidden either: SARIF carries it with `suppressions`
(`inSource` or `external`, with the reason as justification), which SARIF consumers show as dismissed. A
suppression without a reason or past its `expires` date suppresses nothing; those, and suppressions that match
no finding of a rule that ran, are reported (located) so they do not rot.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from linter.diagnostics import Diagnostic
from linter.model import Position, Resource
from linter.records import record
from linter.results import Outcome, Result

CODE = "suppression-error"
MAX_SUPPRESSIONS = 10_000  # per source (config, one template): a bound on work, far above real use
MAX_REASON = 500
MAX_PATTERN = 2_000
MAX_SOURCE_BYTES = 4_000_000  # a Bicep file larger than this is not searched for comments
_SUPPRESSIBLE = (Outcome.FAIL, Outcome.UNKNOWN)
_RULE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,63}\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# `// drlint-disable-next-line DR201, DR202: reason`; the reason may be missing (then it is reported).
_BICEP_COMMENT = re.compile(r"^\s*//\s*drlint-disable-next-line\b(?P<rest>.*)$")
_DECORATOR_OR_COMMENT = re.compile(r"^\s*(@|//|#disable-next-line)")


@record(frozen=True)
class Suppression:
    rule: str  # rule id as written
    reason: str
    kind: str  # SARIF suppression kind: "inSource" (template) or "external" (drlint.yaml)
    position: Position  # where the suppression is written
    resource: str | None = None  # drlint.yaml: a resource id or a glob over ids (or names)
    expires: dt.date | None = None

    @property
    def where(self) -> str:
        return "drlint.yaml" if self.kind == "external" else "the template"


def clean_reason(text: Any) -> str:
    """A reason as shown everywhere: one line, no control characters, bounded."""
    if not isinstance(text, str):
        return ""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"


# drlint.yaml ----------------------------------------------------------------------------------------------------

_CONFIG_KEYS = ("rule", "resource", "reason", "expires")


def parse_config_suppressions(raw: Any, position_of: Any, problem: Any) -> list[Suppression]:
    """`suppress:` entries of drlint.yaml. `position_of(path)` locates a node, `problem(message, path)` reports.

    An entry without a reason is kept (it is reported when applied, at its line); a malformed one is not.
    """
    if raw is None:
        return []
    if not isinstance(raw, list):
        problem("`suppress` is a list of {rule, resource, reason, expires}", ("suppress",))
        return []
    if len(raw) > MAX_SUPPRESSIONS:
        problem(f"`suppress` has {len(raw)} entries; at most {MAX_SUPPRESSIONS} are read", ("suppress",))
        raw = raw[:MAX_SUPPRESSIONS]
    found = []
    for i, entry in enumerate(raw):
        where = ("suppress", i)
        if not isinstance(entry, Mapping):
            problem("a suppression is a mapping {rule, resource, reason, expires}", where)
            continue
        unknown = [k for k in entry if k not in _CONFIG_KEYS]
        if unknown:
            problem(f"unknown key `{unknown[0]}` in a suppression; expected {', '.join(_CONFIG_KEYS)}",
                    (*where, unknown[0]))
            continue
        rule = entry.get("rule")
        if not isinstance(rule, str) or not _RULE_ID.match(rule):
            problem("a suppression needs `rule: <rule id>` (e.g. DR201)", (*where, "rule"))
            continue
        resource = entry.get("resource")
        if not isinstance(resource, str) or not resource or len(resource) > MAX_PATTERN:
            problem("a suppression needs `resource:` a resource id, a name, or a glob such as "
                    "'/subscriptions/*/resourceGroups/rg-ai/*' ('*' for every resource)", (*where, "resource"))
            continue
        expires = entry.get("expires")
        if expires is not None:
            expires = _date(expires)
            if expires is None:
                problem("`expires` is a date, YYYY-MM-DD", (*where, "expires"))
                continue
        found.append(Suppression(rule, clean_reason(entry.get("reason")), "external", position_of(where),
                                 resource, expires))
    return found


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _matches_resource(pattern: str, resource: Resource | None) -> bool:
    if pattern == "*":
        return True
    if resource is None:
        return False
    folded = pattern.lower()
    if isinstance(resource.id, str) and fnmatch.fnmatchcase(resource.id.lower(), folded):
        return True
    # A pattern without `/` may name the resource (`hub-*`), as people say it.
    return "/" not in pattern and isinstance(resource.name, str) and fnmatch.fnmatchcase(
        resource.name.lower(), folded)


# ARM metadata ---------------------------------------------------------------------------------------------------


def arm_suppressions(resource: Resource) -> list[Suppression]:
    """`metadata.drlint.suppress` of the template declaration a resource came from (ARM templates only)."""
    anchor = resource.anchor
    document = getattr(anchor, "document", None)
    base = getattr(anchor, "base", None)
    data = getattr(document, "data", None)
    if resource.origin.kind != "arm" or data is None or base is None:
        return []
    declaration = data
    for key in base:
        try:
            declaration = declaration[key]
        except (KeyError, IndexError, TypeError):
            return []
    metadata = declaration.get("metadata") if isinstance(declaration, Mapping) else None
    drlint = metadata.get("drlint") if isinstance(metadata, Mapping) else None
    entries = drlint.get("suppress") if isinstance(drlint, Mapping) else None
    if not isinstance(entries, list):
        return []
    found = []
    for i, entry in enumerate(entries[:MAX_SUPPRESSIONS]):
        path = (*base, "metadata", "drlint", "suppress", i)
        position = document.position(path)
        if not isinstance(entry, Mapping) or not isinstance(entry.get("rule"), str):
            found.append(Suppression("", "", "inSource", position))  # reported as malformed
            continue
        rule = entry["rule"].strip()
        found.append(Suppression(rule if _RULE_ID.match(rule) else "", clean_reason(entry.get("reason")), "inSource",
                                 position))
    return found


# Bicep comments -------------------------------------------------------------------------------------------------


def bicep_suppressions(text: str, file: str) -> dict[int, list[Suppression]]:
    """`// drlint-disable-next-line` comments of one Bicep file, by the line they apply to."""
    if "drlint-disable" not in text:
        return {}
    lines = text.splitlines()
    inside_string = _multiline_string_lines(text) if "'''" in text else set()
    by_target: dict[int, list[Suppression]] = {}
    count = 0
    for index, line in enumerate(lines):
        number = index + 1
        match = _BICEP_COMMENT.match(line)
        if match is None or number in inside_string:
            continue
        count += 1
        if count > MAX_SUPPRESSIONS:
            break
        target = _target_line(lines, index)
        column = line.index("//") + 1
        rules, reason = _split_comment(match.group("rest"))
        position = Position(file, number, column)
        for rule in rules or [""]:
            by_target.setdefault(target, []).append(Suppression(rule, reason, "inSource", position))
    return by_target


def _split_comment(rest: str) -> tuple[list[str], str]:
    """`DR201, DR202: reason` -> the rule ids and the reason; no ids when any of them is malformed."""
    head, _, reason = rest.partition(":")
    rules = [r for r in re.split(r"[\s,]+", head.strip()) if r]
    if not all(_RULE_ID.match(r) for r in rules):
        rules = []
    return rules, clean_reason(reason)


def _target_line(lines: list[str], index: int) -> int:
    """The line a comment at `index` applies to: the next one that is not a comment, decorator or blank."""
    for later in range(index + 1, min(len(lines), index + 50)):
        stripped = lines[later].strip()
        if stripped and not _DECORATOR_OR_COMMENT.match(stripped):
            return later + 1
    return index + 2


def _multiline_string_lines(text: str) -> set[int]:
    """Lines inside `'''` strings, where `//` is text, not a comment (found with the Bicep lexer)."""
    from linter.inputs.bicep.syntax.lexer import MSTR, tokenize

    tokens, _, _ = tokenize(text)
    inside: set[int] = set()
    for token in tokens:
        if token.kind == MSTR and token.end_line > token.line:
            inside.update(range(token.line + 1, token.end_line + 1))
    return inside


# Applying -------------------------------------------------------------------------------------------------------


@record
class _Use:
    suppression: Suppression
    used: bool = False


def apply_suppressions(results: list[Result], resources: Iterable[Resource], config: list[Suppression],
                       root: Path | None, files: Iterable[str], known_rules: set[str], run_rules: set[str],
                       today: dt.date | None = None) -> list[Diagnostic]:
    """Mark suppressed results; return diagnostics about suppressions that are wrong, expired or unused."""
    today = today or dt.date.today()
    diagnostics: list[Diagnostic] = []
    uses: dict[tuple[str, int, int, str], _Use] = {}

    def use(s: Suppression) -> _Use:
        key = (s.position.file, s.position.line, s.position.column, s.rule.upper())
        return uses.setdefault(key, _Use(s))

    # The scanned files, and the files findings point into (a module named by a scanned template).
    wanted = {f for f in files if f.lower().endswith(".bicep")}
    wanted.update(file for result in results if result.outcome in _SUPPRESSIBLE
                  for file, _ in _lines_of(result) if file.lower().endswith(".bicep"))
    bicep = {f: bicep_suppressions(text, f) for f in sorted(wanted) for text in [_read(root, f)] if text is not None}
    for suppressions in bicep.values():
        for entries in suppressions.values():
            for s in entries:
                use(s)
    arm: dict[int, list[Suppression]] = {}
    for resource in resources:
        found = arm_suppressions(resource)
        if found:
            arm[id(resource)] = found
            for s in found:
                use(s)
    for s in config:
        use(s)

    def valid(s: Suppression) -> bool:
        return bool(s.rule) and bool(s.reason) and (s.expires is None or s.expires >= today)

    for result in results:
        if result.outcome not in _SUPPRESSIBLE:
            continue
        rule = result.rule.id.upper()
        candidates: list[Suppression] = []
        for line in _lines_of(result):
            candidates.extend(bicep.get(line[0], {}).get(line[1], []))
        if result.resource is not None:
            candidates.extend(arm.get(id(result.resource), []))
        candidates.extend(s for s in config if _matches_resource(s.resource or "", result.resource))
        for s in candidates:
            if s.rule.upper() != rule:
                continue
            use(s).used = True
            if valid(s) and s not in result.suppressions:
                result.suppressions = [*result.suppressions, s]  # a result's default is a shared empty tuple

    for use in uses.values():
        diagnostics.extend(_problems(use, today, known_rules, run_rules))
    diagnostics.sort(key=lambda d: (d.position.file, d.position.line, d.position.column) if d.position else ("",))
    return diagnostics


def _lines_of(result: Result) -> list[tuple[str, int]]:
    """(file, line) pairs a Bicep comment may sit above: the finding's line and the resource's declaration."""
    lines = []
    if result.position is not None:
        lines.append((result.position.file, result.position.line))
    if result.resource is not None and result.resource.origin.kind == "bicep":
        declared = result.resource.position
        if (declared.file, declared.line) not in lines:
            lines.append((declared.file, declared.line))
    return lines


def _problems(record: _Use, today: dt.date, known_rules: set[str], run_rules: set[str]) -> list[Diagnostic]:
    s = record.suppression

    def problem(message: str) -> Diagnostic:
        return Diagnostic(message, s.position, severity="warning", code=CODE)

    if not s.rule:
        return [problem("a suppression must name the rule it accepts (`drlint-disable-next-line DR201: reason`, "
                        "or `{\"rule\": \"DR201\", \"reason\": ...}`); it suppresses nothing")]
    if s.rule.upper() not in known_rules:
        return [problem(f"suppression names no known rule `{s.rule}`; it suppresses nothing")]
    if not s.reason:
        return [problem(f"suppression of {s.rule} has no reason; say why the risk is accepted (after `:` in a "
                        f"comment, `reason:` elsewhere). Until then the finding is reported")]
    if s.expires is not None and s.expires < today:
        return [problem(f"suppression of {s.rule} expired on {s.expires.isoformat()}; the finding is reported "
                        f"again. Fix it, or renew the suppression with a new date and reason")]
    if not record.used and s.rule.upper() in run_rules:
        target = f" for {clean_reason(s.resource)}" if s.resource else ""
        return [problem(f"suppression of {s.rule}{target} matches no finding; remove it from {s.where}")]
    return []


def _read(root: Path | None, file: str) -> str | None:
    """A scanned file's text (shown relative to the root); never a file outside the scanned tree."""
    if Path(file).is_absolute() or ".." in Path(file).parts:
        return None
    path = (root or Path.cwd()) / file
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            return None
        return path.read_bytes().decode("utf-8-sig", "replace")
    except OSError:
        return None
