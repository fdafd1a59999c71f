"""The one way records are written: a transaction that also appends to the change log.

Every public write function in the storage layer does its work inside `writing(user)`:
`BEGIN IMMEDIATE`, a check that the user may write, the record change with its version bump,
and one change-log row carrying a snapshot of the record. The change log is the audit trail
(who changed what, when, from what to what) and the sync outbox.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Iterator

from peewee import ForeignKeyField, OperationalError

from tui_register.i18n import _
from tui_register.storage.clock import local_time, now_iso
from tui_register.storage.filelock import file_lock
from tui_register.storage.models import ENTITY_OF, ChangeLog, Record, Staff, database


class StorageProblem(Exception):
    """A refused write, with a message in the user's language."""

    key = "storage.error"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        return _(self.key, lang=lang, **self.params)


class NotFound(StorageProblem):
    key = "storage.not_found"


class ConflictError(StorageProblem):
    """Someone else saved the record after the version this change was based on."""

    key = "storage.conflict"

    @property
    def current_version(self) -> int:
        return self.params["version"]


class PermissionDenied(StorageProblem):
    key = "storage.not_staff"


class NotSupervisor(PermissionDenied):
    key = "storage.not_supervisor"


class StaffDisabled(PermissionDenied):
    key = "storage.staff_disabled"


class DatabaseBusy(StorageProblem):
    """Another writer kept the database for longer than the busy timeout."""

    key = "storage.busy"


class RuleViolation(StorageProblem):
    """A rule that needs the database to check (duplicates, states), named by `key`."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        super().__init__(**params)


def new_uuid() -> str:
    return str(uuidlib.uuid4())


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def snapshot(record: Record, refs: dict[tuple[type, int], str] | None = None) -> dict[str, Any]:
    """The record as sent and audited: its own fields, references as UUIDs, no derived columns.

    `refs` maps (model, id) to a UUID already looked up, to spare a query per reference.
    """
    data: dict[str, Any] = {}
    for field in record._meta.sorted_fields:
        if field.name == "id" or field.name in record.SNAPSHOT_EXCLUDE:
            continue
        if isinstance(field, ForeignKeyField):
            raw = record.__data__.get(field.name)
            if raw is None or not hasattr(field.rel_model, "uuid"):
                data[field.name] = raw  # empty, or reference data (a category code)
            elif refs is not None and (field.rel_model, raw) in refs:
                data[field.name] = refs[(field.rel_model, raw)]
            else:
                data[field.name] = getattr(record, field.name).uuid
        else:
            data[field.name] = _plain(getattr(record, field.name))
    return data


class Writer:
    """Handed out by `writing()`: creates and updates records inside the open transaction."""

    def __init__(self, user: str) -> None:
        self.user = user
        self.at = now_iso()

    def create(self, model: type[Record], **values: Any) -> Record:
        record = model(uuid=values.pop("uuid", None) or new_uuid(), version=1,
                       created_at=self.at, created_by=self.user,
                       updated_at=self.at, updated_by=self.user, **values)
        record.save(force_insert=True)
        self._log(record, "create", 0)
        return record

    def load(self, model: type[Record], uuid: str) -> Record:
        record = model.get_or_none(model.uuid == uuid)
        if record is None:
            raise NotFound(entity=ENTITY_OF[model], uuid=uuid)
        return record

    def update(self, model: type[Record], uuid: str, base_version: int | None,
               op: str = "update", **values: Any) -> Record:
        """Change a record that the user last saw at `base_version` (None: no check, for
        derived or system changes made inside a larger user change)."""
        record = self.load(model, uuid)
        if base_version is not None and record.version != base_version:
            raise ConflictError(entity=ENTITY_OF[model], uuid=uuid, version=record.version,
                                who=record.updated_by, when=local_time(record.updated_at))
        before = record.version
        for name, value in values.items():
            setattr(record, name, value)
        record.version = before + 1
        record.updated_at = self.at
        record.updated_by = self.user
        record.save()
        self._log(record, op, before)
        return record

    def _log(self, record: Record, op: str, base_version: int) -> None:
        ChangeLog.insert(
            entity=ENTITY_OF[type(record)], uuid=record.uuid, op=op, version=record.version,
            base_version=base_version,
            snapshot=json.dumps(snapshot(record), ensure_ascii=False, sort_keys=True),
            at=self.at, user=self.user,
        ).execute()


def staff_role(user: str) -> str | None:
    """'clerk' or 'supervisor' for an active staff login, else None."""
    row = Staff.get_or_none(Staff.login == user)
    return row.role if row is not None and row.status == "active" else None


def require_writer(user: str, *, supervisor: bool = False) -> None:
    row = Staff.get_or_none(Staff.login == user)
    if row is None:
        raise PermissionDenied(user=user)
    if row.status != "active":
        raise StaffDisabled(user=user)
    if supervisor and row.role != "supervisor":
        raise NotSupervisor(user=user)


@contextmanager
def writer_queue() -> Iterator[None]:
    """Writers of this program take turns through a lock file beside the database.

    SQLite's busy handler polls for the lock (up to every 100 ms), so a process that commits
    back to back nearly always wins it again and another's save can wait seconds, then fail.
    A blocking flock hands the turn over as soon as the lock is released. Writes last
    milliseconds; the wait is given up after the database's busy timeout, as SQLite's is.
    """
    path = database.database
    if not path or path == ":memory:" or database.in_transaction():
        yield  # nested in a larger write that already has the turn
        return
    with file_lock(Path(f"{path}.lock"), Path(path), wait=database.timeout, busy=DatabaseBusy):
        yield


@contextmanager
def writing(user: str, *, supervisor: bool = False, check: bool = True) -> Iterator[Writer]:
    """One write transaction (BEGIN IMMEDIATE) for one user action."""
    with writer_queue(), _busy_is_a_problem(), database.atomic("IMMEDIATE"):
        if check:
            require_writer(user, supervisor=supervisor)
        yield Writer(user)


@contextmanager
def _busy_is_a_problem() -> Iterator[None]:
    """SQLite's "database is locked" (the busy timeout ran out) as the message users get."""
    try:
        yield
    except OperationalError as err:
        if "database is locked" not in str(err):
            raise
        raise DatabaseBusy() from err
