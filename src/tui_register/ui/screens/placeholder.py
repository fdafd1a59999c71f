"""A section that is not built yet says so plainly."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from tui_register.i18n import _
from tui_register.ui.screens.base import SectionScreen


class PlaceholderScreen(SectionScreen):
    def __init__(self, section_key: str) -> None:
        self.SECTION_KEY = section_key
        super().__init__()

    def compose_body(self) -> ComposeResult:
        yield Static(_("ui.not_built", section=_(self.SECTION_KEY)), id="placeholder")
