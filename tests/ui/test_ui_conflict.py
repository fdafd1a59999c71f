"""Two people edit the same household in two apps on one register file: the comparison shows
what the forms show, and "keep mine" keeps only the fields this user changed."""

from __future__ import annotations

import pytest

from tests.support.ui import (
    ALICE,
    BOB,
    SIZE,
    TODAY,
    TWO_CHAR_NAME,
    Register,
    build_register,
    compact,
    make_app,
    press,
    screen_text,
    settings_for,
    settle,
    type_text,
)
from tui_register.i18n import _

pytestmark = pytest.mark.timeout(90)

OTHER_GRID = "西关社区 / 第二网格"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Register:
    return build_register(tmp_path_factory.mktemp("ui-conflict") / "source.db", 20)


def household(uuid: str):
    from tui_register.storage.models import Household

    return Household.get(Household.uuid == uuid)


async def edit_household(pilot, name: str) -> None:
    from tui_register.ui.forms.household import HouseholdForm

    await press(pilot, "slash")
    await type_text(pilot, name)
    await press(pilot, "enter", "enter")
    await settle(pilot)
    await press(pilot, "e")
    assert isinstance(pilot.app.screen, HouseholdForm)


async def test_compare_shows_labels_and_keep_mine_keeps_their_other_changes(register: Register):
    from tui_register.storage.models import Place
    from tui_register.ui.app import RegisterApp
    from tui_register.ui.screens.dialogs import CompareDialog, ConflictDialog
    from tui_register.ui.services import staff as staff_service

    uuid = register.two_char_uuid
    start = household(uuid)
    grid = Place.get(Place.path == "城关街道/西关社区/第二网格")
    assert start.place.uuid != grid.uuid
    app_a = make_app(register.path, ALICE)
    app_b = RegisterApp(settings_for(register.path), BOB, staff_service.role_of(BOB), today=TODAY)
    async with app_a.run_test(size=SIZE) as pa:
        await settle(pa)
        await edit_household(pa, TWO_CHAR_NAME)
        form = app_a.screen
        await press(pa, "end", "ctrl+u")
        await type_text(pa, "A改的地址1号")  # A changes the address only

        async with app_b.run_test(size=SIZE) as pb:
            await settle(pb)
            await edit_household(pb, TWO_CHAR_NAME)
            await press(pb, "tab", "enter")  # B moves the household to another grid …
            await type_text(pb, OTHER_GRID)
            await press(pb, "enter", "tab")
            await press(pb, "end", "ctrl+u")
            await type_text(pb, "13900001111")  # … and sets its phone
            await press(pb, "ctrl+s")
            await settle(pb)
        saved = household(uuid)
        assert (saved.place.uuid, saved.phone, saved.version) == (grid.uuid, "13900001111", start.version + 1)

        await press(pa, "ctrl+s")
        assert isinstance(app_a.screen, ConflictDialog)
        await press(pa, "c")
        await settle(pa)
        assert isinstance(app_a.screen, CompareDialog)
        shown = compact(screen_text(app_a))
        # Places by the names the form's choice shows, never by UUID.
        assert compact("城关街道 / 西关社区 / 第二网") in shown  # cut to the column at 80x24
        assert compact(start.place.path) in shown
        assert grid.uuid[:8] not in shown and start.place.uuid[:8] not in shown

        await press(pa, "o")  # keep mine: A's address, B's grid and phone
        await settle(pa)
        assert app_a.screen is form
        values = form.values()
        assert (values["address"], values["place"], values["phone"]) == ("A改的地址1号", grid.uuid, "13900001111")
        await press(pa, "ctrl+s")
        await settle(pa)
        assert app_a.screen is not form
    merged = household(uuid)
    assert (merged.address, merged.place.uuid, merged.phone) == ("A改的地址1号", grid.uuid, "13900001111")
    assert (merged.version, merged.updated_by) == (start.version + 2, ALICE)


async def test_compare_shows_the_labels_of_a_member_form(register: Register):
    """Sex and relation as the member form shows them (女, 配偶), not F or spouse."""
    from tui_register.ui.forms.base import _shown
    from tui_register.ui.forms.person import PERSON_FIELDS
    from tui_register.ui.state import SessionState

    fields, state = {f.name: f for f in PERSON_FIELDS}, SessionState()
    assert _shown(fields["sex"], "F", state) == _("sex.F")
    assert _shown(fields["relation"], "spouse", state) == _("relation.spouse")
    assert _shown(fields["name"], "张三", state) == "张三"
