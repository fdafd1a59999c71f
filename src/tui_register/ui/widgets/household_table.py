"""The household list: a DataTable holding one screenful of rows, fed page by page.

The register can hold 100,000 households; the table never holds more than the rows it can
show. Moving past the last row or pressing PgDn reads the next page by its keyset cursor
(the key of the last row shown); g/G read the first and the last page. Queries run in a
worker thread; a newer request makes an older one's result go unused.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import DataTable
from textual.worker import get_current_worker

from tui_register.domain.categories import category_by_code
from tui_register.domain.ids import mask_id
from tui_register.i18n import _
from tui_register.storage.queries import HouseholdFilter, HouseholdRow
from tui_register.ui import services
from tui_register.ui.bindings import key, translate_bindings
from tui_register.ui.text import fit, iso, safe, village_of

WIDE = 100  # from this width on, the address and status columns are shown too


@dataclass(frozen=True)
class PageRequest:
    after: tuple | None = None
    before: tuple | None = None
    last: bool = False
    cursor_row: int = 0  # where the cursor goes on the new page (-1: last row)


class HouseholdTable(DataTable):
    BINDINGS = [
        key("j", "cursor_down", "key.down", "list.down", show=False),
        key("k", "cursor_up", "key.up", "list.up", show=False),
        key("g,home", "first_page", "key.first", "list.first", show=False),
        key("G,end", "last_page", "key.last", "list.last", show=False),
        key("pagedown", "next_page", "key.next_page", "list.next_page", show=False),
        key("pageup", "previous_page", "key.previous_page", "list.previous_page", show=False),
    ]

    class Loaded(Message):
        """A page is on screen (tests and the status line wait for it)."""

    class Chosen(Message):
        def __init__(self, uuid: str) -> None:
            super().__init__()
            self.uuid = uuid

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, show_cursor=True, **kwargs)
        translate_bindings(self)
        self.filter = HouseholdFilter()
        self.list_sort = "place"
        self.page_rows: list[HouseholdRow] = []
        self._wide: bool | None = None

    # --- columns ------------------------------------------------------------------------

    def _set_columns(self) -> None:
        wide = self.app.size.width >= WIDE
        if wide == self._wide:
            return
        self._wide = wide
        self.clear(columns=True)
        self.add_column(_("ui.col_head"), width=8)
        self.add_column(_("ui.col_id"), width=18)
        self.add_column(_("ui.col_village"), width=10)
        self.add_column(_("ui.col_categories"), width=14 if not wide else 22)
        self.add_column(_("ui.col_persons"), width=4)
        self.add_column(_("ui.col_last_visit"), width=10)
        if wide:
            self.add_column(_("ui.col_address"), width=24)
            self.add_column(_("ui.col_status"), width=6)

    def _cells(self, row: HouseholdRow) -> list[Text | str]:
        cats = " ".join(category_by_code(c).short() for c in row.category_codes)
        cells: list[Text | str] = [
            safe(fit(row.head_name or _("ui.no_head"), 8)),
            mask_id(row.head_id_number) if row.head_id_number else "",
            safe(fit(village_of(row.place_path), 10)),
            safe(fit(cats, 22 if self._wide else 14)),
            Text(str(row.member_count), justify="right"),
            iso(row.last_visit),
        ]
        if self._wide:
            cells += [safe(fit(row.address, 24)), _("status." + row.status)]
        return cells

    # --- loading ------------------------------------------------------------------------

    @property
    def page_size(self) -> int:
        # One screenful: the table's height less its header row.
        return max(5, (self.size.height or 20) - 1)

    def reload(self, flt: HouseholdFilter | None = None, sort: str | None = None) -> None:
        if flt is not None:
            self.filter = flt
        if sort is not None:
            self.list_sort = sort
        self._load(PageRequest())

    @work(thread=True, exclusive=True, group="household-page")
    def _load(self, request: PageRequest) -> None:
        rows = services.page(self.filter, self.list_sort, after=request.after, before=request.before,
                             last=request.last, limit=self.page_size)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, rows, request)

    def _show(self, rows: list[HouseholdRow], request: PageRequest) -> None:
        if not rows and (request.after or request.before):
            self.app.bell()  # nothing further that way: keep the page we have
            return
        self._set_columns()
        self.clear()
        self.page_rows = rows
        for row in rows:
            self.add_row(*self._cells(row), key=row.uuid)
        if rows:
            target = len(rows) - 1 if request.cursor_row < 0 else min(request.cursor_row, len(rows) - 1)
            self.move_cursor(row=target, animate=False)
        self.post_message(self.Loaded())

    def on_resize(self) -> None:
        if self.page_rows and (len(self.page_rows) < self.page_size or self._wide != (self.app.size.width >= WIDE)):
            self._wide = None
            self._load(PageRequest(after=None))

    # --- movement -----------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        if self.page_rows and self.cursor_row >= len(self.page_rows) - 1:
            self.action_next_page()
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.page_rows and self.cursor_row <= 0:
            self._load(PageRequest(before=self.page_rows[0].key(self.list_sort), cursor_row=-1))
        else:
            super().action_cursor_up()

    def action_next_page(self) -> None:
        if self.page_rows:
            self._load(PageRequest(after=self.page_rows[-1].key(self.list_sort)))

    def action_previous_page(self) -> None:
        if self.page_rows:
            self._load(PageRequest(before=self.page_rows[0].key(self.list_sort)))

    def action_first_page(self) -> None:
        self._load(PageRequest())

    def action_last_page(self) -> None:
        self._load(PageRequest(last=True, cursor_row=-1))

    def action_select_cursor(self) -> None:
        if self.page_rows:
            self.post_message(self.Chosen(self.page_rows[self.cursor_row].uuid))

    @property
    def current(self) -> HouseholdRow | None:
        return self.page_rows[self.cursor_row] if self.page_rows and 0 <= self.cursor_row < len(self.page_rows) else None
