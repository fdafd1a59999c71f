"""The membership form at 80x24: the kind of a 临时救助 and the kind and stage of a 危房改造 are
select fields shown only for those categories, saved with the membership, shown in the
household's categories and history by their labels."""

from __future__ import annotations

import pytest

from tests.support.ui import (
    SIZE,
    TWO_CHAR_NAME,
    Register,
    compact,
    make_app,
    press,
    screen_text,
    settle,
    type_text,
)

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def built(ui_register: Register) -> Register:
    return ui_register


async def open_form(pilot):
    from tui_register.ui.forms.membership import MembershipForm
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    await settle(pilot)
    await press(pilot, "slash")
    await type_text(pilot, TWO_CHAR_NAME)
    await press(pilot, "enter", "enter")
    assert isinstance(pilot.app.screen, HouseholdDetailScreen)
    await settle(pilot)
    await press(pilot, "c")
    assert isinstance(pilot.app.screen, MembershipForm)
    return pilot.app.screen


async def choose(pilot, text: str) -> None:
    """Open the focused select's choices, type to find one, Enter to take it."""
    await press(pilot, "enter")
    await type_text(pilot, text)
    await press(pilot, "enter")


def shown(form) -> dict[str, bool]:
    return {name: form.query_one(f"#f-{name}").parent.display
            for name in ("aid_kind", "repair_kind", "repair_stage")}


def field_error(form, name: str) -> str:
    line = form.query_one(f"#err-{name}")
    return str(line.render()) if line.has_class("-shown") else ""


def memberships(register: Register):
    from tui_register.storage.models import Household, Membership

    home = Household.get(Household.uuid == register.two_char_uuid)
    return list(Membership.select().where(Membership.household == home).order_by(Membership.id))


async def test_assistance_kind_is_asked_for_and_saved(register: Register):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        assert shown(form) == {"aid_kind": False, "repair_kind": False, "repair_stage": False}
        assert "救助类别" not in screen_text(app)
        await choose(pilot, "临时救助")
        # The Tab typed right after the category goes to the field that category shows.
        await press(pilot, "tab")
        assert shown(form) == {"aid_kind": True, "repair_kind": False, "repair_stage": False}
        assert app.focused.id == "f-aid_kind" and "救助类别" in screen_text(app)
        await press(pilot, "ctrl+s")  # no kind yet: said under the field, nothing lost
        await settle(pilot)
        assert app.screen is form and field_error(form, "aid_kind") == "不能为空"
        assert form.values()["category"] == "temporary_assistance"
        await choose(pilot, "医疗")
        await press(pilot, "tab", "tab", "tab", "tab")
        assert app.focused.id == "f-amount"
        await type_text(pilot, "2000")
        await press(pilot, "tab")
        await choose(pilot, "一次性")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        (saved,) = [m for m in memberships(register) if m.category_id == "temporary_assistance"]
        assert (saved.aid_kind, saved.repair_kind, saved.repair_stage, saved.amount_fen) == ("medical", "", "", 200000)
        text = compact(screen_text(app))
        assert compact("临时救助 医疗") in text
        await press(pilot, "h")
        await settle(pilot)
        assert compact("救助类别: 医疗") in compact(screen_text(app))


async def test_repair_fields_follow_the_category_and_a_hidden_kind_is_not_saved(register: Register):
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await choose(pilot, "危房户")
        await settle(pilot)
        assert shown(form) == {"aid_kind": False, "repair_kind": True, "repair_stage": True}
        assert form.values()["repair_stage"] == "appraisal"  # every repair starts with its appraisal
        assert "鉴定" in screen_text(app)
        await press(pilot, "tab")
        await choose(pilot, "翻建")
        assert form.values()["repair_kind"] == "rebuild"
        # Another category after all: the repair fields go, and what they held is not saved.
        await press(pilot, "shift+tab")
        assert app.focused.id == "f-category"
        await choose(pilot, "孤儿")
        await press(pilot, "tab")
        assert shown(form) == {"aid_kind": False, "repair_kind": False, "repair_stage": False}
        assert app.focused.id == "f-person"
        assert form.values()["repair_kind"] == "" and form.values()["repair_stage"] == ""
        await choose(pilot, TWO_CHAR_NAME)
        await press(pilot, "ctrl+s")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        (orphan,) = [m for m in memberships(register) if m.category_id == "orphan"]
        assert (orphan.aid_kind, orphan.repair_kind, orphan.repair_stage) == ("", "", "")


