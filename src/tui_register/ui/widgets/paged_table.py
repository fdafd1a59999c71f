"""A list of records drawn line by line, holding one screenful, fed page by page.

Lists in the register can hold a million rows; a `PagedTable` never holds more than the rows
it can show. Moving past the last row or pressing PgDn reads the next page by its keyset
cursor (the key of the last row shown); g/G read the first and the last page. Queries run
in a worker thread; a newer request makes an older one's result go unused.

Drawn with Textual's line API rather than a DataTable, for slow links: every row is one
unstyled segment, and the cursor is a `>` mark in the first two cells, so moving it redraws
those two cells on two lines (tens of bytes) instead of two whole rows.

Keys typed ahead must do what they would have done typed slowly: while a page is being read
(or a search box has handed the keys over but not yet started its search: `hold`), every key
that reaches the list is kept, and replayed in order once the page is drawn. A replayed key
that starts another read (Down past the last row) makes the rest wait again.

A resize keeps the record under the cursor; a terminal below `MIN_SIZE` gets a line saying so
instead of the header (columns are cut then).

A subclass says what a page is (`fetch`), how a row reads (`columns`, `cells`) and its keyset
cursor (`row_key`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Sequence, TypeVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.worker import get_current_worker

from tui_register.i18n import _
from tui_register.ui.bindings import bindings_of, translate_bindings
from tui_register.ui.text import fit

MARK = 2  # cells of the cursor mark column
CURSOR = Style(reverse=True, bold=True)
HEADER = Style(bold=True, underline=True)
WARNING = Style(reverse=True, bold=True)
MIN_SIZE = (80, 24)  # the terminal size every screen is laid out for
PLAIN = Style()  # never None: Textual's NO_COLOR filter reads every segment's style

Row = TypeVar("Row")


@dataclass(frozen=True)
class PageRequest:
    after: Any = None
    before: Any = None
    last: bool = False
    cursor_row: int = 0  # where the cursor goes on the new page (-1: last row)
    keep: Any = None  # the key of a row to put the cursor on if it is on the new page
    again: bool = False  # the page shown, read again: if its rows are gone, the first page


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
        self._loading = 0  # the number of the read whose page is awaited (0: none)
        self._reads = 0
        self._holds = 0
        self._backlog: list[events.Key] = []  # keys typed while a page was awaited, in order
        self._draining = False

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
            too_small = self.too_small_text()
            if too_small:
                return Strip([Segment(pad(too_small, width), WARNING)], width)
            header = " " * MARK + self._line([label for label, _w in self.columns()])
            return Strip([Segment(pad(header, width), HEADER)], width)
        index = y - 1
        if index >= len(self._lines):
            text = self.empty_text() if index == 0 and not self._lines else ""
            return Strip([Segment(pad("  " + text, width), PLAIN)], width)
        mark = Segment("> ", CURSOR) if index == self.cursor_row else Segment("  ", PLAIN)
        return Strip([mark, Segment(pad(self._lines[index], width - MARK), PLAIN)], width)

    def too_small_text(self) -> str:
        """The notice shown instead of the header while the terminal is below `MIN_SIZE`."""
        width, height = self.app.size
        if width >= MIN_SIZE[0] and height >= MIN_SIZE[1]:
            return ""
        return _("ui.window_too_small", width=MIN_SIZE[0], height=MIN_SIZE[1],
                 current_width=width, current_height=height)

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
        keep = self.row_key(self.current) if cursor_row is None and self.current is not None else None
        self._load(PageRequest(after=before, cursor_row=row, keep=keep, again=True) if before is not None
                   else PageRequest())

    def key_past_end(self) -> Any:
        """A keyset cursor after every row, so that `before` it reads the last page; None:
        G/End page forward to the end (fine for short lists)."""
        return None

    def key_before(self, row: Row) -> Any:
        """A keyset cursor just before `row`, or None if the subclass cannot make one."""
        return None

    def _load(self, request: PageRequest) -> None:
        # Counted here, on the event loop, so that a key right after the request waits for it.
        self._reads += 1
        self._loading = self._reads
        self._read(request, self._reads)

    @work(thread=True, exclusive=True, group="paged-table")
    def _read(self, request: PageRequest, number: int) -> None:
        if request.last and not self.SUPPORTS_LAST:
            past = self.key_past_end()
            if past is not None:
                rows = self.fetch(PageRequest(before=past), self.page_size)
            else:
                rows = self._last_by_paging(self.page_size)
        else:
            rows = self.fetch(request, self.page_size)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, rows, request, number)

    def _show(self, rows: list[Row], request: PageRequest, number: int = 0) -> None:
        if number and number != self._loading:
            return  # a newer read is under way: its page is the one awaited
        self._loading = 0
        if not rows and request.again:
            self._load(PageRequest())  # the rows shown are gone (closed, filtered out): from the top
            return
        if not rows and (request.after is not None or request.before is not None):
            self.app.bell()  # nothing further that way: keep the page we have
        else:
            self.page_rows = rows
            self.set_reactive(PagedTable.cursor_row, self._cursor_for(rows, request))
            self.redraw_rows()
            self.post_message(self.Loaded())
        self._replay_later()

    def _cursor_for(self, rows: list[Row], request: PageRequest) -> int:
        if request.keep is not None:
            for index, row in enumerate(rows):
                if self.row_key(row) == request.keep:
                    return index
        if request.cursor_row < 0:
            return len(rows) - 1
        return min(request.cursor_row, max(0, len(rows) - 1))

    def on_resize(self) -> None:
        # A new height is a new page size (also while the first page is still being read):
        # read again from the page's first row, so that the row under the cursor stays.
        self.refresh()
        current = self.current
        if current is None:
            self._load(PageRequest())
            return
        size = self.page_size
        first = max(0, self.cursor_row - (size - 1))  # the cursor's row must fit on the page
        before = self.key_before(self.page_rows[first])
        keep = self.row_key(current)
        if before is None and first > 0:
            self._load(PageRequest(keep=keep))
        else:
            self._load(PageRequest(after=before, cursor_row=self.cursor_row - first, keep=keep))

    # --- keys typed ahead ----------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether keys have to wait: a page is awaited, or a search has not started yet."""
        return bool(self._loading or self._holds)

    def hold(self) -> None:
        """Keep the keys that arrive until `release` (a search box handing over the focus
        before its last keystrokes have started the search)."""
        self._holds += 1

    def release(self) -> None:
        self._holds = max(0, self._holds - 1)
        self._replay_later()

    async def on_key(self, event: events.Key) -> None:
        # The list runs the key's binding itself, in the order the keys reached it: bubbled
        # up to the app, a burst's keys would all be read before the first binding ran.
        event.stop()
        event.prevent_default()
        if self.busy or self._backlog or self._draining:
            self._backlog.append(event)
        else:
            await self._run_key(event)

    async def _run_key(self, event: events.Key) -> None:
        if self.app.screen is not self.screen:
            # The key opened something meanwhile (a household): the rest go where the focus is now.
            # (Not `is_current`, which is true of a screen still visible behind another.)
            self.app.redeliver(event)
        elif self.has_focus:
            # The bindings of the list, its screen and the app, as Textual runs them for a
            # key that bubbles up (its priority bindings ran when the key arrived).
            await self.app._check_bindings(event.key)
        else:
            # A priority key typed after this one (/) has moved the focus already: this key
            # still does what it does on the list.
            await self._run_own_bindings(event.key)

    async def _run_own_bindings(self, key_name: str) -> None:
        for node in self.ancestors_with_self:
            bindings = node._bindings.copy()
            if self.app._keymap:
                bindings.apply_keymap(self.app._keymap)
            for binding in bindings.key_to_bindings.get(key_name, ()):
                if not binding.priority and await self.app.run_action(binding.action, node):
                    return

    def _replay_later(self) -> None:
        if self._backlog and not self.busy:
            # Through the list's own queue: keys still in it are kept behind the backlog.
            self.call_later(self._replay)

    async def _replay(self) -> None:
        if self._draining:
            return
        self._draining = True
        try:
            while self._backlog and not self.busy:
                await self._run_key(self._backlog.pop(0))
        finally:
            self._draining = False

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
            # The screen opens the row when Chosen reaches it: keys after this one wait until
            # it has, so that they go to what it opened (`e` right behind Enter edits it).
            self.hold()
            self.call_later(lambda: self.screen.call_later(self.release))

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
