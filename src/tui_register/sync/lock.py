"""One sync at a time per database: an flock on a file beside it.

The kernel drops the lock when its holder ends, however it ends (even SIGKILL), so a killed
run never leaves a stale lock behind. The lock works between processes and between threads of
one process (each run opens the file anew).
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class SyncBusy(Exception):
    """Another sync of the same database is running."""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".sync-lock")


def _open(path: Path, db_path: Path) -> int:
    # Same permission bits as the database, so that every login sharing it can lock.
    mode = os.stat(db_path).st_mode & 0o666 if db_path.exists() else 0o600
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, mode)
    except PermissionError:
        return os.open(path, os.O_RDONLY)  # created by another login: flock works read-only too


@contextmanager
def run_lock(db_path: Path) -> Iterator[None]:
    """Hold the database's sync lock for the block; raises SyncBusy at once if it is taken."""
    fd = _open(lock_path(db_path), db_path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncBusy() from None
        yield
    finally:
        os.close(fd)  # closing releases the lock
