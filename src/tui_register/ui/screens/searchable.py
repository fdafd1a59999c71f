"""A section screen whose list is searched from a box above it (households, volunteers,
a campaign's checklist): `/` goes to the box, each keystroke searches, Enter goes to the
list, Esc clears."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label

from tui_register.i18n import _
from tui_register.ui.bindings import bindings_of
from tui_register.ui.screens.base import SectionScreen
from tui_register.ui.widgets.paged_table import PagedTable


class SearchableScreen(SectionScreen):
    BINDINGS = bindings_of("search")
    SEARCH_PLACEHOLDER = "ui.search_placeholder"

    def compose_search(self) -> ComposeResult:
        with Horizontal(id="search-bar"):
            yield Label(_("ui.search_label"), id="search-label")
            search = Input(placeholder=_(self.SEARCH_PLACEHOLDER), id="search", compact=True)
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

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.table.focus()
        self.table.move_cursor(0)
