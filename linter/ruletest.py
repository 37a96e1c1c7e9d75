"""Rule tests (`drlint rules test`): each rule's fixtures scanned as small estates, compared with `expect.yaml`.

A fixture case is a folder holding `expect.yaml` and the inputs (Resource Graph exports, ARM templates with
parameter files, Bicep with `.bicepparam`, optionally a `drlint.yaml`), scanned as one estate with only the
rule under test:

```yaml
# fixtures/rules/DR201/rg-fail/expect.yaml
rule: DR201                 # the rule under test (only it runs)
posture: hot-hot            # optional; default: the first posture the rule lists
expect:
  - {resource: hub-eus2, outcome: FAIL, line: 12}    # line is optional
  - {resource: hub-cus, outcome: PASS}
  - {outcome: UNKNOWN}                               # estate-scope rules: no resource
```

Outcomes are PASS, FAIL, UNKNOWN, NOT_APPLICABLE (and ERROR), in any case. The rule's results must be exactly
the expected ones: a missing, different or extra result is a disagreement.

Where cases are found: the built-in pack's in `fixtures/rules/<ID>/<case>/` of a source checkout; a team's
rule folder holds its rule files and, anywhere below it (by convention `fixtures/<ID>/<case>/`), its cases.
A folder with an `expect.yaml` is a case: nothing in or below it is read as a rule.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from linter import records
from linter.config import Config, check_rule_parameters, load_config
from linter.diagnostics import Diagnostic
from linter.engine import plan_rules, run_rules
from linter.located import LocatedDocument
from linter.model import Estate, Position
from linter.records import field, record
from linter.report.escape import escape
from linter.results import Outcome, Result
from linter.rules import Rule, builtin_pack_dir, check_duplicate_ids, load_rules, rule_files
from linter.scan import collect
from linter.vocabulary import POSTURES
from linter.yamlsource import YamlError, load_yaml, read_text

EXPECT_FILE = "expect.yaml"
CASE_CONFIG_NAMES = ("drlint.yaml", ".drlint.yaml")
_EXPECT_KEYS = ("rule", "posture", "expect")
_ENTRY_KEYS = ("resource", "outcome", "line")
OUTCOME_NAMES = {o.value: o for o in Outcome} | {o.name.lower(): o for o in Outcome}


class BrokenFixture(Exception):
    """A case that cannot be run as written (bad expect.yaml, unknown rule, wrong posture): exit 2."""

    def __init__(self, message: str, position: Position) -> None:
        super().__init__(message)
        self.position = position

    def __str__(self) -> str:
        return f"{self.position}: error: {self.args[0]}"


@record(frozen=True)
class Expected:
    resource: str | None
    outcome: str  # an Outcome value (lower case)
    line: int | None = None
    position: Position | None = None  # where expect.yaml says it

    def label(self) -> str:
        return self.resource or "<estate>"


@record(frozen=True)
class Disagreement:
    """One expectation not met, or one result nobody expected."""

    where: Position  # the expectation in expect.yaml (or the file, for an unexpected result)
    rule: str
    resource: str
    expected: str  # e.g. "FAIL" or "FAIL at line 12"; "nothing" for an unexpected result
    actual: str  # e.g. "PASS"; "nothing" for a missing result
    message: str = ""  # the finding's message (or the UNKNOWN reason) of the actual result

    def __str__(self) -> str:
        text = escape(f"{self.where}: {self.rule} {self.resource}: expected {self.expected}, got {self.actual}")
        return f"{text}\n    {escape(self.message)}" if self.message else text


@record
class CaseReport:
    case: Path
    display: str
    rule: str
    disagreements: list[Disagreement] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # located problems: the case could not be run as written

    @property
    def ok(self) -> bool:
        return not self.disagreements and not self.broken

    @property
    def mismatches(self) -> list[str]:
        return [str(d) for d in self.disagreements]

    @property
    def diagnostics(self) -> list[str]:
        return self.broken


@record
class Suite:
    """What one `drlint rules test` runs: the rules under test and the cases that exercise them."""

    rules: list[Rule]  # every loaded rule (built-in first), duplicates removed
    tested: list[Rule]  # the rules whose fixtures are run (those in the folders named, or the built-in pack)
    cases: list[Path]
    problems: list[Diagnostic]  # rule files that could not be loaded, folders without rules or cases
    root: Path  # positions are shown relative to it

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id.upper() == rule_id.upper()), None)


@record
class SuiteReport:
    cases: list[CaseReport]
    untested: list[str]  # ids of tested rules without any case
    problems: list[Diagnostic]
    rule_count: int
    seconds: float

    @property
    def failed(self) -> list[CaseReport]:
        return [c for c in self.cases if c.disagreements and not c.broken]

    @property
    def broken(self) -> list[CaseReport]:
        return [c for c in self.cases if c.broken]

    def exit_code(self) -> int:
        """2 when a rule or case could not be run, 1 on any disagreement, else 0."""
        if self.broken or any(p.severity == "error" for p in self.problems):
            return 2
        return 1 if self.failed else 0

    def to_json(self) -> dict[str, Any]:
        """The run as data (`drlint rules test --format json`)."""
        def case_status(case: CaseReport) -> str:
            return "broken" if case.broken else "failed" if case.disagreements else "passed"

        return {
            "version": "1",
            "summary": {"rules": self.rule_count, "cases": len(self.cases),
                        "passed": sum(1 for c in self.cases if c.ok), "failed": len(self.failed),
                        "broken": len(self.broken), "untested": self.untested, "exitCode": self.exit_code()},
            "problems": [str(p) for p in self.problems],
            "cases": [{"case": c.display, "rule": c.rule, "status": case_status(c), "problems": c.broken,
                       "disagreements": [{"where": str(d.where), "resource": d.resource, "expected": d.expected,
                                          "actual": d.actual, "message": d.message} for d in c.disagreements]}
                      for c in self.cases],
        }

    def summary(self) -> str:
        passed = sum(1 for c in self.cases if c.ok)
        text = (f"{self.rule_count} rule(s), {len(self.cases)} case(s): {passed} passed, {len(self.failed)} failed"
                f" ({sum(len(c.disagreements) for c in self.failed)} disagreement(s)), {len(self.broken)} broken")
        if self.problems:
            text += f", {len(self.problems)} rule problem(s)"
        if self.untested:
            text += f"; without fixtures: {', '.join(self.untested)}"
        return f"{text} in {self.seconds:.1f}s"


# --- finding cases and rules ---------------------------------------------------------------------------------

def builtin_fixtures_dir() -> Path | None:
    """The built-in pack's fixtures: present in a source checkout, not in an installed wheel."""
    checkout = Path(__file__).resolve().parent.parent
    folder = checkout / "fixtures" / "rules"
    # beside an installed package is site-packages: only a checkout has the project file too
    return folder if folder.is_dir() and (checkout / "pyproject.toml").is_file() else None


