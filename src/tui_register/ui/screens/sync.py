"""The Sync section (同步): changes waiting by record type, the last runs, the quarantine
list with the reasons in plain words, and "sync now" in a worker with progress."""

from __future__ import annotations

from typing import Sequence

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Static

from tui_register.i18n import _
from tui_register.storage.core import StorageProblem
from tui_register.sync.service import QuarantineItem
from tui_register.ui.bindings import bindings_of
from tui_register.ui.messages import WorkDone, WorkProgress, reporter
from tui_register.ui.screens.base import SectionScreen
from tui_register.ui.services import sync as sync_service
from tui_register.ui.text import safe
from tui_register.ui.widgets.app_header import AppHeader
from tui_register.ui.widgets.paged_table import PagedTable, PageRequest


class QuarantineTable(PagedTable[QuarantineItem]):
    SUPPORTS_LAST = False

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.items: list[QuarantineItem] = []

    def columns(self) -> Sequence[tuple[str, int]]:
        return [(_("ui.col_record"), 16), (_("ui.col_waiting"), 4), (_("ui.col_reason"), 52)]

    def cells(self, row: QuarantineItem) -> Sequence[str]:
        return [f"{_('history.' + row.entity)} {row.label}", str(row.waiting).rjust(4), row.message]

    def row_key(self, row: QuarantineItem) -> int:
        return row.seq

    def fetch(self, request: PageRequest, limit: int) -> list[QuarantineItem]:
        if request.after is not None:
            return [i for i in self.items if i.seq > request.after][:limit]
        if request.before is not None:
            return [i for i in self.items if i.seq < request.before][-limit:]
        return self.items[:limit]

    def empty_text(self) -> str:
        return _("ui.quarantine_empty")


class SyncScreen(SectionScreen):
    SECTION_KEY = "section.sync"
    BINDINGS = bindings_of("sync")
    DEFAULT_CSS = """
    SyncScreen #sync-summary { height: auto; padding: 0 1; }
    SyncScreen #sync-progress { height: 1; padding: 0 1; }
    """

    def compose_body(self) -> ComposeResult:
        yield Static(id="sync-summary")
        yield Static(_("ui.quarantine_title"), classes="list-status")
        yield QuarantineTable(id="quarantine")
        yield Static("", id="sync-progress")

    def on_mount(self) -> None:
        self.query_one(QuarantineTable).focus()
        self.action_refresh_view()

    @work(thread=True, exclusive=True, group="sync-view")
    def action_refresh_view(self) -> None:

        pending = sync_service.pending_by_entity()
        runs = sync_service.recent_runs(5)
        items = sync_service.quarantine()
        self.app.call_from_thread(self._show, pending, runs, items)

    def _show(self, pending: dict[str, int], runs: list, items: list[QuarantineItem]) -> None:
        text = Text(_("ui.sync_pending", n=sum(pending.values())) + " ", style="bold")
        text.append(" ".join(f"{_('history.' + e)} {n}" for e, n in pending.items()))
        text.append("\n" + _("ui.sync_runs") + "\n", style="bold")
        for run in runs:
            problem = run.problem_message()
            text.append_text(safe(f"{run.when()}  {run.line()}" + (f"  {problem}" if problem else "")))
            text.append("\n")
        if not runs:
            text.append(_("ui.none") + "\n")
        self.query_one("#sync-summary", Static).update(text)
        table = self.query_one(QuarantineTable)
        table.items = items
        table.reload()
        self.query_one(AppHeader).refresh_pending(force=True)

    # --- sync now -----------------------------------------------------------------------------

    def action_sync_now(self) -> None:
        self._progress(_("ui.sync_running"))
        self._sync()

    @work(thread=True, exclusive=True, group="sync-run")
    def _sync(self) -> None:
        summary = sync_service.run_sync(self.app.settings, self.app.user, on_progress=reporter(self))
        problem = summary.problem_message()
        self.post_message(WorkDone(summary.line() + (f"  {problem}" if problem else "")))

    @on(WorkProgress)
    def _sent(self, event: WorkProgress) -> None:
        self._progress(_("ui.sync_progress", done=event.done, total=event.total))

    @on(WorkDone)
    def _synced(self, event: WorkDone) -> None:
        self._progress(event.text)
        self.action_refresh_view()

    def _progress(self, text: str) -> None:
        self.query_one("#sync-progress", Static).update(safe(text, "bold"))

    # --- quarantine ---------------------------------------------------------------------------

    @on(QuarantineTable.Chosen)
    def _details(self, _event: QuarantineTable.Chosen) -> None:
        self.action_dismiss_change()

    def action_dismiss_change(self) -> None:
        """The change in full, and the question whether to drop it (supervisors only)."""
        from tui_register.ui.screens.dialogs import ConfirmDialog

        item = self.query_one(QuarantineTable).current
        if item is None:
            return
        detail = "\n".join([f"{_('history.' + item.entity)} {item.label}", item.message,
                            _("ui.quarantine_detail", at=item.at, version=item.version,
                              hub_version=item.hub_version, waiting=item.waiting)])
        self.app.push_screen(ConfirmDialog(_("ui.dismiss_question"), detail),
                             lambda yes: self._dismiss(item.seq) if yes else None)

    @work(thread=True, group="sync-dismiss")
    def _dismiss(self, seq: int) -> None:

        try:
            sync_service.dismiss(self.app.user, seq)
        except StorageProblem as err:
            self.app.call_from_thread(self.notify, err.message(), severity="error")
            return
        self.app.call_from_thread(self.action_refresh_view)
