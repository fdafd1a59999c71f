"""The Textual interface. This first version shows the register's figures and the first page
of households; the register screens come with the interface issue."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from tui_register.domain.ids import mask_id
from tui_register.domain.text import display_safe
from tui_register.i18n import _
from tui_register.storage.queries import HouseholdFilter, household_page, household_totals


class RegisterApp(App):
    CSS = """
    #title { height: 1; background: $primary; color: $text; padding: 0 1; }
    #totals { height: 1; padding: 0 1; }
    DataTable { height: 1fr; }
    """
    BINDINGS = [Binding("q", "quit", _("ui.quit"), id="quit"), Binding("ctrl+q", "quit", show=False)]

    def __init__(self, settings, user: str) -> None:
        super().__init__()
        self.settings = settings
        self.user = user

    def compose(self) -> ComposeResult:
        office = self.settings.office_name or _("ui.no_office")
        yield Static(Text(f"{office} | {self.user}"), id="title")
        yield Static(id="totals")
        yield DataTable(cursor_type="row", zebra_stripes=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("ui.col_head"), _("ui.col_id"), _("ui.col_place"), _("ui.col_persons"))
        flt = HouseholdFilter()
        households, persons = household_totals(flt)
        self.query_one("#totals", Static).update(Text(_("ui.totals", households=households, persons=persons)))
        for row in household_page(flt, "place", limit=100):
            table.add_row(Text(display_safe(row.head_name)), mask_id(row.head_id_number),
                          Text(display_safe(_village(row.place_path))), str(row.member_count))


def _village(path: str) -> str:
    parts = path.split("/")
    return parts[1] if len(parts) > 1 else parts[0]


def run_app(settings, user: str) -> int:
    RegisterApp(settings, user).run(mouse=settings.mouse)
    return 0
