"""Progress for long commands: a line that updates itself on a terminal, nothing otherwise
(cron and systemd read only the summary line)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, label: str, stream: TextIO | None = None, *, interval: float = 0.2) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.interval = interval
        self._last = 0.0

    def update(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._last < self.interval and done < total):
            return
        self._last = now
        percent = 100 * done // total if total else 100
        self.stream.write(f"\r{self.label} {done:,}/{total:,} ({percent}%)")
        self.stream.flush()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
