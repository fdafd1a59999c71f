"""What a membership is due for several months is its month shares added up and rounded once,
whatever mix of monthly and yearly amounts the months have."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from tui_register.domain.payments import Standard, amount_due, month_share, parse_period


def test_the_amount_due_is_the_sum_of_the_month_shares_rounded_once():
    # A yearly standard of 1,000,001 fen until June, then 5,005 fen a month.
    standards = [Standard(date(2020, 1, 1), 1_000_001, "yearly"), Standard(date(2026, 7, 1), 5005, "monthly")]
    for period in ("2026", "2026Q2", "2026H1", "2026-03", "2026Q3"):
        months = parse_period(period).months()
        exact = sum((month_share(m, standards=standards) for m in months), Fraction(0))
        assert amount_due(months, standards=standards) == int(exact + Fraction(1, 2)), period
    # Five yearly months (5/12 of 1,000,001 = 416,667.08) and six monthly ones.
    assert amount_due(parse_period("2026").months()[1:], standards=standards) == 416_667 + 6 * 5005
    # A one-off amount is due once, whatever the months.
    assert amount_due([(2026, 1), (2026, 2)], own_amount_fen=300_000, own_period="once") == 300_000


def test_halves_are_rounded_away_from_zero_both_ways():
    quarter = parse_period("2026Q1").months()
    assert amount_due(quarter[:1], own_amount_fen=6, own_period="yearly") == 1  # 0.5 -> 1
    assert amount_due(quarter[:1], own_amount_fen=-6, own_period="yearly") == -1
    assert amount_due(quarter, own_amount_fen=-1_000_001, own_period="yearly") == -250_000  # -250000.25
    assert amount_due(quarter[:1], own_amount_fen=5, own_period="yearly") == 0  # 0.42 -> 0
