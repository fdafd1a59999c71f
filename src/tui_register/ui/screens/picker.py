"""Choosing a household by searching, for a new visit or a campaign's list."""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui_register.i18n import _
from tui_register.ui.bindings import bindings_of, translate_bindings
from tui_register.ui.widgets.household_table import HouseholdTable


class HouseholdPicker(ModalScreen[str | None]):
    DEFAULT_CSS = """
    HouseholdPicker #picker { width: 100%; height: 100%; background: $panel; }
    HouseholdPicker #picker-search { height: 1; }
    """
    BINDINGS = bindings_of("picker")

    def __init__(self, title_key: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.title_key = title_key

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(_(self.title_key), id="form-title")
            yield Input(placeholder=_("ui.search_placeholder"), id="picker-search", compact=True)
            yield HouseholdTable(id="picker-list")
            yield Static(_("ui.picker_keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        search = self.query_one("#picker-search", Input)
        search.cursor_blink = False
        search.focus()
        self.query_one(HouseholdTable).reload()

    @on(Input.Changed, "#picker-search")
    def _search(self, event: Input.Changed) -> None:
        table = self.query_one(HouseholdTable)
        table.reload(replace(table.filter, text=event.value))

    @on(Input.Submitted, "#picker-search")
    def _to_list(self) -> None:
        self.query_one(HouseholdTable).focus()

    @on(HouseholdTable.Chosen)
    def _chosen(self, event: HouseholdTable.Chosen) -> None:
        self.dismiss(event.row.uuid)

    def action_cancel(self) -> None:
        self.dismiss(None)
