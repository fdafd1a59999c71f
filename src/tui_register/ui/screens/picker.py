"""Choosing by searching: a household (for a new visit or a campaign's list), or one of many
choices (a place among 43, a campaign) by typing part of its name or its pinyin initials.

`PickerSelect` is a Select that, when it has more choices than fit on a screen (or always,
for the report's campaign box), opens a `ChoicePicker` instead of its drop-down: a search
box over the choices that filters as you type (东关, dgsq, dongguan). Keys typed ahead keep
their order: Enter, Down and Up are priority bindings that run behind the keystrokes the
box has not read yet, and the filter follows the box's value as each keystroke lands.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any, Callable, Sequence

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Select, Static

from tui_register.i18n import _
from tui_register.ui.bindings import bindings_of, translate_bindings
from tui_register.ui.text import safe
from tui_register.ui.widgets.household_table import HouseholdTable
from tui_register.ui.widgets.line_input import LineInput

PICK_FROM = 12  # a Select with more choices than this opens the picker (a screenful of a list)


class HouseholdPicker(ModalScreen[str | None]):
    DEFAULT_CSS = """
    HouseholdPicker #picker { width: 100%; height: 100%; background: $panel; }
    HouseholdPicker #picker-search { height: 1; }
    """
    BINDINGS = bindings_of("picker")

    def __init__(self, title_key: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.title_key = title_key

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(_(self.title_key), id="form-title")
            yield LineInput(placeholder=_("ui.search_placeholder"), id="picker-search", compact=True)
            yield HouseholdTable(id="picker-list")
            yield Static(_("ui.picker_keys"), classes="dialog-keys")

    def on_mount(self) -> None:
        search = self.query_one("#picker-search", Input)
        search.cursor_blink = False
        search.focus()
        self.query_one(HouseholdTable).reload()

    @on(Input.Changed, "#picker-search")
    def _search(self, event: Input.Changed) -> None:
        table = self.query_one(HouseholdTable)
        table.reload(replace(table.filter, text=event.value))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit_search":  # only from the search box: on the list, Enter chooses
            focused = self.focused
            return focused is not None and focused.id == "picker-search"
        return super().check_action(action, parameters)

    def action_submit_search(self) -> None:
        search, table = self.query_one("#picker-search", Input), self.query_one(HouseholdTable)
        if self.focused is not search:
            raise SkipAction()
        table.hold()
        self.set_focus(table)
        search.call_later(lambda: search.post_message(Input.Submitted(search, search.value)))

    @on(Input.Submitted, "#picker-search")
    def _to_list(self) -> None:
        table = self.query_one(HouseholdTable)
        self.set_focus(table)
        table.move_cursor(0)
        table.release()

    @on(HouseholdTable.Chosen)
    def _chosen(self, event: HouseholdTable.Chosen) -> None:
        self.dismiss(event.row.uuid)

    def action_cancel(self) -> None:
        self.dismiss(None)


# --- choosing one of many choices ----------------------------------------------------------


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def search_keys(label: str) -> tuple[str, ...]:
    """What a choice is found by: its label, and the pinyin and initials of its name
    (城关街道 / 东关社区 → chengguanjiedaodongguanshequ, cgjddgsq). Runs pypinyin: call it
    off the event loop."""
    from tui_register.domain.names import pinyin_keys

    text = normalise(label)
    joined = "".join(re.split(r"[\s/]+", text))
    return (text, joined, *pinyin_keys(joined))


def matching(choices: Sequence[tuple[str, Any]], keys: Sequence[tuple[str, ...]] | None,
             query: str) -> list[int]:
    """Indexes of the choices every term of `query` is part of (by label alone until the
    pinyin keys are known), in their order."""
    terms = normalise(query).split()
    if not terms:
        return list(range(len(choices)))
    found = []
    for index, (label, _value) in enumerate(choices):
        haystacks = keys[index] if keys is not None else (normalise(label), "".join(normalise(label).split()))
        if all(any(term in h for h in haystacks) for term in terms):
            found.append(index)
    return found


class ChoicePicker(ModalScreen[Any]):
    """A search box over `choices` ((label, value)); Enter returns the highlighted value."""

    DEFAULT_CSS = """
    ChoicePicker { align: center middle; }
    ChoicePicker #choice-picker { width: 100%; height: 100%; background: $panel; }
    ChoicePicker #choice-search { height: 1; }
    ChoicePicker #choice-list { height: 1fr; }
    """
    BINDINGS = bindings_of("choice")

    def __init__(self, title: str, choices: Sequence[tuple[str, Any]], query: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.title_text = title
        self.choices = list(choices)
        self.query_text = query
        self.keys: list[tuple[str, ...]] | None = None  # pinyin keys, read in a worker
        self.matches: list[int] = matching(self.choices, None, query)
        self.index = 0
        self._waiting: list[Callable[[], None]] = []  # keys typed before the pinyin was known
        self._before_mount: list[Callable[[], None]] = []  # keys fed before the box existed
        self._ready = False  # the box is there (set in on_mount, before is_mounted is)
        self._deferred = 0  # moves and choices not run yet

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-picker"):
            yield Static(safe(self.title_text, "bold"), id="form-title")
            # Not selected on focus: the query is what the user began to type, and goes on.
            search = LineInput(self.query_text, placeholder=_("ui.choice_placeholder"), id="choice-search",
                               compact=True, select_on_focus=False)
            search.cursor_blink = False
            yield search
            yield OptionList(id="choice-list")
            yield Static(_("ui.picker_keys"), classes="dialog-keys")

    @property
    def search(self) -> Input:
        return self.query_one("#choice-search", Input)

    def on_mount(self) -> None:
        self._ready = True
        self.search.focus()
        # The filter follows the box's value as each keystroke lands (not a message later),
        # so that Enter behind the keystrokes chooses from what they selected.
        self.watch(self.search, "value", self._refilter, init=False)
        self._refilter(self.search.value)
        self._read_keys()
        fed, self._before_mount = self._before_mount, []
        for then in fed:
            self._behind_keystrokes(then)

    def feed(self, key_name: str, character: str | None) -> None:
        """A key typed on the field that opened the picker before the picker had the focus
        (a burst: the first character opened it, the rest were already on their way)."""
        actions = {"enter": self.action_choose, "down": lambda: self.action_move(1),
                   "up": lambda: self.action_move(-1), "escape": self.action_cancel,
                   "backspace": self._backspace}
        if key_name in actions:
            actions[key_name]()
        elif character and character.isprintable():
            if self._ready:
                self.search.insert_text_at_cursor(character)
            else:
                self.query_text += character

    def _backspace(self) -> None:
        if self._ready:
            self.search.action_delete_left()
        else:
            self.query_text = self.query_text[:-1]

    @work(thread=True, group="choice-keys")
    def _read_keys(self) -> None:
        keys = [search_keys(label) for label, _value in self.choices]
        self.app.call_from_thread(self._keys_read, keys)

    def _keys_read(self, keys: list[tuple[str, ...]]) -> None:
        self.keys = keys
        self._refilter(self.search.value, keep=True)
        waiting, self._waiting = self._waiting, []
        for then in waiting:
            then()

    def _refilter(self, value: str, keep: bool = False) -> None:
        chosen = self.matches[self.index] if keep and self.matches else None
        self.matches = matching(self.choices, self.keys, value)
        self.index = self.matches.index(chosen) if chosen in self.matches else 0
        self._draw()

    def _draw(self) -> None:
        options = self.query_one("#choice-list", OptionList)
        options.clear_options()
        if self.matches:
            options.add_options([safe(self.choices[i][0]) for i in self.matches])
            options.highlighted = self.index
        else:
            options.add_option(safe(_("ui.no_choice_matches")))
            options.highlighted = None

    def on_key(self, event: events.Key) -> None:
        # Typed before the box had the focus (right after the picker opened): into the box.
        if event.is_printable and event.character and self.focused is not self.search:
            event.stop()
            self.search.insert_text_at_cursor(event.character)

    @property
    def holding_keys(self) -> bool:
        """A move or a choice waits (for the pinyin keys): the keys typed after it wait too,
        at the app, as they would behind a slow typist (Ctrl+S after Enter: the filter's)."""
        return self._deferred > 0

    def _behind_keystrokes(self, then: Callable[[], None]) -> None:
        """Run `then` after the keystrokes the box has not read yet (and, with a search
        typed, once the pinyin keys are known)."""
        self._deferred += 1

        def done() -> None:
            self._deferred -= 1
            then()

        if not self._ready:
            self._before_mount.append(done)
            return

        def run() -> None:
            if self.keys is None and self.search.value.strip():
                self._waiting.append(done)
            else:
                done()

        (self.focused or self).call_later(run)

    def action_move(self, step: int) -> None:
        def move() -> None:
            if self.matches:
                self.index = max(0, min(self.index + step, len(self.matches) - 1))
                self.query_one("#choice-list", OptionList).highlighted = self.index
        self._behind_keystrokes(move)

    def action_choose(self) -> None:
        def choose() -> None:
            if self.matches:
                self.dismiss(self.choices[self.matches[self.index]][1])
            else:
                self.app.bell()
        self._behind_keystrokes(choose)

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        if self.matches:
            self.dismiss(self.choices[self.matches[event.option_index]][1])

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickerSelect(Select):
    """A Select whose choices are searched in a `ChoicePicker` when there are many of them
    (or always, with `always_pick`): Enter, Space, Down or a typed character opens it (the
    character starts the search)."""

    def __init__(self, options, *, title: str = "", always_pick: bool = False, **kwargs) -> None:
        super().__init__(options, **kwargs)
        self.picker_title = title
        self.always_pick = always_pick
        self._picker: ChoicePicker | None = None

    def choices(self) -> list[tuple[str, Any]]:
        return [(prompt.plain if hasattr(prompt, "plain") else str(prompt), value)
                for prompt, value in self._options if value is not Select.NULL]

    def picks(self) -> bool:
        return self.always_pick or len(self.choices()) > PICK_FROM

    def action_show_overlay(self) -> None:
        if self.picks():
            self.open_picker()
        else:
            super().action_show_overlay()

    def on_key(self, event: events.Key) -> None:
        if self._picker is not None:
            # Typed ahead of the picker this field opened: to it, in order.
            event.stop()
            event.prevent_default()
            self._picker.feed(event.key, event.character)
        elif event.is_printable and event.character and event.key != "space" and self.picks():
            event.stop()
            event.prevent_default()
            self.open_picker(event.character)

    def open_picker(self, query: str = "") -> None:
        if self._picker is not None:
            return

        def chosen(value: Any) -> None:
            self._picker = None
            if value is not None:
                self.value = value
            self.focus()

        self._picker = ChoicePicker(self.picker_title, self.choices(), query)
        self.app.push_screen(self._picker, chosen)