def find_cases(root: Path) -> list[Path]:
    """Every case folder under `root` (a folder holding expect.yaml), in a stable order."""
    if (root / EXPECT_FILE).is_file():
        return [root]
    cases = []
    for folder, dirs, files in os.walk(root):  # symbolic links to folders are not followed
        if EXPECT_FILE in files:
            cases.append(Path(folder))
            dirs[:] = []  # a case's subfolders (modules) are part of it
        else:
            dirs.sort()
    return sorted(cases, key=lambda c: c.as_posix())


def _is_builtin_pack(path: Path) -> bool:
    return path.resolve() == builtin_pack_dir().resolve()


def collect_suite(paths: Iterable[Path], root: Path | None = None) -> Suite:
    """The rules and cases under `paths` (rule folders or files); no path = the built-in pack.

    Built-in rules are always loaded, so a team's case may test a built-in rule and a team rule that reuses
    a built-in id is reported. A path that is the built-in pack's folder means the built-in pack with its
    fixtures.
    """
    paths = list(paths)
    root = root or Path.cwd()
    problems: list[Diagnostic] = []
    builtin, builtin_problems = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    problems += builtin_problems
    team_paths = [p for p in paths if not _is_builtin_pack(p)]
    test_builtin = not paths or len(team_paths) < len(paths)
    team_rules: list[Rule] = []
    cases: list[Path] = []
    for path in team_paths:
        if not path.exists():
            problems.append(Diagnostic(f"no such file or directory: {path}", Position(str(path)), code="rule-error"))
            continue
        files = [path] if path.is_file() else rule_files(path)
        loaded, load_problems = load_rules(files, builtin=False, validate_schema=True, display_root=root)
        team_rules += loaded
        problems += load_problems
        if path.is_dir():
            cases += find_cases(path)
        else:
            ids = {r.id.upper() for r in loaded}
            cases += [c for c in find_cases(path.parent) if _case_rule(c).upper() in ids]
        if path.is_dir() and not files and not find_cases(path):
            problems.append(Diagnostic(f"no rule files and no fixture cases (folders with {EXPECT_FILE}) in "
                                       f"{path}", Position(str(path)), code="rule-error"))
    if test_builtin:
        fixtures = builtin_fixtures_dir()
        if fixtures is None:
            problems.append(Diagnostic(
                "no rule folder to test: name one (drlint rules test policies/dr) or set `rulePaths` in "
                "drlint.yaml; the built-in pack's own fixtures are only in a source checkout of drlint", None,
                code="rule-error"))
        else:
            cases += find_cases(fixtures)
    rules, duplicates = check_duplicate_ids(builtin + team_rules)
    problems += duplicates
    kept = {id(r) for r in rules}
    tested = [r for r in team_rules if id(r) in kept]
    if test_builtin:
        tested = [*builtin, *tested]
    unique_cases = sorted(set(cases), key=lambda c: c.as_posix())
    return Suite(rules, tested, unique_cases, problems, root)


