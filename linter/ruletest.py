"""Rule fixtures: a folder scanned as one estate, with `expect.yaml` saying what each rule must conclude.

```yaml
# fixtures/rules/DR201/rg-fail/expect.yaml
rule: DR201                 # the rule under test (only it runs)
posture: hot-hot            # optional; default: a posture the rule belongs to
expect:
  - {resource: hub-eus2, outcome: fail, line: 12}    # line is optional
  - {resource: hub-cus, outcome: pass}
  - {outcome: unknown}                               # estate-scope rules: no resource
```

The rule's results must be exactly the expected ones: a missing or an extra result is a mismatch. The test
suite runs every fixture; `drlint rules test` (roadmap) will run a user's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linter.config import Config, load_config
from linter.results import Outcome, Result
from linter.rules import builtin_pack_dir
from linter.scan import ScanOptions, run_scan
from linter.yamlsource import load_yaml, read_text

EXPECT_FILE = "expect.yaml"


@dataclass(frozen=True, slots=True)
class Expected:
    resource: str | None
    outcome: str
    line: int | None = None


@dataclass(slots=True)
class CaseReport:
    case: Path
    rule: str
    mismatches: list[str]
    diagnostics: list[str]

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.diagnostics


def find_cases(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.rglob(EXPECT_FILE))


def read_expectations(case: Path) -> tuple[str, str | None, list[Expected]]:
    document = load_yaml(read_text(case / EXPECT_FILE, str(case / EXPECT_FILE)), str(case / EXPECT_FILE))
    data: Any = document.data
    if not isinstance(data, Mapping) or not isinstance(data.get("rule"), str) or not isinstance(
        data.get("expect"), list
    ):
        raise ValueError(f"{case / EXPECT_FILE}: needs `rule: <id>` and `expect: [...]`")
    expected = []
    for entry in data["expect"]:
        if not isinstance(entry, Mapping) or entry.get("outcome") not in {o.value for o in Outcome}:
            raise ValueError(f"{case / EXPECT_FILE}: each expectation has an outcome of "
                             f"{', '.join(o.value for o in Outcome)}")
        expected.append(Expected(entry.get("resource"), entry["outcome"], entry.get("line")))
    return data["rule"], data.get("posture"), expected


def _actual(result: Result) -> Expected:
    resource = None if result.estate_scope or result.resource is None else result.resource.display_name
    return Expected(resource, result.outcome.value, result.position.line if result.position else None)


def run_case(case: Path, extra_rule_paths: list[Path] | None = None, builtin_rules: bool = True) -> CaseReport:
    rule_id, posture, expected = read_expectations(case)
    config, problems = Config(), []
    for name in ("drlint.yaml", ".drlint.yaml"):
        if (case / name).is_file():
            config, problems = load_config(case / name, str(case / name))
    if posture is None:
        posture = _first_posture(rule_id, extra_rule_paths or [])
    options = ScanOptions([case], posture=posture, select=[rule_id], rule_paths=list(extra_rule_paths or []),
                          builtin_rules=builtin_rules)
    report = run_scan(options, config, problems)
    actual = [_actual(r) for r in report.results if r.rule.id.upper() == rule_id.upper()]
    mismatches = _compare(expected, actual)
    diagnostics = [str(d) for d in report.diagnostics if d.severity == "error"]
    return CaseReport(case, rule_id, mismatches, diagnostics)


def _first_posture(rule_id: str, extra: list[Path]) -> str | None:
    from linter.rules import load_rules

    rules, _ = load_rules([builtin_pack_dir(), *extra], builtin=True, validate_schema=False)
    for rule in rules:
        if rule.id.upper() == rule_id.upper():
            return rule.postures[0]
    return None


def _compare(expected: list[Expected], actual: list[Expected]) -> list[str]:
    remaining = list(actual)
    mismatches = []
    for want in expected:
        match = next((a for a in remaining if a.resource == want.resource and a.outcome == want.outcome and
                      (want.line is None or a.line == want.line)), None)
        if match is None:
            found = [f"{a.resource or '<estate>'}={a.outcome}@{a.line}" for a in actual
                     if a.resource == want.resource]
            mismatches.append(f"expected {want.resource or '<estate>'}={want.outcome}"
                              f"{'@' + str(want.line) if want.line else ''}, got {found or 'nothing'}")
        else:
            remaining.remove(match)
    mismatches += [f"unexpected {a.resource or '<estate>'}={a.outcome}@{a.line}" for a in remaining]
    return mismatches
