"""The one way records are written: a transaction that also appends to the change log.

Every public write function in the storage layer does its work inside `writing(user)`:
`BEGIN IMMEDIATE`, a check that the user may write, the record change with its version bump,
and one change-log row carrying a snapshot of the record. The change log is the audit trail
(who changed what, when, from what to what) and the sync outbox.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid as uuidlib
from contextlib import contextmanager
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from peewee import CharField, DateField, ForeignKeyField, IntegerField, OperationalError, TextField

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


def ordered_uuids() -> Iterator[str]:
    """UUIDs for many records made at once, in ascending order (RFC 9562 version 7: the time
    in milliseconds, a counter, random bits). Random ones put each record's key on its own
    page of the uuid indexes, the change log's above all (two million rows): a round of every
    低保 household rewrote most of that index. Ordered, a batch's keys fill a few pages side
    by side. The creation time they show is the record's `created_at` anyway."""
    ms, counter = time.time_ns() // 1_000_000, secrets.randbits(11)
    while True:
        n = ms << 80 | (0x7000 | counter) << 64 | 0b10 << 62 | secrets.randbits(62)
        text = f"{n:032x}"
        yield f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
        counter += 1
        if counter > 0xFFF:  # 4,096 within a millisecond: on to the next one, never back
            ms, counter = max(ms + 1, time.time_ns() // 1_000_000), secrets.randbits(11)


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

    # Many records at once (a payment round of every 低保 household): the same rows, versions
    # and change-log entries as `create` / `update` one by one, in multi-row statements, a
    # batch at a time so that memory stays flat however many records there are. Rows are
    # plain dicts of field values here (a model instance per row cost more than the SQL).

    def create_many(self, model: type[Record], rows: Iterable[dict[str, Any]]) -> int:
        """New records of `model` from field values (references as ids), in the given order;
        returns how many. Ids are assigned here: the transaction holds the write lock, so the
        ids after max(id) are ours; UUIDs (unless given) come in order (`ordered_uuids`)."""
        plan = _plan(model)
        next_id = (database.execute_sql(f'SELECT max("id") FROM "{plan.table}"').fetchone()[0] or 0) + 1
        stamp = dict(version=1, created_at=self.at, created_by=self.user, updated_at=self.at, updated_by=self.user)
        uuids = ordered_uuids()
        n = 0
        for batch in _batches(rows, BATCH):
            records = []
            for values in batch:
                data = {**plan.defaults, **values, **stamp}
                for name in plan.references:
                    if isinstance(data[name], Record):
                        data[name] = data[name].id
                data["id"] = next_id + n
                data["uuid"] = values.get("uuid") or next(uuids)
                records.append(data)
                n += 1
            _insert_rows(plan.table, plan.columns, list(map(plan.row, records)))
            self._log_many(plan, records, "create", [0] * len(records))
        return n

    def rows(self, model: type[Record], column: str, keys: Sequence[Any]) -> list[dict[str, Any]]:
        """The records of `model` whose `column` (id, uuid) is one of `keys`, as dicts of field
        values as stored (dates as ISO text), in the order of `keys`: for `update_many`."""
        plan = _plan(model)
        found: dict[Any, dict[str, Any]] = {}
        select = ", ".join(f'"{c}"' for c in plan.columns)
        for i in range(0, len(keys), ID_CHUNK):
            chunk = list(keys[i:i + ID_CHUNK])
            for row in database.execute_sql(f'SELECT {select} FROM "{plan.table}" WHERE "{column}" IN '
                                            f'({", ".join("?" * len(chunk))})', chunk):
                data = dict(zip(plan.names, row))
                for name, convert in plan.converted:
                    data[name] = convert(data[name])
                found[data[column]] = data
        return [found[key] for key in keys if key in found]

    def update_many(self, model: type[Record], changes: Sequence[tuple[dict[str, Any], dict[str, Any]]],
                    op: str = "update") -> None:
        """Change records read in this transaction by `rows` (no version check, as `update`
        with base_version None): each gets its values, a version bump and a change-log row.
        Records that end with the same values are written by one UPDATE … WHERE id IN (…)."""
        if not changes:
            return
        plan = _plan(model)
        before = [data["version"] for data, _values in changes]
        groups: dict[tuple[tuple[str, ...], tuple], list[int]] = {}
        for data, values in changes:
            data.update(values, version=data["version"] + 1, updated_at=self.at, updated_by=self.user)
            names = (*values, "version", "updated_at", "updated_by")
            written = tuple(model._meta.fields[n].db_value(data[n]) for n in names)
            groups.setdefault((names, written), []).append(data["id"])
        for (names, written), ids in groups.items():
            sets = ", ".join(f'"{model._meta.fields[n].column_name}" = ?' for n in names)
            for i in range(0, len(ids), ID_CHUNK):
                chunk = ids[i:i + ID_CHUNK]
                database.execute_sql(f'UPDATE "{plan.table}" SET {sets} WHERE "id" IN ({", ".join("?" * len(chunk))})',
                                     [*written, *chunk])
        self._log_many(plan, [data for data, _values in changes], op, before)

    def _log_many(self, plan: _Plan, records: Sequence[dict[str, Any]], op: str, base_versions: Sequence[int]) -> None:
        refs = _references(plan, records)
        _insert_rows("change_log", ["entity", "uuid", "op", "version", "base_version", "snapshot", "at", "user"],
                     [(plan.entity, data["uuid"], op, data["version"], base,
                       plan.snapshot_text(data, refs), self.at, self.user)
                      for data, base in zip(records, base_versions)])


class _Plan:
    """What writing many records of a model needs of its fields, worked out once per model."""

    def __init__(self, model: type[Record]) -> None:
        fields = model._meta.sorted_fields
        self.table = model._meta.table_name
        self.entity = ENTITY_OF[model]
        self.names = [f.name for f in fields]
        self.columns = [f.column_name for f in fields]
        self.row = itemgetter(*self.names)  # a record's values in column order, as one tuple
        self.defaults = {f.name: f.default() if callable(f.default) else f.default for f in fields}
        # Foreign keys to records with a UUID (snapshots name those by UUID) -> their model.
        self.references = {f.name: f.rel_model for f in fields
                           if isinstance(f, ForeignKeyField) and hasattr(f.rel_model, "uuid")}
        self.in_snapshot = sorted(f.name for f in fields if f.name != "id" and f.name not in model.SNAPSHOT_EXCLUDE)
        self.dates = [f.name for f in fields if isinstance(f, DateField) and f.name in self.in_snapshot]
        # Fields read back (`Writer.rows`) as the model would give them: text, numbers, ids
        # and ISO dates (which snapshots hold as text) are as stored; the others are converted.
        self.converted = [(f.name, f.python_value) for f in fields if not isinstance(f, _AS_STORED)]

    def snapshot(self, data: dict[str, Any], refs: dict[tuple[type, int], str]) -> dict[str, Any]:
        """`snapshot(record, refs)` of the record whose field values are `data`, keys sorted."""
        out = dict(zip(self.in_snapshot, map(data.get, self.in_snapshot)))
        for name, model in self.references.items():
            if out[name] is not None:
                out[name] = refs[(model, out[name])]
        for name in self.dates:
            if isinstance(out[name], date):
                out[name] = out[name].isoformat()
        return out

    def snapshot_text(self, data: dict[str, Any], refs: dict[tuple[type, int], str]) -> str:
        """The snapshot as the change log holds it: `json.dumps(..., ensure_ascii=False,
        sort_keys=True)` (the keys are already in order)."""
        return _ENCODER.encode(self.snapshot(data, refs))


_ENCODER = json.JSONEncoder(ensure_ascii=False)
_AS_STORED = (CharField, TextField, IntegerField, ForeignKeyField, DateField)
_PLANS: dict[type[Record], _Plan] = {}


def _plan(model: type[Record]) -> _Plan:
    if model not in _PLANS:
        _PLANS[model] = _Plan(model)
    return _PLANS[model]


BATCH = 1000  # records written per round of multi-row statements
ID_CHUNK = 500  # ids per IN (...) list
MAX_PARAMETERS = 30_000  # below SQLite's default limit of 32,766 bound values per statement


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert_rows(table: str, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Multi-row INSERTs of `rows` (values in `columns` order), as many rows a statement as
    SQLite's limit on bound values allows."""
    names = ", ".join(f'"{c}"' for c in columns)
    one = "(" + ", ".join("?" for _ in columns) + ")"
    per = max(1, MAX_PARAMETERS // len(columns))
    for i in range(0, len(rows), per):
        chunk = rows[i:i + per]
        database.execute_sql(f'INSERT INTO "{table}" ({names}) VALUES ' + ", ".join([one] * len(chunk)),
                             [v for row in chunk for v in row])


def _references(plan: _Plan, records: Sequence[dict[str, Any]]) -> dict[tuple[type, int], str]:
    """(model, id) -> UUID of every record these records refer to, in a few queries."""
    refs: dict[tuple[type, int], str] = {}
    for name, model in plan.references.items():
        ids = sorted({data[name] for data in records if data.get(name) is not None})
        table = model._meta.table_name
        for i in range(0, len(ids), ID_CHUNK):
            chunk = ids[i:i + ID_CHUNK]
            for rid, uuid in database.execute_sql(
                    f'SELECT "id", "uuid" FROM "{table}" WHERE "id" IN ({", ".join("?" * len(chunk))})', chunk):
                refs[(model, rid)] = uuid
    return refs


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
