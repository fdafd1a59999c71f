"""Locks on files beside the database (flock): the writers' turn, and one sync at a time.

The kernel drops a flock when its holder ends, however it ends (even SIGKILL), so a killed
program never leaves a stale lock behind. Each holder opens the file anew, so the lock works
between threads of one process as well as between processes.
"""

from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator


@contextmanager
def file_lock(path: Path, beside: Path, wait: float, busy: Callable[[], Exception]) -> Iterator[None]:
    """Hold an exclusive lock on `path` for the block, waiting up to `wait` seconds for it
    (0: not at all); raises `busy()` when it stays taken. `beside` is the database: a new
    lock file gets its permission bits, so that every login sharing it can lock."""
    fd = _open(path, beside)
    try:
        if not _take(fd, wait):
            raise busy()
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _open(path: Path, beside: Path) -> int:
    mode = os.stat(beside).st_mode & 0o666 if beside.exists() else 0o600
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, mode)
    except PermissionError:
        return os.open(path, os.O_RDONLY)  # created by another login: flock works read-only too


def _take(fd: int, wait: float) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return wait > 0 and _wait_for(fd, wait)


def _wait_for(fd: int, wait: float) -> bool:
    """A blocking flock, given up after `wait` seconds.

    flock has no timeout, and polling would hand the turn back to a program that writes
    back to back (the reason for this lock). So another thread blocks on a duplicate of the
    descriptor (the lock belongs to the open file, shared by both); if we give up first, it
    closes its duplicate the moment it gets the lock, which releases it again.
    """
    waiter = os.dup(fd)
    taken = threading.Event()
    guard = threading.Lock()
    gave_up = False

    def block() -> None:
        fcntl.flock(waiter, fcntl.LOCK_EX)
        with guard:
            if not gave_up:
                taken.set()
        os.close(waiter)  # the lock stays with `fd` unless we gave up (then it is released)

    threading.Thread(target=block, name="file-lock-wait", daemon=True).start()
    if taken.wait(wait):
        return True
    with guard:
        gave_up = not taken.is_set()
    return not gave_up
