"""Rule files: loading, validation and compilation into `Rule` objects.

One rule per YAML file. The built-in pack is validated against `schema/rule.schema.json` by the test suite,
so at run time it is only compiled (keeping jsonschema off the start-up path); user rule files are validated
against the schema as well. Every problem becomes a located `Diagnostic`, and a bad rule never stops the others.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter import PACKAGE_DIR
from linter.conditions import Condition, ConditionError, Selection, compile_condition, compile_selection
from linter.conditions.regex import deferred_compilation
from linter.diagnostics import Diagnostic
from linter.messages import unknown_placeholders
from linter.model import Position
from linter.records import field, record
from linter.vocabulary import POSTURES, SEVERITIES

if TYPE_CHECKING:
    from linter.located import LocatedDocument

SCOPES = ("resource", "estate")


@record
class RuleDocs:
    what: str
    why: str
    fix: str
    arm: str = ""
    bicep: str = ""
    references: list[str] = field(default_factory=list)
    guidance: list[tuple[str, str]] = field(default_factory=list)  # (quoted sentence, source URL)


@record
class Rule:
    id: str
    name: str
    title: str
    severity: str
    postures: tuple[str, ...]
    tags: tuple[str, ...]
    scope: str
    select: Selection
    condition: Condition
    message: str
    docs: RuleDocs
    parameters: dict[str, Any]
    source: str  # the file it was loaded from (display path)
    builtin: bool = True
    position: Position | None = None

    @property
    def help_uri(self) -> str | None:
        """Built-in rules link to their generated page; a user rule to its first reference, if any."""
        if self.builtin:
            from linter import HOMEPAGE

            return f"{HOMEPAGE}/blob/main/docs/rules/{self.id}.md"
        return self.docs.references[0] if self.docs.references else None


class RuleLoadError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics


def builtin_pack_dir() -> Path:
    """The shipped pack: inside the installed package, or `rules/` beside `linter/` in a source checkout."""
    packaged = PACKAGE_DIR / "pack"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


@lru_cache(maxsize=1)
def rule_schema() -> dict[str, Any]:
    text = (PACKAGE_DIR / "schema" / "rule.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


# A folder holding this file is a rule's test case (see linter/ruletest.py): its YAML is fixture data.
CASE_MARKER = "expect.yaml"
_NOT_RULES = ("drlint.yaml", ".drlint.yaml")


def rule_files(directory: Path) -> list[Path]:
    """The rule files under `directory`: YAML files, except test cases and drlint.yaml, so a team keeps its
    rules, their fixtures and its config in one folder."""
    found = []  # no `is_file()`: a FIFO or device named *.yaml is read (and refused, with a diagnostic)
    for folder, dirs, files in os.walk(directory):
        if CASE_MARKER in files:
            dirs[:] = []
            continue
        found += [Path(folder) / name for name in files
                  if name.endswith((".yaml", ".yml")) and name not in _NOT_RULES]
    return sorted(found)


def load_rules(
    paths: Iterable[Path], *, builtin: bool, validate_schema: bool, display_root: Path | None = None
) -> tuple[list[Rule], list[Diagnostic]]:
    """Load every rule file under `paths` (files or directories). Bad files become diagnostics."""
    rules: list[Rule] = []
    diagnostics: list[Diagnostic] = []
    for path in paths:
        files = rule_files(path) if path.is_dir() else [path]
        if path.is_dir() and not files:
            diagnostics.append(Diagnostic(f"no rule files (*.yaml) in {path}", Position(str(path)),
                                          code="rule-error"))
        for file in files:
            display = _display(file, display_root)
            try:
                rules.append(load_rule_file(file, display, builtin=builtin, validate_schema=validate_schema))
            except RuleLoadError as exc:
                diagnostics.extend(exc.diagnostics)
    return rules, diagnostics


def _display(file: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return Path(os.path.relpath(file.resolve(), root.resolve())).as_posix()  # `..` when outside it
        except ValueError:  # another drive
            return file.name
    return file.as_posix()


def load_builtin_pack() -> tuple[list[Rule], list[Diagnostic]]:
    """The built-in pack, from the parsed-pack cache when it holds this pack (see `packcache`), else parsed
    from its YAML (and then cached). Either way every rule is compiled here, the same way."""
    from linter import packcache

    directory = builtin_pack_dir()
    cache = packcache.cache_dir()
    files = rule_files(directory) if cache is not None else []
    if not files:
        return load_rules([directory], builtin=True, validate_schema=False)
    try:
        contents = [(_display(file, None), file.read_bytes()) for file in files]
    except OSError:
        return load_rules([directory], builtin=True, validate_schema=False)
    key = packcache.pack_key(contents)
    cached = packcache.load(cache, key)
    if cached is not None and len(cached) == len(files):
        try:
            return [compile_rule(document, builtin=True) for document in cached], []  # type: ignore[arg-type]
        except RuleLoadError:
            pass  # not what this pack parses to: parse it
    rules: list[Rule] = []
    documents = []
    diagnostics: list[Diagnostic] = []
    for display, content in contents:
        try:
            document = parse_rule_text(content, display)  # the bytes the key was made from
            rules.append(compile_rule(document, builtin=True))
            documents.append(document)
        except RuleLoadError as exc:
            diagnostics.extend(exc.diagnostics)
    if not diagnostics:
        packcache.store(cache, key, documents)
    return rules, diagnostics


def parse_rule_file(file: Path, display: str) -> LocatedDocument:
    from linter.yamlsource import YamlError, load_yaml, read_text

    try:
        return load_yaml(read_text(file, display), display)
    except YamlError as exc:
        raise RuleLoadError([Diagnostic(str(exc), exc.position, code="rule-error")]) from None


def parse_rule_text(content: bytes, display: str) -> LocatedDocument:
    from linter.yamlsource import YamlError, load_yaml

    try:
        return load_yaml(content.decode("utf-8-sig"), display)
    except UnicodeDecodeError as exc:
        raise RuleLoadError([Diagnostic(f"not UTF-8 text ({exc.reason} at byte {exc.start})", Position(display),
                                        code="rule-error")]) from None
    except YamlError as exc:
        raise RuleLoadError([Diagnostic(str(exc), exc.position, code="rule-error")]) from None


def load_rule_file(file: Path, display: str, *, builtin: bool, validate_schema: bool) -> Rule:
    document = parse_rule_file(file, display)
    # The compiler's errors are the precise ones (file:line of the key, what is expected); the schema then
    # catches what compiling does not need (naming patterns, tag limits, reference URLs).
    rule = compile_rule(document, builtin=builtin)
    if validate_schema:
        problems = schema_problems(document)
        if problems:
            raise RuleLoadError(problems)
    return rule


def schema_problems(document: LocatedDocument) -> list[Diagnostic]:
    """Check a rule document against the shipped JSON Schema (imports jsonschema: validation paths only)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(rule_schema())
    problems = []
    for error in sorted(validator.iter_errors(document.data), key=lambda e: [str(p) for p in e.absolute_path]):
        best = jsonschema.exceptions.best_match([error])
        path = tuple(best.absolute_path)
        if best.validator == "additionalProperties" and isinstance(best.instance, Mapping):
            allowed = set(best.schema.get("properties", {}))
            extra = [k for k in best.instance if k not in allowed]
            path = (*path, extra[0]) if extra else path
        where = ".".join(str(p) for p in path) or "the rule"
        problems.append(Diagnostic(f"{where}: {best.message}", document.position(path), code="rule-error"))
    return problems


