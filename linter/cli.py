"""The `drlint` command: parse options, call the library, choose the reporter, set the exit code."""

from __future__ import annotations

import contextlib
import gc
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import click

from linter import __version__
from linter.report import DEFAULT_FORMAT, FORMAT_NAMES, OUTPUT_FORMATS, output_format
from linter.report.writing import WriteOptions
from linter.results import Outcome, RunReport
from linter.vocabulary import DEFAULT_FAIL_ON, DEFAULT_POSTURE, FAIL_ON_LEVELS, NEVER, POSTURES, reaches

EXIT_OK, EXIT_FINDINGS, EXIT_ERRORS = 0, 1, 2
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


_Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def _options(*decorators: _Decorator) -> _Decorator:
    """Several click options as one decorator, in the order written, so `scan` and `audit` share them."""

    def apply(function: Callable[..., Any]) -> Callable[..., Any]:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


_rule_choice_options = _options(
    click.option("--rules", "rule_paths", multiple=True, type=click.Path(path_type=Path),
                 help="Extra rule file or directory (repeatable); loaded after the built-in pack."),
    click.option("--select", multiple=True, metavar="PREFIX",
                 help="Only rules whose id starts with PREFIX (repeatable or comma-separated), e.g. DR2."),
    click.option("--ignore", multiple=True, metavar="PREFIX", help="Skip rules whose id starts with PREFIX."),
    click.option("--posture", type=click.Choice(POSTURES),
                 help=f"Disaster-recovery posture to check (default: drlint.yaml, else {DEFAULT_POSTURE})."),
)
_report_options = _options(
    click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                 help="Write the report to FILE instead of standard output."),
    click.option("--fail-on", type=click.Choice(FAIL_ON_LEVELS),
                 help=f"Lowest severity that makes the exit code 1 (default: drlint.yaml, else {DEFAULT_FAIL_ON})."),
    click.option("--show-unknown", is_flag=True, help="Also report checks whose outcome is UNKNOWN, with the reason."),
)


