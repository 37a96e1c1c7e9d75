"""drlint: checks whether an Azure AI Foundry estate survives the loss of a region."""

__version__ = "0.1.0"

HOMEPAGE = "https://github.com/drlint/drlint"
