"""Typed messages from worker threads to the widget that started the work.

A worker posts them (`post_message` is safe from any thread) instead of handing closures to
`call_from_thread`: the screen handles them like any other event, and only while it is
mounted. A newer progress message replaces an older one still waiting in the queue, so a
burst of them is drawn once; `reporter()` also lets at most a few through per second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from textual.message import Message
from textual.message_pump import MessagePump

from tui_register.progress import Throttle

PROGRESS_EVERY_S = 0.5  # a progress line twice a second is enough on a slow link


@dataclass
class WorkProgress(Message, bubble=False):
    """So much of the work is done: `done` of `total` (rows, changes)."""

    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, WorkProgress)


@dataclass
class WorkDone(Message, bubble=False):
    """The work's last line: what came of it, or the problem met."""

    text: str


@dataclass
class PendingCounted(Message, bubble=False):
    """The changes waiting for the sync, as just counted."""

    count: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, PendingCounted)


def reporter(target: MessagePump, every: float = PROGRESS_EVERY_S) -> Callable[[int, int], None]:
    """An `on_progress(done, total)` for a worker: WorkProgress to `target`, throttled."""
    throttle = Throttle(every)

    def report(done: int, total: int) -> None:
        if throttle.due(final=done >= total):
            target.post_message(WorkProgress(done, total))

    return report
