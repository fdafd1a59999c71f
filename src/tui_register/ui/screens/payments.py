"""The Payments section (发放): the rounds, one round's lines, and a round's result file.

* `PaymentsScreen`: the rounds, newest first, with their totals; `n` makes a round, Enter
  opens one, `s` lists the standards (`screens/standards.py`).
* `RoundScreen`: a round's lines (searched by name or pinyin initials), and what is done to a
  round at a keyboard: exclude / re-include a line or change its amount (a draft), approve (a
  supervisor), export the bank file and the roster, import the bank's results, mark a line
  paid or failed by hand, close the round.
* `ResultsScreen`: the bank's result workbook, checked first (what would be recorded, or the
  error workbook), recorded with a second Ctrl+S.

Every read and write runs in a worker through `ui/services/payments.py`; refusals are the
storage layer's own sentences, shown as they are. Account numbers are shown masked.
"""

from __future__ import annotations

import bisect
from datetime import date
from pathlib import Path
from typing import Any, Callable, Sequence

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Input, Label, Static

from tui_register.domain.categories import category_by_code
from tui_register.domain.errors import FieldError
from tui_register.domain.fields import format_money, parse_date
from tui_register.domain.text import display_safe
from tui_register.i18n import _
from tui_register.storage.core import StorageProblem
from tui_register.storage.payment_queries import LineRow, RoundRow
from tui_register.ui.bindings import bindings_of
from tui_register.ui.messages import WorkDone, WorkProgress, reporter
from tui_register.ui.screens.base import SectionScreen
from tui_register.ui.screens.searchable import SearchableScreen
from tui_register.ui.services import payments as payment_service
from tui_register.ui.text import iso, safe
from tui_register.ui.widgets.line_input import LineInput
from tui_register.ui.widgets.paged_table import MARK, PagedTable, PageRequest

SCAN = 500  # lines per read when looking for the page before one (see LineTable._rows_before)
LINE_KINDS = ("regular", "back_pay", "recovery", "stop")
LINE_STATES = ("due", "excluded", "paid", "failed")


def _widest(prefix: str, codes: Sequence[str]) -> int:
    """A column as wide as its longest label in the interface language (补发: 4, back pay: 8)."""
    return max(cell_len(_(prefix + code)) for code in codes)


def yuan(fen: int) -> str:
    """An amount in yuan for a column headed 元: 1,234.50."""
    return format_money(fen).replace("¥", "")


def categories_text(codes: Sequence[str]) -> str:
    return "、".join(category_by_code(c).short() for c in codes if c)


def months_text(months: str) -> str:
    """2026-06; a run of months as 2026-04~06 (within a year) or 2025-11~2026-01."""
    parts = [m for m in months.split(",") if m]
    if len(parts) <= 1:
        return parts[0] if parts else ""
    first, last = parts[0], parts[-1]
    return f"{first}~{last[5:]}" if first[:4] == last[:4] else f"{first}~{last}"


def problem_text(err: Exception) -> str:
    """A refusal in the user's language: storage's sentence, or the field and its problem."""
    if isinstance(err, (StorageProblem, FieldError)):
        return err.message()
    return str(err)


def wrapped(text: str) -> Text:
    """Stored text (names, paths) never as markup, wrapped at the screen's edge: a status line's
    sentence is read whole, not cut at 80 columns."""
    return Text("\n").join(Text(display_safe(line)) for line in text.split("\n"))


def _reply(screen, fn: Callable[..., None], *args: Any) -> None:
    """From a worker: `fn(*args)` on the event loop, unless the screen has been left."""

    def run() -> None:
        if screen.is_attached and screen.display:
            fn(*args)

    screen.app.call_from_thread(run)


# ---------------------------------------------------------------- the rounds


