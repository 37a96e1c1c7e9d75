"""Progress of a live audit on standard error: on a terminal by default, never in the report stream."""

from __future__ import annotations

import sys
import threading
from typing import TextIO


class Progress:
    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self._lock = threading.Lock()

    def say(self, text: str) -> None:
        if not self.enabled:
            return
        clean = "".join(ch if ch.isprintable() else "?" for ch in text)
        with self._lock:
            self.stream.write(f"drlint: {clean}\n")
            self.stream.flush()


QUIET = Progress(False)
