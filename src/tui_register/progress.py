"""Progress of long work: the one throttle every progress report goes through, and the
command line's progress line (on a terminal only: cron and systemd read only the summary)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Throttle:
    """Says when a report is due: the first at once, then at most every `every` seconds;
    the final one always (so that the last thing shown is the end)."""

    def __init__(self, every: float) -> None:
        self.every = every
        self._last: float | None = None

    def due(self, *, final: bool = False) -> bool:
        now = time.monotonic()
        if not final and self._last is not None and now - self._last < self.every:
            return False
        self._last = now
        return True


class Progress:
    def __init__(self, label: str, stream: TextIO | None = None, *, interval: float = 0.2) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.throttle = Throttle(interval)

    def update(self, done: int, total: int) -> None:
        if not self.enabled or not self.throttle.due(final=done >= total):
            return
        percent = 100 * done // total if total else 100
        self.stream.write(f"\r{self.label} {done:,}/{total:,} ({percent}%)")
        self.stream.flush()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
