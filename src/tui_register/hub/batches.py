"""Applying an office's batch: one answer per change, in sequence order, in one transaction.

For each change: a sequence number already applied is a duplicate; an unknown entity, a change
that does not match its snapshot or a snapshot that fails the domain rules is rejected; a base
version other than the hub's current version of the record is a conflict (the hub's version and
snapshot go back); anything else is applied. A batch id seen before gets its stored answer, with
`applied` reported as `duplicate` since the hub now has those changes.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any, NamedTuple

from peewee import DatabaseError, chunked, fn

from tui_register.domain.snapshots import SNAPSHOTS, check_snapshot
from tui_register.hub.db import is_postgres, write_transaction
from tui_register.hub.models import HubBatch, HubChange, HubRecord, Office, hub_database
from tui_register.i18n import _
from tui_register.storage.clock import now_iso
from tui_register.sync import protocol
from tui_register.sync.protocol import Batch, Change

CHUNK = 500  # rows per statement: below SQLite's limit on bound variables


class IdempotencyMismatch(Exception):
    """A batch id seen before arrived with different content."""


class TokenRevoked(Exception):
    """The token the batch came with is no longer the office's (revoked or replaced)."""


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def apply_batch(office: str, body_hash: str, batch: Batch, today: date, token: str | None = None) -> dict[str, Any]:
    """The answer to `batch` from `office`; `today` bounds dates that cannot be in the future;
    `token`: the hash of the token it came with, checked again in the transaction (TokenRevoked).

    The rules that need no database (most of the work) are checked before the write transaction,
    so that the database is held for the reads and writes only (SQLite has one writer at a time).
    """
    checked = {change.seq: _checked(change, today) for change in batch.changes}
    if is_postgres():
        return _apply_batch_pg(office, body_hash, batch, checked, token)
    with write_transaction():
        state, stored = read_state(office, batch, token=token)
        if not state.authorized:
            raise TokenRevoked()
        if stored is not None:
            stored_hash, stored_answer = stored
            if stored_hash != body_hash:
                raise IdempotencyMismatch()
            return _replay(json.loads(stored_answer))
        answer = _apply(state, batch, checked)
        state.save(_batch_row(office, body_hash, batch, answer))
    return answer


def _apply_batch_pg(office: str, body_hash: str, batch: Batch, checked: dict[int, _Checked],
                    token: str | None) -> dict[str, Any]:
    """PostgreSQL: the transaction in two round trips, BEGIN sent with the office's lock and the
    reads, COMMIT with the writes (peewee's atomic() adds a round trip for each: with three offices
    pushing at once on two cores, each round trip waits for the server, then for the GIL).
    A dead connection is found by the first statement, before anything was done, and reopened
    once as peewee's BEGIN would be (`db.ReconnectingPostgres`); after that nothing is retried."""
    try:
        state, stored = read_state(office, batch, begin=True, token=token)
        with hub_database.manual_commit():  # no reconnect and retry inside the transaction
            if not state.authorized:
                raise TokenRevoked()
            if stored is not None:
                hub_database.rollback()
                if stored[0] != body_hash:
                    raise IdempotencyMismatch()
                return _replay(json.loads(stored[1]))
            answer = _apply(state, batch, checked)
            state.save(_batch_row(office, body_hash, batch, answer), commit=True)
    except BaseException:
        _rollback_quietly()
        raise
    return answer


def _rollback_quietly() -> None:
    """End a failed transaction; a connection that died meanwhile is closed by the caller (app.py)."""
    try:
        if not hub_database.is_closed():
            hub_database.rollback()
    except DatabaseError:
        pass


def _batch_row(office: str, body_hash: str, batch: Batch, answer: dict[str, Any]) -> tuple:
    return (office, batch.batch_id, body_hash, batch.first_seq, batch.last_seq, len(batch.changes),
            json.dumps(answer, ensure_ascii=False), now_iso())


def _lock(office: str) -> None:
    """Serialise an office's batches where the database has row locks (PostgreSQL); SQLite's
    IMMEDIATE transaction already holds the whole database."""
    if hub_database.obj.for_update:
        Office.select().where(Office.code == office).for_update().get()


