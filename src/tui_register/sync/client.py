"""One sync run: check the settings, take the lock, send batch after batch, sum up.

The loop is: resend the oldest unanswered batch, or record a new one; post it; record the
answer in one transaction. A run killed anywhere resumes from what was recorded: a batch
recorded but not answered is resent with the same id and bytes, and the centre answers a
batch it already applied from its own record (as duplicates), so nothing is lost or doubled.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from typing import TYPE_CHECKING, Callable
from urllib.parse import urlsplit

from tui_register.config import Settings
from tui_register.exit_codes import ExitCode
from tui_register.storage import sync_state
from tui_register.storage.sync_state import SyncBatch
from tui_register.sync import answers, outbox, runs
from tui_register.sync.backoff import RetryPolicy
from tui_register.sync.lock import SyncBusy, run_lock
from tui_register.sync.runs import RunSummary

if TYPE_CHECKING:
    from tui_register.sync.transport import Transport

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]


class ConfigProblem(Exception):
    """Sync is not set up well enough to start; `key` and `params` make the message."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def check_settings(settings: Settings) -> tuple[str, str, str]:
    """(endpoint, token, office code), or ConfigProblem naming everything that is missing."""
    missing = [name for name, value in (
        ("TUI_REGISTER_SYNC_ENDPOINT / [sync] endpoint", settings.sync_endpoint),
        ("TUI_REGISTER_SYNC_TOKEN / [sync] token_file", settings.token()),
        ("TUI_REGISTER_OFFICE_CODE / [office] code", settings.office_code),
    ) if not value]
    if missing:
        raise ConfigProblem("sync.not_configured", missing=", ".join(missing))
    endpoint = settings.sync_endpoint or ""
    parts = urlsplit(endpoint)
    if parts.scheme != "https" and not _loopback(parts.hostname or ""):
        raise ConfigProblem("sync.insecure_endpoint", endpoint=endpoint)
    return endpoint, settings.token() or "", settings.office_code


def _loopback(host: str) -> bool:
    """Plain http is allowed to this machine only (a local test centre): the token would
    cross the network in clear otherwise."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(settings: Settings, user: str, on_progress: ProgressCallback | None = None,
        policy: RetryPolicy | None = None) -> RunSummary:
    """One blocking run; the exit status and any problem are in the returned summary."""
    try:
        endpoint, token, office = check_settings(settings)
    except ConfigProblem as problem:
        summary = RunSummary(started_at="")
        summary.pending = sync_state.pending_count()
        return summary.stop(ExitCode.CONFIG, problem.key, **problem.params)
    try:
        with run_lock(settings.db_path):
            return _locked_run(settings, user, endpoint, token, office, on_progress, policy or RetryPolicy())
    except SyncBusy:
        summary = RunSummary(started_at="")
        summary.pending = sync_state.pending_count()
        return summary.stop(ExitCode.UNREACHABLE, "sync.busy")


def _locked_run(settings: Settings, user: str, endpoint: str, token: str, office: str,
                on_progress: ProgressCallback | None, policy: RetryPolicy) -> RunSummary:
    from tui_register import __version__
    from tui_register.sync.transport import Transport

    total = sync_state.pending_count()
    run_id, summary = runs.start(user, total)
    log.info("sync run %d by %s to %s: %d changes pending", run_id, user, endpoint, total)
    deadline = time.monotonic() + settings.sync_total_timeout
    with Transport(endpoint, token, connect_timeout=settings.sync_connect_timeout,
                   read_timeout=settings.sync_read_timeout, deadline=deadline, policy=policy,
                   user_agent=f"tui-register/{__version__}") as transport:
        _send_all(transport, office, settings.sync_batch_size, deadline, run_id, summary, total, on_progress)
    summary.pending = sync_state.pending_count()
    if summary.exit_code is None:
        summary.stop(ExitCode.QUARANTINE if sync_state.quarantined() else ExitCode.OK)
    runs.finish(run_id, summary)
    log.info("sync run %d ended with status %d: %s %s", run_id, summary.exit_code, summary.line("en"),
             summary.problem_message("en"))
    return summary


def _send_all(transport: Transport, office: str, batch_size: int, deadline: float, run_id: int,
              summary: RunSummary, total: int, on_progress: ProgressCallback | None) -> None:
    from tui_register.sync.transport import BatchRefused, TimeLimit, TokenRefused, Unreachable

    size = batch_size  # smaller once the centre found a batch too large: kept for the whole run
    try:
        while time.monotonic() < deadline and (batch := outbox.next_batch(office, size)) is not None:
            if batch.changes > size and outbox.split(batch) is not None:
                continue  # recorded before the centre's limit was known: its halves go instead
            limit = _send(transport, batch, summary)
            if limit is not None:
                size = min(size, limit)
            runs.progress(run_id, summary, total)  # a run killed later still shows what it sent
            if on_progress:
                on_progress(summary.sent, max(total, summary.sent))
        if time.monotonic() >= deadline:
            summary.stop(ExitCode.UNREACHABLE, "sync.time_limit")
    except TimeLimit:
        summary.stop(ExitCode.UNREACHABLE, "sync.time_limit")
    except Unreachable as exc:
        summary.stop(ExitCode.UNREACHABLE, "sync.unreachable", detail=exc.detail)
    except TokenRefused as exc:
        # Refused as a whole, so never applied: recorded again under the corrected settings.
        outbox.drop_refused()
        key = "sync.office_refused" if exc.status == 403 else "sync.token_refused"
        summary.stop(ExitCode.CONFIG, key, status=str(exc.status), office=office)
    except BatchRefused as exc:
        summary.stop(ExitCode.UNREACHABLE, "sync.batch_refused", status=str(exc.status), detail=exc.detail)


def _send(transport: Transport, batch: SyncBatch, summary: RunSummary) -> int | None:
    """Post one batch and record the answer; after a 413, the batch size to keep to (the
    halves'), else None."""
    from tui_register.sync.transport import TooLarge

    summary.bytes_sent += len(batch.body)
    try:
        results = transport.post_batch(batch.id, batch.body)
    except TooLarge:
        if outbox.split(batch) is not None:
            return batch.changes // 2  # the halves are pending batches now: the loop sends them next
        summary.add(answers.too_large(batch))
        return None  # one record too large says nothing about the others
    summary.add(answers.record(batch, results))
    return None
