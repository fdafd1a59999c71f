"""One sync at a time per database: a file lock beside it (`storage.filelock`), not waited for."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tui_register.storage.filelock import file_lock


class SyncBusy(Exception):
    """Another sync of the same database is running."""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".sync-lock")


@contextmanager
def run_lock(db_path: Path) -> Iterator[None]:
    """Hold the database's sync lock for the block; raises SyncBusy at once if it is taken."""
    with file_lock(lock_path(db_path), db_path, wait=0, busy=SyncBusy):
        yield