def _replay(answer: dict[str, Any]) -> dict[str, Any]:
    for result in answer["results"]:
        if result["result"] == protocol.APPLIED:
            result["result"] = protocol.DUPLICATE
    return {**answer, "replay": True}


class _Current(NamedTuple):
    """The hub's version of a record."""

    entity: str
    version: int
    snapshot: str | None  # JSON when applied in this batch; read from the hub only for a conflict


def _sql(template: str) -> str:
    """A statement written with ? placeholders, in the database's own placeholder style."""
    return template.replace("?", hub_database.param)


def _select(template: str, office: str, keys: list) -> list[tuple]:
    """Rows of `template` (with {marks} for the keys) for the office, CHUNK keys at a time."""
    rows: list[tuple] = []
    for part in chunked(keys, CHUNK):
        sql = _sql(template.format(marks=", ".join("?" for _ in part)))
        rows += hub_database.execute_sql(sql, [office, *part]).fetchall()
    return rows


class _State:
    """The office's records and applied sequence numbers that a batch touches, and what the
    batch changes. Plain SQL and tuples: Peewee's query building and model instances cost more
    than the database work at 100,000 changes a night (the SQL suits SQLite and PostgreSQL)."""

    def __init__(self, office: str, records: list[tuple], applied: set[int], authorized: bool = True) -> None:
        self.office = office
        self.authorized = authorized  # the token asked about is the office's
        # Not the snapshots: only a conflict needs one (`snapshot`), and reading every touched
        # record's JSON (JSONB parsed by the driver on PostgreSQL) cost more than the rest.
        self.records = {uuid: _Current(entity, version, None) for uuid, entity, version in records}
        self.applied = applied
        self.stored = set(self.records)  # records the hub held before this batch
        self.dirty: dict[str, tuple] = {}
        self.new_changes: list[tuple] = []

    def version(self, uuid: str) -> int:
        record = self.records.get(uuid)
        return record.version if record is not None else 0

    def snapshot(self, uuid: str) -> dict[str, Any] | None:
        """The hub's snapshot of a record it holds (for a conflict's answer)."""
        record = self.records.get(uuid)
        if record is None:
            return None
        if record.snapshot is not None:
            return json.loads(record.snapshot)
        rows = hub_database.execute_sql(_sql("SELECT snapshot FROM hub_record WHERE office = ? AND uuid = ?"),
                                        (self.office, uuid)).fetchall()
        value = rows[0][0] if rows else None
        return json.loads(value) if isinstance(value, str) else value  # JSONB arrives parsed

    def apply(self, change: Change, snapshot: str, batch_id: str, at: str) -> None:
        self.records[change.uuid] = _Current(change.entity, change.version, snapshot)
        self.dirty[change.uuid] = (self.office, change.entity, change.uuid, change.version, snapshot, change.seq, at)
        self.applied.add(change.seq)
        self.new_changes.append((self.office, change.seq, batch_id, change.entity, change.uuid, change.version, at))

    def save(self, batch_row: tuple, commit: bool = False) -> None:
        """The batch's records, changes and answer (on PostgreSQL, `commit`: and COMMIT with them)."""
        records = list(self.dirty.values())
        if not is_postgres():
            _insert_rows(_UPSERT_RECORD, records)
            _insert_rows(_INSERT_CHANGE, self.new_changes)
            _insert_rows(_INSERT_BATCH, [batch_row])
            return
        _save_pg([r for r in records if r[2] not in self.stored], [r for r in records if r[2] in self.stored],
                 self.new_changes, batch_row, commit)


