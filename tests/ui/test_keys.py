"""The key registry: every binding comes from it, the documentation's table is generated from
it, `[ui.keys]` remaps by its ids, and the help screen and the command palette are true to it.

The Pilot tests run the real app at 80x24 on a private copy of a small demo register.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

import pytest

from tests.support.ui import (
    SIZE,
    Register,
    build_register,
    make_app,
    press,
    screen_text,
    settle,
    type_text,
    wait_until,
)

pytestmark = pytest.mark.timeout(90)


def _(key: str, **kwargs) -> str:
    from tui_register.i18n import _ as translate

    return translate(key, **kwargs)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Register:
    return build_register(tmp_path_factory.mktemp("keys-register") / "source.db", 120)


# ---------------------------------------------------------------- the registry itself


def _interface_classes() -> list[type]:
    """Every class of the interface that declares BINDINGS itself."""
    import tui_register.ui as ui

    for info in pkgutil.walk_packages(ui.__path__, ui.__name__ + "."):
        importlib.import_module(info.name)
    seen: dict[str, type] = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("tui_register.ui"):
            continue
        for _n, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == name and "BINDINGS" in cls.__dict__:
                seen[f"{name}.{cls.__qualname__}"] = cls
    return list(seen.values())


def test_every_binding_is_a_registry_entry_and_every_entry_is_bound():
    from textual.binding import Binding

    from tui_register.ui.keymap import KEYMAP

    declared: dict[str, str] = {}
    for cls in _interface_classes():
        for binding in cls.__dict__["BINDINGS"]:
            where = f"{cls.__module__}.{cls.__qualname__}"
            assert isinstance(binding, Binding), (where, binding)
            assert binding.id in KEYMAP, f"{where}: binding {binding.id!r} ({binding.key}) is not in ui/keymap.py"
            spec = KEYMAP[binding.id]
            assert (binding.key, binding.action, binding.description, binding.show, binding.priority) == (
                spec.keys, spec.action, spec.description, spec.show, spec.priority), where
            assert binding.id not in declared, f"{binding.id} declared by {declared[binding.id]} and {where}"
            declared[binding.id] = where
    assert set(KEYMAP) == set(declared), f"registry entries no class binds: {set(KEYMAP) - set(declared)}"


def test_registry_entries_are_translated_and_sections_agree():
    from tui_register.messages.ui import MESSAGES
    from tui_register.ui import app, keymap

    for spec in keymap.KEYS:
        assert spec.description in MESSAGES, spec.id
        assert spec.group in keymap.GROUPS, spec.id
        assert spec.id.partition(".")[0] in (spec.group, "app"), spec.id
    assert [name for name, _t, _s in app.SECTIONS] == [name for name, _g in keymap.SECTIONS]


def test_architecture_key_table_is_the_registry():
    """Regenerate with `python -m tui_register.ui.keymap --write` after changing the registry."""
    from tui_register.ui import keymap

    doc = keymap.ARCHITECTURE.read_text(encoding="utf-8")
    assert keymap.documented_table(doc) == keymap.markdown_table()
    for spec in keymap.KEYS:
        assert f"| `{spec.id}` |" in doc


def test_unknown_ids_in_ui_keys_are_named_with_the_nearest_real_one():
    from tui_register.i18n import set_language
    from tui_register.ui.keymap import keys_problem, unknown_ids

    assert unknown_ids({"app.quit": "f10", "search.focus": "ctrl+f"}) == []
    assert unknown_ids({"quit": "ctrl+q"}) == [("quit", "app.quit")]
    assert unknown_ids({"households.nwe": "ctrl+n"}) == [("households.nwe", "households.new")]
    assert unknown_ids({"zzzz.qqqq": "x"}) == [("zzzz.qqqq", None)]
    set_language("en")
    assert "did you mean app.quit" in keys_problem({"quit": "ctrl+q"})
    set_language("zh_CN")
    assert "app.quit" in keys_problem({"quit": "ctrl+q"}) and "按键编号" in keys_problem({"quit": "ctrl+q"})


# ---------------------------------------------------------------- [ui.keys] at work


async def test_a_key_remapped_in_the_configuration_is_the_key(register: Register, tmp_path: Path):
    from tui_register.config import load_settings
    from tui_register.ui.app import RegisterApp
    from tui_register.ui.forms.household import HouseholdForm
    from tui_register.ui.screens.dialogs import HelpScreen
    from tui_register.ui.screens.households import HouseholdsScreen
    from tui_register.ui.services import staff as staff_service

    config = tmp_path / "tui-register.toml"
    config.write_text('[office]\nname = "城关街道民政办"\n[ui]\nlanguage = "en"\n'
                      '[ui.keys]\n"households.new" = "ctrl+n"\n', encoding="utf-8")
    settings = load_settings(config, environ={}, overrides={"db_path": str(register.path)}, cwd=tmp_path)
    app = RegisterApp(settings, "alice", staff_service.role_of("alice"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")  # the old key does nothing now
        assert isinstance(app.screen, HouseholdsScreen)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert ("^n", _("key.new")) in app.screen.bindings
        await press(pilot, "escape", "ctrl+n")
        assert isinstance(app.screen, HouseholdForm)


# ---------------------------------------------------------------- sections stay out of forms


async def test_digits_typed_on_a_select_in_a_form_stay_in_the_form(register: Register):
    from textual.widgets import Select

    from tui_register.ui.forms.household import HouseholdForm
    from tui_register.ui.screens.dialogs import ConfirmDialog

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        assert isinstance(app.screen, HouseholdForm)
        await type_text(pilot, "幸福巷1号")
        await press(pilot, "tab")  # one Tab too many: the place (a select) has the focus
        assert isinstance(app.focused, Select)
        await type_text(pilot, "13800138000")
        for key in ("f2", "f3", "f4", "f5", "f6"):
            await press(pilot, key)
        assert app.current_mode == "households"
        assert isinstance(app.screen, HouseholdForm)
        assert app.screen.values()["address"] == "幸福巷1号"

        await press(pilot, "escape")  # something was typed: a question, then digits again
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "3", "f4")
        assert app.current_mode == "households" and isinstance(app.screen, ConfirmDialog)
        await press(pilot, "y")
        await press(pilot, "3")  # back on the list: the digit switches again
        assert app.current_mode == "volunteers"


# ---------------------------------------------------------------- every help screen is true


LIST_MOVES = {"key.down": {"j", "Down"}, "key.up": {"k", "Up"}, "key.first": {"g", "home"},
              "key.last": {"G", "end"}, "key.next_page": {"pgdn"}, "key.previous_page": {"pgup"}}


async def _visit_every_screen(pilot):
    """Each section's list and the screens one key further, yielding (name, screen) on each."""
    from tui_register.ui.screens.campaigns import CampaignsScreen, ChecklistScreen
    from tui_register.ui.widgets.paged_table import PagedTable

    app = pilot.app

    async def at(name: str, *keys: str):
        await press(pilot, *keys)
        return name, app.screen

    async def into_list():
        for table in app.screen.query(PagedTable):
            await wait_until(pilot, lambda t=table: t.page_rows or t.empty_text(), "the list")
        table = app.screen.query(PagedTable).first()
        table.focus()
        await settle(pilot)

    yield await at("households", "1")
    yield await at("household", "enter")
    await press(pilot, "escape")
    yield await at("visits", "2")
    yield await at("campaigns", "c")
    assert isinstance(app.screen, CampaignsScreen)
    await into_list()
    yield await at("checklist", "enter")
    assert isinstance(app.screen, ChecklistScreen)
    await press(pilot, "escape", "escape")
    yield await at("due", "d")
    await press(pilot, "escape")
    yield await at("volunteers", "3")
    await into_list()
    yield await at("volunteer", "enter")
    await press(pilot, "escape")
    yield await at("activities", "a")
    await into_list()
    yield await at("activity", "enter")
    await press(pilot, "escape")
    yield await at("reports", "4")
    yield await at("sync", "5")
    yield await at("household form", "1", "n")
    await press(pilot, "escape")


