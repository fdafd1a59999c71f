"""The volunteer register (志愿服务): the volunteer list with search, and the way to the
activities (`a`), to a volunteer (Enter) and to a new one (`n`)."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from tui_register.domain.text import display_safe
from tui_register.i18n import _
from tui_register.storage.volunteer_queries import VolunteerRow
from tui_register.ui.bindings import bindings_of
from tui_register.ui.screens.searchable import SearchableScreen
from tui_register.ui.services import volunteers as volunteer_service
from tui_register.ui.text import safe
from tui_register.ui.widgets.paged_table import PagedTable, PageRequest


def hours_text(tenths: int) -> str:
    """Hours, stored as tenths, with one decimal: 2.5."""
    return f"{tenths // 10}.{tenths % 10}"


def mask_phone(phone: str) -> str:
    """A mobile number as 138****5678 in lists (the volunteer's page shows it whole)."""
    return phone[:3] + "****" + phone[-4:] if len(phone) == 11 and phone.isdigit() else phone


def reply(screen: Screen, fn: Callable[..., None], *args: Any) -> None:
    """From a worker thread: `fn(*args)` on the event loop, unless the user has left `screen`
    meanwhile (what was read or written then has nowhere to be shown)."""

    def run() -> None:
        # `display` is False too while a dismissed screen is being taken down.
        if screen.is_attached and screen.display:
            fn(*args)

    screen.app.call_from_thread(run)


class VolunteerTable(PagedTable[VolunteerRow]):
    """Volunteers by pinyin, with their hours in the app's current year."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.text = ""
        self.year = 0

    def reload(self, text: str | None = None) -> None:
        if text is not None:
            self.text = text
        self.year = self.app.today().year
        super().reload()

    def columns(self) -> Sequence[tuple[str, int]]:
        return [(_("vol.col_name"), 12), (_("vol.col_organisation"), 16), (_("vol.col_phone"), 13),
                (_("vol.col_year_hours", year=self.year), 10)]

    def cells(self, row: VolunteerRow) -> Sequence[str]:
        name = display_safe(row.name)
        if row.status != "active":
            name += "(" + _("status." + row.status) + ")"
        return [name, display_safe(row.organisation), mask_phone(row.phone), hours_text(row.year_tenths).rjust(10)]

    def row_key(self, row: VolunteerRow) -> tuple:
        return row.key()

    def fetch(self, request: PageRequest, limit: int) -> list[VolunteerRow]:
        return volunteer_service.volunteer_page(self.text, self.year, after=request.after, before=request.before,
                                       last=request.last, limit=limit)

    def empty_text(self) -> str:
        return _("vol.no_volunteers")


class VolunteersScreen(SearchableScreen):
    SECTION_KEY = "section.volunteers"
    SEARCH_PLACEHOLDER = "vol.search_placeholder"
    BINDINGS = bindings_of("volunteers")

    def compose_body(self) -> ComposeResult:
        yield from self.compose_search()
        yield VolunteerTable(id="volunteers")
        yield Static(id="list-status")

    def on_mount(self) -> None:
        self.table.reload()
        self.table.focus()
        self.load_choices()

    @property
    def table(self) -> VolunteerTable:
        return self.query_one(VolunteerTable)

    @work(thread=True, group="choices")
    def load_choices(self) -> None:
        """The organisations, kinds and places used so far, offered again in the forms."""
        self.app.call_from_thread(self.app.state.remember, volunteer_service.remembered_choices())

    # --- search ----------------------------------------------------------------------------

    def search_changed(self, text: str) -> None:
        self.table.reload(text)

    @on(VolunteerTable.Loaded)
    def _page_loaded(self) -> None:
        self._count(self.table.text)

    @work(thread=True, exclusive=True, group="count")
    def _count(self, text: str) -> None:
        n = volunteer_service.volunteer_count(text)
        self.app.call_from_thread(self.query_one("#list-status", Static).update,
                                  safe(_("vol.volunteer_count", n=f"{n:,}")))

    # --- opening -------------------------------------------------------------------------

    @on(VolunteerTable.Chosen)
    def _open(self, event: VolunteerTable.Chosen) -> None:
        self._open_uuid(event.row.uuid)

    def _open_uuid(self, uuid: str) -> None:
        from tui_register.ui.screens.volunteer_detail import VolunteerDetailScreen

        self.app.push_screen(VolunteerDetailScreen(uuid), lambda _r: self.table.reload())

    def action_new_volunteer(self) -> None:
        from tui_register.ui.forms.volunteer import VolunteerForm

        def saved(uuid: str | None) -> None:
            self.table.reload()
            if uuid:
                self._open_uuid(uuid)

        self.app.push_screen(VolunteerForm(), saved)

    def action_activities(self) -> None:
        from tui_register.ui.screens.activities import ActivitiesScreen

        # Hours change as participants are added: the list is read again on return.
        self.app.push_screen(ActivitiesScreen(), lambda _r: self.table.reload())
