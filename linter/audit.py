"""One live audit end to end: the active rules, the plan they imply, the fetch, the evaluation.

The CLI only parses options and prints. `--save FILE` writes the results document (one row a line, so a
finding points at its resource's line) and findings point into it; without it they point at resource ids.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from linter.config import Config, check_rule_overrides
from linter.engine import plan_rules, run_rules
from linter.inputs.live.document import RECORD_KEY, results_document
from linter.inputs.live.fetch import AuditRequest, AuditResult, fetch_estate, load_live
from linter.inputs.live.plan import AuditPlan, plan_audit
from linter.inputs.live.progress import Progress
from linter.model import Estate
from linter.results import Diagnostic, RunReport
from linter.rules import DEFAULT_POSTURE, Rule
from linter.scan import ScanOptions, load_rule_set

CATEGORY = "drlint/resource-graph/"


@dataclass(slots=True)
class Audit:
    rules: list[Rule]
    plan: AuditPlan
    posture: str
    diagnostics: list[Diagnostic]


def prepare(options: ScanOptions, config: Config, config_diagnostics: list[Diagnostic]) -> Audit:
    """The rules this audit checks and what they need fetched (no network)."""
    root = Path.cwd()
    diagnostics = list(config_diagnostics)
    rules, problems = load_rule_set(config, options, root)
    diagnostics.extend(problems)
    if config.path is not None:
        diagnostics.extend(check_rule_overrides(config, {r.id.upper() for r in rules}, str(config.path)))
    posture = options.posture or config.posture or DEFAULT_POSTURE
    planned = plan_rules(rules, posture=posture, select=options.select, ignore=options.ignore,
                         overrides=config.rules)
    return Audit(planned, plan_audit(planned), posture, diagnostics)


def run_audit(audit: Audit, request: AuditRequest, progress: Progress, save: Path | None) -> RunReport:
    """Fetch and evaluate. Raises SignInError / EndpointError (one sentence each) and OSError for `save`."""
    started = time.perf_counter()
    result = fetch_estate(audit.plan, request, progress)
    progress.say(f"{len(result.rows)} resource(s) in {result.graph_requests} Resource Graph and "
                 f"{result.arm_requests} Resource Manager request(s), {result.seconds:.1f}s")
    display = "live estate"
    lines: dict[int, int] | None = None
    if save is not None:
        display = _display(save)
        lines = write_results(result, save)
    loaded = load_live(result, display, lines)
    estate = Estate(loaded.resources)
    for origin in loaded.origins:
        estate.add_origin(origin)
    results, problems = run_rules(audit.rules, estate)
    diagnostics = [*audit.diagnostics, *loaded.diagnostics, *problems]
    if result.duplicates:
        diagnostics.append(Diagnostic(f"{result.duplicates} row(s) were returned more than once and kept once",
                                      None, severity="warning"))
    return RunReport(results=results, diagnostics=diagnostics, rules=audit.rules,
                     files=[display] if save is not None else [], resource_count=len(estate),
                     seconds=time.perf_counter() - started, posture=audit.posture, category=CATEGORY,
                     root=Path.cwd())


def write_results(result: AuditResult, path: Path) -> dict[int, int]:
    """Write the results document, one row a line; the line of each row (by index)."""
    document = results_document(result.rows, result.record)
    lines: dict[int, int] = {}
    with path.open("w", encoding="utf-8", newline="\n") as out:
        head = {k: v for k, v in document.items() if k not in ("data", RECORD_KEY)}
        out.write(json.dumps(head)[:-1] + ',\n"data": [\n')
        line = 3
        for i, row in enumerate(result.rows):
            lines[i] = line
            out.write(json.dumps(row, ensure_ascii=True, separators=(",", ":")))
            out.write(",\n" if i < len(result.rows) - 1 else "\n")
            line += 1
        out.write(f'],\n"{RECORD_KEY}": ')
        out.write(json.dumps(document[RECORD_KEY], indent=1))
        out.write("\n}\n")
    return lines


def _display(path: Path) -> str:
    """As scan shows files: relative to the current folder when inside it (SARIF needs a relative path)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
