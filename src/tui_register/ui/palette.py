"""The command palette (Ctrl+P): the registry's actions, found by name in either language.

A command is found by its Chinese or English name or the pinyin initials of the Chinese
(同步, sync, tb). The palette offers the actions of the screen it was opened on and every
section; a section is found by the names of its own commands too, so that 导出 on the
household list offers the Reports section.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import partial
from typing import Callable

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

from tui_register.i18n import _
from tui_register.messages import ui as ui_messages
from tui_register.ui.keymap import KEYMAP, SECTIONS, group


@functools.cache
def names_of(message_key: str) -> tuple[str, ...]:
    """A command's name in both languages and the pinyin of the Chinese, each matched alone
    (a fuzzy match over them joined would find nearly any string of letters)."""
    from tui_register.domain.names import pinyin_keys

    zh, en = ui_messages.MESSAGES.get(message_key, (message_key, message_key))
    full, initials = pinyin_keys(zh)
    return zh, en, initials, full


SECTION_TEXT_IDS = {f"app.section_{name}": groups for name, groups in SECTIONS}


@functools.cache
def section_names(binding_id: str) -> tuple[str, ...]:
    """A section's names and the names of the commands on its screens."""
    inside = {spec.description for g in SECTION_TEXT_IDS[binding_id] for spec in group(g) if spec.show}
    return sum((names_of(d) for d in sorted(inside)), names_of(KEYMAP[binding_id].description))


@dataclass(frozen=True)
class Command:
    name: str  # in the interface language
    names: tuple[str, ...]  # what a query is matched against
    keys: str
    run: Callable[[], object]


class KeyCommands(Provider):
    """The actions of the screen underneath and the sections, from the key registry."""

    def _commands(self) -> list[Command]:
        app = self.app
        commands: list[Command] = []
        for keys, description, action, node, binding_id in app.screen_keys(self.screen):
            spec = KEYMAP.get(binding_id or "")
            if action == "command_palette":
                continue
            if spec is None:
                names: tuple[str, ...] = (description,)
            elif spec.id in SECTION_TEXT_IDS:
                names = section_names(spec.id)
            else:
                names = names_of(spec.description)
            commands.append(Command(description, names, keys, partial(app.run_action, action, node)))
        return commands

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.name, command.run, text=command.name, help=command.keys)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = max(matcher.match(name) for name in (command.name, *command.names))
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, text=command.name, help=command.keys)


class RegisterPalette(CommandPalette):
    """Textual's palette, saying "no matches" in the interface language."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual 8.2 (pinned) writes its English text here; the same, translated.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(Option(
                    Align.center(Text(_("ui.palette_no_matches"), style="not bold")), disabled=True,
                    id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
