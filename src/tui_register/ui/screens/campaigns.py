"""Festival campaigns (慰问活动): the list, and working one through its checklist.

On the checklist one key (Space) records a visit with the campaign's defaults for the
household under the cursor; `e` opens the visit form prefilled for an exception (another
amount, not at home, moved). Progress reads 已走访 18/26 with the cash given against the budget.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Static

from tui_register.domain.fields import format_money
from tui_register.i18n import _
from tui_register.storage.core import StorageProblem
from tui_register.storage.visit_queries import CampaignProgress
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
        self.app.push_screen(ChecklistScreen(event.row), lambda _r: self.query_one(CampaignTable).reload())

    def action_new_campaign(self) -> None:
        from tui_register.ui.forms.campaign import CampaignForm

        self.app.push_screen(CampaignForm(self.app.today(), self.app.state.last_visitors),
                             lambda _r: self.query_one(CampaignTable).reload())

    def action_back(self) -> None:
        self.dismiss(None)


class ChecklistScreen(SearchableScreen):
    SECTION_KEY = "section.visits"
    BINDINGS = bindings_of("checklist")

    def __init__(self, progress: CampaignProgress) -> None:
        super().__init__()
        self.campaign = progress.campaign
        self.progress = progress

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
        """Esc: out of the search box first, then back to the campaigns."""
        if self.focused is self.search:
            self.action_clear_search()
        else:
            self.dismiss(None)

    # --- working the list --------------------------------------------------------------------

    @on(TargetTable.Chosen)
    def _open(self, event: TargetTable.Chosen) -> None:
        from tui_register.ui.screens.household_detail import HouseholdDetailScreen

        self.app.push_screen(HouseholdDetailScreen(event.row.household_uuid), lambda _r: self._after_change())

    def action_visited(self) -> None:
        row, index = self.table.current, self.table.cursor_row
        if row is None:
            return
        if row.visit_date is not None:
            self.notify(_("ui.already_visited", date=row.visit_date.isoformat()), severity="warning")
            return
        # Shown as visited and moved on at once, so that a second Space of a fast burst goes
        # to the next household; a refused save puts the row back.
        self.table.mark_visited(index, self.app.today(), self.campaign.default_cash_fen)
        if index < len(self.table.page_rows) - 1:
            self.table.cursor_row = index + 1
        self._record(index, row.household_uuid)

    @work(thread=True, group="campaign-visit")
    def _record(self, index: int, household_uuid: str) -> None:
        try:
            visit = visit_service.campaign_visit(self.app.user, self.campaign.uuid, household_uuid, self.app.today())
        except StorageProblem as err:
            self.app.call_from_thread(self._not_recorded, index, household_uuid, err.message())
            return
        self.app.call_from_thread(self._recorded, visit.cash_fen)

    def _recorded(self, cash_fen: int) -> None:
        p = self.progress
        self._show_progress(CampaignProgress(p.campaign, p.targets, p.visited + 1, p.cash_fen + cash_fen))

    def _not_recorded(self, index: int, household_uuid: str, message: str) -> None:
        self.notify(message, severity="error")
        rows = self.table.page_rows
        if index < len(rows) and rows[index].household_uuid == household_uuid:
            self.table.mark_visited(index, None, 0)

    def action_exception(self) -> None:
        from tui_register.ui.forms.visit import VisitForm

        row = self.table.current
        if row is None:
            return
        form = VisitForm(row.household_uuid, campaign=self.campaign, visitors=self.app.state.last_visitors,
                         today=self.app.today())
        index = self.table.cursor_row
        self.app.push_screen(form, lambda saved: self._after_change(index + 1 if saved else index))

    def _after_change(self, cursor_row: int | None = None) -> None:
        """Read the page shown again (the cursor stays, or moves on past a visit entered)."""
        self.table.reload_page(cursor_row)
        self._count()

    def action_add_target(self) -> None:
        from tui_register.ui.screens.picker import HouseholdPicker

        def picked(uuid: str | None) -> None:
            if uuid:
                self._add(uuid)

        self.app.push_screen(HouseholdPicker("ui.pick_household_target"), picked)

    @work(thread=True, group="targets")
    def _add(self, household_uuid: str) -> None:
        try:
            visit_service.add_target(self.app.user, self.campaign.uuid, household_uuid)
        except StorageProblem as err:
            self.app.call_from_thread(self.notify, err.message(), severity="error")
            return
        self.app.call_from_thread(self._after_change)

    def action_remove_target(self) -> None:
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

