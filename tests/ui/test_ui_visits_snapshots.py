"""Snapshots of the visit register at 80x24: a campaign's checklist and the due list.

Each in zh_CN and en, on the register of `tests.support.visits` (generated demo data with a fixed
seed and end date, a prepared campaign with two of its households visited), with the app's
date fixed at 2026-06-30, so that a snapshot changes only when the screen does. Update after
a deliberate change with `pytest tests/test_ui_visits_snapshots.py --snapshot-update`, then
look at the SVGs under tests/__snapshots__/test_ui_visits_snapshots/ before committing them.
"""

from __future__ import annotations

import pytest

from tests.support.ui import SIZE, press, settle, wait_until
from tests.support.visits import (
    SNAP_CAMPAIGN,
    VisitRegister,
    make_visit_app,
)

pytestmark = pytest.mark.timeout(120)

LANGUAGES = ["zh_CN", "en"]


@pytest.fixture
def built(ui_visit_register: VisitRegister) -> VisitRegister:
    """The register `register` copies for each test (tests/ui/conftest.py)."""
    return ui_visit_register


@pytest.fixture
def app_for(register: VisitRegister, monkeypatch):
    """The app on a private copy of the register; colour as usual even where the developer's
    shell sets NO_COLOR."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    return lambda language: make_visit_app(register.path, language=language)


async def _header_drawn(pilot) -> None:
    from tui_register.ui.widgets.app_header import AppHeader

    app = pilot.app
    await wait_until(pilot, lambda: app.screen.query_one(AppHeader).pending is not None, "the sync count")
    await settle(pilot)


async def _checklist(pilot) -> None:
    """Visits (2), campaigns (c), the newest campaign's checklist (Enter), down to the first
    household not yet visited."""
    from textual.widgets import Static

    from tui_register.ui.screens.campaigns import ChecklistScreen

    app = pilot.app
    await settle(pilot)
    await press(pilot, "2", "c", "enter")
    assert isinstance(app.screen, ChecklistScreen) and app.screen.campaign.name == SNAP_CAMPAIGN
    await wait_until(pilot, lambda: str(app.screen.query_one("#progress", Static).render()).strip() != "",
                     "the progress line")
    await press(pilot, "down", "down")
    await _header_drawn(pilot)


async def _due_list(pilot) -> None:
    from textual.widgets import Static

    from tui_register.ui.screens.due import DueScreen

    app = pilot.app
    await settle(pilot)
    await press(pilot, "2", "d")
    assert isinstance(app.screen, DueScreen)
    await wait_until(pilot, lambda: str(app.screen.query_one("#due-totals", Static).render()).strip() != "",
                     "the due list")
    await _header_drawn(pilot)


@pytest.mark.parametrize("language", LANGUAGES)
def test_campaign_checklist(snap_compare, app_for, language: str):
    assert snap_compare(app_for(language), terminal_size=SIZE, run_before=_checklist)


@pytest.mark.parametrize("language", LANGUAGES)
def test_due_list(snap_compare, app_for, language: str):
    assert snap_compare(app_for(language), terminal_size=SIZE, run_before=_due_list)
