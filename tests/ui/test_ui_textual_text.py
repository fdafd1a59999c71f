"""Textual's own words in the Chinese interface: the keys of an Input, a Select, a table and
the command palette are described in Chinese (help, footer, palette), and English stays English."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.ui import (
    SIZE,
    build_register,
    copy_register,
    make_app,
    open_db,
    press,
    screen_text,
    settle,
    type_text,
    wait_until,
)
from tui_register.i18n import _
from tui_register.ui.textual_text import TEXTUAL_TEXT

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_register(tmp_path_factory.mktemp("ui-textual") / "source.db", 5, extras=False)


@pytest.fixture
def register(built: Path, tmp_path: Path):
    from tui_register.storage.models import database

    path = copy_register(built, tmp_path / "register.db")
    open_db(path)
    yield path
    if not database.is_closed():
        database.close()


async def help_descriptions(pilot) -> list[str]:
    """What the help (`?`) lists for the focused widget and the screen, then closes it."""
    from tui_register.ui.screens.dialogs import HelpScreen

    await press(pilot, "f1")
    help_screen = pilot.app.screen
    assert isinstance(help_screen, HelpScreen)
    descriptions = [description for _keys, description in help_screen.bindings]
    await press(pilot, "escape")
    return descriptions


def english(descriptions: list[str]) -> list[str]:
    return [d for d in descriptions if d in TEXTUAL_TEXT]


async def test_input_select_and_table_keys_are_described_in_chinese(register: Path):
    app = make_app(register, language="zh_CN")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")  # the new household form: an Input has the focus
        assert app.focused.id == "f-address"
        described = await help_descriptions(pilot)
        assert not english(described), english(described)
        assert _("textual.paste_text_from_the_clipboard") in described
        await press(pilot, "tab")
        assert app.focused.id == "f-place"  # a Select
        described = await help_descriptions(pilot)
        assert not english(described) and _("textual.show_menu") in described
        await press(pilot, "tab", "tab")
        assert app.focused.id == "f-notes"  # a TextArea
        described = await help_descriptions(pilot)
        assert not english(described) and _("textual.undo") in described
        await press(pilot, "shift+tab", "shift+tab")
        assert app.focused.id == "f-place"
        await press(pilot, "enter")  # its menu open: the footer offers to close it, in Chinese
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert _("textual.dismiss_menu") in footer and "Dismiss menu" not in footer
        described = await help_descriptions(pilot)
        assert not english(described), english(described)


async def test_command_palette_says_no_matches_in_chinese(register: Path):
    app = make_app(register, language="zh_CN")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        await type_text(pilot, "zzqqxx")
        await wait_until(pilot, lambda: _("ui.palette_no_matches") in screen_text(app), "no matches line")
        assert "No matches found" not in screen_text(app)


async def test_english_interface_keeps_textual_english(register: Path):
    app = make_app(register, language="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        described = await help_descriptions(pilot)
        assert "Paste text from the clipboard" in described


async def test_a_household_detail_table_keys_are_described_in_chinese(register: Path):
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    app = make_app(register, language="zh_CN")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")  # the first household of the list
        await settle(pilot)
        assert isinstance(app.screen, HouseholdDetailScreen)
        assert app.focused.id == "members"  # a DataTable
        described = await help_descriptions(pilot)
        assert not english(described), english(described)
        await press(pilot, "h")  # the scrolling history
        described = await help_descriptions(pilot)
        assert not english(described), english(described)
