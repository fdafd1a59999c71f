"""The one-line header: office, today's date, the user, changes waiting for the sync."""

from __future__ import annotations

import time

from rich.text import Text
from textual import work
from textual.reactive import reactive
from textual.widgets import Static

from tui_register.i18n import _
from tui_register.ui import services
from tui_register.ui.text import safe


PENDING_EVERY_S = 10.0


class AppHeader(Static):
    pending: reactive[int | None] = reactive(None)
    # Shared by the headers of every screen: one count serves them all.
    _counted_at: float = -PENDING_EVERY_S
    _last_count: int | None = None
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
        text = Text.assemble(safe(self.office or _("ui.no_office"), "bold"), " | ", self.section, " | ",
                             self.app.today().isoformat(), " | ", safe(who), " | ", pending)
        text.no_wrap = True
        text.overflow = "crop"
        return text

    def refresh_pending(self, force: bool = False) -> None:
        """Count the changes waiting for the sync, at most every few seconds: on a register
        that has never been synced the count reads the whole change log."""
        now = time.monotonic()
        if not force and now - AppHeader._counted_at < PENDING_EVERY_S:
            self.pending = AppHeader._last_count
            return
        AppHeader._counted_at = now
        self._count()

    @work(thread=True, exclusive=True, group="pending")
    def _count(self) -> None:
        count = services.pending_sync_count()
        AppHeader._last_count = count
        self.app.call_from_thread(setattr, self, "pending", count)
