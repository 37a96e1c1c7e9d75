"""The import graph of the `linter` package, read from the source, and its cycles.

    python scripts/import_graph.py            # module -> the project modules it imports, then the cycles

Every `import` counts, also those inside functions (a cycle hidden in a function is still a cycle); imports
under `if TYPE_CHECKING:` do not (they never run, and are how a type names a module above it). The lazy
registries are followed too: the front-end modules of `linter.inputs.registry` and the writer modules of
`linter.report` are imported by name, so each is an edge from the registry that names it.
tests/test_architecture.py fails on any cycle.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = "linter"
# Registries that import modules by name: (registry module, the name of its list of modules or declarations).
LAZY = {"linter.inputs.registry": "FRONT_END_MODULES", "linter.report": "OUTPUT_FORMATS"}


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _lazy_targets(tree: ast.AST, list_name: str) -> set[str]:
    """Module names written as strings in the registry's list (`"linter.inputs.arm"`, `OutputFormat(...,
    "linter.report.text", ...)`)."""
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if any(isinstance(t, ast.Name) and t.id == list_name for t in targets):
            return {c.value for c in ast.walk(node.value)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str) and c.value.startswith(PACKAGE + ".")}
    return set()


def build_graph(root: Path) -> dict[str, set[str]]:
    """module -> the project modules it imports."""
    files = {module_name(root, p): p for p in sorted((root / PACKAGE).rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets: set[str] = set()
        for node in _imports(tree):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
                continue
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:  # `from package import module` imports that module
                sub = f"{source}.{alias.name}"
                targets.add(sub if sub in files else source)
        if name in LAZY:
            targets |= _lazy_targets(tree, LAZY[name])
        deps = set()
        for target in targets:
            while target and target not in files:
                target = target.rpartition(".")[0]
            if target and target != name:
                deps.add(target)
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def render(graph: dict[str, set[str]]) -> str:
    lines = ["# import graph: module -> the project modules it imports"]
    lines += [f"{module} -> {', '.join(sorted(graph[module])) or '-'}" for module in sorted(graph)]
    found = cycles(graph)
    lines.append(f"\n# import cycles: {len(found)}")
    lines += ["  " + " <-> ".join(component) for component in found]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(build_graph(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1])))