def read_state(office: str, batch: Batch, begin: bool = False,
               token: str | None = None) -> tuple[_State, tuple[str, str] | None]:
    """The office's state for `batch` and the batch's stored (body hash, answer) if it was
    answered before, read after taking the office's lock (on PostgreSQL, `begin`: the
    transaction begins with it); `token`: a token hash whose being the office's is read too."""
    uuids, seqs = list({c.uuid for c in batch.changes}), [c.seq for c in batch.changes]
    if is_postgres():
        return _read_state_pg(office, batch.batch_id, uuids, seqs, begin, token)
    _lock(office)
    authorized = token is None or Office.get_or_none((Office.code == office) & (Office.token_hash == token)) is not None
    stored = HubBatch.get_or_none((HubBatch.office == office) & (HubBatch.batch_id == batch.batch_id))
    records = _select("SELECT uuid, entity, version FROM hub_record WHERE office = ? AND uuid IN ({marks})",
                      office, uuids)
    applied = {seq for (seq,) in _select(
        "SELECT seq FROM hub_change WHERE office = ? AND seq IN ({marks})", office, seqs)}
    return _State(office, records, applied, authorized), (stored.body_hash, stored.answer) if stored else None


def _read_state_pg(office: str, batch_id: str, uuids: list[str], seqs: list[int],
                   begin: bool, token: str | None) -> tuple[_State, tuple | None]:
    """PostgreSQL: the office's lock and every read in one round trip (`_PG_LOOKUP`)."""
    lows, highs = seq_ranges(seqs)
    rows = hub_database.execute_sql(("BEGIN; " if begin else "") + _PG_LOOKUP, {
        "office": office, "batch_id": batch_id, "uuids": uuids, "lows": lows, "highs": highs,
        "token": token}).fetchall()
    stored = next(((a, b) for kind, a, b, _n in rows if kind == "batch"), None)
    records = [(a, b, n) for kind, a, b, n in rows if kind == "record"]
    wanted = set(seqs)
    applied = {n for kind, _a, _b, n in rows if kind == "seq" and n in wanted}  # a range holds others too
    authorized = any(kind == "token" for kind, _a, _b, _n in rows)
    return _State(office, records, applied, authorized), stored


SEQ_GAP = 64  # sequence numbers this close are read as one range (at most this many others read per gap)


def seq_ranges(seqs: list[int]) -> tuple[list[int], list[int]]:
    """The sequence numbers as ranges (lows, highs): a batch's are consecutive but for the office's
    own records (staff) and changes held behind a quarantine, so normally one range. One index
    range scan costs what one probe does; 200 probes cost a tenth of a batch's database time."""
    lows: list[int] = []
    highs: list[int] = []
    for n in sorted(set(seqs)):
        if highs and n - highs[-1] <= SEQ_GAP:
            highs[-1] = n
        else:
            lows.append(n)
            highs.append(n)
    return lows, highs


def _insert_rows(template: str, rows: list[tuple]) -> None:
    """Multi-row INSERTs, CHUNK rows a statement: one round trip per row (executemany in
    psycopg2) made PostgreSQL four times slower than SQLite."""
    for part in chunked(rows, CHUNK):
        row_marks = "(" + ", ".join("?" for _ in part[0]) + ")"
        sql = _sql(template.format(rows=", ".join(row_marks for _ in part)))
        hub_database.execute_sql(sql, [value for row in part for value in row])


def _save_pg(new: list[tuple], held: list[tuple], changes: list[tuple], batch_row: tuple, commit: bool) -> None:
    """PostgreSQL: the rows as JSON documents that the server takes apart (`jsonb_to_recordset`),
    CHUNK of each at a time, all the statements of a chunk in one round trip and the answer with
    the last. Against COPY (two round trips a table, CSV written in Python): about the same work
    for the server and a third of the hub's. The office's row lock (`_PG_LOOKUP`) keeps anyone
    else from adding the same records meanwhile."""
    parts = [list(chunked(rows, CHUNK)) for rows in (new, held, changes)]
    count = max(1, *(len(p) for p in parts))
    for index in range(count):
        statements: list[str] = []
        params: list[Any] = []
        for (statement, to_json), rows, batch_id in zip(_PG_WRITES, parts, ((), (), (batch_row[1],))):
            if index < len(rows):
                statements.append(statement)
                # office, (the changes' batch id,) time, rows
                params += [rows[index][0][0], *batch_id, rows[index][0][-1], to_json(rows[index])]
        if index == count - 1:
            statements.append(_INSERT_BATCH.format(rows="(%s, %s, %s, %s, %s, %s, %s, %s)"))
            params += batch_row
            if commit:
                statements.append("COMMIT")
        hub_database.execute_sql("; ".join(statements), params)