def _require(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], document: LocatedDocument) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        expected = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise _error(f"`{key}` is required and must be a non-empty {expected}", (key,), document)
    return value


def _error(message: str, path: tuple[str | int, ...], document: LocatedDocument) -> RuleLoadError:
    return RuleLoadError([Diagnostic(message, document.position(path), code="rule-error")])


_RULE_ID = re.compile(r"[A-Za-z]{2,}[0-9]+\Z")
_TOP_KEYS = {"id", "name", "title", "severity", "postures", "tags", "scope", "select", "condition", "message",
             "docs", "parameters"}
_DOC_KEYS = {"what", "why", "fix", "arm", "bicep", "references", "guidance"}


def compile_rule(document: LocatedDocument, *, builtin: bool) -> Rule:
    data = document.data
    if not isinstance(data, Mapping):
        raise _error("a rule file holds one mapping (id, name, title, ...)", (), document)
    unknown = sorted(set(data) - _TOP_KEYS, key=str)
    if unknown:
        raise _error(f"unknown key `{unknown[0]}`; expected one of {', '.join(sorted(_TOP_KEYS))}",
                     (unknown[0],), document)
    rule_id = _require(data, "id", str, document)
    if not _RULE_ID.match(rule_id):
        raise _error("`id` is letters then digits, such as DR201 or ACME001", ("id",), document)
    severity = _require(data, "severity", str, document)
    if severity not in SEVERITIES:
        raise _error(f"`severity` is one of {', '.join(SEVERITIES)}", ("severity",), document)
    postures = data.get("postures", list(POSTURES))
    if not isinstance(postures, list) or not postures or any(p not in POSTURES for p in postures):
        raise _error(f"`postures` is a list of {', '.join(POSTURES)}", ("postures",), document)
    tags = data.get("tags", [])
    if not isinstance(tags, list) or any(not isinstance(t, str) for t in tags):
        raise _error("`tags` is a list of strings", ("tags",), document)
    scope = data.get("scope", "resource")
    if scope not in SCOPES:
        raise _error(f"`scope` is one of {', '.join(SCOPES)}", ("scope",), document)
    parameters = data.get("parameters", {})
    if not isinstance(parameters, Mapping):
        raise _error("`parameters` maps names to default values", ("parameters",), document)
    docs = _compile_docs(data.get("docs"), document)
    try:
        # the shipped pack's `match` patterns compile on first use (the test suite compiles them all), so a
        # scan that matches none does not load RE2; a user rule's compile now, so a bad one is located at once
        with deferred_compilation() if builtin else contextlib.nullcontext():
            select = compile_selection(data.get("select"), ("select",), allow_relation=False)
            condition = compile_condition(data.get("condition"), ("condition",))
    except ConditionError as exc:
        raise _error(f"{'.'.join(str(p) for p in exc.path)}: {exc}", exc.path, document) from None
    stray = unknown_placeholders(data["message"] if isinstance(data.get("message"), str) else "",
                                 _aggregate_names(data.get("condition")))
    if stray:
        raise _error(f"message placeholder {{{stray[0]}}} names nothing; use {{resource.<path>}}, {{ref.<path>}}, "
                     "{actual}, {expected}, {count}, {distinct}, {values}, {param.<name>} or an aggregate's `as`",
                     ("message",), document)
    if scope == "resource" and _uses_rule_selection(data.get("condition")):
        raise _error("an `aggregate` without `select` measures the rule's selection: it needs `scope: estate`",
                     ("condition",), document)
    return Rule(
        id=rule_id,
        name=_require(data, "name", str, document),
        title=_require(data, "title", str, document),
        severity=severity,
        postures=tuple(postures),
        tags=tuple(tags),
        scope=scope,
        select=select,
        condition=condition,
        message=_require(data, "message", str, document),
        docs=docs,
        parameters=dict(parameters),
        source=document.path,
        builtin=builtin,
        position=document.position(("id",)),
    )


