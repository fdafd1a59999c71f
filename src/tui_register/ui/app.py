"""The Textual app: sections, global keys, help, command palette, quitting.

Sections are Textual modes, each with its own screen stack, reachable from anywhere with
one key (1-5 outside text fields, F2-F6 everywhere). The theme is the terminal's own ANSI
palette: it works with 16 colours and sends the fewest bytes over a slow SSH link;
NO_COLOR gives monochrome.
"""

from __future__ import annotations

import importlib
import logging
from datetime import date
from functools import partial
from typing import Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.worker import WorkerFailed

from tui_register.domain.text import display_safe
from tui_register.i18n import _
from tui_register.ui import options, textual_text
from tui_register.ui.bindings import key, translate_bindings
from tui_register.ui.screens.dialogs import ConfirmDialog, HelpScreen
from tui_register.ui.services import households as household_service
from tui_register.ui.services import office as office_service
from tui_register.ui.services import staff as staff_service
from tui_register.ui.services import visits as visit_service

log = logging.getLogger(__name__)

ARROWS = {"up": "Up", "down": "Down", "left": "Left", "right": "Right"}

# Textual's own bindings, in the interface language.
BUILTIN = {"Copy selected text": "key.copy", "Focus Next": "key.next_field",
           "Focus Previous": "key.previous_field"}


def describe(description: str) -> str:
    return _(BUILTIN[description]) if description in BUILTIN else textual_text.describe(description)


# Section -> (title key, "module:Screen" opened on first use).
SECTIONS = (
    ("households", "section.households", "tui_register.ui.screens.households:HouseholdsScreen"),
    ("visits", "section.visits", "tui_register.ui.screens.visits:VisitsScreen"),
    ("volunteers", "section.volunteers", "tui_register.ui.screens.volunteers:VolunteersScreen"),
    ("reports", "section.reports", "tui_register.ui.screens.reports:ReportsScreen"),
    ("sync", "section.sync", "tui_register.ui.screens.sync:SyncScreen"),
)


def _section_factory(target: str):
    """The section's screen, imported when the section is first opened (a fast start)."""

    def make() -> Screen:
        module_name, _sep, class_name = target.partition(":")
        return getattr(importlib.import_module(module_name), class_name)()

    return make


class RegisterApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "tui-register"
    ENABLE_COMMAND_PALETTE = True
    MODES = {name: _section_factory(screen) for name, _k, screen in SECTIONS}
    BINDINGS = [
        *(key(f"{i + 1},f{i + 2}", f"section('{name}')", f"key.section_{name}", f"app.section_{name}",
              show=False) for i, (name, _k, _s) in enumerate(SECTIONS)),
        key("question_mark,f1", "help", "key.help", "app.help"),
        key("q", "quit", "key.quit", "app.quit"),
        key("ctrl+q", "quit", "key.quit", "app.quit_anywhere", show=False, priority=True),
        key("ctrl+p", "command_palette", "key.palette", "app.palette", show=False),
    ]

    def __init__(self, settings, user: str, role: str | None = None, *, today: date | None = None) -> None:
        """`today` fixes the date shown (tests and snapshots); otherwise the real date."""
        # ansi_color: the terminal's own palette, not true colour: fewer bytes per change,
        # right in 16 colours, and under NO_COLOR every colour is dropped (bold and reverse stay).
        textual_text.translate_textual_bindings()  # before any widget copies its bindings
        super().__init__(ansi_color=True)
        translate_bindings(self)
        self.settings = settings
        self.user = user
        self.role = role
        self._today = today
        self.last_visitors = ""  # remembered for the next visit entered
        self.theme = "ansi-dark"
        if settings.keys:
            self.set_keymap(dict(settings.keys))

    def today(self) -> date:
        return self._today or date.today()

    def on_mount(self) -> None:
        self.load_places()
        self.switch_mode("households")
        self.load_office(ask=True)
        if self.role is None:
            self.notify(_("ui.read_only_notice", user=self.user), severity="warning", timeout=10)

    @work(thread=True, group="places")
    def load_places(self) -> None:
        """Choices that come from the database, read once in the background."""
        places = [(p.path.replace("/", " / "), p.uuid) for p in household_service.places() if p.level != "township"]
        goods, visitors = visit_service.goods_choices(), visit_service.visitor_names()
        self.call_from_thread(options.set_places, places)
        self.call_from_thread(options.remember, options.GOODS, goods)
        self.call_from_thread(options.remember, options.VISITORS, visitors)

    @work(thread=True, group="office")
    def load_office(self, ask: bool = False) -> None:
        """The office the register keeps, where the configuration names none (first run)."""
        name, code = office_service.stored_office()
        self.call_from_thread(self._office_loaded, name, code, ask)

    def _office_loaded(self, name: str, code: str, ask: bool) -> None:
        from tui_register.config import with_office

        self.settings = with_office(self.settings, name, code)
        for header in self.screen.query("AppHeader"):
            header.refresh()
        if ask and not self.settings.office_name and self.role == "supervisor":
            from tui_register.ui.forms.office import OfficeForm

            self.push_screen(OfficeForm(code=self.settings.office_code),
                             lambda saved: self.load_office() if saved else self.notify(_("ui.office_later")))

    # --- sections, help, palette ------------------------------------------------------------

    def action_section(self, name: str) -> None:
        if self.current_mode != name:
            self.switch_mode(name)

    def _screen_keys(self, screen: Screen) -> list[tuple[str, str, str, object]]:
        """(keys, description, action, node) for every action of the screen, keys grouped."""
        grouped: dict[tuple[str, str], tuple[list[str], object]] = {}
        for active in screen.active_bindings.values():
            binding = active.binding
            description = describe(binding.description)
            if not description:
                continue
            keys, _node = grouped.setdefault((binding.action, description), ([], active.node))
            keys.append(self.get_key_display(binding))
        return [(" / ".join(keys), description, action, node)
                for (action, description), (keys, node) in grouped.items()]

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        rows = sorted((keys, description) for keys, description, _a, _n in self._screen_keys(self.screen))
        self.push_screen(HelpScreen(rows))

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if not CommandPalette.is_open(self):
            self.push_screen(textual_text.TranslatedCommandPalette(placeholder=_("ui.palette_placeholder"),
                                                                   id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action of the screen, by its name in the interface language."""
        for keys, description, action, node in self._screen_keys(screen):
            if action != "command_palette":
                yield SystemCommand(description, keys, partial(self.run_action, action, node))

    def get_key_display(self, binding) -> str:
        # Arrows are of ambiguous width (two cells in many Chinese terminals): spell them.
        return ARROWS.get(binding.key) or super().get_key_display(binding)

    # --- quitting ---------------------------------------------------------------------------

    async def action_quit(self) -> None:
        from tui_register.ui.forms.base import FormScreen

        forms = [s for s in self.screen_stack if isinstance(s, FormScreen) and s.dirty]
        if not forms:
            self.exit()
            return
        self.push_screen(ConfirmDialog(_("ui.quit_unsaved")), lambda yes: self.exit() if yes else None)

    def notify(self, message: str, *, title: str = "", severity="information", timeout=None,
               markup: bool = False) -> None:
        """Notices quote stored text (names, addresses): never markup, no control characters.

        `markup` is ignored: widgets' own `notify` passes its default True along.
        """
        super().notify(display_safe(message), title=title, severity=severity, timeout=timeout, markup=False)

    # --- errors never reach the user as a traceback ------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        cause = error.error if isinstance(error, WorkerFailed) else error
        log.error("unexpected error in the interface", exc_info=(type(cause), cause, cause.__traceback__))
        try:
            self.notify(_("ui.unexpected_error"), severity="error", timeout=10)
        except Exception:  # noqa: BLE001 - the app is past saving: let Textual end it
            super()._handle_exception(error)


def run_app(settings, user: str) -> int:
    role = staff_service.role_of(user)
    RegisterApp(settings, user, role).run(mouse=settings.mouse)
    return 0
