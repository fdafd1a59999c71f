"""The frame every section screen shares: header, body, footer."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from tui_register.i18n import _
from tui_register.ui.bindings import translate_bindings
from tui_register.ui.widgets.app_header import AppHeader


class SectionScreen(Screen):
    """A screen with the app header; subclasses yield their body from `compose_body`.

    A screen that reads its content in a worker sets `HOLDS_KEYS` and calls `release_keys()`
    once the content is shown: keys typed meanwhile (an `e` right behind the Enter that opened
    a household, over a slow link) wait from the moment the screen exists, then run in the
    order they came, as if typed after the content arrived."""

    SECTION_KEY = ""
    HOLDS_KEYS = False  # True: keys wait for `release_keys()` (the content has been read)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        translate_bindings(self)
        self._holding = self.HOLDS_KEYS
        self._held: list[events.Key] = []

    def hold_keys(self) -> None:
        self._holding = True

    def release_keys(self) -> None:
        self._holding = False
        self.call_later(self._replay_held)

    async def on_key(self, event: events.Key) -> None:
        if self._holding:
            event.stop()
            event.prevent_default()
            self._held.append(event)

    async def _replay_held(self) -> None:
        while self._held and not self._holding:
            event = self._held.pop(0)
            if self.app.screen is not self:
                # A key opened another screen: the rest go where the focus is now.
                self.app.redeliver(event)
            else:
                await self.app._check_bindings(event.key)  # Textual 8.2 (pinned): the non-priority bindings

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
