"""Festival campaigns (慰问活动): the list, and working one through its checklist.

On the checklist one key (Space) records a visit with the campaign's defaults for the
household under the cursor; `e` opens the visit form prefilled for an exception (another
amount, not at home, collected by someone else), or on a visited row the visit itself to
correct it. Progress reads 已走访 18/26 with the cash given against the budget.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Static

from tui_register.domain.fields import format_money
from tui_register.i18n import _
from tui_register.storage.core import StorageProblem
from tui_register.storage.visit_queries import CampaignProgress, TargetRow, TargetVisit
from tui_register.ui.bindings import bindings_of
from tui_register.ui.screens.base import SectionScreen
from tui_register.ui.screens.searchable import SearchableScreen
from tui_register.ui.services import visits as visit_service
from tui_register.ui.text import safe
from tui_register.ui.widgets.visit_tables import CampaignTable, TargetTable


class CampaignsScreen(SectionScreen):
    SECTION_KEY = "section.visits"
    BINDINGS = bindings_of("campaigns")

    def compose_body(self) -> ComposeResult:
        yield Static(_("ui.campaigns_title"), classes="list-status")
        yield CampaignTable(id="campaigns")

    def on_mount(self) -> None:
        table = self.query_one(CampaignTable)
        table.reload()
        table.focus()

    @on(CampaignTable.Chosen)
    def _open(self, event: CampaignTable.Chosen) -> None:
        self.app.push_screen(ChecklistScreen(event.row, on_change=self._reload), lambda _r: self._reload())

    def _reload(self) -> None:
        if self.is_attached and self.query(CampaignTable):
            self.query_one(CampaignTable).reload()

    def action_new_campaign(self) -> None:
        from tui_register.ui.forms.campaign import CampaignForm

        self.app.push_screen(CampaignForm(self.app.today(), self.app.state.last_visitors),
                             lambda _r: self.query_one(CampaignTable).reload())

    def action_back(self) -> None:
        self.dismiss(None)


class ChecklistScreen(SearchableScreen):
    """Keys typed ahead act as if typed slowly: each acts on the row the cursor was on when
    it arrived. Space marks the row and moves the cursor at once; the saves wait in one queue
    and are written in order by one worker. While the next page is read, later keys wait for
    it (`TargetTable.when_ready`)."""

    SECTION_KEY = "section.visits"
    BINDINGS = bindings_of("checklist")

    def __init__(self, progress: CampaignProgress, on_change: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.campaign = progress.campaign
        self.progress = progress
        self.on_change = on_change  # told when saves end after the checklist was left
        self._saves: deque[tuple[str, str]] = deque()  # (household, its outcome before the mark)
        self._save_lock = threading.Lock()
        self._saving = False
        self._exception_after_save: str | None = None  # `e` on a row whose save is queued

    def compose_body(self) -> ComposeResult:
        yield Static(safe(self.campaign.name, "bold"), classes="list-status")
        yield from self.compose_search()
        yield TargetTable(self.campaign.uuid, id="targets")
        yield Static(id="progress", classes="list-status")

    def on_mount(self) -> None:
        self.table.reload()
        self.table.focus()
        self._show_progress(self.progress)

    @property
    def table(self) -> TargetTable:
        return self.query_one(TargetTable)

    def showing(self) -> bool:
        """Still on the stack with its widgets (not left while saves were queued)."""
        return self.is_attached and bool(self.query("#progress"))

    def _show_progress(self, p: CampaignProgress) -> None:
        self.progress = p
        budget = format_money(p.campaign.budget_fen) if p.campaign.budget_fen else _("ui.no_budget")
        self.query_one("#progress", Static).update(safe(_(
            "ui.campaign_progress", visited=p.visited, targets=p.targets, cash=format_money(p.cash_fen),
            budget=budget)))

    @work(thread=True, exclusive=True, group="progress")
    def _count(self) -> None:
        progress = visit_service.campaign_progress(self.campaign.uuid)
        self.app.call_from_thread(self._show_progress, progress)

    # --- search ------------------------------------------------------------------------------

    def search_changed(self, text: str) -> None:
        self.table.reload(text)

    def action_back(self) -> None:
        """Esc: out of the search box first, then back to the campaigns (after the keys
        before it, when they wait for a page)."""
        if self.focused is self.search:
            self.action_clear_search()
        else:
            self.table.when_ready(lambda: self.dismiss(None))

    # --- Space: visited with the campaign's defaults -------------------------------------------

    @on(TargetTable.Chosen)
    def _open(self, event: TargetTable.Chosen) -> None:
        from tui_register.ui.screens.household_detail import HouseholdDetailScreen

        self.app.push_screen(HouseholdDetailScreen(event.row.household_uuid), lambda _r: self._after_change())

    def action_visited(self) -> None:
        self.table.when_ready(self._visit_here)

    def _visit_here(self) -> None:
        table = self.table
        row, index = table.current, table.cursor_row
        if row is None:
            return
        if row.visit_date is not None:
            self.notify(_("ui.already_visited", date=row.visit_date.isoformat()), severity="warning")
            return
        table.mark_visited(index, self.app.today(), self.campaign.default_cash_fen)
        self._queue_save(row.household_uuid, row.outcome)
        table.step_down()

    def _queue_save(self, household_uuid: str, outcome_before: str) -> None:
        with self._save_lock:
            self._saves.append((household_uuid, outcome_before))
            if self._saving:
                return  # the running worker takes it after the ones before it
            self._saving = True
        # The app's worker, not the screen's: leaving the checklist (Esc at the end of a
        # burst) must not cancel saves still queued.
        app = self.app
        app.run_worker(lambda: self._save_in_order(app, app.user, app.today()), thread=True,
                       group="campaign-visit")

    def _save_in_order(self, app, user: str, day) -> None:
        """The queued saves, oldest first (the app is passed in: the screen may be gone)."""
        while True:
            with self._save_lock:
                if not self._saves:
                    self._saving = False
                    break
                household_uuid, outcome_before = self._saves.popleft()
            try:
                visit = visit_service.campaign_visit(user, self.campaign.uuid, household_uuid, day)
            except StorageProblem as err:
                app.call_from_thread(self._not_recorded, household_uuid, outcome_before, err.message())
                continue
            app.call_from_thread(self._recorded, household_uuid, visit_service.target_visit(visit))
        app.call_from_thread(self._saves_done)

    def _saves_done(self) -> None:
        if not self.showing() and self.on_change is not None:
            self.on_change()

    def _recorded(self, household_uuid: str, visit: TargetVisit) -> None:
        if not self.showing():
            return  # left the checklist meanwhile (Esc in the burst): saved all the same
        p = self.progress
        self._show_progress(CampaignProgress(p.campaign, p.targets, p.visited + 1, p.cash_fen + visit.cash_fen))
        self.table.show_visit(household_uuid, visit)
        self._exception_if_waiting(household_uuid)

    def _not_recorded(self, household_uuid: str, outcome_before: str, message: str) -> None:
        self.app.notify(message, severity="error")
        if not self.showing():
            return
        self.table.show_visit(household_uuid, None, outcome_before)
        self._exception_if_waiting(household_uuid)

    # --- e: an exception, or correcting the visit ----------------------------------------------

    def action_exception(self) -> None:
        self.table.when_ready(self._exception_here)

    def _exception_here(self) -> None:
        row = self.table.current
        if row is None:
            return
        if row.visit_date is not None and row.visit is None:
            # Marked by Space, saved shortly: the form opens on the saved visit.
            self._exception_after_save = row.household_uuid
            return
        self._open_form(self.table.cursor_row, row)

    def _exception_if_waiting(self, household_uuid: str) -> None:
        if self._exception_after_save != household_uuid:
            return
        self._exception_after_save = None
        for index, row in enumerate(self.table.page_rows):
            if row.household_uuid == household_uuid:
                self._open_form(index, row)

    def _open_form(self, index: int, row: TargetRow) -> None:
        from tui_register.ui.forms.visit import VisitForm

        form = VisitForm(row.household_uuid, campaign=self.campaign, visitors=self.app.state.last_visitors,
                         today=self.app.today(), household=(row.head_name, row.address), visit=row.visit)
        # After a new visit the cursor moves on, as after Space; after a correction it stays.
        moved = index if row.visit is not None else index + 1
        self.app.push_screen(form, lambda saved: self._after_change(moved if saved else index))

    def _after_change(self, cursor_row: int | None = None) -> None:
        """Read the page shown again (the cursor stays, or moves on past a visit entered)."""
        self.table.reload_page(cursor_row)
        self._count()

    # --- the list itself -------------------------------------------------------------------------

    def action_add_target(self) -> None:
        from tui_register.ui.screens.picker import HouseholdPicker

        def picked(uuid: str | None) -> None:
            if uuid:
                self._add(uuid)

        self.table.when_ready(lambda: self.app.push_screen(HouseholdPicker("ui.pick_household_target"), picked))

    @work(thread=True, group="targets")
    def _add(self, household_uuid: str) -> None:
        try:
            visit_service.add_target(self.app.user, self.campaign.uuid, household_uuid)
        except StorageProblem as err:
            self.app.call_from_thread(self.notify, err.message(), severity="error")
            return
        self.app.call_from_thread(self._after_change)

    def action_remove_target(self) -> None:
        self.table.when_ready(self._remove_here)

    def _remove_here(self) -> None:
        from tui_register.ui.screens.dialogs import ConfirmDialog

        row = self.table.current
        if row is None:
            return
        self.app.push_screen(ConfirmDialog(_("ui.remove_target", name=row.head_name)),
                             lambda yes: self._remove(row.target_uuid) if yes else None)

    @work(thread=True, group="targets")
    def _remove(self, target_uuid: str) -> None:
        try:
            visit_service.remove_target(self.app.user, target_uuid, None)
        except StorageProblem as err:
            self.app.call_from_thread(self.notify, err.message(), severity="error")
            return
        self.app.call_from_thread(self._after_change)