def _case_rule(case: Path) -> str:
    """The rule a case names, or "" when expect.yaml cannot say (reported when the case is run)."""
    try:
        data = load_yaml(read_text(case / EXPECT_FILE, str(case)), str(case)).data
    except YamlError:
        return ""
    return str(data.get("rule", "")) if isinstance(data, Mapping) else ""


# --- reading expect.yaml -------------------------------------------------------------------------------------

def read_expectations(case: Path, display: str | None = None) -> tuple[str, str | None, list[Expected]]:
    """The rule id, the posture (or None) and the expectations of a case; BrokenFixture with a position."""
    shown = f"{display or case.as_posix()}/{EXPECT_FILE}"
    try:
        document = load_yaml(read_text(case / EXPECT_FILE, shown), shown)
    except YamlError as exc:
        raise BrokenFixture(str(exc), exc.position) from None
    data: Any = document.data

    def broken(message: str, where: tuple[str | int, ...] = ()) -> BrokenFixture:
        return BrokenFixture(message, document.position(where))

    if not isinstance(data, Mapping):
        raise broken("expect.yaml is a mapping: `rule: <id>`, optional `posture:`, `expect: [...]`")
    unknown = [k for k in data if k not in _EXPECT_KEYS]
    if unknown:
        raise broken(f"unknown key `{unknown[0]}`; expected {', '.join(_EXPECT_KEYS)}", (unknown[0],))
    if not isinstance(data.get("rule"), str) or not data["rule"].strip():
        raise broken("`rule: <id>` is required: the rule this case tests", ("rule",))
    posture = data.get("posture")
    if posture is not None and posture not in POSTURES:
        raise broken(f"`posture` is one of {', '.join(POSTURES)}", ("posture",))
    entries = data.get("expect")
    if not isinstance(entries, list) or not entries:
        raise broken("`expect` is a non-empty list of {resource, outcome, line}", ("expect",))
    return data["rule"].strip(), posture, [_expectation(entry, i, document) for i, entry in enumerate(entries)]


def _expectation(entry: Any, index: int, document: LocatedDocument) -> Expected:
    where = ("expect", index)
    if not isinstance(entry, Mapping):
        raise BrokenFixture("an expectation is a mapping {resource, outcome, line}", document.position(where))
    unknown = [k for k in entry if k not in _ENTRY_KEYS]
    if unknown:
        raise BrokenFixture(f"unknown key `{unknown[0]}`; expected {', '.join(_ENTRY_KEYS)}",
                            document.position((*where, unknown[0])))
    outcome = OUTCOME_NAMES.get(str(entry.get("outcome", "")).lower())
    if outcome is None:
        raise BrokenFixture(f"`outcome` is one of {', '.join(o.name for o in Outcome)}",
                            document.position((*where, "outcome")))
    resource = entry.get("resource")
    if resource is not None and not isinstance(resource, str):
        raise BrokenFixture("`resource` is the resource's name", document.position((*where, "resource")))
    line = entry.get("line")
    if line is not None and (not isinstance(line, int) or isinstance(line, bool) or line < 1):
        raise BrokenFixture("`line` is a line number (1 or more)", document.position((*where, "line")))
    return Expected(resource, outcome.value, line, document.position(where))


# --- running a case ------------------------------------------------------------------------------------------

def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def run_case(case: Path, suite: Suite | None = None) -> CaseReport:
    """Scan one case folder with only its rule and compare the results with its expect.yaml."""
    suite = suite or collect_suite([])
    display = _display(case, suite.root)
    report = CaseReport(case, display, _case_rule(case) or "?")
    try:
        rule_id, posture, expected = read_expectations(case, display)
        report.rule = rule_id
        rule = suite.rule(rule_id)
        if rule is None:
            raise BrokenFixture(f"no loaded rule {rule_id}; the rule must be in the folders tested or built in",
                                Position(f"{display}/{EXPECT_FILE}"))
        if posture is not None and posture not in rule.postures:
            raise BrokenFixture(f"{rule.id} does not run in posture {posture} (it lists "
                                f"{', '.join(rule.postures)})", Position(f"{display}/{EXPECT_FILE}"))
        results, problems = _scan_case(case, rule, posture or rule.postures[0])
    except BrokenFixture as exc:
        report.broken.append(str(exc))
        return report
    report.broken += [_in_case(p, display) for p in problems]
    report.broken += [f"{r.position or Position(display)}: error: {rule_id} could not be evaluated: "
                      f"{r.reason or r.message}" for r in results if r.outcome is Outcome.ERROR]
    report.disagreements = compare(expected, results, Position(f"{display}/{EXPECT_FILE}"), display)
    return report


