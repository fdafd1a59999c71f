"""The household list: one screenful of rows drawn line by line, fed page by page.

The register can hold 100,000 households; the list never holds more than the rows it can
show. Moving past the last row or pressing PgDn reads the next page by its keyset cursor
(the key of the last row shown); g/G read the first and the last page. Queries run in a
worker thread; a newer request makes an older one's result go unused.

Drawn with Textual's line API rather than a DataTable, for slow links: every row is one
unstyled segment, and the cursor is a `>` mark in the first two cells, so moving it redraws
those two cells on two lines (tens of bytes) instead of two whole rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.worker import get_current_worker

from tui_register.domain.categories import category_by_code
from tui_register.domain.ids import mask_id
from tui_register.domain.text import display_safe
from tui_register.i18n import _
from tui_register.storage.queries import HouseholdFilter, HouseholdRow
from tui_register.ui import services
from tui_register.ui.bindings import key, translate_bindings
from tui_register.ui.text import fit, iso, village_of

WIDE = 100  # from this width on, the address and status columns are shown too
MARK = 2  # cells of the cursor mark column
CURSOR = Style(reverse=True, bold=True)
PLAIN = Style()  # never None: Textual's NO_COLOR filter reads every segment's style
HEADER = Style(bold=True, underline=True)


@dataclass(frozen=True)
class PageRequest:
    after: tuple | None = None
    before: tuple | None = None
    last: bool = False
    cursor_row: int = 0  # where the cursor goes on the new page (-1: last row)


def pad(text: str, width: int) -> str:
    """`text` cut or padded to exactly `width` terminal cells (Chinese characters take two)."""
    text = fit(text, width)
    return text + " " * (width - cell_len(text))


class HouseholdTable(Widget, can_focus=True):
    DEFAULT_CSS = """
    HouseholdTable { height: 1fr; }
    """
    BINDINGS = [
        key("down,j", "cursor_down", "key.down", "list.down", show=False),
        key("up,k", "cursor_up", "key.up", "list.up", show=False),
        key("g,home", "first_page", "key.first", "list.first", show=False),
        key("G,end", "last_page", "key.last", "list.last", show=False),
        key("pagedown", "next_page", "key.next_page", "list.next_page", show=False),
        key("pageup", "previous_page", "key.previous_page", "list.previous_page", show=False),
        key("enter", "open", "key.open", "list.open"),
    ]

    # repaint=False: the watcher redraws just the two mark cells, not the whole list.
    cursor_row: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Loaded(Message):
        """A page is on screen (tests and the status line wait for it)."""

    class Chosen(Message):
        def __init__(self, uuid: str) -> None:
            super().__init__()
            self.uuid = uuid

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        translate_bindings(self)
        self.filter = HouseholdFilter()
        self.list_sort = "place"
        self.page_rows: list[HouseholdRow] = []
        self._lines: list[str] = []

    # --- columns ---------------------------------------------------------------------------

    def _columns(self) -> list[tuple[str, int]]:
        wide = self.size.width >= WIDE
        cols = [(_("ui.col_head"), 8), (_("ui.col_id"), 18), (_("ui.col_village"), 10),
                (_("ui.col_categories"), 22 if wide else 14), (_("ui.col_persons"), 4),
                (_("ui.col_last_visit"), 10)]
        if wide:
            cols += [(_("ui.col_address"), 24), (_("ui.col_status"), 6)]
        return cols

    def _cells(self, row: HouseholdRow) -> list[str]:
        cats = " ".join(category_by_code(c).short() for c in row.category_codes)
        cells = [display_safe(row.head_name) or _("ui.no_head"),
                 mask_id(row.head_id_number) if row.head_id_number else "",
                 display_safe(village_of(row.place_path)), cats, str(row.member_count).rjust(4),
                 iso(row.last_visit)]
        if self.size.width >= WIDE:
            cells += [display_safe(row.address), _("status." + row.status)]
        return cells

    def _line(self, cells: list[str]) -> str:
        return " ".join(pad(text, width) for text, (_label, width) in zip(cells, self._columns()))

    # --- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            header = " " * MARK + self._line([label for label, _w in self._columns()])
            return Strip([Segment(pad(header, width), HEADER)], width)
        index = y - 1
        if index >= len(self._lines):
            return Strip.blank(width, PLAIN)
        mark = Segment("> ", CURSOR) if index == self.cursor_row else Segment("  ", PLAIN)
        return Strip([mark, Segment(pad(self._lines[index], width - MARK), PLAIN)], width)

    def watch_cursor_row(self, old: int, new: int) -> None:
        # Redraw only the two mark cells of the old and the new cursor row.
        self.refresh(Region(0, old + 1, MARK, 1), Region(0, new + 1, MARK, 1))

    # --- loading ---------------------------------------------------------------------------

    @property
    def page_size(self) -> int:
        # One screenful: the widget's height less its header line.
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
        self.page_rows = rows
        self._lines = [self._line(self._cells(row)) for row in rows]
        target = len(rows) - 1 if request.cursor_row < 0 else min(request.cursor_row, max(0, len(rows) - 1))
        self.set_reactive(HouseholdTable.cursor_row, target)
        self.refresh()
        self.post_message(self.Loaded())

    def on_resize(self) -> None:
        if self.page_rows:
            self._load(PageRequest())

    # --- movement --------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        if self.page_rows and self.cursor_row >= len(self.page_rows) - 1:
            self.action_next_page()
        elif self.page_rows:
            self.cursor_row += 1

    def action_cursor_up(self) -> None:
        if self.page_rows and self.cursor_row <= 0:
            self._load(PageRequest(before=self.page_rows[0].key(self.list_sort), cursor_row=-1))
        elif self.page_rows:
            self.cursor_row -= 1

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

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Chosen(self.current.uuid))

    def move_cursor(self, row: int) -> None:
        if self.page_rows:
            self.cursor_row = max(0, min(row, len(self.page_rows) - 1))

    @property
    def current(self) -> HouseholdRow | None:
        rows = self.page_rows
        return rows[self.cursor_row] if rows and 0 <= self.cursor_row < len(rows) else None

    def visible_text(self) -> str:
        """The list as shown (header and rows), for tests and screen readers of the log."""
        header = self._line([label for label, _w in self._columns()])
        return "\n".join([header, *self._lines])
