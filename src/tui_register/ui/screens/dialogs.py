"""Small modal dialogs: confirm, conflict (reload / compare), and the key help."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from tui_register.i18n import _
from tui_register.ui.bindings import bindings_of, translate_bindings
from tui_register.ui.text import fit, safe


class ConfirmDialog(ModalScreen[bool]):
    """A question answered with y/Enter (yes) or n/Esc (no)."""

    BINDINGS = bindings_of("confirm")

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(safe(self.question, "bold"), classes="dialog-title")
            if self.detail:
                yield Static(safe(self.detail))
            yield Static(_("ui.confirm_keys"), classes="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ConflictDialog(ModalScreen[str]):
    """Someone else saved the record meanwhile: reload theirs, compare, or keep editing."""

    BINDINGS = bindings_of("conflict")

    def __init__(self, message: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(safe(self.message, "bold"), classes="dialog-title")
            yield Static(_("ui.conflict_keys"), classes="dialog-keys")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class CompareDialog(ModalScreen[bool]):
    """Yours against theirs, field by field; `o` keeps yours (to save over theirs on purpose)."""

    BINDINGS = bindings_of("compare")

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        translate_bindings(self)
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(_("ui.compare_title"), classes="dialog-title")
            table = DataTable(cursor_type="row", zebra_stripes=False)
            table.add_columns(_("ui.col_field"), _("ui.col_yours"), _("ui.col_theirs"))
            for name, mine, theirs in self.rows:
                mark = "*" if mine != theirs else " "
                table.add_row(Text(mark + name), safe(mine), safe(theirs))
            yield table
            yield Static(_("ui.compare_keys"), classes="dialog-keys")

    def action_answer(self, mine: bool) -> None:
        self.dismiss(mine)


class HelpScreen(ModalScreen[None]):
    """Every key of the screen underneath, with what it does: the screen's own keys first,
    then those that work everywhere. Up/Down (j/k) and PgUp/PgDn scroll it."""

    BINDINGS = bindings_of("help")
    KEYS_WIDTH = 18  # cells of the key column

    def __init__(self, own: list[tuple[str, str]], everywhere: list[tuple[str, str]] = ()) -> None:
        super().__init__()
        translate_bindings(self)
        self.own = list(own)
        self.everywhere = list(everywhere)
        self.bindings = self.own + self.everywhere  # (keys, description) in the order shown

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(_("ui.help_title"), classes="dialog-title")
            header = fit(_("ui.col_key"), self.KEYS_WIDTH)
            yield Static(Text(header + " " * (self.KEYS_WIDTH - cell_len(header)) + "  " + _("ui.col_action"),
                              "bold underline"))
            with VerticalScroll(id="help-list", can_focus=False):
                yield Static(self._text(), id="help-text")
            yield Static(_("ui.help_keys"), classes="dialog-keys")

    def _text(self) -> Text:
        text = Text()
        for heading, rows in ((_("ui.help_own"), self.own), (_("ui.help_everywhere"), self.everywhere)):
            if not rows:
                continue
            if text:
                text.append("\n")
            text.append(heading + "\n", "bold")
            for keys, description in rows:
                text.append(fit(keys, self.KEYS_WIDTH).ljust(self.KEYS_WIDTH) + "  ")
                text.append(safe(description))
                text.append("\n")
        text.rstrip()
        return text

    def action_scroll_help(self, step: int) -> None:
        self.query_one("#help-list", VerticalScroll).scroll_relative(y=step, animate=False, immediate=True)

    def action_page_help(self, step: int) -> None:
        scroll = self.query_one("#help-list", VerticalScroll)
        scroll.scroll_relative(y=step * max(1, scroll.size.height - 1), animate=False, immediate=True)

    def action_close(self) -> None:
        self.dismiss(None)
