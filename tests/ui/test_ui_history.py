"""A household's change history as staff read it: personal data masked until a supervisor
reveals it (audited), labels instead of codes and UUIDs, reachable with one key at 80x24."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.support.records import household_in, membership_in, person_in, resident_id
from tests.support.ui import (
    ALICE,
    BOB,
    ID_HOLDER_NAME,
    SIZE,
    Register,
    build_register,
    compact,
    copy_register,
    make_app,
    open_db,
    press,
    screen_text,
    settle,
    type_text,
)
from tui_register.i18n import _

pytestmark = pytest.mark.timeout(60)

PHONE = "13812345678"
MEMBER_ID = resident_id(__import__("datetime").date(1988, 5, 6), 31)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Register:
    return build_register(tmp_path_factory.mktemp("ui-history") / "source.db", 20)


@pytest.fixture
def register(built: Register, tmp_path: Path):
    """A private copy; the ID holder's household gets a phone, a member with an ID number and
    a category, so that its history holds every kind of value."""
    from tui_register.storage import households
    from tui_register.storage.models import Household, database

    reg = replace(built, path=copy_register(built.path, tmp_path / "register.db"))
    open_db(reg.path)
    h = Household.get(Household.uuid == reg.id_holder_uuid)
    households.update_household(ALICE, h.uuid, h.version, household_in(h.place.uuid, h.address, phone=PHONE))
    households.add_person(ALICE, person_in(h.uuid, "欧阳小明", id_number=MEMBER_ID, relation="son"))
    households.add_membership(ALICE, membership_in("rural_dibao", household=h.uuid))
    yield reg
    if not database.is_closed():
        database.close()


async def open_history(pilot, uuid: str) -> None:
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    await press(pilot, "slash")
    await type_text(pilot, ID_HOLDER_NAME)
    await press(pilot, "enter", "enter")
    assert isinstance(pilot.app.screen, HouseholdDetailScreen) and pilot.app.screen.uuid == uuid
    await settle(pilot)
    await press(pilot, "h")


def masked(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:]


async def test_h_shows_the_history_at_80x24_with_personal_data_masked_and_labels(register: Register):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_history(pilot, register.id_holder_uuid)
        text = screen_text(app)
        assert _("ui.history") in text
        assert masked(MEMBER_ID) in text and masked(register.id_holder_id) in text
        assert MEMBER_ID not in text and register.id_holder_id not in text
        assert "138****5678" in text and PHONE not in text
        # Labels as the forms show them, never codes or UUIDs, and no bare field names.
        assert "农村低保" in text and "rural_dibao" not in text
        assert "儿子" in text or "子" in text
        assert " son" not in text and "monthly" not in text
        assert "¥0.00" not in text  # a new category without an amount says nothing of one
        assert "所属户;" not in text and not text.rstrip().endswith("所属户")
        assert register.id_holder_uuid not in text and "field." not in text
        await press(pilot, "ctrl+p")  # the key is found by its name, as every key is
        await type_text(pilot, _("key.history"))
        await settle(pilot)
        await pilot.pause(0.3)
        assert _("key.history") + "h" in compact(screen_text(app)), screen_text(app)  # name, then key


async def test_r_reveals_the_history_for_a_supervisor_and_is_audited(register: Register):
    from tui_register.storage.models import AuditEvent

    app = make_app(register.path, ALICE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_history(pilot, register.id_holder_uuid)
        assert MEMBER_ID not in screen_text(app)
        await press(pilot, "r")
        await settle(pilot)
        text = compact(screen_text(app))
        # In the history's own lines ("身份证号: …", "联系电话: …"), not only in the member list.
        assert compact(f"{_('field.id_number')}: {MEMBER_ID}") in text
        assert compact(f"{_('field.phone')}: {PHONE}") in text
        events = [(e.user, e.action, e.entity, e.uuid) for e in AuditEvent.select()]
        assert events == [(ALICE, "reveal_id", "household", register.id_holder_uuid)]
        await press(pilot, "r")  # masked again
        assert MEMBER_ID not in screen_text(app)


async def test_a_clerk_cannot_reveal(register: Register):
    from tui_register.storage.models import AuditEvent

    app = make_app(register.path, BOB)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_history(pilot, register.id_holder_uuid)
        await press(pilot, "r")
        await settle(pilot)
        assert MEMBER_ID not in screen_text(app)
        assert AuditEvent.select().count() == 0
