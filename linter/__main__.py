"""`python -m linter` is the `drlint` command."""

from linter.entry import main

main()
