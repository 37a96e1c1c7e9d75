"""One scan, in two steps: `collect` (paths into a `Loaded`: resources, origins, diagnostics, files) and
`evaluate` (a `Loaded` into a report: load the rules, plan them for the posture, run them over the estate).

The CLI only parses options and prints. Other entry points reuse the steps: a live audit collects from Azure
instead of files and evaluates the same way; rule fixtures (`rules test`) scan a folder each.
"""

from __future__ import annotations

import fnmatch
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from linter.config import Config, check_rule_overrides, check_rule_parameters, shown_path
from linter.diagnostics import Diagnostic
from linter.engine import plan_rules, run_rules, types_read
from linter.filesafe import FileReadError, is_regular, kind_of, read_head
from linter.gcpause import collection_paused
from linter.inputs import FrontEnd, InputFile, LoadContext, Loaded
from linter.inputs.deployments import DeploymentPlan, config_entries
from linter.inputs.deployments import plan as pair_files
from linter.inputs.jsondoc import JsonDocument, JsonError, decode_text, read_json
from linter.inputs.registry import front_end, front_ends, suffixes
from linter.model import Estate, Position
from linter.records import field, record
from linter.results import RunReport
from linter.rules import Rule, check_duplicate_ids, load_builtin_pack, load_rules
from linter.suppressions import apply_suppressions
from linter.vocabulary import DEFAULT_POSTURE

EXCLUDED_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".terraform",
                 ".mypy_cache", ".pytest_cache", ".ruff_cache"}
MAX_FILES = 100_000


@record
class ScanOptions:
    """What to scan (`paths`, read by `collect`) and how to evaluate it (the rest, read by `evaluate`)."""

    paths: list[Path] = field(default_factory=list)
    posture: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    rule_paths: list[Path] = field(default_factory=list)
    builtin_rules: bool = True


def scan_root(paths: list[Path], config: Config) -> Path:
    """The one root of a run: paths in results are relative to it, and no file outside it is read on a
    template's behalf. It is the current directory when every scanned path is inside it (run drlint from the
    repository root, as CI does, and SARIF paths resolve against the checkout), else the folder that holds
    every scanned path. Where drlint.yaml is does not change it (its `deployments:` paths start at its own
    folder, and must still be inside the root)."""
    cwd = Path.cwd().resolve()
    resolved = [p.resolve() for p in paths]
    if all(p == cwd or cwd in p.parents for p in resolved):
        return cwd
    common = Path(os.path.commonpath([str(p) for p in resolved]))
    return common if common.is_dir() else common.parent


def scanned_trees(paths: list[Path], config: Config) -> tuple[Path, ...]:
    """What a template may read besides itself: the folder of drlint.yaml, else the paths named (a file's own
    folder). Never the current directory as such: `drlint scan infra/` from a parent folder reads nothing
    outside infra/."""
    if config.root is not None:
        return (config.root.resolve(),)
    trees = []
    for path in paths:
        resolved = path.resolve()
        trees.append(resolved if resolved.is_dir() else resolved.parent)
    return tuple(trees)


def discover(paths: Iterable[Path], root: Path, exclude: list[str], hidden: list[Path] | None = None,
             ) -> tuple[list[tuple[Path, bool]], list[Diagnostic]]:
    """Files to consider, each with whether the user named it explicitly; hidden folders not walked into are
    added to `hidden`."""
    found: list[tuple[Path, bool]] = []
    diagnostics: list[Diagnostic] = []
    seen: set[Path] = set()
    paths = list(paths)
    hidden = [] if hidden is None else hidden
    # Files named on the command line first: a file both named and inside a named folder counts as named.
    paths.sort(key=lambda p: p.is_dir())
    for path in paths:
        if not path.exists():
            shown = relative_display(path, root)
            diagnostics.append(Diagnostic(f"no such file or directory: {shown}", Position(shown), code="input-error"))
            continue
        if not path.is_dir() and not is_regular(path):
            diagnostics.append(_not_a_file(path, relative_display(path, root)))
            continue
        candidates = _walk(path, root, diagnostics, hidden) if path.is_dir() else iter([(path, True)])
        for file, explicit in candidates:
            resolved = file.resolve()
            if resolved in seen or _excluded(resolved, root, exclude):
                continue
            seen.add(resolved)
            found.append((file, explicit))
            if len(found) > MAX_FILES:
                diagnostics.append(Diagnostic(f"more than {MAX_FILES} files; scan a smaller tree",
                                              Position(relative_display(path, root)), code="input-error"))
                return found, diagnostics
    return found, diagnostics


