"""Recording the centre's answer to a batch, in one local transaction.

Changes are taken in sequence order up to the first one without a result: accepted ones are
done, refused ones go to the quarantine (or, when their record is already quarantined, wait
behind it), and the cursor moves over exactly the changes that were answered.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from tui_register.storage import sync_state
from tui_register.storage.clock import now_iso
from tui_register.storage.models import database
from tui_register.storage.sync_state import SyncBatch, SyncQuarantine
from tui_register.sync import protocol
from tui_register.sync.protocol import Result

log = logging.getLogger(__name__)


@dataclass
class Tally:
    """What one answer did to the changes of a batch."""

    sent: int = 0
    applied: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0
    held: int = 0


@dataclass(frozen=True)
class _Sent:
    seq: int
    entity: str
    uuid: str
    version: int
    base_version: int


def _sent_changes(batch: SyncBatch) -> list[_Sent]:
    changes = protocol.decode_batch(batch.body)["changes"]
    return [_Sent(c["seq"], c["entity"], c["uuid"], c["version"], c["base_version"]) for c in changes]


def record(batch: SyncBatch, results: list[Result]) -> Tally:
    """Apply the answer to `batch`: quarantine, held changes, cursor, batch state."""
    by_seq = {r.seq: r for r in results}
    changes = _sent_changes(batch)
    tally = Tally()
    with database.atomic("IMMEDIATE"):
        cursor = sync_state.acked_seq()
        blocked = sync_state.open_entries()
        rebase = sync_state.rebase_entries()
        released = sync_state.released_seqs()
        mark = sync_state.max_log_seq()
        new_cursor = batch.covers_to
        for change in changes:
            result = by_seq.get(change.seq)
            if result is None:
                new_cursor = change.seq - 1
                break
            tally.sent += 1
            if change.uuid in rebase:
                entry = rebase.pop(change.uuid)
                SyncQuarantine.update(rebased_seq=change.seq).where(SyncQuarantine.seq == entry.seq).execute()
            if change.seq in released:
                sync_state.set_held_state([change.seq], "answered")
            _one(batch, change, result, blocked, mark, tally)
        sync_state.set_acked_seq(max(cursor, new_cursor))
        (SyncBatch.update(state="answered", answered_at=now_iso())
         .where(SyncBatch.id == batch.id).execute())
    log.info("batch %s answered: %d of %d changes, applied %d, duplicates %d, conflicts %d, "
             "rejected %d, held %d", batch.id, tally.sent, len(changes), tally.applied,
             tally.duplicates, tally.conflicts, tally.rejected, tally.held)
    return tally


def _one(batch: SyncBatch, change: _Sent, result: Result, blocked: dict[str, SyncQuarantine],
         mark: int, tally: Tally) -> None:
    if result.result == protocol.APPLIED:
        tally.applied += 1
    elif result.result == protocol.DUPLICATE:
        tally.duplicates += 1
    elif change.uuid in blocked:
        # Refused because an earlier change of the record was: it waits behind that one.
        sync_state.hold(change.seq, change.entity, change.uuid, blocked[change.uuid].seq)
        tally.held += 1
    else:
        blocked[change.uuid] = _quarantine(batch, change, result, mark)
        if result.result == protocol.CONFLICT:
            tally.conflicts += 1
        else:
            tally.rejected += 1


def _quarantine(batch: SyncBatch, change: _Sent, result: Result, mark: int) -> SyncQuarantine:
    log.warning("change %d (%s %s v%d) %s: %s %s", change.seq, change.entity, change.uuid,
                change.version, result.result, result.reason, result.message or "")
    return SyncQuarantine.create(
        seq=change.seq, batch_id=batch.id, entity=change.entity, uuid=change.uuid,
        version=change.version, kind=result.result, reason=result.reason or "",
        errors=json.dumps([e.model_dump() for e in result.errors], ensure_ascii=False),
        message=result.message or "", hub_version=result.version,
        hub_snapshot=json.dumps(result.snapshot, ensure_ascii=False) if result.snapshot is not None else None,
        at=now_iso(), mark=mark, state="open")


def too_large(batch: SyncBatch) -> Tally:
    """A batch of one change over the centre's size limit: that change is rejected here, so
    that it does not block the rest."""
    change = _sent_changes(batch)[0]
    return record(batch, [Result(seq=change.seq, result=protocol.REJECTED, version=change.base_version,
                                 reason=protocol.TOO_LARGE)])