async def test_a_repair_stage_moves_forward_from_the_household_and_never_back(register: Register):
    from tests.support.records import ALICE, membership_in
    from tui_register.storage.households import add_membership
    from tui_register.ui.forms.membership import RepairStageForm

    repair = add_membership(ALICE, membership_in("unsafe_housing", household=register.two_char_uuid,
                                                 repair_kind="翻建", repair_stage="施工"))
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await press(pilot, "escape")  # only to reach the household; the categories' cursor is on the repair
        await settle(pilot)
        assert compact("危房户 翻建 施工") in compact(screen_text(app))
        await press(pilot, "p")
        form = app.screen
        assert isinstance(form, RepairStageForm) and form.values()["repair_stage"] == "construction"
        await choose(pilot, "鉴定")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert field_error(form, "repair_stage") == (
            "只能向前推进（鉴定、施工、验收），现在已是「施工」，不能改回「鉴定」")
        await choose(pilot, "验收")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.screen is not form
        assert compact("危房户 翻建 验收") in compact(screen_text(app))
        from tui_register.storage.models import Membership

        saved = Membership.get_by_id(repair.id)
        assert (saved.repair_stage, saved.version) == ("acceptance", 2)


async def open_household(pilot):
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    await settle(pilot)
    await press(pilot, "slash")
    await type_text(pilot, TWO_CHAR_NAME)
    await press(pilot, "enter", "enter")
    assert isinstance(pilot.app.screen, HouseholdDetailScreen)
    await settle(pilot)


async def test_a_data_check_outcome_closes_the_case_with_its_reason(register: Register):
    from datetime import date

    from tests.support.records import ALICE, visit_in
    from tui_register.storage.models import CheckOutcome, Person
    from tui_register.storage.visits import add_visit
    from tui_register.ui.forms.check import CheckOutcomeForm

    check = add_visit(ALICE, visit_in(register.two_char_uuid, date(2026, 6, 20), purpose="data_check"))
    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_household(pilot)
        await press(pilot, "o")
        form = app.screen
        assert isinstance(form, CheckOutcomeForm) and "2026-06-20" in screen_text(app)
        assert form.values()["person"] and form.query_one("#f-reason").parent.display is False
        await press(pilot, "tab")
        await choose(pilot, "清理退出")
        await press(pilot, "tab")  # typed right after: to the reason the closure shows
        assert app.focused.id == "f-reason" and "退出原因" in screen_text(app)
        await choose(pilot, "死亡")
        person = form.values()["person"]
        await press(pilot, "ctrl+s")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.screen is not form
        (saved,) = CheckOutcome.select().where(CheckOutcome.visit == check.id)
        assert (saved.outcome, saved.reason) == ("closed", "deceased")
        head = Person.get(Person.uuid == person)
        assert (head.status, head.status_date) == ("deceased", date(2026, 6, 20))
        assert "已死亡" in screen_text(app)


async def test_without_a_data_check_the_key_says_so(register: Register):
    from tui_register.ui.screens.household_detail import HouseholdDetailScreen

    app = make_app(register.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_household(pilot)
        seen: list[str] = []
        original = app.notify
        app.notify = lambda message, *args, **kwargs: (seen.append(str(message)), original(message, *args, **kwargs))
        await press(pilot, "o")
        await settle(pilot)
        assert isinstance(app.screen, HouseholdDetailScreen)
        assert any("该户没有可记录结果的数据核查走访" in text for text in seen)
