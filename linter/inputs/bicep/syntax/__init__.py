"""Bicep syntax: source text to a positioned, faithful AST (no names resolved), with located problems instead
of exceptions. Depends on nothing else in drlint."""
