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
    try:
        cli_main(prog_name="drlint")
    except SystemExit as done:
        _exit_now(done)


def _exit_now(done: SystemExit) -> None:
    """End the process with the command's exit code without tearing its objects down one by one: a large scan
    holds millions of them (rows, resources, results), and freeing them at exit took 0.1 s of a 1.5 s run.
    Everything the command wrote is flushed first; any other way of ending is left to Python."""
    import os
    import sys

    code = done.code
    if not (code is None or type(code) is int):
        raise done  # a message to print: Python's own exit says it
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None: the descriptor was closed before Python started (`>&-`)
                stream.flush()
    except (OSError, ValueError, AttributeError):
        raise done from None  # a closed or broken stream: let Python report it as it would
    import atexit

    # What was registered to run at exit still runs (drlint registers nothing; a library may): only the
    # object-by-object teardown is skipped.
    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_functions is None:
        raise done
    run_exit_functions()
    os._exit(code or 0)
