"""The `drlint` command's entry point: kept light, so the collector can be paused before the imports start.

Importing the CLI makes tens of thousands of objects (classes, functions, compiled patterns) and no cyclic
garbage; with the cyclic collector on, it would stop to scan them again and again. It is paused for the
imports only: each command decides for itself afterwards (a scan keeps it off, see `linter.cli.scan`).
"""

from __future__ import annotations

import gc


def main() -> None:
    paused = gc.isenabled()
    gc.disable()
    try:
        from linter.cli import main as cli_main
    finally:
        if paused:
            gc.enable()
    cli_main(prog_name="drlint")
