"""The sync functions the interface and the command line call (see `tui_register.sync`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tui_register.config import Settings
from tui_register.domain.errors import FieldError
from tui_register.domain.text import display_safe
from tui_register.i18n import _
from tui_register.storage import sync_state
from tui_register.storage.clock import local_time
from tui_register.storage.core import RuleViolation, require_writer
from tui_register.storage.models import database
from tui_register.storage.staff import record_audit
from tui_register.storage.sync_state import SyncQuarantine
from tui_register.sync import client, outbox, protocol, runs
from tui_register.sync.client import ProgressCallback
from tui_register.sync.labels import record_label
from tui_register.sync.runs import RunSummary
from tui_register.sync.backoff import RetryPolicy


@dataclass(frozen=True)
class QuarantineItem:
    """A change the centre refused, with what the staff need to act on it."""

    seq: int
    entity: str
    uuid: str
    version: int
    kind: str  # conflict / rejected
    reason: str  # reason code (docs/sync-protocol.md)
    message: str  # the reason in the interface language
    label: str  # the record it belongs to, e.g. the household head's name
    at: str  # when it was quarantined, local time
    hub_version: int  # the centre's version of the record
    hub_snapshot: dict[str, Any] | None  # the centre's record, for conflicts
    waiting: int  # later changes of the record held behind it


def pending_count() -> int:
    return sync_state.pending_count()


def pending_by_entity() -> dict[str, int]:
    return sync_state.pending_by_entity()


def recent_runs(limit: int = 10) -> list[RunSummary]:
    return [runs.from_row(row) for row in sync_state.recent_runs(limit)]


def quarantine(lang: str | None = None) -> list[QuarantineItem]:
    entries = sync_state.quarantined("open")
    waiting = sync_state.waiting_behind([e.seq for e in entries])
    return [QuarantineItem(
        seq=e.seq, entity=e.entity, uuid=e.uuid, version=e.version, kind=e.kind, reason=e.reason,
        message=reason_message(e, lang), label=record_label(e.entity, e.uuid), at=local_time(e.at),
        hub_version=e.hub_version, hub_snapshot=json.loads(e.hub_snapshot) if e.hub_snapshot else None,
        waiting=waiting.get(e.seq, 0)) for e in entries]


def reason_message(entry: SyncQuarantine, lang: str | None = None) -> str:
    """Why the centre refused the change, in plain words."""
    if entry.kind == protocol.CONFLICT:
        return _("sync.reason.version_conflict", lang, version=entry.version, hub_version=entry.hub_version)
    if entry.reason == protocol.INVALID_SNAPSHOT:
        problems = [FieldError(e["field"], e["code"], e.get("params"), scope=entry.entity).message(lang)
                    for e in json.loads(entry.errors)]
        return _("sync.reason.invalid_snapshot", lang, problems="; ".join(problems))
    if entry.reason == protocol.UNKNOWN_ENTITY:
        return _("sync.reason.unknown_entity", lang, entity=_(f"entity.{entry.entity}", lang))
    if entry.reason == protocol.TOO_LARGE:
        return _("sync.reason.too_large", lang)
    return _("sync.reason.other", lang, reason=entry.reason, detail=display_safe(entry.message))


def run_sync(settings: Settings, user: str, on_progress: ProgressCallback | None = None, *,
             policy: RetryPolicy | None = None) -> RunSummary:
    """Send everything pending (blocking: the interface runs it in a worker thread)."""
    opened_here = database.is_closed()  # per thread: a worker gets its own connection
    try:
        return client.run(settings, user, on_progress, policy)
    finally:
        if opened_here:
            database.close()


def dismiss(user: str, seq: int) -> None:
    """A supervisor drops a quarantined change; the record's later changes go on (audited)."""
    with database.atomic("IMMEDIATE"):
        require_writer(user, supervisor=True)
        entry = SyncQuarantine.get_or_none((SyncQuarantine.seq == seq) & (SyncQuarantine.state == "open"))
        if entry is None:
            raise RuleViolation("sync.not_quarantined", seq=seq)
        outbox.release(entry, "dismissed", user)
        record_audit(user, "sync_dismiss", entry.entity, entry.uuid, supervisor=True,
                     detail=json.dumps({"seq": seq, "version": entry.version, "kind": entry.kind,
                                        "reason": entry.reason}))
