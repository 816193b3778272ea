"""A one-line progress counter on stderr for long runs in a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

MIN_FILES = 200  # below this a run is over before a counter helps


class Progress:
    """`parsed 1,234/5,000 files` rewritten in place at most ten times a second."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        wanted = self.stream.isatty() if enabled is None else enabled
        self.enabled = wanted and total >= MIN_FILES
        self.total = total
        self.done = 0
        self._shown = 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if self.enabled and (now - self._shown > 0.1 or self.done >= self.total):
            self._shown = now
            self.stream.write(f"\rsvclint: parsed {self.done:,}/{self.total:,} files")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()
