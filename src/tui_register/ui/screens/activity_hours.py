"""Asking for one participant's hours: type them, Enter."""

from __future__ import annotations

from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui_register.domain.errors import FieldError
from tui_register.domain.fields import parse_hours
from tui_register.i18n import _
from tui_register.ui.bindings import bindings_of, translate_bindings
from tui_register.ui.text import safe
from tui_register.ui.widgets.line_input import LineInput


class HoursDialog(ModalScreen[Decimal | None]):
    """Hours with one decimal at most (2.5); a problem is shown under the field."""

    DEFAULT_CSS = """
    HoursDialog #hours { width: 12; }
    HoursDialog #hours-error { height: auto; text-style: bold; color: $error; }
    """
    BINDINGS = bindings_of("hours")

    def __init__(self, name: str, hours: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.person = name
        self.hours = hours

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(safe(_("vol.hours_title", name=self.person), "bold"), classes="dialog-title")
            yield LineInput(self.hours, id="hours", compact=True, join_lines=False)
            yield Static(id="hours-error")
            yield Static(_("vol.hours_keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        field = self.query_one("#hours", Input)
        field.cursor_blink = False
        field.focus()

    @on(Input.Submitted, "#hours")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            hours = parse_hours(event.value)
        except FieldError as err:
            self.query_one("#hours-error", Static).update(safe(err.problem(), "bold"))
            return
        self.dismiss(hours)

    def action_cancel(self) -> None:
        self.dismiss(None)
