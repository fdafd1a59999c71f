"""上期 and 增减: the figures at the end of the previous period, beside the period's own.

The previous period is the one of the same length just before: whole months shift by their
number of months (2026 → 2025, 2026-Q1 → 2025-Q4, whatever the days of February), any other
period by its number of days. Only the figures counted at a date are compared (households and
persons on the register, per category and group), read with the summary's own rules for the
previous period's last day (`summary.held`); nothing else of that period is computed.
"""

from __future__ import annotations

import calendar
import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

from tui_register.i18n import _
from tui_register.reports.data import Scope, household_on_roster, person_on_roster
from tui_register.reports.workbook import Column

COMPARED = ("households_on_register", "persons_on_register")  # overview rows given 上期 / 增减


@dataclass(frozen=True)
class Previous:
    """The previous period's at-date figures: (households, persons) overall, per category
    code and per group code (the last group of `category_groups` is every category)."""

    date_from: date
    date_to: date
    households: int
    persons: int
    categories: dict[str, tuple[int, int]]
    groups: dict[str, tuple[int, int]]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def previous_dates(first: date, last: date) -> tuple[date, date]:
    """The period of the same length just before `first`..`last`."""
    if first.day == 1 and last == _month_end(last.year, last.month):
        count = (last.year - first.year) * 12 + last.month - first.month + 1
        index = first.year * 12 + first.month - 1 - count
        start = date(index // 12, index % 12 + 1, 1)
        return start, first - timedelta(days=1)
    length = (last - first).days + 1
    return first - timedelta(days=length), first - timedelta(days=1)


def previous(scope: Scope) -> Previous:
    """The at-date figures of the previous period, at the same place and configuration."""
    from tui_register.domain.categories import category_groups
    from tui_register.reports import summary
    from tui_register.storage.models import Household, Person

    first, last = previous_dates(scope.date_from, scope.date_to)
    before = dataclasses.replace(scope, date_from=first, date_to=last, at=last)
    here = summary._here(before)
    households = Household.select().where(household_on_roster(last) & here).count()
    persons = (Person.select().join(Household)
               .where(household_on_roster(last) & person_on_roster(last) & here).count())
    holding = summary.held(before)
    per_code: dict[str, list[int]] = {}
    for index, found in enumerate((holding.households, holding.persons)):
        for (_path, codes), n in found.items():
            for code in codes:
                per_code.setdefault(code, [0, 0])[index] += n
    groups = {g.code: (summary._count(holding.households, g.codes), summary._count(holding.persons, g.codes))
              for g in category_groups(scope.key_youfu) if g.codes}
    return Previous(first, last, households, persons, {c: (h, p) for c, (h, p) in per_code.items()}, groups)


def overview_columns() -> list[Column]:
    return [Column(_("report.col.previous"), "int"), Column(_("report.col.change"), "int")]


def overview_cells(previous: Previous | None, key: str, value: int | None) -> tuple:
    """上期 and 增减 of an overview row: households and persons only, blank for the rest."""
    if previous is None or key not in COMPARED:
        return (None, None)
    before = previous.households if key == "households_on_register" else previous.persons
    return (before, (value or 0) - before)


def category_columns() -> list[Column]:
    return [Column(_("report.col.households_previous"), "int"), Column(_("report.col.persons_previous"), "int"),
            Column(_("report.col.households_change"), "int"), Column(_("report.col.persons_change"), "int")]


def _cells(before: tuple[int, int], households: int, persons: int) -> tuple:
    return (before[0], before[1], households - before[0], persons - before[1])


def category_cells(previous: Previous | None, code: str, households: int, persons: int) -> tuple:
    if previous is None:
        return ()
    return _cells(previous.categories.get(code, (0, 0)), households, persons)


def group_cells(previous: Previous | None, group: str, households: int, persons: int) -> tuple:
    if previous is None:
        return ()
    return _cells(previous.groups.get(group, (0, 0)), households, persons)

