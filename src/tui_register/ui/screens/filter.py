"""Choosing the list's filter (category, place, status) and sort order."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Select, Static

from tui_register.domain.categories import HOUSEHOLD_STATUSES
from tui_register.i18n import _
from tui_register.storage.household_queries import HouseholdFilter
from tui_register.ui.bindings import bindings_of, translate_bindings
from tui_register.ui.options import category_filter_options
from tui_register.ui.screens.picker import PickerSelect
from tui_register.ui.services import households as household_service

ALL = "*"


class FilterScreen(ModalScreen[tuple[HouseholdFilter, str] | None]):
    BINDINGS = bindings_of("filter")

    def __init__(self, flt: HouseholdFilter, sort: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.flt = flt
        self.sort = sort

    def compose(self) -> ComposeResult:
        categories = category_filter_options()
        statuses = [(_("status." + s), s) for s in HOUSEHOLD_STATUSES]
        sorts = [(_("ui.sort_" + s), s) for s in ("place", "name", "last_visit")]
        with Vertical(id="dialog"):
            yield Static(_("ui.filter_title"), classes="dialog-title")
            with Grid(id="filter-grid"):
                yield Label(_("ui.col_categories"))
                yield PickerSelect([(_("ui.all"), ALL), *categories], value=self.flt.category or ALL,
                                   allow_blank=False, id="category", compact=True, title=_("ui.col_categories"))
                yield Label(_("ui.place"))
                yield PickerSelect([(_("ui.all"), ALL)], value=ALL, allow_blank=False, id="place", compact=True,
                                   title=_("ui.place"))
                yield Label(_("ui.col_status"))
                yield Select([(_("ui.all"), ALL), *statuses], value=self.flt.status or ALL,
                             allow_blank=False, id="status", compact=True)
                yield Label(_("ui.sort"))
                yield Select(sorts, value=self.sort, allow_blank=False, id="sort", compact=True)
            yield Static(_("ui.dialog_keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        self._load_places()
        self.query_one("#category", Select).focus()

    @work(thread=True)
    def _load_places(self) -> None:
        rows = [(p.path.replace("/", " / "), p.path) for p in household_service.places()]
        self.app.call_from_thread(self._set_places, rows)

    def _set_places(self, rows: list[tuple[str, str]]) -> None:
        select = self.query_one("#place", Select)
        select.set_options([(_("ui.all"), ALL), *rows])
        select.value = self.flt.place_path or ALL

    def _value(self, widget_id: str) -> str | None:
        value = self.query_one(f"#{widget_id}", Select).value
        return None if value in (ALL, Select.NULL) else str(value)

    def action_apply(self) -> None:
        flt = HouseholdFilter(text=self.flt.text, category=self._value("category"),
                              place_path=self._value("place"), status=self._value("status"))
        self.dismiss((flt, self._value("sort") or "place"))

    def action_cancel(self) -> None:
        self.dismiss(None)
