"""The Reports section (报表): choose a report, its period and filters, and export it as an
Excel workbook; import a roster workbook. Long exports run in a worker with progress, and
the keyboard stays free."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Input, Label, Select, Static

from tui_register.domain.categories import parse_categories
from tui_register.domain.errors import FieldError
from tui_register.domain.fields import parse_date
from tui_register.i18n import _
from tui_register.reports import KINDS, ExportOptions, ReportError, applicable
from tui_register.storage.core import StorageProblem
from tui_register.ui.bindings import bindings_of
from tui_register.ui.messages import WorkDone, WorkProgress, reporter
from tui_register.ui.options import code_options
from tui_register.ui.screens.base import SectionScreen
from tui_register.ui.screens.picker import PickerSelect
from tui_register.ui.text import safe
from tui_register.ui.widgets.line_input import LineInput
from tui_register.ui.widgets.year_bars import YearBars

ANY = "*"
# Option -> (label key, widget): "date", "text", or a function giving select choices.
OPTION_FIELDS = {
    "date_from": ("ui.from", "date"),
    "date_to": ("ui.to", "date"),
    "at": ("ui.report_at", "date"),
    "month": ("ui.report_month", "text"),
    # Typed: a category or a group (低保, 优抚对象), several separated by commas.
    "category": ("ui.col_categories", "categories"),
    "place": ("ui.place", "text"),
    "status": ("ui.col_status", lambda: code_options("household_status")),
    "purpose": ("ui.col_purpose", lambda: code_options("purpose")),
    "campaign": ("ui.col_campaign", "campaign"),
    "unit": ("ui.report_unit", lambda: [(_("ui.unit_yuan"), "yuan"), (_("ui.unit_wan"), "wan")]),
    "full_ids": ("ui.report_full_ids", lambda: [(_("key.no"), "no"), (_("key.yes"), "yes")]),
}


class ReportsScreen(SectionScreen):
    SECTION_KEY = "section.reports"
    BINDINGS = bindings_of("reports")
    DEFAULT_CSS = """
    ReportsScreen #report-form { height: 1fr; padding: 0 1; }
    ReportsScreen #report-grid { grid-size: 2; grid-columns: 16 1fr; grid-rows: 1; height: auto; }
    ReportsScreen #report-status { height: auto; padding: 0 1; }
    """

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="report-form"):
            with Grid(id="report-grid"):
                yield Label(_("ui.report_kind"))
                yield Select([(_("report.name." + k), k) for k in KINDS], value="summary", allow_blank=False,
                             id="kind", compact=True)
                for name, (label_key, widget) in OPTION_FIELDS.items():
                    yield Label(_(label_key), id=f"label-{name}")
                    yield self._widget(name, widget)
                yield Label(_("ui.report_out"))
                yield LineInput(id="opt-out", compact=True, placeholder=_("ui.report_out_placeholder"),
                                join_lines=False)
            yield Static(_("ui.report_keys"), classes="dialog-keys")
        yield YearBars(id="year-bars")
        yield Static("", id="report-status")

    def _widget(self, name: str, widget):
        if widget == "campaign":
            # Chosen by typing part of its name (2027年春节) or its initials: the campaigns
            # are read when the section opens.
            return PickerSelect([(_("ui.all"), ANY)], value=ANY, allow_blank=False, id="opt-campaign",
                                compact=True, title=_("ui.col_campaign"), always_pick=True)
        if callable(widget):
            return Select([(_("ui.all"), ANY), *widget()], value="no" if name == "full_ids" else (
                "yuan" if name == "unit" else ANY), allow_blank=False, id=f"opt-{name}", compact=True)
        placeholder = {"date": _("ui.date_short"), "categories": _("ui.report_categories_placeholder")}.get(widget, "")
        field = LineInput(id=f"opt-{name}", compact=True, placeholder=placeholder, join_lines=False)
        field.cursor_blink = False
        return field

    def on_mount(self) -> None:
        self._show_applicable("summary")
        self.query_one("#kind", Select).focus()
        self._read_campaigns()
        self._read_year()

    @work(thread=True, group="report-year")
    def _read_year(self) -> None:
        from tui_register.ui.services import reports as report_service

        today = self.app.today()
        try:
            months = report_service.year_months(today.year, today)
        except StorageProblem:
            return  # the glance is a convenience: the form works without it
        self.app.call_from_thread(self._show_year, today.year, months)

    def _show_year(self, year: int, months: list) -> None:
        if self.is_mounted:
            self.query_one("#year-bars", YearBars).show(year, months)

    @work(thread=True, group="report-campaigns")
    def _read_campaigns(self) -> None:
        from tui_register.ui.services import visits as visit_service

        campaigns = [(p.campaign.name, p.campaign.uuid) for p in visit_service.campaigns(include_closed=True)]
        self.app.call_from_thread(self._show_campaigns, campaigns)

    def _show_campaigns(self, campaigns: list[tuple[str, str]]) -> None:
        box = self.query_one("#opt-campaign", PickerSelect)
        chosen = box.value
        box.set_options([(_("ui.all"), ANY), *campaigns])
        if chosen in {value for _name, value in campaigns}:
            box.value = chosen

    def action_next_field(self) -> None:
        self.focus_next()

    def action_previous_field(self) -> None:
        self.focus_previous()

    @on(Select.Changed, "#kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        self._show_applicable(str(event.value))

    def _show_applicable(self, kind: str) -> None:
        """Only the options the report takes are shown."""
        taken = applicable(kind)
        for name in OPTION_FIELDS:
            shown = name in taken
            self.query_one(f"#label-{name}").display = shown
            self.query_one(f"#opt-{name}").display = shown

    # --- exporting -----------------------------------------------------------------------------

    def _options(self, kind: str) -> ExportOptions:
        values = {}
        taken = applicable(kind)
        for f in fields(ExportOptions):
            if f.name not in taken:
                continue
            widget = self.query_one(f"#opt-{f.name}")
            raw = widget.value if isinstance(widget, Input) else widget.value
            raw = "" if raw in (ANY, Select.NULL, None) else str(raw).strip()
            if not raw:
                continue
            if OPTION_FIELDS[f.name][1] == "date":
                values[f.name] = parse_date(raw, field=f.name, today=self.app.today())
            elif f.name == "category":
                # The one parser of every path; an unknown name is said at once, the form kept.
                values[f.name] = parse_categories(raw, key_youfu=self.app.settings.key_youfu)
            elif f.name == "full_ids":
                values[f.name] = raw == "yes"
            else:
                values[f.name] = raw
        out = self.query_one("#opt-out", Input).value.strip()
        return ExportOptions(**values, out=Path(out).expanduser() if out else None)

    def action_export(self) -> None:
        kind = str(self.query_one("#kind", Select).value)
        try:
            options = self._options(kind)
        except FieldError as err:
            self._status(err.message())
            return
        self._status(_("ui.exporting", kind=_("report.name." + kind)))
        self._export(kind, options)

    @work(thread=True, exclusive=True, group="export")
    def _export(self, kind: str, options: ExportOptions) -> None:
        from tui_register.ui.services import reports as report_service

        try:
            path = report_service.export(kind, self.app.settings, self.app.user, options, reporter(self))
        except (ReportError, StorageProblem) as err:
            self.post_message(WorkDone(err.message()))
            return
        self.post_message(WorkDone(_("ui.exported", path=str(path))))

    @on(WorkProgress)
    def _progress(self, event: WorkProgress) -> None:
        self._status(_("ui.export_progress", done=f"{event.done:,}", total=f"{event.total:,}"))

    @on(WorkDone)
    def _done(self, event: WorkDone) -> None:
        self._status(event.text)

    def _status(self, text: str) -> None:
        self.query_one("#report-status", Static).update(safe(text, "bold"))

    # --- importing ----------------------------------------------------------------------------

    def action_import_roster(self) -> None:
        from tui_register.ui.screens.import_roster import ImportScreen

        self.app.push_screen(ImportScreen())
