"""The sync functions the interface and the command line call.

The office database must be open (`storage.register.open_register`). Texts come in the current
interface language unless `lang` is given.

``pending_count() -> int``
    Changes not yet accepted by the centre (held ones included): the header's count.
``pending_by_entity() -> dict[str, int]``
    The same per entity (wire names; label with ``_("entity." + name)``), staff never included.
``recent_runs(limit=10) -> list[RunSummary]``
    Newest first. ``RunSummary.line()`` is the summary line, ``problem_message()`` what stopped
    the run ("" if nothing), ``when()`` its start in local time, ``exit_code`` None for a run
    that is going on or was killed.
``quarantine(lang=None) -> list[QuarantineItem]``
    Refused changes awaiting an edit or a supervisor: reason code and message, the record
    (entity, uuid, label such as the household head's name), the centre's version and snapshot
    for conflicts, and how many later changes of the record wait behind it.
``run_sync(settings, user, on_progress=None) -> RunSummary``
    One blocking run (run it in a worker thread). ``on_progress(done, total)`` is called after
    every answered batch, from that thread. Never raises for network or configuration
    problems: they are in the summary (``exit_code``, ``problem_message()``). A run already
    going on for the database gives exit code 3 and the problem ``sync.busy`` at once.
``dismiss(user, seq)``
    A supervisor drops a quarantined change (``NotSupervisor``/``PermissionDenied`` otherwise,
    ``RuleViolation`` if it is not in the quarantine); audited. The record's newest change, if
    newer, is then sent on the centre's version.

A quarantined change also leaves the quarantine by itself when the record is edited: the next
run sends the record's newest change in its place.
"""

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
from tui_register.sync.backoff import RetryPolicy
from tui_register.sync.client import ProgressCallback
from tui_register.sync.labels import record_label
from tui_register.sync.runs import RunSummary


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
