"""A list of records drawn line by line, holding one screenful, fed page by page.

Lists in the register can hold a million rows; a `PagedTable` never holds more than the rows
it can show. Moving past the last row or pressing PgDn reads the next page by its keyset
cursor (the key of the last row shown); g/G read the first and the last page. Queries run
in a worker thread; a newer request makes an older one's result go unused.

Drawn with Textual's line API rather than a DataTable, for slow links: every row is one
unstyled segment, and the cursor is a `>` mark in the first two cells, so moving it redraws
those two cells on two lines (tens of bytes) instead of two whole rows.

A subclass says what a page is (`fetch`), how a row reads (`columns`, `cells`) and its keyset
cursor (`row_key`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Sequence, TypeVar

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

from tui_register.ui.bindings import bindings_of, translate_bindings
from tui_register.ui.text import fit

MARK = 2  # cells of the cursor mark column
CURSOR = Style(reverse=True, bold=True)
HEADER = Style(bold=True, underline=True)
PLAIN = Style()  # never None: Textual's NO_COLOR filter reads every segment's style

Row = TypeVar("Row")


@dataclass(frozen=True)
class PageRequest:
    after: Any = None
    before: Any = None
    last: bool = False
    cursor_row: int = 0  # where the cursor goes on the new page (-1: last row)


def pad(text: str, width: int) -> str:
    """`text` cut or padded to exactly `width` terminal cells (Chinese characters take two)."""
    text = fit(text, width)
    return text + " " * (width - cell_len(text))


class PagedTable(Widget, Generic[Row], can_focus=True):
    DEFAULT_CSS = """
    PagedTable { height: 1fr; }
    """
    BINDINGS = bindings_of("list")
    SUPPORTS_LAST = True  # whether `fetch(last=True)` can read the last page (else: paged to)
    SCAN_CHUNK = 500  # rows per read when paging forward to the last page

    # repaint=False: the watcher redraws just the two mark cells, not the whole list.
    cursor_row: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Loaded(Message):
        """A page is on screen (tests and status lines wait for it)."""

    class Chosen(Message):
        def __init__(self, row: Any) -> None:
            super().__init__()
            self.row = row

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        translate_bindings(self)
        self.page_rows: list[Row] = []
        self._lines: list[str] = []

    # --- what a subclass provides --------------------------------------------------------------

    def columns(self) -> Sequence[tuple[str, int]]:
        """(header, width in cells) of each column for the current width."""
        raise NotImplementedError

    def cells(self, row: Row) -> Sequence[str]:
        raise NotImplementedError

    def row_key(self, row: Row) -> Any:
        raise NotImplementedError

    def fetch(self, request: PageRequest, limit: int) -> list[Row]:
        """Read one page (runs in a worker thread)."""
        raise NotImplementedError

    def empty_text(self) -> str:
        return ""

    # --- drawing -------------------------------------------------------------------------------

    def _line(self, cells: Sequence[str]) -> str:
        return " ".join(pad(text, width) for text, (_label, width) in zip(cells, self.columns()))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            header = " " * MARK + self._line([label for label, _w in self.columns()])
            return Strip([Segment(pad(header, width), HEADER)], width)
        index = y - 1
        if index >= len(self._lines):
            text = self.empty_text() if index == 0 and not self._lines else ""
            return Strip([Segment(pad("  " + text, width), PLAIN)], width)
        mark = Segment("> ", CURSOR) if index == self.cursor_row else Segment("  ", PLAIN)
        return Strip([mark, Segment(pad(self._lines[index], width - MARK), PLAIN)], width)

    def watch_cursor_row(self, old: int, new: int) -> None:
        self.refresh(Region(0, old + 1, MARK, 1), Region(0, new + 1, MARK, 1))

    def redraw_rows(self) -> None:
        """Rebuild the lines of the rows held (after their contents changed)."""
        self._lines = [self._line(self.cells(row)) for row in self.page_rows]
        self.refresh()

    # --- loading -------------------------------------------------------------------------------

    @property
    def page_size(self) -> int:
        # One screenful: the widget's height less its header line.
        return max(5, (self.size.height or 20) - 1)

    def reload(self) -> None:
        """Read the first page again."""
        self._load(PageRequest())

    def reload_page(self, cursor_row: int | None = None) -> None:
        """Read the page now shown again, from its first row on (where `key_before` can say
        what comes just before that row); the first page otherwise."""
        before = self.key_before(self.page_rows[0]) if self.page_rows else None
        row = self.cursor_row if cursor_row is None else cursor_row
        self._load(PageRequest(after=before, cursor_row=row) if before is not None else PageRequest())

    def key_past_end(self) -> Any:
        """A keyset cursor after every row, so that `before` it reads the last page; None:
        G/End page forward to the end (fine for short lists)."""
        return None

    def key_before(self, row: Row) -> Any:
        """A keyset cursor just before `row`, or None if the subclass cannot make one."""
        return None

    @work(thread=True, exclusive=True, group="paged-table")
    def _load(self, request: PageRequest) -> None:
        if request.last and not self.SUPPORTS_LAST:
            past = self.key_past_end()
            if past is not None:
                rows = self.fetch(PageRequest(before=past), self.page_size)
            else:
                rows = self._last_by_paging(self.page_size)
        else:
            rows = self.fetch(request, self.page_size)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, rows, request)

    def _show(self, rows: list[Row], request: PageRequest) -> None:
        if not rows and (request.after is not None or request.before is not None):
            self.app.bell()  # nothing further that way: keep the page we have
            return
        self.page_rows = rows
        target = len(rows) - 1 if request.cursor_row < 0 else min(request.cursor_row, max(0, len(rows) - 1))
        self.set_reactive(PagedTable.cursor_row, target)
        self.redraw_rows()
        self.post_message(self.Loaded())

    def on_resize(self) -> None:
        # A new height is a new page size (also while the first page is still being read).
        self._load(PageRequest())

    # --- movement ------------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        if self.page_rows and self.cursor_row >= len(self.page_rows) - 1:
            self.action_next_page()
        elif self.page_rows:
            self.cursor_row += 1

    def action_cursor_up(self) -> None:
        if self.page_rows and self.cursor_row <= 0:
            self._load(PageRequest(before=self.row_key(self.page_rows[0]), cursor_row=-1))
        elif self.page_rows:
            self.cursor_row -= 1

    def action_next_page(self) -> None:
        if self.page_rows:
            self._load(PageRequest(after=self.row_key(self.page_rows[-1])))

    def action_previous_page(self) -> None:
        if self.page_rows:
            self._load(PageRequest(before=self.row_key(self.page_rows[0])))

    def action_first_page(self) -> None:
        self._load(PageRequest())

    def action_last_page(self) -> None:
        self._load(PageRequest(last=True, cursor_row=-1))

    def _last_by_paging(self, limit: int) -> list[Row]:
        """The last `limit` rows of a list that reads only forward: read on to its end in large
        pages (in the worker), holding two of them at most."""
        worker = get_current_worker()
        previous: list[Row] = []
        page = self.fetch(PageRequest(), self.SCAN_CHUNK)
        while page and len(page) >= self.SCAN_CHUNK and not worker.is_cancelled:
            following = self.fetch(PageRequest(after=self.row_key(page[-1])), self.SCAN_CHUNK)
            if not following:
                break
            previous, page = page, following
        return (previous + page)[-limit:]

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Chosen(self.current))

    def move_cursor(self, row: int) -> None:
        if self.page_rows:
            self.cursor_row = max(0, min(row, len(self.page_rows) - 1))

    @property
    def current(self) -> Row | None:
        rows = self.page_rows
        return rows[self.cursor_row] if rows and 0 <= self.cursor_row < len(rows) else None

    def visible_text(self) -> str:
        """The list as shown (header and rows), for tests."""
        header = self._line([label for label, _w in self.columns()])
        return "\n".join([header, *self._lines])
