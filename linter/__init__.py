"""drlint: checks whether an Azure AI Foundry estate survives the loss of a region."""

from pathlib import Path

__version__ = "0.1.0"

# Package data (the region table, the rule schema, the packaged rule pack) is read from beside this file:
# drlint is installed as plain files, and importlib.resources would cost every run its import time.
PACKAGE_DIR = Path(__file__).resolve().parent

HOMEPAGE = "https://github.com/drlint/drlint"
