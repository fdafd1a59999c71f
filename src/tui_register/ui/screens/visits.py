"""The visit register (走访): visits under a filter with their totals; the way to campaigns
and to the due list."""

from __future__ import annotations

from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, Select, Static

from tui_register.domain.categories import filter_name, label
from tui_register.domain.errors import FieldError
from tui_register.domain.fields import format_money, parse_date
from tui_register.i18n import _
from tui_register.storage.visit_queries import VisitFilter, VisitTotals
from tui_register.ui.bindings import bindings_of, translate_bindings
from tui_register.ui.options import category_filter_options, code_options
from tui_register.ui.screens.base import SectionScreen
from tui_register.ui.screens.picker import PickerSelect
from tui_register.ui.services import visits as visit_service
from tui_register.ui.text import iso, safe
from tui_register.ui.widgets.line_input import LineInput
from tui_register.ui.widgets.visit_tables import VisitTable

ALL = "*"


class VisitsScreen(SectionScreen):
    SECTION_KEY = "section.visits"
    BINDINGS = bindings_of("visits")
    _totals_timer: Timer | None = None

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.campaign_names: dict[str, str] = {}  # UUID -> name, as the filter dialog read them

    def compose_body(self) -> ComposeResult:
        yield Static(id="visit-filter", classes="list-status")
        yield VisitTable(id="visit-list")
        yield Static(id="visit-totals", classes="list-status")

    def on_mount(self) -> None:
        self.table.reload()
        self.table.focus()
        self._show_filter()

    @property
    def table(self) -> VisitTable:
        return self.query_one(VisitTable)

    def on_screen_resume(self) -> None:
        # Back from another section or a form: visits may have been added (they come first,
        # newest on top) or voided.
        super().on_screen_resume()
        self.table.reload()

    # --- filter and totals -------------------------------------------------------------------

    def _show_filter(self) -> None:
        f = self.table.filter
        parts = [_("ui.visits_period", start=iso(f.date_from) or "-", end=iso(f.date_to) or "-")]
        if f.purpose:
            parts.append(label("purpose", f.purpose))
        if f.category:
            parts.append(filter_name(f.category))
        if f.visitor:
            parts.append(_("ui.filter_visitor", name=f.visitor))
        if f.place_path:
            parts.append(f.place_path.split("/")[-1])
        if f.campaign:
            parts.append(self.campaign_names.get(f.campaign, ""))
        self.query_one("#visit-filter", Static).update(safe(" | ".join(p for p in parts if p)))

    @on(VisitTable.Loaded)
    def _loaded(self) -> None:
        if self._totals_timer is not None:
            self._totals_timer.stop()
        flt = self.table.filter
        self._totals_timer = self.set_timer(0.2, lambda: self._count(flt))

    @work(thread=True, exclusive=True, group="visit-totals")
    def _count(self, flt: VisitFilter) -> None:
        totals = visit_service.visit_totals(flt)
        self.app.call_from_thread(self._show_totals, totals)

    def _show_totals(self, totals: VisitTotals) -> None:
        self.query_one("#visit-totals", Static).update(safe(_(
            "ui.visit_totals", visits=f"{totals.visits:,}", households=f"{totals.households:,}",
            cash=format_money(totals.cash_fen))))

    def action_filter(self) -> None:
        def apply(chosen: tuple[VisitFilter, dict[str, str]] | None) -> None:
            if chosen is not None:
                flt, self.campaign_names = chosen
                self.table.reload(flt)
                self._show_filter()

        self.app.push_screen(VisitFilterScreen(self.table.filter), apply)

    # --- actions -----------------------------------------------------------------------------

    @on(VisitTable.Chosen)
    def _open(self, event: VisitTable.Chosen) -> None:
        from tui_register.ui.screens.household_detail import HouseholdDetailScreen

        self.app.push_screen(HouseholdDetailScreen(event.row.household_uuid), lambda _r: self.table.reload())

    def action_new_visit(self) -> None:
        from tui_register.ui.forms.visit import VisitForm
        from tui_register.ui.screens.picker import HouseholdPicker

        def picked(uuid: str | None) -> None:
            if uuid:
                self.app.push_screen(VisitForm(uuid, visitors=self.app.state.last_visitors, today=self.app.today()),
                                     lambda _r: self.table.reload())

        self.app.push_screen(HouseholdPicker("ui.pick_household_visit"), picked)

    def action_void(self) -> None:
        from tui_register.ui.forms.visit import VoidVisitForm

        row = self.table.current
        if row is None or row.status == "voided":
            return
        self.app.push_screen(VoidVisitForm(row.uuid, row.version, self.app.today(), household_uuid=row.household_uuid,
                                           household=(row.head_name, row.address), visit_date=row.visit_date),
                             lambda _r: self.table.reload(self.table.filter))

    def action_campaigns(self) -> None:
        from tui_register.ui.screens.campaigns import CampaignsScreen

        self.app.push_screen(CampaignsScreen(), lambda _r: self.table.reload())

    def action_due(self) -> None:
        from tui_register.ui.screens.due import DueScreen

        self.app.push_screen(DueScreen(), lambda _r: self.table.reload())