def _in_case(problem: Diagnostic, display: str) -> str:
    """A problem of the case's scan, located from where `rules test` runs (its positions are case-relative)."""
    if problem.position is None:
        return f"{display}: {problem.severity}: {problem.message}"
    where = problem.position
    return str(records.replace(problem, position=Position(f"{display}/{where.file}", where.line, where.column)))


def _scan_case(case: Path, rule: Rule, posture: str) -> tuple[list[Result], list[Diagnostic]]:
    """The rule's results on the case's estate, and the errors that mean the case is broken.

    The case is its own scan root: its paths are shown relative to it and nothing outside it is read. Only
    the rule under test is evaluated (the scan's `evaluate` step would load and plan the whole pack).
    """
    config, problems = Config(), []
    for name in CASE_CONFIG_NAMES:
        if (case / name).is_file():
            config, problems = load_config(case / name, name)
            break
    loaded = collect([case], config, root=case.resolve())
    problems += loaded.diagnostics
    if not loaded.resources and not loaded.origins:
        problems.append(Diagnostic("no inputs: add a Resource Graph export, an ARM template or a Bicep file",
                                   Position(EXPECT_FILE)))
    estate = Estate(loaded.resources)
    for origin in loaded.origins:
        estate.add_origin(origin)
    problems += check_rule_parameters(config, [rule])
    planned = plan_rules([rule], posture=posture, overrides=config.rules)
    results, evaluation = run_rules(planned, estate)
    return results, [p for p in [*problems, *evaluation] if p.severity == "error"]


def _actual_label(result: Result) -> str | None:
    if result.estate_scope or result.resource is None:
        return None
    return result.resource.display_name


def _shown(result: Result, folder: str) -> str:
    where = f" at {folder}/{result.position.file}:{result.position.line}" if result.position else ""
    return result.outcome.name + where


def _detail(result: Result) -> str:
    if result.outcome is Outcome.PASS or result.outcome is Outcome.NOT_APPLICABLE:
        return ""
    return " ".join((result.message or result.reason or "").split())


def compare(expected: list[Expected], results: list[Result], where: Position, folder: str = ".") -> list[Disagreement]:
    """Match expectations with results one to one; everything unmatched is a disagreement.

    `folder` is the case as shown: result positions are relative to it.
    """
    remaining = list(results)
    disagreements: list[Disagreement] = []
    rule_id = results[0].rule.id if results else "?"
    for want in expected:
        match = next((r for r in remaining if _actual_label(r) == want.resource and r.outcome.value == want.outcome
                      and (want.line is None or (r.position is not None and r.position.line == want.line))), None)
        if match is not None:
            remaining.remove(match)
            continue
        same = [r for r in remaining if _actual_label(r) == want.resource]
        got = same[0] if same else None
        if got is not None:
            remaining.remove(got)
        wanted = OUTCOME_NAMES[want.outcome].name + (f" at line {want.line}" if want.line else "")
        disagreements.append(Disagreement(want.position or where, rule_id, want.label(), wanted,
                                          _shown(got, folder) if got else "no result for it",
                                          _detail(got) if got else ""))
    for extra in remaining:
        disagreements.append(Disagreement(where, rule_id, _actual_label(extra) or "<estate>", "no result",
                                          _shown(extra, folder), _detail(extra)))
    return disagreements


def run_suite(suite: Suite, select: Iterable[str] = ()) -> SuiteReport:
    """Run every case of the suite (only those of rules whose id starts with a `select` prefix)."""
    started = time.perf_counter()
    prefixes = [s.upper() for s in select]
    reports: list[CaseReport] = []
    covered: set[str] = set()
    for case in suite.cases:
        rule_id = _case_rule(case).upper()
        if prefixes and rule_id and not any(rule_id.startswith(p) for p in prefixes):
            continue
        report = run_case(case, suite)
        reports.append(report)
        covered.add(report.rule.upper())
    chosen = [r for r in suite.tested if not prefixes or any(r.id.upper().startswith(p) for p in prefixes)]
    untested = sorted(r.id for r in chosen if r.id.upper() not in covered)
    known = {r.id.upper() for r in suite.rules}
    rule_count = len({r.id.upper() for r in chosen} | (covered & known))
    return SuiteReport(reports, untested, suite.problems, rule_count, time.perf_counter() - started)
