"""`import { a, b as c } from './x.bicep'` and `import * as ns from './x.bicep'`.

As the compiler does, an imported file's variables and functions are copied into the importing template,
renamed so they cannot clash (`_1.name`, namespace `_1`); its types are read for parameter nullability. A
file outside the scan root, missing, or in a registry (`br:`, `ts:`) is not read: its names are Unknown.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.inputs.bicep.syntax import ast as A
from linter.model import Position

if TYPE_CHECKING:
    from linter.inputs.bicep.compile.transpile import FileTranspiler



def is_external(source: str) -> bool:
    return source.split(":", 1)[0].split("/", 1)[0] in ("br", "ts") and ":" in source


class Imports:
    def __init__(self, owner: FileTranspiler, table: dict[Path, Any] | None = None) -> None:
        self.owner = owner
        self.table: dict[Path, Any] = table if table is not None else {}  # shared by one template's files
        self.names: dict[str, tuple[Any, str]] = {}  # alias -> (library or reason, name in the library)
        self.wildcards: dict[str, Any] = {}  # alias -> library or reason

    def bind(self, imports: list[A.CompileTimeImport]) -> None:
        for statement in imports:
            library = self._library(statement)
            for item in statement.items:
                self.names[item.alias or item.name] = (library, item.name)
            if statement.wildcard_alias:
                self.wildcards[statement.wildcard_alias] = library

    def _library(self, statement: A.CompileTimeImport) -> Any:
        owner = self.owner
        source = statement.source.value if isinstance(statement.source, A.StringLit) else None
        if source is None:
            return "an import whose source is not a plain string"
        if is_external(source):
            return f"'{source}', a registry file that is not fetched"
        path = (owner.file_path.parent / source).resolve()
        found = self.table.get(path)
        if found is not None:
            return found
        parsed = owner.ws.parse(path)
        if isinstance(parsed, str):
            owner.ws.report(f"import from '{source}': {parsed}",
                            Position(owner.parsed.display, statement.line, statement.col), severity="error")
            return f"'{source}' ({parsed})"
        library = owner.library(parsed, path, len(self.table) + 1)
        self.table[path] = library  # before binding its own imports: a cycle finds it here
        library.imports.bind(library.symbols.imports)
        library.add_declarations()
        return library

    def _resolve(self, library: Any, name: str, shown: str, args: list[str] | None) -> str:
        owner = self.owner
        if isinstance(library, str):
            return owner.unknown(f"'{shown}' is imported from {library}")
        if args is None and name in library.symbols.vars:
            return f"variables('{library.var_prefix}{name}')"
        if args is not None and name in library.symbols.funcs:
            return f"{library.namespace}.{name}({', '.join(args)})"
        if args is None and name in library.symbols.funcs:
            return owner.unknown(f"'{shown}' is a function used as a value")
        return owner.unknown(f"'{shown}' is not a variable or function of {library.parsed.display}")

    def value(self, name: str) -> str | None:
        entry = self.names.get(name)
        return None if entry is None else self._resolve(entry[0], entry[1], name, None)

    def call(self, name: str, args: list[str]) -> str | None:
        entry = self.names.get(name)
        return None if entry is None else self._resolve(entry[0], entry[1], name, args)

    def member(self, alias: str, name: str) -> str | None:
        if alias not in self.wildcards:
            return None
        return self._resolve(self.wildcards[alias], name, f"{alias}.{name}", None)

    def member_call(self, alias: str, name: str, args: list[str]) -> str | None:
        if alias not in self.wildcards:
            return None
        return self._resolve(self.wildcards[alias], name, f"{alias}.{name}", args)

    def type_decl(self, name: str) -> tuple[FileTranspiler, A.TypeDecl] | None:
        entry = self.names.get(name)
        if entry is None or isinstance(entry[0], str):
            return None
        library, original = entry
        declared = library.symbols.types.get(original)
        return (library, declared) if declared is not None else None
