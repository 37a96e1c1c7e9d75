"""Differential check of the Bicep evaluation against the Bicep compiler.

For every module of the AVM corpus (a folder with both `main.bicep` and the compiler's `main.json`), the
resources drlint produces from `main.bicep` must equal those it produces from `main.json`: same type, same
name where known, same property keys, same literal values (an Unknown equals an Unknown, whatever the
reason). Prints the agreement rate and the mismatches grouped by cause.

    python scripts/bicep_differential.py [corpus-dir] [--show N] [--only SUBSTRING] [--jobs N]

A second rate leaves the registry modules out of both sides: the compiler fetched them and inlined their
templates into `main.json`, drlint never fetches (their resources are UNKNOWN by design). The causes that
remain, as of writing: files read by `loadTextContent()` that are absent from the corpus (the Bicep side is
then UNKNOWN), compiled `main.json` files older than their `main.bicep` (a property the Bicep sets and the
JSON lacks), and registry modules nested in older array-form templates, which cannot be left out by symbol.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from linter.inputs import InputFile, LoadContext, Loaded
from linter.inputs.arm import FRONT_END as ARM
from linter.inputs.bicep import FRONT_END as BICEP
from linter.inputs.bicep.compile.symbols import collect
from linter.inputs.bicep.syntax.parser import parse_path
from linter.inputs.jsondoc import JsonDocument, read_json
from linter.model import Resource, Unknown

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "avm"
UNKNOWN = "<unknown>"
FIELDS = ("location", "kind", "sku", "properties", "tags", "zones", "identity")


@dataclass(slots=True)
class Outcome:
    module: str
    equal: bool
    equal_masked: bool = False  # equal once the compiler's copies of registry modules are left out too
    cause: str = ""
    detail: str = ""
    crashes: list[str] = field(default_factory=list)
    resources: int = 0


def modules(corpus: Path) -> list[Path]:
    return sorted(p.parent for p in corpus.rglob("main.bicep") if (p.parent / "main.json").is_file())


def canonical(value: Any, depth: int = 0) -> Any:
    """A resource value with every Unknown (whatever its reason) as one marker."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if depth > 40:
        return "<deep>"
    if isinstance(value, dict):
        return {str(k): canonical(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(v, depth + 1) for v in value]
    return value


def describe(resource: Resource) -> dict[str, Any]:
    out = {"type": resource.type.lower(), "name": canonical(resource.name), "id": canonical(resource.id)}
    for name in FIELDS:
        out[name] = canonical(getattr(resource, name))
    out["conditional"] = resource.conditional is not None
    # DR113 reads whether the location is written as a literal
    out["locationLiteral"] = resource.extra.get("template", {}).get("location", {}).get("literal")
    return out


def load_arm(path: Path, root: Path, masked: set[str] | None = None) -> Loaded:
    """The compiled template's resources; `masked`: module symbols whose inlined template is removed first
    (registry modules, which the compiler fetched and drlint cannot)."""
    ctx = LoadContext(root=root)
    display = ctx.display(path)
    document = read_json(path, display)
    if masked:
        document = JsonDocument(document.display, document.text, _mask(document.data, masked))
    return ARM.load([InputFile(path, display, "arm-template", document)], ctx)


def _mask(value: Any, symbols: set[str]) -> Any:
    if isinstance(value, list):
        return [_mask(v, symbols) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key == "resources" and isinstance(item, dict):
            item = {k: _without_template(v) if k in symbols else v for k, v in item.items()}
        out[key] = _mask(item, symbols)
    return out


def _without_template(resource: Any) -> Any:
    if not isinstance(resource, dict) or not isinstance(resource.get("properties"), dict):
        return resource
    properties = {k: v for k, v in resource["properties"].items() if k != "template"}
    return {**resource, "properties": properties}


def external_modules(path: Path, seen: set[Path] | None = None) -> set[str]:
    """Symbols of the registry modules declared by a file and by its local modules."""
    seen = seen if seen is not None else set()
    if path in seen or not path.is_file():
        return set()
    seen.add(path)
    tree, _ = parse_path(path)
    found: set[str] = set()
    for module in collect(tree).modules.values():
        if module.external:
            found.add(module.symbol)
        elif module.source and module.source.endswith(".bicep"):
            found |= external_modules((path.parent / module.source).resolve(), seen)
    return found


def load_bicep(path: Path, root: Path) -> Loaded:
    ctx = LoadContext(root=root)
    return BICEP.load([InputFile(path, ctx.display(path), "bicep", None)], ctx)


def compare(folder: Path, root: Path) -> Outcome:
    shown = folder.relative_to(root).as_posix()
    outcome = Outcome(shown, False)
    try:
        compiled = load_arm(folder / "main.json", root)
    except Exception as exc:  # the reference side failing is not the transpiler's fault
        outcome.cause, outcome.detail = "compiled template not evaluable", f"{type(exc).__name__}: {exc}"
        return outcome
    try:
        source = load_bicep(folder / "main.bicep", root)
    except Exception as exc:
        outcome.crashes.append(f"{shown}: {type(exc).__name__}: {exc}")
        outcome.cause, outcome.detail = "crash", str(exc)
        return outcome
    outcome.crashes.extend(f"{shown}: {d.message}" for d in source.diagnostics if d.code == "internal-error")
    if outcome.crashes:
        outcome.cause, outcome.detail = "crash", outcome.crashes[0]
        return outcome
    left = sorted((describe(r) for r in compiled.resources), key=_sort_key)
    right = sorted((describe(r) for r in source.resources), key=_sort_key)
    reasons = [reason for r in source.resources for reason in _reasons(r.fields())]
    outcome.resources = len(right)
    if left == right:
        outcome.equal = outcome.equal_masked = True
        return outcome
    outcome.cause, outcome.detail = _difference(left, right)
    if outcome.cause == "unknown in bicep only":
        outcome.detail += f" [{'; '.join(sorted(set(reasons))[:3])}]"
    external = [o.unobservable["*"] for o in source.origins if "*" in o.unobservable]
    if external and outcome.cause == "different resources":
        # by design: the compiler fetched the registry modules and inlined them; drlint never fetches
        outcome.cause, outcome.detail = "registry modules (not fetched offline)", external[0]
        symbols = external_modules((folder / "main.bicep").resolve())
        masked = sorted((describe(r) for r in load_arm(folder / "main.json", root, symbols).resources), key=_sort_key)
        outcome.equal_masked = masked == right
        if not outcome.equal_masked:
            outcome.detail += " | and with them left out: " + " ".join(_difference(masked, right))
    return outcome


def _reasons(value: Any, depth: int = 0) -> list[str]:
    if isinstance(value, Unknown):
        return [value.reason]
    if depth > 40:
        return []
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return [reason for item in items for reason in _reasons(item, depth + 1)]


def _sort_key(entry: dict[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, default=str)


def _difference(compiled: list[dict[str, Any]], source: list[dict[str, Any]]) -> tuple[str, str]:
    """The first difference, classified."""
    left_ids = Counter((e["type"], json.dumps(e["name"])) for e in compiled)
    right_ids = Counter((e["type"], json.dumps(e["name"])) for e in source)
    if left_ids != right_ids:
        missing = left_ids - right_ids
        extra = right_ids - left_ids
        return "different resources", f"only compiled: {dict(missing)}; only bicep: {dict(extra)}"
    by_id: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for entry in source:
        by_id[(entry["type"], json.dumps(entry["name"]))].append(entry)
    for entry in compiled:
        other = by_id[(entry["type"], json.dumps(entry["name"]))].pop(0)
        for key in ("id", "conditional", "locationLiteral", *FIELDS):
            found = _first_diff(entry[key], other[key], (key,))
            if found is not None:
                path, a, b = found
                where = f"{entry['type']} {entry['name']} {'.'.join(map(str, path))}"
                if a == UNKNOWN:
                    cause = "unknown in compiled only"
                elif b == UNKNOWN:
                    cause = "unknown in bicep only"
                elif key == "conditional":
                    cause = "condition differs"
                else:
                    cause = "value differs"
                return cause, f"{where}: compiled={_short(a)} bicep={_short(b)}"
    return "order", ""


def _first_diff(a: Any, b: Any, path: tuple[Any, ...]) -> tuple[tuple[Any, ...], Any, Any] | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return (*path, key), a.get(key, "<absent>"), b.get(key, "<absent>")
            found = _first_diff(a[key], b[key], (*path, key))
            if found is not None:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_diff(x, y, (*path, i))
            if found is not None:
                return found
        return None
    return None if a == b else (path, a, b)


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 100 else text[:97] + "..."


def run(corpus: Path, only: str | None = None, jobs: int = 1) -> list[Outcome]:
    folders = [f for f in modules(corpus) if only is None or only in f.as_posix()]
    if jobs <= 1:
        return [compare(f, corpus) for f in folders]
    with ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(compare, folders, [corpus] * len(folders), chunksize=4))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--show", type=int, default=5, help="examples shown per cause")
    parser.add_argument("--only", help="only modules whose path contains this")
    parser.add_argument("--jobs", type=int, default=1)
    options = parser.parse_args(argv)
    if not options.corpus.is_dir():
        print(f"no corpus at {options.corpus}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    outcomes = run(options.corpus.resolve(), options.only, options.jobs)
    equal = sum(o.equal for o in outcomes)
    equal_masked = sum(o.equal_masked for o in outcomes)
    crashes = [c for o in outcomes for c in o.crashes]
    by_cause: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        if not outcome.equal:
            by_cause[outcome.cause].append(outcome)
    total = len(outcomes)
    print(f"modules: {total}, exactly equal: {equal} ({equal / max(total, 1):.1%}), "
          f"crashes: {len(crashes)}, {time.perf_counter() - started:.1f}s")
    print(f"equal once registry modules (which the compiler fetched) are left out of both: {equal_masked} "
          f"({equal_masked / max(total, 1):.1%})")
    for cause, members in sorted(by_cause.items(), key=lambda kv: -len(kv[1])):
        print(f"\n{cause}: {len(members)}")
        for outcome in members[: options.show]:
            print(f"  {outcome.module}: {outcome.detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