class InputError(click.ClickException):
    """A problem with what the user asked for (a file that cannot be written, a rule that does not exist)."""

    exit_code = EXIT_ERRORS


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def exit_code(report: RunReport, fail_on: str) -> int:
    """2 when the run is incomplete (an input or rule could not be checked), else 1 when a finding reaches
    `fail_on`, else 0."""
    if any(d.severity == "error" for d in report.diagnostics) or any(
        r.outcome is Outcome.ERROR for r in report.results
    ):
        return EXIT_ERRORS
    if any(r.outcome is Outcome.FAIL and not r.accepted and reaches(r.severity, fail_on) for r in report.results):
        return EXIT_FINDINGS
    return EXIT_OK


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="drlint")
def main() -> None:
    """drlint: does your Azure AI Foundry estate survive the loss of a region?

    Checks ARM templates, Bicep files and Azure Resource Graph exports against a disaster-recovery rule
    pack. Values that cannot be known statically are reported as UNKNOWN, never as failures.

    \b
    Examples:
      drlint scan infra/                      templates (ARM, Bicep) under infra/
      drlint scan estate.json --format sarif -o drlint.sarif
      drlint rules list --posture hot-warm    the rules a posture runs
      drlint rules show DR201                 what a rule checks and how to fix it
      drlint rules test policies/dr           your own rules against their fixtures
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_rule_choice_options
@click.option("--format", "output_format", type=click.Choice(FORMAT_NAMES),
              help="Output format (default: github under GitHub Actions when writing to standard output, else "
                   f"{DEFAULT_FORMAT}): " + "; ".join(f"{f.name}: {f.help}" for f in OUTPUT_FORMATS) + ".")
@_report_options
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Use this drlint.yaml instead of searching upwards from the first path.")
@click.option("--no-config", is_flag=True, help="Ignore any drlint.yaml.")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal).")
@click.option("--summary", is_flag=True,
              help="Text output: add the region matrix (which parts of each workload exist in which region).")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Report only findings not recorded in this baseline file, and how many of its entries are fixed.")
@click.option("--omit-accepted", is_flag=True,
              help="SARIF: leave suppressed and baselined findings out (by default they are kept, marked with "
                   "`suppressions`; GitHub's upload does not dismiss them itself).")
@click.option("--write-baseline", "write_baseline_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Record this run's findings in FILE (adopt drlint on an existing estate; exit 0 for findings).")
def scan(paths: tuple[Path, ...], rule_paths: tuple[Path, ...], select: tuple[str, ...], ignore: tuple[str, ...],
         posture: str | None, output_format: str | None, output: Path | None, fail_on: str | None,
         show_unknown: bool, config_path: Path | None, no_config: bool, color: bool | None, summary: bool,
         baseline_path: Path | None, omit_accepted: bool, write_baseline_path: Path | None) -> None:
    """Check templates and Resource Graph exports under PATHS.

    PATHS are files or directories (walked, skipping .git, node_modules and hidden folders). Each file's
    format is recognised by its content.

    \b
    Findings suppressed with a reason (in the template or drlint.yaml `suppress:`) and findings recorded in
    the --baseline are reported as accepted, not as failures.

    \b
    Exit codes:
      0  no finding at or above --fail-on
      1  findings at or above --fail-on
      2  usage error, or an input or rule could not be checked (findings are still reported)
    """
    from linter.config import Config, find_config, load_config, shown_path
    from linter.scan import ScanOptions, run_scan

    if baseline_path is not None and not baseline_path.is_file():
        raise InputError(f"no baseline file {baseline_path}; write one with --write-baseline {baseline_path}")

    if output is None:
        _standard_output()  # a closed standard output is said before the scan, not after it
    # The process ends after one scan, whose data is acyclic: the cyclic collector would only rescan it
    # (a full pass over millions of objects each time it is re-enabled after a phase that paused it).
    gc.disable()
    config, config_problems = Config(), []
    if not no_config:
        found = config_path or find_config(paths[0])
        if found is not None:
            config, config_problems = load_config(found, shown_path(found))
    options = ScanOptions(list(paths), posture=posture, select=_split(select), ignore=_split(ignore),
                          rule_paths=list(rule_paths))
    report = run_scan(options, config, config_problems)
    effective_fail_on = fail_on or config.fail_on or DEFAULT_FAIL_ON
    if baseline_path is not None or write_baseline_path is not None:
        _baseline(report, baseline_path, write_baseline_path)
        if write_baseline_path is not None:
            effective_fail_on = NEVER  # recording today's findings is the point of the run
    _emit(report, output_format or _default_format(output), output,
          WriteOptions(show_unknown, regions=summary, accepted=not omit_accepted), color)
    sys.exit(exit_code(report, effective_fail_on))


def _default_format(output: Path | None) -> str:
    """Annotations under GitHub Actions (they only work on standard output), else text."""
    import os

    from linter.report import GITHUB_ACTIONS_FORMAT

    under_actions = output is None and os.environ.get("GITHUB_ACTIONS") == "true"
    return GITHUB_ACTIONS_FORMAT if under_actions else DEFAULT_FORMAT


def _baseline(report: RunReport, compare_with: Path | None, record_in: Path | None) -> None:
    from linter.baseline import apply_baseline, read_baseline, write_baseline

    entries, problems = read_baseline(compare_with, str(compare_with)) if compare_with is not None else ([], [])
    if record_in is not None:
        try:
            count = write_baseline(record_in, report.results, report.posture)
        except OSError as exc:
            raise InputError(f"cannot write {record_in}: {exc.strerror}") from None
        click.echo(f"drlint: recorded {count} finding(s) in {record_in}", err=True)
    if compare_with is not None:
        report.diagnostics.extend(problems)
        report.baseline = apply_baseline(report.results, entries, str(compare_with))


@main.command()
@click.option("--subscription", "subscriptions", multiple=True, metavar="ID",
              help="Subscription to audit (repeatable or comma-separated).")
@click.option("--management-group", "management_groups", multiple=True, metavar="ID",
              help="Management group to audit (repeatable or comma-separated).")
@click.option("--all-subscriptions", is_flag=True, help="Every subscription the credential can read.")
@click.option("--auth", type=click.Choice(["default", "cli", "managed-identity", "token"]), default="default",
              show_default=True, help="How to sign in; `token` reads a bearer token from DRLINT_ACCESS_TOKEN.")
@click.option("--cloud", type=click.Choice(["AzureCloud", "AzureUSGovernment", "AzureChinaCloud"]),
              default="AzureCloud", show_default=True, help="Azure cloud to audit.")
@click.option("--endpoint", metavar="URL", help="Another Resource Graph / Resource Manager endpoint.")
@click.option("--save", type=click.Path(dir_okay=False, path_type=Path),
              help="Write what was fetched as a Resource Graph results file (drlint scan reads it back); "
                   "findings then point at its lines.")
@click.option("--show-query", is_flag=True, help="Print the queries and list calls the active rules need, and exit.")
@click.option("--progress/--no-progress", default=None, help="Progress on standard error (default: on a terminal).")
@_rule_choice_options
@click.option("--format", "output_format", type=click.Choice(FORMAT_NAMES), default=DEFAULT_FORMAT,
              show_default=True,
              help="Output format: " + "; ".join(f"{f.name}: {f.help}" for f in OUTPUT_FORMATS) + " (sarif needs "
                   "--save: results point at its lines).")
@_report_options
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Use this drlint.yaml instead of searching upwards from the current folder.")
@click.option("--no-config", is_flag=True, help="Ignore any drlint.yaml.")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal).")
def audit(subscriptions: tuple[str, ...], management_groups: tuple[str, ...], all_subscriptions: bool, auth: str,
          cloud: str, endpoint: str | None, save: Path | None, show_query: bool, progress: bool | None,
          rule_paths: tuple[Path, ...], select: tuple[str, ...], ignore: tuple[str, ...], posture: str | None,
          output_format: str, output: Path | None, fail_on: str | None, show_unknown: bool,
          config_path: Path | None, no_config: bool, color: bool | None) -> None:
    """Check a live Azure estate, read through Resource Graph and Resource Manager.

    Fetches only what the active rules read: one Resource Graph query per table (see --show-query), in
    subscription batches and pages, plus Resource Manager list calls for what Resource Graph does not index
    (hub connections, blob services, model deployments, Foundry projects, locks...). The Reader role is enough.

    \b
    Examples:
      drlint audit --subscription 00000000-0000-0000-0000-000000000000
      drlint audit --all-subscriptions --save estate.json --format sarif -o drlint.sarif
      DRLINT_ACCESS_TOKEN=$(az account get-access-token --query accessToken -o tsv) \\
        drlint audit --management-group contoso --auth token

    \b
    Exit codes:
      0  no finding at or above --fail-on
      1  findings at or above --fail-on
      2  usage error, sign-in failure, or part of the estate could not be read (the rest is still reported)
    """
    from linter.config import Config, find_config, load_config, shown_path
    from linter.scan import ScanOptions

    config, config_problems = Config(), []
    if not no_config:
        found = config_path or find_config(Path.cwd())
        if found is not None:
            config, config_problems = load_config(found, shown_path(found))  # never an absolute path
    options = ScanOptions([], posture=posture, select=_split(select), ignore=_split(ignore),
                          rule_paths=list(rule_paths))
    from linter.audit import prepare, run_audit

    prepared = prepare(options, config)
    if show_query:
        prepared.diagnostics[:0] = config_problems
        _print_diagnostics(prepared.diagnostics)
        click.echo(prepared.plan.show(), nl=False)
        sys.exit(EXIT_ERRORS if any(d.severity == "error" for d in prepared.diagnostics) else EXIT_OK)
    scope = _split(subscriptions), _split(management_groups)
    if not (scope[0] or scope[1] or all_subscriptions):
        raise click.UsageError("name what to audit: --subscription ID, --management-group ID or --all-subscriptions")
    malformed = [s for s in scope[0] if not _GUID.fullmatch(s)]
    if malformed:
        raise click.UsageError(f"--subscription takes subscription ids (GUIDs such as "
                               f"00000000-0000-0000-0000-000000000000), not {malformed[0]!r}")
    if all_subscriptions and (scope[0] or scope[1]):
        raise click.UsageError("--all-subscriptions audits every subscription; do not combine it with others")
    if output_format == "sarif" and save is None:
        raise click.UsageError("--format sarif needs --save FILE: SARIF results must point at a file (the saved "
                               "Resource Graph results)")
    from linter.inputs.live.auth import EndpointError, SignInError
    from linter.inputs.live.fetch import AuditRequest, NothingToAudit
    from linter.inputs.live.progress import Progress

    request = AuditRequest(scope[0], scope[1], all_subscriptions, auth, cloud, endpoint)
    shown = sys.stderr.isatty() if progress is None else progress
    try:
        report = run_audit(prepared, options, config, config_problems, request, Progress(shown), save)
    except (SignInError, EndpointError, NothingToAudit) as exc:
        from linter.report.escape import escape

        raise InputError(escape(exc)) from None  # may quote what a server answered
    except OSError as exc:
        raise InputError(f"cannot write {save}: {exc.strerror}") from None
    effective_fail_on = fail_on or config.fail_on or DEFAULT_FAIL_ON
    _emit(report, output_format, output, WriteOptions(show_unknown), color)
    sys.exit(exit_code(report, effective_fail_on))


def _emit(report: RunReport, format_name: str, output: Path | None, options: WriteOptions,
          color: bool | None) -> None:
    from linter.records import replace
    from linter.report import writer

    chosen = output_format(format_name)
    write = writer(format_name)
    if output is None:
        stdout = _standard_output()
        colour = stdout.isatty() if color is None else color
        try:
            write(report, stdout, replace(options, colour=colour and chosen.colour))
            stdout.flush()
        except OSError as exc:
            _stdout_failed(exc)
        return
    try:
        with output.open("w", encoding="utf-8", newline="\n") as handle:
            write(report, handle, replace(options, colour=bool(color) and chosen.colour))
    except OSError as exc:
        from linter.report.escape import escape

        raise InputError(escape(f"cannot write {output}: {exc.strerror}")) from None
    if not chosen.for_people:
        from linter.report.text import summary_line

        click.echo(summary_line(report), err=True)
        if report.baseline is not None:
            from linter.baseline import summary_text

            click.echo(summary_text(report.baseline), err=True)


@main.command()
@click.argument("directory", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing drlint.yaml.")
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the file instead of writing it.")
def init(directory: Path, force: bool, to_stdout: bool) -> None:
    """Write a commented starter drlint.yaml for the infrastructure code under DIRECTORY.

    Finds ARM templates and parameter files, Bicep files and .bicepparam files, azd projects (azure.yaml) and
    Resource Graph exports; writes one deployment per template deployment with its region when a file says it,
    and prints what it assumed and what it could not tell. An existing drlint.yaml is kept unless --force.
    """
    from linter.config import CONFIG_NAMES
    from linter.initconfig import render, report_lines, survey

    existing = [directory / name for name in CONFIG_NAMES if (directory / name).exists()]
    if existing and not force and not to_stdout:
        raise InputError(f"{existing[0]} exists; use --force to overwrite it (or --stdout to see the proposal)")
    found = survey(directory)
    text = render(found)
    if to_stdout:
        click.echo(text, nl=False)
        for line in report_lines(found, "standard output"):
            click.echo(line, err=True)
        return
    target = directory / CONFIG_NAMES[0]
    _write_checked_config(target, text)
    for line in report_lines(found, str(target)):
        click.echo(line)


def _write_checked_config(target: Path, text: str) -> None:
    """Write the config only once drlint loads it without a problem (through a temporary file, atomically)."""
    import os
    import tempfile

    from linter.config import load_config

    try:
        handle, temporary = tempfile.mkstemp(prefix=".drlint-init-", suffix=".tmp", dir=target.parent)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        _, problems = load_config(Path(temporary), str(target))
        if problems:  # a bug in init: never leave a file drlint itself rejects
            os.unlink(temporary)
            raise InputError("the starter file would not load: " + "; ".join(str(p) for p in problems))
        os.replace(temporary, target)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror}") from None


@main.group()
def rules() -> None:
    """List, explain, validate and test rules."""


def _all_rules(rule_paths: tuple[Path, ...]) -> tuple[list, list]:
    from linter.rules import builtin_pack_dir, check_duplicate_ids, load_rules

    builtin, problems = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    user, user_problems = load_rules(list(rule_paths), builtin=False, validate_schema=True)
    kept, duplicates = check_duplicate_ids(builtin + user)
    return kept, problems + user_problems + duplicates


@rules.command("list")
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Extra rule file or directory to include.")
@click.option("--posture", type=click.Choice(POSTURES), help="Only the rules of this posture.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_list(rule_paths: tuple[Path, ...], posture: str | None, output_format: str) -> None:
    """List rules: id, severity, postures, title."""
    import json

    loaded, problems = _all_rules(rule_paths)
    _print_diagnostics(problems)
    chosen = sorted((r for r in loaded if posture is None or posture in r.postures), key=lambda r: r.id)
    if output_format == "json":
        click.echo(json.dumps([{"id": r.id, "name": r.name, "title": r.title, "severity": r.severity,
                                "postures": list(r.postures), "tags": list(r.tags), "source": r.source}
                               for r in chosen], indent=2))
    else:
        from linter.report.escape import escape

        for rule in chosen:
            click.echo(escape(f"{rule.id:<8} {rule.severity:<8} {','.join(rule.postures):<26} {rule.title}"))
    sys.exit(EXIT_ERRORS if problems else EXIT_OK)


@rules.command("show")
@click.argument("rule_id")
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Extra rule file or directory to search.")
def rules_show(rule_id: str, rule_paths: tuple[Path, ...]) -> None:
    """Explain a rule: what it checks, why, and how to fix it (ARM and Bicep)."""
    from linter.report.escape import escape, escape_block
    from linter.rulesdoc import render_markdown

    loaded, problems = _all_rules(rule_paths)
    _print_diagnostics(problems)
    for rule in loaded:
        if rule.id.upper() == rule_id.upper():
            click.echo(escape_block(render_markdown(rule)))
            return
    known = ", ".join(sorted(r.id for r in loaded))
    raise InputError(escape(f"no rule {rule_id}; known rules: {known}"))


@rules.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def rules_validate(paths: tuple[Path, ...]) -> None:
    """Check rule files against the rule schema and compile them; report every problem with file:line."""
    from linter.rules import check_duplicate_ids, load_rules

    loaded, problems = load_rules(list(paths), builtin=False, validate_schema=True)
    loaded, duplicates = check_duplicate_ids(loaded)
    problems += duplicates
    _print_diagnostics(problems)
    click.echo(f"{len(loaded)} rule(s) valid, {len(problems)} problem(s)")
    sys.exit(EXIT_ERRORS if problems else EXIT_OK)


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--select", multiple=True, metavar="PREFIX",
              help="Only the cases of rules whose id starts with PREFIX (repeatable or comma-separated).")
@click.option("-v", "--verbose", is_flag=True, help="Also list the cases that pass.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: every case with its status and disagreements, for tools.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Take `rulePaths` from this drlint.yaml (when no PATH is given).")
def rules_test(paths: tuple[Path, ...], select: tuple[str, ...], verbose: bool, output_format: str,
               config_path: Path | None) -> None:
    """Run rules against their fixtures and report every disagreement.

    PATHS are rule folders (or rule files). Each folder holds rule files and, anywhere below them (by
    convention fixtures/<RULE-ID>/<case>/), test cases: a case is a folder with an expect.yaml and the inputs
    (Resource Graph exports, ARM templates with parameter files, Bicep with .bicepparam, optionally a
    drlint.yaml), scanned as one estate with only the rule under test:

    \b
      rule: ACME001
      posture: hot-warm          # optional; default: the rule's first posture
      expect:
        - {resource: hub-eus2, outcome: FAIL, line: 12}
        - {resource: hub-cus, outcome: PASS}
        - {outcome: UNKNOWN}     # estate-scope rules name no resource

    Without PATHS: the `rulePaths` of drlint.yaml (searched upwards from here), else the built-in pack with
    its fixtures (in a source checkout). Rule files are validated against the rule schema first.

    \b
    Exit codes:
      0  every case agrees with its expect.yaml
      1  a result disagrees (each is printed with the resource, expected and actual outcome, and message)
      2  a rule or case could not be run (bad rule file, bad expect.yaml, unreadable input), with its location
    """
    from linter.report.escape import escape
    from linter.ruletest import collect_suite, run_suite

    targets = list(paths)
    if not targets:
        targets = _configured_rule_paths(config_path)
    suite = collect_suite(targets)
    report = run_suite(suite, _split(select))
    if output_format == "json":
        import json

        click.echo(json.dumps(report.to_json(), indent=2))
        sys.exit(report.exit_code())
    _print_diagnostics(suite.problems)
    for case in report.cases:
        for problem in case.broken:
            click.echo(escape(problem))
        for disagreement in case.disagreements:
            click.echo(str(disagreement))  # escaped where it is written
        if verbose and case.ok:
            click.echo(escape(f"ok {case.display} ({case.rule})"))
    click.echo(escape(report.summary()))
    sys.exit(report.exit_code())


def _configured_rule_paths(config_path: Path | None) -> list[Path]:
    from linter.config import find_config, load_config

    found = config_path or find_config(Path.cwd())
    if found is None:
        return []
    config, problems = load_config(found, str(found))
    _print_diagnostics(problems)
    if problems and any(p.severity == "error" for p in problems):
        sys.exit(EXIT_ERRORS)
    return [p for p in config.rule_paths]


def _print_diagnostics(problems: list, stream: TextIO | None = None) -> None:
    from linter.report.escape import escape

    for problem in problems:
        click.echo(escape(problem), err=True)


def _standard_output() -> TextIO:
    """Standard output, or exit 2 with a message when it is closed (`drlint scan . >&-`)."""
    stdout = sys.stdout
    if stdout is None or getattr(stdout, "closed", False):
        raise InputError("standard output is closed; write the report to a file with -o FILE")
    # A character the terminal's encoding cannot show is written as an escape, never a crash.
    reconfigure = getattr(stdout, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(Exception):
            reconfigure(errors="backslashreplace")
    return stdout


def _stdout_failed(exc: OSError) -> None:
    """Standard output went away while writing. A reader that stopped reading (`drlint scan . | head`) is
    not a problem: return quietly and let the run's exit code stand. Anything else (a full disk, an I/O
    error) is: say so, exit 2, no traceback."""
    import errno
    import os

    with contextlib.suppress(Exception):  # keep Python's final flush of a dead stream from printing a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if exc.errno == errno.EPIPE:
        return
    raise InputError(f"cannot write the report to standard output ({exc.strerror or exc})")


if __name__ == "__main__":  # pragma: no cover
    main(prog_name="drlint")
