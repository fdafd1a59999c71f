"""Importing a roster workbook (花名册导入) from the Reports section."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Input, Label, Select, Static

from tui_register.i18n import _
from tui_register.reports import ReportError
from tui_register.storage.core import StorageProblem
from tui_register.ui.bindings import bindings_of
from tui_register.ui.messages import WorkDone, WorkProgress, reporter
from tui_register.ui.screens.base import SectionScreen
from tui_register.ui.text import safe
from tui_register.ui.widgets.line_input import LineInput


class ImportScreen(SectionScreen):
    SECTION_KEY = "section.reports"
    BINDINGS = bindings_of("import")
    DEFAULT_CSS = """
    ImportScreen #import-grid { grid-size: 2; grid-columns: 16 1fr; grid-rows: 1; height: auto; padding: 0 1; }
    ImportScreen #import-status { height: auto; padding: 1 1; }
    """

    def compose_body(self) -> ComposeResult:
        yes_no = [(_("key.no"), "no"), (_("key.yes"), "yes")]
        with Grid(id="import-grid"):
            yield Label(_("ui.import_file"))
            yield LineInput(id="file", compact=True, placeholder=_("ui.import_file_placeholder"), join_lines=False)
            yield Label(_("ui.import_sheet"))
            yield LineInput(id="sheet", compact=True, join_lines=False)
            yield Label(_("ui.import_dry_run"))
            yield Select(yes_no, value="yes", allow_blank=False, id="dry-run", compact=True)
            yield Label(_("ui.import_skip_invalid"))
            yield Select(yes_no, value="no", allow_blank=False, id="skip-invalid", compact=True)
        yield Static(_("ui.import_help"), id="import-status")

    def on_mount(self) -> None:
        self.query_one("#file", Input).focus()

    def action_run(self) -> None:
        from tui_register.reports.importer import ImportOptions

        path = self.query_one("#file", Input).value.strip()
        if not path:
            self._status(_("ui.import_no_file"))
            return
        options = ImportOptions(sheet=self.query_one("#sheet", Input).value.strip() or None,
                                dry_run=self.query_one("#dry-run", Select).value == "yes",
                                skip_invalid=self.query_one("#skip-invalid", Select).value == "yes")
        self._status(_("ui.importing"))
        self._run(Path(path).expanduser(), options)

    @work(thread=True, exclusive=True, group="import")
    def _run(self, path: Path, options) -> None:
        from tui_register.ui.services import reports as report_service

        try:
            result = report_service.import_roster(path, self.app.settings, self.app.user, options, reporter(self))
        except (ReportError, StorageProblem) as err:
            self.post_message(WorkDone(err.message()))
            return
        counts = result.counts()
        done = "import.cli.done" if result.written else ("import.cli.checked" if options.dry_run else
                                                         "import.cli.refused")
        lines = [_(done, **counts)]
        if result.report is not None:
            lines.append(_("import.cli.report", path=str(result.report), n=len(result.problems)))
        self.post_message(WorkDone("\n".join(lines)))

    @on(WorkProgress)
    def _progress(self, event: WorkProgress) -> None:
        self._status(_("ui.import_progress", done=f"{event.done:,}", total=f"{event.total:,}"))

    @on(WorkDone)
    def _done(self, event: WorkDone) -> None:
        self._status(event.text)

    def _status(self, text: str) -> None:
        self.query_one("#import-status", Static).update(Text("\n").join(safe(line) for line in text.split("\n")))

    def action_back(self) -> None:
        self.dismiss(None)
