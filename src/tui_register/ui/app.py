"""The Textual app: sections, global keys, help, command palette, quitting.

Sections are Textual modes, each with its own screen stack, reachable from anywhere with
one key (1-6 outside text fields, F2-F7 everywhere). The theme is the terminal's own ANSI
palette: it works with 16 colours and sends the fewest bytes over a slow SSH link;
NO_COLOR gives monochrome.
"""

from __future__ import annotations

import bisect
import importlib
import logging
import sys
import time
from datetime import date
from weakref import WeakKeyDictionary

from textual import events, work
from textual.app import App
from textual.command import CommandPalette
from textual.screen import Screen
from textual.worker import WorkerFailed

from tui_register.domain.text import display_safe
from tui_register.exit_codes import ExitCode
from tui_register.i18n import _
from tui_register.ui import textual_text
from tui_register.ui.bindings import bindings_of, keys_problem, translate_bindings
from tui_register.ui.keymap import ORDER
from tui_register.ui.palette import KeyCommands, RegisterPalette
from tui_register.ui.screens.base import SectionScreen
from tui_register.ui.screens.dialogs import ConfirmDialog, HelpScreen
from tui_register.ui.services import households as household_service
from tui_register.ui.services import office as office_service
from tui_register.ui.services import staff as staff_service
from tui_register.ui.services import visits as visit_service
from tui_register.ui.state import SessionState
from tui_register.ui.terminal_input import read_escape_apart, split_alt

log = logging.getLogger(__name__)

ARROWS = {"up": "Up", "down": "Down", "left": "Left", "right": "Right"}

# Textual's own bindings, in the interface language.
BUILTIN = {"Copy selected text": "key.copy", "Focus Next": "key.next_field",
           "Focus Previous": "key.previous_field"}


def describe(description: str) -> str:
    return _(BUILTIN[description]) if description in BUILTIN else textual_text.describe(description)


SCREEN_OPENING_S = 1.0  # the longest a key waits for a screen to focus something
KEY_JOURNEY_S = 2.0  # the longest a key waits for the key ahead of it (one dropped on the way)

