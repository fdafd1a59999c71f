"""What goes to the centre next: batches recorded before they are sent, and releasing records
from the quarantine.

A batch is written to `sync_batch` (id, sequence range, exact gzip body) in the same
transaction that chooses its changes, before any byte is sent; every retry resends those bytes.
Changes of a record with an open quarantine entry are held (`sync_held`) instead of sent.
"""

from __future__ import annotations

import logging
import uuid as uuidlib

from tui_register.storage import sync_state
from tui_register.storage.clock import now_iso
from tui_register.storage.models import database
from tui_register.storage.sync_state import LogChange, SyncBatch, SyncQuarantine
from tui_register.sync import protocol

log = logging.getLogger(__name__)


def next_batch(office: str, limit: int) -> SyncBatch | None:
    """The oldest unanswered batch, else a new one recorded now; None when nothing is left."""
    with database.atomic("IMMEDIATE"):
        pending = sync_state.pending_batches()
        if pending:
            return pending[0]
        release_edited()
        while True:
            rows = sync_state.candidates(limit)
            if not rows:
                return None
            batch = _record(office, rows)
            if batch is not None:
                return batch


def _record(office: str, rows: list[LogChange]) -> SyncBatch | None:
    """Record a batch of `rows`, holding those whose record is quarantined.

    Returns None when every row was held: the cursor then passes them at once.
    """
    cursor = sync_state.acked_seq()
    covers_to = max((r.seq for r in rows if r.seq > cursor), default=cursor)
    blocked = sync_state.open_entries()
    for row in rows:
        if row.uuid in blocked:
            sync_state.hold(row.seq, row.entity, row.uuid, blocked[row.uuid].seq)
    sending = [r for r in rows if r.uuid not in blocked]
    if not sending:
        sync_state.set_acked_seq(covers_to)
        return None
    batch_id = str(uuidlib.uuid4())
    body = protocol.encode_batch(office, batch_id, sending[0].seq, sending[-1].seq, _wire(sending))
    batch = SyncBatch.create(id=batch_id, first_seq=sending[0].seq, last_seq=sending[-1].seq,
                             covers_to=covers_to, changes=len(sending), body=body, state="pending",
                             created_at=now_iso())
    log.info("recorded batch %s: %d changes, seq %d-%d, %d bytes", batch_id, len(sending),
             sending[0].seq, sending[-1].seq, len(body))
    return batch


def _wire(rows: list[LogChange]) -> list[str]:
    """The rows' JSON; a record's first change after a resolved quarantine goes on the
    centre's version of the record rather than on the local base version."""
    rebase = sync_state.rebase_entries()
    parts = []
    for row in rows:
        entry = rebase.pop(row.uuid, None)
        parts.append(protocol.change_json(row, entry.hub_version if entry else row.base_version))
    return parts


def split(batch: SyncBatch) -> list[SyncBatch] | None:
    """Replace a batch the centre found too large by its two halves, recorded before sending.

    None when the batch holds a single change: there is nothing left to split.
    """
    envelope = protocol.decode_batch(batch.body)
    changes = envelope["changes"]
    if len(changes) < 2:
        return None
    middle = len(changes) // 2
    halves = []
    with database.atomic("IMMEDIATE"):
        for part, covers_to in ((changes[:middle], changes[middle - 1]["seq"]), (changes[middle:], batch.covers_to)):
            batch_id = str(uuidlib.uuid4())
            body = protocol.reencode(envelope, batch_id, part)
            halves.append(SyncBatch.create(
                id=batch_id, first_seq=part[0]["seq"], last_seq=part[-1]["seq"], covers_to=covers_to,
                changes=len(part), body=body, state="pending", parent=batch.id, created_at=now_iso()))
        SyncBatch.update(state="superseded").where(SyncBatch.id == batch.id).execute()
    log.info("batch %s too large: split into %s and %s", batch.id, halves[0].id, halves[1].id)
    return halves


def drop_refused() -> None:
    """The centre refused a batch as a whole (401/403): it was never applied, and its body names
    the office code, which may be what was wrong. Unanswered batches become `refused`; their
    changes are still past the cursor and go into new batches under the settings of the next run."""
    with database.atomic("IMMEDIATE"):
        dropped = SyncBatch.update(state="refused").where(SyncBatch.state == "pending").execute()
    log.info("%d unanswered batches refused by the centre: to be recorded again", dropped)


# ---------------------------------------------------------------- leaving the quarantine

def release_edited() -> None:
    """Open entries whose record was changed after it was quarantined: the edit is the fix."""
    for entry in sync_state.open_entries().values():
        if sync_state.newest_seq(entry.uuid) > entry.mark:
            release(entry, "edited")


def release(entry: SyncQuarantine, state: str, user: str | None = None) -> None:
    """Close a quarantine entry (edited or dismissed) and let its record go again.

    Only the record's newest change is sent (on the centre's version, see `_wire`): a snapshot
    carries the whole record, so the changes held in between are superseded by it rather than
    sent one by one into the same refusal.
    """
    newest = sync_state.newest_seq(entry.uuid)
    waiting = sync_state.held_seqs(entry.uuid, "waiting")
    sync_state.set_held_state([s for s in waiting if s != newest], "superseded")
    sync_state.set_held_state([s for s in waiting if s == newest], "released")
    for seq, entity in sync_state.unsent_between(entry.uuid, sync_state.acked_seq(), newest):
        sync_state.hold(seq, entity, entry.uuid, entry.seq, "superseded")
    (SyncQuarantine.update(state=state, resolved_at=now_iso(), resolved_by=user)
     .where(SyncQuarantine.seq == entry.seq).execute())
    log.info("quarantined change %d (%s %s) %s; newest change %d goes next", entry.seq, entry.entity,
             entry.uuid, state, newest)
