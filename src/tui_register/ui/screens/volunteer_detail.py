"""One volunteer: who, hours per year and in all, and the activities taken part in."""

from __future__ import annotations

from typing import Any, Sequence

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Static

from tui_register.domain.ids import mask_id
from tui_register.domain.text import display_safe
from tui_register.i18n import _
from tui_register.storage.volunteer_queries import ServiceRow, VolunteerDetail
from tui_register.ui.bindings import bindings_of
from tui_register.ui.screens.base import SectionScreen
from tui_register.ui.screens.volunteers import hours_text, reply
from tui_register.ui.services import volunteers as volunteer_service
from tui_register.ui.text import iso, safe
from tui_register.ui.widgets.paged_table import PagedTable, PageRequest


class ServiceTable(PagedTable[ServiceRow]):
    """A volunteer's activities, newest first, with the hours of each."""

    def __init__(self, volunteer_uuid: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.volunteer_uuid = volunteer_uuid

    def columns(self) -> Sequence[tuple[str, int]]:
        return [(_("vol.col_date"), 10), (_("vol.col_title"), 30), (_("vol.col_kind"), 6), (_("vol.col_hours"), 6)]

    def cells(self, row: ServiceRow) -> Sequence[str]:
        return [iso(row.activity_date), display_safe(row.title), display_safe(row.kind),
                hours_text(row.tenths).rjust(6)]

    def row_key(self, row: ServiceRow) -> tuple:
        return row.key()

    def fetch(self, request: PageRequest, limit: int) -> list[ServiceRow]:
        return volunteer_service.service_page(self.volunteer_uuid, after=request.after, before=request.before,
                                     last=request.last, limit=limit)

    def empty_text(self) -> str:
        return _("vol.no_services")


class VolunteerDetailScreen(SectionScreen):
    SECTION_KEY = "section.volunteers"
    HOLDS_KEYS = True  # until the volunteer is read
    DEFAULT_CSS = """
    VolunteerDetailScreen #volunteer-summary, VolunteerDetailScreen #volunteer-years { height: auto; padding: 0 1; }
    VolunteerDetailScreen #volunteer-years { margin-top: 1; }
    VolunteerDetailScreen #services-title { margin-top: 1; padding: 0 1; text-style: bold; }
    """
    BINDINGS = bindings_of("volunteer")

    def __init__(self, uuid: str) -> None:
        super().__init__()
        self.uuid = uuid
        self.detail: VolunteerDetail | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(id="volunteer-summary")
        yield Static(id="volunteer-years")
        yield Static(_("vol.services"), id="services-title")
        yield ServiceTable(self.uuid, id="services")

    def on_mount(self) -> None:
        self.table.focus()
        self.load()

    @property
    def table(self) -> ServiceTable:
        return self.query_one(ServiceTable)

    @work(thread=True, exclusive=True, group="detail")
    def load(self) -> None:
        detail = volunteer_service.volunteer_detail(self.uuid)
        reply(self, self._show, detail)

    def _show(self, detail: VolunteerDetail | None) -> None:
        self.release_keys()
        if detail is None:
            self.notify(_("storage.not_found"), severity="error")
            self.dismiss(None)
            return
        self.detail = detail
        self.query_one("#volunteer-summary", Static).update(summary(detail))
        self.query_one("#volunteer-years", Static).update(years(detail))
        self.table.reload()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_edit(self) -> None:
        from tui_register.ui.forms.volunteer import VolunteerForm

        if self.detail:
            self.app.push_screen(VolunteerForm(self.detail.volunteer), lambda _r: self.load())

    @on(ServiceTable.Chosen)
    def _open(self, event: ServiceTable.Chosen) -> None:
        from tui_register.ui.screens.activity_detail import ActivityDetailScreen

        self.app.push_screen(ActivityDetailScreen(event.row.activity_uuid), lambda _r: self.load())


def _labelled(key_: str, value: str) -> Text:
    return Text.assemble((_(key_) + ":", "bold"), safe(value), "  ")


def summary(detail: VolunteerDetail) -> Text:
    """Name, organisation and status; phone and (masked) ID number; notes."""
    v = detail.volunteer
    text = Text.assemble(safe(v.name, "bold"), "  ")
    text.no_wrap, text.overflow = True, "crop"
    if v.organisation:
        text.append_text(_labelled("vol.organisation", v.organisation))
    text.append(_("status." + v.status))
    text.append("\n")
    text.append_text(_labelled("vol.phone", v.phone))
    if v.id_number:
        text.append_text(_labelled("vol.id_number", mask_id(v.id_number)))
    if v.notes:
        text.append("\n")
        text.append_text(_labelled("vol.notes", v.notes))
    return text


def years(detail: VolunteerDetail) -> Text:
    """Activities and hours per year, newest first, and in all."""
    text = Text.assemble((_("vol.by_year"), "bold"), "\n")
    text.no_wrap, text.overflow = True, "crop"
    for y in detail.years:
        text.append(_("vol.year_line", year=y.year, n=y.activities, hours=hours_text(y.tenths)) + "\n")
    text.append(_("vol.total_line", n=detail.activities, hours=hours_text(detail.tenths)))
    return text