async def test_every_help_screen_lists_only_keys_that_are_bound_there(register: Register):
    from tui_register.ui.app import describe
    from tui_register.ui.screens.dialogs import HelpScreen
    from tui_register.ui.widgets.paged_table import PagedTable

    app = make_app(register.path, language="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        visited = []
        async for name, screen in _visit_every_screen(pilot):
            await settle(pilot)
            active = screen.active_bindings
            by_display = {app.get_key_display(a.binding): a for a in active.values()}
            await press(pilot, "f1")  # (`?` is text where a field has the focus)
            assert isinstance(app.screen, HelpScreen), name
            help_screen = app.screen
            assert help_screen.bindings, name
            for keys, description in help_screen.bindings:
                for shown in keys.split(" / "):
                    bound = by_display.get(shown)
                    assert bound is not None, f"{name}: the help lists {shown} ({description}) but it is not bound"
                    assert describe(bound.binding.description) == description, (name, shown)
                    action = bound.binding.action.split("(")[0].rpartition(".")[2]
                    target = app if bound.binding.action.startswith("app.") else bound.node
                    assert callable(getattr(target, f"action_{action}", None)), (name, shown, action)
            listed = dict((d, set(k.split(" / "))) for k, d in help_screen.bindings)
            if isinstance(screen.focused, PagedTable):
                for message_key, keys in LIST_MOVES.items():
                    assert keys <= listed.get(_(message_key), set()), (name, message_key)
            await press(pilot, "escape")
            assert app.screen is screen, name
            visited.append(name)
        assert len(visited) == 13


# ---------------------------------------------------------------- help at 80x24


async def test_help_at_80x24_shows_the_screens_own_keys_first_and_scrolls(register: Register):
    from tui_register.ui.screens.dialogs import HelpScreen

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        lines = [line.strip(" |") for line in screen_text(app).splitlines()]
        for key, shown in (("key.new", "n"), ("key.filter", "f"), ("key.sort", "s"), ("key.search", "/")):
            assert any(line.split()[:2] == [shown, _(key)] for line in lines if line), (key, lines)
        descriptions = [d for _k, d in app.screen.bindings]
        assert descriptions.index(_("key.new")) < descriptions.index(_("key.down")) < descriptions.index(
            _("key.quit"))
        last = _("key.palette")
        assert not any(line.split() == ["^p", last] for line in lines)  # below the fold at first
        for _i in range(3):
            await press(pilot, "pagedown")
        lines = [line.strip(" |") for line in screen_text(app).splitlines()]
        assert any(line.split() == ["^p", last] for line in lines), lines
        await press(pilot, "up")
        await press(pilot, "escape")
        assert not isinstance(app.screen, HelpScreen)


# ---------------------------------------------------------------- the command palette


async def _palette(pilot, text: str) -> None:
    from textual.command import CommandPalette
    from textual.widgets import Input

    app = pilot.app
    await press(pilot, "ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette) and isinstance(app.focused, Input),
                     "the command palette")
    await type_text(pilot, text)


def _palette_lines(app) -> list[str]:
    return [line.strip(" |") for line in screen_text(app).splitlines()]


@pytest.mark.parametrize("query", ["同步", "tb", "sync"])
async def test_palette_finds_a_section_by_its_chinese_name_or_initials(register: Register, query: str):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _palette(pilot, query)
        await wait_until(pilot, lambda: any(line.startswith("同步") for line in _palette_lines(app)),
                         "the sync section offered")
        await press(pilot, "enter")
        await wait_until(pilot, lambda: app.current_mode == "sync", "the sync section")


async def test_palette_finds_a_section_by_the_name_of_its_command(register: Register):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _palette(pilot, "导出")
        await wait_until(pilot, lambda: any(line.startswith(_("key.section_reports")) for line in _palette_lines(app)),
                         "the reports section offered")
        await press(pilot, "enter")
        await wait_until(pilot, lambda: app.current_mode == "reports", "the reports section")


async def test_palette_says_no_match_in_the_interface_language(register: Register):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _palette(pilot, "xyzzy")
        await wait_until(pilot, lambda: _("ui.palette_no_matches") in screen_text(app), "the no-match line")
        assert "No matches found" not in screen_text(app)


async def test_every_list_goes_to_its_last_and_first_row_with_the_same_keys(register: Register):
    """G/End and g/Home on every list, the checklist, the campaigns and the due list included (#7)."""
    from tui_register.ui.widgets.paged_table import PagedTable

    app = make_app(register.path, language="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        moved = []
        async for name, screen in _visit_every_screen(pilot):
            await settle(pilot)
            table = screen.focused
            if not isinstance(table, PagedTable) or len(table.page_rows) < 2:
                continue
            first_page = list(table.page_rows)
            for last_key, first_key in (("G", "g"), ("end", "home")):
                await press(pilot, last_key)
                at_end = (list(table.page_rows), table.cursor_row)
                assert table.cursor_row == len(table.page_rows) - 1, (name, last_key)
                await press(pilot, "j")  # nothing further: the list stays as it is
                assert (list(table.page_rows), table.cursor_row) == at_end, (name, last_key)
                await press(pilot, first_key)
                assert table.page_rows == first_page and table.cursor_row == 0, (name, first_key)
            moved.append(name)
        lists = {"households", "visits", "campaigns", "checklist", "due", "volunteers", "activities"}
        assert lists <= set(moved), moved
