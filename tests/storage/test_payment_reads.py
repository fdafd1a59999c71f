"""Reads behind the account and standard screens: a household's accounts in use, and the
standards in keyset pages (newest entered first)."""

from __future__ import annotations

from datetime import date

from tests.support.records import ALICE, household_in, person_in, place_in
from tui_register.domain.records import AccountIn, StandardIn, validate
from tui_register.storage import households, payment_queries, payments


def _standard(day: date, yuan: int) -> None:
    payments.add_standard(ALICE, validate(StandardIn, {"category": "urban_dibao", "valid_from": day.isoformat(),
                                                       "amount": str(yuan), "period": "monthly"}))


def test_standards_are_read_in_keyset_pages_newest_first(reg):
    for i in range(12):
        _standard(date(2020 + i, 1, 1), 500 + i)
    first = payment_queries.standard_page(limit=5)
    assert [s.amount_fen for s in first] == [51100, 51000, 50900, 50800, 50700]
    second = payment_queries.standard_page(after=first[-1].id, limit=5)
    assert [s.amount_fen for s in second] == [50600, 50500, 50400, 50300, 50200]
    back = payment_queries.standard_page(before=second[0].id, limit=5)
    assert back == first
    oldest = payment_queries.standard_page(last=True, limit=5)
    assert [s.amount_fen for s in oldest] == [50400, 50300, 50200, 50100, 50000]
    assert oldest[-1].valid_from == date(2020, 1, 1) and oldest[-1].category == "urban_dibao"


def test_a_households_accounts_in_use_the_households_first(reg):
    place = households.create_place(ALICE, place_in("城关街道", "township"))
    home = households.create_household(ALICE, household_in(place.uuid, "人民路1号"),
                                       person_in(None, "张三丰", relation="head"))
    wife = households.add_person(ALICE, person_in(home.uuid, "李秀英", relation="spouse", sex="F"))

    def account(**fields) -> None:
        payments.add_account(ALICE, validate(AccountIn, {"kind": "bank", "bank_name": "农业银行", **fields}))

    account(person=wife.uuid, account_number="6228480011223344", holder_name="李秀英")
    account(household=home.uuid, account_number="6222021234567890123", holder_name="张三丰")
    account(household=home.uuid, account_number="6222021234567890999", holder_name="张三丰")  # replaces it
    rows = payment_queries.household_accounts(home.uuid)
    assert [(r.person_uuid, r.recipient, r.account_number) for r in rows] == [
        (None, "张三丰", "6222021234567890999"), (wife.uuid, "李秀英", "6228480011223344")]
    assert rows[0].masked_account == "6222***********0999"
