"""`python -m linter` is the `drlint` command."""

from linter.cli import main

main(prog_name="drlint")
