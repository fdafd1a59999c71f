"""The due list (待办): follow-ups due or overdue, and households whose categories require a
periodic visit or a yearly data check that has not happened within the configured interval
(`[visit_intervals]`). Overdue rows say 逾期 in words, not only in colour."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Static

from tui_register.i18n import _
from tui_register.storage.core import StorageProblem
from tui_register.storage.visit_queries import DueList
from tui_register.ui.bindings import bindings_of
from tui_register.ui.screens.base import SectionScreen
from tui_register.ui.services import visits as visit_service
from tui_register.ui.text import safe
from tui_register.ui.widgets.visit_tables import DueTable


class DueScreen(SectionScreen):
    SECTION_KEY = "section.visits"
    BINDINGS = bindings_of("due")

    def compose_body(self) -> ComposeResult:
        yield Static(_("ui.due_title"), classes="list-status")
        yield DueTable(self.app.today(), id="due")
        yield Static(id="due-totals", classes="list-status")

    def on_mount(self) -> None:
        self.query_one(DueTable).focus()
        self.load()

    @work(thread=True, exclusive=True, group="due")
    def load(self) -> None:
        due = visit_service.due_list(self.app.today(), self.app.settings.visit_interval_for)
        self.app.call_from_thread(self._show, due)

    def _show(self, due: DueList) -> None:
        today = self.app.today()
        overdue = sum(1 for item in due.items if item.overdue(today))
        self.query_one(DueTable).set_items(due.items)
        self.query_one("#due-totals", Static).update(safe(_(
            "ui.due_totals", follow_ups=due.follow_ups, periodic=due.periodic, overdue=overdue)))

    @on(DueTable.Chosen)
    def _open(self, event: DueTable.Chosen) -> None:
        from tui_register.ui.screens.household_detail import HouseholdDetailScreen

        self.app.push_screen(HouseholdDetailScreen(event.row.household_uuid), lambda _r: self.load())

    def action_visit(self) -> None:
        from tui_register.ui.forms.visit import VisitForm

        item = self.query_one(DueTable).current
        if item is None:
            return
        form = VisitForm(item.household_uuid, visitors=self.app.state.last_visitors, today=self.app.today())
        if item.kind == "data_check":
            form.initial["purpose"] = "data_check"

        def saved(visit_uuid: str | None) -> None:
            if visit_uuid and item.kind == "follow_up":
                self._complete(item.visit_uuid, item.visit_version)  # the visit did the follow-up
            else:
                self.load()

        self.app.push_screen(form, saved)

    def action_done(self) -> None:
        """A follow-up done without a visit (by phone, by another office): recorded on its
        visit. `v` records the visit that did it, and marks it done as well."""
        item = self.query_one(DueTable).current
        if item is None or item.kind != "follow_up":
            self.notify(_("ui.choose_follow_up"), severity="warning")
            return
        self._complete(item.visit_uuid, item.visit_version)

    @work(thread=True, group="follow-up")
    def _complete(self, visit_uuid: str, version: int) -> None:
        try:
            visit_service.complete_follow_up(self.app.user, visit_uuid, version, self.app.today())
        except StorageProblem as err:
            self.app.call_from_thread(self.notify, err.message(), severity="error")
            return
        self.app.call_from_thread(self.notify, _("ui.follow_up_marked"))
        self.app.call_from_thread(self.load)

    def action_back(self) -> None:
        self.dismiss(None)
