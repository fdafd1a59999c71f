"""The activity list (志愿活动), newest first: `n` adds one, Enter opens it."""

from __future__ import annotations

from typing import Sequence

from textual import on
from textual.app import ComposeResult

from tui_register.domain.text import display_safe
from tui_register.i18n import _
from tui_register.storage.volunteer_queries import ActivityRow
from tui_register.ui.bindings import bindings_of
from tui_register.ui.screens.base import SectionScreen
from tui_register.ui.screens.volunteers import hours_text
from tui_register.ui.services import volunteers as volunteer_service
from tui_register.ui.text import iso
from tui_register.ui.widgets.paged_table import PagedTable, PageRequest

WIDE = 100  # from this width on, titles and places get more room


class ActivityTable(PagedTable[ActivityRow]):
    def columns(self) -> Sequence[tuple[str, int]]:
        wide = self.size.width >= WIDE
        return [(_("vol.col_date"), 10), (_("vol.col_title"), 34 if wide else 26), (_("vol.col_kind"), 6),
                (_("vol.col_place"), 20 if wide else 12), (_("vol.col_people"), 4), (_("vol.col_hours"), 6)]

    def cells(self, row: ActivityRow) -> Sequence[str]:
        return [iso(row.activity_date), display_safe(row.title), display_safe(row.kind), display_safe(row.place),
                str(row.participants).rjust(4), hours_text(row.tenths).rjust(6)]

    def row_key(self, row: ActivityRow) -> tuple:
        return row.key()

    def fetch(self, request: PageRequest, limit: int) -> list[ActivityRow]:
        return volunteer_service.activity_page(after=request.after, before=request.before, last=request.last,
                                               limit=limit)

    def empty_text(self) -> str:
        return _("vol.no_activities")


class ActivitiesScreen(SectionScreen):
    SECTION_KEY = "section.volunteers"
    BINDINGS = bindings_of("activities")

    def compose_body(self) -> ComposeResult:
        yield ActivityTable(id="activities")

    def on_mount(self) -> None:
        self.table.reload()
        self.table.focus()

    @property
    def table(self) -> ActivityTable:
        return self.query_one(ActivityTable)

    def action_volunteers(self) -> None:
        self.dismiss(None)

    @on(ActivityTable.Chosen)
    def _open(self, event: ActivityTable.Chosen) -> None:
        self._open_uuid(event.row.uuid)

    def _open_uuid(self, uuid: str) -> None:
        from tui_register.ui.screens.activity_detail import ActivityDetailScreen

        self.app.push_screen(ActivityDetailScreen(uuid), lambda _r: self.table.reload())

    def action_new_activity(self) -> None:
        from tui_register.ui.forms.activity import ActivityForm

        def saved(uuid: str | None) -> None:
            self.table.reload()
            if uuid:
                self._open_uuid(uuid)

        self.app.push_screen(ActivityForm(self.app.today()), saved)
