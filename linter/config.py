"""`drlint.yaml`: found by walking up from the first scanned path; validated strictly (unknown keys are errors).

```yaml
posture: hot-warm                 # hot-cold (default) | hot-warm | hot-hot
failOn: warning                   # error | warning | note | never
rulePaths: [policies/dr]          # extra rule directories or files, relative to this file
exclude: ["legacy/**"]            # glob patterns of paths not to scan, relative to this file
rules:
  DR202: {severity: note}         # or `off`
  DR201: {parameters: {acceptedSkus: [Standard_GZRS, Standard_RAGZRS]}}
deployments:                      # how templates are deployed (ARM / Bicep front ends)
  - name: primary
    template: infra/main.bicep
    parameters: infra/main.primary.bicepparam
    location: eastus2             # the resource group's region
    subscription: 00000000-0000-0000-0000-000000000000
    resourceGroup: rg-ai-primary
suppress:                         # accepted risks, each with a reason (linter/suppressions.py)
  - {rule: DR202, resource: "*/storageAccounts/scratch*", reason: "scratch data", expires: 2026-12-31}
```
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.diagnostics import Diagnostic
from linter.model import Position
from linter.records import field, record
from linter.suppressions import Suppression, parse_config_suppressions
from linter.vocabulary import FAIL_ON_LEVELS, POSTURES, SEVERITY_OVERRIDES

if TYPE_CHECKING:
    from linter.located import LocatedDocument
    from linter.rules import Rule

CONFIG_NAMES = ("drlint.yaml", ".drlint.yaml")
_TOP_KEYS = ("posture", "failOn", "rulePaths", "exclude", "rules", "deployments", "suppress")
_RULE_KEYS = ("severity", "parameters")
_DEPLOYMENT_KEYS = ("name", "template", "parameters", "location", "subscription", "resourceGroup")


@record(frozen=True)
class RuleOverride:
    """What drlint.yaml says about one rule: a severity (or `off`) and parameter values."""

    severity: str | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)


@record
class Config:
    path: Path | None = None
    posture: str | None = None
    fail_on: str | None = None
    rule_paths: list[Path] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    rules: dict[str, RuleOverride] = field(default_factory=dict)
    deployments: list[dict[str, Any]] = field(default_factory=list)
    deployment_positions: list[Position] = field(default_factory=list)  # where each entry is written
    document: LocatedDocument | None = None  # the parsed file, to locate a setting found wrong later
    suppress: list[Suppression] = field(default_factory=list)  # accepted risks (linter/suppressions.py)

    @property
    def root(self) -> Path | None:
        return self.path.parent if self.path else None


def shown_path(path: Path) -> str:
    """A config file as diagnostics name it: relative to the current directory (the run's root) when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        try:  # `..` rather than an absolute path: reports never say where the scan ran
            return Path(os.path.relpath(path.resolve(), Path.cwd().resolve())).as_posix()
        except ValueError:  # another drive
            return path.name


def find_config(start: Path) -> Path | None:
    """The nearest drlint.yaml in `start` (a file's folder) or any folder above it."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate_dir in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            candidate = candidate_dir / name
            if candidate.is_file():
                return candidate
    return None


def load_config(path: Path, display: str) -> tuple[Config, list[Diagnostic]]:
    """Parse and validate a config file. Problems are diagnostics; what is valid is still used."""
    from linter.yamlsource import YamlError, load_yaml, read_text  # only when there is a file to read

    config = Config(path=path)
    try:
        document = load_yaml(read_text(path, display), display)
    except YamlError as exc:
        return config, [Diagnostic(str(exc), exc.position, code="config-error")]
    problems: list[Diagnostic] = []
    config.document = document

    def problem(message: str, where: tuple[str | int, ...]) -> None:
        problems.append(Diagnostic(message, document.position(where), code="config-error"))

    data = document.data if document.data is not None else {}
    if not isinstance(data, Mapping):
        problem(f"{display} holds a mapping of settings", ())
        return config, problems
    for key in data:
        if key not in _TOP_KEYS:
            problem(f"unknown setting `{key}`; expected one of {', '.join(_TOP_KEYS)}", (key,))
    if "posture" in data:
        if data["posture"] in POSTURES:
            config.posture = data["posture"]
        else:
            problem(f"`posture` is one of {', '.join(POSTURES)}", ("posture",))
    if "failOn" in data:
        if data["failOn"] in FAIL_ON_LEVELS:
            config.fail_on = data["failOn"]
        else:
            problem(f"`failOn` is one of {', '.join(FAIL_ON_LEVELS)}", ("failOn",))
    config.rule_paths = [path.parent / p for p in _strings(data, "rulePaths", problem)]
    config.exclude = _strings(data, "exclude", problem)
    config.rules = _rule_overrides(data.get("rules"), document, problem)
    config.deployments, config.deployment_positions = _deployments(data.get("deployments"), problem, document)
    config.suppress = parse_config_suppressions(data.get("suppress"), document.position, problem)
    return config, problems


def _strings(data: Mapping[str, Any], key: str, problem: Any) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problem(f"`{key}` is a list of paths", (key,))
        return []
    return list(value)


def _rule_overrides(raw: Any, document: LocatedDocument, problem: Any) -> dict[str, RuleOverride]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problem("`rules` maps rule ids to {severity, parameters}", ("rules",))
        return {}
    overrides = {}
    for rule_id, settings in raw.items():
        where = ("rules", rule_id)
        # YAML 1.1 reads a bare `off` as false: both spellings mean the rule is off.
        if settings == "off" or settings is False:
            settings = {"severity": "off"}
        elif isinstance(settings, Mapping) and settings.get("severity") is False:
            settings = {**settings, "severity": "off"}
        if not isinstance(settings, Mapping):
            problem(f"`rules.{rule_id}` is `off` or a mapping with severity and/or parameters", where)
            continue
        unknown = [k for k in settings if k not in _RULE_KEYS]
        if unknown:
            problem(f"unknown key `{unknown[0]}` for rule {rule_id}; expected severity or parameters",
                    (*where, unknown[0]))
            continue
        severity = settings.get("severity")
        if severity is not None and severity not in SEVERITY_OVERRIDES:
            problem(f"severity of {rule_id} is one of {', '.join(SEVERITY_OVERRIDES)}", (*where, "severity"))
            continue
        parameters = settings.get("parameters", {})
        if not isinstance(parameters, Mapping):
            problem(f"parameters of {rule_id} is a mapping", (*where, "parameters"))
            continue
        overrides[str(rule_id)] = RuleOverride(severity, dict(parameters))
    return overrides


def _deployments(raw: Any, problem: Any, document: LocatedDocument) -> tuple[list[dict[str, Any]], list[Position]]:
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        problem("`deployments` is a list of {name, template, parameters, location, ...}", ("deployments",))
        return [], []
    deployments = []
    positions = []
    for i, entry in enumerate(raw):
        where = ("deployments", i)
        if not isinstance(entry, Mapping) or not isinstance(entry.get("template"), str):
            problem("a deployment needs at least `template: <path>`", where)
            continue
        unknown = [k for k in entry if k not in _DEPLOYMENT_KEYS]
        if unknown:
            problem(f"unknown key `{unknown[0]}` in a deployment; expected {', '.join(_DEPLOYMENT_KEYS)}",
                    (*where, unknown[0]))
            continue
        bad = [k for k, v in entry.items() if not isinstance(v, str)]
        if bad:
            problem(f"`{bad[0]}` of a deployment is a string", (*where, bad[0]))
            continue
        deployments.append(dict(entry))
        positions.append(document.position(where))
    return deployments, positions


def check_rule_overrides(config: Config, known_ids: set[str], document_path: str) -> list[Diagnostic]:
    """Overrides naming rules that do not exist are mistakes worth saying."""
    return [
        Diagnostic(f"`rules.{rule_id}` names no loaded rule", Position(document_path), severity="warning",
                   code="config-error")
        for rule_id in config.rules
        if rule_id.upper() not in known_ids
    ]


def check_rule_parameters(config: Config, rules: list[Rule]) -> list[Diagnostic]:
    """Parameters set in drlint.yaml must be ones the rule declares, of the type of its default.

    A wrong one is a located error naming the valid parameters, and is dropped (the rule runs with its
    default) so the rest of the run is still checked.
    """
    by_id = {r.id.upper(): r for r in rules}
    problems: list[Diagnostic] = []
    for rule_id, override in list(config.rules.items()):
        rule = by_id.get(rule_id.upper())
        if rule is None or not override.parameters:
            continue
        kept = {}
        for name, value in override.parameters.items():
            where = ("rules", rule_id, "parameters", name)
            position = config.document.position(where) if config.document else None
            if name not in rule.parameters:
                valid = ", ".join(sorted(rule.parameters)) or "none"
                problems.append(Diagnostic(
                    f"{rule.id} has no parameter `{name}`; its parameters: {valid} (see drlint rules show {rule.id})",
                    position, code="config-error"))
                continue
            wrong = parameter_type_problem(value, rule.parameters[name])
            if wrong:
                problems.append(Diagnostic(f"parameter `{name}` of {rule.id}: {wrong}", position, code="config-error"))
                continue
            kept[name] = value
        config.rules[rule_id] = RuleOverride(override.severity, kept)
    return problems


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return "null"


def parameter_type_problem(value: Any, default: Any) -> str | None:
    """Why `value` cannot replace `default` (None when it can): same kind, and list items of the same kind."""
    if default is None:
        return None
    if _kind(value) != _kind(default):
        return f"expected {_kind(default)} like the default {_show(default)}, got {_kind(value)}"
    if isinstance(default, list) and default:
        kinds = {_kind(item) for item in default}
        if len(kinds) == 1:
            (kind,) = kinds
            odd = next((item for item in value if _kind(item) != kind), None)
            if odd is not None or any(_kind(item) != kind for item in value):
                return f"expected a list of {kind[2:] if kind.startswith('a ') else kind}s, got {_show(odd)}"
    return None


def _show(value: Any) -> str:
    import json

    return json.dumps(value, default=str)