class VisitFilterScreen(ModalScreen[tuple[VisitFilter, dict[str, str]] | None]):
    """Date range, purpose, visitor, place, category, campaign. Answers the filter and the
    campaigns' names (the status line names the campaign chosen)."""

    BINDINGS = bindings_of("visit_filter")

    def __init__(self, flt: VisitFilter) -> None:
        super().__init__()
        translate_bindings(self)
        self.flt = flt
        self.campaign_names: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        f = self.flt
        with Vertical(id="dialog"):
            yield Static(_("ui.visit_filter_title"), classes="dialog-title")
            with Grid(id="filter-grid"):
                yield Label(_("ui.from"))
                yield LineInput(iso(f.date_from), id="from", compact=True, placeholder=_("ui.date_short"),
                                join_lines=False)
                yield Label(_("ui.to"))
                yield LineInput(iso(f.date_to), id="to", compact=True, placeholder=_("ui.date_short"),
                                join_lines=False)
                yield Label(_("ui.col_purpose"))
                yield Select([(_("ui.all"), ALL), *code_options("purpose")], value=f.purpose or ALL,
                             allow_blank=False, id="purpose", compact=True)
                yield Label(_("ui.col_visitors"))
                yield LineInput(f.visitor or "", id="visitor", compact=True)
                yield Label(_("ui.col_categories"))
                yield PickerSelect([(_("ui.all"), ALL), *category_filter_options()], value=f.category or ALL,
                                   allow_blank=False, id="category", compact=True, title=_("ui.col_categories"))
                yield Label(_("ui.place"))
                paths = [(text, text.replace(" / ", "/")) for text, _uuid in self.app.state.places]
                yield PickerSelect([(_("ui.all"), ALL), *paths], value=f.place_path if f.place_path in
                                   {p for _t, p in paths} else ALL, allow_blank=False, id="place", compact=True,
                                   title=_("ui.place"))
                yield Label(_("ui.col_campaign"))
                yield PickerSelect([(_("ui.all"), ALL)], value=ALL, allow_blank=False, id="campaign", compact=True,
                                   title=_("ui.col_campaign"))
            yield Static("", id="filter-error", classes="form-error -shown")
            yield Static(_("ui.dialog_keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#from", Input).focus()
        self._load_campaigns()

    @work(thread=True)
    def _load_campaigns(self) -> None:
        choices = [(p.campaign.name, p.campaign.uuid) for p in visit_service.campaigns(include_closed=True)]
        self.app.call_from_thread(self._set_campaigns, choices)

    def _set_campaigns(self, choices: list[tuple[str, str]]) -> None:
        self.campaign_names = {uuid: name for name, uuid in choices}
        select = self.query_one("#campaign", Select)
        select.set_options([(_("ui.all"), ALL), *choices])
        select.value = self.flt.campaign if self.flt.campaign in {c for _n, c in choices} else ALL

    def _date(self, widget_id: str):
        text = self.query_one(f"#{widget_id}", Input).value.strip()
        return parse_date(text, field="date", today=self.app.today()) if text else None

    def _choice(self, widget_id: str) -> str | None:
        value = self.query_one(f"#{widget_id}", Select).value
        return None if value in (ALL, Select.NULL) else str(value)

    def action_apply(self) -> None:
        try:
            start, end = self._date("from"), self._date("to")
        except FieldError as err:
            self.query_one("#filter-error", Static).update(safe(err.problem(), "bold"))
            return
        visitor = self.query_one("#visitor", Input).value.strip() or None
        flt = replace(self.flt, date_from=start, date_to=end, purpose=self._choice("purpose"), visitor=visitor,
                      category=self._choice("category"), place_path=self._choice("place"),
                      campaign=self._choice("campaign"))
        self.dismiss((flt, self.campaign_names))

    def action_cancel(self) -> None:
        self.dismiss(None)
