"""Opening the hub's database: a SQLite file by default, or any Peewee database URL
(``postgresql://user@host/hub`` with the `postgres` extra installed, for a county with many offices).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ContextManager
from urllib.parse import urlsplit, urlunsplit

from peewee import Database, ImproperlyConfigured, OperationalError, SqliteDatabase
from playhouse import db_url

from tui_register.hub.models import HUB_MODELS, hub_database

SQLITE_OPTIONS = {
    "pragmas": (("journal_mode", "wal"), ("synchronous", "full"), ("foreign_keys", 1)),
    "timeout": 10,
    "check_same_thread": False,
}


class HubDatabaseError(Exception):
    """The hub database cannot be opened; `key` and `params` make the message."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def shown(target: str) -> str:
    """The database path or URL with any password masked, for messages and logs."""
    parts = urlsplit(target)
    if "://" not in target or parts.password is None:
        return target
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _make(target: str) -> Database:
    if "://" not in target:
        path = Path(target).expanduser()
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # token hashes, personal data
        return SqliteDatabase(str(path), **SQLITE_OPTIONS)
    options = SQLITE_OPTIONS if target.startswith("sqlite") else {}
    return db_url.connect(target, **options)


def open_hub_database(target: str) -> Database:
    """Open (creating its tables if needed) the hub database and bind the hub models to it."""
    try:
        db = _make(target)
        db.connect(reuse_if_open=True)
    except ImproperlyConfigured:
        raise HubDatabaseError("hub.no_driver", target=shown(target)) from None
    except (OperationalError, OSError, RuntimeError, ValueError) as exc:
        raise HubDatabaseError("hub.cannot_open", target=shown(target), detail=str(exc)) from None
    hub_database.initialize(db)
    db.create_tables(HUB_MODELS, safe=True)
    return db


def write_transaction() -> ContextManager:
    """A write transaction that takes SQLite's write lock at once (see storage/db.py)."""
    if isinstance(hub_database.obj, SqliteDatabase):
        return hub_database.atomic("IMMEDIATE")
    return hub_database.atomic()