def _aggregate_names(raw: Any) -> set[str]:
    """The `as:` names of the aggregates in a condition (messages may use their facts)."""
    names: set[str] = set()
    if isinstance(raw, Mapping):
        aggregate = raw.get("aggregate")
        if isinstance(aggregate, Mapping) and isinstance(aggregate.get("as"), str):
            names.add(aggregate["as"])
        for value in raw.values():
            names |= _aggregate_names(value)
    elif isinstance(raw, list):
        for value in raw:
            names |= _aggregate_names(value)
    return names


def _uses_rule_selection(raw: Any) -> bool:
    if isinstance(raw, Mapping):
        aggregate = raw.get("aggregate", False)
        if aggregate is None or (isinstance(aggregate, Mapping) and "select" not in aggregate):
            return True
        return any(_uses_rule_selection(v) for k, v in raw.items() if k != "aggregate")
    if isinstance(raw, list):
        return any(_uses_rule_selection(v) for v in raw)
    return False


def _compile_docs(raw: Any, document: LocatedDocument) -> RuleDocs:
    if not isinstance(raw, Mapping):
        raise _error("`docs` is required: what, why, fix (and arm, bicep, references)", ("docs",), document)
    unknown = sorted(set(raw) - _DOC_KEYS, key=str)
    if unknown:
        raise _error(f"unknown key `{unknown[0]}` in docs; expected {', '.join(sorted(_DOC_KEYS))}",
                     ("docs", unknown[0]), document)
    for key in ("what", "why", "fix"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise _error(f"`docs.{key}` is required text", ("docs", key), document)
    references = raw.get("references", [])
    if not isinstance(references, list) or any(not isinstance(r, str) for r in references):
        raise _error("`docs.references` is a list of URLs", ("docs", "references"), document)
    guidance = raw.get("guidance", [])
    if not isinstance(guidance, list) or any(
            not isinstance(g, Mapping) or not isinstance(g.get("quote"), str) or not isinstance(g.get("source"), str)
            for g in guidance):
        raise _error("`docs.guidance` is a list of {quote: <sentence>, source: <URL>}", ("docs", "guidance"),
                     document)
    return RuleDocs(raw["what"].strip(), raw["why"].strip(), raw["fix"].strip(),
                    str(raw.get("arm", "")).strip(), str(raw.get("bicep", "")).strip(), list(references),
                    [(g["quote"].strip(), g["source"].strip()) for g in guidance])


def check_duplicate_ids(rules: list[Rule]) -> tuple[list[Rule], list[Diagnostic]]:
    """Keep the first rule of each id (built-ins load first); every later one is a diagnostic."""
    seen: dict[str, Rule] = {}
    kept: list[Rule] = []
    diagnostics: list[Diagnostic] = []
    for rule in rules:
        first = seen.get(rule.id.upper())
        if first is not None:
            diagnostics.append(Diagnostic(
                f"duplicate rule id {rule.id}: already defined in {first.source}; give this rule a new id",
                rule.position, code="rule-error"))
            continue
        seen[rule.id.upper()] = rule
        kept.append(rule)
    return kept, diagnostics