class RoundTable(PagedTable[RoundRow]):
    """The rounds, newest first: keyset pages by round number."""

    def columns(self) -> Sequence[tuple[str, int]]:
        return [(_("pay.ui.col_number"), 3), (_("pay.ui.col_period"), 10), (_("pay.ui.col_categories"), 9),
                (_("pay.ui.col_state"), 6), (_("pay.ui.col_lines"), 7), (_("pay.ui.col_due"), 13),
                (_("pay.ui.col_paid"), 13), (_("pay.ui.col_failed"), 10)]

    def cells(self, row: RoundRow) -> Sequence[str]:
        t = row.totals
        return [str(row.number).rjust(3), row.period, categories_text(row.categories), _(f"pay.state.{row.state}"),
                f"{t.lines:,}".rjust(7), yuan(t.due_fen).rjust(13), yuan(t.paid_fen).rjust(13),
                yuan(t.failed_fen).rjust(10)]

    def row_key(self, row: RoundRow) -> int:
        return row.number

    def key_before(self, row: RoundRow) -> int:
        # Newest first: the page read "after" the next number up starts with this round.
        return row.number + 1

    def fetch(self, request: PageRequest, limit: int) -> list[RoundRow]:
        return payment_service.round_page(after=request.after, before=request.before, last=request.last,
                                          limit=limit)

    def empty_text(self) -> str:
        return _("pay.ui.no_rounds")


def round_summary(row: RoundRow) -> str:
    """The round's name, state and who made and approved it, on one line."""
    parts = [f"#{row.number} {row.name}", _(f"pay.state.{row.state}"),
             _("pay.ui.prepared_by", user=row.prepared_by)]
    if row.approved_by:
        parts.append(_("pay.ui.approved_by", user=row.approved_by))
    if row.pay_date:
        parts.append(_("pay.ui.pay_date", date=iso(row.pay_date)))
    return "  ".join(parts)


def round_totals(row: RoundRow) -> str:
    t = row.totals
    return _("pay.ui.totals", lines=f"{t.lines:,}", excluded=f"{t.excluded_lines:,}", due=format_money(t.due_fen),
             paid=format_money(t.paid_fen), failed=format_money(t.failed_fen), open=format_money(t.open_fen))


class PaymentsScreen(SectionScreen):
    SECTION_KEY = "section.payments"
    BINDINGS = bindings_of("payments")

    def compose_body(self) -> ComposeResult:
        yield RoundTable(id="rounds")
        yield Static(id="list-status")

    def on_mount(self) -> None:
        self.table.reload()
        self.table.focus()
        self.watch(self.table, "cursor_row", self._show_current, init=False)

    @property
    def table(self) -> RoundTable:
        return self.query_one(RoundTable)

    @on(RoundTable.Loaded)
    def _loaded(self) -> None:
        self._show_current()

    def _show_current(self, _row: int = 0) -> None:
        current = self.table.current
        self.query_one("#list-status", Static).update(safe(round_summary(current) if current else ""))

    @on(RoundTable.Chosen)
    def _open(self, event: RoundTable.Chosen) -> None:
        self.open_round(event.row.number)

    def open_round(self, number: int) -> None:
        self.app.push_screen(RoundScreen(number), lambda _r: self.table.reload_page())

    def action_new_round(self) -> None:
        from tui_register.ui.forms.payments import NewRoundForm

        def saved(number: str | None) -> None:
            self.table.reload()
            if number:
                self.open_round(int(number))

        self.app.push_screen(NewRoundForm(), saved)

    def action_standards(self) -> None:
        from tui_register.ui.screens.standards import StandardsScreen

        self.app.push_screen(StandardsScreen())


# ---------------------------------------------------------------- one round's lines


