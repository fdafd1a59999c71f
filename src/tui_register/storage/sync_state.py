"""The sync client's state in the office database (schema v3): cursor, batches, quarantine, runs.

Models and short queries only. What goes into a batch and what an answer does are decided in
`tui_register.sync.outbox` and `tui_register.sync.answers`, which call these functions inside
their own transactions. Tables are described in `storage/sql/v3.sql`.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import AutoField, BlobField, CharField, IntegerField, TextField

from tui_register.storage.models import ENTITIES, BaseModel, database

# Staff rows (OS logins and roles) are this office's own business: never sent to the centre.
SYNCED_ENTITIES: tuple[str, ...] = tuple(name for name in ENTITIES if name != "staff")
_ENTITY_MARKS = ", ".join("?" for _ in SYNCED_ENTITIES)

# Held states that still have to reach the centre.
HELD_PENDING = ("waiting", "released")


class SyncCursor(BaseModel):
    id = IntegerField(primary_key=True)
    acked_seq = IntegerField()

    class Meta:
        table_name = "sync_cursor"


class SyncBatch(BaseModel):
    id = CharField(primary_key=True, max_length=36)
    first_seq = IntegerField()
    last_seq = IntegerField()
    covers_to = IntegerField()  # the cursor once every change in the batch has an answer
    changes = IntegerField()
    body = BlobField()  # gzip JSON, exactly as sent
    state = CharField()  # pending / answered / superseded / refused (401/403: recorded again)
    parent = CharField(null=True, max_length=36)
    created_at = CharField()
    answered_at = CharField(null=True)

    class Meta:
        table_name = "sync_batch"


class SyncQuarantine(BaseModel):
    seq = IntegerField(primary_key=True)
    batch_id = CharField(max_length=36)
    entity = CharField()
    uuid = CharField(max_length=36)
    version = IntegerField()
    kind = CharField()  # conflict / rejected
    reason = CharField()  # reason code from the centre (or too_large from the client)
    errors = TextField()  # JSON list of {field, code, params}
    message = TextField()  # the centre's own wording, shown when the reason is unknown
    hub_version = IntegerField()  # the centre's version of the record when it answered
    hub_snapshot = TextField(null=True)  # JSON, for conflicts
    at = CharField()
    mark = IntegerField()  # highest change-log seq when quarantined: later ones are edits
    state = CharField()  # open / dismissed / edited
    resolved_at = CharField(null=True)
    resolved_by = CharField(null=True)
    rebased_seq = IntegerField(null=True)  # the change sent on the centre's version afterwards

    class Meta:
        table_name = "sync_quarantine"


class SyncHeld(BaseModel):
    seq = IntegerField(primary_key=True)
    entity = CharField()
    uuid = CharField(max_length=36)
    state = CharField()  # waiting / released / superseded / answered
    quarantine_seq = IntegerField()

    class Meta:
        table_name = "sync_held"


class SyncRun(BaseModel):
    id = AutoField()
    started_at = CharField()
    finished_at = CharField(null=True)
    user = CharField()
    exit_code = IntegerField(null=True)
    sent = IntegerField(default=0)
    applied = IntegerField(default=0)
    duplicates = IntegerField(default=0)
    conflicts = IntegerField(default=0)
    rejected = IntegerField(default=0)
    pending = IntegerField(default=0)
    batches = IntegerField(default=0)
    bytes_sent = IntegerField(default=0)
    problem = CharField(default="")  # message key, "" when the run went through
    problem_params = TextField(default="{}")

    class Meta:
        table_name = "sync_run"


SYNC_MODELS = (SyncCursor, SyncBatch, SyncQuarantine, SyncHeld, SyncRun)


@dataclass(frozen=True)
class LogChange:
    """A change-log row as the outbox reads it; `snapshot` is the stored JSON text."""

    seq: int
    entity: str
    uuid: str
    op: str
    version: int
    base_version: int
    snapshot: str
    at: str
    user: str


_LOG_COLUMNS = "c.seq, c.entity, c.uuid, c.op, c.version, c.base_version, c.snapshot, c.at, c.user"
# Changes past the cursor that no held row accounts for.
_FRESH = (f"c.seq > ? AND c.entity IN ({_ENTITY_MARKS}) "
          "AND NOT EXISTS (SELECT 1 FROM sync_held h WHERE h.seq = c.seq)")


def _rows(sql: str, params: tuple | list = ()) -> list[tuple]:
    return database.execute_sql(sql, params).fetchall()


# ---------------------------------------------------------------- cursor and change log

def acked_seq() -> int:
    return SyncCursor.get_by_id(1).acked_seq


def set_acked_seq(seq: int) -> None:
    SyncCursor.update(acked_seq=seq).where(SyncCursor.id == 1).execute()


def max_log_seq() -> int:
    return _rows("SELECT coalesce(max(seq), 0) FROM change_log")[0][0]


def newest_seq(uuid: str) -> int:
    return _rows("SELECT coalesce(max(seq), 0) FROM change_log WHERE uuid = ?", (uuid,))[0][0]


def unsent_between(uuid: str, after: int, before: int) -> list[tuple[int, str]]:
    """(seq, entity) of the record's changes in (after, before) that no held row accounts for."""
    return _rows("SELECT c.seq, c.entity FROM change_log c WHERE c.uuid = ? AND c.seq > ? AND c.seq < ? "
                 "AND NOT EXISTS (SELECT 1 FROM sync_held h WHERE h.seq = c.seq)", (uuid, after, before))


