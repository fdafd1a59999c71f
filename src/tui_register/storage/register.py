"""Opening the register for a user: the database, its schema, and its first supervisor."""

from __future__ import annotations

from pathlib import Path

from peewee import SqliteDatabase

from tui_register.storage import staff
from tui_register.storage.db import open_database
from tui_register.storage.models import Staff


def open_register(path: Path | str, user: str, *, create: bool = True) -> SqliteDatabase:
    """Open the database at `path`, creating it on first use with `user` as its first supervisor."""
    db = open_database(path, create=create)
    if not Staff.select().exists():
        staff.bootstrap(user)
    return db
