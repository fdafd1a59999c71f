"""Opening the hub's database: a SQLite file by default, or any Peewee database URL
(``postgresql://user@host/hub`` with the `postgres` extra installed, for a county with many offices).

On PostgreSQL the connection survives a restart of the server: a statement or a BEGIN that meets a
dead connection reconnects once (peewee's ReconnectMixin), and `hub.app` answers 503 with
Retry-After, closing the thread's connection, while the database is away.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ContextManager
from urllib.parse import urlsplit, urlunsplit

from peewee import Database, ImproperlyConfigured, InterfaceError, OperationalError, PostgresqlDatabase, SqliteDatabase
from playhouse import db_url
from playhouse.shortcuts import ReconnectMixin

from tui_register.hub.models import HUB_MODELS, hub_database

SQLITE_OPTIONS = {
    "pragmas": (("journal_mode", "wal"), ("synchronous", "full"), ("foreign_keys", 1)),
    "timeout": 10,
    "check_same_thread": False,
}

# Columns that were narrower or plain text in hubs created before: widened in place on PostgreSQL.
_PG_COLUMNS = (("hub_record", "version", "bigint", "version::bigint"),
               ("hub_change", "version", "bigint", "version::bigint"),
               ("hub_batch", "changes", "bigint", "changes::bigint"),
               ("hub_record", "snapshot", "jsonb", "snapshot::jsonb"))

_OLD_INDEX = "hub_record_office_entity"


class HubDatabaseError(Exception):
    """The hub database cannot be opened; `key` and `params` make the message."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class ReconnectingPostgres(ReconnectMixin, PostgresqlDatabase):
    """PostgreSQL that reconnects when it finds its connection dead (the server restarted)."""

    reconnect_errors = (
        (OperationalError, "server closed the connection"),
        (OperationalError, "terminating connection"),
        (OperationalError, "connection not open"),
        (OperationalError, "could not receive data"),
        (OperationalError, "ssl connection has been closed"),
        (InterfaceError, "connection already closed"),
    )


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
    if urlsplit(target).scheme in ("postgres", "postgresql"):
        return ReconnectingPostgres(**db_url.parse(target))
    options = SQLITE_OPTIONS if target.startswith("sqlite") else {}
    return db_url.connect(target, **options)


def is_postgres(db: Database | None = None) -> bool:
    return isinstance(db if db is not None else hub_database.obj, PostgresqlDatabase)


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
    with db.atomic():
        db.create_tables(HUB_MODELS, safe=True)
        db.execute_sql(f"DROP INDEX IF EXISTS {_OLD_INDEX}")  # replaced by (entity, office): models.py
        if is_postgres(db):
            _widen_pg_columns(db)
    return db


def _widen_pg_columns(db: Database) -> None:
    """bigint versions (an office counts them) and JSONB snapshots, also in a hub created before."""
    for table, column, wanted, using in _PG_COLUMNS:
        (current,) = db.execute_sql(
            "SELECT data_type FROM information_schema.columns WHERE table_name = %s AND column_name = %s "
            "AND table_schema = current_schema()", (table, column)).fetchone()
        if current != wanted:
            db.execute_sql(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {wanted} USING {using}")


def write_transaction() -> ContextManager:
    """A write transaction that takes SQLite's write lock at once (see storage/db.py)."""
    if isinstance(hub_database.obj, SqliteDatabase):
        return hub_database.atomic("IMMEDIATE")
    return hub_database.atomic()
