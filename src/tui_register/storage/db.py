"""Opening the database: file permissions, pragmas, versioned migrations, backups.

Several staff use one database file at once over SSH, so every connection runs in WAL mode
with synchronous=FULL (money is involved: NORMAL may lose the last commits on power loss),
foreign keys on and a busy timeout of several seconds. Writers take the lock up front
(`BEGIN IMMEDIATE`, see `write_transaction`) so that a read-then-write never fails at once
with SQLITE_BUSY.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Callable

from peewee import SqliteDatabase

from tui_register.storage import models

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 10
PRAGMAS = (
    ("journal_mode", "wal"),
    ("synchronous", "full"),
    ("foreign_keys", 1),
    ("cache_size", -16000),  # 16 MB page cache per connection
)


class StorageError(Exception):
    """A problem with the database file itself (cannot open, migrate, back up)."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        from tui_register.i18n import _

        return _(self.key, lang=lang, **self.params)


def _sql(name: str) -> str:
    return resources.files("tui_register.storage").joinpath(f"sql/{name}").read_text("utf-8")


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Each statement of `script` in turn (executescript() would COMMIT first and leave our
    transaction); statements are found with SQLite's own `complete_statement`."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            conn.execute(buffer)
            buffer = ""
    if buffer.strip() and not all(line.strip().startswith("--") or not line.strip() for line in buffer.splitlines()):
        raise StorageError("db.schema_files", versions=["incomplete statement"])


def _backfill_search(conn: sqlite3.Connection) -> None:
    from tui_register.storage import search  # the backfill uses the search module's rules

    search.rebuild_all(conn)


# Python steps that run after a version's SQL file, in the same transaction.
_AFTER_SQL: dict[int, Callable[[sqlite3.Connection], None]] = {2: _backfill_search}


def _sql_step(version: int) -> Callable[[sqlite3.Connection], None]:
    def step(conn: sqlite3.Connection) -> None:
        _run_script(conn, _sql(f"v{version}.sql"))
        if version in _AFTER_SQL:
            _AFTER_SQL[version](conn)

    return step


def _discover() -> dict[int, Callable[[sqlite3.Connection], None]]:
    """Schema version -> step bringing the schema from version-1 to it: one `sql/vN.sql` each."""
    names = [p.name for p in resources.files("tui_register.storage").joinpath("sql").iterdir()]
    versions = sorted(int(n[1:-4]) for n in names if n.startswith("v") and n.endswith(".sql"))
    if versions != list(range(1, len(versions) + 1)):
        raise StorageError("db.schema_files", versions=versions)
    return {v: _sql_step(v) for v in versions}


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = _discover()
SCHEMA_VERSION = max(MIGRATIONS)


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only (0600) before SQLite opens it.

    SQLite gives the -wal and -shm files the same permissions as the database file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def make_database(path: Path | str) -> SqliteDatabase:
    """A Peewee database with our pragmas; connections are per thread."""
    return SqliteDatabase(
        str(path),
        pragmas=PRAGMAS,
        timeout=BUSY_TIMEOUT_S,
        check_same_thread=False,
    )


def user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def open_database(path: Path | str, *, create: bool = True, backup_dir: Path | None = None) -> SqliteDatabase:
    """Open (creating and migrating as needed) the register database and bind the models to it."""
    path = Path(path)
    is_new = not path.exists()
    if is_new:
        if not create:
            raise StorageError("db.missing", path=str(path))
        _create_private(path)
    db = make_database(path)
    try:
        db.connect(reuse_if_open=True)
    except Exception as exc:  # noqa: BLE001 - reported to the user as a storage problem
        raise StorageError("db.cannot_open", path=str(path), detail=str(exc)) from exc
    models.database.initialize(db)
    migrate(db, path, backup_dir=backup_dir)
    from tui_register.storage.bulk import restore_indexes

    if restore_indexes():  # a bulk load was killed before it rebuilt them
        log.warning("rebuilt indexes left out by an unfinished bulk load in %s", path)
    return db


def migrate(db: SqliteDatabase, path: Path, *, backup_dir: Path | None = None,
            migrations: dict[int, Callable[[sqlite3.Connection], None]] | None = None) -> int:
    """Bring the schema up to date; returns the number of migrations applied.

    An existing database is backed up first; each step runs in one transaction with its
    `user_version` bump, so a failed step leaves the database as it was before that step.
    """
    steps = migrations or MIGRATIONS
    target = max(steps)
    conn = db.connection()
    current = user_version(conn)
    if current > target:
        raise StorageError("db.too_new", path=str(path), version=current, supported=target)
    if current == target:
        return 0
    has_data = current > 0
    if has_data:
        # Microseconds and the process id: two programs upgrading at once do not collide.
        stamp = f"{datetime.now():%Y%m%d-%H%M%S-%f}-{os.getpid()}"
        dest = (backup_dir or path.parent) / f"{path.stem}.v{current}-{stamp}.bak.db"
        backup_to(db, dest)
        log.info("backed up %s to %s before migrating from v%d", path, dest, current)
    for version in range(current + 1, target + 1):
        _apply(conn, version, steps[version])
    if not has_data:
        from tui_register.storage import reference

        reference.load_categories(db)
    return target - current


def _apply(conn: sqlite3.Connection, version: int, step: Callable[[sqlite3.Connection], None]) -> None:
    conn.execute("BEGIN IMMEDIATE")
    if user_version(conn) >= version:
        conn.execute("ROLLBACK")  # another program applied this step while we waited
        return
    try:
        step(conn)
        conn.execute(f"PRAGMA user_version = {int(version)}")
    except Exception as exc:
        conn.execute("ROLLBACK")
        log.exception("migration to schema v%d failed", version)
        raise StorageError("db.migration_failed", version=version, detail=str(exc)) from exc
    conn.execute("COMMIT")


def backup_to(db: SqliteDatabase, dest: Path | str) -> Path:
    """A consistent copy while others write (SQLite backup API), checked afterwards."""
    dest = Path(dest)
    if dest.exists():
        raise StorageError("db.exists", path=str(dest))
    _create_private(dest)
    target = sqlite3.connect(str(dest))
    try:
        db.connection().backup(target)
        result = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
    if result != "ok":
        raise StorageError("db.copy_damaged", path=str(dest), detail=result)
    return dest