def _records_json(rows: list[tuple]) -> str:
    """Records (office, entity, uuid, version, snapshot JSON, seq, time) as a JSON array; the
    snapshot goes in as the text it is."""
    return "[" + ",".join(f'{{"e":{json.dumps(entity)},"u":{json.dumps(uuid)},"v":{version},"s":{seq},"j":{snapshot}}}'
                          for _office, entity, uuid, version, snapshot, seq, _at in rows) + "]"


def _changes_json(rows: list[tuple]) -> str:
    """Changes (office, seq, batch id, entity, uuid, version, time) as a JSON array (the batch
    id, the same in every row, is a parameter of its own)."""
    return json.dumps([{"s": seq, "e": entity, "u": uuid, "v": version}
                       for _office, seq, _batch_id, entity, uuid, version, _at in rows])


_RECORDS_FROM_JSON = ("SELECT %s, r.e, r.u, r.v, r.j, r.s, %s "
                      "FROM jsonb_to_recordset(%s::jsonb) AS r(e text, u text, v bigint, s bigint, j jsonb)")
# Held records by INSERT ... ON CONFLICT: the conflict is found through the primary key, always
# (an UPDATE ... FROM joins as the planner sees fit, a scan of the office's records among them).
_PG_WRITES = (
    (f"INSERT INTO hub_record (office, entity, uuid, version, snapshot, seq, updated_at) {_RECORDS_FROM_JSON}",
     _records_json),
    (f"INSERT INTO hub_record (office, entity, uuid, version, snapshot, seq, updated_at) {_RECORDS_FROM_JSON} "
     "ON CONFLICT (office, uuid) DO UPDATE SET entity = excluded.entity, version = excluded.version, "
     "snapshot = excluded.snapshot, seq = excluded.seq, updated_at = excluded.updated_at", _records_json),
    ("INSERT INTO hub_change (office, seq, batch_id, entity, uuid, version, applied_at) "
     "SELECT %s, c.s, %s, c.e, c.u, c.v, %s "
     "FROM json_to_recordset(%s::json) AS c(s bigint, e text, u text, v bigint)",
     _changes_json),
)


# A record's uuid occurs once per statement (`dirty` is keyed by it), as PostgreSQL requires.
_UPSERT_RECORD = (
    "INSERT INTO hub_record (office, entity, uuid, version, snapshot, seq, updated_at) VALUES {rows} "
    "ON CONFLICT (office, uuid) DO UPDATE SET entity = excluded.entity, version = excluded.version, "
    "snapshot = excluded.snapshot, seq = excluded.seq, updated_at = excluded.updated_at")
_INSERT_CHANGE = "INSERT INTO hub_change (office, seq, batch_id, entity, uuid, version, applied_at) VALUES {rows}"
_INSERT_BATCH = ("INSERT INTO hub_batch (office, batch_id, body_hash, first_seq, last_seq, changes, answer, "
                 "received_at) VALUES {rows}")
# PostgreSQL: the office's lock, then (a statement of its own, so a snapshot taken once the lock
# is granted) the stored answer, the records and the sequence numbers applied, as tagged rows.
# One index probe per record and one range scan per range of sequence numbers (`seq_ranges`):
# LATERAL ... LIMIT 1 / OFFSET 0 is not flattened into a join: `uuid = ANY(...)` of 200 keys on
# tables without statistics yet (a new hub, a first night) was planned as a scan of all the
# office's rows, for every batch.
_PG_LOOKUP = (
    "SELECT code FROM hub_office WHERE code = %(office)s FOR UPDATE; "
    "SELECT 'token', NULL, NULL, NULL::bigint FROM hub_office WHERE code = %(office)s "
    "AND (%(token)s::text IS NULL OR token_hash = %(token)s) "
    "UNION ALL SELECT 'batch', body_hash, answer, NULL::bigint FROM hub_batch "
    "WHERE office = %(office)s AND batch_id = %(batch_id)s "
    "UNION ALL SELECT 'record', r.uuid, r.entity, r.version FROM unnest(%(uuids)s::text[]) AS k(uuid), "
    "LATERAL (SELECT uuid, entity, version FROM hub_record WHERE office = %(office)s AND uuid = k.uuid LIMIT 1) AS r "
    "UNION ALL SELECT 'seq', NULL, NULL, c.seq FROM unnest(%(lows)s::bigint[], %(highs)s::bigint[]) AS k(lo, hi), "
    "LATERAL (SELECT seq FROM hub_change WHERE office = %(office)s AND seq BETWEEN k.lo AND k.hi OFFSET 0) AS c")


