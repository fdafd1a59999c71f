"""The one-line header: office, today's date, the user, changes waiting for the sync."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.reactive import reactive
from textual.widgets import Static

from tui_register.i18n import _
from tui_register.ui.messages import PendingCounted
from tui_register.ui.services import sync as sync_service
from tui_register.ui.text import safe


class AppHeader(Static):
    pending: reactive[int | None] = reactive(None)
    section: reactive[str] = reactive("")

    def __init__(self, office: str, user: str, role: str | None) -> None:
        super().__init__(id="app-header")
        self.office = office
        self.user = user
        self.role = role

    def render(self) -> Text:
        who = self.user + ("" if self.role else " " + _("ui.read_only"))
        if self.role:
            who += f"({_('role.' + self.role)})"
        pending = "" if self.pending is None else _("ui.pending", n=self.pending)
        text = Text.assemble(safe(self._office(), "bold"), " | ", self.section, " | ",
                             self.app.today().isoformat(), " | ", safe(who), " | ", pending)
        text.no_wrap = True
        text.overflow = "crop"
        return text

    def _office(self) -> str:
        """The office as the app knows it now (the register's, once read), else who must set it."""
        settings = getattr(self.app, "settings", None)
        office = getattr(settings, "office_name", "") or self.office
        if office:
            return office
        return _("ui.no_office") if self.role == "supervisor" else _("ui.no_office_clerk")

    def refresh_pending(self, force: bool = False) -> None:
        """Count the changes waiting for the sync, at most every few seconds: on a register
        that has never been synced the count reads the whole change log."""
        # One count (in the app's state) serves the headers of every screen of the app.
        state = self.app.state
        if state.pending_throttle.due() or force or state.pending_count is None:
            self._count()
        else:
            self.pending = state.pending_count

    @work(thread=True, exclusive=True, group="pending")
    def _count(self) -> None:
        self.post_message(PendingCounted(sync_service.pending_count()))

    @on(PendingCounted)
    def _counted(self, event: PendingCounted) -> None:
        self.app.state.pending_count = self.pending = event.count
