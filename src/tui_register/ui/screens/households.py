"""The household register (户籍台账): search, filters, the list, and the way into a household."""

from __future__ import annotations

from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.timer import Timer
from textual.widgets import Static

from tui_register.domain.categories import filter_name
from tui_register.i18n import _
from tui_register.storage.household_queries import HouseholdFilter
from tui_register.ui.bindings import bindings_of
from tui_register.ui.screens.searchable import SearchableScreen
from tui_register.ui.services import households as household_service
from tui_register.ui.text import safe
from tui_register.ui.widgets.household_table import HouseholdTable

SORT_ORDER = ("place", "name", "last_visit")


class HouseholdsScreen(SearchableScreen):
    SECTION_KEY = "section.households"
    BINDINGS = bindings_of("households")

    _totals_timer: Timer | None = None

    def compose_body(self) -> ComposeResult:
        yield from self.compose_search()
        yield HouseholdTable(id="households")
        yield Static(id="list-status")

    def on_mount(self) -> None:
        self.table.reload()
        self.table.focus()

    @property
    def table(self) -> HouseholdTable:
        return self.query_one(HouseholdTable)

    def on_screen_resume(self) -> None:
        # Back from another section or a household: names, visits, members may have changed.
        super().on_screen_resume()
        self.table.reload_page()

    def search_changed(self, text: str) -> None:
        self.table.reload(replace(self.table.filter, text=text))

    def action_next_sort(self) -> None:
        sort = SORT_ORDER[(SORT_ORDER.index(self.table.list_sort) + 1) % len(SORT_ORDER)]
        self.table.reload(sort=sort)

    def action_filter(self) -> None:
        from tui_register.ui.screens.filter import FilterScreen

        def apply(result: tuple[HouseholdFilter, str] | None) -> None:
            if result is not None:
                flt, sort = result
                self.table.reload(replace(flt, text=self.search.value), sort)
                self.table.focus()

        self.app.push_screen(FilterScreen(self.table.filter, self.table.list_sort), apply)

    # --- status line -----------------------------------------------------------------------

    @on(HouseholdTable.Loaded)
    def _page_loaded(self) -> None:
        # The totals wait until typing pauses: counting every match of "l" for each
        # keystroke would compete with the list the user is waiting for.
        if self._totals_timer is not None:
            self._totals_timer.stop()
        flt = self.table.filter
        self._totals_timer = self.set_timer(0.25, lambda: self._count(flt))

    @work(thread=True, exclusive=True, group="totals")
    def _count(self, flt: HouseholdFilter) -> None:
        households, persons = household_service.totals(flt)
        self.app.call_from_thread(self._show_status, flt, households, persons)

    def _show_status(self, flt: HouseholdFilter, households: int, persons: int) -> None:
        parts = [_("ui.totals", households=f"{households:,}", persons=f"{persons:,}")]
        if flt.category:
            parts.append(_("ui.filter_category", name=filter_name(flt.category)))
        if flt.place_path:
            parts.append(_("ui.filter_place", name=flt.place_path.split("/")[-1]))
        parts.append(_("ui.filter_status", name=_("status." + flt.status) if flt.status else _("ui.all")))
        parts.append(_("ui.sort_" + self.table.list_sort))
        self.query_one("#list-status", Static).update(safe(" | ".join(parts)))

    # --- opening and creating --------------------------------------------------------------

    @on(HouseholdTable.Chosen)
    def _open(self, event: HouseholdTable.Chosen) -> None:
        self._open_uuid(event.row.uuid)

    def _open_uuid(self, uuid: str) -> None:
        from tui_register.ui.screens.household_detail import HouseholdDetailScreen

        self.app.push_screen(HouseholdDetailScreen(uuid), lambda _r: self.table.reload())

    def action_new_household(self) -> None:
        from tui_register.ui.forms.household import HouseholdForm

        def opened(uuid: str | None) -> None:
            self.table.reload()
            if uuid:
                self._open_uuid(uuid)

        self.app.push_screen(HouseholdForm(), opened)
