"""The frame every section screen shares: header, body, footer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from tui_register.i18n import _
from tui_register.ui.bindings import translate_bindings
from tui_register.ui.widgets.app_header import AppHeader


class SectionScreen(Screen):
    """A screen with the app header; subclasses yield their body from `compose_body`."""

    SECTION_KEY = ""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        app = self.app
        header = AppHeader(app.settings.office_name, app.user, app.role)
        header.section = _(self.SECTION_KEY) if self.SECTION_KEY else ""
        yield header
        yield from self.compose_body()
        yield Footer(compact=True, show_command_palette=False)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_screen_resume(self) -> None:
        # A little later: the first list should not wait behind the count of the sync queue.
        self.set_timer(0.3, self.query_one(AppHeader).refresh_pending)