def relative_display(path: Path, root: Path) -> str:
    """A path for a message: relative to the root (with `..` if need be), never absolute."""
    try:
        return Path(os.path.relpath(path.absolute(), root.resolve())).as_posix()
    except ValueError:  # another drive
        return path.name


def _walk(directory: Path, root: Path, diagnostics: list[Diagnostic], hidden: list[Path] | None = None,
          ) -> Iterator[tuple[Path, bool]]:
    wanted = suffixes()

    def unreadable(error: OSError) -> None:
        shown = relative_display(Path(error.filename if error.filename is not None else directory), root)
        diagnostics.append(Diagnostic(f"cannot read the folder {shown} ({error.strerror}); its files are not "
                                      "checked", Position(shown), code="input-error"))

    for folder, dirs, files in os.walk(directory, onerror=unreadable):
        if hidden is not None:
            hidden.extend(Path(folder) / d for d in sorted(dirs) if d.startswith(".") and d not in EXCLUDED_DIRS)
        dirs[:] = sorted(d for d in dirs if d not in EXCLUDED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(wanted):
                file = Path(folder) / name
                if file.is_symlink():
                    continue
                if not is_regular(file):
                    diagnostics.append(_not_a_file(file, relative_display(file, root)))
                    continue
                yield file, False


def _not_a_file(path: Path, shown: str) -> Diagnostic:
    try:
        what = kind_of(path.stat().st_mode)
    except OSError as exc:
        return Diagnostic(f"{shown} cannot be read ({exc.strerror})", Position(shown), code="input-error")
    return Diagnostic(f"{shown} is {what}, not a regular file; only files are read", Position(shown),
                      code="input-error")


def hidden_template_folders(hidden: list[Path], found_any: bool, ctx: LoadContext) -> list[Diagnostic]:
    """Hidden folders (`.infra/`, where Foundry samples keep their IaC) are not walked into: say so when they
    hold templates (an error when nothing else was found: the user's templates were not checked at all), and
    say so when a scan found no file to check."""
    with_templates = [h for h in hidden if _has_templates(h)]
    if not with_templates:
        if found_any:
            return []
        return [Diagnostic("no ARM template, parameter file, Bicep file or Resource Graph result found; nothing "
                           "was checked", None, severity="warning")]
    shown = ", ".join(ctx.display(h) + "/" for h in with_templates[:5])
    more = f" and {len(with_templates) - 5} more" if len(with_templates) > 5 else ""
    command = f"drlint scan {_as_typed(with_templates[0])}"
    if found_any:
        return [Diagnostic(f"templates in hidden folders ({shown}{more}) were not checked: hidden folders are "
                           f"scanned only when named; add them to the command (`{command}`)",
                           Position(ctx.display(with_templates[0])), severity="warning")]
    return [Diagnostic(f"no file to check: the templates are in hidden folders ({shown}{more}), which are "
                       f"scanned only when named; run `{command}`", Position(ctx.display(with_templates[0])),
                       code="input-error")]


def _as_typed(path: Path) -> str:
    """A path as the user would type it from here."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return path.as_posix()


def _has_templates(folder: Path, budget: int = 5000) -> bool:
    wanted = suffixes()
    for folder_name, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in EXCLUDED_DIRS]
        budget -= len(files) + 1
        if any(name.endswith((".bicep", ".bicepparam")) for name in files):
            return True
        if any(name.endswith(wanted) and "deploymenttemplate" in _head(Path(folder_name) / name) for name in files):
            return True
        if budget <= 0:
            return False
    return False


def _head(path: Path) -> str:
    try:
        return read_head(path, 4096).decode("utf-8", "replace").lower()  # never a FIFO's blocking read
    except FileReadError:
        return ""


def _excluded(path: Path, root: Path, patterns: list[str]) -> bool:
    if not patterns:
        return False
    try:
        relative = path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return False
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(relative, p.rstrip("/") + "/*") for p in patterns)


def classify(files: list[tuple[Path, bool]], ctx: LoadContext) -> tuple[dict[str, list[InputFile]], list[Diagnostic]]:
    """Group files by the front end that reads them (asked in registry order); unreadable files become
    diagnostics."""
    groups: dict[str, list[InputFile]] = {}
    diagnostics: list[Diagnostic] = []
    for path, explicit in files:
        display = ctx.display(path)
        if not ctx.inside_root(path):
            diagnostics.append(Diagnostic(f"{display} is outside the scanned tree; not read",
                                          Position(display), code="input-error"))
            continue
        candidates = [f for f in front_ends() if path.name.lower().endswith(f.suffixes)]
        if not candidates and explicit:  # a file named on the command line may be JSON whatever its name
            candidates = [f for f in front_ends() if f.reads_json]
        document: JsonDocument | None = None
        if any(f.reads_json for f in candidates):
            try:
                document = read_json(path, display, lazy_rows=True)
            except JsonError as exc:
                if explicit or _might_be_ours(path, candidates):
                    diagnostics.append(Diagnostic(f"{exc}; fix the file so it can be checked", exc.position))
                continue
        for reader in candidates:
            kind = reader.classify(path, document if reader.reads_json else None)
            if kind is not None:
                groups.setdefault(reader.name, []).append(InputFile(path, display, kind, document))
                break
        else:
            if explicit:
                titles = [f.title for f in candidates] or [f.title for f in front_ends()]
                diagnostics.append(Diagnostic(f"not {_either(titles)}; nothing to check", Position(display),
                                              severity="warning"))
    return groups, diagnostics


def _either(titles: list[str]) -> str:
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + ", nor " + titles[-1]


def _might_be_ours(path: Path, candidates: list[FrontEnd]) -> bool:
    """Broken JSON with a hint of a format we read is reported; any other broken JSON is not our business."""
    try:
        raw = read_head(path, 8192)
    except FileReadError:
        return True  # it cannot even be read: say so
    try:
        head = decode_text(raw).lower()
    except UnicodeDecodeError:
        head = raw.replace(b"\x00", b"").decode("utf-8", "replace").lower()  # UTF-16 without a BOM
    return any(hint in head for reader in candidates for hint in reader.hints)


def load_inputs(groups: dict[str, list[InputFile]], ctx: LoadContext) -> Loaded:
    loaded = Loaded(root=ctx.root)
    for name, files in groups.items():
        reader = front_end(name)
        assert reader is not None  # groups are keyed by the front ends that classified the files
        loaded.categories.add(reader.category)
        try:
            loaded.extend(reader.load(files, ctx))
        except Exception as exc:  # a front-end bug must not lose the rest of the run
            loaded.diagnostics.append(Diagnostic(
                f"internal error reading {name} files ({type(exc).__name__}: {exc}); please report it",
                Position(files[0].display), code="internal-error"))
    return loaded


def load_rule_set(config: Config, options: ScanOptions, root: Path) -> tuple[list[Rule], list[Diagnostic]]:
    rules: list[Rule] = []
    diagnostics: list[Diagnostic] = []
    if options.builtin_rules:
        builtin, problems = load_builtin_pack()
        rules.extend(builtin)
        diagnostics.extend(problems)
    user_paths = [*config.rule_paths, *options.rule_paths]
    missing = [p for p in user_paths if not p.exists()]
    for path in missing:
        shown = relative_display(path, root)
        diagnostics.append(Diagnostic(f"rule path {shown} does not exist", Position(shown), code="rule-error"))
    user, problems = load_rules([p for p in user_paths if p.exists()], builtin=False, validate_schema=True,
                                display_root=root)
    rules.extend(user)
    diagnostics.extend(problems)
    rules, duplicates = check_duplicate_ids(rules)
    return rules, diagnostics + duplicates


def category_of(categories: set[str]) -> str:
    """The analysis a report belongs to (SARIF `automationDetails.id`): one category, or all of drlint."""
    return f"drlint/{next(iter(categories))}/" if len(categories) == 1 else "drlint/"


def collect(paths: list[Path], config: Config, root: Path | None = None,
            types: frozenset[str] | None = None) -> Loaded:
    """Find the files under `paths`, recognise each by content, plan the deployments they make (one planner
    for every template front end) and load them with their front ends. With `types` (the lower-cased types
    the rules select), inputs of other types may be left unread."""
    started = time.perf_counter()
    root = root or scan_root(paths, config)
    hidden: list[Path] = []
    # `exclude:` patterns are relative to drlint.yaml's folder, which may be below the run's root
    files, problems = discover(paths, config.root or root, config.exclude, hidden)
    ctx = LoadContext(root=root, deployments=config.deployments, config_file=_config_display(config, root),
                      config_root=config.root, config_positions=list(config.deployment_positions),
                      trees=scanned_trees(paths, config), types_read=types)
    groups, more = classify(files, ctx)
    more.extend(hidden_template_folders(hidden, bool(groups or problems or more), ctx))
    ctx.plan, planning = plan_deployments(groups, ctx)
    more.extend(planning)
    for planned_front_end in {d.front_end for d in ctx.plan.deployments} if ctx.plan else ():
        groups.setdefault(planned_front_end, [])  # a template named only by a parameter file or drlint.yaml
    loaded = load_inputs(groups, ctx)
    loaded.diagnostics[:0] = [*problems, *more]
    loaded.seconds = time.perf_counter() - started
    return loaded


def plan_deployments(groups: dict[str, list[InputFile]], ctx: LoadContext) -> tuple[DeploymentPlan | None,
                                                                                     list[Diagnostic]]:
    """One plan of the run's deployments for every template front end, and its diagnostics. Never raises: on
    a planner bug (reported) there is no plan, and each front end plans its own files."""
    try:
        templates, parameters = [], []
        for name, files in groups.items():
            describe = getattr(front_end(name), "describe", None)  # template front ends describe their files
            if describe is not None:
                found_templates, found_parameters = describe(files, ctx)
                templates.extend(found_templates)
                parameters.extend(found_parameters)
        planned = pair_files(templates, parameters, config_entries(ctx),
                             exists=lambda p: ctx.inside_root(p) and p.is_file())
        return planned, planned.diagnostics
    except Exception as exc:
        return None, [Diagnostic(f"internal error planning deployments ({type(exc).__name__}: {exc}); please "
                                 "report it", None, code="internal-error")]


def _config_display(config: Config, root: Path) -> str:
    if config.path is None:
        return "drlint.yaml"
    try:
        return config.path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return config.path.as_posix()  # above the root (found by walking up): named in full


def evaluate(loaded: Loaded, options: ScanOptions, config: Config,
             config_diagnostics: Iterable[Diagnostic] = (),
             rule_set: tuple[list[Rule], list[Diagnostic]] | None = None) -> RunReport:
    """Run the rules `options` and `config` choose over what was collected (`options.paths` is not read);
    `rule_set` is the rules already loaded (`load_rule_set`), if they were."""
    started = time.perf_counter()
    root = loaded.root or config.root or Path.cwd()
    diagnostics: list[Diagnostic] = list(config_diagnostics)
    rules, problems = rule_set if rule_set is not None else load_rule_set(config, options, root)
    diagnostics.extend(problems)
    if config.path is not None:
        diagnostics.extend(check_rule_overrides(config, {r.id.upper() for r in rules}, shown_path(config.path)))
        diagnostics.extend(check_rule_parameters(config, rules))
    diagnostics.extend(loaded.diagnostics)

    estate = Estate(loaded.resources, loaded.unread)
    for origin in loaded.origins:
        estate.add_origin(origin)
    posture = options.posture or config.posture or DEFAULT_POSTURE
    planned = plan_rules(rules, posture=posture, select=options.select, ignore=options.ignore,
                         overrides=config.rules)
    results, problems = run_rules(planned, estate)
    diagnostics.extend(problems)
    for unread in loaded.unread:  # rows read only when a rule asked, after their file changed
        diagnostics.extend(unread.problems())
    diagnostics.extend(apply_suppressions(results, estate, config.suppress, root, loaded.files,
                                          {r.id.upper() for r in rules}, {r.id.upper() for r in planned}))
    return RunReport(
        results=results,
        diagnostics=diagnostics,
        rules=planned,
        files=sorted(set(loaded.files)),
        resource_count=estate.input_count,
        seconds=loaded.seconds + time.perf_counter() - started,
        posture=posture,
        category=category_of(loaded.categories),
        root=loaded.root,
        estate=estate,
    )


def run_scan(options: ScanOptions, config: Config, config_diagnostics: Iterable[Diagnostic] = ()) -> RunReport:
    with collection_paused():
        # The rules first: rows of an export whose type no planned rule selects need not become resources.
        root = scan_root(options.paths, config)
        rules, problems = load_rule_set(config, options, root)
        posture = options.posture or config.posture or DEFAULT_POSTURE
        planned = plan_rules(rules, posture=posture, select=options.select, ignore=options.ignore,
                             overrides=config.rules)
        loaded = collect(options.paths, config, root, types_read(planned))
        return evaluate(loaded, options, config, config_diagnostics, (rules, problems))
