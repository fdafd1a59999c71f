"""Small modal dialogs: confirm, conflict (reload / compare), and the key help."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from tui_register.i18n import _
from tui_register.ui.bindings import key, translate_bindings
from tui_register.ui.text import safe


class ConfirmDialog(ModalScreen[bool]):
    """A question answered with y/Enter (yes) or n/Esc (no)."""

    BINDINGS = [
        key("y,enter", "answer(True)", "key.yes", "confirm.yes"),
        key("n,escape", "answer(False)", "key.no", "confirm.no"),
    ]

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

    BINDINGS = [
        key("r", "choose('reload')", "key.reload", "conflict.reload"),
        key("c", "choose('compare')", "key.compare", "conflict.compare"),
        key("escape", "choose('keep')", "key.keep_editing", "conflict.keep"),
    ]

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

    BINDINGS = [
        key("o", "answer(True)", "key.keep_mine", "compare.mine"),
        key("escape", "answer(False)", "key.back", "compare.back"),
    ]

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
    """Every key of the screen underneath, with what it does."""

    BINDINGS = [key("escape,q,question_mark,f1", "close", "key.close", "help.close")]

    def __init__(self, bindings: list[tuple[str, str]]) -> None:
        super().__init__()
        translate_bindings(self)
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(_("ui.help_title"), classes="dialog-title")
            with VerticalScroll():
                table = DataTable(cursor_type="none", zebra_stripes=False, show_cursor=False)
                table.add_columns(_("ui.col_key"), _("ui.col_action"))
                for keys, description in self.bindings:
                    table.add_row(keys, description)
                yield table
            yield Static(_("ui.help_keys"), classes="dialog-keys")

    def action_close(self) -> None:
        self.dismiss(None)