# Section -> (title key, "module:Screen" opened on first use).
SECTIONS = (
    ("households", "section.households", "tui_register.ui.screens.households:HouseholdsScreen"),
    ("visits", "section.visits", "tui_register.ui.screens.visits:VisitsScreen"),
    ("volunteers", "section.volunteers", "tui_register.ui.screens.volunteers:VolunteersScreen"),
    ("reports", "section.reports", "tui_register.ui.screens.reports:ReportsScreen"),
    ("sync", "section.sync", "tui_register.ui.screens.sync:SyncScreen"),
    ("payments", "section.payments", "tui_register.ui.screens.payments:PaymentsScreen"),
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
    COMMANDS = {KeyCommands}  # the registry's actions, not Textual's English system commands
    MODES = {name: _section_factory(screen) for name, _k, screen in SECTIONS}
    BINDINGS = bindings_of("app")

    def __init__(self, settings, user: str, role: str | None = None, *, today: date | None = None) -> None:
        """`today` fixes the date shown (tests and snapshots); otherwise the real date."""
        # ansi_color: the terminal's own palette, not true colour: fewer bytes per change,
        # right in 16 colours, and under NO_COLOR every colour is dropped (bold and reverse stay).
        textual_text.translate_textual_bindings()  # before any widget copies its bindings
        read_escape_apart()  # Escape then a key, read together over a slow link: two keys
        super().__init__(ansi_color=True)
        translate_bindings(self)
        self.settings = settings
        self.user = user
        self.role = role
        self._today = today
        self.state = SessionState()  # places and remembered entries, this app's own
        self._held_keys: list[events.Key] = []  # typed ahead of a screen still opening, in order
        self._keys_typed = 0  # every key from the terminal is numbered as it arrives (typed_at)
        self._on_its_way: events.Key | None = None  # the last key handed to the widgets
        self._on_its_way_since = 0.0
        self._screens_seen: WeakKeyDictionary[Screen, float] = WeakKeyDictionary()
        self._releasing = False
        self._focus_seen = None  # the focused widget at the last look (see _screen_ready)
        self.theme = "ansi-dark"
        if settings.keys:
            self.set_keymap(dict(settings.keys))

    def today(self) -> date:
        return self._today or date.today()

    # --- keys typed ahead of a screen that is opening ---------------------------------------------
    # `n` then an address in one burst: the address arrives before the form has mounted and
    # focused its first field, and Textual would hand it to a screen with nothing focused (lost).
    # Such keys wait here and go on, in order, once the screen has its focus.

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            apart = None if hasattr(event, "typed_at") else split_alt(event)
            if apart is not None:  # Escape and the key after it, read together
                for key in apart:
                    await self.on_event(key)
                return
            if not hasattr(event, "typed_at"):
                self._keys_typed += 1
                event.typed_at = self._keys_typed
            if self._held_keys or not self._screen_ready() or self._key_ahead_unread():
                self._held_keys.append(event)
                self._release_later()
                return
            await self._deliver(event)
            return
        if isinstance(event, events.Key):
            event.came_back = True
            # Back from the widgets, for its (non-priority) bindings. If a key ahead of it opened
            # another screen meanwhile (`e` then an edit and ^S, in one burst), it was typed for
            # that screen: delivered to it afresh, in order, not run against the one it left.
            delivered_to = getattr(event, "typed_for", None)
            if delivered_to is not None and delivered_to is not self.screen:
                self.redeliver(event)
                return
        await super().on_event(event)

    def redeliver(self, event: events.Key) -> None:
        """A key that reached a screen no longer in front (a list still working through the
        keys behind the `n` that opened a form): to the screen in front now, before every key
        typed after it. Posted to the app instead, it would queue behind the rest of the burst
        the terminal had delivered meanwhile (人民路 saved as 民路, the 人 in the phone)."""
        again = events.Key(event.key, event.character)
        again.typed_at = getattr(event, "typed_at", self._keys_typed)
        bisect.insort(self._held_keys, again, key=lambda held: held.typed_at)
        self._release_later()

    def _screen_ready(self, *, settle: bool = False) -> bool:
        """Mounted, and focused unless it has nothing to focus (a screen that never focuses
        anything gets its keys after a second all the same). With `settle`, for keys that
        waited for a screen to open, a focus just given is let settle first: the field
        handles its Focus (an Input selects its text) before the keys typed for it."""
        screen = self.screen
        if not screen.is_mounted:
            return False
        if screen.message_queue_size:
            return False  # back in front, its ScreenResume unread: what it does (a reload) comes first
        if getattr(screen, "holding_keys", False):
            return False  # an action of the screen still waits (the picker's choice, for the pinyin)
        if self.focused is not None:
            if not settle:
                return True
            settled = self.focused is self._focus_seen
            self._focus_seen = self.focused
            return settled
        if not screen.focus_chain:
            return True
        first = self._screens_seen.setdefault(screen, time.monotonic())
        return time.monotonic() - first > SCREEN_OPENING_S

    # One key at a time, as typed slowly: a key waits until the key before it has been read
    # (stopped by a widget, or back here for the bindings). Handed on at once, `/` (a priority
    # key, run here) searched the household list while the `6` before it still waited at the
    # list; a Down queued at the search box behind the Escape that moved the focus to the list
    # was read by the box.

    def _key_ahead_unread(self) -> bool:
        key = self._on_its_way
        if key is None:
            return False
        # Done: a widget stopped it, it came back up here, or its screen has closed (dropped).
        done = (key._stop_propagation or getattr(key, "came_back", False)
                or key.typed_for not in self.screen_stack)
        if done or time.monotonic() - self._on_its_way_since > KEY_JOURNEY_S:
            self._on_its_way = None
            return False
        return True

    @property
    def keys_waiting(self) -> bool:
        """Keys typed ahead that have not been handed to a screen yet."""
        return bool(self._held_keys)

    def _release_later(self) -> None:
        if not self._releasing:
            self._releasing = True
            self.set_timer(0.02, self._release_keys)

    async def _release_keys(self) -> None:
        self._releasing = False
        while self._held_keys:
            if not self._screen_ready(settle=True) or self._key_ahead_unread():
                self._release_later()  # a key opened another screen: the rest wait for it
                return
            await self._deliver(self._held_keys.pop(0))

    async def _deliver(self, event: events.Key) -> None:
        """Through Textual's routing, noting the screen the key was typed for."""
        event.typed_for = self.screen  # the same event comes back up once the widgets are done
        await super().on_event(event)
        if event.is_forwarded:  # not run here by a priority binding: on its way to a widget
            self._on_its_way, self._on_its_way_since = event, time.monotonic()

    def on_mount(self) -> None:
        self.load_places()
        self.switch_mode("households")
        self.load_office(ask=True)
        if self.role is None:
            self.notify(_("ui.read_only_notice", user=self.user), severity="warning", timeout=10)

    def on_line_input_paste_refused(self, event) -> None:
        """A paste of several lines refused outside the forms (which say it under the field):
        a notice naming the field by the label beside it. Matched by name, so that the start
        does not import the text widgets."""
        siblings = list(event.field.parent.children) if event.field.parent is not None else []
        index = siblings.index(event.field) if event.field in siblings else 0
        label = siblings[index - 1] if index > 0 else None
        name = str(label.content) if type(label).__name__ == "Label" else (event.field.placeholder or "")
        self.notify(_("ui.paste_refused", field=name, lines=event.lines), severity="warning", markup=False)

    @work(thread=True, group="places")
    def load_places(self) -> None:
        """Choices that come from the database, read once in the background."""
        places = [(p.path.replace("/", " / "), p.uuid) for p in household_service.places() if p.level != "township"]
        goods, visitors = visit_service.goods_choices(), visit_service.visitor_names()
        self.call_from_thread(self.state.set_places, places)
        self.call_from_thread(self.state.remember, {"goods": goods, "visitors": visitors})

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Digits and F2-F6 switch sections only from a section's own screens: in a form or a
        # dialog they belong to the fields (one Tab too many must not leave the form).
        if action == "section":
            return isinstance(self._working_screen(), SectionScreen)
        return True

    def _working_screen(self) -> Screen:
        """The screen the user works on: under the command palette when it is open."""
        stack = self.screen_stack
        if isinstance(stack[-1], CommandPalette) and len(stack) > 1:
            return stack[-2]
        return stack[-1]

    def screen_keys(self, screen: Screen) -> list[tuple[str, str, str, object, str | None]]:
        """(keys, description, action, node, binding id) for every action of the screen, keys
        grouped; the screen's own first, then those of everywhere, each in registry order."""
        grouped: dict[tuple[str, str], tuple[list[str], object, str | None]] = {}
        for active in screen.active_bindings.values():
            binding = active.binding
            description = describe(binding.description)
            if not description:
                continue
            keys, _node, _id = grouped.setdefault((binding.action, description), ([], active.node, binding.id))
            keys.append(self.get_key_display(binding))
        rows = [(" / ".join(keys), description, action, node, binding_id)
                for (action, description), (keys, node, binding_id) in grouped.items()]
        # The screen's own keys, then its widgets' (list movement), then the app's.
        rank = lambda row: 0 if row[3] is screen else 2 if row[3] is self else 1  # noqa: E731
        return sorted(rows, key=lambda row: (rank(row), ORDER.get(row[4] or "", len(ORDER))))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        rows = self.screen_keys(self.screen)
        own = [(keys, description) for keys, description, _a, node, _i in rows if node is not self]
        everywhere = [(keys, description) for keys, description, _a, node, _i in rows if node is self]
        self.push_screen(HelpScreen(own, everywhere))

    def action_command_palette(self) -> None:
        if not RegisterPalette.is_open(self):
            self.push_screen(RegisterPalette(placeholder=_("ui.palette_placeholder"), id="--command-palette"))

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
    problem = keys_problem(settings.keys)
    if problem:  # refused before any screen is built: a key that silently did nothing is worse
        print(problem, file=sys.stderr)
        return ExitCode.USAGE
    role = staff_service.role_of(user)
    RegisterApp(settings, user, role).run(mouse=settings.mouse)
    return ExitCode.OK
