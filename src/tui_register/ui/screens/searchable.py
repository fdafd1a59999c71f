"""A section screen whose list is searched from a box above it (households, volunteers,
a campaign's checklist): `/` goes to the box, each keystroke searches, Enter goes to the
list, Esc clears.

Keys typed ahead ("/侯静" Enter Enter in one burst) keep their order: the box and the list
have a message queue each, so Enter moves the focus at once (a priority binding, in the
order the keys arrived) and the list holds every key after it until the search those
keystrokes started has drawn its page."""

from __future__ import annotations

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label

from tui_register.i18n import _
from tui_register.ui.bindings import bindings_of
from tui_register.ui.screens.base import SectionScreen
from tui_register.ui.widgets.line_input import LineInput
from tui_register.ui.widgets.paged_table import PagedTable


class SearchableScreen(SectionScreen):
    # Priority keys (registry): handled before the key reaches the list, so that the focus has
    # moved before the next keys of a fast burst ("/zs") are delivered.
    BINDINGS = bindings_of("search")
    SEARCH_PLACEHOLDER = "ui.search_placeholder"

    def compose_search(self) -> ComposeResult:
        with Horizontal(id="search-bar"):
            yield Label(_("ui.search_label"), id="search-label")
            # A pasted name with a line break searches for the whole of it (terms joined).
            search = LineInput(placeholder=_(self.SEARCH_PLACEHOLDER), id="search", compact=True)
            search.cursor_blink = False  # a blinking cursor redraws twice a second on a slow link
            yield search

    @property
    def table(self) -> PagedTable:
        raise NotImplementedError

    @property
    def search(self) -> Input:
        return self.query_one("#search", Input)

    def search_changed(self, text: str) -> None:
        """Show the list for `text` (each keystroke; a newer search supersedes an older one)."""
        raise NotImplementedError

    def action_focus_search(self) -> None:
        if self.focused is self.search:
            self.search.insert_text_at_cursor("/")  # a "/" typed in the search text itself
            return
        # Focus at once (Widget.focus() would wait a turn).
        self.set_focus(self.search)

    def action_clear_search(self) -> None:
        if self.search.value:
            self.search.value = ""
        self.table.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search_changed(event.value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit_search":
            # Only from the search box: elsewhere Enter is the list's (and its footer entry).
            focused = self.focused
            return focused is not None and focused.id == "search"
        return super().check_action(action, parameters)

    def action_submit_search(self) -> None:
        if self.focused is not self.search:
            raise SkipAction()  # Enter on the list opens the row
        table, search = self.table, self.search
        table.hold()
        self.set_focus(table)  # the keys after this Enter go to the list, and wait there
        # The box may not have read the last keystrokes yet: submit behind them in its queue.
        search.call_later(lambda: search.post_message(Input.Submitted(search, search.value)))

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        # The search for the text submitted has started (its Changed came first): the keys
        # held wait for its page now.
        table = self.table
        if self.focused is self.search:
            self.set_focus(table)
        table.move_cursor(0)
        table.release()
