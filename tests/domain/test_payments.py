"""Payment rules: periods, the months due, the amount due under standards, accounts."""

from __future__ import annotations

from datetime import date

import pytest

from tui_register import i18n
from tui_register.domain.errors import FieldError
from tui_register.domain.payments import (
    Standard,
    amount_due,
    check_holder,
    clean_account_number,
    due_months,
    mask_account,
    membership_months,
    months_between,
    parse_period,
)


@pytest.mark.parametrize(("text", "code", "start", "end"), [
    ("2026-11", "2026-11", date(2026, 11, 1), date(2026, 11, 30)),
    ("2026年2月", "2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    ("2024-02", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2026Q4", "2026Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ("2026年第一季度", "2026Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("2026H2", "2026H2", date(2026, 7, 1), date(2026, 12, 31)),
    ("2026年上半年", "2026H1", date(2026, 1, 1), date(2026, 6, 30)),
    ("2026", "2026", date(2026, 1, 1), date(2026, 12, 31)),
    ("２０２６ｑ３", "2026Q3", date(2026, 7, 1), date(2026, 9, 30)),
    ("2026-11-15", "2026-11-15", date(2026, 11, 15), date(2026, 11, 15)),
])
def test_periods_as_offices_write_them(text, code, start, end):
    period = parse_period(text)
    assert (period.code, period.start, period.end) == (code, start, end)
    assert parse_period(period.code) == period  # the canonical text reads back


@pytest.mark.parametrize("text", ["2026Q5", "2026-13", "2026H3", "下个月", "2026-02-30"])
def test_a_period_that_cannot_be_read_names_the_field_and_the_forms(text):
    i18n.set_language("zh_CN")
    with pytest.raises(FieldError) as err:
        parse_period(text, field="round_period")
    assert err.value.code == "bad_period"
    assert "发放期间" in err.value.message() and "2026Q4" in err.value.message()


def test_a_membership_is_due_for_every_month_it_is_in_force_on_any_day():
    q4 = parse_period("2026Q4")
    assert due_months(date(2020, 1, 1), None, q4) == [(2026, 10), (2026, 11), (2026, 12)]
    assert due_months(date(2026, 11, 20), None, q4) == [(2026, 11), (2026, 12)]  # starts late: November in full
    assert due_months(date(2020, 1, 1), date(2026, 11, 3), q4) == [(2026, 10), (2026, 11)]  # ends early
    assert due_months(date(2020, 1, 1), date(2026, 9, 30), q4) == []  # ended before
    assert due_months(date(2027, 1, 1), None, q4) == []  # not yet
    one_off = parse_period("2026-11-15")
    assert due_months(date(2026, 11, 1), None, one_off) == [(2026, 11)]
    assert months_between(date(2026, 12, 31), date(2027, 1, 1)) == [(2026, 12), (2027, 1)]


def test_the_standard_in_force_on_each_months_first_day():
    # 重度残疾人 subsidy: 50 yuan a month, 65 from 2026-07-01.
    standards = [Standard(date(2020, 1, 1), 5000), Standard(date(2026, 7, 1), 6500)]
    year = parse_period("2026").months()
    assert amount_due(year, standards=standards) == 6 * 5000 + 6 * 6500
    assert amount_due(parse_period("2026-06").months(), standards=standards) == 5000
    assert amount_due(parse_period("2026-07").months(), standards=standards) == 6500
    assert amount_due([(2019, 12)], standards=standards) == 0  # no standard yet: nothing due


def test_a_memberships_own_amount_wins_over_the_standard():
    standards = [Standard(date(2020, 1, 1), 59000)]
    months = parse_period("2026Q4").months()
    assert amount_due(months, own_amount_fen=32000, standards=standards) == 3 * 32000  # 低保补差


def test_a_yearly_amount_is_due_in_twelfths_and_a_whole_year_gives_it_exactly():
    yearly = [Standard(date(2020, 1, 1), 1_000_001, "yearly")]  # not divisible by 12
    assert amount_due(parse_period("2026").months(), standards=yearly) == 1_000_001
    assert amount_due(parse_period("2026Q1").months(), standards=yearly) == 250_000  # 250000.25 -> half up
    assert amount_due(parse_period("2026H2").months(), own_amount_fen=1_000_001, own_period="yearly") == 500_001
    assert amount_due([(2026, 11)], own_amount_fen=300_000, own_period="once") == 300_000


def test_account_numbers_are_digits_after_spaces_dashes_and_full_width_forms():
    assert clean_account_number("６２２２ ０２１２-３４５６ ７８９０ １２３") == "6222021234567890123"
    assert mask_account("6222021234567890123") == "6222***********0123"
    assert mask_account("") == ""


@pytest.mark.parametrize(("raw", "code"), [("6222 0212 3abc 4567", "account_not_digits"),
                                           ("62220212345", "account_length"),
                                           ("6" * 31, "account_length"),
                                           ("", "required")])
def test_a_wrong_account_number_says_what_is_wrong(raw, code):
    i18n.set_language("en")
    with pytest.raises(FieldError) as err:
        clean_account_number(raw)
    assert err.value.code == code
    assert err.value.message().startswith("Account number: ")
    if code == "account_length":
        assert str(len(raw)) in err.value.message() and "12 to 30" in err.value.message()


def test_the_holder_is_the_recipient_or_a_marked_proxy():
    check_holder("张三丰", "张三丰", proxy=False)
    check_holder("张 三丰", "张三丰", proxy=False)
    check_holder("李四", "张三丰", proxy=True)  # 代领, marked
    i18n.set_language("zh_CN")
    with pytest.raises(FieldError) as err:
        check_holder("李四", "张三丰", proxy=False)
    assert "户名" in err.value.message() and "李四" in err.value.message() and "代领" in err.value.message()


def test_a_one_off_amount_is_due_once_for_its_start_month():
    once = [Standard(date(2020, 1, 1), 300_000, "once")]
    start = date(2026, 3, 9)
    assert membership_months(start, None, parse_period("2026"), standards=once) == [(2026, 3)]
    assert membership_months(start, None, parse_period("2027"), standards=once) == []  # not again next year
    assert membership_months(start, None, parse_period("2026-03-20"), standards=once) == [(2026, 3)]
    assert membership_months(start, None, parse_period("2026-04"), own_amount_fen=50000, own_period="once") == []
    monthly = [Standard(date(2020, 1, 1), 5000)]
    quarter = membership_months(start, None, parse_period("2026Q2"), standards=monthly)
    assert quarter == [(2026, 4), (2026, 5), (2026, 6)]
