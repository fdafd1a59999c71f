"""Sync runs: the summary of one run, its exit status, and the list of recent runs."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from tui_register.i18n import _
from tui_register.storage.clock import local_time, now_iso
from tui_register.storage.sync_state import SyncRun
from tui_register.sync.answers import Tally


@dataclass
class RunSummary:
    started_at: str
    finished_at: str | None = None
    sent: int = 0
    applied: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0
    pending: int = 0
    batches: int = 0
    bytes_sent: int = 0  # gzip bodies posted, resends after a retry not counted
    exit_code: int | None = None  # None: the run is going on, or was killed
    problem: str = ""  # message key of what stopped the run
    problem_params: dict[str, Any] = field(default_factory=dict)

    def add(self, tally: Tally) -> None:
        """Count an answered batch."""
        self.sent += tally.sent
        self.applied += tally.applied
        self.duplicates += tally.duplicates
        self.conflicts += tally.conflicts
        self.rejected += tally.rejected
        self.batches += 1

    def stop(self, exit_code: int, problem: str = "", **params: Any) -> "RunSummary":
        self.exit_code = exit_code
        self.problem = problem
        self.problem_params = params
        return self

    def line(self, lang: str | None = None) -> str:
        """The one summary line: sent, applied, duplicates, conflicts, rejected, still pending."""
        return _("sync.summary", lang, sent=self.sent, applied=self.applied, duplicates=self.duplicates,
                 conflicts=self.conflicts, rejected=self.rejected, pending=self.pending)

    def problem_message(self, lang: str | None = None) -> str:
        return _(self.problem, lang, **self.problem_params) if self.problem else ""

    def when(self) -> str:
        """The start time in local time, for lists."""
        return local_time(self.started_at)


def start(user: str, pending: int = 0) -> tuple[int, RunSummary]:
    summary = RunSummary(started_at=now_iso(), pending=pending)
    row = SyncRun.create(started_at=summary.started_at, user=user, pending=pending)
    return row.id, summary


def progress(run_id: int, summary: RunSummary, total: int) -> None:
    """Record the run's figures so far (after each batch): a run killed afterwards still shows
    what it sent. `pending` is estimated from the count at the start; `finish` counts it."""
    summary.pending = max(total - summary.sent, 0)
    SyncRun.update(sent=summary.sent, applied=summary.applied, duplicates=summary.duplicates,
                   conflicts=summary.conflicts, rejected=summary.rejected, pending=summary.pending,
                   batches=summary.batches, bytes_sent=summary.bytes_sent).where(SyncRun.id == run_id).execute()


def finish(run_id: int, summary: RunSummary) -> None:
    summary.finished_at = now_iso()
    values = asdict(summary)
    values["problem_params"] = json.dumps(summary.problem_params, ensure_ascii=False)
    SyncRun.update(**values).where(SyncRun.id == run_id).execute()


def from_row(row: SyncRun) -> RunSummary:
    return RunSummary(
        started_at=row.started_at, finished_at=row.finished_at, sent=row.sent, applied=row.applied,
        duplicates=row.duplicates, conflicts=row.conflicts, rejected=row.rejected, pending=row.pending,
        batches=row.batches, bytes_sent=row.bytes_sent, exit_code=row.exit_code, problem=row.problem,
        problem_params=json.loads(row.problem_params))
