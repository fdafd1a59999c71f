"""Pilot tests at 80x24 of a payment account entered at the household screen (`b`) and of the
payment standards of the Payments section (`s`, then `n` for a supervisor).

The register: 张三丰's 城市低保 household with his wife 李秀英, under a 590-yuan standard; a
round for 2026-05 (its line excluded) prepared by bob (a clerk) and approved by alice (a supervisor).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tests.support.builder import RegisterBuilder, category, member
from tests.support.records import resident_id
from tests.support.ui import ALICE, BOB, SIZE, compact, make_app, press, screen_text, settle, type_text

pytestmark = pytest.mark.timeout(90)

HEAD, WIFE = "张三丰", "李秀英"
NUMBER = "6222 0212 3456 7890 123"  # typed with spaces, as printed on a card
DIGITS = "6222021234567890123"
MASKED = "6222***********0123"


@dataclass(frozen=True)
class Built:
    path: Path
    household: str  # uuid


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    from tui_register.domain.records import StandardIn, validate
    from tui_register.storage import payments
    from tui_register.storage.models import PaymentLine

    path = tmp_path_factory.mktemp("ui-payment-forms") / "source.db"
    with RegisterBuilder(path, ALICE) as build:
        build.staff(BOB, "Bob", "clerk")
        grid = build.places("城关街道", "东关社区", "第一网格")
        home = build.household(grid, "人民路1号", HEAD, id_number=resident_id(date(1950, 3, 4), 11),
                               members=[member(WIFE, relation="spouse", sex="F")],
                               categories=[category("urban_dibao", start=date(2025, 1, 1))])
        payments.add_standard(ALICE, validate(StandardIn, {"category": "urban_dibao", "valid_from": "2020-01-01",
                                                           "amount": "590", "period": "monthly"}))
        made = payments.create_round(BOB, ["urban_dibao"], "2026-05")
        (line,) = PaymentLine.select().where(PaymentLine.round == made)
        payments.exclude_line(BOB, line.uuid, line.version, "账户待补录")  # no account yet
        payments.approve_round(ALICE, 1)
    return Built(path, home.uuid)


def _(key: str, **kwargs) -> str:
    from tui_register.i18n import _ as translate

    return translate(key, **kwargs)


async def burst(pilot, *keys: str) -> None:
    """Keys sent at once, as one read over a slow link delivers them; then what they started."""
    from tests.support.ui import _send

    for key in keys:
        _send(pilot.app, key)
    await settle(pilot)


def chars(text: str) -> list[str]:
    return list(text)


async def open_household(pilot) -> None:
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    await settle(pilot)
    await press(pilot, "slash")
    await type_text(pilot, "zsf")
    await press(pilot, "enter", "enter")
    assert isinstance(pilot.app.screen, HouseholdDetailScreen)
    await settle(pilot)


async def saved(pilot) -> None:
    await settle(pilot)
    await pilot.app.workers.wait_for_complete()
    await settle(pilot)


def field_error(form, name: str) -> str:
    line = form.query_one(f"#err-{name}")
    return str(line.render()) if line.has_class("-shown") else ""


def accounts(register: Built) -> list[tuple]:
    from tui_register.storage.models import Household, PaymentAccount

    home = Household.get(Household.uuid == register.household)
    return [(a.person.name if a.person_id else None, a.kind, a.bank_name, a.account_number, a.holder_name,
             a.proxy, a.status)
            for a in PaymentAccount.select().where(PaymentAccount.household == home).order_by(PaymentAccount.id)]


def standards() -> list[tuple]:
    from tui_register.storage.models import PaymentStandard

    return [(s.category_id, s.grade, s.valid_from.isoformat(), s.amount_fen, s.period)
            for s in PaymentStandard.select().order_by(PaymentStandard.id)]


# ---------------------------------------------------------------- accounts


async def test_an_account_typed_at_the_household_screen_is_stored_and_shown_masked(register: Built):
    from tui_register.ui.forms.accounts import AccountForm
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    app = make_app(register.path, BOB)
    async with app.run_test(size=SIZE) as pilot:
        await open_household(pilot)
        await press(pilot, "b")
        assert isinstance(app.screen, AccountForm)
        assert app.focused.id == "f-person"
        await press(pilot, "tab", "tab")  # the household, a bank account
        await type_text(pilot, "农业银行")
        await press(pilot, "tab")
        await type_text(pilot, NUMBER)
        await press(pilot, "tab")  # the holder offered: the head's name
        await press(pilot, "ctrl+s")
        await saved(pilot)
        assert isinstance(app.screen, HouseholdDetailScreen)
        assert accounts(register) == [(None, "bank", "农业银行", DIGITS, HEAD, 0, "active")]
        shown = compact(screen_text(app))
        assert MASKED in shown and DIGITS not in shown
        assert "收款账户:农业银行" + MASKED + HEAD in shown

        # A second account replaces it: the first is closed, never deleted, and the form said
        # which account it would replace.
        await press(pilot, "b")
        assert "正在使用:农业银行" + MASKED in compact(screen_text(app))
        await press(pilot, "tab")
        await press(pilot, "enter")
        await type_text(pilot, "现金")
        await press(pilot, "enter", "ctrl+s")
        await saved(pilot)
        assert [a[-1] for a in accounts(register)] == ["closed", "active"]
        assert accounts(register)[-1][1] == "cash"
        assert "收款账户:现金(签领)" in compact(screen_text(app))


async def test_a_members_account_and_a_proxy_holder(register: Built):
    app = make_app(register.path, ALICE)
    async with app.run_test(size=SIZE) as pilot:
        await open_household(pilot)
        await press(pilot, "b", "enter")
        await type_text(pilot, WIFE)
        await press(pilot, "enter")
        form = app.screen
        assert form.values()["holder_name"] == WIFE  # the holder offered follows the recipient
        await press(pilot, "tab", "tab")
        await type_text(pilot, "农商银行")
        await press(pilot, "tab")
        await type_text(pilot, "622848 0011 2233 4455")
        await press(pilot, "tab")
        await type_text(pilot, "李小红")  # her daughter collects it
        await press(pilot, "tab")
        assert "李小红" in field_error(form, "holder_name") and WIFE in field_error(form, "holder_name")
        await press(pilot, "ctrl+s")
        await saved(pilot)
        assert app.screen is form and accounts(register) == []
        await press(pilot, "enter")
        await type_text(pilot, "是")
        await press(pilot, "enter")
        assert field_error(form, "holder_name") == ""
        await press(pilot, "ctrl+s")
        await saved(pilot)
        assert accounts(register) == [(WIFE, "bank", "农商银行", "622848001122334455", "李小红", 1, "active")]
        assert f"收款账户({WIFE}):农商银行6228**********4455李小红(代领)" in compact(screen_text(app))


async def test_bad_account_numbers_are_refused_under_the_field_and_nothing_typed_is_lost(register: Built):
    app = make_app(register.path, BOB)
    async with app.run_test(size=SIZE) as pilot:
        await open_household(pilot)
        await press(pilot, "b", "tab", "tab")
        await type_text(pilot, "农业银行")
        await press(pilot, "tab")
        await type_text(pilot, "6222O21234567890")  # a letter O for a zero
        await press(pilot, "tab")
        form = app.screen
        assert field_error(form, "account_number") == _("err.account_not_digits")
        await press(pilot, "ctrl+s")
        await saved(pilot)
        assert app.screen is form and accounts(register) == []
        assert _("ui.form_has_errors", n=1) in screen_text(app)
        assert form.values()["account_number"] == "6222O21234567890"
        assert form.values()["bank_name"] == "农业银行"
        await press(pilot, "shift+tab")
        await type_text(pilot, "62220212")  # too short
        await press(pilot, "tab")
        assert field_error(form, "account_number") == _("err.account_length", n=8, low=12, high=30)
        assert "银行账号" in screen_text(app)  # the field's label beside it

        # Another holder than the recipient, without proxy: said under the holder's name.
        await press(pilot, "shift+tab")
        await type_text(pilot, NUMBER)
        await press(pilot, "tab")
        await type_text(pilot, "王五")
        await press(pilot, "ctrl+s")
        await saved(pilot)
        assert app.screen is form and accounts(register) == []
        assert field_error(form, "holder_name") == _("err.holder_mismatch", holder="王五", recipient=HEAD)
        assert field_error(form, "account_number") == ""


async def test_storage_refusing_the_holder_is_said_under_the_field(register: Built):
    """The recipient renamed by someone else while the form was open: storage's own check
    refuses the holder offered, and the form says so under the field instead of failing."""
    from tests.support.records import person_in
    from tui_register.storage.households import update_person
    from tui_register.storage.models import Person

    app = make_app(register.path, BOB)
    async with app.run_test(size=SIZE) as pilot:
        await open_household(pilot)
        await press(pilot, "b", "enter")
        await type_text(pilot, WIFE)
        await press(pilot, "enter", "tab", "tab")
        await type_text(pilot, "农业银行")
        await press(pilot, "tab")
        await type_text(pilot, NUMBER)
        wife = Person.get(Person.name == WIFE)
        update_person(ALICE, wife.uuid, wife.version, person_in(register.household, "李秀兰", relation="spouse",
                                                               sex="F"))
        form = app.screen
        await press(pilot, "ctrl+s")
        await saved(pilot)
        assert app.screen is form and accounts(register) == []
        refusal = _("err.holder_mismatch", holder=WIFE, recipient="李秀兰")
        assert field_error(form, "holder_name") == refusal
        assert compact(refusal) in compact(screen_text(app))
        assert form.values()["account_number"] == NUMBER


async def test_an_account_typed_in_one_burst_is_the_one_typed_slowly(register: Built):
    app = make_app(register.path, BOB)
    async with app.run_test(size=SIZE) as pilot:
        await open_household(pilot)
        await burst(pilot, "b", "tab", "tab", *chars("农业银行"), "tab", *chars(NUMBER), "tab", "ctrl+s")
        await saved(pilot)
        assert accounts(register) == [(None, "bank", "农业银行", DIGITS, HEAD, 0, "active")]
        assert MASKED in compact(screen_text(app))


async def test_reveal_shows_the_account_number_in_full(register: Built):
    from tui_register.domain.records import AccountIn, validate
    from tui_register.storage import payments
    from tui_register.storage.models import AuditEvent

    payments.add_account(ALICE, validate(AccountIn, {"household": register.household, "kind": "bank",
                                                     "bank_name": "农业银行", "account_number": DIGITS,
                                                     "holder_name": HEAD}))
    app = make_app(register.path, ALICE)
    async with app.run_test(size=SIZE) as pilot:
        await open_household(pilot)
        assert MASKED in compact(screen_text(app))
        audits = AuditEvent.select().count()
        await press(pilot, "r")
        await saved(pilot)
        assert DIGITS in compact(screen_text(app))
        assert AuditEvent.select().count() == audits + 1


# ---------------------------------------------------------------- standards


async def open_standards(pilot) -> None:
    from tui_register.ui.screens.standards import StandardsScreen

    await settle(pilot)
    await press(pilot, "6", "s")
    assert isinstance(pilot.app.screen, StandardsScreen)
    await settle(pilot)


async def test_a_supervisor_enters_a_standard_from_the_payments_section(register: Built):
    from tui_register.ui.forms.accounts import StandardForm
    from tui_register.ui.screens.standards import StandardsScreen

    app = make_app(register.path, ALICE)
    async with app.run_test(size=SIZE) as pilot:
        await open_standards(pilot)
        assert "城市低保 2020-01-01 590.00 按月" in " ".join(screen_text(app).split())
        await press(pilot, "n")
        assert isinstance(app.screen, StandardForm)
        await press(pilot, "enter")
        await type_text(pilot, "城市低保")
        await press(pilot, "enter", "tab", "tab")
        await type_text(pilot, "20260701")
        await press(pilot, "tab")
        await type_text(pilot, "65O")  # a letter: refused under the amount
        await press(pilot, "tab")
        assert field_error(app.screen, "amount")
        await press(pilot, "shift+tab")
        await type_text(pilot, "650")
        await press(pilot, "ctrl+s")
        await saved(pilot)
        assert isinstance(app.screen, StandardsScreen)
        assert standards()[-1] == ("urban_dibao", "", "2026-07-01", 65000, "monthly")
        rows = [line for line in screen_text(app).splitlines() if "城市低保" in line]
        assert "2026-07-01" in rows[0] and "650.00" in rows[0]  # newest entered first


async def test_a_standard_before_an_approved_round_is_refused_as_the_forms_message(register: Built):
    from tui_register.ui.forms.accounts import StandardForm

    app = make_app(register.path, ALICE)
    async with app.run_test(size=SIZE) as pilot:
        await open_standards(pilot)
        await burst(pilot, "n", "enter", *chars("城市低保"), "enter", "tab", "tab", *chars("2026-05-01"), "tab",
                    *chars("620"), "ctrl+s")
        await saved(pilot)
        assert isinstance(app.screen, StandardForm)
        refusal = _("storage.standard_before_round", round="#1 2026-05 城市低保发放", valid_from="2026-05-01")
        assert compact(refusal) in compact(screen_text(app))
        assert len(standards()) == 1
        assert app.screen.values()["amount"] == "620"  # nothing typed is lost


async def test_a_clerk_is_refused_a_new_standard(register: Built):
    from tui_register.ui.screens.standards import StandardsScreen

    app = make_app(register.path, BOB)
    async with app.run_test(size=SIZE) as pilot:
        await open_standards(pilot)
        await press(pilot, "n")
        assert isinstance(app.screen, StandardsScreen)
        assert compact(_("storage.not_supervisor", user=BOB)) in compact(screen_text(app))
        assert len(standards()) == 1


# ---------------------------------------------------------------- both languages at 80x24


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_both_screens_read_whole_at_80x24(register: Built, language: str):
    app = make_app(register.path, ALICE, language=language)
    async with app.run_test(size=SIZE) as pilot:
        await open_household(pilot)
        await press(pilot, "b")
        shown = screen_text(app)
        for key in ("pay.ui.form_account", "field.account.person", "field.account.kind", "field.bank_name",
                    "field.account_number", "field.holder_name", "field.account.proxy", "field.notes"):
            assert _(key) in shown, key
        assert _("pay.ui.account_household", name=HEAD) in shown
        await press(pilot, "escape", "escape", "escape")
        await open_standards(pilot)
        shown = screen_text(app)
        for key in ("pay.ui.standards_title", "pay.ui.col_category", "pay.ui.col_grade", "pay.ui.col_from",
                    "pay.ui.col_standard", "pay.ui.col_period_kind", "key.pay_new_standard"):
            assert _(key) in shown, key
        await press(pilot, "n")
        shown = screen_text(app)
        for key in ("pay.ui.form_standard", "field.category", "field.grade", "field.valid_from",
                    "field.standard.amount", "field.period"):
            assert _(key) in shown, key
