"""One live audit end to end: the active rules, the plan they imply, the fetch into a `Loaded`, and the
evaluation every scan uses (`scan.evaluate`), so an audit and a scan of its saved file agree.

The CLI only parses options and prints. `--save FILE` writes the results document (one row a line, so a
finding points at its resource's line) and findings point into it; without it they point at resource ids.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from linter.config import Config
from linter.diagnostics import Diagnostic
from linter.engine import plan_rules
from linter.inputs import Loaded
from linter.inputs.live.document import RECORD_KEY, results_document
from linter.inputs.live.fetch import AuditRequest, AuditResult, fetch_estate, load_live
from linter.inputs.live.plan import AuditPlan, plan_audit
from linter.inputs.live.progress import Progress
from linter.inputs.resource_graph import FRONT_END as RESOURCE_GRAPH
from linter.records import record
from linter.results import RunReport
from linter.scan import ScanOptions, evaluate, load_rule_set
from linter.vocabulary import DEFAULT_POSTURE


@record
class Audit:
    plan: AuditPlan
    diagnostics: list[Diagnostic]  # problems loading the rules (evaluate reports them again with the results)


def prepare(options: ScanOptions, config: Config) -> Audit:
    """What the active rules need fetched (no network)."""
    rules, problems = load_rule_set(config, options, Path.cwd())
    posture = options.posture or config.posture or DEFAULT_POSTURE
    planned = plan_rules(rules, posture=posture, select=options.select, ignore=options.ignore,
                         overrides=config.rules)
    return Audit(plan_audit(planned), problems)


def collect_live(audit: Audit, request: AuditRequest, progress: Progress, save: Path | None) -> Loaded:
    """The live estate as a `Loaded`. Raises SignInError / EndpointError / NothingToAudit (one sentence each)
    and OSError when `save` cannot be written."""
    started = time.perf_counter()
    result = fetch_estate(audit.plan, request, progress)
    waits = [f"{n} {what}" for n, what in ((result.throttled, "throttled"), (result.retried, "retried"),
                                           (result.paced, "paced")) if n]
    progress.say(f"{len(result.rows)} resource(s) in {result.graph_requests} Resource Graph and "
                 f"{result.arm_requests} Resource Manager request(s)"
                 + (f" ({', '.join(waits)})" if waits else "") + f", {result.seconds:.1f}s")
    display = "live estate"
    lines: dict[int, int] | None = None
    if save is not None:
        display = _display(save)
        lines = write_results(result, save)
    loaded = load_live(result, display, lines)
    if result.duplicates:
        loaded.diagnostics.append(Diagnostic(f"{result.duplicates} row(s) were returned more than once (overlapping "
                                             "scopes) and kept once", None, severity="warning"))
    loaded.categories.add(RESOURCE_GRAPH.category)
    loaded.root = Path.cwd()
    loaded.seconds = time.perf_counter() - started
    return loaded


def run_audit(audit: Audit, options: ScanOptions, config: Config, config_diagnostics: list[Diagnostic],
              request: AuditRequest, progress: Progress, save: Path | None) -> RunReport:
    return evaluate(collect_live(audit, request, progress, save), options, config, config_diagnostics)


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
