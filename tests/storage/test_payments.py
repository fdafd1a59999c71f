"""Payments in storage: standards, accounts, rounds made from the register, checking,
approval, results, corrections; every write in the change log, nothing deleted."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

import pytest

from tests.support.records import (
    ALICE,
    household_in,
    log_since,
    max_seq,
    membership_in,
    person_in,
    place_in,
    resident_id,
)
from tui_register import i18n
from tui_register.domain.errors import FieldError, InputError
from tui_register.domain.records import AccountIn, StandardIn, validate
from tui_register.storage import households, payments, staff
from tui_register.storage.core import NotSupervisor, RuleViolation
from tui_register.storage.models import PaymentLine, PaymentRound, PaymentStandard

BOB = "bob"  # a second supervisor: approves what alice prepares
CAROL = "carol"  # a clerk


def standard_in(category: str, valid_from: str, amount: str, period: str = "monthly", grade: str = "") -> StandardIn:
    return validate(StandardIn, {"category": category, "valid_from": valid_from, "amount": amount,
                                 "period": period, "grade": grade})


def account_in(*, person: str = "", household: str = "", kind: str = "bank", number: str = "6222021234567890123",
               holder: str = "", bank: str = "农业银行", proxy: bool = False) -> AccountIn:
    return validate(AccountIn, {"person": person, "household": household, "kind": kind, "bank_name": bank,
                                "account_number": number, "holder_name": holder, "proxy": proxy})


@pytest.fixture
def office(reg):
    """Two dibao households (one with its own 补差 amount), a severely disabled person who
    follows the standard, and accounts for all of them but the last."""
    staff.add_staff(ALICE, BOB, "鲍主任", "supervisor")
    staff.add_staff(ALICE, CAROL, "陈经办", "clerk")
    town = households.create_place(ALICE, place_in("城关街道", "township"))
    village = households.create_place(ALICE, place_in("东关社区", "village", town.uuid))
    w = SimpleNamespace()
    w.h1 = households.create_household(ALICE, household_in(village.uuid, "人民路1号"),
                                       person_in(None, "张三丰", id_number=resident_id(date(1950, 3, 4), 1),
                                                 relation="head"))
    w.h2 = households.create_household(ALICE, household_in(village.uuid, "人民路2号"),
                                       person_in(None, "李秀英", id_number=resident_id(date(1960, 5, 6), 2),
                                                 relation="head"))
    w.h3 = households.create_household(ALICE, household_in(village.uuid, "人民路3号"),
                                       person_in(None, "王五", id_number=resident_id(date(1970, 7, 8), 3),
                                                 relation="head"))
    w.p3 = w.h3.members.get()
    # 城市低保 follows the standard (590, 650 from July); 李秀英's household has its own 320.
    w.m1 = households.add_membership(ALICE, membership_in("urban_dibao", household=w.h1.uuid, start=date(2024, 1, 1)))
    w.m2 = households.add_membership(ALICE, membership_in("urban_dibao", household=w.h2.uuid, start=date(2024, 1, 1),
                                                          amount="320", period="monthly"))
    w.m3 = households.add_membership(ALICE, membership_in("severe_disability", person=w.p3.uuid,
                                                          start=date(2026, 2, 10)))
    payments.add_standard(ALICE, standard_in("urban_dibao", "2020-01-01", "590"))
    payments.add_standard(ALICE, standard_in("severe_disability", "2020-01-01", "50"))
    w.a1 = payments.add_account(ALICE, account_in(household=w.h1.uuid, holder="张三丰"))
    w.a2 = payments.add_account(ALICE, account_in(household=w.h2.uuid, holder="李秀英", kind="card", bank=""))
    return w


def lines(r: PaymentRound) -> dict[tuple[str, str], PaymentLine]:
    return {(line.recipient_name, line.kind): line for line in PaymentLine.select().where(PaymentLine.round == r)}


def test_a_round_lists_every_membership_due_with_the_amount_in_force(office):
    before = max_seq()
    r = payments.create_round(ALICE, ["urban_dibao"], "2026-11")
    assert (r.number, r.period, r.state, r.prepared_by) == (1, "2026-11", "draft", ALICE)
    got = lines(r)
    assert {k: (v.amount_fen, v.months, v.state) for k, v in got.items()} == {
        ("张三丰", "regular"): (59000, "2026-11", "due"),  # the standard
        ("李秀英", "regular"): (32000, "2026-11", "due"),  # its own amount wins
    }
    assert got[("张三丰", "regular")].account_id == office.a1.id
    # One transaction: the round and its lines in the change log, and nothing else.
    assert [(row.entity, row.op) for row in log_since(before)] == [
        ("payment_round", "create"), ("payment_line", "create"), ("payment_line", "create")]


def test_a_new_standard_applies_from_its_date_to_every_membership_that_follows_it(office):
    payments.add_standard(ALICE, standard_in("urban_dibao", "2026-07-01", "650"))
    r = payments.create_round(ALICE, ["urban_dibao"], "2026H2")
    got = lines(r)
    assert got[("张三丰", "regular")].amount_fen == 6 * 65000
    assert got[("李秀英", "regular")].amount_fen == 6 * 32000  # its own amount: unchanged
    # The raise is in the history of the household whose membership follows it, not of the other.
    raise_uuid = PaymentStandard.get(PaymentStandard.valid_from == date(2026, 7, 1)).uuid
    assert payments.standards_affecting(office.h1) == [raise_uuid]
    assert payments.standards_affecting(office.h2) == []


def test_a_membership_that_starts_within_the_period_is_due_for_its_first_month_in_full(office):
    r = payments.create_round(ALICE, ["severe_disability"], "2026Q1")
    assert lines(r)[("王五", "regular")].months == "2026-02,2026-03"
    assert lines(r)[("王五", "regular")].amount_fen == 2 * 5000


def test_a_second_round_for_the_same_category_and_period_is_refused_naming_it(office):
    first = payments.create_round(ALICE, ["urban_dibao"], "2026-11")
    i18n.set_language("zh_CN")
    with pytest.raises(RuleViolation) as err:
        payments.create_round(ALICE, ["urban_dibao", "rural_dibao"], "2026Q4")
    assert f"#{first.number}" in err.value.message() and "城市低保" in err.value.message()
    assert PaymentRound.select().count() == 1  # nothing half-written
    # A correction round is its own kind.
    correction = payments.create_round(ALICE, ["urban_dibao"], "2026-11", kind="correction")
    assert correction.kind == "correction" and not lines(correction)


def test_approval_is_a_second_supervisors_and_refuses_lines_in_error(office):
    r = payments.create_round(ALICE, ["severe_disability"], "2026-11")  # 王五 has no account
    with pytest.raises(RuleViolation) as err:
        payments.approve_round(BOB, r.number)
    assert err.value.key == "storage.round_has_problems" and err.value.params["first"] == "王五"
    payments.add_account(ALICE, account_in(person=office.p3.uuid, kind="cash", number="", bank=""))
    r = payments.create_round(ALICE, ["urban_dibao"], "2026-11")
    with pytest.raises(NotSupervisor):
        payments.approve_round(CAROL, r.number)
    with pytest.raises(RuleViolation) as err:
        payments.approve_round(ALICE, r.number)  # she prepared it
    assert err.value.key == "storage.approve_own_round"
    approved = payments.approve_round(BOB, r.name)
    assert (approved.state, approved.approved_by) == ("approved", BOB)
    # An office with one supervisor says so in its configuration.
    other = payments.create_round(ALICE, ["severe_disability"], "2026-12")
    assert payments.approve_round(ALICE, other.number, single_supervisor=True).state == "approved"


def test_a_draft_is_checked_line_by_line_and_an_approved_round_is_never_edited(office):
    r = payments.create_round(ALICE, ["urban_dibao"], "2026-11")
    li = lines(r)[("李秀英", "regular")]
    with pytest.raises(FieldError):
        payments.exclude_line(ALICE, li.uuid, li.version, "  ")  # a reason is needed
    li = payments.change_amount(ALICE, li.uuid, li.version, 30000, "收入增加,补差下调")
    assert (li.amount_fen, li.amount_due_fen, li.reason) == (30000, 32000, "收入增加,补差下调")
    zhang = lines(r)[("张三丰", "regular")]
    payments.exclude_line(ALICE, zhang.uuid, zhang.version, "待核查")
    payments.approve_round(BOB, r.number)
    zhang = PaymentLine.get_by_id(zhang.id)
    with pytest.raises(RuleViolation) as err:
        payments.include_line(ALICE, zhang.uuid, zhang.version)
    assert err.value.key == "storage.round_not_draft"


def test_failed_lines_stay_due_and_are_offered_in_the_next_round(office):
    r = payments.create_round(ALICE, ["urban_dibao"], "2026-10")
    payments.approve_round(BOB, r.number)
    zhang = lines(r)[("张三丰", "regular")]
    payments.mark_failed(ALICE, zhang.uuid, "账户已注销")
    closed, marked = payments.close_round(BOB, r.number, date(2026, 10, 15))
    assert (closed.state, marked) == ("closed", 1)
    assert PaymentLine.get_by_id(zhang.id).state == "failed"
    nov = lines(payments.create_round(ALICE, ["urban_dibao"], "2026-11"))
    again = nov[("张三丰", "back_pay")]
    assert (again.amount_fen, again.months, again.corrects) == (59000, "2026-10", zhang.uuid)
    assert nov[("张三丰", "regular")].months == "2026-11"
    assert ("李秀英", "back_pay") not in nov  # paid: nothing to pay again


def test_a_failed_household_payment_to_the_heads_account_is_offered_again_to_it(office):
    """A household's payment goes to its head's account when it has none of its own; failed,
    it is offered again to that account (it once came back with none, and the round could
    not be approved)."""
    from tui_register.storage.models import PaymentAccount

    h4 = households.create_household(ALICE, household_in(office.h1.place.uuid, "人民路4号"),
                                     person_in(None, "赵六", id_number=resident_id(date(1955, 1, 2), 5),
                                               relation="head"))
    households.add_membership(ALICE, membership_in("urban_dibao", household=h4.uuid, start=date(2026, 1, 1)))
    head = h4.members.get()
    heads = payments.add_account(ALICE, account_in(person=head.uuid, holder="赵六"))
    oct_round = payments.create_round(ALICE, ["urban_dibao"], "2026-10")
    first = lines(oct_round)[("赵六", "regular")]
    assert first.account_id == heads.id
    payments.approve_round(BOB, oct_round.number)
    payments.mark_failed(ALICE, first.uuid, "户名不符")
    payments.close_round(BOB, oct_round.number, date(2026, 10, 15))
    nov = payments.create_round(ALICE, ["urban_dibao"], "2026-11")
    again = lines(nov)[("赵六", "back_pay")]
    assert again.corrects == first.uuid
    assert PaymentAccount.get_by_id(again.account_id).uuid == heads.uuid
    assert payments.approve_round(BOB, nov.number).state == "approved"


def test_back_pay_for_months_due_in_no_earlier_round_and_a_stop_for_an_ended_membership(office):
    payments.add_account(ALICE, account_in(person=office.p3.uuid, kind="cash", number="", bank=""))
    oct_round = payments.create_round(ALICE, ["urban_dibao", "severe_disability"], "2026-10")
    payments.approve_round(BOB, oct_round.number)
    # A household approved in October, entered in November with its start date in October.
    h4 = households.create_household(ALICE, household_in(office.h1.place.uuid, "人民路4号"),
                                     person_in(None, "赵六", id_number=resident_id(date(1955, 1, 2), 5),
                                               relation="head"))
    households.add_membership(ALICE, membership_in("urban_dibao", household=h4.uuid, start=date(2026, 10, 20)))
    payments.add_account(ALICE, account_in(household=h4.uuid, holder="赵六"))
    # 王五's subsidy ended in September... no: it ends on 2026-10-31, after the October round.
    m3 = office.m3
    households.end_membership(ALICE, m3.uuid, m3.version, date(2026, 10, 31), "迁出")
    nov = lines(payments.create_round(ALICE, ["urban_dibao", "severe_disability"], "2026-11"))
    assert nov[("赵六", "back_pay")].months == "2026-10"
    assert nov[("赵六", "regular")].months == "2026-11"
    stop = nov[("王五", "stop")]
    assert (stop.amount_fen, stop.state, stop.reason) == (0, "excluded", "stopped")


def test_corrections_are_new_lines_linked_to_the_line_they_correct(office):
    r = payments.create_round(ALICE, ["urban_dibao"], "2026-11")
    payments.approve_round(BOB, r.number)
    li = lines(r)[("李秀英", "regular")]
    fix = payments.create_round(ALICE, ["urban_dibao"], "2026-11", kind="correction", name="11月低保更正")
    recovery = payments.correct_line(ALICE, li.uuid, fix.number, -2000, "多发 20 元")
    assert (recovery.kind, recovery.amount_fen, recovery.corrects) == ("recovery", -2000, li.uuid)
    assert PaymentLine.get_by_id(li.id).amount_fen == 32000  # the approved line is as it was


def test_a_standard_that_would_change_an_approved_round_is_refused(office):
    r = payments.create_round(ALICE, ["urban_dibao"], "2026-11")
    payments.approve_round(BOB, r.number)
    with pytest.raises(RuleViolation) as err:
        payments.add_standard(ALICE, standard_in("urban_dibao", "2026-11-01", "650"))
    assert err.value.key == "storage.standard_before_round"
    payments.add_standard(ALICE, standard_in("urban_dibao", "2026-12-01", "650"))  # after it: fine
    with pytest.raises(NotSupervisor):
        payments.add_standard(CAROL, standard_in("urban_dibao", "2027-01-01", "700"))


def test_accounts_replace_the_one_in_use_and_the_holder_must_be_the_recipient(office):
    i18n.set_language("zh_CN")
    with pytest.raises(FieldError) as err:
        payments.add_account(ALICE, account_in(household=office.h1.uuid, holder="李四"))
    assert err.value.code == "holder_mismatch"
    proxy = payments.add_account(ALICE, account_in(household=office.h1.uuid, holder="李四", proxy=True))
    old = type(office.a1).get_by_id(office.a1.id)
    assert (old.status, old.status_reason, proxy.status) == ("closed", "replaced", "active")
    with pytest.raises(InputError) as bad:
        account_in(household=office.h1.uuid, number="6222 abc", holder="张三丰")
    assert bad.value.errors[0].field == "account_number"


def test_every_payment_record_is_a_valid_snapshot_for_the_centre(office):
    from tui_register.domain.snapshots import check_snapshot
    from tui_register.storage.models import ChangeLog

    r = payments.create_round(ALICE, ["urban_dibao"], "2026-11")
    payments.approve_round(BOB, r.number)
    rows = ChangeLog.select().where(ChangeLog.entity.startswith("payment_"))
    assert rows.count() >= 6
    for row in rows:
        assert check_snapshot(row.entity, json.loads(row.snapshot)) == [], (row.entity, row.snapshot)
