"""A section that is not built yet says so plainly."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui_register.i18n import _
from tui_register.ui.bindings import translate_bindings


class PlaceholderScreen(Screen):
    def __init__(self, section_key: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.section_key = section_key

    def compose(self) -> ComposeResult:
        yield Static(_("ui.not_built", section=_(self.section_key)), id="placeholder")
        yield Footer()