class _Checked(NamedTuple):
    """A change's checks that need no database, and its snapshot as stored."""

    refusal: dict[str, Any] | None  # reason, message (and errors): rejected whatever the versions
    snapshot: str  # JSON


def _checked(change: Change, today: date) -> _Checked:
    return _Checked(_refusal(change, today), json.dumps(change.snapshot, ensure_ascii=False, sort_keys=True))


def _apply(state: _State, batch: Batch, checked: dict[int, _Checked]) -> dict[str, Any]:
    at = now_iso()
    results = [_one(state, change, checked[change.seq], batch.batch_id, at) for change in batch.changes]
    return {"protocol": protocol.PROTOCOL_VERSION, "office": state.office, "batch_id": batch.batch_id,
            "replay": False, "results": results}


def _one(state: _State, change: Change, checked: _Checked, batch_id: str, at: str) -> dict[str, Any]:
    version = state.version(change.uuid)
    if change.seq in state.applied:
        return {"seq": change.seq, "result": protocol.DUPLICATE, "version": version}
    refusal = checked.refusal
    current = state.records.get(change.uuid)
    if (current is not None and current.entity != change.entity
            and (refusal is None or refusal["reason"] != protocol.UNKNOWN_ENTITY)):
        refusal = {"reason": protocol.BAD_CHANGE, "message": _("hub.rejected.bad_change")}  # another kind's uuid
    # A refusal names its record: the county's count of quarantined records (hub.figures) needs it.
    if refusal is not None:
        return {"seq": change.seq, "result": protocol.REJECTED, "version": version, "uuid": change.uuid, **refusal}
    if change.base_version != version:
        return {"seq": change.seq, "result": protocol.CONFLICT, "version": version, "uuid": change.uuid,
                "reason": protocol.VERSION_CONFLICT, "message": _("hub.conflict", version=version),
                "snapshot": state.snapshot(change.uuid) if version else None}
    state.apply(change, checked.snapshot, batch_id, at)
    return {"seq": change.seq, "result": protocol.APPLIED, "version": change.version}


def _refusal(change: Change, today: date) -> dict[str, Any] | None:
    """reason, message (and errors) when the change cannot be taken whatever the versions and
    whatever the hub holds (a uuid of another kind of record is checked in `_one`)."""
    if change.entity not in SNAPSHOTS:
        return {"reason": protocol.UNKNOWN_ENTITY, "message": _("hub.rejected.unknown_entity", entity=change.entity)}
    if change.snapshot.get("uuid") != change.uuid or change.snapshot.get("version") != change.version:
        return {"reason": protocol.BAD_CHANGE, "message": _("hub.rejected.bad_change")}
    problems = check_snapshot(change.entity, change.snapshot, today=today)
    if problems:
        return {"reason": protocol.INVALID_SNAPSHOT,
                "message": _("hub.rejected.invalid_snapshot", problems="; ".join(p.message() for p in problems)),
                "errors": [{"field": p.field, "code": p.code, "params": p.params} for p in problems]}
    return None


def office_stats(office: str) -> dict[str, Any]:
    """Record counts per entity, the highest sequence number applied, batches answered."""
    counts = (HubRecord.select(HubRecord.entity, fn.COUNT(HubRecord.uuid).alias("n"))
              .where(HubRecord.office == office).group_by(HubRecord.entity))
    max_seq = HubChange.select(fn.MAX(HubChange.seq)).where(HubChange.office == office).scalar()
    batches = HubBatch.select().where(HubBatch.office == office).count()
    return {"office": office, "records": {row.entity: row.n for row in counts},
            "max_seq": max_seq or 0, "batches": batches}

