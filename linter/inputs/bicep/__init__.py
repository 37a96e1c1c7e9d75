"""Bicep front end: a dependency-free lexer and parser giving a positioned AST of `.bicep` and `.bicepparam` files."""