class LineTable(PagedTable[LineRow]):
    """A round's lines by recipient (pinyin initials, then entry), searched by name or initials.

    The lines are read forward only (`round_lines(after=…)`): the page before one is found
    by reading on from where a page read on the way began (the one before the previous, so that
    a whole page is found after a resize too), else from the first line."""

    SUPPORTS_LAST = False  # G/End page forward to the end, in large reads

    def __init__(self, number: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.number = number
        self.text = ""
        self.several_categories = False
        # Where each page read began: its first line's key (sorted) -> the key it was read after.
        self._firsts: list[tuple[str, int]] = []
        self._read_after: dict[tuple[str, int], tuple[str, int] | None] = {}

    def reload(self, text: str | None = None) -> None:
        if text is not None:
            self.text = text
        super().reload()

    def columns(self) -> Sequence[tuple[str, int]]:
        cols = [(_("pay.ui.col_recipient"), 8)]
        if self.several_categories:
            cols.append((_("pay.ui.col_category"), 8))
        cols += [(_("pay.ui.col_kind"), _widest("pay.kind.", LINE_KINDS)), (_("pay.ui.col_months"), 10),
                 (_("pay.ui.col_amount"), 11), (_("pay.ui.col_line_state"), _widest("pay.line_state.", LINE_STATES)),
                 (_("pay.ui.col_account"), 19)]
        used = MARK + sum(w for _l, w in cols) + len(cols)
        return [*cols, (_("pay.ui.col_reason"), max(4, (self.size.width or 80) - used))]

    def cells(self, row: LineRow) -> Sequence[str]:
        cells = [display_safe(row.recipient)]
        if self.several_categories:
            cells.append(category_by_code(row.category).short())
        return [*cells, _(f"pay.kind.{row.kind}"), months_text(row.months), yuan(row.amount_fen).rjust(11),
                _(f"pay.line_state.{row.state}"), account_text(row), display_safe(reason_text(row))]

    def row_key(self, row: LineRow) -> tuple[str, int]:
        return row.key

    def key_before(self, row: LineRow) -> tuple[str, int]:
        # Line ids are integers: nothing lies between (initials, id - 1) and this line.
        return row.key[0], row.key[1] - 1

    def fetch(self, request: PageRequest, limit: int) -> list[LineRow]:
        if request.before is not None:
            return self._rows_before(request.before, limit)
        rows = payment_service.line_page(self.number, self.text, after=request.after, limit=limit)
        if request.after is None:  # a first page: the way back starts again from here
            self._firsts, self._read_after = [], {}
        if rows and rows[0].key not in self._read_after:
            bisect.insort(self._firsts, rows[0].key)
            self._read_after[rows[0].key] = request.after
        return rows

    def _rows_before(self, key: tuple[str, int], limit: int) -> list[LineRow]:
        """The `limit` lines just before `key`, read on from the second-nearest page start
        before it, else from the first line."""
        nearer = bisect.bisect_left(self._firsts, key)
        after = self._read_after.get(self._firsts[nearer - 2]) if nearer >= 2 else None
        found: list[LineRow] = []
        while True:
            page = payment_service.line_page(self.number, self.text, after=after, limit=SCAN)
            found = (found + [row for row in page if row.key < key])[-limit:]
            if len(page) < SCAN or page[-1].key >= key:
                return found
            after = page[-1].key

    def empty_text(self) -> str:
        return _("pay.ui.no_lines")


def account_text(row: LineRow) -> str:
    if row.account_kind == "cash":
        return _("pay.ui.cash")
    return row.masked_account or _("pay.ui.no_account")


def reason_text(row: LineRow) -> str:
    if row.state == "failed" and row.result_reason:
        return row.result_reason
    if row.reason == "failed_before":
        return _("pay.ui.failed_before")
    return row.reason


def line_details(row: LineRow, *, revealed: bool = False) -> str:
    """The line in full; its account and ID numbers masked unless a supervisor revealed them."""
    amount = format_money(row.amount_fen)
    if row.amount_fen != row.amount_due_fen:
        amount = _("pay.ui.amount_changed", amount=amount, due=format_money(row.amount_due_fen))
    account = account_text(row)
    if row.account_kind in ("bank", "card"):
        number = row.account_number if revealed else row.masked_account
        account = " ".join(part for part in (row.bank_name, number, row.holder_name) if part)
    first = _("pay.ui.line_details", recipient=row.recipient, address=row.household_address,
              kind=_(f"pay.kind.{row.kind}"), months=row.months.replace(",", "、"), amount=amount,
              state=_(f"pay.line_state.{row.state}"), account=account)
    extra = [row.id_number if revealed else row.masked_id, reason_text(row), iso(row.paid_on)]
    return first + "\n" + "  ".join(text for text in extra if text)


class RoundScreen(SearchableScreen):
    SECTION_KEY = "section.payments"
    SEARCH_PLACEHOLDER = "pay.ui.search_placeholder"
    BINDINGS = bindings_of("payment_round")
    # The list has the focus as the screen is composed, not the search box above it (the first
    # focusable widget): keys typed ahead of the screen (Enter, `x`) wait for the focus and are
    # the list's.
    AUTO_FOCUS = "LineTable"
    DEFAULT_CSS = """
    RoundScreen #round-head { height: 2; padding: 0 1; }
    RoundScreen #round-status { height: auto; max-height: 3; padding: 0 1; }
    """

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number
        self.info: RoundRow | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(id="round-head")
        yield from self.compose_search()
        yield LineTable(self.number, id="lines")
        yield Static(id="round-status")

    def on_mount(self) -> None:
        self.table.reload()
        self.table.focus()
        self._read_round()

    @property
    def table(self) -> LineTable:
        return self.query_one(LineTable)

    @work(thread=True, exclusive=True, group="round-info")
    def _read_round(self) -> None:
        _reply(self, self._show_round, payment_service.round_info(self.number))

    def _show_round(self, row: RoundRow) -> None:
        self.info = row
        head = Text.assemble(safe(round_summary(row), "bold"), "\n", safe(round_totals(row)))
        self.query_one("#round-head", Static).update(head)
        several = len(row.categories) > 1
        if several != self.table.several_categories:
            self.table.several_categories = several
            self.table.redraw_rows()

    def refresh_round(self) -> None:
        """After a write: the page and the totals read again."""
        self.table.reload_page()
        self._read_round()

    def status(self, text: str) -> None:
        self.query_one("#round-status", Static).update(wrapped(text))

    # --- search ------------------------------------------------------------------------------

    def search_changed(self, text: str) -> None:
        self.table.reload(text)

    def action_back(self) -> None:
        if self.focused is self.search:
            self.action_clear_search()
        else:
            self.dismiss(None)

    @on(LineTable.Chosen)
    def _line_details(self, event: LineTable.Chosen) -> None:
        """Enter: the line in full below the list (the account still masked)."""
        self.status(line_details(event.row))

    def action_reveal(self) -> None:
        """`r`: the line under the cursor with its account and ID numbers in full, below the
        list (a supervisor's action, recorded in the audit trail; the list stays masked)."""
        line = self.table.current
        if line is None:
            self.app.bell()
            return
        self._reveal(line)

    @work(thread=True, group="round-reveal")
    def _reveal(self, line: LineRow) -> None:
        from tui_register.ui.services import staff as staff_service

        try:
            staff_service.record_audit(self.app.user, "reveal_account", "payment_line", line.uuid,
                                       f"#{self.number} {line.recipient}", supervisor=True)
        except StorageProblem as err:
            _reply(self, self._refused, err.message())
            return
        _reply(self, self.status, line_details(line, revealed=True))

    # --- a draft's lines ---------------------------------------------------------------------

    def _line_form(self, form_class) -> None:
        line = self.table.current
        if line is None:
            self.app.bell()
            return
        self.app.push_screen(form_class(line), lambda saved: self.refresh_round() if saved else None)

    def action_exclude(self) -> None:
        from tui_register.ui.forms.payments import ExcludeForm

        self._line_form(ExcludeForm)

    def action_change_amount(self) -> None:
        from tui_register.ui.forms.payments import AmountForm

        self._line_form(AmountForm)

    def action_mark_paid(self) -> None:
        from tui_register.ui.forms.payments import PaidForm

        self._line_form(PaidForm)

    def action_mark_failed(self) -> None:
        from tui_register.ui.forms.payments import FailedForm

        self._line_form(FailedForm)

    def action_include(self) -> None:
        line = self.table.current
        if line is None:
            self.app.bell()
            return
        self._write(lambda: payment_service.include_line(self.app.user, line.uuid, line.version),
                    _("pay.ui.included", recipient=line.recipient))

    @work(thread=True, group="round-write")
    def _write(self, call: Callable[[], Any], done: str) -> None:
        """A write in a worker; what came of it in the status line (a refusal as a notice too)."""
        try:
            call()
        except (StorageProblem, FieldError) as err:
            _reply(self, self._refused, problem_text(err))
            return
        _reply(self, self._written, done)

    def _written(self, text: str) -> None:
        self.status(text)
        self.refresh_round()

    def _refused(self, text: str) -> None:
        self.status(text)
        self.notify(text, severity="error")

    # --- the whole round ---------------------------------------------------------------------

    def _label(self) -> str:
        return f"#{self.number} {self.info.name}" if self.info else f"#{self.number}"

    def action_approve(self) -> None:
        from tui_register.ui.screens.dialogs import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                single = self.app.settings.payments_single_supervisor
                self._write(lambda: payment_service.approve_round(self.app.user, self.number,
                                                                  single_supervisor=single),
                            _("pay.ui.approved", round=self._label()))

        self.app.push_screen(ConfirmDialog(_("pay.ui.confirm_approve", round=self._label())), answered)

    def action_close_round(self) -> None:
        from tui_register.ui.forms.payments import CloseForm

        def closed(marked: str | None) -> None:
            if marked is not None:
                self._written(_("pay.ui.closed", round=self._label(), n=marked))

        self.app.push_screen(CloseForm(self.number, self.info.name if self.info else ""), closed)

    def action_export(self) -> None:
        self.status(_("pay.ui.exporting", round=self._label()))
        self._export()

    @work(thread=True, exclusive=True, group="round-export")
    def _export(self) -> None:
        from tui_register.reports.options import ReportError

        try:
            files = payment_service.export_round(self.number, self.app.settings, self.app.user, reporter(self))
        except (ReportError, StorageProblem) as err:
            self.post_message(WorkDone(err.message()))
            return
        self.post_message(WorkDone(_("pay.ui.exported", bank=str(files.bank), n=files.bank_lines,
                                     roster=str(files.roster))))

    @on(WorkProgress)
    def _progress(self, event: WorkProgress) -> None:
        self.status(_("ui.export_progress", done=f"{event.done:,}", total=f"{event.total:,}"))

    @on(WorkDone)
    def _done(self, event: WorkDone) -> None:
        self.status(event.text)

    def action_results(self) -> None:
        self.app.push_screen(ResultsScreen(self.number, self._label()),
                             lambda applied: self.refresh_round() if applied else None)


# ---------------------------------------------------------------- a round's result file


class ResultsScreen(SectionScreen):
    """The bank's result workbook: Ctrl+S checks it (nothing recorded), and a second Ctrl+S for
    the same file and date records it, all or nothing."""

    SECTION_KEY = "section.payments"
    BINDINGS = bindings_of("payment_results")
    DEFAULT_CSS = """
    ResultsScreen #results-grid { grid-size: 2; grid-columns: 16 1fr; grid-rows: 1; height: auto; padding: 0 1; }
    ResultsScreen #results-status { height: auto; padding: 1 1; }
    """

    def __init__(self, number: int, label: str) -> None:
        super().__init__()
        self.number = number
        self.label = label
        self.checked: tuple[Path, date] | None = None  # a file whose check found nothing wrong
        self.applied = False
        self.running = False

    def compose_body(self) -> ComposeResult:
        yield Static(safe(_("pay.ui.results_title", round=self.label), "bold"), classes="list-status")
        with Grid(id="results-grid"):
            yield Label(_("ui.import_file"))
            yield LineInput(id="file", compact=True, placeholder=_("ui.import_file_placeholder"), join_lines=False)
            yield Label(_("field.paid_on"))
            yield LineInput(self.app.today().isoformat(), id="paid-on", compact=True, join_lines=False)
        yield Static(_("pay.ui.results_help"), id="results-status")

    def on_mount(self) -> None:
        self.query_one("#file", Input).focus()

    def _status(self, text: str) -> None:
        self.query_one("#results-status", Static).update(wrapped(text))

    def action_run(self) -> None:
        if self.running:
            return
        raw = self.query_one("#file", Input).value.strip()
        if not raw:
            self._status(_("ui.import_no_file"))
            return
        try:
            paid_on = parse_date(self.query_one("#paid-on", Input).value.strip(), field="paid_on",
                                 today=self.app.today())
        except FieldError as err:
            self._status(err.message())
            return
        path = Path(raw).expanduser()
        dry_run = self.checked != (path, paid_on)
        self.running = True
        self._status(_("pay.ui.results_checking" if dry_run else "pay.ui.results_applying"))
        self._run(path, paid_on, dry_run)

    @work(thread=True, exclusive=True, group="results")
    def _run(self, path: Path, paid_on: date, dry_run: bool) -> None:
        from tui_register.reports.options import ReportError

        try:
            check = payment_service.apply_results(self.number, path, self.app.user, paid_on, dry_run=dry_run)
        except (ReportError, StorageProblem) as err:
            _reply(self, self._finished, err.message(), None, False)
            return
        if check.problems:
            text = _("pay.ui.results_refused", n=len(check.problems), report=str(check.report))
            _reply(self, self._finished, text, None, False)
        elif dry_run:
            _reply(self, self._finished, _("pay.ui.results_checked", paid=check.paid, failed=check.failed),
                   (path, paid_on), False)
        else:
            _reply(self, self._finished, _("pay.ui.results_done", paid=check.paid, failed=check.failed), None, True)

    def _finished(self, text: str, checked: tuple[Path, date] | None, applied: bool) -> None:
        self.running = False
        self.checked = checked
        self.applied = self.applied or applied
        self._status(text)

    def action_back(self) -> None:
        self.dismiss(self.applied)
