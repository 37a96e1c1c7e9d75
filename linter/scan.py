"""One scan, end to end: find files, load them into an estate, load rules, run them, collect a report.

The CLI only parses options and prints; everything a scan does lives here, so other entry points (the
pre-commit hook, `rules test`, a future live audit) reuse the same pipeline.
"""

from __future__ import annotations

import contextlib
import fnmatch
import gc
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from linter.config import Config, check_rule_overrides
from linter.engine import plan_rules, run_rules
from linter.inputs import InputFile, LoadContext, Loaded
from linter.inputs.jsondoc import JsonError, read_json
from linter.inputs.registry import FRONT_END_OF_KIND, JSON_SUFFIXES, TEXT_KINDS, front_end
from linter.inputs.sniff import classify_json
from linter.model import Estate, Position
from linter.results import Diagnostic, RunReport
from linter.rules import DEFAULT_POSTURE, Rule, builtin_pack_dir, check_duplicate_ids, load_rules
from linter.suppressions import apply_suppressions

EXCLUDED_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".terraform",
                 ".mypy_cache", ".pytest_cache", ".ruff_cache"}
# JSON that may be ours: a broken file with one of these is reported, any other broken JSON is not our business.
_OURS_HINTS = ("deploymenttemplate", "deploymentparameters", "/subscriptions/", '"resources"')
MAX_FILES = 100_000


@dataclass(slots=True)
class ScanOptions:
    paths: list[Path]
    posture: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    rule_paths: list[Path] = field(default_factory=list)
    builtin_rules: bool = True


def scan_root(paths: list[Path], config: Config) -> Path:
    """Paths are shown relative to this folder, and no file outside it is read on a template's behalf."""
    if config.root is not None:
        return config.root
    cwd = Path.cwd().resolve()
    resolved = [p.resolve() for p in paths]
    if all(p == cwd or cwd in p.parents for p in resolved):
        return cwd
    common = Path(os.path.commonpath([str(p) for p in resolved]))
    return common if common.is_dir() else common.parent


def discover(paths: Iterable[Path], root: Path, exclude: list[str]) -> tuple[list[tuple[Path, bool]], list[Diagnostic]]:
    """Files to consider, each with whether the user named it explicitly."""
    found: list[tuple[Path, bool]] = []
    diagnostics: list[Diagnostic] = []
    seen: set[Path] = set()
    paths = list(paths)
    # Files named on the command line first: a file both named and inside a named folder counts as named.
    paths.sort(key=lambda p: p.is_dir())
    for path in paths:
        if not path.exists():
            diagnostics.append(Diagnostic(f"no such file or directory: {path}", Position(str(path)),
                                          code="input-error"))
            continue
        candidates = _walk(path) if path.is_dir() else iter([(path, True)])
        for file, explicit in candidates:
            resolved = file.resolve()
            if resolved in seen or _excluded(resolved, root, exclude):
                continue
            seen.add(resolved)
            found.append((file, explicit))
            if len(found) > MAX_FILES:
                diagnostics.append(Diagnostic(f"more than {MAX_FILES} files; scan a smaller tree",
                                              Position(str(path)), code="input-error"))
                return found, diagnostics
    return found, diagnostics


def _walk(directory: Path) -> Iterator[tuple[Path, bool]]:
    suffixes = (*JSON_SUFFIXES, *TEXT_KINDS)
    for folder, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in EXCLUDED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(suffixes):
                file = Path(folder) / name
                if not file.is_symlink():
                    yield file, False


def _excluded(path: Path, root: Path, patterns: list[str]) -> bool:
    if not patterns:
        return False
    try:
        relative = path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return False
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(relative, p.rstrip("/") + "/*") for p in patterns)