def candidates(limit: int) -> list[LogChange]:
    """The next changes to send in sequence order: released held changes and fresh ones.

    Two ordered queries merged here: as one UNION with ORDER BY, SQLite would sort every
    pending change to return the first few hundred.
    """
    released = _rows(f"SELECT {_LOG_COLUMNS} FROM sync_held h JOIN change_log c ON c.seq = h.seq "
                     f"WHERE h.state = 'released' ORDER BY h.seq LIMIT ?", (limit,))
    fresh = _rows(f"SELECT {_LOG_COLUMNS} FROM change_log c WHERE {_FRESH} ORDER BY c.seq LIMIT ?",
                  (acked_seq(), *SYNCED_ENTITIES, limit))
    return [LogChange(*row) for row in sorted(released + fresh)[:limit]]


def pending_by_entity() -> dict[str, int]:
    """Changes not yet accepted by the centre, per entity (held ones included)."""
    fresh = _rows(f"SELECT c.entity, count(*) FROM change_log c WHERE {_FRESH} GROUP BY c.entity",
                  (acked_seq(), *SYNCED_ENTITIES))
    held = _rows("SELECT entity, count(*) FROM sync_held WHERE state IN (?, ?) GROUP BY entity",
                 HELD_PENDING)
    counts: dict[str, int] = {}
    for entity, n in (*fresh, *held):
        counts[entity] = counts.get(entity, 0) + n
    return {entity: counts[entity] for entity in SYNCED_ENTITIES if entity in counts}


def pending_count() -> int:
    return sum(pending_by_entity().values())


# ---------------------------------------------------------------- batches

def pending_batches() -> list[SyncBatch]:
    """Recorded batches still without an answer, in sequence order (resent before anything new)."""
    return list(SyncBatch.select().where(SyncBatch.state == "pending").order_by(SyncBatch.first_seq))


def pending_batch_ids() -> list[str]:
    return [b.id for b in SyncBatch.select(SyncBatch.id).where(SyncBatch.state == "pending")
            .order_by(SyncBatch.first_seq)]


# ---------------------------------------------------------------- quarantine and held changes

def open_entries() -> dict[str, SyncQuarantine]:
    """Open quarantine entries by record UUID (at most one per record: later changes are held).

    All of them, not those of a batch's records: the quarantine is short and a query with a
    batch's worth of UUIDs would cost more than it saves.
    """
    return {entry.uuid: entry for entry in SyncQuarantine.select().where(SyncQuarantine.state == "open")}


def rebase_entries() -> dict[str, SyncQuarantine]:
    """Resolved entries whose record has not been sent since, by record UUID: its next change
    goes on the centre's version (`hub_version`), not on the local base version."""
    query = (SyncQuarantine.select()
             .where(SyncQuarantine.state.in_(("dismissed", "edited")) & SyncQuarantine.rebased_seq.is_null())
             .order_by(SyncQuarantine.seq))
    return {entry.uuid: entry for entry in query}  # the latest entry per record wins


def quarantined(state: str = "open") -> list[SyncQuarantine]:
    return list(SyncQuarantine.select().where(SyncQuarantine.state == state).order_by(SyncQuarantine.seq))


def waiting_behind(seqs: list[int]) -> dict[int, int]:
    """Quarantine seq -> number of changes waiting behind it."""
    if not seqs:
        return {}
    rows = (SyncHeld.select(SyncHeld.quarantine_seq, SyncHeld.seq)
            .where(SyncHeld.quarantine_seq.in_(seqs) & (SyncHeld.state == "waiting")))
    counts: dict[int, int] = {}
    for row in rows:
        counts[row.quarantine_seq] = counts.get(row.quarantine_seq, 0) + 1
    return counts


def hold(seq: int, entity: str, uuid: str, quarantine_seq: int, state: str = "waiting") -> None:
    """Account for a change of a quarantined record: waiting behind it, or superseded."""
    (SyncHeld.insert(seq=seq, entity=entity, uuid=uuid, state=state, quarantine_seq=quarantine_seq)
     .on_conflict(conflict_target=[SyncHeld.seq],
                  update={SyncHeld.state: state, SyncHeld.quarantine_seq: quarantine_seq})
     .execute())


def set_held_state(seqs: list[int], state: str) -> None:
    if seqs:
        SyncHeld.update(state=state).where(SyncHeld.seq.in_(seqs)).execute()


def held_seqs(uuid: str, state: str) -> list[int]:
    return [h.seq for h in SyncHeld.select(SyncHeld.seq).where((SyncHeld.uuid == uuid) & (SyncHeld.state == state))]


def released_seqs() -> set[int]:
    return {h.seq for h in SyncHeld.select(SyncHeld.seq).where(SyncHeld.state == "released")}


# ---------------------------------------------------------------- runs

def recent_runs(limit: int) -> list[SyncRun]:
    return list(SyncRun.select().order_by(SyncRun.id.desc()).limit(limit))
