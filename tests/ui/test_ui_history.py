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


ACCOUNT = "6222021234567890123"


async def test_the_household_lists_its_payments_and_its_history_keeps_accounts_masked(register: Register):
    """A paid round line on the page; the account and the new standard in the history, the
    account number masked (first 4, last 4) until a supervisor reveals it."""
    from datetime import date

    from tui_register.domain.records import AccountIn, StandardIn, validate
    from tui_register.storage import payments
    from tui_register.storage.models import Household, PaymentLine

    h = Household.get(Household.uuid == register.id_holder_uuid)
    payments.add_account(ALICE, validate(AccountIn, {"household": h.uuid, "kind": "bank", "bank_name": "农业银行",
                                                     "holder_name": ID_HOLDER_NAME, "account_number": ACCOUNT}))
    # The demo's rounds reach 2026-06; its standard (550) is due for the months before, as back pay.
    payments.add_standard(ALICE, validate(StandardIn, {"category": "rural_dibao", "valid_from": "2026-07-01",
                                                       "amount": "450", "period": "monthly"}))
    r = payments.create_round(ALICE, ["rural_dibao"], "2026-07")
    for other in PaymentLine.select().where((PaymentLine.round == r) & (PaymentLine.household != h.id)):
        payments.exclude_line(ALICE, other.uuid, other.version, "暂无账户")  # the other households
    payments.approve_round(ALICE, r.number, single_supervisor=True)
    payments.close_round(ALICE, r.number, date(2026, 7, 10))

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_history(pilot, register.id_holder_uuid)
        from textual.widgets import Static

        section = compact(str(app.screen.query_one("#payments", Static).render()))  # just above the history
        paid = f"{_('pay.line_state.paid')} 2026-07-10"
        assert compact(f"{_('ui.payments')} #{r.number} 2026-07 农村低保 {_('pay.kind.regular')} ¥450.00 {paid} "
                       f"#{r.number} 2026-07 农村低保 {_('pay.kind.back_pay')} ¥16,500.00 {paid}") == section
        text = compact(screen_text(app))
        assert _("history.payment_account") in text and _("history.payment_standard") in text
        assert "6222***********0123" in text and ACCOUNT not in text
        assert "农业银行" in text and "account_kind" not in text and "field." not in text
        await press(pilot, "r")  # alice is a supervisor: revealed, and audited
        await settle(pilot)
        assert ACCOUNT in compact(screen_text(app))