def classify(files: list[tuple[Path, bool]], ctx: LoadContext) -> tuple[dict[str, list[InputFile]], list[Diagnostic]]:
    """Group files by the front end that reads them (by content); unreadable files become diagnostics."""
    groups: dict[str, list[InputFile]] = {}
    diagnostics: list[Diagnostic] = []
    for path, explicit in files:
        display = ctx.display(path)
        if not ctx.inside_root(path):
            diagnostics.append(Diagnostic(f"{display} is outside the scanned tree ({ctx.root}); not read",
                                          Position(display), code="input-error"))
            continue
        suffix = path.suffix.lower()
        if suffix in TEXT_KINDS:
            kind = TEXT_KINDS[suffix]
            groups.setdefault(FRONT_END_OF_KIND[kind], []).append(InputFile(path, display, kind, None))
            continue
        try:
            document = read_json(path, display)
        except JsonError as exc:
            if explicit or _might_be_ours(path):
                diagnostics.append(Diagnostic(f"{exc}; fix the file so it can be checked", exc.position))
            continue
        kind = classify_json(document.data)
        if kind is None:
            if explicit:
                diagnostics.append(Diagnostic(
                    "not an ARM template, parameter file or Resource Graph result; nothing to check",
                    Position(display), severity="warning"))
            continue
        groups.setdefault(FRONT_END_OF_KIND[kind], []).append(InputFile(path, display, kind, document))
    return groups, diagnostics


def _might_be_ours(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(8192).decode("utf-8", "replace").lower()
    except OSError:
        return True
    return any(hint in head for hint in _OURS_HINTS)


def load_inputs(groups: dict[str, list[InputFile]], ctx: LoadContext) -> Loaded:
    loaded = Loaded()
    for name, files in groups.items():
        reader = front_end(name)
        if reader is None:
            for file in files:
                loaded.diagnostics.append(Diagnostic(
                    f"{name} files are not supported by this version of drlint; not checked",
                    Position(file.display), severity="warning"))
            continue
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
        builtin, problems = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
        rules.extend(builtin)
        diagnostics.extend(problems)
    user_paths = [*config.rule_paths, *options.rule_paths]
    missing = [p for p in user_paths if not p.exists()]
    for path in missing:
        diagnostics.append(Diagnostic(f"rule path {path} does not exist", Position(str(path)), code="rule-error"))
    user, problems = load_rules([p for p in user_paths if p.exists()], builtin=False, validate_schema=True,
                                display_root=root)
    rules.extend(user)
    diagnostics.extend(problems)
    rules, duplicates = check_duplicate_ids(rules)
    return rules, diagnostics + duplicates


def category_of(groups: dict[str, list[InputFile]]) -> str:
    categories = set()
    for name in groups:
        reader = front_end(name)
        categories.add(reader.category if reader is not None else name)
    if categories == {"resource-graph"}:
        return "drlint/resource-graph/"
    if categories <= {"templates"} and categories:
        return "drlint/templates/"
    return "drlint/"


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a scan builds its (acyclic) trees of parsed data.

    With every template of a large tree held in memory, the collector's repeated passes over millions of
    objects double the cost of reading them; reference counting still frees what a scan drops.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_scan(options: ScanOptions, config: Config, config_diagnostics: list[Diagnostic] = ()) -> RunReport:
    with collection_paused():
        return _run_scan(options, config, config_diagnostics)


def _run_scan(options: ScanOptions, config: Config, config_diagnostics: list[Diagnostic]) -> RunReport:
    started = time.perf_counter()
    root = scan_root(options.paths, config)
    diagnostics: list[Diagnostic] = list(config_diagnostics)
    rules, problems = load_rule_set(config, options, root)
    diagnostics.extend(problems)
    if config.path is not None:
        diagnostics.extend(check_rule_overrides(config, {r.id.upper() for r in rules}, str(config.path)))

    files, problems = discover(options.paths, root, config.exclude)
    diagnostics.extend(problems)
    ctx = LoadContext(root=root, deployments=config.deployments)
    groups, problems = classify(files, ctx)
    diagnostics.extend(problems)
    loaded = load_inputs(groups, ctx)
    diagnostics.extend(loaded.diagnostics)

    estate = Estate(loaded.resources)
    for origin in loaded.origins:
        estate.add_origin(origin)
    posture = options.posture or config.posture or DEFAULT_POSTURE
    planned = plan_rules(rules, posture=posture, select=options.select, ignore=options.ignore,
                         overrides=config.rules)
    results, problems = run_rules(planned, estate)
    diagnostics.extend(problems)
    diagnostics.extend(apply_suppressions(results, estate, config.suppress, root, loaded.files,
                                          {r.id.upper() for r in rules}, {r.id.upper() for r in planned}))
    return RunReport(
        results=results,
        diagnostics=diagnostics,
        rules=planned,
        files=sorted(set(loaded.files)),
        resource_count=len(estate),
        seconds=time.perf_counter() - started,
        posture=posture,
        category=category_of(groups),
        root=root,
        estate=estate,
    )
