"""Pausing the cyclic garbage collector while drlint builds large acyclic structures."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a scan builds its (acyclic) trees of parsed data.

    With every template of a large tree held in memory, the collector's repeated passes over millions of
    objects double the cost of reading them; reference counting still frees what a scan drops.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
