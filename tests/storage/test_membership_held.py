"""`models.membership_held`: the one rule of "held on a day" (and "held on some day of a span")
that every figure by category uses. Start and end dates are both days held; voided, never."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.builder import RegisterBuilder, category
from tests.support.records import ALICE


@pytest.fixture
def memberships(reg):
    from tui_register.storage.households import end_membership
    from tui_register.storage.models import Membership

    build = RegisterBuilder(reg, ALICE)
    grid = build.places("城关街道", "东关社区", "第一网格")
    home = build.household(grid, "1号", "张三", categories=[
        category("urban_dibao", start=date(2025, 3, 1)), category("veteran", of_head=True, start=date(2025, 3, 1)),
        category("orphan", of_head=True, start=date(2025, 3, 1))])
    ended = Membership.get(Membership.category == "urban_dibao")
    end_membership(ALICE, ended.uuid, ended.version, date(2025, 6, 30), "收入超标")
    voided = Membership.get(Membership.category == "orphan")
    end_membership(ALICE, voided.uuid, voided.version, date(2025, 3, 1), "录入错误", void=True)
    return home


def held(first, last=None) -> list[str]:
    from tui_register.storage.models import Membership, membership_held

    return sorted(c for (c,) in Membership.select(Membership.category)
                  .where(membership_held(first, last)).tuples())


@pytest.mark.parametrize("day, codes", [
    (date(2025, 2, 28), []),  # before the start
    (date(2025, 3, 1), ["urban_dibao", "veteran"]),  # the start day is held; the voided one never
    (date(2025, 6, 30), ["urban_dibao", "veteran"]),  # so is the end day
    (date(2025, 7, 1), ["veteran"]),  # not the day after
])
def test_held_on_a_day(memberships, day, codes):
    assert held(day) == codes


def test_held_on_some_day_of_a_span(memberships):
    assert held(date(2025, 1, 1), date(2025, 3, 1)) == ["urban_dibao", "veteran"]
    assert held(date(2025, 6, 30), date(2025, 12, 31)) == ["urban_dibao", "veteran"]
    assert held(date(2025, 7, 1), date(2025, 12, 31)) == ["veteran"]
    assert held(date(2024, 1, 1), date(2025, 2, 28)) == []
