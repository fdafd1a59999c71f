"""The payment standards (救助标准), opened from the rounds list: category, grade, from date,
amount and period, newest entered first; `n` a new one, for a supervisor only (a clerk is told
so at once, before typing a form that storage would refuse)."""

from __future__ import annotations

from typing import Sequence

from textual import on
from textual.app import ComposeResult
from textual.widgets import Static

from tui_register.domain.categories import category_by_code, label
from tui_register.domain.fields import format_money
from tui_register.i18n import _
from tui_register.storage.payment_queries import StandardRow
from tui_register.ui.bindings import bindings_of
from tui_register.ui.screens.base import SectionScreen
from tui_register.ui.services import payments as payment_service
from tui_register.ui.text import safe
from tui_register.ui.widgets.paged_table import PagedTable, PageRequest


class StandardTable(PagedTable[StandardRow]):
    """Keyset pages by the standard's id, newest first."""

    def columns(self) -> Sequence[tuple[str, int]]:
        return [(_("pay.ui.col_category"), 16), (_("pay.ui.col_grade"), 10), (_("pay.ui.col_from"), 10),
                (_("pay.ui.col_standard"), 12), (_("pay.ui.col_period_kind"), 8)]

    def cells(self, row: StandardRow) -> Sequence[str]:
        return [category_by_code(row.category).short(), row.grade, row.valid_from.isoformat(),
                format_money(row.amount_fen).replace("¥", "").rjust(12), label("period", row.period)]

    def row_key(self, row: StandardRow) -> int:
        return row.id

    def key_before(self, row: StandardRow) -> int:
        return row.id + 1  # newest first: the page "after" the next id up starts with this row

    def fetch(self, request: PageRequest, limit: int) -> list[StandardRow]:
        return payment_service.standard_page(after=request.after, before=request.before, last=request.last,
                                             limit=limit)

    def empty_text(self) -> str:
        return _("pay.ui.no_standards")


class StandardsScreen(SectionScreen):
    SECTION_KEY = "section.payments"
    BINDINGS = bindings_of("standards")
    DEFAULT_CSS = """
    StandardsScreen #standards-status { height: auto; max-height: 3; padding: 0 1; }
    """

    def compose_body(self) -> ComposeResult:
        yield Static(_("pay.ui.standards_title"), classes="list-status")
        yield StandardTable(id="standards")
        yield Static(id="standards-status")

    def on_mount(self) -> None:
        self.table.reload()
        self.table.focus()

    @property
    def table(self) -> StandardTable:
        return self.query_one(StandardTable)

    def status(self, text: str) -> None:
        self.query_one("#standards-status", Static).update(safe(text))

    @on(StandardTable.Chosen)
    def _chosen(self, event: StandardTable.Chosen) -> None:
        self.status(standard_text(event.row))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_new_standard(self) -> None:
        if self.app.role != "supervisor":
            refusal = _("storage.not_supervisor", user=self.app.user)
            self.status(refusal)
            self.notify(refusal, severity="error")
            return
        from tui_register.ui.forms.accounts import StandardForm

        self.app.push_screen(StandardForm(), self._saved)

    def _saved(self, uuid: str | None) -> None:
        if uuid:
            self.table.reload()
            self.status(_("pay.ui.standard_saved"))


def standard_text(row: StandardRow) -> str:
    name = category_by_code(row.category).name()
    grade = f" {row.grade}" if row.grade else ""
    return _("pay.ui.standard_line", category=name + grade, amount=format_money(row.amount_fen),
             period=label("period", row.period), valid_from=row.valid_from.isoformat())
