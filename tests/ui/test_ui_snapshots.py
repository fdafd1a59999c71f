"""Snapshots of what staff see at 80x24: the household list, a household, the new-household form.

Each in zh_CN and en, on generated demo data (fixed seed and end date), with the app's date
fixed and times shown in one time zone, so that a snapshot changes only when the screen does.
Update after a deliberate change with `pytest tests/test_ui_snapshots.py --snapshot-update`,
then look at the SVGs under tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support.ui import SIZE, build_register, make_app, open_db, settle, wait_until

pytestmark = pytest.mark.timeout(120)

HOUSEHOLDS = 60
LANGUAGES = ["zh_CN", "en"]


@pytest.fixture(scope="module")
def demo_register(tmp_path_factory) -> Path:
    """Demo data only (no test households): what a new office sees after `tui-register demo`."""
    return build_register(tmp_path_factory.mktemp("ui-snapshots") / "demo.db", HOUSEHOLDS, extras=False)


@pytest.fixture
def shanghai_time(monkeypatch):
    """Times are shown in the server's local time: the same zone on every machine; and colour
    as usual even where the developer's shell sets NO_COLOR."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def app_for(demo_register: Path, shanghai_time):
    from tui_register.storage.models import database

    def make(language: str):
        open_db(demo_register)
        return make_app(demo_register, language=language)

    yield make
    if not database.is_closed():
        database.close()


async def _list_drawn(pilot) -> None:
    """The first page, the totals line and the header's sync count are all in."""
    from textual.widgets import Static

    from tui_register.ui.widgets.app_header import AppHeader

    app = pilot.app
    await settle(pilot)
    await wait_until(pilot, lambda: str(app.screen.query_one("#list-status", Static).render()).strip() != "",
                     "the totals line")
    await wait_until(pilot, lambda: app.screen.query_one(AppHeader).pending is not None, "the sync count")


async def _open_first_household(pilot) -> None:
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen
    from tui_register.ui.widgets.app_header import AppHeader

    await _list_drawn(pilot)
    await pilot.press("enter")
    await settle(pilot)
    app = pilot.app
    assert isinstance(app.screen, HouseholdDetailScreen)
    await wait_until(pilot, lambda: app.screen.detail is not None, "the household")
    await wait_until(pilot, lambda: app.screen.query_one(AppHeader).pending is not None, "the sync count")


async def _new_household_form(pilot) -> None:
    from tui_register.ui.forms.household import HouseholdForm

    await _list_drawn(pilot)
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, HouseholdForm)


@pytest.mark.parametrize("language", LANGUAGES)
def test_household_list(snap_compare, app_for, language: str):
    assert snap_compare(app_for(language), terminal_size=SIZE, run_before=_list_drawn)


@pytest.mark.parametrize("language", LANGUAGES)
def test_household_detail(snap_compare, app_for, language: str):
    assert snap_compare(app_for(language), terminal_size=SIZE, run_before=_open_first_household)


@pytest.mark.parametrize("language", LANGUAGES)
def test_new_household_form(snap_compare, app_for, language: str):
    assert snap_compare(app_for(language), terminal_size=SIZE, run_before=_new_household_form)
