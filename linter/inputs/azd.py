"""Values the Azure Developer CLI (azd) substitutes into parameter files: `${VAR}` and `${VAR=default}`.

azd replaces each placeholder in `infra/main.parameters.json` with the environment variable of that name (from
the process or the azd environment), or with the text after `=` when the variable is not set. drlint does the
same with the variables of the process that runs it; a placeholder with no variable and no default is Unknown
with the reason "set by azd from VAR" (never the text `${VAR}` taken as a literal region or SKU).
`readEnvironmentVariable(name, default)` in a `.bicepparam` follows the same rule.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from linter.model import Unknown

# `${NAME}` or `${NAME=default}`; azd's names are shell-like (letters, digits, underscores)
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:=([^}]*))?\}")
MAX_DEPTH = 32


def environment_value(name: str, default: str | None, source: str,
                      environ: Mapping[str, str] | None = None) -> str | Unknown:
    """The value of one environment variable as azd (or Bicep) reads it: set, else the default, else Unknown."""
    environ = os.environ if environ is None else environ
    value = environ.get(name)
    if value is not None:
        return value
    if default is not None:
        return default
    return Unknown(f"set by {source} from the environment variable {name}, which this run's environment does "
                   "not define; define it (or give the parameter a value in the parameter file) to have it "
                   "checked",
                   ("environment", name), f"${{{name}}}")


def substitute(value: Any, environ: Mapping[str, str] | None = None, depth: int = 0) -> Any:
    """A parameter file value with azd's placeholders replaced (recursively in arrays and objects).

    The result is text, as azd writes it into the JSON; ARM converts "true" or "3" for a bool or int
    parameter (see `TemplateRun`).
    """
    if depth > MAX_DEPTH:
        return value
    if isinstance(value, dict):
        return {k: substitute(v, environ, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, environ, depth + 1) for v in value]
    if not isinstance(value, str) or "${" not in value:
        return value
    whole = PLACEHOLDER.fullmatch(value)
    if whole is not None:
        return environment_value(whole.group(1), whole.group(2), "azd", environ)
    parts: list[str] = []
    at = 0
    for match in PLACEHOLDER.finditer(value):
        found = environment_value(match.group(1), match.group(2), "azd", environ)
        if isinstance(found, Unknown):
            return found
        parts.append(value[at:match.start()])
        parts.append(found)
        at = match.end()
    parts.append(value[at:])
    return "".join(parts)


def has_placeholder(value: Any, depth: int = 0) -> bool:
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, str):
        return PLACEHOLDER.search(value) is not None
    if isinstance(value, dict):
        return any(has_placeholder(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(has_placeholder(v, depth + 1) for v in value)
    return False
